from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

TODAY = date(2025, 3, 14)  # a Friday
PROGRAM_TIME = ZoneInfo("America/New_York")


def at_noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=PROGRAM_TIME)


@pytest.fixture
def clock():
    """A frozen clock at noon (program time) on TODAY; ``clock.move_to(at_noon(day))``."""
    with time_machine.travel(at_noon(TODAY), tick=False) as traveller:
        yield traveller
