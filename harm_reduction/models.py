"""Harm reduction: supplies handed out, stock, overdose responses and trainings.

Nothing here names a person by default. A distribution or an overdose response may be linked
to a client only when the client asked for it to be; such a record is protected like a
substance-use referral (need-to-know, every view in the access log), and ``visible_to`` on each
QuerySet is the one place that decides who sees it.

Stock is never stored as a number: a lot's remaining quantity is what was received less what
was drawn from it (``Draw``) and discarded (``Discard``); a lot past its expiry date is not on
hand. Distributions draw from the lots that expire first, under a row lock on those lots.

No housing code reads any of this (import-linter contract ``housing-never-reads-harm-reduction``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clients.models import Client
from housingfirst.audit import audit_history
from housingfirst.roles import Role, role_of
from housingfirst.versioning import VersionedModel

# Roles whose client access is need-to-know (own caseload and covers, own team): they alone
# see records linked to the clients they see. Auditors read history and the access log.
LINKED_RECORD_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR)


class Site(VersionedModel):
    """A building of the program, or the office of a scattered-site program."""

    class Kind(models.TextChoices):
        BUILDING = "building", "Building"
        OFFICE = "office", "Office"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BUILDING)
    tenant_count = models.PositiveIntegerField(
        "tenants living here",
        null=True,
        blank=True,
        help_text="For the tenant training coverage in the report. Leave empty for an office.",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="SiteStaff", related_name="harm_reduction_sites"
    )
    is_active = models.BooleanField("active", default=True)

    history = audit_history()

    HISTORY_LABEL_FIELDS = ("name",)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SiteStaff(models.Model):
    """A staff member who looks after a site's supplies: they get its stock reminders.

    One row per membership, so history records who joined or left, not a copy of the list.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="site_memberships"
    )

    history = audit_history()

    class Meta:
        verbose_name = "site staff member"
        constraints = [
            models.UniqueConstraint(fields=["site", "user"], name="one_membership_per_site")
        ]

    def __str__(self):
        return f"{self.user} at {self.site}"


class ItemKind(models.Model):
    """A kind of supply (administrators extend the list)."""

    name = models.CharField(max_length=120, unique=True)
    is_naloxone = models.BooleanField(
        "naloxone", default=False, help_text="Counted as naloxone kits in trainings and reports."
    )
    is_active = models.BooleanField("active", default=True)

    history = audit_history()

    class Meta:
        ordering = ["name"]
        verbose_name = "item kind"

    def __str__(self):
        return self.name


class FundingSource(models.Model):
    """Who paid for what is handed out: funders pay for some items and not others."""

    name = models.CharField(max_length=120, unique=True)
    is_active = models.BooleanField("active", default=True)

    history = audit_history()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class StockMinimum(models.Model):
    """Below this many on hand, the site's staff get a reminder to order more."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="minimums")
    item = models.ForeignKey(ItemKind, on_delete=models.CASCADE, related_name="minimums")
    minimum = models.PositiveIntegerField()

    history = audit_history()

    class Meta:
        verbose_name = "stock minimum"
        constraints = [
            models.UniqueConstraint(fields=["site", "item"], name="one_minimum_per_site_item")
        ]

    def __str__(self):
        return f"At least {self.minimum} × {self.item} at {self.site}"


class StockLot(models.Model):
    """Stock received at a site: one lot of one item, with its expiry date."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="lots")
    item = models.ForeignKey(ItemKind, on_delete=models.PROTECT, related_name="lots")
    lot_number = models.CharField("lot number", max_length=60, blank=True)
    received_on = models.DateField("received on")
    expires_on = models.DateField("expires on")
    quantity = models.PositiveIntegerField("quantity received")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()

    HISTORY_LABEL_FIELDS = ("lot_number", "expires_on")

    class Meta:
        ordering = ["expires_on", "pk"]
        verbose_name = "stock lot"
        indexes = [models.Index(fields=["site", "item", "expires_on"], name="lot_site_item")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("received_on")),
                name="lot_expires_after_receipt",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="lot_quantity_positive"),
        ]

    def __str__(self):
        lot = f"lot {self.lot_number}" if self.lot_number else "no lot number"
        return f"{self.item} ({lot}, expires {self.expires_on:%Y-%m-%d})"

    def clean(self):
        errors = {}
        if self.received_on and self.received_on > timezone.localdate():
            errors["received_on"] = "The date received cannot be in the future."
        if self.received_on and self.expires_on and self.expires_on < self.received_on:
            errors["expires_on"] = "The expiry date cannot be before the date received."
        if errors:
            raise ValidationError(errors)


class Discard(models.Model):
    """Kits taken out of stock without being handed out: expired, damaged, other."""

    class Reason(models.TextChoices):
        EXPIRED = "expired", "Expired"
        DAMAGED = "damaged", "Damaged"
        OTHER = "other", "Other"

    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="discards")
    discarded_on = models.DateField("discarded on")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=10, choices=Reason.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()

    class Meta:
        ordering = ["-discarded_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="discard_quantity_positive")
        ]

    def __str__(self):
        return f"{self.quantity} × {self.lot.item} discarded ({self.get_reason_display().lower()})"


class LinkedRecordQuerySet(models.QuerySet):
    """Records that may be linked to a client at the client's request."""

    def protected(self):
        return self.filter(client__isnull=False)

    def visible_to(self, user):
        """Unlinked records to every staff role; a linked one only to a need-to-know role
        that sees its client (everyone else gets 404)."""
        if role_of(user) is None:
            return self.none()
        if role_of(user) not in LINKED_RECORD_ROLES:
            return self.filter(client__isnull=True)
        return self.filter(Q(client__isnull=True) | Q(client__in=Client.objects.visible_to(user)))


class LinkedToClient(models.Model):
    """A client link made only when the client asked for it; it makes the record protected."""

    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="%(class)ss",
        null=True,
        blank=True,
        help_text="Only when the person asked for this to be kept in their record.",
    )

    objects = LinkedRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_protected(self) -> bool:
        return self.client_id is not None


class RecipientRole(models.TextChoices):
    TENANT = "tenant", "Tenant"
    STAFF = "staff", "Staff"
    VISITOR = "visitor", "Visitor"
    COMMUNITY = "community", "Community member"


class TrainingSession(models.Model):
    """Overdose response training: who was trained, how many, kits handed out there."""

    class Audience(models.TextChoices):
        STAFF = "staff", "Staff"
        TENANTS = "tenants", "Tenants"

    held_on = models.DateField("date")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="trainings")
    audience = models.CharField("who was trained", max_length=10, choices=Audience.choices)
    people_trained = models.PositiveIntegerField("people trained")
    naloxone_kits = models.PositiveIntegerField("naloxone kits handed out", default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = "training session"
        constraints = [
            models.CheckConstraint(condition=Q(people_trained__gt=0), name="training_has_people")
        ]

    def __str__(self):
        return (
            f"Training for {self.get_audience_display().lower()} at {self.site}, "
            f"{self.held_on:%Y-%m-%d}"
        )

    def get_absolute_url(self):
        return reverse("harm_reduction:training", args=[self.pk])


class Distribution(LinkedToClient):
    """Supplies handed out: no name is recorded unless the person asked for a link."""

    class Kind(models.TextChoices):
        FIRST = "first", "First kit"
        REFILL = "refill", "Refill"

    class RefillReason(models.TextChoices):
        USED = "used", "Used on someone"
        LOST = "lost", "Lost"
        EXPIRED = "expired", "Expired"
        OTHER = "other", "Other"

    given_on = models.DateField("date")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="distributions")
    item = models.ForeignKey(ItemKind, on_delete=models.PROTECT, related_name="distributions")
    quantity = models.PositiveIntegerField()
    recipient_role = models.CharField("given to", max_length=10, choices=RecipientRole.choices)
    kind = models.CharField(
        "first kit or refill", max_length=10, choices=Kind.choices, default=Kind.FIRST
    )
    refill_reason = models.CharField(
        "why a refill", max_length=10, choices=RefillReason.choices, blank=True
    )
    training_given = models.BooleanField("training given", default=False)
    funding_source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="distributions"
    )
    training = models.ForeignKey(
        TrainingSession,
        on_delete=models.PROTECT,
        related_name="distributions",
        null=True,
        blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()

    class Meta:
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["given_on", "site"], name="distribution_day_site")]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="distribution_quantity_positive"
            ),
            models.CheckConstraint(
                condition=(Q(kind="refill") & ~Q(refill_reason=""))
                | (Q(kind="first") & Q(refill_reason="")),
                name="distribution_refill_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.item} handed out at {self.site}, {self.given_on:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("harm_reduction:distribution", args=[self.pk])

    def history_label(self):
        # A linked record's label names nothing about the person or what they took.
        return (
            "Harm-reduction supplies (linked at the person's request)"
            if self.client_id
            else str(self)
        )


class Draw(models.Model):
    """How much of a distribution came from which lot (earliest expiry first)."""

    distribution = models.ForeignKey(Distribution, on_delete=models.PROTECT, related_name="draws")
    lot = models.ForeignKey(StockLot, on_delete=models.PROTECT, related_name="draws")
    quantity = models.PositiveIntegerField()

    history = audit_history()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="draw_quantity_positive")
        ]

    def __str__(self):
        return f"{self.quantity} from {self.lot}"


class OverdoseResponse(LinkedToClient):
    """What was done when someone overdosed: no name by default, never a unit number."""

    class Route(models.TextChoices):
        NASAL = "nasal", "Nasal"
        INJECTION = "injection", "Injection"
        BOTH = "both", "Nasal and injection"
        NONE = "none", "No naloxone given"

    class Outcome(models.TextChoices):
        RESPONSIVE = "responsive", "Responsive on scene"
        TRANSPORTED = "transported", "Transported to hospital"
        DECLINED_TRANSPORT = "declined_transport", "Declined transport"
        DIED = "died", "Died"

    class Responder(models.TextChoices):
        STAFF = "staff", "Staff"
        TENANT = "tenant", "Tenant"
        OTHER = "other", "Other"

    class FollowUp(models.TextChoices):
        NOT_OFFERED = "not_offered", "Not offered"
        TAKEN = "taken", "Offered, and the person took it"
        DECLINED = "declined", "Offered, and the person chose not to"

    occurred_at = models.DateTimeField("date and time")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="overdose_responses")
    zone = models.CharField(
        "where on site",
        max_length=80,
        blank=True,
        help_text="A zone such as “lobby” or “3rd floor hallway”, never a unit number.",
    )
    naloxone_doses = models.PositiveSmallIntegerField("naloxone doses given", default=0)
    naloxone_route = models.CharField("how given", max_length=10, choices=Route.choices)
    called_911 = models.BooleanField("911 called", default=False)
    ems_arrived = models.BooleanField("EMS arrived", default=False)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    responder_role = models.CharField("who responded", max_length=10, choices=Responder.choices)
    follow_up = models.CharField(
        "follow-up", max_length=12, choices=FollowUp.choices, default=FollowUp.NOT_OFFERED
    )
    notes = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = "overdose response"
        indexes = [models.Index(fields=["occurred_at", "site"], name="overdose_time_site")]
        constraints = [
            models.CheckConstraint(
                condition=Q(naloxone_route="none", naloxone_doses=0)
                | (~Q(naloxone_route="none") & Q(naloxone_doses__gt=0)),
                name="overdose_doses_match_route",
            )
        ]

    def __str__(self):
        when = timezone.localtime(self.occurred_at)
        return f"Overdose response at {self.site}, {when:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("harm_reduction:overdose_response", args=[self.pk])

    def history_label(self):
        return "Overdose response (linked at the person's request)" if self.client_id else str(self)
