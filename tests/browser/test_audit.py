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


def test_a_reassignment_reads_as_one_action_with_its_parts_one_click_away(program, page, sign_in):
    from clients.services import client_assign
    from housingfirst.audit import acting_person

    with acting_person(program.supervisor):
        client_assign(
            client=program.client,
            case_manager=program.teammate,
            assigned_by=program.supervisor,
            reason="Caseload balance",
        )
    sign_in(program.auditor)
    page.goto("/audit/")
    action = page.locator(".audit-action").first
    old, new = program.case_manager.get_full_name(), program.teammate.get_full_name()
    expect(action.locator(".audit-summary")).to_have_text(f"Access moved from {old} to {new}")
    parts = action.locator(".audit-parts .history-entry")
    expect(parts.first).to_be_hidden()
    action.get_by_text("7 recorded changes").click()
    expect(parts).to_have_count(7)
    expect(parts.first).to_be_visible()
