"""Bad input gives a clear error, saves nothing, and never answers 500."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Consent, Provider, Referral

from .factories import ProviderFactory, consent_for, referral_at

pytestmark = pytest.mark.django_db

Status = Referral.Status


def offer_url(client):
    return reverse("client_referrals:offer", kwargs={"client_id": client.pk})


def consent_new_url(client):
    return reverse("client_referrals:consent_new", kwargs={"client_id": client.pk})


def offer_data(chosen, **overrides):
    data = {
        "service_type": "mental_health",
        "provider": chosen.pk,
        "requested_by": "client",
        "client_goal": "Sleep better.",
        "follow_up_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }
    data.update(overrides)
    return data


def consent_data(chosen, **overrides):
    today = timezone.localdate()
    data = {
        "provider": chosen.pk,
        "purpose": "Contact details.",
        "signed_on": today.isoformat(),
        "expires_on": (today + timedelta(days=365)).isoformat(),
    }
    data.update(overrides)
    return data


def form_errors(response):
    assert response.status_code == 200
    return response.context["form"].errors


def test_offer_with_a_provider_that_does_not_offer_the_service(program, login):
    provider = ProviderFactory(name="Harbor MH", offers_mental_health=True)
    response = login(program.case_manager).post(
        offer_url(program.client), offer_data(provider, service_type="employment")
    )
    assert form_errors(response)["provider"] == [
        "Harbor MH does not offer employment services. Choose another provider or service."
    ]
    assert "does not offer employment" in response.content.decode()
    assert not Referral.objects.exists()


def test_offer_with_an_inactive_provider(program, login):
    provider = ProviderFactory(name="Closed Clinic", is_active=False)
    response = login(program.case_manager).post(offer_url(program.client), offer_data(provider))
    assert "not active" in form_errors(response)["provider"][0]
    assert not Referral.objects.exists()


def test_inactive_providers_are_not_offered_in_the_form(program, login):
    ProviderFactory(name="Open Clinic")
    ProviderFactory(name="Closed Clinic", is_active=False)
    content = login(program.case_manager).get(offer_url(program.client)).content.decode()
    assert "Open Clinic" in content and "Closed Clinic" not in content


@pytest.mark.parametrize("provider_id", ["999999", "abc", "", "-1", "99999999999999999999999"])
def test_offer_with_a_tampered_provider_id(program, login, provider_id):
    response = login(program.case_manager).post(
        offer_url(program.client), offer_data(ProviderFactory(), provider=provider_id)
    )
    assert form_errors(response)["provider"]
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("service_type", "housing"), ("requested_by", "court"), ("follow_up_on", "31/31/2026")],
)
def test_offer_with_tampered_choices(program, login, field, value):
    response = login(program.case_manager).post(
        offer_url(program.client), offer_data(ProviderFactory(), **{field: value})
    )
    assert form_errors(response)[field]
    assert not Referral.objects.exists()


def test_offer_with_a_follow_up_in_the_past(program, login):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = login(program.case_manager).post(
        offer_url(program.client), offer_data(ProviderFactory(), follow_up_on=yesterday)
    )
    assert form_errors(response)["follow_up_on"] == ["The follow-up date cannot be in the past."]
    assert not Referral.objects.exists()


def test_a_client_id_slipped_into_the_form_is_ignored(program, login):
    """The client comes from the address, which is access-checked; a posted one means nothing."""
    response = login(program.case_manager).post(
        offer_url(program.client),
        offer_data(ProviderFactory(), client=program.other_client.pk, client_id="abc"),
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.client == program.client
    assert not program.other_client.referrals.exists()


def test_a_tampered_client_id_in_the_address_is_404_and_saves_nothing(program, login):
    browser = login(program.case_manager)
    provider = ProviderFactory()
    assert browser.post(offer_url(program.other_client), offer_data(provider)).status_code == 404
    assert browser.post("/clients/0/referrals/new/", offer_data(provider)).status_code == 404
    response = browser.post(consent_new_url(program.other_client), consent_data(provider))
    assert response.status_code == 404
    assert not Referral.objects.exists() and not Consent.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"expires_on": "today"}, "expires_on", "must be after the signing date"),
        ({"expires_on": "-10"}, "expires_on", "must be after the signing date"),
        ({"signed_on": "+1", "expires_on": "+300"}, "signed_on", "cannot be in the future"),
        ({"signed_on": "not a date"}, "signed_on", "Enter a valid date"),
    ],
)
def test_consent_with_dates_in_the_wrong_order(program, login, changes, field, message):
    today = timezone.localdate()

    def resolve(value):
        if value == "today":
            return today.isoformat()
        if value[:1] in "+-" and value[1:].isdigit():
            return (today + timedelta(days=int(value))).isoformat()
        return value

    data = consent_data(ProviderFactory(), **{k: resolve(v) for k, v in changes.items()})
    response = login(program.case_manager).post(consent_new_url(program.client), data)
    assert any(message in error for error in form_errors(response)[field])
    assert not Consent.objects.exists()


def test_consent_with_an_inactive_or_unknown_provider(program, login):
    browser = login(program.case_manager)
    inactive = ProviderFactory(is_active=False)
    response = browser.post(consent_new_url(program.client), consent_data(inactive))
    assert "not active" in form_errors(response)["provider"][0]
    response = browser.post(
        consent_new_url(program.client), consent_data(inactive, provider="424242")
    )
    assert form_errors(response)["provider"]
    assert not Consent.objects.exists()


def revoke_url(consent):
    return reverse(
        "client_referrals:consent_revoke",
        kwargs={"client_id": consent.client_id, "consent_id": consent.pk},
    )


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "cannot be in the future"), (-40, "cannot be before the signing date")],
)
def test_revocation_dates_are_checked(program, login, days, message):
    consent = consent_for(program.client, ProviderFactory(), by=program.case_manager)
    revoked_on = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = login(program.case_manager).post(revoke_url(consent), {"revoked_on": revoked_on})
    assert message in form_errors(response)["revoked_on"][0]
    consent.refresh_from_db()
    assert consent.revoked_on is None


def test_decision_with_a_tampered_value(program, login):
    referral = referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    url = reverse(
        "client_referrals:decision",
        kwargs={"client_id": program.client.pk, "referral_id": referral.pk},
    )
    response = login(program.case_manager).post(url, {"decision": "completed"})
    assert form_errors(response)["decision"]
    assert Referral.objects.get().status == Status.OFFERED


def test_close_without_a_reason(program, login):
    referral = referral_at(Status.SENT, client=program.client, by=program.case_manager)
    url = reverse(
        "client_referrals:close",
        kwargs={"client_id": program.client.pk, "referral_id": referral.pk},
    )
    response = login(program.case_manager).post(url, {"close_reason": "failed"})
    assert form_errors(response)["close_reason"]
    assert Referral.objects.get().status == Status.SENT


@pytest.mark.parametrize("to", ["", "closed", "offered", "nonsense", "declined"])
def test_advance_with_a_tampered_step(program, login, to):
    referral = referral_at(Status.SENT, client=program.client, by=program.case_manager)
    url = reverse(
        "client_referrals:advance",
        kwargs={"client_id": program.client.pk, "referral_id": referral.pk},
    )
    response = login(program.case_manager).post(url, {"to": to}, follow=True)
    assert response.status_code == 200
    assert "Nothing was changed" in response.content.decode()
    assert Referral.objects.get().status == Status.SENT


def test_provider_without_a_service(program, login):
    response = login(program.supervisor).post(
        reverse("referrals:provider_new"), {"name": "No Services Inc", "is_active": "on"}
    )
    assert form_errors(response)["services"]
    assert not Provider.objects.exists()


def test_two_providers_of_one_name_at_once_is_a_form_error_not_a_500(program, login, monkeypatch):
    """The uniqueness check passes for both people; the second save meets the database's
    unique constraint, which is shown on the name field."""
    from django.urls import reverse

    from referrals.forms import ProviderForm
    from referrals.models import Provider

    browser = login(program.supervisor)
    # Both forms were validated before either saved: skip the form's own uniqueness check.
    monkeypatch.setattr(ProviderForm, "validate_unique", lambda self: None)
    monkeypatch.setattr(Provider, "validate_unique", lambda self, exclude=None: None)
    Provider.objects.create(name="Bridge Clinic", offers_mental_health=True)
    response = browser.post(
        reverse("referrals:provider_new"), {"name": "Bridge Clinic", "services": ["mental_health"]}
    )
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["name"])
    assert Provider.objects.filter(name="Bridge Clinic").count() == 1
