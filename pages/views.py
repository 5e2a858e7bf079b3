"""Pages that compose several apps: each role's home and the client page.

Each domain app offers its part as a small context function (``housing_context``,
``client_referral_section``, ``client_reminder_section``, ``supervisor_home``); these views put
the parts together. Nothing below this layer imports it.
"""

from django.shortcuts import render

from appointments.views import client_appointment_section, home_appointments
from caseloads.selectors import supervisor_home
from casenotes.views import client_note_section
from clients.access import can_change_clients, get_client_for
from clients.models import Client
from clients.selectors import link_context
from enrollments.quality_views import data_quality_tile
from enrollments.views import client_enrollment_section
from housingfirst.audit_log import changelog
from housingfirst.audit_log.views import log_protected_entries
from housingfirst.roles import Role, role_of
from placements.selectors import housing_context
from plans.views import client_plan_section
from referrals.views import client_referral_section
from reminders.views import client_reminder_section, home_reminders


def home(request):
    """Each role's starting point: caseload, team, or the latest changes."""
    role = role_of(request.user)
    context = {"role": role}
    if role is Role.CASE_MANAGER:
        context["caseload"] = (
            Client.objects.filter(case_manager=request.user)
            .primary()
            .select_related("team")
            .order_by("last_name", "first_name")[:50]
        )
        context["caseload_size"] = (
            Client.objects.filter(case_manager=request.user).primary().count()
        )
        context.update(home_reminders(request.user))
        context.update(home_appointments(request))
    elif role is Role.SUPERVISOR:
        context.update(supervisor_home(request.user))
        context.update(data_quality_tile(request.user))
    elif role in (Role.AUDITOR, Role.ADMINISTRATOR):
        context["latest_changes"] = changelog.latest_client_changes(10)
        context["latest_access"] = changelog.access_log_page(changelog.Filters(), size=10).items
        log_protected_entries(request, context["latest_changes"], "Home page: latest changes")
    return render(request, "home.html", context)


def client_detail(request, client_id):
    """The client page: profile, housing, timeline, referrals and consents, reminders."""
    client = get_client_for(request.user, client_id)
    assignments = client.assignments.select_related("case_manager", "assigned_by")[:10]
    return render(
        request,
        "clients/detail.html",
        {
            "client": client,
            "assignments": assignments,
            "can_change": can_change_clients(request.user),
            "referral_section": client_referral_section(request, client),
            "reminder_section": client_reminder_section(request, client),
            "note_section": client_note_section(request, client),
            "plan_section": client_plan_section(request, client),
            "appointment_section": client_appointment_section(request, client),
            "enrollment_section": client_enrollment_section(request, client),
            **link_context(client),
            **housing_context(client, request.user),
        },
    )
