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


def test_conflict_screen_on_a_phone_lets_the_person_choose(program, page, sign_in):
    from clients.models import Client
    from clients.services import client_profile_update

    sign_in(program.case_manager)
    page.goto(f"/clients/{program.client.pk}/edit/")
    # A colleague saves a new phone number while this page is open.
    colleague = Client.objects.get(pk=program.client.pk)
    colleague.phone = "555-0188"
    client_profile_update(
        client=colleague, by=program.supervisor, expected_version=colleague.version
    )

    page.locator("#id_phone").fill("555-0177")
    page.locator("#id_goals").fill("Visit my daughter")
    page.get_by_role("button", name="Save profile").click()

    conflict = page.locator("fieldset.conflict")
    expect(conflict).to_contain_text(f"Saved by {program.supervisor.get_full_name()} at")
    expect(conflict).to_contain_text("555-0188")
    expect(conflict).to_contain_text("555-0177")
    page.screenshot(path="/tmp/conflict-phone.png", full_page=True)
    page.get_by_role("radio", name="Keep 555-0177 (yours)").check()
    page.get_by_role("button", name="Save profile").click()

    expect(page.locator(".messages")).to_contain_text("Profile saved")
    program.client.refresh_from_db()
    assert (program.client.phone, program.client.goals) == ("555-0177", "Visit my daughter")


def test_pages_and_the_admin_work_under_the_content_security_policy(program, page, sign_in):
    """Nothing the app or the admin needs is blocked: no policy violation on the way."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    sign_in(program.admin)
    for path in ("/", f"/clients/{program.client.pk}/", f"/clients/{program.client.pk}/edit/"):
        page.goto(path)
    page.goto(f"/admin/clients/client/{program.client.pk}/change/")
    expect(page.get_by_role("button", name="Save", exact=True)).to_be_visible()
    assert violations == []
