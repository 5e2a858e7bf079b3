"""Two-factor sign-in (housingfirst/two_factor.py): required for administrators and auditors,
optional for others, for everyone with OTP_REQUIRED_FOR_EVERYONE; set up at first sign-in,
reset by an administrator with a reason in the history; sign-in throttling still works."""

import base64
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clients.demo import DEMO_TWO_FACTOR_SECRET
from housingfirst.two_factor import two_factor_reset

from .two_factor import app_of, current_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
VERIFY = reverse("two_factor_verify")
SET_UP = reverse("two_factor_set_up")


def sign_in(browser, user, next_url=""):
    return browser.post(
        reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_url}
    )


def account_history(user):
    return get_user_model().history.filter(id=user.pk).order_by("history_id")


def test_administrator_sets_up_an_app_at_first_sign_in_and_reaches_nothing_before(program, client):
    sign_in(client, program.admin)
    for page in ("/", "/clients/", "/admin/", "/audit/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.url.startswith(SET_UP + "?next="), page

    page = client.get(SET_UP)
    html = page.content.decode()
    assert "<svg" in html and "<path" in html  # the QR code, in the page (no CDN)
    assert re.search(r'class="otp-secret">[A-Z2-7 ]{39}<', html)
    device = TOTPDevice.objects.get(user=program.admin, confirmed=False)
    assert client.get(SET_UP).context["secret"] == page.context["secret"]  # same key on reload

    wrong = client.post(SET_UP, {"code": "000000"})
    assert wrong.status_code == 200 and "did not work" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # past the pause after one wrong code

    done = client.post(SET_UP, {"code": current_code(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert client.get("/admin/").status_code == 200
    assert account_history(program.admin).last().history_change_reason == (
        "Two-factor sign-in set up"
    )


def test_auditor_with_an_app_types_a_code_after_the_password(program, client):
    app = app_of(program.auditor)
    response = sign_in(client, program.auditor, "/audit/")
    assert client.get(response.url).url == f"{VERIFY}?next=%2Faudit%2F"

    wrong = client.post(VERIFY, {"code": "123456", "next": "/audit/"})
    assert wrong.status_code == 200 and "did not work" in wrong.content.decode()
    app.refresh_from_db()
    app.throttle_reset()  # past the pause after one wrong code

    response = client.post(VERIFY, {"code": current_code(app), "next": "/audit/"})
    assert response.status_code == 302 and response.url == "/audit/"
    assert client.get("/audit/").status_code == 200


def test_a_right_code_right_after_a_wrong_one_waits(program, client):
    app = app_of(program.auditor)
    sign_in(client, program.auditor)
    client.post(VERIFY, {"code": "123456"})
    response = client.post(VERIFY, {"code": current_code(app)})
    assert response.status_code == 200  # throttled: each wrong code makes the next try wait
    assert client.get("/").status_code == 302


def test_a_recovery_code_signs_in_once(program, client):
    app_of(program.auditor)
    recovery = StaticDevice.objects.create(user=program.auditor, name="Recovery codes")
    StaticToken.objects.create(device=recovery, token="abcd2345")

    sign_in(client, program.auditor)
    response = client.post(VERIFY, {"code": "abcd 2345"})
    assert response.status_code == 302
    client.post(reverse("logout"))

    sign_in(client, program.auditor)
    again = client.post(VERIFY, {"code": "abcd2345"})
    assert again.status_code == 200 and "did not work" in again.content.decode()


def test_case_managers_may_go_without_it(program, client):
    sign_in(client, program.case_manager)
    assert client.get("/").status_code == 200


def test_case_manager_who_set_it_up_is_asked_for_the_code(program, client):
    app = app_of(program.case_manager)
    sign_in(client, program.case_manager)
    assert client.get("/").url == f"{VERIFY}?next=%2F"
    assert client.post(VERIFY, {"code": current_code(app)}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_setting_requires_it_for_everyone(program, client, settings):
    settings.OTP_REQUIRED_FOR_EVERYONE = True
    sign_in(client, program.case_manager)
    assert client.get("/").url.startswith(SET_UP)


def test_administrator_resets_a_lost_phone_with_a_reason_in_the_history(program, client, login):
    app_of(program.auditor)
    admin = login(program.admin)
    url = reverse("two_factor_reset", args=[program.auditor.pk])

    assert admin.post(url, {"reason": ""}).status_code == 200  # a reason is required
    response = admin.post(url, {"reason": "Lost phone; identity checked in person."})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=program.auditor).exists()
    assert not StaticDevice.objects.filter(user=program.auditor).exists()
    row = account_history(program.auditor).last()
    assert row.history_user == program.admin
    assert row.history_change_reason == (
        "Two-factor sign-in reset: Lost phone; identity checked in person."
    )


def test_a_reset_ends_the_verified_session_of_that_person(program, client, login):
    auditor = login(program.auditor)
    assert auditor.get("/audit/").status_code == 200
    two_factor_reset(user=program.auditor, by=program.admin, reason="Lost phone")
    assert auditor.get("/audit/").url.startswith(SET_UP)


@pytest.mark.parametrize("who", ["supervisor", "auditor", "case_manager"])
def test_only_administrators_reset_two_factor(program, login, who):
    response = login(getattr(program, who)).post(
        reverse("two_factor_reset", args=[program.teammate.pk]), {"reason": "Because"}
    )
    assert response.status_code == 403


def test_admin_action_opens_the_reset_page_for_one_person(program, login):
    response = login(program.admin).post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [program.auditor.pk]},
    )
    assert response.status_code == 302
    assert response.url == reverse("two_factor_reset", args=[program.auditor.pk])


def test_device_secrets_have_no_admin_pages(program, login):
    admin = login(program.admin)
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert admin.get("/admin/otp_static/staticdevice/").status_code == 404


def test_wrong_passwords_are_still_throttled_for_administrators(program, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "admin", "password": "wrong"})
    response = sign_in(client, program.admin)
    assert response.status_code == 429


def test_demo_administrator_and_auditor_use_the_documented_secret(db, settings, client):
    settings.DEBUG = True
    call_command("seed_demo")
    admin = get_user_model().objects.get(username="admin")
    client.post(reverse("login"), {"username": "admin", "password": "housingfirst-demo"})
    code = totp(base64.b32decode(DEMO_TWO_FACTOR_SECRET))
    response = client.post(VERIFY, {"code": f"{code:06d}"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert TOTPDevice.objects.filter(user__username="auditor", confirmed=True).exists()
    assert admin.is_superuser
