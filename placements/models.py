"""Housing placements and the contacts that support a tenancy.

A placement goes from the search for a unit to move-in and, if the tenancy ends, to an exit;
its state follows from its dates. A client may have several placements over time (rehousing),
but at most one open (not exited) at a time. Nothing here reads referral data: housing never
depends on services.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from housingfirst.audit import audit_history
from housingfirst.roles import Role, role_of
from housingfirst.versioning import VersionedModel

from .destinations import (
    Destination,
    DestinationGroup,
    RentalSubsidyType,
    destination_group,
)
from .expressions import DaysBetween

# A clock a few minutes fast on a phone should not block logging a visit that just happened.
FUTURE_CONTACT_TOLERANCE = timedelta(minutes=10)


class SubsidyType(models.Model):
    """A kind of rent subsidy. Programs extend the list in the admin."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    is_active = models.BooleanField(
        "offered",
        default=True,
        help_text="Types no longer offered stay on past placements but leave the forms.",
    )

    history = audit_history()
    HISTORY_LABEL_FIELDS = ("name",)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PlacementQuerySet(models.QuerySet):
    def open(self):
        """Not exited: searching or housed. A client has at most one."""
        return self.filter(exit_date__isnull=True)

    def searching(self):
        return self.filter(exit_date__isnull=True, move_in_date__isnull=True)

    def housed(self):
        return self.filter(exit_date__isnull=True, move_in_date__isnull=False)

    def exited(self):
        return self.filter(exit_date__isnull=False)

    def moved_in(self):
        """Every placement the client lived in, current or past."""
        return self.filter(move_in_date__isnull=False)

    def with_destination_group(self):
        """Annotate ``exit_group`` (a DestinationGroup value, or None) in SQL: the HUD group
        of the exit destination, e.g. to count exits by group."""
        return self.annotate(
            exit_group=Case(
                When(exit_destination__isnull=True, then=Value(None)),
                When(exit_destination__range=(100, 199), then=Value(DestinationGroup.HOMELESS)),
                When(
                    exit_destination__range=(200, 299),
                    then=Value(DestinationGroup.INSTITUTIONAL),
                ),
                When(exit_destination__range=(300, 399), then=Value(DestinationGroup.TEMPORARY)),
                When(exit_destination__range=(400, 499), then=Value(DestinationGroup.PERMANENT)),
                default=Value(DestinationGroup.OTHER),
                output_field=models.CharField(),
            )
        )

    def days_housed(self, as_of: date | None = None) -> int:
        """Days lived in these placements up to ``as_of`` (default today), summed in SQL.

        A placement counts from its move-in date to its exit date (or ``as_of`` while open).
        """
        as_of = as_of or timezone.localdate()
        total = (
            self.moved_in()
            .filter(move_in_date__lte=as_of)
            .aggregate(total=Sum(housed_days_expression(as_of)))["total"]
        )
        return total or 0


def housed_days_expression(as_of: date):
    """SQL for one placement's days housed up to ``as_of``: exit (or as_of) minus move-in."""
    end = Coalesce(
        Case(When(exit_date__lte=as_of, then=F("exit_date")), default=None),
        Value(as_of, output_field=models.DateField()),
    )
    return DaysBetween(end, F("move_in_date"))


class Placement(VersionedModel):
    """One housing placement: the search for a unit, the tenancy, and its end if it ends."""

    # Moves to the primary record when its client is linked to another (clients.ClientLink).
    MOVES_WITH_LINKED_CLIENT = True

    class State(models.TextChoices):
        SEARCHING = "searching", "Searching for housing"
        HOUSED = "housed", "Housed"
        EXITED = "exited", "Exited"

    class ExitReason(models.TextChoices):
        MOVED_TO_OTHER_PERMANENT_HOUSING = "moved_permanent", "Moved to other permanent housing"
        LEASE_ENDED = "lease_ended", "Lease ended"
        UNIT_UNAVAILABLE = "unit_unavailable", "Unit became unavailable"
        LEFT_THE_UNIT = "left_unit", "Left the unit"
        RETURNED_TO_HOMELESSNESS = "returned_homeless", "Returned to homelessness"
        ENTERED_INSTITUTION = "institution", "Entered an institution (hospital, care, jail)"
        PASSED_AWAY = "passed_away", "Passed away"
        OTHER = "other", "Other"

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="placements"
    )
    search_started_on = models.DateField("housing search started", default=timezone.localdate)
    address = models.CharField(
        "unit address",
        max_length=300,
        blank=True,
        help_text="Street, unit number and city. May stay empty while searching.",
    )
    landlord_name = models.CharField("landlord or housing provider", max_length=200, blank=True)
    landlord_contact = models.CharField(
        "landlord contact", max_length=200, blank=True, help_text="Phone number or e-mail."
    )
    subsidy_type = models.ForeignKey(
        SubsidyType,
        on_delete=models.PROTECT,
        related_name="placements",
        null=True,
        blank=True,
    )
    monthly_rent = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Whole rent of the unit, per month.",
    )
    tenant_share = models.DecimalField(
        "tenant's share",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="What the client pays each month.",
    )
    lease_start = models.DateField(null=True, blank=True)
    lease_end = models.DateField(null=True, blank=True)
    # HUD 3.20 Housing Move-in Date.
    move_in_date = models.DateField("housing move-in date", null=True, blank=True)
    exit_date = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=20, choices=ExitReason.choices, blank=True)
    # HUD 3.12 Destination, and 3.12.A when the destination is a subsidised rental.
    exit_destination = models.PositiveSmallIntegerField(
        "exit destination", choices=Destination.choices, null=True, blank=True
    )
    exit_rental_subsidy_type = models.PositiveSmallIntegerField(
        "rental subsidy type at exit",
        choices=RentalSubsidyType.choices,
        null=True,
        blank=True,
        help_text="Only for “Rental by client, with ongoing housing subsidy”.",
    )
    exit_note = models.TextField(max_length=2000, blank=True)

    # Optimistic lock: a save carrying an older version is refused (see housingfirst.forms).
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history(excluded_fields=["updated_at"])
    objects = PlacementQuerySet.as_manager()

    HISTORY_LABEL_FIELDS = ("address",)

    class Meta:
        ordering = ["-search_started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(exit_date__isnull=True),
                name="one_open_placement_per_client",
                violation_error_message=(
                    "This client already has an open placement: record its exit first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(monthly_rent__isnull=True) | Q(monthly_rent__gte=0),
                name="placement_rent_not_negative",
                violation_error_message="The rent cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(tenant_share__isnull=True) | Q(tenant_share__gte=0),
                name="placement_share_not_negative",
                violation_error_message="The tenant's share cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(tenant_share__isnull=True)
                | Q(monthly_rent__isnull=True)
                | Q(tenant_share__lte=F("monthly_rent")),
                name="placement_share_within_rent",
                violation_error_message="The tenant's share cannot be above the rent.",
            ),
            models.CheckConstraint(
                condition=Q(lease_end__isnull=True)
                | Q(lease_start__isnull=True)
                | Q(lease_end__gte=F("lease_start")),
                name="placement_lease_ends_after_start",
                violation_error_message="The lease cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(move_in_date__isnull=True)
                | Q(lease_start__isnull=True)
                | Q(move_in_date__gte=F("lease_start")),
                name="placement_move_in_within_lease",
                violation_error_message="The move-in cannot be before the lease starts.",
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True)
                | Q(move_in_date__isnull=False, exit_date__gte=F("move_in_date")),
                name="placement_exit_after_move_in",
                violation_error_message="An exit needs a move-in on or before the exit date.",
            ),
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True)
                | (~Q(exit_reason="") & Q(exit_destination__isnull=False)),
                name="placement_exit_has_reason_and_destination",
                violation_error_message="An exit needs a reason and a destination.",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "move_in_date"], name="placement_client_move_in"),
        ]

    def __str__(self):
        return self.address or f"Housing search from {self.search_started_on:%Y-%m-%d}"

    @property
    def state(self) -> "Placement.State":
        if self.exit_date is not None:
            return self.State.EXITED
        if self.move_in_date is not None:
            return self.State.HOUSED
        return self.State.SEARCHING

    @property
    def is_open(self) -> bool:
        return self.exit_date is None

    @property
    def destination_group(self) -> DestinationGroup | None:
        return destination_group(self.exit_destination)

    def days_housed(self, as_of: date | None = None) -> int:
        """Days lived in this unit up to ``as_of`` (default today); 0 before move-in."""
        as_of = as_of or timezone.localdate()
        if self.move_in_date is None or self.move_in_date > as_of:
            return 0
        end = self.exit_date if self.exit_date and self.exit_date <= as_of else as_of
        return (end - self.move_in_date).days

    def clean(self):
        today = timezone.localdate()
        errors = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if self.search_started_on and self.search_started_on > today:
            add("search_started_on", "The search cannot start in the future.")
        if self.lease_start and self.lease_end and self.lease_end < self.lease_start:
            add("lease_end", "The lease cannot end before it starts.")
        if self.monthly_rent is not None and self.tenant_share is not None:
            if self.tenant_share > self.monthly_rent:
                add("tenant_share", "The tenant's share cannot be above the rent.")
        if self.move_in_date:
            if self.move_in_date > today:
                add("move_in_date", "The move-in date cannot be in the future.")
            if self.lease_start and self.move_in_date < self.lease_start:
                add("move_in_date", "The move-in cannot be before the lease starts.")
            if self.search_started_on and self.move_in_date < self.search_started_on:
                add("search_started_on", "The search cannot start after the move-in.")
        if self.exit_date:
            if self.exit_date > today:
                add("exit_date", "The exit date cannot be in the future.")
            if self.move_in_date is None:
                add("exit_date", "Record the move-in before an exit.")
            elif self.exit_date < self.move_in_date:
                add("exit_date", "The exit cannot be before the move-in.")
            if not self.exit_reason:
                add("exit_reason", "Choose the reason for the exit.")
            if self.exit_destination is None:
                add("exit_destination", "Choose where the client went.")
        elif self.exit_reason or self.exit_destination is not None:
            add("exit_date", "Enter the exit date, or clear the exit reason and destination.")
        if self.exit_rental_subsidy_type is not None and (
            self.exit_destination != Destination.RENTAL_WITH_SUBSIDY
        ):
            add(
                "exit_rental_subsidy_type",
                "Only for “Rental by client, with ongoing housing subsidy”.",
            )
        if self.exit_date is None and self.client_id is not None:
            others = Placement.objects.open().filter(client_id=self.client_id)
            if self.pk is not None:
                others = others.exclude(pk=self.pk)
            if others.exists():
                add(
                    "__all__",
                    "This client already has an open placement: record its exit first.",
                )
        if errors:
            raise ValidationError(errors)


class ContactQuerySet(models.QuerySet):
    def reached(self):
        """Contacts where the client was reached (every kind but an outreach attempt)."""
        return self.exclude(kind=Contact.Kind.OUTREACH_ATTEMPT)


class Contact(VersionedModel):
    """A home visit, phone call, office visit or outreach attempt. Never deleted from the UI."""

    # Moves to the primary record when its client is linked to another (clients.ClientLink).
    MOVES_WITH_LINKED_CLIENT = True

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", "Home visit"
        PHONE_CALL = "phone_call", "Phone call"
        OFFICE_VISIT = "office_visit", "Office visit"
        OUTREACH_ATTEMPT = "outreach_attempt", "Outreach attempt (client not reached)"

    client = models.ForeignKey("clients.Client", on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HOME_VISIT)
    occurred_at = models.DateTimeField("when", default=timezone.now)
    # Set by the service from the signed-in person, never from a form.
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contacts_made"
    )
    note = models.TextField(max_length=2000, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = audit_history(excluded_fields=["updated_at"])
    objects = ContactQuerySet.as_manager()

    HISTORY_LABEL_FIELDS = ("kind", "occurred_at")

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "-occurred_at"], name="contact_client_latest"),
        ]

    def __str__(self):
        when = timezone.localtime(self.occurred_at).strftime("%Y-%m-%d %H:%M")
        return f"{self.get_kind_display()}, {when}"

    def can_be_edited_by(self, user, *, supervises_client: bool | None = None) -> bool:
        """The author, a supervisor of the client's team, or an administrator.

        The caller has already checked that the person may change this client. Pass
        ``supervises_client`` when it is known, to save a query per contact in lists.
        """
        role = role_of(user)
        if role is Role.ADMINISTRATOR:
            return True
        if role is Role.SUPERVISOR:
            if supervises_client is None:
                supervises_client = user.supervised_teams.filter(pk=self.client.team_id).exists()
            return supervises_client
        return role is Role.CASE_MANAGER and self.made_by_id == user.pk

    def clean(self):
        if self.occurred_at and self.occurred_at > timezone.now() + FUTURE_CONTACT_TOLERANCE:
            raise ValidationError({"occurred_at": "A contact cannot be in the future."})


class HousingStatus(models.TextChoices):
    """Where a client stands today, from their placements."""

    NO_PLACEMENT = "none", "No placement yet"
    SEARCHING = "searching", "Searching for housing"
    HOUSED = "housed", "Housed"
    LEFT_HOUSING = "exited", "Left housing"


class HousingState(models.Model):
    """The read model of one client's housing: what every caseload page, count and reminder
    rule reads instead of recomputing it from placements and contacts for each client.

    Derived, never edited: ``placements.state`` rewrites a client's row from their placements
    and contacts in the same transaction as any change to them, and the hourly sweep
    recomputes every row and reports the ones it had to correct. It holds no history of its
    own; the placements and contacts it is computed from have theirs.
    """

    client = models.OneToOneField(
        "clients.Client", on_delete=models.CASCADE, primary_key=True, related_name="housing_state"
    )
    status = models.CharField(max_length=10, choices=HousingStatus.choices)
    current_placement = models.ForeignKey(
        Placement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Move-in date of the open placement, when the client lives in it.
    housed_since = models.DateField(null=True, blank=True)
    placements_moved_in = models.PositiveIntegerField(default=0)
    # Days lived in the placements that have ended (the open one counts from housed_since).
    days_housed_closed = models.IntegerField(default=0)
    # The latest move-in or exit date of any placement: before it, days housed are
    # computed from the placements themselves (a date recorded ahead of the day asked about).
    settled_on = models.DateField(null=True, blank=True)
    # When the client was last reached, by any kind of contact.
    last_contact_at = models.DateTimeField(null=True, blank=True)
    # Local date of the latest contact that counts as a visit (VISIT_SCHEDULE_CONTACT_KINDS)
    # since the current move-in.
    last_visit_on = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status"], name="housing_state_status"),
            models.Index(fields=["last_contact_at"], name="housing_state_last_contact"),
        ]

    def __str__(self):
        return f"Housing state of client #{self.client_id}: {self.status}"
