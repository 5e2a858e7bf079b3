"""An auditor in a real browser, on a phone: the change log, a filter, one record's timeline."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_auditor_filters_the_change_log_and_opens_a_timeline(program, page, sign_in):
    program.client.goals = "Keep my apartment"
    program.client.save()
    sign_in(program.auditor)
    page.get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change log")

    page.get_by_text("Filter", exact=True).click()
    page.get_by_label("Record type").select_option(label="Client")
    page.get_by_label("Change:", exact=True).select_option(label="Changed")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".audit-filter-summary")).to_have_text("Client · changed")
    entry = page.locator(".history-entry").first
    expect(entry.get_by_role("row", name="The client's own goals")).to_contain_text(
        "Keep my apartment"
    )

    entry.get_by_role("link", name="Rosa Parker").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Client: Rosa Parker")
    expect(page.locator(".history-entry").last).to_contain_text("created")
    # Read-only: the page offers no form that writes.
    assert page.locator("main form[method=post]").count() == 0
