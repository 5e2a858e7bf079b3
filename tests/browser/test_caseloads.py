"""A supervisor reassigns a client from the caseload review and sees the table update."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def caseload_cell(page, person):
    return page.locator(f'tr[data-case-manager="{person.pk}"] td[data-column="caseload"]')


def test_supervisor_reassigns_a_client_and_the_table_updates(program, page, sign_in):
    own, mate = program.case_manager, program.teammate
    sign_in(program.supervisor)
    page.get_by_role("link", name="Caseloads").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Caseloads")
    expect(caseload_cell(page, own)).to_have_text("1")
    expect(caseload_cell(page, mate)).to_have_text("1")
    expect(page.get_by_role("link", name=program.other_case_manager.get_full_name())).to_have_count(
        0
    )

    page.get_by_role("link", name=own.get_full_name()).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(own.get_full_name())
    page.get_by_label("Select Rosa Parker").check()
    page.get_by_label("New case manager").select_option(label=mate.get_full_name())
    page.get_by_label("Reason").fill("Balancing caseloads")
    page.get_by_role("button", name="Reassign").click()

    expect(page.get_by_role("status")).to_contain_text(
        f"1 client reassigned to {mate.get_full_name()}"
    )
    expect(page.get_by_text("No clients assigned.")).to_be_visible()

    page.get_by_role("link", name="Caseloads", exact=True).first.click()
    expect(caseload_cell(page, own)).to_have_text("0")
    expect(caseload_cell(page, mate)).to_have_text("2")

    page.get_by_role("link", name=mate.get_full_name()).click()
    expect(page.get_by_role("link", name="Rosa Parker", exact=True)).to_be_visible()
