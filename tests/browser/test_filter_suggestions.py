"""The search fields with suggestions of /audit/, /audit/access/ and /reminders/, in a real
browser under the app's CSP: typing fills the <datalist> from the suggest endpoint, a picked
suggestion filters the page, and axe-core finds nothing on the pages with suggestions shown."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import AXE, describe, run_axe
from tests.reminders.conftest import days
from tests.reminders.factories import reminder_for

pytestmark = pytest.mark.django_db(transaction=True)


def suggestions(page, field):
    return page.locator(f"datalist#{field.get_attribute('id')}-suggestions option")


def assert_axe_after_typing(chromium, live_server, page, path, text):
    """axe over the page once suggestions for ``text`` are shown, as the signed-in person
    sees it (on a context of its own: axe, not the app, needs the CSP bypassed)."""
    context = chromium.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        bypass_csp=True,
        storage_state=page.context.storage_state(),
    )
    try:
        axe_page = context.new_page()
        axe_page.goto(path)
        details = axe_page.locator("details.audit-filters")
        if details.count():
            details.locator("summary").click()
        field = axe_page.locator("input[data-suggest-url]")
        field.press_sequentially(text, delay=20)
        expect(suggestions(axe_page, field).first).to_be_attached()
        violations = run_axe(axe_page, AXE.read_text(encoding="utf-8"))
        assert not violations, describe(path, violations)
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/audit/", "/audit/access/"])
def test_auditor_picks_a_person_from_the_suggestions(
    program, page, sign_in, chromium, live_server, path
):
    sign_in(program.auditor)
    page.goto(path)
    page.get_by_text("Filter", exact=True).click()
    field = page.get_by_label("Person (name or user name)")
    field.press_sequentially("sup_", delay=20)
    options = suggestions(page, field)
    expect(options).to_have_count(2)
    assert sorted(options.evaluate_all("os => os.map(o => o.value)")) == ["sup_other", "sup_own"]
    field.fill("sup_own")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".audit-filter-summary")).to_have_text(program.supervisor.get_full_name())
    assert_axe_after_typing(chromium, live_server, page, path, "sup_")


def test_supervisor_picks_a_client_of_their_team_from_the_suggestions(
    program, page, sign_in, chromium, live_server
):
    for client in (program.client, program.teammate_client, program.other_client):
        reminder_for(client, due_on=days(-1))
    sign_in(program.supervisor)
    page.goto("/reminders/")
    field = page.get_by_label("Client (name or number)")
    field.press_sequentially("Te", delay=20)
    options = suggestions(page, field)
    # Tom Teammate, never Olga Other of the other team (nor anyone outside the reminders).
    expect(options).to_have_count(1)
    assert options.first.get_attribute("value") == f"Tom Teammate (#{program.teammate_client.pk})"
    field.fill(options.first.get_attribute("value"))
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status")).to_have_text(
        f"Showing the reminders of Tom Teammate (#{program.teammate_client.pk})."
    )
    assert_axe_after_typing(chromium, live_server, page, "/reminders/", "Park")
