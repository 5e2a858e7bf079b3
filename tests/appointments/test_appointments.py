"""Appointments: booked by a case manager or by a referral's scheduled step; on the client
page, the home page and /calendar/; a reminder the day before; the private feed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from appointments import services
from appointments.models import Appointment, CalendarFeed
from housingfirst.models import AccessLogEntry
from referrals.models import Referral, ServiceType
from reminders.models import Kind, Reminder
from reminders.services import reminders_generate
from tests.referrals.factories import referral_at, substance_use_provider

pytestmark = pytest.mark.django_db


def book(program, days=3, **fields):
    fields.setdefault("what", "Court date")
    fields.setdefault("place", "County courthouse, room 4")
    return services.appointment_book(
        appointment=Appointment(
            client=fields.pop("client", program.client),
            starts_at=timezone.now() + timedelta(days=days),
            **fields,
        ),
        by=program.case_manager,
    )


def form(when, **values):
    return {
        "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
        "what": "Home visit",
        "place": "Flat 2",
        **values,
    }


def test_case_manager_books_an_appointment_shown_on_client_page_home_and_calendar(program, login):
    browser = login(program.case_manager)
    when = timezone.localtime() + timedelta(days=2)
    response = browser.post(
        reverse("client_appointments:new", args=[program.client.pk]), form(when)
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.staff == program.case_manager
    assert appointment.history.get().history_user == program.case_manager
    assert (
        "Flat 2"
        in browser.get(reverse("clients:detail", args=[program.client.pk])).content.decode()
    )
    assert browser.get(reverse("home")).context["upcoming_appointments"] == [appointment]
    week = browser.get(reverse("appointments:calendar"), {"week": when.date().isoformat()})
    assert appointment in [a for day in week.context["days"] for a in day["appointments"]]


def test_an_appointment_in_the_past_needs_already_happened(program, login):
    browser = login(program.case_manager)
    past = timezone.localtime() - timedelta(days=2)
    target = reverse("client_appointments:new", args=[program.client.pk])
    response = browser.post(target, form(past))
    assert response.status_code == 200 and "starts_at" in response.context["form"].errors
    assert not Appointment.objects.exists()
    assert browser.post(target, form(past, already_happened="on")).status_code == 302


@pytest.mark.parametrize("values", [{"place": ""}, {"starts_at": "nonsense"}, {"what": "x" * 201}])
def test_bad_appointment_input_gives_field_errors(program, login, values):
    when = timezone.localtime() + timedelta(days=2)
    response = login(program.case_manager).post(
        reverse("client_appointments:new", args=[program.client.pk]), form(when, **values)
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Appointment.objects.exists()


def test_access_to_appointment_pages(program, login):
    appointment = book(program)
    new = reverse("client_appointments:new", args=[program.client.pk])
    edit = reverse("client_appointments:edit", args=[program.client.pk, appointment.pk])
    for who in ("other_case_manager", "other_supervisor"):
        assert login(getattr(program, who)).get(new).status_code == 404
        assert login(getattr(program, who)).get(edit).status_code == 404
    assert login(program.auditor).get(new).status_code == 403
    assert login(program.auditor).post(new, {}).status_code == 403
    assert login(program.supervisor).get(edit).status_code == 200
    assert login(program.auditor).get(reverse("appointments:calendar")).status_code == 403
    assert login(program.admin).get(reverse("appointments:calendar")).status_code == 403
    assert login(program.supervisor).get(reverse("appointments:calendar")).status_code == 200


def test_the_scheduled_step_records_date_time_and_place_and_makes_an_appointment(program, login):
    referral = referral_at(Referral.Status.SENT, client=program.client, by=program.case_manager)
    url = reverse("client_referrals:schedule", args=[program.client.pk, referral.pk])
    browser = login(program.case_manager)
    response = browser.post(url, {"day": "", "time": "", "place": ""})
    assert response.status_code == 200 and set(response.context["form"].errors) == {
        "day",
        "time",
        "place",
    }
    day = timezone.localdate() + timedelta(days=5)
    browser.post(url, {"day": day.isoformat(), "time": "14:30", "place": "Harbor clinic"})
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SCHEDULED
    assert timezone.localtime(referral.appointment_at).strftime("%H:%M") == "14:30"
    appointment = Appointment.objects.get()
    assert (appointment.referral, appointment.place, appointment.staff) == (
        referral,
        "Harbor clinic",
        program.case_manager,
    )


def test_a_protected_referral_appointment_is_need_to_know(program, login):
    referral = referral_at(
        Referral.Status.SENT,
        client=program.client,
        by=program.case_manager,
        provider=substance_use_provider(),
        service_type=ServiceType.SUBSTANCE_USE,
    )
    from referrals import services as referral_services

    referral_services.referral_move(
        referral=referral,
        to=Referral.Status.SCHEDULED,
        by=program.case_manager,
        appointment_at=timezone.now() + timedelta(days=2),
        appointment_place="Riverside clinic",
    )
    appointment = Appointment.objects.get()
    assert appointment.is_protected and "Substance" not in appointment.what
    login(program.auditor).get(reverse("clients:detail", args=[program.client.pk]))
    assert not AccessLogEntry.objects.exists()
    login(program.case_manager).get(reverse("clients:detail", args=[program.client.pk]))
    from django.contrib.contenttypes.models import ContentType

    logged = AccessLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Appointment), object_id=str(appointment.pk)
    )
    assert logged.count() == 1


def test_a_reminder_is_due_the_day_before(program, clock, today):
    appointment = book(program, days=5)
    reminders_generate()
    reminder = Reminder.objects.get(kind=Kind.APPOINTMENT_TOMORROW)
    assert reminder.appointment == appointment
    assert reminder.due_on == timezone.localdate(appointment.starts_at) - timedelta(days=1)
    assert reminder.assigned_to == program.case_manager


# The calendar feed ----------------------------------------------------------------------


def feed_url(token):
    return reverse("appointments:feed_ics", args=[token])


def test_the_feed_has_no_surname_no_service_type_and_no_protected_place(program, login, client):
    book(program, what="Substance use counselling intake", place="Main St 5")
    referral = referral_at(
        Referral.Status.SENT,
        client=program.client,
        by=program.case_manager,
        provider=substance_use_provider(),
        service_type=ServiceType.SUBSTANCE_USE,
    )
    from referrals import services as referral_services

    referral_services.referral_move(
        referral=referral,
        to=Referral.Status.SCHEDULED,
        by=program.case_manager,
        appointment_at=timezone.now() + timedelta(days=2),
        appointment_place="Secret recovery clinic",
    )
    login(program.case_manager).post(reverse("appointments:feed_rotate"))
    token = CalendarFeed.objects.get(user=program.case_manager).token
    client.logout()
    response = client.get(feed_url(token))
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:Appointment with Rosa P." in body
    assert "Parker" not in body
    assert "ubstance" not in body and "Secret recovery clinic" not in body
    assert "LOCATION:Main St 5" in body


def test_the_feed_stops_working_after_rotation(program, login, client):
    browser = login(program.case_manager)
    browser.post(reverse("appointments:feed_rotate"))
    old = CalendarFeed.objects.get().token
    browser.post(reverse("appointments:feed_rotate"))
    new = CalendarFeed.objects.get().token
    assert new != old
    client.logout()
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200
    history = CalendarFeed.history.all()
    assert all(old not in (row.token or "") for row in history)  # history keeps no token
    login(program.case_manager).post(reverse("appointments:feed_off"))
    client.logout()
    assert client.get(feed_url(new)).status_code == 404
    assert client.get(feed_url("guess")).status_code == 404


def test_calendar_queries_do_not_grow(program, login, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = login(program.case_manager)
    for n in range(10):
        book(program, days=1 + n % 5)
    browser.get(reverse("appointments:calendar"))
    with CaptureQueriesContext(connection) as few:
        browser.get(reverse("appointments:calendar"))
    for n in range(40):
        book(program, days=1 + n % 5)
    with django_assert_max_num_queries(len(few)):
        browser.get(reverse("appointments:calendar"))
