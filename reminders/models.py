"""Reminders: follow-ups that are due, as rows (not delayed broker messages).

A reminder belongs to a client, is about one record (the referral, placement or consent the
rule read), is for one person (the client's case manager when it was made, moved along on
reassignment) and falls due on a date. The rules in ``reminders.rules`` say which reminders
should exist; ``reminders.services`` creates, closes and moves them, always with history.

States: open → done (someone marked it), snoozed (until a date, then due again), or resolved
(closed because its cause went away: the visit was logged, the referral moved on, the lease
was renewed...). A reminder is never deleted.

The same reminder cannot exist twice: for each kind exactly one subject column is set (a check
constraint), and a unique constraint per subject column covers (client, kind, subject, due
date). Conditional unique constraints hold on SQLite and PostgreSQL alike, where a single
constraint over three nullable columns would treat NULLs as distinct.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.utils import timezone

from clients.models import Client
from enrollments.rules import ANNUAL_WINDOW_DAYS
from housingfirst.audit import audit_history
from housingfirst.roles import Role, role_of
from housingfirst.undo import UNDO_WINDOW, undo_open_until


class Kind(models.TextChoices):
    REFERRAL_FOLLOW_UP = "referral_follow_up", "Referral follow-up"
    VISIT_DUE = "visit_due", "Home visit due"
    LEASE_ENDING = "lease_ending", "Lease ending"
    CONSENT_EXPIRING = "consent_expiring", "Release of information expiring"
    NO_CONTACT = "no_contact", "No contact for a while"
    DUPLICATE_REVIEW = "duplicate_review", "Possible duplicate to review"
    STOCK_EXPIRING = "stock_expiring", "Supplies expiring"
    STOCK_LOW = "stock_low", "Supplies running low"
    PLAN_REVIEW_DUE = "plan_review_due", "Plan review due"
    APPOINTMENT_TOMORROW = "appointment_tomorrow", "Appointment tomorrow"
    ANNUAL_ASSESSMENT_DUE = "annual_assessment_due", "Annual assessment due"
    EXIT_ASSESSMENT_MISSING = "exit_assessment_missing", "Exit assessment missing"
    ENTRY_DATA_INCOMPLETE = "entry_data_incomplete", "Entry data incomplete"


# Kinds that a person asks for, not the rules: the sweep neither makes nor resolves them, and
# they stay with the person asked (a supervisor) when the client is reassigned.
REQUESTED_KINDS = (Kind.DUPLICATE_REVIEW,)
# Kinds about a site's harm-reduction stock, not a client: for the site's staff
# (reminders.stock), with no client.
SITE_KINDS = (Kind.STOCK_EXPIRING, Kind.STOCK_LOW)
# The kinds the rules make (reminders.rules), one reminder each for a client with everything.
RULE_KINDS = tuple(kind for kind in Kind if kind not in REQUESTED_KINDS + SITE_KINDS)


# The one subject column each kind uses.
SUBJECT_FIELD = {
    Kind.REFERRAL_FOLLOW_UP: "referral",
    Kind.VISIT_DUE: "placement",
    Kind.LEASE_ENDING: "placement",
    Kind.CONSENT_EXPIRING: "consent",
    Kind.NO_CONTACT: "placement",
    Kind.DUPLICATE_REVIEW: "duplicate_pair",
    Kind.STOCK_EXPIRING: "stock_lot",
    Kind.STOCK_LOW: "stock_minimum",
    Kind.PLAN_REVIEW_DUE: "plan",
    Kind.APPOINTMENT_TOMORROW: "appointment",
    Kind.ANNUAL_ASSESSMENT_DUE: "enrollment",
    Kind.EXIT_ASSESSMENT_MISSING: "enrollment",
    Kind.ENTRY_DATA_INCOMPLETE: "enrollment",
}
# The kinds about a client's program enrollment (HUD data): made at once when it changes.
ENROLLMENT_KINDS = (
    Kind.ANNUAL_ASSESSMENT_DUE,
    Kind.EXIT_ASSESSMENT_MISSING,
    Kind.ENTRY_DATA_INCOMPLETE,
)
SUBJECT_FIELDS = (
    "placement",
    "referral",
    "consent",
    "duplicate_pair",
    "stock_lot",
    "stock_minimum",
    "plan",
    "appointment",
    "enrollment",
)


def _subject_check() -> Q:
    condition = Q()
    for kind, field in SUBJECT_FIELD.items():
        others = {f"{other}__isnull": True for other in SUBJECT_FIELDS if other != field}
        condition |= Q(kind=kind, **{f"{field}__isnull": False}, **others)
    return condition


class ReminderQuerySet(models.QuerySet):
    def pending(self):
        """Open or snoozed: not closed yet."""
        return self.filter(state__in=Reminder.PENDING)

    def pending_or_just_done(self, user):
        """Pending reminders, and those ``user`` marked done within the undo window (shown
        with "Undo" beside them), in one query."""
        since = timezone.now() - UNDO_WINDOW
        return self.filter(
            Q(state__in=Reminder.PENDING)
            | Q(state=Reminder.State.DONE, closed_by=user, closed_at__gte=since)
        )

    def pending_clients(self):
        """The clients these reminders have something pending for (the client filter's scope:
        for ``visible_to(user)``, never a client outside the person's own scope)."""
        return Client.objects.filter(pk__in=self.pending().values("client_id"))

    def due(self, on: date | None = None):
        """Pending reminders to act on by ``on`` (default today): due today or overdue."""
        on = on or timezone.localdate()
        return self.pending().filter(acts_on__lte=on)

    def upcoming(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.pending().filter(acts_on__gt=on)

    def visible_to(self, user):
        """The reminders this person may see and act on: their own, and their teams' for a
        supervisor. Everyone else sees none (pages answer 404 for a reminder out of scope)."""
        role = role_of(user)
        if role is Role.CASE_MANAGER:
            mine = Q(assigned_to=user)
        elif role is Role.SUPERVISOR:
            mine = Q(assigned_to=user) | Q(client__team__in=user.supervised_teams.values("pk"))
        else:
            return self.none()
        # A site's stock reminder has no client: it is only its own person's.
        in_scope = Q(client__in=Client.objects.visible_to(user)) | Q(
            client__isnull=True, assigned_to=user
        )
        return self.filter(mine, in_scope)


class Reminder(models.Model):
    # Moves to the primary record when its client is linked to another (clients.ClientLink).
    MOVES_WITH_LINKED_CLIENT = True

    Kind = Kind

    class State(models.TextChoices):
        OPEN = "open", "Open"
        SNOOZED = "snoozed", "Snoozed"
        DONE = "done", "Done"
        RESOLVED = "resolved", "Resolved"

    PENDING = (State.OPEN, State.SNOOZED)
    CLOSED = (State.DONE, State.RESOLVED)

    # None only for a site's stock reminders (SITE_KINDS).
    # Indexed by reminder_client_state, which starts with it (as assigned_to by
    # reminder_for_person): an index of its own would only slow the sweep's inserts.
    client = models.ForeignKey(
        Client,
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
        db_index=False,
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    placement = models.ForeignKey(
        "placements.Placement",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    consent = models.ForeignKey(
        "referrals.Consent",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    duplicate_pair = models.ForeignKey(
        "clients.DuplicatePair",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    stock_lot = models.ForeignKey(
        "harm_reduction.StockLot",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    stock_minimum = models.ForeignKey(
        "harm_reduction.StockMinimum",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="reminders", null=True, blank=True
    )
    appointment = models.ForeignKey(
        "appointments.Appointment",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    enrollment = models.ForeignKey(
        "enrollments.Enrollment",
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    # The client's case manager when the reminder was made; moved on reassignment.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reminders",
        verbose_name="for",
        db_index=False,
    )
    due_on = models.DateField("due on")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    snoozed_until = models.DateField(null=True, blank=True)
    # The day to act on: the due date, or the snooze date while snoozed. Stored by the
    # database, so that "due" and "overdue" counts read an index.
    acts_on = models.GeneratedField(
        expression=Case(
            When(state="snoozed", then=F("snoozed_until")),
            default=F("due_on"),
            output_field=models.DateField(),
        ),
        output_field=models.DateField(),
        db_persist=True,
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    # A person who marked it done or whose action resolved it; for a job, the job's name.
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_by_job = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    # The history is read by reminder, by client and by date; the sweep writes a history row
    # for each reminder it makes, so its other columns go unindexed.
    history = audit_history(
        excluded_fields=["acts_on"],
        no_db_index=[*SUBJECT_FIELDS, "assigned_to", "closed_by"],
    )
    objects = ReminderQuerySet.as_manager()

    HISTORY_LABEL_FIELDS = ("kind", "due_on")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_subject_check(), name="reminder_subject_matches_kind"
            ),
            models.CheckConstraint(
                condition=Q(state="snoozed", snoozed_until__isnull=False)
                | (~Q(state="snoozed") & Q(snoozed_until__isnull=True)),
                name="reminder_snoozed_has_date",
            ),
            models.UniqueConstraint(
                fields=["client", "kind", "placement", "due_on"],
                condition=Q(placement__isnull=False),
                name="one_reminder_per_placement_kind_and_day",
            ),
            models.UniqueConstraint(
                fields=["client", "kind", "referral", "due_on"],
                condition=Q(referral__isnull=False),
                name="one_reminder_per_referral_kind_and_day",
            ),
            models.UniqueConstraint(
                fields=["client", "kind", "consent", "due_on"],
                condition=Q(consent__isnull=False),
                name="one_reminder_per_consent_kind_and_day",
            ),
            models.CheckConstraint(
                condition=Q(client__isnull=False) | Q(kind__in=SITE_KINDS),
                name="reminder_has_client_unless_about_stock",
            ),
            models.UniqueConstraint(
                fields=["kind", "stock_lot", "assigned_to", "due_on"],
                condition=Q(stock_lot__isnull=False),
                name="one_stock_lot_reminder_per_person_and_day",
            ),
            models.UniqueConstraint(
                fields=["kind", "stock_minimum", "assigned_to", "due_on"],
                condition=Q(stock_minimum__isnull=False),
                name="one_stock_level_reminder_per_person_and_day",
            ),
            models.UniqueConstraint(
                fields=["client", "kind", "plan", "due_on"],
                condition=Q(plan__isnull=False),
                name="one_reminder_per_plan_kind_and_day",
            ),
            models.UniqueConstraint(
                fields=["client", "kind", "appointment", "due_on"],
                condition=Q(appointment__isnull=False),
                name="one_reminder_per_appointment_kind_and_day",
            ),
            models.UniqueConstraint(
                fields=["client", "kind", "enrollment", "due_on"],
                condition=Q(enrollment__isnull=False),
                name="one_reminder_per_enrollment_kind_and_day",
            ),
            models.UniqueConstraint(
                fields=["duplicate_pair", "assigned_to"],
                condition=Q(duplicate_pair__isnull=False),
                name="one_duplicate_review_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["assigned_to", "state", "due_on"], name="reminder_for_person"),
            models.Index(fields=["client", "state"], name="reminder_client_state"),
            # Due and overdue reminders, per person (the navigation's count, the caseload
            # table) and per client (the client table's figures).
            models.Index(
                fields=["assigned_to", "acts_on"],
                condition=Q(state__in=("open", "snoozed")),
                name="reminder_pending_for_person",
            ),
            models.Index(
                fields=["client", "acts_on"],
                condition=Q(state__in=("open", "snoozed")),
                name="reminder_pending_for_client",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.due_on:%Y-%m-%d}"

    @property
    def subject_id(self) -> int | None:
        return getattr(self, f"{SUBJECT_FIELD[self.kind]}_id")

    @property
    def key(self) -> tuple:
        """What makes a reminder the same reminder (the unique constraint's columns)."""
        return (self.client_id, self.kind, self.subject_id, self.due_on)

    @property
    def about(self) -> str:
        """Whom or what it is about, for pages and messages: the client, or the site."""
        if self.client_id is not None:
            return self.client.display_name
        subject = self.stock_lot or self.stock_minimum
        return subject.site.name if subject is not None else ""

    @property
    def is_pending(self) -> bool:
        return self.state in self.PENDING

    @property
    def is_done(self) -> bool:
        return self.state == self.State.DONE

    @property
    def undo_open_until(self):
        return undo_open_until(self.closed_at)

    def detail(self) -> str:
        """A line about the subject for pages; never names the service or provider of a
        substance-use referral or consent (load ``referral__provider`` and
        ``consent__provider`` with the reminder)."""
        if self.kind == Kind.REFERRAL_FOLLOW_UP:
            referral = self.referral
            if referral.is_protected:
                return "Follow up on a referral"
            return f"{referral.get_service_type_display()} referral to {referral.provider.name}"
        if self.kind == Kind.CONSENT_EXPIRING:
            consent = self.consent
            if consent.is_protected:
                return f"A release of information expires {consent.expires_on:%Y-%m-%d}"
            return f"Release to {consent.provider.name} expires {consent.expires_on:%Y-%m-%d}"
        if self.kind == Kind.LEASE_ENDING:
            lease_end = self.placement.lease_end
            where = self.placement.address or "the unit"
            return f"Lease at {where} ends {lease_end:%Y-%m-%d}" if lease_end else "Lease ending"
        if self.kind == Kind.VISIT_DUE:
            return "Next home visit"
        if self.kind == Kind.STOCK_EXPIRING:
            lot = self.stock_lot
            number = lot.lot_number or "without a number"
            return f"{lot.item} at {lot.site}: lot {number} expires {lot.expires_on:%Y-%m-%d}"
        if self.kind == Kind.STOCK_LOW:
            minimum = self.stock_minimum
            return f"{minimum.item} at {minimum.site}: fewer than {minimum.minimum} on hand"
        if self.kind == Kind.PLAN_REVIEW_DUE:
            return f"Review the plan with the client ({self.due_on:%Y-%m-%d})"
        if self.kind == Kind.APPOINTMENT_TOMORROW:
            appointment = self.appointment
            when = timezone.localtime(appointment.starts_at).strftime("%Y-%m-%d %H:%M")
            if appointment.is_protected:
                return f"Appointment {when}"
            return f"{appointment.what}, {when} at {appointment.place}"
        if self.kind == Kind.ANNUAL_ASSESSMENT_DUE:
            closes = self.due_on + timedelta(days=2 * ANNUAL_WINDOW_DAYS)
            return f"Annual assessment (HUD): from {self.due_on:%Y-%m-%d} to {closes:%Y-%m-%d}"
        if self.kind == Kind.EXIT_ASSESSMENT_MISSING:
            return f"Record the exit assessment (left the program {self.due_on:%Y-%m-%d})"
        if self.kind == Kind.ENTRY_DATA_INCOMPLETE:
            return "Complete the entry data and the entry assessment"
        if self.kind == Kind.DUPLICATE_REVIEW:
            pair = self.duplicate_pair
            return f"Records #{pair.first_id} and #{pair.second_id} may be the same person"
        return "Not reached in a while: get in touch"


class DigestSent(models.Model):
    """One daily digest claimed for one person and day; the unique constraint is the lock.

    A worker inserts this row before sending, in the same transaction: a second worker (or a
    second beat tick) finds it there and sends nothing; a failed send rolls the claim back so
    a retry can send. Holds no client data.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_digests"
    )
    day = models.DateField()
    reminder_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "user"]
        verbose_name = "daily digest sent"
        verbose_name_plural = "daily digests sent"
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_person_per_day")
        ]

    def __str__(self):
        return f"Digest for {self.user} on {self.day:%Y-%m-%d}"
