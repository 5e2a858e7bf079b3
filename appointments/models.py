"""Appointments: a dated meeting of a client, on a staff member's calendar.

A case manager books their own (a home visit, the benefits office, a court date); a referral's
"appointment scheduled" step makes one too (``appointments.reactions``), linked to the referral
and protected when the referral is (substance use): protected appointments are need-to-know,
and their place and purpose never leave the system (the calendar feed shows neither).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from clients.models import Client
from housingfirst.audit import audit_history
from housingfirst.roles import sees_protected_records
from housingfirst.versioning import VersionedModel


class AppointmentQuerySet(models.QuerySet):
    def protected(self):
        return self.filter(is_protected=True)

    def visible_to(self, user):
        appointments = self.filter(client__in=Client.objects.visible_to(user))
        if not sees_protected_records(user):
            appointments = appointments.exclude(is_protected=True)
        return appointments

    def between(self, start, end):
        return self.filter(starts_at__gte=start, starts_at__lt=end)


class Appointment(VersionedModel):
    MOVES_WITH_LINKED_CLIENT = True

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="appointments")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name="on whose calendar",
    )
    starts_at = models.DateTimeField("date and time")
    place = models.CharField(max_length=300)
    what = models.CharField(
        "what it is", max_length=200, help_text="A home visit, the benefits office, a court date…"
    )
    already_happened = models.BooleanField(
        "already happened", default=False, help_text="Tick to record an appointment in the past."
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.SET_NULL,
        related_name="appointments",
        null=True,
        blank=True,
    )
    is_protected = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    history = audit_history()
    objects = AppointmentQuerySet.as_manager()

    HISTORY_LABEL_FIELDS = ("starts_at",)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["staff", "starts_at"], name="appointment_calendar")]

    def __str__(self):
        when = timezone.localtime(self.starts_at).strftime("%Y-%m-%d %H:%M")
        return f"Appointment, {when}"

    def history_label(self):
        return str(self)

    def clean(self):
        if self.starts_at and self.starts_at < timezone.now() and not self.already_happened:
            raise ValidationError(
                {"starts_at": "This is in the past: tick “already happened” to record it."}
            )


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar feed: a secret URL token, rotated on request."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    name = models.CharField(
        "calendar name", max_length=100, default="housingfirst appointments", blank=True
    )
    rotated_at = models.DateTimeField(default=timezone.now)

    history = audit_history()
    # History keeps a fingerprint, never a usable token.
    HISTORY_SECRET_FIELDS = ("token",)
    AUDIT_CLIENT_FIELD = ""

    def __str__(self):
        return f"Calendar feed of {self.user}"
