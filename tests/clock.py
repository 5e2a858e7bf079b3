"""One test clock for every test that depends on the date.

A frozen test day is the package's fixed day (``TODAY``), by default at noon in the program's
time zone, far from any midnight. ``pytest --clock=2026-11-30T20:30`` (program time) runs the
suite as if it were that moment instead: the real clock starts there (and keeps ticking), and
every frozen day is frozen at the clock's time of day (its date stays, since tests spell out
what they expect on it). CI runs the
date-sensitive tests (marker ``dates``) at the risky moments, so a date taken in UTC where the
program's local date was meant fails at any hour, not only in the evening:

- 20:30 program time is 00:30 or 01:30 UTC (the next UTC day, summer or winter);
- 23:30 program time is the last hour of the local day;
- the last day of a month and 29 February catch month and leap-year arithmetic.
"""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings

DEFAULT_DAY = date(2025, 3, 15)
DEFAULT_TIME_OF_DAY = time(12)

_clock: datetime | None = None


def program_time() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def configure(value: str | None) -> None:
    """Set the run's clock from ``--clock`` (ISO date-time, program time when naive)."""
    global _clock
    if not value:
        _clock = None
        return
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=program_time())
    _clock = moment.astimezone(program_time())


def run_clock() -> datetime | None:
    """The moment the run pretends it is, or None for the real clock."""
    return _clock


def at(day: date, *, hour: int | None = None, minute: int = 0) -> datetime:
    """An aware moment on the local ``day``: at the run's time of day unless an hour is given."""
    if hour is not None:
        of_day = time(hour, minute)
    elif _clock is not None:
        of_day = _clock.time().replace(second=0, microsecond=0, tzinfo=None)
    else:
        of_day = DEFAULT_TIME_OF_DAY
    return datetime.combine(day, of_day, tzinfo=program_time())
