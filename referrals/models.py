"""Voluntary referrals to outside services, the providers, and the client's consents.

A referral is the client's to take or decline; nothing here touches housing. The workflow
(which status may follow which) is the table ``Referral.TRANSITIONS``; the steps themselves run
through ``referrals.services``, which locks the row, stamps the date and the acting person, and
writes history with a reason.

Substance-use records are protected (42 CFR Part 2):

- a referral is protected when its service type is substance use;
- a consent is protected when it is marked as covering substance-use information or its
  provider offered substance-use services when it was recorded: the protection is stored on the
  consent (``is_protected``), so unticking "substance use" on the provider later changes nothing.

``visible_to(user)`` on both QuerySets is the one place that decides who sees them.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from clients.models import Client
from housingfirst.audit import audit_history
from housingfirst.roles import PROTECTED_RECORD_ROLES, sees_protected_records  # noqa: F401
from housingfirst.undo import refusal as undo_refusal
from housingfirst.undo import undo_open_until
from housingfirst.versioning import VersionedModel


class ServiceType(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health"
    SUBSTANCE_USE = "substance_use", "Substance use"
    EMPLOYMENT = "employment", "Employment"
    OTHER = "other", "Other"


class ProviderQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def offering(self, service_type: str):
        return self.filter(**{Provider.offer_field(service_type): True})


class Provider(VersionedModel):
    """An outside organisation offering one or more kinds of service."""

    name = models.CharField(max_length=200, unique=True)
    # One flag per service type: readable in history diffs and simple to filter on.
    offers_mental_health = models.BooleanField("offers mental health services", default=False)
    offers_substance_use = models.BooleanField("offers substance-use services", default=False)
    offers_employment = models.BooleanField("offers employment services", default=False)
    offers_other = models.BooleanField("offers other services", default=False)
    contact_name = models.CharField("contact person", max_length=150, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    address = models.TextField(max_length=500, blank=True)
    notes = models.TextField(max_length=2000, blank=True)
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive providers cannot receive new referrals."
    )

    history = audit_history()
    objects = ProviderQuerySet.as_manager()

    HISTORY_LABEL_FIELDS = ("name",)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @staticmethod
    def offer_field(service_type: str) -> str:
        return f"offers_{ServiceType(service_type).value}"

    def offers(self, service_type: str) -> bool:
        return getattr(self, self.offer_field(service_type))

    @property
    def service_types(self) -> list[str]:
        return [value for value in ServiceType.values if self.offers(value)]

    def service_type_labels(self) -> list[str]:
        return [ServiceType(value).label for value in self.service_types]

    def clean(self):
        if not self.service_types:
            raise ValidationError("Choose at least one service this provider offers.")


class ConsentQuerySet(models.QuerySet):
    def current(self, on: date | None = None):
        """Consents in force on this date: signed on or before it, not expired, not revoked."""
        on = on or timezone.localdate()
        return self.filter(signed_on__lte=on, expires_on__gte=on).filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__gt=on)
        )

    def protected(self):
        return self.filter(is_protected=True)

    def visible_to(self, user):
        """Consents of the clients this person sees; protected ones only to need-to-know roles."""
        consents = self.filter(client__in=Client.objects.visible_to(user))
        if not sees_protected_records(user):
            consents = consents.exclude(is_protected=True)
        return consents


class Consent(VersionedModel):
    """A release of information: the client allows us to share with one provider.

    Revoking never deletes: it records the revocation date and who recorded it.
    """

    # Moves to the primary record when its client is linked to another (clients.ClientLink).
    MOVES_WITH_LINKED_CLIENT = True

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="consents")
    purpose = models.TextField(
        "what may be shared, and why",
        max_length=2000,
        help_text="As written on the signed release.",
    )
    covers_substance_use = models.BooleanField(
        "covers substance-use information",
        default=False,
        help_text="Always treated as covered when the provider offers substance-use services.",
    )
    signed_on = models.DateField("signed on")
    expires_on = models.DateField("expires on", help_text="The last day the release is valid.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_on = models.DateField("revoked on", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revocation_note = models.TextField(max_length=2000, blank=True)
    # Protection follows the record: fixed from what the release and its provider were when it
    # was recorded (see ``settle_protection``), and never lifted. Not in history: it is derived,
    # and a new history column would change the seal of every older history row.
    is_protected = models.BooleanField("protected (substance use)", default=False, editable=False)

    history = audit_history(excluded_fields=["is_protected"])
    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-signed_on", "-pk"]
        indexes = [models.Index(fields=["client", "provider", "expires_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("signed_on")),
                name="consent_expires_after_signing",
            ),
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("signed_on")),
                name="consent_revoked_not_before_signing",
            ),
        ]

    def __str__(self):
        return f"Release of information to {self.provider} signed {self.signed_on:%Y-%m-%d}"

    def history_label(self):
        return str(self)

    def settle_protection(self) -> None:
        """Protected when it covers substance use or its provider offers those services now;
        once protected, always (a later edit of the provider leaves it protected)."""
        if not self.is_protected:
            self.is_protected = self.covers_substance_use or self.provider.offers_substance_use

    def save(self, *args, **kwargs):
        self.settle_protection()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "is_protected"}
        super().save(*args, **kwargs)

    @property
    def is_revoked(self) -> bool:
        return self.revoked_on is not None

    @property
    def has_expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.signed_on <= on <= self.expires_on and (
            self.revoked_on is None or self.revoked_on > on
        )

    def clean(self):
        errors = {}
        today = timezone.localdate()
        if self.signed_on and self.signed_on > today:
            errors["signed_on"] = "The signing date cannot be in the future."
        if self.signed_on and self.expires_on and self.expires_on <= self.signed_on:
            errors["expires_on"] = "The expiry date must be after the signing date."
        if self.revoked_on:
            if self.revoked_on > today:
                errors["revoked_on"] = "The revocation date cannot be in the future."
            elif self.signed_on and self.revoked_on < self.signed_on:
                errors["revoked_on"] = "The revocation date cannot be before the signing date."
        if errors:
            raise ValidationError(errors)


class ReferralQuerySet(models.QuerySet):
    def protected(self):
        return self.filter(service_type=ServiceType.SUBSTANCE_USE)

    def visible_to(self, user):
        """Referrals of the clients this person sees; substance use only to need-to-know roles.

        Every list and lookup of referrals goes through here.
        """
        referrals = self.filter(client__in=Client.objects.visible_to(user))
        if not sees_protected_records(user):
            referrals = referrals.exclude(service_type=ServiceType.SUBSTANCE_USE)
        return referrals

    def open(self):
        return self.filter(status__in=Referral.OPEN)

    def follow_up_overdue(self, on: date | None = None):
        on = on or timezone.localdate()
        return self.open().filter(follow_up_on__lt=on)

    def follow_up_due(self, on: date | None = None, within_days: int = 7):
        """Open referrals whose follow-up falls between today and a week from now."""
        on = on or timezone.localdate()
        return self.open().filter(
            follow_up_on__gte=on, follow_up_on__lte=on + timedelta(days=within_days)
        )


class Referral(VersionedModel):
    """One voluntary referral of a client to a provider for one service type."""

    # Moves to the primary record when its client is linked to another (clients.ClientLink).
    MOVES_WITH_LINKED_CLIENT = True

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        SENT = "sent", "Sent to provider"
        SCHEDULED = "scheduled", "Appointment scheduled"
        ENGAGED = "engaged", "Working with provider"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed"

    class RequestedBy(models.TextChoices):
        CLIENT = "client", "The client asked for it"
        STAFF = "staff", "Staff suggested it"

    class CloseReason(models.TextChoices):
        CLIENT_WITHDREW = "client_withdrew", "The client withdrew"
        PROVIDER_COULD_NOT_SERVE = "provider_could_not_serve", "The provider could not serve"
        LOST_CONTACT = "lost_contact", "We lost contact"

    # The whole workflow: from each status, the statuses that may follow. Declined, completed
    # and closed are final. Closing needs a reason; sending needs a current consent.
    TRANSITIONS = {
        Status.OFFERED: (Status.ACCEPTED, Status.DECLINED, Status.CLOSED),
        Status.ACCEPTED: (Status.SENT, Status.CLOSED),
        Status.SENT: (Status.SCHEDULED, Status.CLOSED),
        Status.SCHEDULED: (Status.ENGAGED, Status.CLOSED),
        Status.ENGAGED: (Status.COMPLETED, Status.CLOSED),
        Status.DECLINED: (),
        Status.COMPLETED: (),
        Status.CLOSED: (),
    }
    # The one-click step forward from each open status (offered needs the client's decision).
    NEXT_STEP = {
        Status.ACCEPTED: Status.SENT,
        Status.SENT: Status.SCHEDULED,
        Status.SCHEDULED: Status.ENGAGED,
        Status.ENGAGED: Status.COMPLETED,
    }
    STEP_DATE_FIELDS = {
        Status.ACCEPTED: "accepted_at",
        Status.DECLINED: "declined_at",
        Status.SENT: "sent_at",
        Status.SCHEDULED: "scheduled_at",
        Status.ENGAGED: "engaged_at",
        Status.COMPLETED: "completed_at",
        Status.CLOSED: "closed_at",
    }
    OPEN = (Status.OFFERED, Status.ACCEPTED, Status.SENT, Status.SCHEDULED, Status.ENGAGED)
    FINAL = (Status.DECLINED, Status.COMPLETED, Status.CLOSED)
    # Statuses in which the provider holds the client's information.
    WITH_PROVIDER = (Status.SENT, Status.SCHEDULED, Status.ENGAGED)

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="referrals")
    service_type = models.CharField(max_length=20, choices=ServiceType.choices)
    requested_by = models.CharField("who asked for it", max_length=10, choices=RequestedBy.choices)
    client_goal = models.TextField(
        "the client's goal", max_length=2000, blank=True, help_text="In the client's words."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    follow_up_on = models.DateField("follow-up date", null=True, blank=True)
    decision_note = models.TextField(
        "the client's words about the decision", max_length=2000, blank=True
    )
    close_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    outcome_note = models.TextField(max_length=4000, blank=True)
    # The release of information it was sent under (set by the "sent" step).
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, related_name="referrals", null=True, blank=True
    )

    # The appointment the "appointment scheduled" step recorded (the calendar shows it).
    appointment_at = models.DateTimeField("appointment date and time", null=True, blank=True)
    appointment_place = models.CharField("appointment place", max_length=300, blank=True)

    offered_at = models.DateTimeField(default=timezone.now)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    engaged_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    history = audit_history()
    objects = ReferralQuerySet.as_manager()

    HISTORY_LABEL_FIELDS = ("service_type",)

    class Meta:
        ordering = ["-offered_at", "-pk"]
        indexes = [
            models.Index(fields=["client", "-offered_at"]),
            models.Index(fields=["status", "follow_up_on"]),
        ]

    def __str__(self):
        return f"{self.get_service_type_display()} referral to {self.provider_name()}"

    def provider_name(self) -> str:
        # Avoids a query when only the id is loaded (access-log labels on lists).
        provider = self._state.fields_cache.get("provider")
        return provider.name if provider is not None else f"provider #{self.provider_id}"

    def history_label(self):
        return str(self)

    @property
    def is_protected(self) -> bool:
        return self.service_type == ServiceType.SUBSTANCE_USE

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL

    @property
    def next_step(self) -> str | None:
        return self.NEXT_STEP.get(self.status)

    @property
    def next_step_label(self) -> str:
        return NEXT_STEP_LABELS.get(self.next_step, "")

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, ())

    @property
    def status_date(self):
        """When the current status was reached."""
        field = self.STEP_DATE_FIELDS.get(self.status)
        return getattr(self, field) if field else self.offered_at

    @property
    def last_step_at(self):
        """When the last step (after the offer) was recorded, or None if none was."""
        field = self.STEP_DATE_FIELDS.get(self.status)
        return getattr(self, field) if field else None

    def undo_refusal(self, user) -> str:
        """Why ``user`` may not undo the last step, or "" when they may: only the person who
        recorded it, within ``housingfirst.undo.UNDO_WINDOW``."""
        if self.status == self.Status.OFFERED:
            return "There is no step to undo: the offer is the first. Nothing was changed."
        return undo_refusal(
            recorded_by_id=self.status_changed_by_id,
            recorded_at=self.last_step_at,
            user=user,
            what=f"the step “{self.get_status_display()}”",
        )

    def can_undo(self, user) -> bool:
        return self.undo_refusal(user) == ""

    @property
    def undo_open_until(self):
        return undo_open_until(self.last_step_at)

    def follow_up_is_overdue(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.is_open and self.follow_up_on is not None and self.follow_up_on < on

    def clean(self):
        errors = {}
        if self.provider_id is not None and self.service_type:
            if not self.provider.offers(self.service_type):
                errors["provider"] = (
                    f"{self.provider} does not offer {self.get_service_type_display().lower()} "
                    "services. Choose another provider or service."
                )
        if errors:
            raise ValidationError(errors)


# What the one-click button says for each step.
NEXT_STEP_LABELS = {
    Referral.Status.SENT: "Mark as sent to provider",
    Referral.Status.SCHEDULED: "Mark appointment scheduled",
    Referral.Status.ENGAGED: "Mark working with provider",
    Referral.Status.COMPLETED: "Mark completed",
}
