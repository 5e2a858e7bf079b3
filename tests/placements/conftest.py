from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

TODAY = date(2025, 3, 15)


@pytest.fixture
def frozen_today():
    """Freeze the clock at noon (program time zone) on TODAY; yields TODAY."""
    moment = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=ZoneInfo("America/New_York"))
    with time_machine.travel(moment, tick=False):
        yield TODAY
