"""``/reminders/``, the done and snooze actions, the nav count, the client and home pages:
who may and who may not, and query counts that do not grow with the number of reminders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from referrals.models import Referral, ServiceType
from reminders import context_processors
from reminders.models import Kind, Reminder
from tests.factories import client_of
from tests.referrals.factories import referral_at, substance_use_provider

from .conftest import days
from .factories import reminder_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
LIST = "/reminders/"


def done_url(reminder):
    return reverse("reminders:done", args=[reminder.pk])


def snooze_url(reminder):
    return reverse("reminders:snooze", args=[reminder.pk])


@pytest.mark.parametrize(
    "who, status",
    [
        ("case_manager", 200),
        ("teammate", 200),
        ("supervisor", 200),
        ("other_supervisor", 200),
        ("auditor", 403),
        ("admin", 403),
    ],
)
def test_reminder_list_is_for_case_managers_and_supervisors(program, login, who, status):
    assert login(getattr(program, who)).get(LIST).status_code == status


def test_signed_out_visitors_go_to_the_login_page(client, program):
    reminder = reminder_for(program.client)
    assert client.get(LIST).url.startswith("/accounts/login/")
    response = client.post(done_url(reminder))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.OPEN


@pytest.mark.parametrize(
    "who, sees",
    [
        ("case_manager", True),
        ("supervisor", True),
        ("teammate", False),
        ("other_case_manager", False),
        ("other_supervisor", False),
    ],
)
def test_a_reminder_is_listed_for_its_person_and_the_team_supervisors(program, login, who, sees):
    reminder_for(program.client, due_on=days(-1))
    response = login(getattr(program, who)).get(LIST)
    assert (program.client.display_name in response.content.decode()) is sees


@pytest.mark.parametrize(
    "who, status, closed",
    [
        ("case_manager", 302, True),
        ("supervisor", 302, True),
        ("teammate", 404, False),
        ("other_case_manager", 404, False),
        ("other_supervisor", 404, False),
        ("auditor", 403, False),
        ("admin", 403, False),
    ],
)
def test_only_its_person_and_the_team_supervisors_mark_a_reminder_done(
    program, login, who, status, closed
):
    reminder = reminder_for(program.client, due_on=days(-1))
    user = getattr(program, who)

    response = login(user).post(done_url(reminder))

    assert response.status_code == status
    reminder.refresh_from_db()
    assert (reminder.state == Reminder.State.DONE) is closed
    if closed:
        assert response.url == LIST
        assert reminder.closed_by == user and reminder.closed_at is not None
        row = reminder.history.first()
        assert (row.history_user, row.history_change_reason) == (user, "Marked done")


@pytest.mark.parametrize(
    "who, status",
    [
        ("case_manager", 200),
        ("supervisor", 200),
        ("teammate", 404),
        ("other_supervisor", 404),
        ("auditor", 403),
    ],
)
def test_only_its_person_and_the_team_supervisors_snooze_a_reminder(program, login, who, status):
    reminder = reminder_for(program.client)
    signed_in = login(getattr(program, who))
    assert signed_in.get(snooze_url(reminder)).status_code == status
    response = signed_in.post(snooze_url(reminder), {"until": days(3).isoformat()})
    assert response.status_code == (302 if status == 200 else status)
    reminder.refresh_from_db()
    assert (reminder.state == Reminder.State.SNOOZED) is (status == 200)


def test_done_answers_only_posts(program, login):
    reminder = reminder_for(program.client)
    assert login(program.case_manager).get(done_url(reminder)).status_code == 405


def test_an_unknown_reminder_is_not_found(program, login):
    assert login(program.case_manager).post("/reminders/999999/done/").status_code == 404


def test_marking_a_closed_reminder_done_changes_nothing(program, login):
    reminder = reminder_for(program.client)
    signed_in = login(program.case_manager)
    signed_in.post(done_url(reminder))
    history_rows = reminder.history.count()

    response = signed_in.post(done_url(reminder), follow=True)

    assert "already done" in response.content.decode()
    assert reminder.history.count() == history_rows


def test_snoozing_needs_a_day_after_today(program, login):
    reminder = reminder_for(program.client)
    signed_in = login(program.case_manager)
    for day in (days(-1), days(0), days(400), "not a date"):
        response = signed_in.post(snooze_url(reminder), {"until": str(day)})
        assert response.status_code == 200
        assert 'aria-invalid="true"' in response.content.decode()
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.OPEN


def test_a_snoozed_reminder_comes_back_on_its_day(program, login, clock):
    reminder = reminder_for(program.client, due_on=days(-2))
    signed_in = login(program.case_manager)
    signed_in.post(snooze_url(reminder), {"until": days(3).isoformat()})
    assert Reminder.objects.visible_to(program.case_manager).due().count() == 0
    page = signed_in.get(LIST).content.decode()
    assert "snoozed" in page and "back on 2025-03-18" in page

    clock.move_to("2025-03-18 09:00-04:00")

    assert list(Reminder.objects.visible_to(program.case_manager).due()) == [reminder]
    signed_in = login(program.case_manager)  # the idle session expired meanwhile
    assert 'Reminders <span class="count">1' in signed_in.get("/").content.decode()


def test_the_list_sorts_overdue_today_and_upcoming(program, login):
    overdue = reminder_for(program.client, due_on=days(-3))
    today = reminder_for(program.client, kind=Kind.NO_CONTACT, due_on=days(0))
    upcoming = reminder_for(program.client, kind=Kind.LEASE_ENDING, due_on=days(4))
    closed = reminder_for(program.client, due_on=days(-5), state=Reminder.State.DONE)

    response = login(program.case_manager).get(LIST)

    assert [r.pk for r in response.context["overdue"]] == [overdue.pk]
    assert [r.pk for r in response.context["due_today"]] == [today.pk]
    assert [r.pk for r in response.context["upcoming"]] == [upcoming.pk]
    assert closed.pk not in [r.pk for r in response.context["overdue"]]


def test_the_list_filters_by_client_and_kind(program, login):
    other = client_of(program.case_manager, first_name="Ona", last_name="Second")
    mine = reminder_for(program.client, due_on=days(-1))
    reminder_for(other, due_on=days(-1))
    lease = reminder_for(program.client, kind=Kind.LEASE_ENDING, due_on=days(-1))
    signed_in = login(program.case_manager)

    by_client = signed_in.get(LIST, {"client": program.client.pk}).context["overdue"]
    assert {r.pk for r in by_client} == {mine.pk, lease.pk}
    by_kind = signed_in.get(LIST, {"kind": Kind.LEASE_ENDING}).context["overdue"]
    assert [r.pk for r in by_kind] == [lease.pk]
    # A client outside the person's reminders is not a valid choice.
    response = signed_in.get(LIST, {"client": program.other_client.pk})
    assert response.context["form"].errors


def test_the_list_never_names_a_substance_use_referral(program, login):
    cm = program.case_manager
    protected = referral_at(
        Referral.Status.ACCEPTED,
        client=program.client,
        by=cm,
        provider=substance_use_provider(name="Bridgeway Recovery"),
        service_type=ServiceType.SUBSTANCE_USE,
    )
    other = referral_at(Referral.Status.ACCEPTED, client=program.client, by=cm)
    reminder_for(program.client, kind=Kind.REFERRAL_FOLLOW_UP, referral=protected)
    reminder_for(program.client, kind=Kind.REFERRAL_FOLLOW_UP, referral=other, due_on=days(1))

    page = login(cm).get(LIST).content.decode()

    assert "Follow up on a referral" in page
    assert "Bridgeway" not in page and "Substance" not in page
    assert f"Mental health referral to {other.provider.name}" in page


def test_done_goes_back_to_a_local_page_only(program, login):
    reminder = reminder_for(program.client)
    signed_in = login(program.case_manager)
    response = signed_in.post(done_url(reminder), {"next": "https://evil.example/"})
    assert response.url == LIST
    other = reminder_for(program.client, kind=Kind.NO_CONTACT)
    client_page = f"/clients/{program.client.pk}/"
    assert signed_in.post(done_url(other), {"next": client_page}).url == client_page


@pytest.mark.parametrize("target", ["abc", "reminders:list", "//evil.example/", "javascript:x"])
def test_a_next_that_is_not_a_path_falls_back_without_an_error(program, login, target):
    """The adversarial finding: ``next=abc`` answered 500 after the action had succeeded."""
    signed_in = login(program.case_manager)
    done = signed_in.post(done_url(reminder_for(program.client)), {"next": target})
    assert (done.status_code, done.url) == (302, LIST)
    snoozed = reminder_for(program.client, kind=Kind.NO_CONTACT)
    until = days(3).isoformat()
    response = signed_in.post(snooze_url(snoozed), {"until": until, "next": target})
    assert (response.status_code, response.url) == (302, LIST)


def _many_reminders(program, count, start=0):
    cm = program.case_manager
    kinds = [Kind.VISIT_DUE, Kind.LEASE_ENDING, Kind.NO_CONTACT, Kind.REFERRAL_FOLLOW_UP]
    for n in range(count):
        client = Client.objects.get(pk=program.client.pk)
        kind = kinds[n % len(kinds)]
        extra = {}
        if kind == Kind.REFERRAL_FOLLOW_UP:
            extra["referral"] = referral_at(Referral.Status.ACCEPTED, client=client, by=cm)
        reminder_for(client, kind=kind, due_on=days(start + n - count // 2), **extra)


def _queries(signed_in, url):
    with CaptureQueriesContext(connection) as queries:
        assert signed_in.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["case_manager", "supervisor"])
def test_the_list_takes_the_same_queries_for_2_or_12_reminders(program, login, who):
    signed_in = login(getattr(program, who))
    _many_reminders(program, 2)
    _queries(signed_in, LIST)  # warm the caches (content types) first
    few = _queries(signed_in, LIST)
    _many_reminders(program, 10, start=20)
    many = _queries(signed_in, LIST)
    assert Reminder.objects.count() == 12
    assert many == few


def test_the_client_page_takes_the_same_queries_for_2_or_12_reminders(program, login):
    signed_in = login(program.case_manager)
    page = f"/clients/{program.client.pk}/"
    _many_reminders(program, 2)
    few = _queries(signed_in, page)
    _many_reminders(program, 10, start=20)
    many = _queries(signed_in, page)
    assert many == few


def test_the_nav_shows_the_due_count(program, login):
    reminder_for(program.client, due_on=days(-1))
    reminder_for(program.client, kind=Kind.NO_CONTACT, due_on=days(0))
    reminder_for(program.client, kind=Kind.LEASE_ENDING, due_on=days(3))  # not due yet
    reminder_for(program.teammate_client, due_on=days(-1))

    mine = login(program.case_manager).get("/").content.decode()
    assert 'Reminders <span class="count">2<span class="visually-hidden"> due' in mine
    team = login(program.supervisor).get("/").content.decode()
    assert 'Reminders <span class="count">3<' in team
    assert "/reminders/" not in login(program.auditor).get("/clients/").content.decode()


def test_the_client_page_shows_the_clients_follow_ups_to_the_right_people(program, login):
    reminder_for(program.client, due_on=days(-1))
    page = f"/clients/{program.client.pk}/"

    own = login(program.case_manager).get(page).content.decode()
    assert 'id="reminders-heading"' in own and "Log a visit" in own
    assert 'id="reminders-heading"' in login(program.supervisor).get(page).content.decode()
    auditor = login(program.auditor).get(page)
    assert auditor.status_code == 200 and 'id="reminders-heading"' not in auditor.content.decode()


def test_the_home_page_lists_what_is_due(program, login):
    reminder_for(program.client, due_on=days(-1))
    reminder_for(program.client, kind=Kind.LEASE_ENDING, due_on=days(5))

    response = login(program.case_manager).get("/")

    assert [r.kind for r in response.context["due_reminders"]] == [Kind.VISIT_DUE]
    page = response.content.decode()
    assert "Due follow-ups" in page and program.client.display_name in page


def test_the_nav_stops_counting_past_its_limit(program, login, monkeypatch):
    monkeypatch.setattr(context_processors, "NAV_COUNT_UP_TO", 2)
    for kind in (Kind.NO_CONTACT, Kind.LEASE_ENDING, Kind.VISIT_DUE):
        reminder_for(program.client, kind=kind, due_on=days(-1))
    page = login(program.case_manager).get("/").content.decode()
    assert (
        '<span class="count"><span aria-hidden="true">2+</span>'
        '<span class="visually-hidden"> more than 2 due</span></span>' in page
    )
    monkeypatch.setattr(context_processors, "NAV_COUNT_UP_TO", 3)
    page = login(program.case_manager).get("/").content.decode()
    assert 'Reminders <span class="count">3<span class="visually-hidden"> due' in page
