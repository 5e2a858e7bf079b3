"""Appointment pages: a client's (``/clients/<id>/appointments/…``), the person's week
(``/calendar/``), and the private calendar feed.

Appointments are reached through their client (``get_client_for``) and
``Appointment.objects.visible_to``; a protected one (from a substance-use referral) is shown
only to need-to-know staff and each page that shows one writes the access log.
"""

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clients.access import get_client_for
from housingfirst.access_log import log_access_many
from housingfirst.roles import Role, role_required
from housingfirst.submissions import single_submission
from housingfirst.versioning import StaleEdit

from . import ical, services
from .forms import AppointmentEditForm, AppointmentForm
from .models import Appointment, CalendarFeed

CALENDAR_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR)
CLIENT_PAGE_LIMIT = 10
FEED_PAST_DAYS = 30


def _log_protected(request, appointments):
    log_access_many(request, [a for a in appointments if a.is_protected])


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def client_appointment_section(request, client) -> dict:
    """The client page's coming appointments (one query, plus the access log)."""
    rows = list(
        Appointment.objects.visible_to(request.user)
        .filter(client=client, starts_at__gte=_start_of(timezone.localdate()))
        .select_related("staff")[:CLIENT_PAGE_LIMIT]
    )
    _log_protected(request, rows)
    return {"appointments": rows}


def home_appointments(request, days: int = 7) -> dict:
    """The case manager's home: their appointments today and the next ``days`` days."""
    today = timezone.localdate()
    rows = list(
        Appointment.objects.visible_to(request.user)
        .filter(staff=request.user)
        .between(_start_of(today), _start_of(today + timedelta(days=days + 1)))
        .select_related("client")
    )
    _log_protected(request, rows)
    return {"upcoming_appointments": rows, "appointments_today": today}


@role_required(*CALENDAR_ROLES)
def calendar_week(request):
    today = timezone.localdate()
    asked = parse_date(request.GET.get("week", "") or "") if request.GET.get("week") else None
    first = (asked or today) - timedelta(days=(asked or today).weekday())
    rows = list(
        Appointment.objects.visible_to(request.user)
        .filter(staff=request.user)
        .between(_start_of(first), _start_of(first + timedelta(days=7)))
        .select_related("client")
    )
    _log_protected(request, rows)
    days = [
        {
            "day": first + timedelta(days=n),
            "appointments": [
                a for a in rows if timezone.localdate(a.starts_at) == first + timedelta(days=n)
            ],
        }
        for n in range(7)
    ]
    return render(
        request,
        "appointments/calendar.html",
        {
            "days": days,
            "today": today,
            "previous": first - timedelta(days=7),
            "next": first + timedelta(days=7),
            "first": first,
        },
    )


@require_http_methods(["GET", "POST"])
@single_submission
def appointment_new(request, client_id):
    client = get_client_for(request.user, client_id, change=True)
    form = AppointmentForm(request.POST or None, instance=Appointment(client=client))
    if request.method == "POST" and form.is_valid():
        services.appointment_book(appointment=form.instance, by=request.user)
        messages.success(request, "Appointment booked: it is on your calendar.")
        return redirect("clients:detail", client_id=client.pk)
    return render(
        request,
        "appointments/form.html",
        {"client": client, "form": form, "title": "Book an appointment", "submit": "Book"},
    )


@require_http_methods(["GET", "POST"])
def appointment_edit(request, client_id, appointment_id):
    client = get_client_for(request.user, client_id, change=True)
    appointment = get_object_or_404(
        Appointment.objects.visible_to(request.user).filter(client=client), pk=appointment_id
    )
    form = AppointmentEditForm(request.POST or None, instance=appointment)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_update(
                appointment=form.instance,
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit as stale:
            form.refuse_stale(stale)
        else:
            messages.success(request, form.saved_message("Appointment saved."))
            return redirect("clients:detail", client_id=client.pk)
    _log_protected(request, [appointment])
    return render(
        request,
        "appointments/form.html",
        {"client": client, "form": form, "title": "Change the appointment", "submit": "Save"},
    )


@role_required(*CALENDAR_ROLES)
def feed_settings(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(f"/calendar/feed/{feed.token}.ics") if feed is not None else ""
    return render(request, "appointments/feed.html", {"feed": feed, "feed_url": url})


@require_POST
@role_required(*CALENDAR_ROLES)
def feed_rotate(request):
    services.calendar_feed_rotate(user=request.user)
    messages.success(request, "Your calendar feed has a new address; the old one no longer works.")
    return redirect("appointments:feed")


@require_POST
@role_required(*CALENDAR_ROLES)
def feed_off(request):
    services.calendar_feed_turn_off(user=request.user)
    messages.success(request, "Calendar feed turned off.")
    return redirect("appointments:feed")


@login_not_required
@require_GET
def feed(request, token):
    """The secret-URL feed a calendar app polls (no session): first name and initial only."""
    found = (
        CalendarFeed.objects.filter(token=token, user__is_active=True)
        .select_related("user")
        .first()
    )
    if found is None:
        raise Http404("No such feed")
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    rows = (
        Appointment.objects.visible_to(found.user)
        .filter(staff=found.user, starts_at__gte=since)
        .select_related("client")
    )
    response = HttpResponse(
        ical.calendar(rows, found.name), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, no-store"
    return response
