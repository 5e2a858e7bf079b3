"""A case manager offers a referral, records that the client declined, and sees it neutrally;
and takes one from the offer to sent, staying on the referral all the way: providers follow the
chosen service (with and without JavaScript), the release is recorded in the flow, and a step
recorded by mistake is undone."""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Referral
from tests.referrals.factories import ProviderFactory

REFERRAL_HEADING = "Employment referral to WorkSource Downtown"

pytestmark = pytest.mark.django_db(transaction=True)


def test_offer_a_referral_record_declined_and_see_it_neutrally(program, page, sign_in):
    ProviderFactory(name="WorkSource Downtown", offers_mental_health=False, offers_employment=True)
    sign_in(program.case_manager)
    page.get_by_role("link", name="Clients").first.click()
    page.get_by_role("link", name="Rosa Parker").click()

    # From the day's actions at the top of the client page (the Referrals section has one too).
    page.get_by_role("region", name="How to reach Rosa Parker").get_by_role(
        "link", name="Offer a referral"
    ).click()
    page.get_by_label("Employment").check()
    page.get_by_label("Provider").select_option(label="WorkSource Downtown — Employment")
    page.get_by_label("The client asked for it").check()
    page.get_by_label("The client's goal").fill("Find part-time work near the bus line.")
    page.get_by_role("button", name="Offer referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Employment referral to WorkSource Downtown"
    )

    page.get_by_role("link", name="Record the client's decision").click()
    page.get_by_label("Declined: the client chose not to go ahead").check()
    page.get_by_label("In the client's words (optional)").fill("Not before my knee heals.")
    page.get_by_role("button", name="Record decision").click()

    # The decision leaves the person on the referral; the client page is one tap away.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Employment referral to WorkSource Downtown"
    )
    expect(page.get_by_role("status")).to_contain_text("Decision recorded: declined.")
    page.get_by_role("link", name="Rosa Parker").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa Parker")
    section = page.locator("section", has=page.get_by_role("heading", name="Referrals"))
    declined_on = timezone.localdate(Referral.objects.get().declined_at).isoformat()
    line = section.locator(".status-line")
    expect(line).to_have_text(
        f"Declined on {declined_on} — the client chose not to go ahead: Not before my knee heals."
    )
    # Neutral: the same colour as any other text, no warning or error styling.
    text_colour = page.evaluate("getComputedStyle(document.body).color")
    assert line.evaluate("el => getComputedStyle(el).color") == text_colour
    assert section.locator(".overdue, .warning, .error, .form-errors").count() == 0
    assert not re.search(r"refus|fail|non-?complian", section.inner_text(), re.I)


def screenshot(page, name):
    """Saved when BROWSER_SCREENSHOTS names a directory (to look at the pages at 390 px)."""
    if directory := os.environ.get("BROWSER_SCREENSHOTS"):
        page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)


def provider_options(page):
    """The provider list's options as the person sees them: {label: shown}."""
    return page.get_by_label("Provider").evaluate(
        "select => Object.fromEntries(Array.from(select.options).filter(o => o.value)"
        ".map(o => [o.text, !o.hidden && !o.disabled]))"
    )


def test_from_offer_to_sent_without_leaving_the_referral(program, page, sign_in):
    ProviderFactory(name="WorkSource Downtown", offers_mental_health=False, offers_employment=True)
    ProviderFactory(name="Harbor Counseling")  # mental health only
    sign_in(program.case_manager)
    page.goto(f"/clients/{program.client.pk}/referrals/new/")

    # The provider list follows the chosen service.
    expect(page.get_by_role("button", name="Show providers of this service")).to_be_hidden()
    page.get_by_label("Mental health").check()
    assert provider_options(page) == {
        "Harbor Counseling — Mental health": True,
        "WorkSource Downtown — Employment": False,
    }
    page.get_by_label("Provider").select_option(label="Harbor Counseling — Mental health")
    page.get_by_label("Employment").check()
    assert provider_options(page) == {
        "Harbor Counseling — Mental health": False,
        "WorkSource Downtown — Employment": True,
    }
    expect(page.get_by_label("Provider")).to_have_value("")  # no longer fits: unselected
    page.get_by_label("Provider").select_option(label="WorkSource Downtown — Employment")
    page.get_by_label("Staff suggested it").check()
    screenshot(page, "referral-1-offer")
    page.get_by_role("button", name="Offer referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(REFERRAL_HEADING)

    page.get_by_role("link", name="Record the client's decision").click()
    page.get_by_label("Accepted: the client wants to go ahead").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(REFERRAL_HEADING)
    expect(page.get_by_role("status")).to_contain_text("Decision recorded: accepted.")

    # Sending needs a release: it is offered as the next step, "Mark as sent" is not.
    next_step = page.get_by_role("region", name="Next step")
    expect(next_step.get_by_role("button", name="Mark as sent to provider")).to_have_count(0)
    screenshot(page, "referral-2-accepted")
    next_step.get_by_role("link", name="Record a release now").click()
    expect(page.get_by_label("Provider")).to_have_value(str(Referral.objects.get().provider_id))
    today = timezone.localdate()
    page.get_by_label("What may be shared, and why").fill("Contact details and work goals.")
    page.get_by_label("Signed on").fill(today.isoformat())
    page.get_by_label("Expires on").fill((today + timedelta(days=365)).isoformat())
    screenshot(page, "referral-3-release")
    page.get_by_role("button", name="Record consent").click()

    # Back on the referral, ready to send.
    expect(page.get_by_role("heading", level=1)).to_have_text(REFERRAL_HEADING)
    expect(page.get_by_role("status")).to_contain_text("Release of information")
    page.get_by_role("button", name="Mark as sent to provider").click()
    expect(page.get_by_role("status")).to_contain_text("Referral now “Sent to provider”")
    screenshot(page, "referral-4-sent")

    # Sent by mistake: the person who recorded it takes it back, with a reason.
    page.get_by_role("region", name="Just recorded").get_by_role(
        "link", name="Undo “Sent to provider”"
    ).click()
    page.get_by_label("Recorded too early: it has not happened yet").check()
    screenshot(page, "referral-5-undo")
    page.get_by_role("button", name="Undo the step").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(REFERRAL_HEADING)
    expect(page.get_by_role("status")).to_contain_text("the referral is “Accepted” again")
    expect(page.locator(".status-line .badge")).to_have_text("Accepted")
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Undone: “Sent to provider”")
    screenshot(page, "referral-6-undone")
    referral = Referral.objects.get()
    assert referral.status == Referral.Status.ACCEPTED and referral.sent_at is None


def test_offer_form_filters_providers_without_javascript(program, chromium, live_server, settings):
    settings.AXES_ENABLED = False
    ProviderFactory(name="WorkSource Downtown", offers_mental_health=False, offers_employment=True)
    ProviderFactory(name="Harbor Counseling")
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(program.case_manager.username)
        page.get_by_label("Password").fill("correct-horse-battery")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(f"/clients/{program.client.pk}/referrals/new/")
        page.get_by_label("Employment").check()
        page.get_by_role("button", name="Show providers of this service").click()
        expect(page.get_by_label("Employment")).to_be_checked()
        assert provider_options(page) == {
            "Harbor Counseling — Mental health": False,
            "WorkSource Downtown — Employment": True,
        }
        page.get_by_label("Provider").select_option(label="WorkSource Downtown — Employment")
        page.get_by_label("The client asked for it").check()
        page.get_by_role("button", name="Offer referral").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(REFERRAL_HEADING)
    finally:
        context.close()
