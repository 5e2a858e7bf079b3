"""On a phone, a case manager works from their caseload: home shows the clients whose visit is
due soonest as cards, overdue ones marked; /clients/ filters and sorts the whole caseload and
finds a client by phone number."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from clients.models import Client
from tests.factories import client_of
from tests.placements.factories import PlacementFactory, housed, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def caseload(program):
    today = timezone.localdate()
    cm = program.case_manager
    # Rosa: moved in three weeks ago, never visited since: the weekly visit is overdue.
    housed(program.client, today - timedelta(days=21), address="12 Elm St, Apt 4")
    Client.objects.filter(pk=program.client.pk).update(phone="(555) 010-0188")
    hal = client_of(cm, first_name="Hal", last_name="Housed")
    housed(hal, today - timedelta(days=300))
    visit(hal, today - timedelta(days=2), by=cm)
    sam = client_of(cm, first_name="Sam", last_name="Searching")
    PlacementFactory(client=sam, search_started_on=today - timedelta(days=30))
    client_of(cm, first_name="Eve", last_name="Exited", status=Client.Status.EXITED)
    return {"hal": hal, "sam": sam}


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_case_manager_sees_the_caseload_as_cards_on_home(program, page, sign_in, caseload):
    sign_in(program.case_manager)
    section = page.get_by_role("region", name="Your caseload")
    expect(section).to_contain_text("Your caseload (3 active)")
    cards = section.locator("tbody tr")
    expect(cards).to_have_count(3)
    first = cards.first  # next visit due soonest: Rosa's, overdue
    expect(first).to_contain_text("Rosa Parker")
    expect(first).to_have_class("is-overdue")
    expect(first).to_contain_text("Overdue")
    # Each figure carries its label on the card.
    expect(first.get_by_role("cell", name="Days housed 21")).to_be_visible()
    expect(cards.nth(1)).to_contain_text("Hal Housed")
    expect(section).not_to_contain_text("Tom Teammate")
    # A card, not a table row: the column headings are out of view, the card fits the phone.
    box = first.bounding_box()
    assert box["width"] <= 390 and box["height"] > 120
    no_sideways_scroll(page)

    section.get_by_role("link", name="All your clients: sort and filter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clients")
    expect(page.locator("#client-table tbody tr")).to_have_count(3)  # active only


def test_case_manager_filters_sorts_and_searches_the_table(program, page, sign_in, caseload):
    sign_in(program.case_manager)
    page.goto("/clients/")
    rows = page.locator("#client-table tbody tr")
    expect(rows).to_have_count(4)
    no_sideways_scroll(page)

    page.get_by_text("Filter and sort").click()
    page.get_by_label("Overdue").select_option("any")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Rosa Parker")
    expect(page.get_by_text("Filter and sort (filters on)")).to_be_visible()

    page.get_by_label("Overdue").select_option("")
    page.get_by_role("combobox", name="Housing").select_option("searching")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sam Searching")

    page.get_by_role("link", name="Clear").click()
    page.get_by_text("Filter and sort").click()
    page.get_by_label("Sort by").select_option("last_contact")
    page.get_by_label("Order").select_option("desc")
    page.get_by_role("button", name="Show").click()
    expect(rows.first).to_contain_text("Hal Housed")  # reached two days ago

    page.get_by_label("Search clients").fill("555 010 0188")
    page.get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Rosa Parker")
    no_sideways_scroll(page)


def test_case_manager_cannot_reach_other_clients_through_the_table(program, page, sign_in):
    sign_in(program.case_manager)
    page.goto("/clients/?q=Olga")
    expect(page.get_by_text("No client matches “Olga”.")).to_be_visible()
    response = page.goto(f"/clients/{program.other_client.pk}/")
    assert response.status == 404
