"""On a phone, right after an event: supplies handed out and an overdose response recorded in
under ten taps each, and the report's small counts shown as ranges."""

import pytest
from playwright.sync_api import expect

from harm_reduction.models import Distribution, OverdoseResponse
from tests.harm_reduction.factories import (
    FundingSourceFactory,
    ItemKindFactory,
    SiteFactory,
    hand_out,
    receive,
)

pytestmark = pytest.mark.django_db(transaction=True)


class Taps:
    """Counts what the person does: each click, choice or field filled is one tap."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()

    def check(self, locator):
        self.count += 1
        locator.check()

    def select(self, locator, label):
        self.count += 1
        locator.select_option(label=label)

    def fill(self, locator, text):
        self.count += 1
        locator.fill(text)


def _supplies():
    SiteFactory(name="Scattered-site office")
    site = SiteFactory(name="Maple Court")
    naloxone = ItemKindFactory(name="Naloxone nasal spray 4 mg")
    funder = FundingSourceFactory(name="County health department")
    return site, naloxone, funder


def test_supplies_and_an_overdose_response_in_under_ten_taps_each(program, page, sign_in):
    site, naloxone, _ = _supplies()
    receive(site, naloxone, 10, by=program.case_manager)
    sign_in(program.case_manager)
    page.goto("/harm-reduction/")

    taps = Taps(page)
    taps.click(page.get_by_role("link", name="Hand out supplies"))
    taps.select(page.get_by_role("combobox", name="Site"), "Maple Court")
    taps.select(page.get_by_role("combobox", name="Item"), "Naloxone nasal spray 4 mg")
    taps.check(page.get_by_label("Tenant"))
    taps.select(page.get_by_role("combobox", name="Funding source"), "County health department")
    taps.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Supplies recorded")
    assert taps.count < 10
    assert Distribution.objects.get().quantity == 1

    page.goto("/harm-reduction/")
    taps = Taps(page)
    taps.click(page.get_by_role("link", name="Record an overdose response"))
    taps.select(page.get_by_role("combobox", name="Site"), "Maple Court")
    taps.fill(page.get_by_label("Naloxone doses given"), "2")
    taps.check(page.get_by_label("Nasal", exact=True))
    taps.check(page.get_by_label("911 called"))
    taps.check(page.get_by_label("EMS arrived"))
    taps.check(page.get_by_label("Transported to hospital"))
    taps.check(page.get_by_label("Staff", exact=True))
    taps.click(page.get_by_role("button", name="Save"))
    expect(page.get_by_role("status")).to_contain_text("Overdose response recorded")
    assert taps.count < 10
    saved = OverdoseResponse.objects.get()
    assert (saved.naloxone_doses, saved.outcome, saved.client) == (2, "transported", None)

    # Nothing overflows the phone's width.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_the_report_shows_small_counts_as_ranges(program, page, sign_in):
    site, naloxone, funder = _supplies()
    receive(site, naloxone, 10, by=program.case_manager)
    hand_out(site, naloxone, 3, by=program.case_manager, funding_source=funder)
    sign_in(program.supervisor)
    page.goto("/harm-reduction/report/")
    supplies_table = page.get_by_role(
        "table", name="Supplies handed out, by item and funding source"
    )
    expect(supplies_table).to_contain_text("1–10")
    expect(supplies_table).not_to_contain_text("3")
