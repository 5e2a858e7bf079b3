"""Every write to appointments and calendar feeds."""

from django.db import transaction
from django.utils import timezone

from housingfirst.audit import acting_person, change_reason
from housingfirst.versioning import save_versioned

from .events import appointment_changed
from .models import Appointment, CalendarFeed, new_token


def _announce(appointment, by, reason):
    appointment_changed.announce(
        sender=Appointment, client_id=appointment.client_id, by=by, reason=reason
    )


@transaction.atomic
def appointment_book(*, appointment: Appointment, by) -> Appointment:
    if appointment.staff_id is None:
        appointment.staff = by
    appointment.full_clean()
    with acting_person(by), change_reason("Appointment booked"):
        appointment.save()
        _announce(appointment, by, "Resolved: appointment booked")
    return appointment


def appointment_update(*, appointment: Appointment, by, expected_version) -> Appointment:
    with transaction.atomic(), acting_person(by):
        save_versioned(appointment, expected_version=expected_version, reason="Appointment changed")
        _announce(appointment, by, "Resolved: appointment changed")
    return appointment


def appointment_record_for_referral(*, referral, by) -> Appointment:
    """The referral's scheduled appointment, on the client's case manager's calendar."""
    client = referral.client
    appointment = Appointment(
        client=client,
        staff_id=client.case_manager_id or getattr(by, "pk", None),
        starts_at=referral.appointment_at,
        place=referral.appointment_place,
        what="Referral appointment" if referral.is_protected else str(referral),
        already_happened=referral.appointment_at < timezone.now(),
        referral=referral,
        is_protected=referral.is_protected,
    )
    with acting_person(by), change_reason("Appointment scheduled for a referral"):
        appointment.save()
        _announce(appointment, by, "Resolved: appointment scheduled")
    return appointment


def appointment_remove_for_referral(*, referral, since, by, reason: str) -> int:
    """The referral's "appointment scheduled" step was taken back: the appointment that step
    put on the calendar (made at or after ``since``) goes, with a history entry."""
    removed = 0
    with acting_person(by), change_reason(reason):
        for appointment in Appointment.objects.filter(referral=referral, created_at__gte=since):
            appointment.delete()
            removed += 1
            _announce(appointment, by, "Resolved: appointment removed")
    return removed


@transaction.atomic
def calendar_feed_rotate(*, user) -> CalendarFeed:
    """Turn the feed on, or give it a new secret URL: the old one stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    with acting_person(user):
        if feed is None:
            with change_reason("Calendar feed turned on"):
                return CalendarFeed.objects.create(user=user)
        feed.token = new_token()
        feed.rotated_at = timezone.now()
        with change_reason("Calendar feed address replaced"):
            feed.save()
    return feed


@transaction.atomic
def calendar_feed_turn_off(*, user) -> None:
    with acting_person(user), change_reason("Calendar feed turned off"):
        for feed in CalendarFeed.objects.filter(user=user):
            feed.delete()
