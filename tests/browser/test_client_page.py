"""On a phone, the client page opens on who the client is and how to reach them, with the day's
actions and links to the sections; the timeline is folded. Logging a visit from home's due list
goes back there, with the confirmation in view."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from tests.placements.factories import housed, visit
from tests.reminders.factories import reminder_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rosa(program):
    today = timezone.localdate()
    Client.objects.filter(pk=program.client.pk).update(
        phone="(555) 010-0188",
        emergency_contact_name="Dana Parker",
        emergency_contact_relationship="sister",
        emergency_contact_phone="555-010-0144",
    )
    housed(
        program.client,
        today - timedelta(days=200),
        address="12 Elm St, Apt 4",
        landlord_name="Maple Property Management",
        landlord_contact="555-010-0100",
    )
    for n in range(9):
        visit(program.client, today - timedelta(days=40 + n * 7), by=program.case_manager)
    return program.client


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    assert box is not None
    return -1 <= box["y"] and box["y"] + box["height"] <= 845


def test_the_client_page_starts_with_how_to_reach_them(program, page, sign_in, rosa):
    sign_in(program.case_manager)
    page.goto(f"/clients/{rosa.pk}/")
    reach = page.get_by_role("region", name="How to reach Rosa Parker")
    phone = reach.get_by_role("link", name="(555) 010-0188")
    expect(phone).to_have_attribute("href", "tel:5550100188")
    expect(reach.get_by_role("link", name="555-010-0144")).to_have_attribute(
        "href", "tel:5550100144"
    )
    expect(reach.get_by_role("link", name="555-010-0100")).to_have_attribute(
        "href", "tel:5550100100"
    )
    expect(reach).to_contain_text("Dana Parker")
    expect(reach).to_contain_text("12 Elm St, Apt 4")
    assert in_view(page, phone)  # no scrolling to call the client
    for action in ["Log a visit", "Add a note", "Offer a referral"]:
        expect(reach.get_by_role("link", name=action)).to_be_visible()

    # Jump links take the person to a section.
    page.get_by_role("navigation", name="Sections of this page").get_by_role(
        "link", name="Referrals"
    ).click()
    expect(page).to_have_url(re.compile(rf"/clients/{rosa.pk}/#referrals-heading$"))
    page.wait_for_function("window.scrollY > 0")
    assert in_view(page, page.get_by_role("heading", name="Referrals", exact=True))

    # The timeline shows its latest entries; the rest opens on a tap.
    timeline = page.get_by_role("region", name="Timeline")
    entries = timeline.locator(".timeline-event")
    expect(entries.nth(2)).to_be_visible()
    expect(entries.nth(3)).to_be_hidden()
    timeline.get_by_text("earlier entries").click()
    expect(entries.nth(3)).to_be_visible()


def test_phone_page_is_shorter_than_before(program, page, sign_in, rosa):
    sign_in(program.case_manager)
    page.goto(f"/clients/{rosa.pk}/")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3700  # the measure, with ten timeline entries in full
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("region", name="Timeline").get_by_text("earlier entries").click()
    unfolded = page.evaluate("document.documentElement.scrollHeight")
    assert unfolded - height > 500  # what the fold saves


def test_visit_logged_from_home_goes_back_home_with_the_confirmation(program, page, sign_in, rosa):
    reminder_for(rosa, due_on=timezone.localdate())
    sign_in(program.case_manager)
    due = page.get_by_role("region", name="Due follow-ups")
    due.get_by_role("link", name="Log a visit").click()
    expect(page.get_by_label("Home visit")).to_be_checked()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    status = page.get_by_role("status")
    expect(status).to_contain_text("Home visit logged.")
    assert in_view(page, status)
    expect(page.get_by_role("region", name="Due follow-ups")).not_to_contain_text("Home visit due")


def test_visit_logged_from_the_client_page_shows_the_confirmation(program, page, sign_in, rosa):
    sign_in(program.case_manager)
    page.goto(f"/clients/{rosa.pk}/")
    page.get_by_role("region", name="How to reach Rosa Parker").get_by_role(
        "link", name="Log a visit"
    ).click()
    page.get_by_role("button", name="Save").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("Home visit logged.")
    assert in_view(page, status)
    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa Parker")
    reach = page.get_by_role("region", name="How to reach Rosa Parker")
    expect(reach).to_contain_text(timezone.localdate().isoformat())  # last contact: today
