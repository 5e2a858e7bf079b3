"""A step a colleague took first is refused without losing what the person typed.

Each form below is sent after the step was already taken (a decision or close recorded, a
release revoked, a move-in or exit recorded, a placement opened, a cover ended): the answer
is the same form, with the person's entries and the reason, status 409, and nothing saved.
Opening such a form (GET), with nothing typed yet, still goes back to the record.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.models import Cover
from clients.services import cover_end
from housingfirst.refusals import KEPT_ENTRIES
from placements.models import Placement
from referrals import services as referral_services
from referrals.models import Consent, Referral

from .caseloads.factories import cover
from .placements.factories import PlacementFactory, housed
from .referrals.factories import ProviderFactory, consent_for, referral_at

pytestmark = pytest.mark.django_db

Status = Referral.Status
TYPED = "Said she would rather start with the food bank; call back Tuesday."


def referral_url(name, referral):
    return reverse(
        f"client_referrals:{name}",
        kwargs={"client_id": referral.client_id, "referral_id": referral.pk},
    )


def assert_kept(response, reason, *entries):
    assert response.status_code == 409
    html = response.content.decode()
    assert reason in html and KEPT_ENTRIES in html
    assert 'role="alert"' in html
    for entry in entries:
        assert entry in html
    assert 'type="submit" class="button primary"' not in html  # not to be sent again


def test_decision_recorded_by_a_colleague_keeps_the_typed_note(program, login):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    referral_services.referral_move(referral=referral, to=Status.DECLINED, by=program.teammate)

    response = login(program.case_manager).post(
        referral_url("decision", referral), {"decision": "accepted", "decision_note": TYPED}
    )

    assert_kept(response, "decision on this referral is already recorded", TYPED)
    assert Referral.objects.get().status == Status.DECLINED
    assert response.context["form"]["decision"].value() == "accepted"


def test_decision_taken_between_check_and_save_keeps_the_typed_note(program, login, monkeypatch):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    record_decision = referral_services.referral_record_decision

    def colleague_first(**kwargs):
        colleague = Referral.objects.get(pk=kwargs["referral"].pk)
        referral_services.referral_move(referral=colleague, to=Status.DECLINED, by=program.teammate)
        return record_decision(**kwargs)

    monkeypatch.setattr(referral_services, "referral_record_decision", colleague_first)
    response = login(program.case_manager).post(
        referral_url("decision", referral), {"decision": "accepted", "decision_note": TYPED}
    )

    assert_kept(response, "Nothing was changed", TYPED)
    assert Referral.objects.get().status == Status.DECLINED


def test_close_recorded_by_a_colleague_keeps_the_typed_note(program, login):
    referral = referral_at(Status.SENT, client=program.client, by=program.case_manager)
    referral_services.referral_close(
        referral=referral, by=program.teammate, close_reason=Referral.CloseReason.LOST_CONTACT
    )

    response = login(program.case_manager).post(
        referral_url("close", referral),
        {"close_reason": "provider_could_not_serve", "outcome_note": TYPED},
    )

    assert_kept(response, "Nothing was changed", TYPED)
    referral.refresh_from_db()
    assert referral.close_reason == Referral.CloseReason.LOST_CONTACT
    assert referral.outcome_note != TYPED


def test_opening_the_form_of_a_step_already_taken_goes_back_to_the_record(program, login):
    referral = referral_at(Status.DECLINED, client=program.client, by=program.case_manager)
    response = login(program.case_manager).get(referral_url("decision", referral))
    assert response.status_code == 302 and response.url == referral_url("detail", referral)


def revoke_url(consent):
    return reverse(
        "client_referrals:consent_revoke",
        kwargs={"client_id": consent.client_id, "consent_id": consent.pk},
    )


def test_release_revoked_by_a_colleague_keeps_the_typed_note(program, login):
    consent = consent_for(program.client, ProviderFactory(), by=program.case_manager)
    today = timezone.localdate()
    referral_services.consent_revoke(consent=consent, revoked_on=today, revoked_by=program.teammate)

    response = login(program.case_manager).post(
        revoke_url(consent), {"revoked_on": today.isoformat(), "note": TYPED}
    )

    assert_kept(response, "already revoked", TYPED)
    assert Consent.objects.get().revoked_by == program.teammate


def test_release_revoked_between_check_and_save_keeps_the_typed_note(program, login, monkeypatch):
    consent = consent_for(program.client, ProviderFactory(), by=program.case_manager)
    today = timezone.localdate()
    revoke = referral_services.consent_revoke

    def colleague_first(**kwargs):
        revoke(consent=Consent.objects.get(), revoked_on=today, revoked_by=program.teammate)
        return revoke(**kwargs)

    monkeypatch.setattr(referral_services, "consent_revoke", colleague_first)
    response = login(program.case_manager).post(
        revoke_url(consent), {"revoked_on": today.isoformat(), "note": TYPED}
    )

    assert_kept(response, "already revoked", TYPED)
    assert Consent.objects.get().revoked_by == program.teammate


def test_move_in_recorded_by_a_colleague_keeps_the_typed_address(program, login):
    placement = PlacementFactory(client=program.client)
    opened_version = placement.version
    today = timezone.localdate()
    placement.move_in_date = today - timedelta(days=1)
    placement.lease_start = placement.move_in_date
    placement.save()  # the colleague's move-in

    response = login(program.case_manager).post(
        reverse("placements:placement_move_in", args=[program.client.pk, placement.pk]),
        {
            "version": opened_version,
            "move_in_date": today.isoformat(),
            "address": "77 Typed Avenue, Apt 3",
            "lease_start": today.isoformat(),
        },
    )

    assert_kept(response, "already has a move-in date", "77 Typed Avenue, Apt 3")
    placement.refresh_from_db()
    assert placement.address != "77 Typed Avenue, Apt 3"


def test_exit_recorded_by_a_colleague_keeps_the_typed_note(program, login):
    placement = housed(program.client, date(2025, 1, 1), exit_date=date(2025, 2, 1))

    response = login(program.case_manager).post(
        reverse("placements:placement_exit", args=[program.client.pk, placement.pk]),
        {
            "version": placement.version,
            "exit_date": "2025-02-03",
            "exit_reason": Placement.ExitReason.UNIT_UNAVAILABLE,
            "exit_destination": 313,
            "exit_note": TYPED,
        },
    )

    assert_kept(response, "exit is already recorded", TYPED)
    placement.refresh_from_db()
    assert placement.exit_note != TYPED


def test_placement_opened_by_a_colleague_keeps_the_typed_landlord(program, login):
    PlacementFactory(client=program.client)  # opened by a colleague while this form was open

    response = login(program.case_manager).post(
        reverse("placements:placement_create", args=[program.client.pk]),
        {"search_started_on": timezone.localdate().isoformat(), "landlord_name": "Typed Homes"},
    )

    assert_kept(response, "already has an open placement", "Typed Homes")
    assert program.client.placements.count() == 1


def test_cover_ended_by_a_colleague_keeps_the_typed_reason(program, login):
    today = timezone.localdate()
    arranged = cover(program, starts_on=today, ends_on=today + timedelta(days=10))
    cover_end(cover=arranged, reason="Back on Monday", by=program.supervisor)

    response = login(program.supervisor).post(
        reverse("caseloads:cover_end", args=[arranged.pk]), {"reason": TYPED}
    )

    assert_kept(response, "already ended", TYPED)
    assert Cover.objects.get().end_reason == "Back on Monday"
