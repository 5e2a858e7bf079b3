"""``/reminders/``: the person's follow-ups (their teams' for a supervisor), done and snooze.

Every reminder is fetched through ``Reminder.objects.visible_to(user)``: the person it is for
and the supervisors of the client's team see and act on it; for anyone else it does not exist
(404). Auditors and administrators hold no caseload: the pages answer 403 (auditors read the
reminders' history in the change log). Nothing here names the service type or provider of a
substance-use referral or consent, so these pages write no access-log entries.
"""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from housingfirst.forms import suggestion_text
from housingfirst.redirects import safe_next_url
from housingfirst.roles import Role, is_role, role_required
from housingfirst.undo import UNDO_MINUTES, UndoRefused

from . import services
from .forms import ReminderFilterForm, SnoozeForm, client_number, client_suggestion
from .models import Reminder

REMINDER_ROLES = (Role.CASE_MANAGER, Role.SUPERVISOR)
LIST_LIMIT = 300
CLIENT_PAGE_LIMIT = 20
HOME_PAGE_LIMIT = 20
SUGGESTION_LIMIT = 10


def _with_subjects(reminders):
    return reminders.select_related(
        "client",
        "assigned_to",
        "placement",
        "referral__provider",
        "consent__provider",
        "duplicate_pair",
        "stock_lot__site",
        "stock_lot__item",
        "stock_minimum__site",
        "stock_minimum__item",
        "plan",
        "appointment",
    )


def _split_just_done(reminders):
    """(pending, just done): the person's own "Done" taps that can still be undone."""
    pending = [reminder for reminder in reminders if reminder.is_pending]
    return pending, [reminder for reminder in reminders if reminder.is_done]


def sections(reminders, today) -> dict:
    """Split loaded reminders (annotated with ``acts_on``) into overdue, today and upcoming,
    and those just marked done (``just_done``, with their undo)."""
    reminders, just_done = _split_just_done(reminders)
    overdue, due_today, upcoming = [], [], []
    for reminder in reminders:
        reminder.overdue = reminder.acts_on < today
        if reminder.acts_on < today:
            overdue.append(reminder)
        elif reminder.acts_on == today:
            due_today.append(reminder)
        else:
            upcoming.append(reminder)
    return {
        "overdue": overdue,
        "due_today": due_today,
        "upcoming": upcoming,
        "just_done": just_done,
    }


@role_required(*REMINDER_ROLES)
def reminder_list(request):
    today = timezone.localdate()
    visible = Reminder.objects.visible_to(request.user)
    form = ReminderFilterForm(request.GET or None, reminders=visible)
    reminders = visible.pending_or_just_done(request.user)
    if form.is_valid():
        reminders = form.filter(reminders)
    rows = list(
        _with_subjects(reminders).order_by(
            "acts_on", "client__last_name", "client__first_name", "pk"
        )[: LIST_LIMIT + 1]
    )
    return render(
        request,
        "reminders/list.html",
        {
            "form": form,
            "today": today,
            "truncated": len(rows) > LIST_LIMIT,
            "limit": LIST_LIMIT,
            "show_for": is_role(request.user, Role.SUPERVISOR),
            "filtered": form.is_bound and form.is_valid() and any(form.cleaned_data.values()),
            **sections(rows[:LIST_LIMIT], today),
        },
    )


@require_GET
@role_required(*REMINDER_ROLES)
def clients_suggest(request):
    """The client filter's suggestions for ``?q=`` (JSON, a few): by record number or name,
    among the clients the person's own reminders are for, as the filter itself."""
    scope = Reminder.objects.visible_to(request.user).pending_clients()
    text = suggestion_text(request, max_length=200)
    number = client_number(text)
    matches = scope.filter(pk=number) if number is not None else scope.named(text)
    clients = matches.order_by("last_name", "first_name", "pk")[:SUGGESTION_LIMIT]
    return JsonResponse({"results": [client_suggestion(client) for client in clients]})


def _reminder_for(request, reminder_id) -> Reminder:
    return get_object_or_404(
        _with_subjects(Reminder.objects.visible_to(request.user)), pk=reminder_id
    )


def _back(request):
    return redirect(safe_next_url(request) or "reminders:list")


@require_POST
@role_required(*REMINDER_ROLES)
def reminder_done(request, reminder_id):
    reminder = _reminder_for(request, reminder_id)
    try:
        services.reminder_mark_done(reminder=reminder, by=request.user)
    except services.ReminderClosed as closed:
        messages.info(request, closed.message)
    else:
        messages.success(
            request,
            f"Done: {reminder.get_kind_display()} for {reminder.about}. "
            f"You can undo it for {UNDO_MINUTES} minutes.",
        )
    return _back(request)


@require_POST
@role_required(*REMINDER_ROLES)
def reminder_undo_done(request, reminder_id):
    reminder = _reminder_for(request, reminder_id)
    try:
        services.reminder_undo_done(reminder=reminder, by=request.user)
    except UndoRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, f"Undone: {reminder.get_kind_display()} for {reminder.about} is due again."
        )
    return _back(request)


@require_http_methods(["GET", "POST"])
@role_required(*REMINDER_ROLES)
def reminder_snooze(request, reminder_id):
    reminder = _reminder_for(request, reminder_id)
    if not reminder.is_pending:
        messages.info(
            request,
            f"This reminder is already {reminder.get_state_display().lower()}. "
            "Nothing was changed.",
        )
        return _back(request)
    today = timezone.localdate()
    form = SnoozeForm(request.POST or None, initial={"until": today + timedelta(days=7)})
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_snooze(
                reminder=reminder, until=form.cleaned_data["until"], by=request.user
            )
        except services.ReminderClosed as closed:
            messages.info(request, closed.message)
        else:
            messages.success(
                request,
                f"Snoozed until {form.cleaned_data['until']:%Y-%m-%d}: "
                f"{reminder.get_kind_display()} for {reminder.about}.",
            )
        return _back(request)
    return render(
        request,
        "reminders/snooze.html",
        {"reminder": reminder, "form": form, "next": safe_next_url(request) or ""},
    )


def client_reminder_section(request, client) -> dict:
    """Context for the client page's reminder section (one call from clients.views): the
    client's pending reminders this person may act on, in one query (none for other roles)."""
    if not is_role(request.user, *REMINDER_ROLES):
        return {"shown": False}
    today = timezone.localdate()
    rows = list(
        _with_subjects(
            Reminder.objects.visible_to(request.user)
            .pending_or_just_done(request.user)
            .filter(client=client)
        ).order_by("acts_on", "pk")[:CLIENT_PAGE_LIMIT]
    )
    rows, just_done = _split_just_done(rows)
    for reminder in rows:
        reminder.overdue = reminder.acts_on < today
    return {
        "shown": True,
        "client": client,
        "reminders": rows,
        "just_done": just_done,
        "today": today,
    }


def home_reminders(user) -> dict:
    """Context for the home page of a case manager: what is due today or overdue."""
    today = timezone.localdate()
    rows = list(
        _with_subjects(
            Reminder.objects.visible_to(user)
            .pending_or_just_done(user)
            .filter(Q(acts_on__lte=today) | Q(state=Reminder.State.DONE))
        ).order_by("acts_on", "client__last_name", "client__first_name", "pk")[
            : HOME_PAGE_LIMIT + 1
        ]
    )
    rows, just_done = _split_just_done(rows)
    for reminder in rows:
        reminder.overdue = reminder.acts_on < today
    return {
        "due_reminders": rows[:HOME_PAGE_LIMIT],
        "due_reminders_more": len(rows) > HOME_PAGE_LIMIT,
        "just_done_reminders": just_done,
        "today": today,
    }
