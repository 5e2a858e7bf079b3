"""Reads: the client page's housing summary and timeline, housing stability and retention.

Everything here takes a client (or a queryset of clients) that the caller has already fetched
through ``clients.access`` or filtered with ``Client.objects.visible_to(user)``.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from clients.access import can_change_clients
from housingfirst.people import person_name
from housingfirst.roles import Role, role_of

from .expressions import AddMonths, DaysBetween
from .models import Contact, HousingStatus, Placement, housed_days_expression
from .visits import VisitRhythm, next_visit_due

CLIENT_PAGE_TIMELINE_LENGTH = 10


def housing_status(placements: list[Placement]) -> HousingStatus:
    """Status from a client's placements (any order)."""
    if not placements:
        return HousingStatus.NO_PLACEMENT
    current = next((p for p in placements if p.is_open), None)
    if current is None:
        return HousingStatus.LEFT_HOUSING
    if current.move_in_date is None:
        return HousingStatus.SEARCHING
    return HousingStatus.HOUSED


# Timeline ------------------------------------------------------------------------------------


@dataclass
class TimelineEvent:
    """One line of a client's housing story: a placement milestone or a contact."""

    kind: str  # "search", "move_in", "exit" or "contact"
    title: str
    day: date
    at: datetime | None = None  # contacts carry a time; placement milestones only a date
    detail: str = ""
    note: str = ""
    placement: Placement | None = None
    contact: Contact | None = None
    can_edit: bool = False

    @property
    def sort_key(self) -> datetime:
        if self.at is not None:
            return timezone.localtime(self.at)
        # A search or move-in opens its day; an exit closes it (contacts that day come first).
        moment = time.max if self.kind == "exit" else time.min
        return timezone.make_aware(datetime.combine(self.day, moment))


def _follows_an_earlier_tenancy(placement: Placement, placements: list[Placement]) -> bool:
    """A move-in is a rehousing when another tenancy, lived in before this one, had ended by
    then. The placement's own exit never counts: a first placement is never a rehousing, even
    when its move-in and exit fall on the same day."""
    return any(
        other.pk != placement.pk
        and other.move_in_date is not None
        and other.exit_date is not None
        and other.exit_date <= placement.move_in_date
        and (other.move_in_date, other.pk) < (placement.move_in_date, placement.pk)
        for other in placements
    )


def placement_events(placements: list[Placement]) -> list[TimelineEvent]:
    """Milestones of each placement: search started, moved in (or rehoused), placement ended."""
    events = []
    for placement in placements:
        if placement.move_in_date is None or placement.search_started_on < placement.move_in_date:
            events.append(
                TimelineEvent(
                    kind="search",
                    title="Housing search started",
                    day=placement.search_started_on,
                    detail=placement.address,
                    placement=placement,
                )
            )
        if placement.move_in_date is not None:
            rehoused = _follows_an_earlier_tenancy(placement, placements)
            details = [placement.address]
            if placement.subsidy_type_id:
                details.append(placement.subsidy_type.name)
            events.append(
                TimelineEvent(
                    kind="move_in",
                    title="Moved in (rehoused)" if rehoused else "Moved in",
                    day=placement.move_in_date,
                    detail=" · ".join(d for d in details if d),
                    placement=placement,
                )
            )
        if placement.exit_date is not None:
            events.append(
                TimelineEvent(
                    kind="exit",
                    title="Placement ended",
                    day=placement.exit_date,
                    detail=" · ".join(
                        part
                        for part in [
                            placement.address,
                            placement.get_exit_reason_display(),
                            f"Destination: {placement.get_exit_destination_display()}",
                        ]
                        if part
                    ),
                    note=placement.exit_note,
                    placement=placement,
                )
            )
    return events


def contact_edit_rule(user, client):
    """A test ``rule(contact) -> bool`` for who may edit which contact of this client.

    Computed once per page (at most one query), so a list of contacts costs nothing more.
    """
    if not can_change_clients(user):
        return lambda contact: False
    supervises = None
    if role_of(user) is Role.SUPERVISOR:
        supervises = user.supervised_teams.filter(pk=client.team_id).exists()
    return lambda contact: contact.can_be_edited_by(user, supervises_client=supervises)


def contact_events(contacts, rule) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            kind="contact",
            title=contact.get_kind_display(),
            day=timezone.localdate(contact.occurred_at),
            at=contact.occurred_at,
            detail=f"by {person_name(contact.made_by)}",
            note=contact.note,
            contact=contact,
            can_edit=rule(contact),
        )
        for contact in contacts
    ]


def timeline(placements: list[Placement], contacts, rule) -> list[TimelineEvent]:
    """Placements and contacts as one story, newest first."""
    events = placement_events(placements) + contact_events(contacts, rule)
    events.sort(key=lambda event: event.sort_key, reverse=True)
    return events


def client_placements(client) -> list[Placement]:
    placements = client.placements.select_related("subsidy_type")
    return list(placements.order_by("-search_started_on", "-pk"))


def client_contacts(client) -> QuerySet:
    return client.contacts.select_related("made_by").order_by("-occurred_at", "-pk")


# The client page ----------------------------------------------------------------------------


@dataclass
class HousingSummary:
    status: HousingStatus
    current: Placement | None
    placements: list[Placement]
    earlier: list[Placement]
    rehoused: bool
    days_housed_current: int
    days_housed_total: int
    last_contact: Contact | None
    next_visit_due: date | None
    visit_overdue: bool
    timeline: list[TimelineEvent] = field(default_factory=list)
    timeline_has_more: bool = False
    can_change: bool = False

    @property
    def status_label(self) -> str:
        return self.status.label


def housing_summary(client, user, *, timeline_length: int = CLIENT_PAGE_TIMELINE_LENGTH):
    """Everything the client page shows about housing, in a fixed number of queries."""
    today = timezone.localdate()
    rhythm = VisitRhythm.from_settings()
    placements = client_placements(client)
    current = next((p for p in placements if p.is_open), None)
    earlier = [p for p in placements if not p.is_open]

    # One more than shown, to know whether the full timeline has more.
    recent_contacts = list(client_contacts(client)[: timeline_length + 1])
    rule = contact_edit_rule(user, client)
    events = timeline(placements, recent_contacts[:timeline_length], rule)
    has_more = len(recent_contacts) > timeline_length or len(events) > timeline_length

    due = None
    if current is not None and current.move_in_date is not None:
        last_visit = (
            client.contacts.filter(
                kind__in=rhythm.contact_kinds,
                occurred_at__date__gte=current.move_in_date,
            )
            .order_by("-occurred_at")
            .values_list("occurred_at", flat=True)
            .first()
        )
        due = next_visit_due(
            move_in_date=current.move_in_date,
            last_visit_on=timezone.localdate(last_visit) if last_visit else None,
            rhythm=rhythm,
        )

    return HousingSummary(
        status=housing_status(placements),
        current=current,
        placements=placements,
        earlier=earlier,
        rehoused=bool(earlier) and current is not None,
        days_housed_current=current.days_housed(today) if current else 0,
        days_housed_total=client.placements.days_housed(today),
        last_contact=recent_contacts[0] if recent_contacts else None,
        next_visit_due=due,
        visit_overdue=due is not None and due < today,
        timeline=events[:timeline_length],
        timeline_has_more=has_more,
        can_change=can_change_clients(user),
    )


def housing_context(client, user) -> dict:
    """Context for ``placements/client_section.html`` on the client page."""
    return {"housing": housing_summary(client, user)}


# Housing stability over many clients --------------------------------------------------------


def with_housing_stability(clients: QuerySet, *, as_of: date | None = None) -> QuerySet:
    """Annotate a Client queryset, in SQL, with:

    - ``housing_status``: a HousingStatus value
    - ``housed_since``: move-in date of the current placement (None unless housed)
    - ``days_housed``: days housed across all placements up to ``as_of`` (default today)
    - ``placements_moved_in``: how many placements the client has lived in (2+ = rehoused)

    Read from the housing read model (``HousingState``, one joined row per client). Days
    housed are the ended tenancies' days plus the current one's so far; for a client with a
    move-in or exit dated after ``as_of``, they are summed from the placements themselves.
    """
    as_of = as_of or timezone.localdate()
    summed = (
        Placement.objects.filter(client=OuterRef("pk"))
        .moved_in()
        .filter(move_in_date__lte=as_of)
        .order_by()
        .values("client")
        .annotate(total=Sum(housed_days_expression(as_of)))
        .values("total")
    )
    state = "housing_state__"
    current_days = Coalesce(
        DaysBetween(Value(as_of, output_field=DateField()), F(f"{state}housed_since")), 0
    )
    return clients.annotate(
        housing_status=Coalesce(
            F(f"{state}status"),
            Value(HousingStatus.NO_PLACEMENT),
            output_field=models.CharField(),
        ),
        housed_since=F(f"{state}housed_since"),
        days_housed=Case(
            When(
                **{f"{state}settled_on__gt": as_of},
                then=Coalesce(Subquery(summed, output_field=IntegerField()), 0),
            ),
            default=Coalesce(F(f"{state}days_housed_closed"), 0) + current_days,
            output_field=IntegerField(),
        ),
        placements_moved_in=Coalesce(F(f"{state}placements_moved_in"), 0),
    )


@dataclass(frozen=True)
class Retention:
    """Of the clients whose first move-in was at least ``months`` months ago (the cohort),
    how many were housed on the day ``months`` months after that first move-in."""

    months: int
    cohort: int
    retained: int

    @property
    def rate(self) -> float | None:
        return self.retained / self.cohort if self.cohort else None


def with_retention(
    clients: QuerySet, *, months: tuple[int, ...] = (6, 12), as_of: date | None = None
) -> QuerySet:
    """Annotate clients, in SQL, with ``first_move_in`` and, for each N in ``months``,
    ``housed_at_N_months``: True or False once N months have passed since the first move-in
    (by ``as_of``, default today), None before (or without a move-in).

    "Housed" on that day means in one of the program's placements: moved in on or before it
    and not exited by it. A client who lost a unit and was rehoused by then counts as housed;
    one who left before then and was not rehoused does not.
    """
    as_of = as_of or timezone.localdate()
    first_move_in = (
        Placement.objects.moved_in()
        .filter(client=OuterRef("pk"))
        .order_by("move_in_date")
        .values("move_in_date")[:1]
    )
    annotated = clients.annotate(first_move_in=Subquery(first_move_in, output_field=DateField()))
    for n in months:
        mark = f"retention_mark_{n}"
        housed_then = Placement.objects.filter(
            client=OuterRef("pk"), move_in_date__lte=OuterRef(mark)
        ).filter(Q(exit_date__isnull=True) | Q(exit_date__gt=OuterRef(mark)))
        annotated = annotated.annotate(**{mark: AddMonths(F("first_move_in"), n)}).annotate(
            **{
                f"housed_at_{n}_months": Case(
                    When(Q(**{f"{mark}__isnull": True}) | Q(**{f"{mark}__gt": as_of}), then=None),
                    When(Exists(housed_then), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(),
                )
            }
        )
    return annotated


def retention(
    clients: QuerySet, *, months: tuple[int, ...] = (6, 12), as_of: date | None = None
) -> dict[int, Retention]:
    """Housing retention of a set of clients at 6 and 12 months (or ``months``), in one query.

    ``retention(Client.objects.visible_to(user))[6].rate`` is the share of clients who moved
    in at least six months ago and were still housed six months after moving in.
    """
    annotated = with_retention(clients, months=months, as_of=as_of)
    aggregates = {}
    for n in months:
        flag = f"housed_at_{n}_months"
        aggregates[f"cohort_{n}"] = Count("pk", filter=Q(**{f"{flag}__isnull": False}))
        aggregates[f"retained_{n}"] = Count("pk", filter=Q(**{flag: True}))
    row = annotated.order_by().aggregate(**aggregates)
    return {
        n: Retention(months=n, cohort=row[f"cohort_{n}"], retained=row[f"retained_{n}"])
        for n in months
    }
