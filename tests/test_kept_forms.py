"""A form sent after the idle timeout is kept for its sender and offered back after sign-in
(housingfirst/kept_forms.py); the warning's keep-alive address."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from housingfirst.kept_forms import (
    KEPT_COOKIE,
    OFFER_BACK,
    SIGNED_IN_COOKIE,
    SIGNED_OUT_MESSAGE,
    KeptSubmission,
)
from placements.models import Contact

pytestmark = pytest.mark.django_db

NOTE = "Met at the library; wants help with the lease renewal form."
PASSWORD = "correct-horse-battery"


def contact_url(client):
    return reverse("placements:contact_create", args=[client.pk]) + "?kind=home_visit"


def contact_form(note=NOTE):
    return {
        "kind": "home_visit",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "note": note,
        "csrfmiddlewaretoken": "x" * 64,
    }


def kept_on(browser) -> KeptSubmission | None:
    """What the server keeps for the token this browser carries."""
    cookie = browser.cookies.get(KEPT_COOKIE)
    stored = cache.get(f"kept-form:{cookie.value}") if cookie and cookie.value else None
    return KeptSubmission(**stored) if stored else None


def sign_in(browser, user, next_url=""):
    return browser.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_url}
    )


def after_timeout():
    return time_machine.travel(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))


def send_after_timeout(browser, user, url, data):
    sign_in(browser, user)
    assert browser.get(url).status_code == 200  # the form is opened while signed in
    with after_timeout():
        return browser.post(url, data)


def test_form_sent_after_the_timeout_is_kept_and_offered_back_after_sign_in(program, client):
    url = contact_url(program.client)
    response = send_after_timeout(client, program.case_manager, url, contact_form())

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url.replace('?', '%3F').replace('=', '%3D')}"
    assert not Contact.objects.exists()
    kept = kept_on(client)
    assert kept.user_id == program.case_manager.pk and kept.path == url
    assert ["note", NOTE] in kept.entries
    assert not [name for name, _ in kept.entries if name == "csrfmiddlewaretoken"]
    sign_in_page = client.get(response.url)
    assert SIGNED_OUT_MESSAGE in sign_in_page.content.decode()

    with after_timeout():
        response = sign_in(client, program.case_manager, url)
        assert response.status_code == 302 and response.url == url
        page = client.get(url)

    html = page.content.decode()
    assert page.status_code == 200
    assert OFFER_BACK in html
    assert NOTE in html  # listed for a browser without scripts, and in the data for the script
    assert '<script id="kept-entries" type="application/json">' in html
    assert "js/kept-entries.js" in html
    assert not Contact.objects.exists()  # never saved without a new confirmation
    assert cache.get(kept.key) is None  # offered once
    assert page.cookies[KEPT_COOKIE].value == ""

    with after_timeout():
        assert OFFER_BACK not in client.get(url).content.decode()
        response = client.post(url, contact_form())
    assert response.status_code == 302
    assert Contact.objects.get().note == NOTE


def test_someone_else_signing_in_on_the_device_never_sees_the_kept_form(program, client):
    url = contact_url(program.client)
    send_after_timeout(client, program.case_manager, url, contact_form())

    with after_timeout():
        sign_in(client, program.supervisor)  # may open the client too
        page = client.get(url)

    assert page.status_code == 200
    html = page.content.decode()
    assert OFFER_BACK not in html and NOTE not in html and "kept-entries" not in html
    assert kept_on(client).user_id == program.case_manager.pk  # still theirs


def test_kept_form_is_offered_only_on_the_page_it_was_sent_to(program, client):
    url = contact_url(program.client)
    send_after_timeout(client, program.case_manager, url, contact_form())
    with after_timeout():
        sign_in(client, program.case_manager)
        other = client.get(reverse("placements:contact_create", args=[program.client.pk]))
    assert OFFER_BACK not in other.content.decode()
    assert kept_on(client) is not None


def test_nothing_is_kept_after_signing_out_on_purpose(program, client):
    url = contact_url(program.client)
    sign_in(client, program.case_manager)
    client.get(url)
    response = client.post(reverse("logout"))
    assert response.cookies[SIGNED_IN_COOKIE].value == ""

    response = client.post(url, contact_form())
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert kept_on(client) is None


def test_nothing_is_kept_without_a_genuine_signed_in_cookie(program, client):
    url = contact_url(program.client)
    client.cookies[SIGNED_IN_COOKIE] = f"{program.case_manager.pk}:forged"
    client.post(url, contact_form())
    assert kept_on(client) is None


def test_a_changed_password_voids_the_signed_in_cookie(program, client):
    url = contact_url(program.client)
    sign_in(client, program.case_manager)
    client.get(url)
    program.case_manager.set_password("another-long-passphrase")
    program.case_manager.save()
    with after_timeout():
        client.post(url, contact_form())
    assert kept_on(client) is None


def test_passwords_are_never_kept(program, client):
    url = contact_url(program.client)
    send_after_timeout(client, program.case_manager, url, {**contact_form(), "password": "s3cret"})
    kept = kept_on(client)
    assert "s3cret" not in json.dumps(kept.entries)


def test_a_kept_form_expires(program, client, settings):
    url = contact_url(program.client)
    send_after_timeout(client, program.case_manager, url, contact_form())
    later = timezone.now() + timedelta(hours=settings.KEPT_FORM_HOURS, minutes=40)
    with time_machine.travel(later):
        sign_in(client, program.case_manager)
        assert OFFER_BACK not in client.get(url).content.decode()


def test_a_refused_sign_in_does_not_reach_the_kept_form(program, client):
    url = contact_url(program.client)
    send_after_timeout(client, program.case_manager, url, contact_form())
    with after_timeout():
        response = client.post(
            reverse("login"), {"username": "cm_own", "password": "wrong", "next": url}
        )
    assert response.status_code == 200
    assert NOTE not in response.content.decode()


def test_keep_alive_pushes_the_idle_timeout_forward(program, login):
    browser = login(program.case_manager)
    url = reverse("session_keep_alive")
    start = timezone.now()
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)):
        response = browser.get(url)
        assert response.status_code == 200
        assert response.json() == {"signed_in": True, "idle_seconds": settings.SESSION_COOKIE_AGE}
    with time_machine.travel(start + timedelta(seconds=settings.SESSION_COOKIE_AGE + 60)):
        assert browser.get(reverse("home")).status_code == 200  # still signed in
    assert Session.objects.count() == 1


def test_keep_alive_signed_out_answers_401_not_a_redirect(client):
    response = client.get(reverse("session_keep_alive"))
    assert response.status_code == 401
    assert response.json() == {"signed_in": False}


def test_pages_carry_the_timeout_warning_script_with_its_settings(program, login, settings):
    settings.SESSION_COOKIE_AGE = 600
    html = login(program.case_manager).get(reverse("home")).content.decode()
    assert 'src="/static/js/session-timeout.js"' in html
    assert 'data-idle-seconds="600"' in html and 'data-warning-seconds="120"' in html
    assert f'data-keep-alive-url="{reverse("session_keep_alive")}"' in html
