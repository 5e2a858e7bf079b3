"""A step can be taken back by the person who recorded it, within ten minutes, with a reason
kept in the history; after that, or for anyone else, it is refused and nothing changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments.models import Appointment
from housingfirst.undo import UndoRefused
from referrals import services
from referrals.models import Referral
from reminders import services as reminder_services
from reminders.models import Kind, Reminder

from .factories import consent_for, referral_at

pytestmark = pytest.mark.django_db

Status = Referral.Status


def referral_url(name, referral, client=None):
    client = client or referral.client
    return reverse(
        f"client_referrals:{name}", kwargs={"client_id": client.pk, "referral_id": referral.pk}
    )


def test_the_maker_undoes_a_step_within_ten_minutes_and_history_keeps_why(program, clock):
    cm = program.case_manager
    referral = referral_at(Status.ACCEPTED, client=program.client, by=cm)
    consent = consent_for(program.client, referral.provider, by=cm)
    referral = services.referral_move(referral=referral, to=Status.SENT, by=cm)
    assert referral.consent == consent
    clock.shift(timedelta(minutes=9, seconds=59))
    undone = services.referral_undo_step(referral=referral, by=cm, reason="Recorded by mistake")
    undone.refresh_from_db()
    assert undone.status == Status.ACCEPTED
    assert undone.sent_at is None and undone.consent is None
    assert undone.accepted_at is not None
    latest = undone.history.latest()
    assert latest.history_user == cm
    assert latest.history_change_reason == "Undone: “Sent to provider” (Recorded by mistake)"
    assert [row.status for row in undone.history.order_by("history_id")][-2:] == [
        Status.SENT,
        Status.ACCEPTED,
    ]


def test_undo_is_refused_after_ten_minutes(program, clock):
    cm = program.case_manager
    referral = referral_at(Status.OFFERED, client=program.client, by=cm)
    referral = services.referral_record_decision(referral=referral, accepted=False, by=cm)
    clock.shift(timedelta(minutes=10, seconds=1))
    with pytest.raises(UndoRefused, match="more than 10 minutes ago"):
        services.referral_undo_step(referral=referral, by=cm, reason="Too late")
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED


def test_undo_is_refused_for_someone_else_even_their_supervisor(program, clock):
    cm = program.case_manager
    referral = referral_at(Status.ACCEPTED, client=program.client, by=cm)
    for other in (program.supervisor, program.teammate):
        with pytest.raises(UndoRefused, match="Only the person who recorded"):
            services.referral_undo_step(referral=referral, by=other, reason="Not mine")
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_an_offer_has_no_step_to_undo(program, clock):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    with pytest.raises(UndoRefused, match="no step to undo"):
        services.referral_undo_step(referral=referral, by=program.case_manager, reason="x")


def test_undoing_the_decision_restores_the_clients_words_and_follow_up(program, clock):
    cm = program.case_manager
    today = timezone.localdate()
    referral = referral_at(
        Status.OFFERED, client=program.client, by=cm, follow_up_on=today + timedelta(days=3)
    )
    referral = services.referral_record_decision(
        referral=referral,
        accepted=True,
        by=cm,
        decision_note="Yes, next week.",
        follow_up_on=today + timedelta(days=20),
    )
    undone = services.referral_undo_step(referral=referral, by=cm, reason="Wrong client")
    assert undone.status == Status.OFFERED and undone.accepted_at is None
    assert undone.decision_note == "" and undone.follow_up_on == today + timedelta(days=3)
    assert undone.status_changed_by == cm


def test_undoing_the_appointment_step_takes_it_off_the_calendar(program, clock):
    cm = program.case_manager
    referral = referral_at(Status.SENT, client=program.client, by=cm)
    when = timezone.now() + timedelta(days=2)
    referral = services.referral_move(
        referral=referral, to=Status.SCHEDULED, by=cm, appointment_at=when, appointment_place="Here"
    )
    assert Appointment.objects.filter(referral=referral).count() == 1
    undone = services.referral_undo_step(referral=referral, by=cm, reason="Not booked yet")
    assert undone.status == Status.SENT and undone.appointment_at is None
    assert not Appointment.objects.filter(referral=referral).exists()


def test_undoing_a_step_opens_again_the_follow_up_it_closed(program, clock):
    cm = program.case_manager
    today = timezone.localdate()
    referral = referral_at(Status.OFFERED, client=program.client, by=cm, follow_up_on=today)
    reminder_services.reminders_generate()
    follow_up = Reminder.objects.get(kind=Kind.REFERRAL_FOLLOW_UP)
    referral = services.referral_record_decision(referral=referral, accepted=False, by=cm)
    follow_up.refresh_from_db()
    assert follow_up.state == Reminder.State.RESOLVED
    services.referral_undo_step(referral=referral, by=cm, reason="Recorded by mistake")
    follow_up.refresh_from_db()
    assert follow_up.state == Reminder.State.OPEN and follow_up.closed_at is None


# The pages ------------------------------------------------------------------------------


def test_referral_page_offers_the_undo_to_its_maker_only_and_only_in_time(program, login, clock):
    cm = program.case_manager
    referral = referral_at(Status.ACCEPTED, client=program.client, by=cm)
    undo_url = referral_url("undo", referral)
    assert undo_url in login(cm).get(referral_url("detail", referral)).content.decode()
    assert (
        undo_url
        not in login(program.supervisor).get(referral_url("detail", referral)).content.decode()
    )
    clock.shift(timedelta(minutes=11))
    assert undo_url not in login(cm).get(referral_url("detail", referral)).content.decode()


def test_undo_page_takes_the_step_back_with_a_reason(program, login, clock):
    cm = program.case_manager
    referral = referral_at(Status.ACCEPTED, client=program.client, by=cm)
    browser = login(cm)
    page = browser.get(referral_url("undo", referral))
    assert page.status_code == 200 and "Why undo it?" in page.content.decode()
    response = browser.post(referral_url("undo", referral), {"reason": "mistake", "note": "tap"})
    assert response.status_code == 302
    assert response["Location"] == referral_url("detail", referral)
    referral.refresh_from_db()
    assert referral.status == Status.OFFERED
    reason = referral.history.latest().history_change_reason
    assert reason == "Undone: “Accepted” (Recorded by mistake: tap)"


def test_undo_page_without_a_reason_shows_the_error_and_keeps_the_step(program, login, clock):
    referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    response = login(program.case_manager).post(referral_url("undo", referral), {})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


@pytest.mark.parametrize("method", ["get", "post"])
def test_undo_page_refuses_someone_elses_step_and_a_late_one(program, login, clock, method):
    referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    response = getattr(login(program.supervisor), method)(
        referral_url("undo", referral), {"reason": "mistake"}
    )
    assert response.status_code == 302
    assert response["Location"] == referral_url("detail", referral)
    clock.shift(timedelta(minutes=11))
    response = getattr(login(program.case_manager), method)(
        referral_url("undo", referral), {"reason": "mistake"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


@pytest.mark.parametrize("person", ["case_manager", "teammate", "supervisor", "other_supervisor"])
def test_undo_page_of_a_referral_out_of_scope_is_404(program, login, clock, person):
    referral = referral_at(
        Status.ACCEPTED, client=program.other_client, by=program.other_case_manager
    )
    if person == "other_supervisor":
        referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    browser = login(getattr(program, person))
    assert browser.get(referral_url("undo", referral)).status_code == 404
    assert browser.post(referral_url("undo", referral), {"reason": "mistake"}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED


def test_undo_page_is_403_for_an_auditor(program, login, clock):
    referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    browser = login(program.auditor)
    assert browser.get(referral_url("undo", referral)).status_code == 403
    assert browser.post(referral_url("undo", referral), {"reason": "mistake"}).status_code == 403
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
