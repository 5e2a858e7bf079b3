"""The short time in which a person may take back a step they just recorded.

A referral step or a reminder marked done can be undone by the person who recorded it, for
``UNDO_WINDOW`` after recording it; the undo is a new change with its own history entry (who,
when, why), never an erasure of the first.
"""

from datetime import datetime, timedelta

from django.utils import timezone

UNDO_WINDOW = timedelta(minutes=10)
UNDO_MINUTES = int(UNDO_WINDOW.total_seconds() // 60)


class UndoRefused(Exception):
    """The undo is not allowed (someone else's step, or too late); nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def undo_open_until(recorded_at: datetime | None) -> datetime | None:
    return recorded_at + UNDO_WINDOW if recorded_at is not None else None


def may_undo(*, recorded_by_id: int | None, recorded_at: datetime | None, user) -> bool:
    """Whether ``user`` recorded it and the window is still open."""
    if recorded_at is None or recorded_by_id is None or user is None:
        return False
    return recorded_by_id == user.pk and timezone.now() <= recorded_at + UNDO_WINDOW


def refusal(*, recorded_by_id: int | None, recorded_at: datetime | None, user, what: str) -> str:
    """Why ``user`` may not undo it, or "" when they may."""
    if may_undo(recorded_by_id=recorded_by_id, recorded_at=recorded_at, user=user):
        return ""
    if recorded_at is None or recorded_by_id is None or recorded_by_id != getattr(user, "pk", None):
        return f"Only the person who recorded {what} can undo it. Nothing was changed."
    return (
        f"{what[0].upper()}{what[1:]} was recorded more than {UNDO_MINUTES} minutes ago and can "
        "no longer be undone. Nothing was changed."
    )
