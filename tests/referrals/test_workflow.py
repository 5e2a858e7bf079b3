"""The referral workflow: every step allowed and refused, consent before sending, history."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from referrals import services
from referrals.models import Referral, ServiceType

from .factories import ProviderFactory, consent_for, referral_at

pytestmark = pytest.mark.django_db

Status = Referral.Status
ALLOWED = [(start, to) for start, targets in Referral.TRANSITIONS.items() for to in targets]
REFUSED = [
    (start, to) for start in Status for to in Status if to not in Referral.TRANSITIONS[start]
]


def move(referral, to, by):
    extra = {"close_reason": Referral.CloseReason.CLIENT_WITHDREW} if to == Status.CLOSED else {}
    return services.referral_move(referral=referral, to=to, by=by, **extra)


def test_transition_table_is_the_issue_workflow():
    assert set(ALLOWED) == {
        (Status.OFFERED, Status.ACCEPTED),
        (Status.OFFERED, Status.DECLINED),
        (Status.ACCEPTED, Status.SENT),
        (Status.SENT, Status.SCHEDULED),
        (Status.SCHEDULED, Status.ENGAGED),
        (Status.ENGAGED, Status.COMPLETED),
    } | {(status, Status.CLOSED) for status in Referral.OPEN}
    for final in (Status.DECLINED, Status.COMPLETED, Status.CLOSED):
        assert Referral.TRANSITIONS[final] == ()


@pytest.mark.parametrize(("start", "to"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_every_allowed_step_records_its_date_and_the_acting_user(program, start, to):
    referral = referral_at(start, client=program.client, by=program.case_manager)
    if to == Status.SENT:
        consent_for(program.client, referral.provider, by=program.case_manager)
    before = referral.version
    moved_at = timezone.now() + timedelta(hours=1)
    with time_machine.travel(moved_at, tick=False):
        referral = move(referral, to, program.supervisor)

    referral.refresh_from_db()
    assert referral.status == to
    assert getattr(referral, Referral.STEP_DATE_FIELDS[to]) == moved_at
    assert referral.status_changed_by == program.supervisor
    assert referral.version == before + 1
    latest = referral.history.latest()
    assert latest.history_user == program.supervisor
    assert latest.status == to
    assert latest.history_change_reason


@pytest.mark.parametrize(("start", "to"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_every_other_step_is_refused_and_changes_nothing(program, start, to):
    referral = referral_at(start, client=program.client, by=program.case_manager)
    consent_for(program.client, referral.provider, by=program.case_manager)
    history_rows = referral.history.count()
    snapshot = Referral.objects.values().get(pk=referral.pk)

    with pytest.raises(services.TransitionError) as refusal:
        move(referral, to, program.case_manager)

    assert "Nothing was changed" in refusal.value.message
    assert Referral.objects.values().get(pk=referral.pk) == snapshot
    assert referral.history.count() == history_rows


def test_final_statuses_are_explained_as_final(program):
    referral = referral_at(Status.DECLINED, client=program.client, by=program.case_manager)
    with pytest.raises(services.TransitionError, match="final"):
        move(referral, Status.ACCEPTED, program.case_manager)


def test_a_second_identical_click_is_refused(program):
    referral = referral_at(Status.SENT, client=program.client, by=program.case_manager)
    move(referral, Status.SCHEDULED, program.case_manager)
    with pytest.raises(services.TransitionError, match="already"):
        move(referral, Status.SCHEDULED, program.case_manager)
    assert referral.history.filter(status=Status.SCHEDULED).count() == 1


def test_sending_without_any_consent_is_refused(program):
    referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    with pytest.raises(services.TransitionError, match="no current release of information"):
        move(referral, Status.SENT, program.case_manager)
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED and referral.sent_at is None


def test_sending_under_an_expired_consent_is_refused(program):
    referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    today = timezone.localdate()
    consent_for(
        program.client,
        referral.provider,
        by=program.case_manager,
        signed_on=today - timedelta(days=400),
        expires_on=today - timedelta(days=1),
    )
    with pytest.raises(services.TransitionError):
        move(referral, Status.SENT, program.case_manager)
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_sending_under_a_revoked_consent_is_refused(program):
    referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    consent = consent_for(program.client, referral.provider, by=program.case_manager)
    services.consent_revoke(
        consent=consent, revoked_on=timezone.localdate(), revoked_by=program.case_manager
    )
    with pytest.raises(services.TransitionError):
        move(referral, Status.SENT, program.case_manager)
    assert Referral.objects.get(pk=referral.pk).status == Status.ACCEPTED


def test_consent_for_another_provider_or_client_does_not_count(program):
    referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    consent_for(program.client, ProviderFactory(), by=program.case_manager)
    consent_for(program.teammate_client, referral.provider, by=program.teammate)
    with pytest.raises(services.TransitionError):
        move(referral, Status.SENT, program.case_manager)


def test_sending_keeps_the_consent_it_was_sent_under(program):
    referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    consent = consent_for(program.client, referral.provider, by=program.case_manager)
    referral = move(referral, Status.SENT, program.case_manager)
    assert referral.consent == consent
    assert "release signed" in referral.history.latest().history_change_reason
    assert list(consent.referrals.all()) == [referral]


def test_closing_needs_a_reason_and_records_it(program):
    referral = referral_at(Status.SCHEDULED, client=program.client, by=program.case_manager)
    with pytest.raises(services.TransitionError, match="why"):
        services.referral_move(referral=referral, to=Status.CLOSED, by=program.case_manager)
    referral = services.referral_close(
        referral=referral,
        by=program.case_manager,
        close_reason=Referral.CloseReason.PROVIDER_COULD_NOT_SERVE,
        outcome_note="Waiting list closed.",
    )
    assert referral.status == Status.CLOSED
    assert referral.close_reason == Referral.CloseReason.PROVIDER_COULD_NOT_SERVE
    assert referral.outcome_note == "Waiting list closed."
    assert referral.history.latest().history_change_reason == (
        "Closed: The provider could not serve"
    )


def test_decline_records_the_clients_words(program):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    referral = services.referral_record_decision(
        referral=referral, accepted=False, by=program.case_manager, decision_note="Not now."
    )
    assert referral.status == Status.DECLINED
    assert referral.decision_note == "Not now."
    assert referral.declined_at is not None
    assert referral.history.latest().history_change_reason == "The client chose not to go ahead"


def test_history_shows_each_step_with_the_acting_user(program):
    referral = referral_at(Status.COMPLETED, client=program.client, by=program.case_manager)
    rows = list(referral.history.order_by("history_date", "history_id"))
    assert [row.status for row in rows] == [
        Status.OFFERED,
        Status.ACCEPTED,
        Status.SENT,
        Status.SCHEDULED,
        Status.ENGAGED,
        Status.COMPLETED,
    ]
    assert {row.history_user for row in rows} == {program.case_manager}
    assert all(row.history_change_reason for row in rows)


def test_same_service_may_be_offered_again_later(program):
    provider = ProviderFactory()
    first = referral_at(
        Status.DECLINED, client=program.client, by=program.case_manager, provider=provider
    )
    again = referral_at(
        Status.OFFERED, client=program.client, by=program.case_manager, provider=provider
    )
    assert first.pk != again.pk
    assert program.client.referrals.filter(provider=provider).count() == 2


def test_offer_refuses_a_provider_that_does_not_offer_the_service(program):
    provider = ProviderFactory(offers_mental_health=True)
    with pytest.raises(ValidationError, match="does not offer substance use"):
        services.referral_offer(
            client=program.client,
            provider=provider,
            service_type=ServiceType.SUBSTANCE_USE,
            requested_by=Referral.RequestedBy.CLIENT,
            offered_by=program.case_manager,
        )
    assert not Referral.objects.exists()


def test_offer_refuses_an_inactive_provider(program):
    provider = ProviderFactory(is_active=False)
    with pytest.raises(ValidationError, match="not active"):
        services.referral_offer(
            client=program.client,
            provider=provider,
            service_type=ServiceType.MENTAL_HEALTH,
            requested_by=Referral.RequestedBy.CLIENT,
            offered_by=program.case_manager,
        )
    assert not Referral.objects.exists()


def test_follow_up_due_and_overdue(program):
    today = timezone.localdate()
    overdue = referral_at(
        Status.SENT,
        client=program.client,
        by=program.case_manager,
        follow_up_on=today - timedelta(days=1),
    )
    due = referral_at(
        Status.OFFERED,
        client=program.client,
        by=program.case_manager,
        follow_up_on=today + timedelta(days=3),
    )
    referral_at(
        Status.OFFERED,
        client=program.client,
        by=program.case_manager,
        follow_up_on=today + timedelta(days=30),
    )
    finished = referral_at(
        Status.OFFERED,
        client=program.client,
        by=program.case_manager,
        follow_up_on=today - timedelta(days=5),
    )
    services.referral_move(referral=finished, to=Status.DECLINED, by=program.case_manager)
    assert list(Referral.objects.follow_up_overdue()) == [overdue]
    assert list(Referral.objects.follow_up_due()) == [due]
