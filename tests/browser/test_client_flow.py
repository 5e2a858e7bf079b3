"""A case manager signs in, edits a client, and sees the change on the history page."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_case_manager_edits_client_and_sees_it_in_history(program, page, sign_in):
    sign_in(program.case_manager)
    page.get_by_role("link", name="Clients").first.click()
    page.get_by_role("link", name="Rosa Parker").click()
    page.get_by_role("link", name="Edit profile").click()
    page.get_by_label("Preferred name").fill("Ro")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ro Parker")

    page.get_by_role("link", name="History").click()
    entry = page.locator(".history-entry").first
    expect(entry).to_contain_text(program.case_manager.get_full_name())
    expect(entry.get_by_role("row", name="Preferred name")).to_contain_text("Ro")
