"""A case manager offers a referral, records that the client declined, and sees it neutrally."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Referral
from tests.referrals.factories import ProviderFactory

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
