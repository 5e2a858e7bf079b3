"""On a phone, a case manager logs a home visit from the client page and sees it in the timeline."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from placements.models import Contact
from tests.placements.factories import housed

pytestmark = pytest.mark.django_db(transaction=True)


def test_case_manager_logs_a_home_visit_and_sees_it_in_the_timeline(program, page, sign_in):
    move_in = timezone.localdate() - timedelta(days=10)
    housed(program.client, move_in, address="12 Elm St, Apt 4")
    sign_in(program.case_manager)
    page.goto(f"/clients/{program.client.pk}/")
    housing = page.get_by_role("region", name="Housing", exact=True)
    expect(housing).to_contain_text("12 Elm St, Apt 4")
    expect(housing).to_contain_text("Overdue")  # nobody has visited since the move-in

    housing.get_by_role("link", name="Log a home visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a home visit")
    expect(page.get_by_label("Home visit")).to_be_checked()
    page.get_by_label("Note").fill("Fixed the smoke alarm together.")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("Home visit logged.")
    latest = page.get_by_role("region", name="Timeline").get_by_role("listitem").first
    expect(latest).to_contain_text("Home visit")
    expect(latest).to_contain_text("Fixed the smoke alarm together.")
    expect(latest).to_contain_text(program.case_manager.get_full_name())
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    housing = page.get_by_role("region", name="Housing", exact=True)
    expect(housing).to_contain_text(due)  # the next visit is a week from today
    expect(housing).not_to_contain_text("Overdue")
    assert Contact.objects.get().made_by == program.case_manager
