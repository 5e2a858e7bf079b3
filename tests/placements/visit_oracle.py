"""The visit rule in plain Python, over loaded contacts: the oracle the SQL of
``placements.visits.with_visit_schedule`` is checked against (the app itself computes in SQL)."""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from placements.models import Contact, Placement
from placements.visits import VisitRhythm, next_visit_due


def last_visit_on(
    contacts: Iterable[Contact], *, since: date, rhythm: VisitRhythm | None = None
) -> date | None:
    """Local date of the latest counted contact on or after ``since``, from loaded contacts."""
    rhythm = rhythm or VisitRhythm.from_settings()
    days = [
        timezone.localdate(contact.occurred_at)
        for contact in contacts
        if rhythm.counts(contact) and timezone.localdate(contact.occurred_at) >= since
    ]
    return max(days, default=None)


def next_visit_due_for(
    placement: Placement | None,
    contacts: Iterable[Contact],
    *,
    rhythm: VisitRhythm | None = None,
) -> date | None:
    """When the next visit is due for this placement, given the client's contacts.

    None unless the placement is housed (moved in, not exited). ``contacts`` may hold every
    contact of the client or only those since move-in; other kinds are ignored.
    """
    if placement is None or placement.state is not Placement.State.HOUSED:
        return None
    rhythm = rhythm or VisitRhythm.from_settings()
    return next_visit_due(
        move_in_date=placement.move_in_date,
        last_visit_on=last_visit_on(contacts, since=placement.move_in_date, rhythm=rhythm),
        rhythm=rhythm,
    )
