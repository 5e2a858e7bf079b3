"""The idle-timeout warning and the form kept across the timeout, in a real browser under the
strict Content-Security-Policy (static scripts only)."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from placements.models import Contact

pytestmark = pytest.mark.django_db(transaction=True)


def csp_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_warning_before_the_timeout_and_stay_signed_in(program, page, sign_in, settings):
    settings.SESSION_COOKIE_AGE = 125  # the warning (120 s before) comes after 5 s
    violations = csp_violations(page)
    sign_in(program.case_manager)

    warning = page.get_by_role("alertdialog", name="You will be signed out soon")
    expect(warning).to_be_visible(timeout=15_000)
    expect(warning).to_contain_text("signed out in about 2 minutes")
    stay = warning.get_by_role("button", name="Stay signed in")
    expect(stay).to_be_focused()
    with page.expect_response(lambda response: "/accounts/session/" in response.url) as pinged:
        stay.click()
    assert pinged.value.status == 200
    expect(warning).to_be_hidden()
    assert violations == []


def test_signed_out_while_away_the_warning_says_so(program, page, sign_in, settings):
    settings.SESSION_COOKIE_AGE = 125
    sign_in(program.case_manager)
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_visible(timeout=15_000)
    Session.objects.all().delete()  # the session ended on the server meanwhile
    warning.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_contain_text("You were signed out")
    expect(warning.get_by_role("link", name="Sign in again")).to_be_visible()


def test_form_sent_after_the_timeout_comes_back_filled_in_after_sign_in(
    program, page, sign_in, settings
):
    violations = csp_violations(page)
    sign_in(program.case_manager)
    page.goto(f"/clients/{program.client.pk}/contacts/new/?kind=phone_call")
    page.get_by_label("Note").fill("Called about the lease renewal; call back Friday.")
    Session.objects.all().delete()  # idle too long: the session ended on the server
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator(".messages")).to_contain_text("What you sent is kept")
    page.get_by_label("Username").fill(program.case_manager.username)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_text("You were signed out before this was saved")).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value(
        "Called about the lease renewal; call back Friday."
    )
    assert not Contact.objects.exists()  # nothing saved until the person saves again
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("logged")
    assert Contact.objects.get().note == "Called about the lease renewal; call back Friday."
    assert violations == []
