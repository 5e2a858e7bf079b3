"""The rules: which reminders should exist, read in SQL for a batch of clients.

Each rule is one small function ``rule(clients, *, today, thresholds) -> list[Due]``: one query
over the batch (``clients`` is a Client queryset, used as a subquery, and its first and last
ids bound the records read, ``within``, so that the query reads the batch's rows by index),
whatever its size. Rules read columns (``values_list``), never whole models: a sweep reads
tens of thousands of rows. A ``Due`` is a reminder that should exist: the sweep in
``reminders.services`` creates those missing and closes open ones no longer wanted.

Only active clients with a case manager get reminders; none is about an exited placement.
A reminder is wanted from ``thresholds.upcoming_days`` before its due date ("upcoming"), so
people can see what is coming. Due dates are the day to act:

- referral follow-up: the referral's follow-up date (open referrals only);
- home visit due: the next visit date from the visit schedule (``placements.visits``);
- lease ending: ``lease_ending_days`` before the lease ends (housed placements);
- consent expiring: ``consent_expiring_days`` before the release's last valid day, when an
  open referral to that provider depends on it and no later release was signed;
- no contact: ``no_contact_days`` after the client was last reached (or moved in);
- plan review due: the plan's next review date (not when the client chose not to have a plan);
- appointment tomorrow: the day before a coming appointment (for the client's case manager,
  like every rule, so it moves on reassignment);
- annual assessment due (HUD): the day the window opens, 30 days before the anniversary of
  the head of household's entry date, until an annual assessment in that window is recorded
  (open enrollments; once the window has closed the next year's is the one due);
- entry data incomplete (HUD): 14 days after the entry date, while the entry data or the
  entry assessment is missing (``enrollments.rules.entry_data_missing``; open enrollments);
- exit assessment missing (HUD): on the program exit date, while the exit has no exit
  assessment. Exited clients get this one too; after ``EXIT_ASSESSMENT_DAYS`` it is no longer
  asked for here (the data-quality page keeps listing it).

One lapse, one reminder: a client not seen for a while is due both a home visit and "no
contact" from the same lapse. Both ask the same thing (get in touch), so only one is made:
the one due first (the home visit on the same day, since a visit resolves both). The other is
not made, and one made earlier is resolved by the sweep. The choice is stable: the kept one
stays the first due until a contact moves both dates (``one_reminder_to_get_in_touch``).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.conf import settings
from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest, TruncDate
from django.utils import timezone

from appointments.models import Appointment
from clients.models import Client
from enrollments import rules as enrollment_rules
from enrollments.hud import DataCollectionStage, RelationshipToHead
from enrollments.models import Assessment, Enrollment
from placements.expressions import AddDays
from placements.models import Placement
from placements.visits import with_visit_schedule
from plans.models import Plan
from referrals.models import Consent, Referral

from .models import Kind


@dataclass(frozen=True)
class Thresholds:
    upcoming_days: int = 7
    lease_ending_days: int = 60
    consent_expiring_days: int = 30
    no_contact_days: int = 30

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(
            upcoming_days=settings.REMINDER_UPCOMING_DAYS,
            lease_ending_days=settings.REMINDER_LEASE_ENDING_DAYS,
            consent_expiring_days=settings.REMINDER_CONSENT_EXPIRING_DAYS,
            no_contact_days=settings.NO_CONTACT_DAYS,
        )

    def horizon(self, today: date) -> date:
        """The last due date wanted now (later ones are not made yet)."""
        return today + timedelta(days=self.upcoming_days)


@dataclass(frozen=True)
class Due:
    """A reminder that should exist."""

    client_id: int
    kind: str
    due_on: date
    assigned_to_id: int
    placement_id: int | None = None
    referral_id: int | None = None
    consent_id: int | None = None
    plan_id: int | None = None
    appointment_id: int | None = None
    enrollment_id: int | None = None

    @property
    def subject_id(self) -> int | None:
        return (
            self.placement_id
            or self.referral_id
            or self.consent_id
            or self.plan_id
            or self.appointment_id
            or self.enrollment_id
        )

    @property
    def key(self) -> tuple:
        return (self.client_id, self.kind, self.subject_id, self.due_on)


def eligible(clients: QuerySet) -> QuerySet:
    """Clients who get reminders: in the program and assigned to someone."""
    return clients.filter(status=Client.Status.ACTIVE, case_manager__isnull=False)


def within(clients: QuerySet, column: str = "client") -> Q:
    """``column`` (a client) between the first and the last of ``clients``.

    It adds nothing to ``column__in=clients`` but a plan: the bounds are subqueries run once,
    so PostgreSQL reads a batch's rows of a big table through its index on the column, where
    the ``IN`` subquery alone has it read the whole table for every batch.
    """
    ids = clients.order_by().values("pk")
    return Q(
        **{
            f"{column}__gte": Subquery(ids.order_by("pk")[:1]),
            f"{column}__lte": Subquery(ids.order_by("-pk")[:1]),
        }
    )


def referral_follow_up(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    rows = (
        Referral.objects.open()
        .filter(
            within(clients),
            client__in=eligible(clients),
            follow_up_on__lte=thresholds.horizon(today),
        )
        .values_list("pk", "client_id", "client__case_manager_id", "follow_up_on")
    )
    return [
        Due(client_id, Kind.REFERRAL_FOLLOW_UP, due_on, case_manager_id, referral_id=pk)
        for pk, client_id, case_manager_id, due_on in rows
    ]


def visit_due(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    rows = (
        with_visit_schedule(eligible(clients))
        .filter(
            # Only housed clients have a visit due, and every one has a housing state.
            within(clients, "housing_state__client"),
            next_visit_due__lte=thresholds.horizon(today),
        )
        # A housed client's open placement is the one they live in.
        .values_list(
            "pk", "case_manager_id", "housing_state__current_placement_id", "next_visit_due"
        )
    )
    return [
        Due(client_id, Kind.VISIT_DUE, due_on, case_manager_id, placement_id=placement_id)
        for client_id, case_manager_id, placement_id, due_on in rows
    ]


def lease_ending(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    lead = thresholds.lease_ending_days
    rows = (
        Placement.objects.housed()
        .filter(
            within(clients),
            client__in=eligible(clients),
            lease_end__lte=thresholds.horizon(today) + timedelta(days=lead),
        )
        .values_list("pk", "client_id", "client__case_manager_id", "lease_end")
    )
    return [
        Due(
            client_id,
            Kind.LEASE_ENDING,
            lease_end - timedelta(days=lead),
            case_manager_id,
            placement_id=pk,
        )
        for pk, client_id, case_manager_id, lease_end in rows
    ]


def consent_expiring(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    lead = thresholds.consent_expiring_days
    open_referral = Referral.objects.open().filter(
        client=OuterRef("client"), provider=OuterRef("provider")
    )
    renewed = Consent.objects.filter(
        client=OuterRef("client"),
        provider=OuterRef("provider"),
        revoked_on__isnull=True,
        signed_on__lte=today,
        expires_on__gt=OuterRef("expires_on"),
    )
    rows = (
        Consent.objects.filter(
            within(clients),
            client__in=eligible(clients),
            revoked_on__isnull=True,
            signed_on__lte=today,
            expires_on__lte=thresholds.horizon(today) + timedelta(days=lead),
        )
        .filter(Exists(open_referral))
        .exclude(Exists(renewed))
        .values_list("pk", "client_id", "client__case_manager_id", "expires_on")
    )
    return [
        Due(
            client_id,
            Kind.CONSENT_EXPIRING,
            expires_on - timedelta(days=lead),
            case_manager_id,
            consent_id=pk,
        )
        for pk, client_id, case_manager_id, expires_on in rows
    ]


def no_contact(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    # From the housing read model, like the visit schedule: one joined row per client instead
    # of subqueries over their placements and contacts.
    rows = (
        eligible(clients)
        .filter(within(clients, "housing_state__client"))
        .annotate(
            housed_since=F("housing_state__housed_since"),
            last_reached_on=TruncDate("housing_state__last_contact_at"),
        )
        .filter(housed_since__isnull=False)
        # Reached before moving in counts from the move-in: a new tenancy starts the clock.
        .annotate(
            quiet_since=Greatest(
                Coalesce("last_reached_on", "housed_since"),
                F("housed_since"),
                output_field=DateField(),
            )
        )
        .annotate(no_contact_due=AddDays(F("quiet_since"), thresholds.no_contact_days))
        .filter(no_contact_due__lte=thresholds.horizon(today))
        # A housed client's open placement is the one they live in.
        .values_list(
            "pk", "case_manager_id", "housing_state__current_placement_id", "no_contact_due"
        )
    )
    return [
        Due(client_id, Kind.NO_CONTACT, due_on, case_manager_id, placement_id=placement_id)
        for client_id, case_manager_id, placement_id, due_on in rows
    ]


def plan_review_due(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    rows = Plan.objects.filter(
        within(clients),
        client__in=eligible(clients),
        chose_no_plan=False,
        review_on__lte=thresholds.horizon(today),
    ).values_list("pk", "client_id", "client__case_manager_id", "review_on")
    return [
        Due(client_id, Kind.PLAN_REVIEW_DUE, due_on, case_manager_id, plan_id=pk)
        for pk, client_id, case_manager_id, due_on in rows
    ]


def appointment_tomorrow(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    # Appointments from tomorrow up to the day after the horizon (due the day before each).
    start = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    end = timezone.make_aware(
        datetime.combine(thresholds.horizon(today) + timedelta(days=2), time.min)
    )
    rows = Appointment.objects.filter(
        within(clients),
        client__in=eligible(clients),
        already_happened=False,
        starts_at__gte=start,
        starts_at__lt=end,
    ).values_list("pk", "client_id", "client__case_manager_id", "starts_at")
    return [
        Due(
            client_id,
            Kind.APPOINTMENT_TOMORROW,
            timezone.localdate(starts_at) - timedelta(days=1),
            case_manager_id,
            appointment_id=pk,
        )
        for pk, client_id, case_manager_id, starts_at in rows
    ]


ENTRY_DATA_DAYS = 14
EXIT_ASSESSMENT_DAYS = 90


def _assessment_at(stage):
    return Assessment.objects.filter(enrollment=OuterRef("pk"), stage=stage)


def head_entry_date():
    """The entry date of the head of the enrollment's household (its own when it has none)."""
    head = Enrollment.objects.filter(
        household=OuterRef("household"), relationship_to_head=RelationshipToHead.SELF
    ).values("entry_date")[:1]
    return Coalesce(Subquery(head, output_field=DateField()), F("entry_date"))


def annual_assessment_due(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    window = timedelta(days=enrollment_rules.ANNUAL_WINDOW_DAYS)
    latest_annual = (
        _assessment_at(DataCollectionStage.ANNUAL_ASSESSMENT)
        .order_by("-information_date")
        .values("information_date")[:1]
    )
    rows = (
        Enrollment.objects.open()
        .filter(within(clients), client__in=eligible(clients))
        .annotate(
            head_entry=head_entry_date(),
            latest_annual=Subquery(latest_annual, output_field=DateField()),
        )
        .values_list("pk", "client_id", "client__case_manager_id", "head_entry", "latest_annual")
    )
    found = []
    for pk, client_id, case_manager_id, head_entry, latest_annual in rows:
        opens = enrollment_rules.annual_due(head_entry, today) - window
        # No assessment can be dated after today, so one on or after the opening of the
        # window that has not closed yet is in it.
        done = latest_annual is not None and latest_annual >= opens
        if opens <= thresholds.horizon(today) and not done:
            found.append(
                Due(
                    client_id,
                    Kind.ANNUAL_ASSESSMENT_DUE,
                    opens,
                    case_manager_id,
                    enrollment_id=pk,
                )
            )
    return found


# What ``enrollments.rules.entry_data_missing`` reads of an enrollment, besides its project's
# type and its client's date of birth.
_ENTRY_DATA_COLUMNS = (
    "relationship_to_head",
    "entry_date",
    "living_situation",
    "length_of_stay",
    "previous_street_essh",
    *enrollment_rules.HOMELESS_HISTORY_FIELDS,
    "disabling_condition",
    "enrollment_coc",
)


class _EntryData(SimpleNamespace):
    """An enrollment as ``entry_data_missing`` reads it, from a row of values: building an
    Enrollment model for each of thousands of open enrollments was most of the sweep's time."""

    @property
    def is_head(self) -> bool:
        return self.relationship_to_head == RelationshipToHead.SELF


def entry_data_incomplete(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    late = timedelta(days=ENTRY_DATA_DAYS)
    rows = (
        Enrollment.objects.open()
        .filter(
            within(clients),
            client__in=eligible(clients),
            entry_date__lte=thresholds.horizon(today) - late,
        )
        .annotate(
            case_manager_id=F("client__case_manager_id"),
            has_entry_assessment=Exists(_assessment_at(DataCollectionStage.PROJECT_START)),
        )
        .values(
            "pk",
            "client_id",
            "case_manager_id",
            "has_entry_assessment",
            "project__project_type",
            "client__date_of_birth",
            *_ENTRY_DATA_COLUMNS,
        )
    )
    found = []
    for row in rows:
        enrollment = _EntryData(
            **{column: row[column] for column in _ENTRY_DATA_COLUMNS},
            project=SimpleNamespace(project_type=row["project__project_type"]),
            client=SimpleNamespace(date_of_birth=row["client__date_of_birth"]),
        )
        # Only whether the entry assessment exists matters to the rule.
        if enrollment_rules.entry_data_missing(
            enrollment, True if row["has_entry_assessment"] else None
        ):
            found.append(
                Due(
                    row["client_id"],
                    Kind.ENTRY_DATA_INCOMPLETE,
                    row["entry_date"] + late,
                    row["case_manager_id"],
                    enrollment_id=row["pk"],
                )
            )
    return found


def exit_assessment_missing(clients: QuerySet, *, today: date, thresholds: Thresholds) -> list[Due]:
    # Exited clients too: the exit is what the reminder is about. Still with a case manager.
    rows = (
        Enrollment.objects.filter(
            within(clients),
            client__in=clients.filter(case_manager__isnull=False),
            exit_date__isnull=False,
            exit_date__gte=today - timedelta(days=EXIT_ASSESSMENT_DAYS),
            exit_date__lte=thresholds.horizon(today),
        )
        .exclude(Exists(_assessment_at(DataCollectionStage.PROJECT_EXIT)))
        .values_list("pk", "client_id", "client__case_manager_id", "exit_date")
    )
    return [
        Due(client_id, Kind.EXIT_ASSESSMENT_MISSING, exit_date, case_manager_id, enrollment_id=pk)
        for pk, client_id, case_manager_id, exit_date in rows
    ]


RULES = {
    Kind.REFERRAL_FOLLOW_UP: referral_follow_up,
    Kind.VISIT_DUE: visit_due,
    Kind.LEASE_ENDING: lease_ending,
    Kind.CONSENT_EXPIRING: consent_expiring,
    Kind.NO_CONTACT: no_contact,
    Kind.PLAN_REVIEW_DUE: plan_review_due,
    Kind.APPOINTMENT_TOMORROW: appointment_tomorrow,
    Kind.ANNUAL_ASSESSMENT_DUE: annual_assessment_due,
    Kind.EXIT_ASSESSMENT_MISSING: exit_assessment_missing,
    Kind.ENTRY_DATA_INCOMPLETE: entry_data_incomplete,
}


# Reminders that ask the same thing (get in touch with the client): one per client.
GET_IN_TOUCH = (Kind.VISIT_DUE, Kind.NO_CONTACT)


def one_reminder_to_get_in_touch(found: list[Due]) -> list[Due]:
    """Keep, per client, only the first due of the get-in-touch reminders (a home visit before
    "no contact" on the same day: logging the visit resolves both causes)."""
    first: dict[int, Due] = {}
    for due in found:
        if due.kind in GET_IN_TOUCH:
            kept = first.get(due.client_id)
            order = (due.due_on, GET_IN_TOUCH.index(due.kind))
            if kept is None or order < (kept.due_on, GET_IN_TOUCH.index(kept.kind)):
                first[due.client_id] = due
    return [due for due in found if due.kind not in GET_IN_TOUCH or first[due.client_id] is due]


def wanted(
    clients: QuerySet, *, today: date, thresholds: Thresholds | None = None, kinds=None
) -> list[Due]:
    """Every reminder that should exist for these clients today (of these ``kinds``, default
    all): one query per rule."""
    thresholds = thresholds or Thresholds.from_settings()
    found = []
    for kind, rule in RULES.items():
        if kinds is None or kind in kinds:
            found.extend(rule(clients, today=today, thresholds=thresholds))
    return one_reminder_to_get_in_touch(found)
