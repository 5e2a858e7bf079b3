"""The data-quality page (/data-quality/): supervisors for their teams' clients,
administrators for everyone; case managers and auditors 403.

The overview counts what each check finds per case manager (one aggregate); ``?check=<name>``
lists the clients one check finds, with a link to where each is fixed (optionally for one
case manager: ``&case_manager=<id>``, or ``none`` for unassigned clients).
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from clients.access import parse_id
from housingfirst.people import person_name
from housingfirst.roles import Role, is_role, role_required

from . import quality

REVIEW_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)

# Where each check is fixed: (url name, query string, the link's words).
_FIX_PAGES = {
    "profile": ("clients:edit", "", "Edit the profile"),
    "enrollment": ("enrollments:detail", "", "Open the enrollment"),
    "entry": ("enrollments:assessment_new", "?stage=entry", "Record the entry assessment"),
    "exit": ("enrollments:assessment_new", "?stage=exit", "Record the exit assessment"),
}


def fix_link(fix: str, client_id: int) -> tuple[str, str]:
    """(href, words) of the page where a check's finding is fixed for this client."""
    name, query, words = _FIX_PAGES[fix]
    return reverse(name, kwargs={"client_id": client_id}) + query, words


def data_quality_tile(user) -> dict:
    """For a supervisor's home: how many of their clients have something to fix (one
    query). Empty for other roles."""
    if not is_role(user, *REVIEW_ROLES):
        return {}
    clients = quality.clients_in_scope(user)
    return {"data_quality_issues": quality.clients_with_issues(clients, timezone.localdate())}


def _case_manager_filter(request):
    """``case_manager=<id>`` or ``none`` (unassigned): (value for links, filter kwargs)."""
    value = request.GET.get("case_manager")
    if value is None or value == "":
        return "", {}
    if value == "none":
        return "none", {"case_manager__isnull": True}
    pk = parse_id(value)
    if pk is None:
        raise Http404("No such case manager")
    return str(pk), {"case_manager_id": pk}


@require_GET
@role_required(*REVIEW_ROLES)
def data_quality(request):
    today = timezone.localdate()
    clients = quality.clients_in_scope(request.user)
    name = request.GET.get("check")
    if name:
        check = quality.CHECKS_BY_NAME.get(name)
        if check is None:
            raise Http404("No such check")
        return _check_list(request, check, clients, today)

    rows = quality.counts_by_case_manager(clients, today)
    people = {
        user.pk: user
        for user in get_user_model().objects.filter(
            pk__in=[row["case_manager"] for row in rows if row["case_manager"]]
        )
    }
    table = []
    for row in rows:
        person = people.get(row["case_manager"])
        table.append(
            {
                "name": person_name(person) if person else "Unassigned",
                "filter": str(row["case_manager"]) if person else "none",
                "clients": row["clients"],
                "counts": [(check, row[check.name]) for check in quality.CHECKS],
            }
        )
    table.sort(key=lambda row: (row["filter"] == "none", row["name"].lower()))
    totals = [(check, sum(row[check.name] for row in rows)) for check in quality.CHECKS]
    return render(
        request,
        "enrollments/quality/overview.html",
        {
            "totals": totals,
            "rows": table,
            "client_count": sum(row["clients"] for row in rows),
            "checks": quality.CHECKS,
        },
    )


def _check_list(request, check, clients, today):
    case_manager, filters = _case_manager_filter(request)
    found = (
        quality.clients_failing(check, clients, today)
        .filter(**filters)
        .select_related("case_manager")
        .order_by("last_name", "first_name", "pk")
    )
    page = Paginator(found, settings.CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    for client in page:
        client.fix_href, client.fix_words = fix_link(check.fix, client.pk)
    query = {"check": check.name}
    if case_manager:
        query["case_manager"] = case_manager
    return render(
        request,
        "enrollments/quality/check.html",
        {
            "check": check,
            "page": page,
            "query": urlencode(query),
            "case_manager_filter": case_manager,
        },
    )
