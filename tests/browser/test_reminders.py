"""On a phone, a case manager sees what is due on the home page, logs the visit from the
reminder, marks one done (and undoes it, and marks it again) and snoozes another with a quick
choice; the count in the navigation follows. One lapse makes one reminder, not two."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from housingfirst.celery import app as celery_app
from reminders import services
from reminders.models import Kind, Reminder
from tests.placements.factories import housed, visit
from tests.referrals.factories import referral_at

pytestmark = pytest.mark.django_db(transaction=True)


def screenshot(page, name):
    """Saved when BROWSER_SCREENSHOTS names a directory (to look at the pages at 390 px)."""
    if directory := os.environ.get("BROWSER_SCREENSHOTS"):
        page.screenshot(path=os.path.join(directory, f"{name}.png"), full_page=True)


@pytest.fixture
def eager_tasks():
    # The refresh enqueued after a visit runs in the live server's thread, not on a broker.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_case_manager_acts_on_due_reminders(program, page, sign_in, eager_tasks):
    today = timezone.localdate()
    cm = program.case_manager
    housed(
        program.client,
        today - timedelta(days=200),
        address="12 Elm St, Apt 4",
        lease_end=today + timedelta(days=40),
    )
    visit(program.client, today - timedelta(days=45), by=cm)
    referral_at("offered", client=program.client, by=cm, follow_up_on=today - timedelta(days=1))
    services.reminders_generate()
    # Visit (the lapse's one reminder, no second "no contact"), referral follow-up, lease.
    assert Reminder.objects.pending().count() == 3
    assert not Reminder.objects.filter(kind=Kind.NO_CONTACT).exists()

    sign_in(cm)
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Reminders 3 due")).to_be_visible()
    due = page.get_by_role("region", name="Due follow-ups")
    expect(due.get_by_role("listitem")).to_have_count(3)
    expect(due).not_to_contain_text("No contact for a while")
    expect(due).to_contain_text(program.client.display_name)

    # Doing the thing closes the reminder by itself.
    visit_item = due.get_by_role("listitem").filter(has_text="Home visit due")
    visit_item.get_by_role("link", name="Log a visit").click()
    expect(page.get_by_label("Home visit")).to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Home visit logged.")
    followups = page.get_by_role("region", name="Follow-ups")
    expect(followups).to_contain_text("Referral follow-up")
    expect(followups).not_to_contain_text("Home visit due")

    page.goto("/reminders/")
    overdue = page.get_by_role("region", name="Overdue")
    expect(overdue.get_by_role("listitem")).to_have_count(2)
    overdue.get_by_role("button", name="Done: Referral follow-up").click()
    expect(page.get_by_role("status")).to_contain_text("Done: Referral follow-up")
    expect(page.get_by_role("status")).to_contain_text("You can undo it for 10 minutes")
    expect(nav.get_by_role("link", name="Reminders 1 due")).to_be_visible()
    just_done = page.get_by_role("list", name="Just marked done")
    expect(just_done).to_contain_text("Referral follow-up")
    screenshot(page, "reminders-just-done")

    # A mistaken tap: undo puts it back where it was.
    just_done.get_by_role("button", name="Undo done: Referral follow-up").click()
    expect(page.get_by_role("status")).to_contain_text("is due again")
    expect(nav.get_by_role("link", name="Reminders 2 due")).to_be_visible()
    expect(page.get_by_role("list", name="Just marked done")).to_have_count(0)
    expect(page.get_by_role("region", name="Overdue").get_by_role("listitem")).to_have_count(2)
    page.get_by_role("region", name="Overdue").get_by_role(
        "button", name="Done: Referral follow-up"
    ).click()
    expect(nav.get_by_role("link", name="Reminders 1 due")).to_be_visible()
    history = Reminder.history.filter(kind=Kind.REFERRAL_FOLLOW_UP).order_by("history_id")
    assert [row.history_change_reason for row in history][-3:] == [
        "Marked done",
        "Undone: no longer marked done",
        "Marked done",
    ]

    lease = page.get_by_role("region", name="Overdue").get_by_role("listitem")
    expect(lease).to_contain_text("Lease at 12 Elm St, Apt 4 ends")
    lease.get_by_role("link", name="Snooze: Lease ending").click()
    screenshot(page, "reminders-snooze")
    page.get_by_role("button", name="Next week").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Snoozed until {today + timedelta(days=7):%Y-%m-%d}"
    )
    expect(page.get_by_role("region", name="Overdue")).to_contain_text("Nothing overdue.")
    expect(page.get_by_role("region", name="Upcoming")).to_contain_text("back on")
    expect(nav.get_by_role("link", name="Reminders", exact=True)).to_be_visible()
    assert Reminder.objects.get(kind=Kind.LEASE_ENDING).state == Reminder.State.SNOOZED
