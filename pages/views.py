"""Pages that compose several apps: each role's home, the client list and the client page.

Each domain app offers its part as a small context function (``housing_context``,
``client_referral_section``, ``client_reminder_section``, ``supervisor_home``); these views put
the parts together. Nothing below this layer imports it.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from appointments.views import client_appointment_section, home_appointments
from caseloads.forms import ClientTableForm
from caseloads.selectors import (
    case_manager_home,
    client_table,
    client_table_columns,
    supervisor_home,
)
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
        context.update(case_manager_home(request.user))
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


def client_list(request):
    """The clients this person may see, as a table of figures (housing, days housed, last
    contact, next visit due, open reminders and referrals), searchable, filterable, sortable
    and paginated: a case manager's working view of their caseload."""
    form = ClientTableForm(request.GET or None)
    choices = form.choices()
    clients = (
        Client.objects.visible_to(request.user).primary().select_related("case_manager", "team")
    )
    if choices["query"]:
        clients = clients.search(choices["query"])
    rows = client_table(
        clients,
        request.user,
        status=choices["status"],
        housing=choices["housing"],
        overdue=choices["overdue"],
        sort=choices["sort"],
        descending=choices["descending"],
    )
    page = Paginator(rows, settings.CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    # Links keep the search and filters: headings change the sort, pages keep it too.
    kept = request.GET.copy()
    for name in ("page", "sort", "order"):
        kept.pop(name, None)
    paged = kept.copy()
    paged["sort"] = choices["sort"]
    paged["order"] = "desc" if choices["descending"] else "asc"
    return render(
        request,
        "clients/list.html",
        {
            "form": form,
            "page": page,
            "can_add": can_change_clients(request.user),
            "columns": client_table_columns(
                choices["sort"], choices["descending"], kept.urlencode()
            ),
            "page_query": paged.urlencode(),
            "filtering": form.filtering(),
            "searching": bool(choices["query"]),
            "show_case_manager": role_of(request.user) is not Role.CASE_MANAGER,
        },
    )


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
