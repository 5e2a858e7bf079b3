""" "Done" can be taken back for ten minutes by the person who tapped it (history keeps both);
after that, or for anyone else, nothing changes. The snooze page's quick choices."""

from datetime import timedelta

import pytest
from django.urls import reverse

from housingfirst.undo import UndoRefused
from reminders import services
from reminders.models import Reminder

from .conftest import days
from .factories import reminder_for

pytestmark = [pytest.mark.django_db]
LIST = "/reminders/"


def undo_url(reminder):
    return reverse("reminders:undo_done", args=[reminder.pk])


def test_the_person_who_marked_it_done_undoes_it_within_ten_minutes(program, clock):
    reminder = reminder_for(program.client, due_on=days(-1))
    services.reminder_mark_done(reminder=reminder, by=program.case_manager)
    clock.shift(timedelta(minutes=9, seconds=59))
    services.reminder_undo_done(reminder=reminder, by=program.case_manager)
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.OPEN
    assert reminder.closed_at is None and reminder.closed_by is None
    row = reminder.history.first()
    assert (row.history_user, row.history_change_reason) == (
        program.case_manager,
        "Undone: no longer marked done",
    )
    assert [r.state for r in reminder.history.order_by("history_id")] == ["open", "done", "open"]


def test_a_snoozed_reminder_marked_done_comes_back_snoozed(program, clock):
    reminder = reminder_for(program.client, due_on=days(-1))
    services.reminder_snooze(reminder=reminder, until=days(5), by=program.case_manager)
    services.reminder_mark_done(reminder=reminder, by=program.case_manager)
    services.reminder_undo_done(reminder=reminder, by=program.case_manager)
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SNOOZED and reminder.snoozed_until == days(5)


def test_undo_is_refused_after_ten_minutes(program, clock):
    reminder = reminder_for(program.client, due_on=days(-1))
    services.reminder_mark_done(reminder=reminder, by=program.case_manager)
    clock.shift(timedelta(minutes=10, seconds=1))
    with pytest.raises(UndoRefused, match="more than 10 minutes ago"):
        services.reminder_undo_done(reminder=reminder, by=program.case_manager)
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.DONE


def test_undo_is_refused_for_someone_else(program, clock):
    reminder = reminder_for(program.client, due_on=days(-1))
    services.reminder_mark_done(reminder=reminder, by=program.case_manager)
    with pytest.raises(UndoRefused, match="Only the person who recorded"):
        services.reminder_undo_done(reminder=reminder, by=program.supervisor)
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.DONE


def test_a_resolved_reminder_cannot_be_undone(program, clock):
    reminder = reminder_for(program.client, due_on=days(-1))
    reminder.state = Reminder.State.RESOLVED
    reminder.save()
    with pytest.raises(UndoRefused, match="not marked done"):
        services.reminder_undo_done(reminder=reminder, by=program.case_manager)


# The pages ------------------------------------------------------------------------------


def test_just_done_reminders_show_with_their_undo_on_the_list_home_and_client_page(
    program, login, clock
):
    reminder = reminder_for(program.client, due_on=days(-1))
    browser = login(program.case_manager)
    response = browser.post(reverse("reminders:done", args=[reminder.pk]))
    assert response.status_code == 302
    for url in (LIST, "/", reverse("clients:detail", args=[program.client.pk])):
        content = browser.get(url).content.decode()
        assert undo_url(reminder) in content, url
    # Someone else does not see the undo; nor does the maker after ten minutes.
    assert undo_url(reminder) not in login(program.supervisor).get(LIST).content.decode()
    clock.shift(timedelta(minutes=11))
    assert undo_url(reminder) not in login(program.case_manager).get(LIST).content.decode()


def test_undo_from_the_page_goes_back_where_it_was(program, login, clock):
    reminder = reminder_for(program.client, due_on=days(-1))
    browser = login(program.case_manager)
    browser.post(reverse("reminders:done", args=[reminder.pk]))
    response = browser.post(undo_url(reminder), {"next": "/"})
    assert response.status_code == 302 and response.url == "/"
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.OPEN


@pytest.mark.parametrize(
    "who, status",
    [("supervisor", 302), ("teammate", 404), ("other_supervisor", 404), ("auditor", 403)],
)
def test_undo_page_access_and_refusal_for_others(program, login, clock, who, status):
    reminder = reminder_for(program.client, due_on=days(-1))
    services.reminder_mark_done(reminder=reminder, by=program.case_manager)
    response = login(getattr(program, who)).post(undo_url(reminder))
    assert response.status_code == status
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.DONE


def test_undo_after_ten_minutes_changes_nothing_and_says_why(program, login, clock):
    reminder = reminder_for(program.client, due_on=days(-1))
    browser = login(program.case_manager)
    browser.post(reverse("reminders:done", args=[reminder.pk]))
    clock.shift(timedelta(minutes=10, seconds=1))
    response = browser.post(undo_url(reminder), follow=True)
    assert "can no longer be undone" in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.DONE


def test_undo_answers_only_posts(program, login, clock):
    reminder = reminder_for(program.client, due_on=days(-1))
    assert login(program.case_manager).get(undo_url(reminder)).status_code == 405


@pytest.mark.parametrize("quick, offset", [("tomorrow", 1), ("next_week", 7), ("two_weeks", 14)])
def test_snooze_quick_choices(program, login, clock, quick, offset):
    reminder = reminder_for(program.client, due_on=days(-1))
    url = reverse("reminders:snooze", args=[reminder.pk])
    page = login(program.case_manager).get(url).content.decode()
    assert f'name="quick" value="{quick}"' in page
    response = login(program.case_manager).post(url, {"quick": quick})
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SNOOZED
    assert reminder.snoozed_until == days(offset)
