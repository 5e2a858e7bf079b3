"""The supervisor's caseload review: who may be reviewed, per-case-manager figures, the intake
queue, and program outcomes. Reads only; writes go through ``clients.services``.

Every figure is computed by SQL aggregation over ``Client.objects.visible_to(user)``, so the
number of queries does not grow with the team or the caseloads. Housing status, retention
and the visit schedule come from ``placements.selectors`` / ``placements.visits``; they are
not recomputed here.

Definitions (also on the pages):

- *caseload*: active clients a case manager holds now (``Client.case_manager``);
- *housed* / *searching*: their housing status (an open placement, moved in or not);
- *not contacted*: active clients nobody reached (an outreach attempt does not count) for
  ``NO_CONTACT_DAYS`` days, among those enrolled at least that long;
- *last contact*: the latest contact in which one of their clients was reached;
- *open referrals by step*: referrals not yet final, by status;
- *overdue reminders*: open reminders assigned to the case manager and past due.
"""

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from clients.access import parse_id, supervised_teams
from clients.models import Assignment, Client, Cover, Team
from housingfirst.people import person_name
from housingfirst.roles import Role, role_of
from placements.destinations import DestinationGroup
from placements.models import Placement
from placements.selectors import HousingStatus, Retention, retention, with_housing_stability
from placements.visits import with_visit_schedule
from referrals.models import Referral, ServiceType
from reminders.models import Reminder

REVIEW_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
OPEN_REFERRAL_STEPS = [(status, Referral.Status(status).label) for status in Referral.OPEN]


# Scope ---------------------------------------------------------------------------------------


def case_managers_for(user) -> QuerySet:
    """The case managers this person reviews: members of their teams, and anyone who holds
    one of the clients they see (a case manager who moved teams still shows with them)."""
    User = get_user_model()
    holds = Client.objects.visible_to(user).filter(case_manager=OuterRef("pk"))
    member = Team.case_managers.through.objects.filter(
        user_id=OuterRef("pk"), team__in=supervised_teams(user)
    )
    return User.objects.filter(Exists(member) | Exists(holds)).order_by(
        "first_name", "last_name", "username"
    )


def case_manager_for(user, case_manager_id):
    """One case manager this person reviews, or 404."""
    try:
        pk = int(case_manager_id)
    except (TypeError, ValueError):
        raise Http404("No such case manager") from None
    case_manager = case_managers_for(user).filter(pk=pk).first()
    if case_manager is None:
        raise Http404("No such case manager")
    return case_manager


def assignable_case_managers(user) -> QuerySet:
    """Who this person may hand clients to (and ask to cover).

    Supervisors: active case managers of the teams they supervise, so a supervisor of two
    teams may move a client between them. Moving a client to any other team is for
    administrators, who may choose any active case manager.
    """
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, teams__in=supervised_teams(user))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def clients_for_review(user, client_ids) -> list[Client]:
    """Exactly these clients, each of which this person may change, or 404 for all of them.

    Bulk forms post ids; one id out of scope (or not a number) refuses the whole request.
    """
    ids = {parse_id(value) for value in client_ids}
    if None in ids:
        raise Http404("No such client")
    if not ids:
        return []
    clients = list(
        Client.objects.visible_to(user, "change")
        .filter(pk__in=ids)
        .select_related("case_manager", "team")
    )
    if len(clients) != len(ids):
        raise Http404("No such client")
    return clients


def covers_for(user) -> QuerySet:
    return (
        Cover.objects.for_teams(supervised_teams(user))
        .select_related("case_manager", "covering", "team", "arranged_by", "ended_by")
        .annotate(client_count=Count("covered_clients"))
    )


def cover_for(user, cover_id) -> Cover:
    try:
        pk = int(cover_id)
    except (TypeError, ValueError):
        raise Http404("No such cover") from None
    cover = covers_for(user).filter(pk=pk).first()
    if cover is None:
        raise Http404("No such cover")
    return cover


def team_of_case_manager(user, case_manager) -> Team | None:
    """The team a cover for this case manager belongs to: one of the reviewer's teams."""
    return supervised_teams(user).filter(case_managers=case_manager).order_by("pk").first()


# Reminders -----------------------------------------------------------------------------------


def overdue_reminders(today: date | None = None) -> QuerySet:
    """Pending reminders whose day to act on has passed (a snoozed one counts from the end of
    its snooze); a reminder due today is due, not overdue."""
    today = today or timezone.localdate()
    return Reminder.objects.pending().filter(acts_on__lt=today)


# The caseload table --------------------------------------------------------------------------


@dataclass
class CaseloadRow:
    case_manager: object
    caseload: int = 0
    housed: int = 0
    searching: int = 0
    not_contacted: int = 0
    overdue_reminders: int = 0
    last_contact_at: datetime | None = None
    open_referrals: dict = field(default_factory=dict)
    covered_by: list = field(default_factory=list)
    covering_for: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return person_name(self.case_manager)

    @property
    def open_referrals_total(self) -> int:
        return sum(self.open_referrals.values())

    def open_referral_steps(self) -> list[tuple[str, int]]:
        return [
            (label, self.open_referrals.get(status, 0)) for status, label in OPEN_REFERRAL_STEPS
        ]


# Column key -> (heading, sort key). Sorting happens on the computed rows: no query.
SORTS = {
    "name": ("Case manager", lambda row: row.name.lower()),
    "caseload": ("Caseload", lambda row: row.caseload),
    "housed": ("Housed", lambda row: row.housed),
    "searching": ("Searching", lambda row: row.searching),
    "overdue_reminders": ("Overdue reminders", lambda row: row.overdue_reminders),
    "not_contacted": ("Not contacted", lambda row: row.not_contacted),
    "open_referrals": ("Open referrals", lambda row: row.open_referrals_total),
    # Never contacted sorts as the oldest.
    "last_contact": (
        "Last contact",
        lambda row: row.last_contact_at or datetime.min.replace(tzinfo=UTC),
    ),
}


def no_contact_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.NO_CONTACT_DAYS)


def not_contacted_condition(now: datetime) -> Q:
    """For clients annotated by ``with_visit_schedule``: nobody reached them for the set
    number of days, and they have been enrolled at least that long."""
    cutoff = no_contact_cutoff(now)
    return (Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=cutoff)) & Q(
        program_start_date__lte=timezone.localdate(cutoff)
    )


def caseload_rows(
    user, *, sort: str = "name", descending: bool = False, team: Team | None = None
) -> list[CaseloadRow]:
    """One row per case manager this person reviews (or, with ``team``, per member of that
    one of their teams), in a fixed number of queries."""
    now = timezone.now()
    case_managers = case_managers_for(user)
    if team is not None:
        case_managers = case_managers.filter(teams=team)
    case_managers = list(case_managers)
    rows = {cm.pk: CaseloadRow(case_manager=cm) for cm in case_managers}
    if not rows:
        return []

    # Counts use the primary record of a person recorded twice (clients.ClientLink).
    active = (
        Client.objects.visible_to(user)
        .primary()
        .filter(case_manager__in=list(rows), status=Client.Status.ACTIVE)
    )
    figures = (
        with_visit_schedule(with_housing_stability(active))
        .order_by()
        .values("case_manager")
        .annotate(
            n_caseload=Count("pk"),
            n_housed=Count("pk", filter=Q(housing_status=HousingStatus.HOUSED)),
            n_searching=Count("pk", filter=Q(housing_status=HousingStatus.SEARCHING)),
            n_not_contacted=Count("pk", filter=not_contacted_condition(now)),
            latest_contact=Max("last_contact_at"),
        )
    )
    for figure in figures:
        row = rows[figure["case_manager"]]
        row.caseload = figure["n_caseload"]
        row.housed = figure["n_housed"]
        row.searching = figure["n_searching"]
        row.not_contacted = figure["n_not_contacted"]
        row.last_contact_at = figure["latest_contact"]

    referrals = (
        Referral.objects.visible_to(user)
        .open()
        .filter(client__in=active)
        .order_by()
        .values("client__case_manager", "status")
        .annotate(n=Count("pk"))
    )
    for figure in referrals:
        rows[figure["client__case_manager"]].open_referrals[figure["status"]] = figure["n"]

    overdue = (
        overdue_reminders(timezone.localdate(now))
        .filter(assigned_to__in=list(rows), client__in=Client.objects.visible_to(user))
        .order_by()
        .values("assigned_to")
        .annotate(n=Count("pk"))
    )
    for figure in overdue:
        rows[figure["assigned_to"]].overdue_reminders = figure["n"]

    covers = (
        Cover.objects.active()
        .filter(Q(case_manager__in=list(rows)) | Q(covering__in=list(rows)))
        .select_related("case_manager", "covering")
    )
    for cover in covers:
        if cover.case_manager_id in rows:
            rows[cover.case_manager_id].covered_by.append(cover)
        if cover.covering_id in rows:
            rows[cover.covering_id].covering_for.append(cover)

    result = list(rows.values())
    key = SORTS.get(sort, SORTS["name"])[1]
    result.sort(key=lambda row: row.name.lower())  # stable tie-break
    result.sort(key=key, reverse=descending)
    return result


@dataclass
class Summed:
    """The figures of several case managers' rows added up."""

    case_managers: int
    caseload: int
    housed: int
    searching: int
    not_contacted: int
    overdue_reminders: int
    open_referrals: int

    @staticmethod
    def figures(rows: list[CaseloadRow]) -> dict:
        return {
            "case_managers": len(rows),
            "caseload": sum(row.caseload for row in rows),
            "housed": sum(row.housed for row in rows),
            "searching": sum(row.searching for row in rows),
            "not_contacted": sum(row.not_contacted for row in rows),
            "overdue_reminders": sum(row.overdue_reminders for row in rows),
            "open_referrals": sum(row.open_referrals_total for row in rows),
        }


@dataclass
class TeamTotals(Summed):
    unassigned: int


def team_totals(rows: list[CaseloadRow], unassigned: int) -> TeamTotals:
    return TeamTotals(**Summed.figures(rows), unassigned=unassigned)


# Above this many case managers across several teams, the caseload table starts with one row
# per team, each leading to that team's table: a table of thousands of people helps nobody
# (and took a program director's page seconds to render).
TEAM_ROWS_ABOVE = 25


@dataclass
class TeamRow(Summed):
    """A team's case managers' rows added up. ``team`` None: the case managers this person
    reviews who are in none of their teams (they hold one of the clients the person sees)."""

    team: Team | None
    last_contact_at: datetime | None


def team_rows(user, rows: list[CaseloadRow]) -> list[TeamRow] | None:
    """One row per team (with case managers) this person reviews, from the rows of
    ``caseload_rows`` (one query more), or None when the table of case managers is short
    enough to show as it is. A case manager in two of the teams counts in both teams' rows
    (the totals count them once)."""
    if len(rows) <= TEAM_ROWS_ABOVE:
        return None
    by_id = {row.case_manager.pk: row for row in rows}
    # Every membership of these teams: naming thousands of case managers in the query would
    # cost more than skipping the few members without a row.
    memberships = (
        Team.case_managers.through.objects.filter(team__in=supervised_teams(user))
        .select_related("team")
        .order_by("team__name", "team_id")
    )
    members, placed = {}, set()
    for membership in memberships:
        if membership.user_id not in by_id:
            continue
        members.setdefault(membership.team, []).append(by_id[membership.user_id])
        placed.add(membership.user_id)
    if len(members) < 2:
        return None
    groups = list(members.items())
    elsewhere = [row for pk, row in by_id.items() if pk not in placed]
    if elsewhere:
        groups.append((None, elsewhere))
    return [
        TeamRow(
            team=team,
            **Summed.figures(group),
            last_contact_at=max(
                (row.last_contact_at for row in group if row.last_contact_at), default=None
            ),
        )
        for team, group in groups
    ]


def reviewed_team(user, team_id, among: list[Team] | None = None) -> Team | None:
    """One of the teams this person reviews (None when no team is asked for), or 404;
    ``among``: their teams, when the caller has them already (no query then)."""
    if team_id in (None, ""):
        return None
    pk = parse_id(team_id)
    team = None
    if pk is not None and among is None:
        team = supervised_teams(user).filter(pk=pk).first()
    elif pk is not None:
        team = next((each for each in among if each.pk == pk), None)
    if team is None:
        raise Http404("No such team")
    return team


def unassigned_clients(user) -> QuerySet:
    """The intake queue: active clients of the reviewer's teams that nobody holds yet."""
    return (
        Client.objects.visible_to(user)
        .primary()
        .filter(case_manager__isnull=True, status=Client.Status.ACTIVE)
        .select_related("team")
        .order_by("program_start_date", "created_at", "pk")
    )


def with_review_figures(clients: QuerySet, user, *, today: date | None = None) -> QuerySet:
    """Per-client figures of a caseload table, all as annotations (no query per row): the
    supervisor's drill-down into one caseload and the case manager's own table both read them.

    - ``housing_status``, ``days_housed`` (``placements.selectors.with_housing_stability``);
    - ``last_contact_at``, ``next_visit_due`` (``placements.visits.with_visit_schedule``) and
      ``visit_overdue``: the next visit was due before today;
    - ``open_referrals``: referrals not yet final that this person may see;
    - ``open_reminders``: the client's reminders not closed yet (snoozed ones too), and
      ``overdue_reminders``: those of them past their day to act on.
    """
    today = today or timezone.localdate()
    open_referrals = (
        Referral.objects.visible_to(user)
        .open()
        .filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_reminders = (
        Reminder.objects.pending()
        .filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    overdue = (
        overdue_reminders(today)
        .filter(client=OuterRef("pk"))
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        with_visit_schedule(with_housing_stability(clients, as_of=today))
        .annotate(
            open_referrals=_subquery_count(open_referrals),
            open_reminders=_subquery_count(open_reminders),
            overdue_reminders=_subquery_count(overdue),
        )
        .annotate(
            visit_overdue=Case(
                When(next_visit_due__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )


# The client table: sorts and filters over those figures, in SQL ------------------------------


@dataclass(frozen=True)
class ClientSort:
    heading: str
    fields: tuple  # field names or expressions, ascending
    largest_first: bool = False  # the first click sorts descending
    nulls_first: bool = False  # an empty value sorts as the smallest (never reached: oldest)


HOUSING_ORDER = Case(
    When(housing_status=HousingStatus.HOUSED, then=Value(0)),
    When(housing_status=HousingStatus.SEARCHING, then=Value(1)),
    When(housing_status=HousingStatus.NO_PLACEMENT, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

# Column key -> how it sorts. The table's headings follow this order.
CLIENT_SORTS = {
    "name": ClientSort("Name", ("last_name", "first_name")),
    "housing": ClientSort("Housing", (HOUSING_ORDER,)),
    "days_housed": ClientSort("Days housed", ("days_housed",), largest_first=True),
    "last_contact": ClientSort("Last contact", ("last_contact_at",), nulls_first=True),
    "next_visit": ClientSort("Next visit due", ("next_visit_due",)),
    "open_reminders": ClientSort("Open reminders", ("open_reminders",), largest_first=True),
    "open_referrals": ClientSort("Open referrals", ("open_referrals",), largest_first=True),
}

OVERDUE_FILTERS = {
    "any": Q(visit_overdue=True) | Q(overdue_reminders__gt=0),
    "visit": Q(visit_overdue=True),
    "reminder": Q(overdue_reminders__gt=0),
}


def client_table(
    clients: QuerySet,
    user,
    *,
    status: str = "",
    housing: str = "",
    overdue: str = "",
    sort: str = "name",
    descending: bool = False,
) -> QuerySet:
    """Clients with their figures (``with_review_figures``), filtered and sorted in SQL, so a
    page of the table costs the same few queries for ten clients or thousands.

    ``status``: a Client.Status value; ``housing``: a HousingStatus value; ``overdue``: a key
    of OVERDUE_FILTERS; ``sort``: a key of CLIENT_SORTS. Empty values do not filter.
    """
    rows = with_review_figures(clients, user)
    if status:
        rows = rows.filter(status=status)
    if housing:
        rows = rows.filter(housing_status=housing)
    if overdue in OVERDUE_FILTERS:
        rows = rows.filter(OVERDUE_FILTERS[overdue])
    how = CLIENT_SORTS.get(sort, CLIENT_SORTS["name"])
    ordering = []
    for field_or_expression in how.fields:
        expression = (
            F(field_or_expression) if isinstance(field_or_expression, str) else field_or_expression
        )
        # An empty last contact (never reached) sorts as the oldest; other empty values
        # (no visit schedule before a move-in) come last whichever way the column is sorted.
        nulls = {"nulls_first": True} if how.nulls_first and not descending else {}
        nulls = nulls or {"nulls_last": True}
        ordering.append(expression.desc(**nulls) if descending else expression.asc(**nulls))
    return rows.order_by(*ordering, "last_name", "first_name", "pk")


def client_table_columns(sort: str, descending: bool, query: str | None) -> list[dict]:
    """The table's headings; with ``query`` (the page's other parameters, urlencoded), each
    links to sorting by it, flipping the order when it is the current one."""
    columns = []
    for key, how in CLIENT_SORTS.items():
        current = key == sort
        column = {
            "key": key,
            "heading": how.heading,
            "aria_sort": ("descending" if descending else "ascending") if current else "",
            "query": None,
        }
        if query is not None:
            flip = not descending if current else how.largest_first
            order = "desc" if flip else "asc"
            column["query"] = (
                f"{query}&sort={key}&order={order}" if query else (f"sort={key}&order={order}")
            )
        columns.append(column)
    return columns


HOME_TABLE_LENGTH = 10


def case_manager_home(user) -> dict:
    """A case manager's caseload on their home page: the active clients they hold, those whose
    visit is due soonest (overdue first) on top, with the table's figures."""
    own = Client.objects.visible_to(user).primary().filter(case_manager=user)
    active = own.filter(status=Client.Status.ACTIVE)
    rows = client_table(active.select_related("case_manager", "team"), user, sort="next_visit")[
        :HOME_TABLE_LENGTH
    ]
    return {
        "caseload": list(rows),
        "caseload_size": own.count(),
        "caseload_active": active.count(),
        "caseload_columns": client_table_columns("next_visit", False, None),
    }


def _subquery_count(queryset):
    return Coalesce(Subquery(queryset, output_field=IntegerField()), Value(0))


# The supervisor's home and the lists behind every count ------------------------------------

URGENT_LIST_LENGTH = 5

# Whose clients a list shows: everyone's (unassigned intakes included), or anyone's that a case
# manager holds (the team totals count those), or one case manager's (a row of the table).
HELD_BY_ANYONE = "any"


@dataclass(frozen=True)
class AttentionList:
    key: str
    title: str
    shows: str  # "clients", "reminders" or "referrals"


def attention_lists() -> dict[str, AttentionList]:
    """Every list a count on the supervisor's home or the caseloads page links to."""
    lists = [
        AttentionList("active", "Active clients", "clients"),
        AttentionList("housed", "Housed", "clients"),
        AttentionList("searching", "Searching for housing", "clients"),
        AttentionList(
            "not_contacted", f"Not contacted for {settings.NO_CONTACT_DAYS} days", "clients"
        ),
        AttentionList("visits_overdue", "Home visits overdue", "clients"),
        AttentionList("overdue_reminders", "Overdue reminders", "reminders"),
        AttentionList("follow_ups_overdue", "Referral follow-ups overdue", "referrals"),
    ]
    return {item.key: item for item in lists}


def _active_clients(user) -> QuerySet:
    return Client.objects.visible_to(user).primary().filter(status=Client.Status.ACTIVE)


def _held_by(held_by, field: str) -> Q:
    """``held_by``: None (everyone), HELD_BY_ANYONE, or one case manager."""
    if held_by is None:
        return Q()
    if held_by == HELD_BY_ANYONE:
        return Q(**{f"{field}__isnull": False})
    return Q(**{field: held_by})


def attention_clients(user, show: str, held_by=None) -> QuerySet:
    """Active clients behind one count, with the figures of the drill-down list.

    The same conditions as ``caseload_rows`` (the counts) and ``urgent_items`` (the home's
    lists), so that a list has as many clients as the count that links to it.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    clients = with_review_figures(
        _active_clients(user).filter(_held_by(held_by, "case_manager")), user
    ).select_related("case_manager", "team")
    if show == "housed":
        return clients.filter(housing_status=HousingStatus.HOUSED).order_by(
            "last_name", "first_name", "pk"
        )
    if show == "searching":
        return clients.filter(housing_status=HousingStatus.SEARCHING).order_by(
            "last_name", "first_name", "pk"
        )
    if show == "not_contacted":
        return clients.filter(not_contacted_condition(now)).order_by(
            F("last_contact_at").asc(nulls_first=True), "program_start_date", "pk"
        )
    if show == "visits_overdue":
        return clients.filter(next_visit_due__lt=today).order_by("next_visit_due", "pk")
    return clients.order_by("last_name", "first_name", "pk")


def attention_reminders(user, held_by=None) -> QuerySet:
    """Overdue reminders about clients this person sees, oldest first; ``held_by`` is whom
    the reminder is for (as the overdue reminders of the caseload table count them)."""
    if held_by == HELD_BY_ANYONE:
        held = Q(assigned_to__in=case_managers_for(user))
    else:
        held = _held_by(held_by, "assigned_to")
    return (
        overdue_reminders()
        .filter(held, client__in=Client.objects.visible_to(user))
        .select_related("client", "assigned_to")
        .order_by("acts_on", "pk")
    )


def attention_follow_ups(user, held_by=None) -> QuerySet:
    """Open referrals of active clients whose follow-up date has passed, oldest first."""
    return (
        Referral.objects.visible_to(user)
        .follow_up_overdue(timezone.localdate())
        .filter(_held_by(held_by, "client__case_manager"), client__in=_active_clients(user))
        .select_related("client", "client__case_manager", "provider")
        .order_by("follow_up_on", "pk")
    )


def attention_items(user, show: str, held_by=None) -> QuerySet:
    shows = attention_lists()[show].shows
    if shows == "reminders":
        return attention_reminders(user, held_by)
    if shows == "referrals":
        return attention_follow_ups(user, held_by)
    return attention_clients(user, show, held_by)


def urgent_items(user) -> dict:
    """The few things a supervisor should look at first, each list short and oldest first.

    Every list (but the cover) has a count beside it: ``urgent_counts``, and the page
    behind its "see all" link lists every one.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    active = _active_clients(user)
    scheduled = with_visit_schedule(active).select_related("case_manager")
    items = {
        "unassigned": list(unassigned_clients(user)[:URGENT_LIST_LENGTH]),
        "not_contacted": list(
            scheduled.filter(not_contacted_condition(now)).order_by(
                F("last_contact_at").asc(nulls_first=True), "program_start_date", "pk"
            )[:URGENT_LIST_LENGTH]
        ),
        "visits_overdue": list(
            scheduled.filter(next_visit_due__lt=today).order_by("next_visit_due", "pk")[
                :URGENT_LIST_LENGTH
            ]
        ),
        "follow_ups_overdue": list(attention_follow_ups(user)[:URGENT_LIST_LENGTH]),
        "covers_ending": list(
            _covers_ending(user, today)
            .select_related("case_manager", "covering")
            .order_by("ends_on", "pk")[:URGENT_LIST_LENGTH]
        ),
        "overdue_reminders": list(attention_reminders(user)[:URGENT_LIST_LENGTH]),
    }
    return items


def _covers_ending(user, today: date) -> QuerySet:
    return (
        Cover.objects.for_teams(supervised_teams(user))
        .not_ended()
        .filter(ends_on__lte=today + timedelta(days=7))
    )


def urgent_counts(user) -> dict:
    """How many each of the home's lists holds in all (one count query per list)."""
    now = timezone.now()
    today = timezone.localdate(now)
    scheduled = with_visit_schedule(_active_clients(user))
    return {
        "not_contacted": scheduled.filter(not_contacted_condition(now)).count(),
        "visits_overdue": scheduled.filter(next_visit_due__lt=today).count(),
        "follow_ups_overdue": attention_follow_ups(user).count(),
        "overdue_reminders": attention_reminders(user).count(),
        "covers_ending": _covers_ending(user, today).count(),
    }


# Program outcomes ----------------------------------------------------------------------------

# A share of fewer people than this says so: one person more or less moves it a lot.
FEW_PEOPLE = 10


@dataclass
class OutcomeScope:
    clients: QuerySet
    label: str
    teams: list
    team: Team | None
    program_wide: bool


def outcome_scope(user, team_id=None) -> OutcomeScope:
    """The clients the outcomes are computed over: one of the reviewer's teams, all of them,
    or (administrators, by default) the whole program. A team out of reach answers 404."""
    teams = list(supervised_teams(user))
    team = reviewed_team(user, team_id, among=teams)
    program_wide = role_of(user) is Role.ADMINISTRATOR and team is None
    clients = Client.objects.visible_to(user).primary()
    if team is not None:
        clients = clients.filter(team=team)
    if program_wide:
        label = "The whole program"
    elif team is not None:
        label = team.name
    else:
        label = ", ".join(t.name for t in teams) or "No team"
    return OutcomeScope(
        clients=clients, label=label, teams=teams, team=team, program_wide=program_wide
    )


@dataclass
class ExitGroupCount:
    group: str
    label: str
    exits: int


def exits_by_destination_group(clients: QuerySet) -> list[ExitGroupCount]:
    """Placements ended, by HUD destination group (every group listed, zeros included)."""
    counts = dict(
        Placement.objects.filter(client__in=clients)
        .exited()
        .with_destination_group()
        .order_by()
        .values_list("exit_group")
        .annotate(n=Count("pk"))
    )
    return [
        ExitGroupCount(group, label, counts.get(group, 0))
        for group, label in DestinationGroup.choices
    ]


@dataclass
class ReferralOutcome:
    service_type: str
    label: str
    offered: int
    accepted: int
    declined: int
    completed: int

    @property
    def decided(self) -> int:
        return self.accepted + self.declined

    @property
    def acceptance_rate(self) -> float | None:
        """Of the referrals the client decided on, the share they accepted."""
        return self.accepted / self.decided if self.decided else None

    @property
    def completion_rate(self) -> float | None:
        """Of the referrals the client accepted, the share completed."""
        return self.completed / self.accepted if self.accepted else None


def referral_outcomes(clients: QuerySet, user) -> list[ReferralOutcome]:
    """Referral acceptance and completion by service type, in one query.

    Counted over the referrals this person may see (substance-use referrals only for roles
    with a need to know, as everywhere else).
    """
    rows = {
        row["service_type"]: row
        for row in Referral.objects.visible_to(user)
        .filter(client__in=clients)
        .order_by()
        .values("service_type")
        .annotate(
            offered=Count("pk"),
            accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
            declined=Count("pk", filter=Q(status=Referral.Status.DECLINED)),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
        )
    }
    empty = {"offered": 0, "accepted": 0, "declined": 0, "completed": 0}
    return [
        ReferralOutcome(
            service_type=value,
            label=label,
            **{key: rows.get(value, empty)[key] for key in empty},
        )
        for value, label in ServiceType.choices
    ]


@dataclass
class MonthCaseload:
    month: date  # first day of the month
    at: datetime  # the moment counted: the month's last instant, or now for this month
    clients: int
    case_managers: int

    @property
    def average(self) -> float | None:
        return self.clients / self.case_managers if self.case_managers else None

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")


def _month_start(day: date, months_back: int) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _month_end_moment(month: date) -> datetime:
    """The last instant of a month, in the program's time zone."""
    last_day = date(month.year, month.month, monthrange(month.year, month.month)[1])
    return timezone.make_aware(datetime.combine(last_day, time.max))


def caseload_sizes(clients: QuerySet, *, months: int = 12, now: datetime | None = None):
    """Clients held at each month's end over the last ``months`` months (this month: now),
    from the assignment history, in one query of conditional counts grouped by case manager.

    Returns (months, {case_manager_id: [count per month]}).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    starts = [_month_start(today, back) for back in range(months - 1, -1, -1)]
    moments = [_month_end_moment(month) for month in starts[:-1]] + [now]

    aggregates = {
        f"m{index}": Count(
            "pk",
            filter=Q(started_at__lte=moment) & (Q(ended_at__isnull=True) | Q(ended_at__gt=moment)),
        )
        for index, moment in enumerate(moments)
    }
    per_case_manager = {
        row["case_manager"]: [row[f"m{index}"] for index in range(months)]
        for row in Assignment.objects.filter(client__in=clients)
        .order_by()
        .values("case_manager")
        .annotate(**aggregates)
    }
    result = [
        MonthCaseload(
            month=month,
            at=moment,
            clients=sum(counts[index] for counts in per_case_manager.values()),
            case_managers=sum(1 for counts in per_case_manager.values() if counts[index]),
        )
        for index, (month, moment) in enumerate(zip(starts, moments, strict=True))
    ]
    return result, per_case_manager


@dataclass
class Outcomes:
    scope: OutcomeScope
    retention: dict[int, Retention]
    exits: list[ExitGroupCount]
    referrals: list[ReferralOutcome]
    caseload_months: list[MonthCaseload]
    protected_referrals_hidden: bool

    @property
    def exits_total(self) -> int:
        return sum(row.exits for row in self.exits)


def program_outcomes(user, team_id=None) -> Outcomes:
    from referrals.models import sees_protected_records

    scope = outcome_scope(user, team_id)
    months, _ = caseload_sizes(scope.clients)
    return Outcomes(
        scope=scope,
        retention=retention(scope.clients),
        exits=exits_by_destination_group(scope.clients),
        referrals=referral_outcomes(scope.clients, user),
        caseload_months=months,
        protected_referrals_hidden=not sees_protected_records(user),
    )


def supervisor_home(user) -> dict:
    """What a supervisor's home page shows: the team table and the most urgent items."""
    rows = caseload_rows(user, sort="not_contacted", descending=True)
    return {
        "team_rows": rows,
        "teams_summed": team_rows(user, rows),
        "team_totals": team_totals(rows, unassigned_clients(user).count()),
        "urgent": urgent_items(user),
        "urgent_counts": urgent_counts(user),
        "no_contact_days": settings.NO_CONTACT_DAYS,
    }
