"""The visit schedule: when a housed client's next visit is due.

After move-in the program visits often, then less often. The rhythm is a program setting
(default: weekly for the first 4 weeks after move-in, then every 30 days):

    VISIT_SCHEDULE_WEEKLY_WEEKS    weeks of weekly visits after move-in        (4)
    VISIT_SCHEDULE_MONTHLY_DAYS    then one visit every this many days         (30)
    VISIT_SCHEDULE_CONTACT_KINDS   contact kinds that count as a visit
                                   (home visit, office visit, phone call: every kind where
                                   the client was reached; an outreach attempt never counts)

The rule, for a client housed since ``move_in_date`` whose last counted contact on or after
move-in was on ``last_visit_on``:

    reference = last_visit_on, or the move-in date when there is none
    due       = reference + 7 days   while reference is within the weekly weeks after move-in
              = reference + monthly days afterwards

Only housed clients (an open placement with a move-in date) have a visit due; a client still
searching for housing, or exited, has none.

Two forms of the one rule: ``next_visit_due`` for one client (pure Python, from dates), and
``with_visit_schedule`` for many (annotations computed in SQL, so a reminders job can go
through ten thousand clients in one query and filter on ``next_visit_due__lte=today``).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, DateField, F, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce, TruncDate

from .expressions import AddDays
from .models import Contact

WEEK = 7


@dataclass(frozen=True)
class VisitRhythm:
    weekly_weeks: int = 4
    monthly_days: int = 30
    contact_kinds: tuple[str, ...] = (
        Contact.Kind.HOME_VISIT,
        Contact.Kind.OFFICE_VISIT,
        Contact.Kind.PHONE_CALL,
    )

    @classmethod
    def from_settings(cls) -> "VisitRhythm":
        return cls(
            weekly_weeks=settings.VISIT_SCHEDULE_WEEKLY_WEEKS,
            monthly_days=settings.VISIT_SCHEDULE_MONTHLY_DAYS,
            contact_kinds=tuple(settings.VISIT_SCHEDULE_CONTACT_KINDS),
        )

    @property
    def weekly_days(self) -> int:
        """Days after move-in during which visits are weekly."""
        return self.weekly_weeks * WEEK

    def counts(self, contact: Contact) -> bool:
        return contact.kind in self.contact_kinds


def next_visit_due(
    *, move_in_date: date, last_visit_on: date | None = None, rhythm: VisitRhythm | None = None
) -> date:
    """The date the next visit is due for a client housed since ``move_in_date``.

    ``last_visit_on`` is the local date of the latest counted contact; one before the move-in
    is ignored (the rhythm starts at move-in).
    """
    rhythm = rhythm or VisitRhythm.from_settings()
    reference = move_in_date
    if last_visit_on is not None and last_visit_on >= move_in_date:
        reference = last_visit_on
    if reference < move_in_date + timedelta(days=rhythm.weekly_days):
        return reference + timedelta(days=WEEK)
    return reference + timedelta(days=rhythm.monthly_days)


def latest_visit_day(contact_kinds) -> Subquery:
    """For a Client queryset annotated with ``housed_since``: the local date of the latest
    contact of these kinds on or after that move-in (None without one)."""
    visits = (
        Contact.objects.filter(
            client=OuterRef("pk"),
            kind__in=contact_kinds,
            occurred_at__date__gte=OuterRef("housed_since"),
        )
        .order_by("-occurred_at")
        .annotate(day=TruncDate("occurred_at"))
    )
    return Subquery(visits.values("day")[:1], output_field=DateField())


def with_visit_schedule(clients: QuerySet, *, rhythm: VisitRhythm | None = None) -> QuerySet:
    """Annotate a Client queryset with the visit schedule, computed in SQL:

    - ``housed_since``: move-in date of the open placement (None unless housed)
    - ``last_visit_on``: local date of the latest counted contact since that move-in
    - ``last_contact_at``: when the client was last reached, by any kind of contact, ever
    - ``next_visit_due``: the same date ``next_visit_due`` gives (None unless housed)

    The dates come from the housing read model (``HousingState``, one joined row per client);
    only the rhythm's arithmetic is done here. A rhythm counting other contact kinds than the
    program's setting finds the last visit among the contacts themselves.

    Example: ``with_visit_schedule(clients).filter(next_visit_due__lte=today)``.
    """
    rhythm = rhythm or VisitRhythm.from_settings()
    clients = clients.annotate(
        housed_since=F("housing_state__housed_since"),
        last_contact_at=F("housing_state__last_contact_at"),
    )
    if set(rhythm.contact_kinds) == set(settings.VISIT_SCHEDULE_CONTACT_KINDS):
        last_visit_on = F("housing_state__last_visit_on")
    else:
        last_visit_on = latest_visit_day(rhythm.contact_kinds)
    return clients.annotate(
        last_visit_on=last_visit_on,
        visit_reference=Coalesce("last_visit_on", "housed_since", output_field=DateField()),
        next_visit_due=Case(
            When(housed_since__isnull=True, then=None),
            When(
                Q(visit_reference__lt=AddDays(F("housed_since"), rhythm.weekly_days)),
                then=AddDays(F("visit_reference"), WEEK),
            ),
            default=AddDays(F("visit_reference"), rhythm.monthly_days),
            output_field=DateField(),
        ),
    )
