"""Who may open which referral page: in and out of caseload, substance use, every role."""

import pytest
from django.urls import reverse

from clients import services as client_services
from referrals.models import Consent, Referral, ServiceType

from .factories import ProviderFactory, consent_for, referral_at, substance_use_provider

pytestmark = pytest.mark.django_db

Status = Referral.Status

REFERRAL_PAGES = ["detail", "decision", "close", "edit"]
CONSENT_PAGES = ["consent_detail", "consent_revoke"]


def referral_url(name, referral, client=None):
    client = client or referral.client
    return reverse(
        f"client_referrals:{name}", kwargs={"client_id": client.pk, "referral_id": referral.pk}
    )


def consent_url(name, consent, client=None):
    client = client or consent.client
    return reverse(
        f"client_referrals:{name}", kwargs={"client_id": client.pk, "consent_id": consent.pk}
    )


def client_url(name, client):
    return reverse(f"client_referrals:{name}", kwargs={"client_id": client.pk})


@pytest.fixture
def other_referral(program):
    return referral_at(Status.OFFERED, client=program.other_client, by=program.other_case_manager)


@pytest.fixture
def other_consent(program):
    return consent_for(program.other_client, ProviderFactory(), by=program.other_case_manager)


@pytest.fixture
def substance_use_referral(program):
    return referral_at(
        Status.OFFERED,
        client=program.client,
        by=program.case_manager,
        provider=substance_use_provider(name="Riverside Harm Reduction"),
        service_type=ServiceType.SUBSTANCE_USE,
    )


@pytest.mark.parametrize("page", REFERRAL_PAGES)
def test_case_manager_opens_own_clients_referral(program, login, page):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    assert login(program.case_manager).get(referral_url(page, referral)).status_code == 200


@pytest.mark.parametrize("person", ["case_manager", "teammate", "supervisor"])
@pytest.mark.parametrize("page", REFERRAL_PAGES)
def test_out_of_caseload_referral_is_404_on_every_page(
    program, login, other_referral, person, page
):
    browser = login(getattr(program, person))
    assert browser.get(referral_url(page, other_referral)).status_code == 404
    assert browser.post(referral_url(page, other_referral), {}).status_code == 404


@pytest.mark.parametrize("person", ["case_manager", "teammate", "supervisor"])
def test_out_of_caseload_advance_is_404_and_changes_nothing(program, login, person):
    referral = referral_at(Status.SENT, client=program.other_client, by=program.other_case_manager)
    response = login(getattr(program, person)).post(
        referral_url("advance", referral), {"to": Status.SCHEDULED}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.SENT


def test_referral_under_another_clients_address_is_404(program, login):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    browser = login(program.supervisor)
    # Both clients are the supervisor's, but the referral is not the teammate client's.
    assert browser.get(referral_url("detail", referral, program.teammate_client)).status_code == 404


@pytest.mark.parametrize("person", ["case_manager", "teammate", "supervisor"])
@pytest.mark.parametrize("page", CONSENT_PAGES)
def test_out_of_caseload_consent_is_404(program, login, other_consent, person, page):
    browser = login(getattr(program, person))
    assert browser.get(consent_url(page, other_consent)).status_code == 404
    response = browser.post(consent_url(page, other_consent), {"revoked_on": "2026-01-01"})
    assert response.status_code == 404
    other_consent.refresh_from_db()
    assert other_consent.revoked_on is None


@pytest.mark.parametrize("page", ["offer", "consents", "consent_new"])
def test_out_of_caseload_client_pages_are_404(program, login, page):
    browser = login(program.case_manager)
    assert browser.get(client_url(page, program.other_client)).status_code == 404
    assert browser.get(client_url(page, program.teammate_client)).status_code == 404


def test_supervisor_opens_referrals_of_the_whole_team(program, login):
    referral = referral_at(Status.OFFERED, client=program.teammate_client, by=program.teammate)
    assert login(program.supervisor).get(referral_url("detail", referral)).status_code == 200


def test_referral_list_shows_only_the_persons_caseload(program, login):
    own = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    teammate = referral_at(Status.OFFERED, client=program.teammate_client, by=program.teammate)
    other = referral_at(Status.OFFERED, client=program.other_client, by=program.other_case_manager)

    def listed(person):
        response = login(person).get(reverse("referrals:list"))
        assert response.status_code == 200
        return {referral.pk for referral in response.context["page"].object_list}

    assert listed(program.case_manager) == {own.pk}
    assert listed(program.supervisor) == {own.pk, teammate.pk}
    assert listed(program.other_supervisor) == {other.pk}


def test_substance_use_referral_is_seen_by_the_clients_team_only(
    program, login, substance_use_referral
):
    url = referral_url("detail", substance_use_referral)
    assert login(program.case_manager).get(url).status_code == 200
    assert login(program.supervisor).get(url).status_code == 200
    for outsider in (
        program.teammate,
        program.other_case_manager,
        program.other_supervisor,
        program.auditor,
        program.admin,
    ):
        assert login(outsider).get(url).status_code == 404, outsider


def test_covering_case_manager_sees_substance_use_referral(program, login, substance_use_referral):
    url = referral_url("detail", substance_use_referral)
    assert login(program.teammate).get(url).status_code == 404
    client_services.client_access_grant(
        client=program.client, user=program.teammate, reason="Cover during leave"
    )
    assert login(program.teammate).get(url).status_code == 200


def test_substance_use_records_are_left_out_of_the_auditors_client_page(
    program, login, substance_use_referral
):
    plain = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    consent_for(program.client, substance_use_referral.provider, by=program.case_manager)
    response = login(program.auditor).get(reverse("clients:detail", args=[program.client.pk]))
    assert response.status_code == 200
    section = response.context["referral_section"]
    assert section["referrals"] == [plain]
    assert section["consents"] == []
    assert "Riverside Harm Reduction" not in response.content.decode()


def test_protected_consent_is_hidden_from_outside_the_team(program, login):
    consent = consent_for(program.client, substance_use_provider(), by=program.case_manager)
    url = consent_url("consent_detail", consent)
    assert login(program.case_manager).get(url).status_code == 200
    assert login(program.supervisor).get(url).status_code == 200
    assert login(program.auditor).get(url).status_code == 404
    assert login(program.admin).get(url).status_code == 404
    listed = login(program.auditor).get(client_url("consents", program.client)).context["consents"]
    assert listed == []


def test_auditor_reads_plain_referrals_and_consents(program, login):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    consent = consent_for(program.client, ProviderFactory(), by=program.case_manager)
    browser = login(program.auditor)
    assert browser.get(referral_url("detail", referral)).status_code == 200
    assert browser.get(consent_url("consent_detail", consent)).status_code == 200
    assert browser.get(client_url("consents", program.client)).status_code == 200


def test_auditor_cannot_change_anything(program, login):
    referral = referral_at(Status.SENT, client=program.client, by=program.case_manager)
    offered = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    consent = Consent.objects.get()
    provider = referral.provider
    browser = login(program.auditor)
    attempts = [
        (client_url("offer", program.client), {"service_type": "mental_health"}),
        (client_url("consent_new", program.client), {"provider": provider.pk}),
        (referral_url("decision", offered), {"decision": "declined"}),
        (referral_url("advance", referral), {"to": Status.SCHEDULED}),
        (referral_url("close", referral), {"close_reason": "lost_contact"}),
        (referral_url("edit", referral), {"outcome_note": "x", "version": referral.version}),
        (consent_url("consent_revoke", consent), {"revoked_on": "2026-01-01"}),
        (reverse("referrals:provider_new"), {"name": "X", "services": ["other"]}),
        (reverse("referrals:provider_edit", args=[provider.pk]), {"name": "Renamed"}),
    ]
    for url, data in attempts:
        assert browser.get(url).status_code in (403, 405), url
        assert browser.post(url, data).status_code == 403, url
    assert Referral.objects.count() == 2
    assert Referral.objects.get(pk=referral.pk).status == Status.SENT
    assert Referral.objects.get(pk=offered.pk).status == Status.OFFERED
    assert Consent.objects.get().revoked_on is None
    provider.refresh_from_db()
    assert provider.name != "Renamed"


def test_auditor_has_no_referral_list(program, login):
    assert login(program.auditor).get(reverse("referrals:list")).status_code == 403


@pytest.mark.parametrize("person", ["supervisor", "admin"])
def test_supervisors_manage_providers(program, login, person):
    provider = ProviderFactory()
    browser = login(getattr(program, person))
    assert browser.get(reverse("referrals:providers")).status_code == 200
    assert browser.get(reverse("referrals:provider_new")).status_code == 200
    assert browser.get(reverse("referrals:provider_edit", args=[provider.pk])).status_code == 200


def test_case_managers_do_not_manage_providers(program, login):
    provider = ProviderFactory()
    browser = login(program.case_manager)
    assert browser.get(reverse("referrals:providers")).status_code == 403
    assert browser.post(reverse("referrals:provider_new"), {"name": "X"}).status_code == 403
    assert browser.get(reverse("referrals:provider_edit", args=[provider.pk])).status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/referrals/", "/referrals/providers/"],
)
def test_anonymous_is_sent_to_sign_in(db, client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_anonymous_is_sent_to_sign_in_from_client_scoped_pages(program, client):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    for url in (referral_url("detail", referral), client_url("offer", program.client)):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_unknown_ids_are_404(program, login):
    browser = login(program.case_manager)
    assert browser.get(f"/clients/{program.client.pk}/referrals/999999/").status_code == 404
    assert browser.get(f"/clients/{program.client.pk}/consents/999999/").status_code == 404
    assert browser.get("/clients/999999/referrals/new/").status_code == 404
