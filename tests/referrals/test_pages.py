"""The referral pages as a case manager uses them: offer, decide, advance, close, consent."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Consent, Provider, Referral, ServiceType

from .factories import ProviderFactory, consent_for, referral_at

pytestmark = pytest.mark.django_db

Status = Referral.Status


# The "appointment scheduled" step's form: a day ahead, so never in the past.
APPOINTMENT = {"day": "2099-05-04", "time": "10:30", "place": "Harbor clinic, 2nd floor"}


def referral_url(name, referral):
    return reverse(
        f"client_referrals:{name}",
        kwargs={"client_id": referral.client_id, "referral_id": referral.pk},
    )


def client_page(browser, client):
    response = browser.get(reverse("clients:detail", args=[client.pk]))
    assert response.status_code == 200
    return response.content.decode()


def referral_section(html):
    match = re.search(
        r'<section class="card" aria-labelledby="referrals-heading">.*?</section>', html, re.S
    )
    assert match, "the client page has a referral section"
    return match.group(0)


def test_offer_a_referral_from_the_client_page(program, login):
    provider = ProviderFactory(name="WorkSource", offers_employment=True)
    browser = login(program.case_manager)
    assert "Offer a referral" in client_page(browser, program.client)
    follow_up = timezone.localdate() + timedelta(days=10)
    response = browser.post(
        reverse("client_referrals:offer", kwargs={"client_id": program.client.pk}),
        {
            "service_type": "employment",
            "provider": provider.pk,
            "requested_by": "client",
            "client_goal": "Part-time work near the bus line.",
            "follow_up_on": follow_up.isoformat(),
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == referral_url("detail", referral)
    assert referral.client == program.client
    assert referral.status == Status.OFFERED
    assert referral.offered_by == program.case_manager
    assert referral.requested_by == Referral.RequestedBy.CLIENT
    assert referral.follow_up_on == follow_up
    assert referral.history.get().history_user == program.case_manager


def test_record_a_decline_and_see_it_neutrally_on_the_client_page(program, login):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    browser = login(program.case_manager)
    response = browser.post(
        referral_url("decision", referral),
        {"decision": "declined", "decision_note": "Maybe after the holidays."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED
    assert referral.status_changed_by == program.case_manager

    section = referral_section(client_page(browser, program.client))
    declined_on = timezone.localdate(referral.declined_at).isoformat()
    assert f"Declined on {declined_on} — the client chose not to go ahead" in section
    assert "Maybe after the holidays." in section
    for judgemental in (
        "overdue",
        "danger",
        "warning",
        "error",
        "refused",
        "failed",
        "non-compliant",
    ):
        assert judgemental not in section.lower(), judgemental


def test_accept_then_advance_one_click_per_step(program, login):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    browser = login(program.case_manager)
    browser.post(referral_url("decision", referral), {"decision": "accepted"})
    consent_for(program.client, referral.provider, by=program.case_manager)
    for step in (Status.SENT, Status.SCHEDULED, Status.ENGAGED, Status.COMPLETED):
        detail = browser.get(referral_url("detail", referral)).content.decode()
        if step == Status.SCHEDULED:  # the appointment's date, time and place, on their page
            assert referral_url("schedule", referral) in detail
            response = browser.post(referral_url("schedule", referral), APPOINTMENT)
        else:
            assert f'name="to" value="{step}"' in detail
            response = browser.post(referral_url("advance", referral), {"to": step})
        assert response.status_code == 302
        referral.refresh_from_db()
        assert referral.status == step
    detail = browser.get(referral_url("detail", referral)).content.decode()
    assert 'name="to"' not in detail and "Close referral" not in detail


def test_without_consent_the_next_step_is_recording_a_release_then_back_to_the_referral(
    program, login
):
    referral = referral_at(Status.ACCEPTED, client=program.client, by=program.case_manager)
    browser = login(program.case_manager)
    detail = browser.get(referral_url("detail", referral)).content.decode()
    assert "must be on record" in detail
    consent_url = (
        reverse("client_referrals:consent_new", kwargs={"client_id": program.client.pk})
        + f"?provider={referral.provider_id}&amp;referral={referral.pk}"
    )
    assert consent_url in detail and "Record a release now" in detail
    # "Mark as sent" is not offered before the release is on record.
    assert 'name="to" value="sent"' not in detail
    # A "sent" posted anyway (an old page) leads to the release form, nothing changed.
    response = browser.post(referral_url("advance", referral), {"to": "sent"})
    assert response.status_code == 302
    assert response["Location"] == consent_url.replace("&amp;", "&")
    referral.refresh_from_db()
    assert referral.status == Status.ACCEPTED
    today = timezone.localdate()
    response = browser.post(
        consent_url.replace("&amp;", "&"),
        {
            "provider": referral.provider_id,
            "purpose": "Contact details.",
            "signed_on": today.isoformat(),
            "expires_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == referral_url("detail", referral)
    detail = browser.get(referral_url("detail", referral)).content.decode()
    assert 'name="to" value="sent"' in detail and "Record a release now" not in detail


def test_after_the_clients_decision_the_person_stays_on_the_referral(program, login):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    response = login(program.case_manager).post(
        referral_url("decision", referral), {"decision": "accepted"}
    )
    assert response.status_code == 302
    assert response["Location"] == referral_url("detail", referral)


def test_release_form_from_a_referral_out_of_sight_goes_back_to_the_client(program, login):
    other = referral_at(Status.ACCEPTED, client=program.other_client, by=program.other_case_manager)
    today = timezone.localdate()
    response = login(program.case_manager).post(
        reverse("client_referrals:consent_new", kwargs={"client_id": program.client.pk})
        + f"?referral={other.pk}",
        {
            "provider": other.provider_id,
            "purpose": "Contact details.",
            "signed_on": today.isoformat(),
            "expires_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:detail", args=[program.client.pk])


def test_double_click_advances_once(program, login):
    referral = referral_at(Status.SENT, client=program.client, by=program.case_manager)
    browser = login(program.case_manager)
    browser.post(referral_url("schedule", referral), APPOINTMENT)
    response = browser.post(referral_url("schedule", referral), APPOINTMENT, follow=True)
    assert "already" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.SCHEDULED
    assert referral.history.filter(status=Status.SCHEDULED).count() == 1


def test_close_with_a_reason(program, login):
    referral = referral_at(Status.SENT, client=program.client, by=program.case_manager)
    browser = login(program.case_manager)
    response = browser.post(
        referral_url("close", referral),
        {"close_reason": "provider_could_not_serve", "outcome_note": "Waiting list closed."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED
    assert referral.outcome_note == "Waiting list closed."
    assert "the provider could not serve" in client_page(browser, program.client)


def test_decision_page_of_a_decided_referral_goes_back_to_it(program, login):
    referral = referral_at(Status.DECLINED, client=program.client, by=program.case_manager)
    response = login(program.case_manager).post(
        referral_url("decision", referral), {"decision": "accepted"}, follow=True
    )
    assert "already recorded" in response.content.decode()
    assert Referral.objects.get().status == Status.DECLINED


def test_notes_edit_opened_before_a_step_merges_with_it(program, login):
    referral = referral_at(Status.SENT, client=program.client, by=program.case_manager)
    browser = login(program.case_manager)
    next_week = (timezone.localdate() + timedelta(days=7)).isoformat()
    opened_at = referral.version
    browser.post(referral_url("schedule", referral), APPOINTMENT)
    response = browser.post(
        referral_url("edit", referral),
        {"follow_up_on": next_week, "outcome_note": "Called.", "version": opened_at},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome_note) == (Status.SCHEDULED, "Called.")

    stale = browser.post(
        referral_url("edit", referral),
        {"follow_up_on": next_week, "outcome_note": "Called twice.", "version": opened_at},
    )
    assert stale.status_code == 200  # both notes changed since that version: choose one
    assert "Someone else saved this record" in stale.content.decode()
    response = browser.post(
        referral_url("edit", referral),
        {
            "follow_up_on": next_week,
            "outcome_note": "Called twice.",
            "version": opened_at,
            "keep_outcome_note": "yours",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome_note == "Called twice."
    assert referral.follow_up_on.isoformat() == next_week


def test_record_and_revoke_consent(program, login):
    provider = ProviderFactory(name="Harbor MH")
    browser = login(program.case_manager)
    today = timezone.localdate()
    response = browser.post(
        reverse("client_referrals:consent_new", kwargs={"client_id": program.client.pk}),
        {
            "provider": provider.pk,
            "purpose": "Contact details.",
            "signed_on": today.isoformat(),
            "expires_on": (today + timedelta(days=365)).isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get()
    assert consent.recorded_by == program.case_manager and consent.client == program.client
    section = referral_section(client_page(browser, program.client))
    assert "Harbor MH" in section

    revoke = reverse(
        "client_referrals:consent_revoke",
        kwargs={"client_id": program.client.pk, "consent_id": consent.pk},
    )
    assert browser.post(revoke, {"revoked_on": today.isoformat()}).status_code == 302
    consent.refresh_from_db()
    assert consent.revoked_on == today and consent.revoked_by == program.case_manager
    assert "Harbor MH" not in referral_section(client_page(browser, program.client))
    consents = browser.get(
        reverse("client_referrals:consents", kwargs={"client_id": program.client.pk})
    ).content.decode()
    assert f"Revoked on {today.isoformat()}" in consents
    assert Consent.objects.count() == 1


def test_referral_list_filters(program, login):
    today = timezone.localdate()
    overdue = referral_at(
        Status.SENT,
        client=program.client,
        by=program.case_manager,
        follow_up_on=today - timedelta(days=2),
    )
    due = referral_at(
        Status.OFFERED,
        client=program.client,
        by=program.case_manager,
        service_type=ServiceType.EMPLOYMENT,
        follow_up_on=today + timedelta(days=2),
    )
    declined = referral_at(Status.DECLINED, client=program.client, by=program.case_manager)
    browser = login(program.case_manager)

    def listed(**params):
        response = browser.get(reverse("referrals:list"), params)
        assert response.status_code == 200
        return {referral.pk for referral in response.context["page"].object_list}

    assert listed() == {overdue.pk, due.pk, declined.pk}
    assert listed(status="declined") == {declined.pk}
    assert listed(status="open") == {overdue.pk, due.pk}
    assert listed(service_type="employment") == {due.pk}
    assert listed(follow_up="overdue") == {overdue.pk}
    assert listed(follow_up="due") == {due.pk}
    assert listed(status="bogus") == {overdue.pk, due.pk, declined.pk}  # shown with an error


def test_referral_list_paginates_and_keeps_filters(program, login):
    provider = ProviderFactory()
    for _ in range(30):
        referral_at(
            Status.OFFERED, client=program.client, by=program.case_manager, provider=provider
        )
    response = login(program.case_manager).get(reverse("referrals:list"), {"status": "offered"})
    assert len(response.context["page"].object_list) == 25
    assert "?status=offered&amp;page=2" in response.content.decode()


def test_nav_shows_referrals_to_case_managers_and_supervisors_only(program, login):
    for person, shown in [
        (program.case_manager, True),
        (program.supervisor, True),
        (program.auditor, False),
    ]:
        html = login(person).get("/").content.decode()
        assert ('href="/referrals/"' in html) is shown, person


def test_supervisor_adds_and_edits_a_provider(program, login):
    browser = login(program.supervisor)
    response = browser.post(
        reverse("referrals:provider_new"),
        {"name": "Bridgeway", "services": ["substance_use", "mental_health"], "is_active": "on"},
    )
    assert response.status_code == 302
    provider = Provider.objects.get()
    assert provider.service_types == ["mental_health", "substance_use"]
    response = browser.post(
        reverse("referrals:provider_edit", args=[provider.pk]),
        {"name": "Bridgeway Recovery", "services": ["substance_use"], "version": provider.version},
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Bridgeway Recovery"
    assert provider.service_types == ["substance_use"] and not provider.is_active
    assert provider.history.count() == 2
    assert provider.history.latest().history_user == program.supervisor


def provider_options(html):
    """{provider name: shown} from the offer page's provider list."""
    options = re.findall(r"<option value=\"(\d+)\"([^>]*)>([^<—]+)", html)
    return {label.strip(): "hidden" not in attrs for _, attrs, label in options}


def test_offer_page_lists_providers_of_the_chosen_service_with_their_services(program, login):
    ProviderFactory(name="Harbor Counseling")
    ProviderFactory(name="WorkSource", offers_mental_health=False, offers_employment=True)
    browser = login(program.case_manager)
    url = reverse("client_referrals:offer", kwargs={"client_id": program.client.pk})
    page = browser.get(url).content.decode()
    assert provider_options(page) == {"Harbor Counseling": True, "WorkSource": True}
    assert 'data-services="employment"' in page and "provider-filter.js" in page
    page = browser.get(url + "?service=employment").content.decode()
    assert provider_options(page) == {"Harbor Counseling": False, "WorkSource": True}


def test_show_providers_without_javascript_keeps_the_entries_and_saves_nothing(program, login):
    ProviderFactory(name="Harbor Counseling")
    ProviderFactory(name="WorkSource", offers_mental_health=False, offers_employment=True)
    response = login(program.case_manager).post(
        reverse("client_referrals:offer", kwargs={"client_id": program.client.pk}),
        {"service_type": "employment", "client_goal": "Work near home", "show_providers": "1"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert provider_options(page) == {"Harbor Counseling": False, "WorkSource": True}
    assert "Work near home" in page and not response.context["form"].errors
    assert not Referral.objects.exists()


def test_a_provider_of_another_service_is_refused_with_one_error(program, login):
    harbor = ProviderFactory(name="Harbor Counseling")
    response = login(program.case_manager).post(
        reverse("client_referrals:offer", kwargs={"client_id": program.client.pk}),
        {"service_type": "employment", "provider": harbor.pk, "requested_by": "client"},
    )
    assert response.status_code == 200
    assert len(response.context["form"].errors["provider"]) == 1
    assert not Referral.objects.exists()
