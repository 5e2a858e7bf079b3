"""A create form sent twice (a double tap on a slow connection) saves one record.

Each create page renders a fresh submission token; the second send of the same token saves
nothing and lands on what the first saved. A newly opened form is a new submission.
"""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from clients.models import Client, Cover
from housingfirst.submissions import ALREADY_SAVED
from placements.models import Contact, Placement
from referrals.models import Consent, Provider, Referral

from .factories import INTAKE_FORM
from .referrals.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def token_of(browser, url):
    page = browser.get(url)
    token = str(page.context["form"]["submission_token"].value())
    assert f'name="submission_token" value="{token}"' in page.content.decode()
    return token


def today():
    return timezone.localdate()


def intake(program):
    data = {**INTAKE_FORM, "team": program.team.pk}
    return program.case_manager, reverse("clients:create"), data, Client


def contact(program):
    url = reverse("placements:contact_create", args=[program.client.pk])
    now = timezone.localtime() - timedelta(minutes=5)
    data = {"kind": "home_visit", "occurred_at": f"{now:%Y-%m-%dT%H:%M}", "note": "Fine."}
    return program.case_manager, url, data, Contact


def placement(program):
    url = reverse("placements:placement_create", args=[program.client.pk])
    data = {"search_started_on": today().isoformat(), "landlord_name": "Maple"}
    return program.case_manager, url, data, Placement


def referral(program):
    provider = ProviderFactory(name="WorkSource", offers_employment=True)
    url = reverse("client_referrals:offer", kwargs={"client_id": program.client.pk})
    data = {"service_type": "employment", "provider": provider.pk, "requested_by": "client"}
    return program.case_manager, url, data, Referral


def consent(program):
    provider = ProviderFactory(name="Harbor MH")
    url = reverse("client_referrals:consent_new", kwargs={"client_id": program.client.pk})
    data = {
        "provider": provider.pk,
        "purpose": "Contact details.",
        "signed_on": today().isoformat(),
        "expires_on": (today() + timedelta(days=365)).isoformat(),
    }
    return program.case_manager, url, data, Consent


def provider(program):
    data = {"name": "Bridge Clinic", "services": ["mental_health"], "is_active": "on"}
    return program.supervisor, reverse("referrals:provider_new"), data, Provider


def cover(program):
    url = reverse("caseloads:cover_create", args=[program.case_manager.pk])
    data = {
        "covering": program.teammate.pk,
        "scope": "caseload",
        "starts_on": today().isoformat(),
        "ends_on": (today() + timedelta(days=2)).isoformat(),
        "reason": "Annual leave",
    }
    return program.supervisor, url, data, Cover


@pytest.mark.parametrize(
    "make",
    [intake, contact, placement, referral, consent, provider, cover],
    ids=lambda f: f.__name__,
)
def test_a_form_sent_twice_saves_once(program, login, make):
    person, url, data, model = make(program)
    browser = login(person)
    before = model.objects.count()
    data = {**data, "submission_token": token_of(browser, url)}

    first = browser.post(url, data)
    assert first.status_code == 302, first.context["form"].errors if first.context else first
    again = browser.post(url, data)

    assert model.objects.count() == before + 1
    assert again.status_code == 302 and again.url == first.url
    assert ALREADY_SAVED in [str(m) for m in get_messages(again.wsgi_request)]


def test_a_newly_opened_form_is_a_new_submission(program, login):
    person, url, data, model = contact(program)
    browser = login(person)
    for _ in range(2):
        browser.post(url, {**data, "submission_token": token_of(browser, url)})
    assert model.objects.filter(client=program.client).count() == 2


def test_a_refused_send_leaves_its_token_free(program, login):
    """A form shown again with errors can be corrected and sent with the same token."""
    person, url, data, model = intake(program)
    browser = login(person)
    token = token_of(browser, url)
    refused = browser.post(url, {**data, "last_name": "", "submission_token": token})
    assert refused.status_code == 200 and "last_name" in refused.context["form"].errors
    assert browser.post(url, {**data, "submission_token": token}).status_code == 302
    assert Client.objects.filter(first_name="Nia").count() == 1


def test_someone_elses_token_neither_saves_nor_reveals_their_record(program, login):
    person, url, data, model = contact(program)
    token = token_of(login(person), url)
    first = login(person).post(url, {**data, "submission_token": token})
    teammate_url = reverse("placements:contact_create", args=[program.teammate_client.pk])
    response = login(program.teammate).post(teammate_url, {**data, "submission_token": token})
    assert response.status_code == 302 and response.url == teammate_url != first.url
    assert not Contact.objects.filter(client=program.teammate_client).exists()
