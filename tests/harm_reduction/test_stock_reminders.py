"""Stock reminders for a site's staff: a lot expiring within 30 days, stock under its minimum."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from harm_reduction import services
from reminders import tasks
from reminders.models import Kind, Reminder
from reminders.stock import reminders_stock_sweep

from .factories import SiteStaffFactory, StockMinimumFactory, hand_out, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_staff(program, supplies):
    SiteStaffFactory(site=supplies.site, user=program.case_manager)
    SiteStaffFactory(site=supplies.site, user=program.supervisor)
    return [program.case_manager, program.supervisor]


def stock_reminders(kind):
    return Reminder.objects.filter(kind=kind).order_by("assigned_to_id")


def test_a_lot_expiring_within_30_days_is_a_reminder_for_each_of_the_sites_staff(
    program, supplies, site_staff
):
    today = timezone.localdate()
    lot = receive(
        supplies.site,
        supplies.naloxone,
        5,
        by=program.case_manager,
        expires_in_days=20,
        received_ago=100,
    )
    receive(supplies.site, supplies.naloxone, 5, by=program.case_manager, expires_in_days=200)
    reminders = list(stock_reminders(Kind.STOCK_EXPIRING))
    assert [r.assigned_to for r in reminders] == site_staff
    assert {r.stock_lot_id for r in reminders} == {lot.pk}
    assert {r.due_on for r in reminders} == {today + timedelta(days=20) - timedelta(days=30)}
    assert {r.client_id for r in reminders} == {None}
    # Another site's staff get nothing; the other site's lots are not theirs.
    assert not Reminder.objects.exclude(assigned_to__in=site_staff).exists()


def test_the_expiry_reminder_closes_when_the_lot_is_used_up_or_discarded(
    program, supplies, site_staff
):
    lot = receive(supplies.site, supplies.naloxone, 3, by=program.case_manager, expires_in_days=10)
    hand_out(supplies.site, supplies.naloxone, 1, by=program.case_manager)
    assert stock_reminders(Kind.STOCK_EXPIRING).filter(state="open").count() == 2
    services.discard_record(
        lot=lot,
        quantity=2,
        discarded_on=timezone.localdate(),
        reason="expired",
        by=program.case_manager,
    )
    states = set(stock_reminders(Kind.STOCK_EXPIRING).values_list("state", flat=True))
    assert states == {"resolved"}


def test_stock_under_its_minimum_is_a_reminder_until_it_is_back(program, supplies, site_staff):
    StockMinimumFactory(site=supplies.site, item=supplies.naloxone, minimum=10)
    receive(supplies.site, supplies.naloxone, 12, by=program.case_manager)
    assert not stock_reminders(Kind.STOCK_LOW).exists()
    hand_out(supplies.site, supplies.naloxone, 4, by=program.case_manager)
    low = list(stock_reminders(Kind.STOCK_LOW))
    assert [r.assigned_to for r in low] == site_staff
    assert "fewer than 10 on hand" in low[0].detail()
    receive(supplies.site, supplies.naloxone, 20, by=program.case_manager, lot_number="L2")
    assert set(stock_reminders(Kind.STOCK_LOW).values_list("state", flat=True)) == {"resolved"}


def test_the_sweep_is_idempotent_and_a_done_low_stock_reminder_waits_a_week(
    program, supplies, site_staff, clock
):
    StockMinimumFactory(site=supplies.site, item=supplies.naloxone, minimum=10)
    assert reminders_stock_sweep() == (2, 0)
    assert reminders_stock_sweep() == (0, 0)
    from reminders import services as reminder_services

    for reminder in stock_reminders(Kind.STOCK_LOW):
        reminder_services.reminder_mark_done(reminder=reminder, by=reminder.assigned_to)
    clock.move_to(timezone.now() + timedelta(days=3))
    assert reminders_stock_sweep() == (0, 0)
    clock.move_to(timezone.now() + timedelta(days=6))
    assert reminders_stock_sweep() == (2, 0)


def test_the_daily_task_is_recorded_as_the_job(program, supplies, site_staff):
    StockMinimumFactory(site=supplies.site, item=supplies.naloxone, minimum=10)
    assert tasks.stock_reminders() == {"created": 2, "resolved": 0}
    history = Reminder.history.filter(kind=Kind.STOCK_LOW).first()
    assert history.history_actor == "job:stock_reminders"


def test_stock_reminders_show_on_the_reminders_page_of_their_person_only(
    program, login, supplies, site_staff
):
    StockMinimumFactory(site=supplies.site, item=supplies.naloxone, minimum=10)
    reminders_stock_sweep()
    page = login(program.case_manager).get(reverse("reminders:list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Supplies running low" in text and "Maple Court" in text
    assert "Record stock received" in text
    other = login(program.teammate).get(reverse("reminders:list"))
    shown = [*other.context["overdue"], *other.context["due_today"], *other.context["upcoming"]]
    assert not [r for r in shown if r.kind == Kind.STOCK_LOW]
    mine = stock_reminders(Kind.STOCK_LOW).get(assigned_to=program.case_manager)
    assert (
        login(program.teammate).post(reverse("reminders:done", args=[mine.pk])).status_code == 404
    )
    done = login(program.case_manager).post(reverse("reminders:done", args=[mine.pk]), follow=True)
    assert "Done: Supplies running low for Maple Court." in done.content.decode()


def test_a_reminder_another_sweep_made_meanwhile_is_no_error(program, supplies, site_staff):
    from reminders.stock import _create, stock_wanted

    StockMinimumFactory(site=supplies.site, item=supplies.naloxone, minimum=10)
    reminders_stock_sweep()
    # The same reminders again, as a second sweep racing the first would try to insert them.
    again = list(stock_wanted(timezone.localdate(), {}).values())
    assert _create(again) == 0
    assert stock_reminders(Kind.STOCK_LOW).count() == 2


def test_inactive_sites_and_lots_not_yet_received_are_left_out(program, supplies, site_staff):
    StockMinimumFactory(site=supplies.site, item=supplies.naloxone, minimum=10)
    supplies.site.is_active = False
    supplies.site.save()
    assert reminders_stock_sweep() == (0, 0)
    # A lot received today cannot have been handed out yesterday.
    receive(supplies.other_site, supplies.naloxone, 5, by=program.case_manager, received_ago=0)
    yesterday = timezone.localdate() - timedelta(days=1)
    with pytest.raises(ValidationError):
        hand_out(
            supplies.other_site, supplies.naloxone, 1, by=program.case_manager, given_on=yesterday
        )
