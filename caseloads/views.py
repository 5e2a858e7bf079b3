"""The supervisor's caseload review: team table, one caseload, the lists behind every count,
intake queue, reassignment, cover, and program outcomes.

Supervisors and administrators only (403 for everyone else). A supervisor reaches only the
case managers and clients of their own teams: anything else answers 404, including one
tampered id among many in a bulk form, and then nothing changes.
"""

import csv
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from clients import services
from clients.forms import ClientSearchForm
from clients.models import Client
from housingfirst import charts
from housingfirst.csv_export import spreadsheet_safe
from housingfirst.people import person_name
from housingfirst.redirects import safe_next_url
from housingfirst.refusals import refuse_form
from housingfirst.roles import role_required
from housingfirst.submissions import single_submission

from . import selectors as caseloads
from .forms import CoverEndForm, CoverForm, ReassignForm
from .selectors import REVIEW_ROLES, SORTS

review_only = role_required(*REVIEW_ROLES)


def _sort(request) -> tuple[str, bool]:
    sort = request.GET.get("sort", "name")
    if sort not in SORTS:
        sort = "name"
    return sort, request.GET.get("order") == "desc"


def _columns(sort: str, descending: bool, kept: str = "") -> list[dict]:
    """Table headings with the link that sorts by each (and flips the order when current);
    ``kept``: the rest of the query string the links keep (``team=…&``)."""
    columns = []
    for key, (heading, _) in SORTS.items():
        current = key == sort
        # Numbers are most useful largest first; names A to Z.
        flip = not descending if current else key != "name"
        columns.append(
            {
                "key": key,
                "heading": heading,
                "current": current,
                "aria_sort": ("descending" if descending else "ascending") if current else "",
                "query": f"{kept}sort={key}&order={'desc' if flip else 'asc'}",
            }
        )
    return columns


def _scope(request):
    """The team a reviewer opened (``?team=``, 404 out of their reach) and the query string
    that keeps the table on it, or on every case manager (``?by=case_manager``)."""
    team = caseloads.reviewed_team(request.user, request.GET.get("team"))
    if team is not None:
        return team, {"team": team.pk}
    if request.GET.get("by") == "case_manager":
        return None, {"by": "case_manager"}
    return None, {}


def _total_links(totals, team, no_contact_days: int) -> list[dict]:
    """The totals above the table, each opening the list behind it; a team's page shows
    them without links, since those lists cover every team."""
    clients_list = reverse("caseloads:clients")
    items = [
        (totals.caseload, "active clients", f"{clients_list}?show=active&case_manager=any"),
        (totals.housed, "housed", f"{clients_list}?show=housed&case_manager=any"),
        (totals.searching, "searching", f"{clients_list}?show=searching&case_manager=any"),
        (
            totals.not_contacted,
            f"not contacted for {no_contact_days} days",
            f"{clients_list}?show=not_contacted&case_manager=any",
        ),
        (
            totals.overdue_reminders,
            f"overdue reminder{pluralize(totals.overdue_reminders)}",
            f"{clients_list}?show=overdue_reminders&case_manager=any",
        ),
        (
            totals.unassigned,
            f"unassigned intake{pluralize(totals.unassigned)}",
            reverse("caseloads:unassigned"),
        ),
    ]
    return [
        {"count": count, "label": label, "href": None if team else href}
        for count, label, href in items
    ]


@review_only
@require_GET
def overview(request):
    """The caseload table; ``?team=`` one team's case managers, ``?by=case_manager`` every
    case manager where the table would start with one row per team."""
    sort, descending = _sort(request)
    team, scope = _scope(request)
    rows = caseloads.caseload_rows(request.user, sort=sort, descending=descending, team=team)
    unassigned = caseloads.unassigned_clients(request.user)
    if team is not None:
        unassigned = unassigned.filter(team=team)
    kept = f"{urlencode(scope)}&" if scope else ""
    totals = caseloads.team_totals(rows, unassigned.count())
    return render(
        request,
        "caseloads/overview.html",
        {
            "rows": rows,
            "team": team,
            "scope": scope,
            "export_query": f"{kept}sort={sort}&order={'desc' if descending else 'asc'}",
            "teams_summed": None if scope else caseloads.team_rows(request.user, rows),
            "totals": totals,
            "total_links": _total_links(totals, team, settings.NO_CONTACT_DAYS),
            "columns": _columns(sort, descending, kept),
            "sort": sort,
            "descending": descending,
            "teams": caseloads.supervised_teams(request.user),
            "no_contact_days": settings.NO_CONTACT_DAYS,
        },
    )


@review_only
@require_GET
def export_csv(request):
    """The caseload table as CSV: every case manager, or one team's with ``?team=``."""
    sort, descending = _sort(request)
    team, _ = _scope(request)
    rows = caseloads.caseload_rows(request.user, sort=sort, descending=descending, team=team)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    of_team = f"team-{team.pk}-" if team is not None else ""
    filename = f"caseloads-{of_team}{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    steps = [label for _, label in caseloads.OPEN_REFERRAL_STEPS]
    writer.writerow(
        [
            "Case manager",
            "Username",
            "Caseload (active clients)",
            "Housed",
            "Searching for housing",
            "Overdue reminders",
            f"Not contacted for {settings.NO_CONTACT_DAYS} days",
            "Open referrals",
            *[f"Open referrals: {label}" for label in steps],
            "Last contact",
        ]
    )
    for row in rows:
        last = row.last_contact_at
        writer.writerow(
            [
                spreadsheet_safe(row.name),
                spreadsheet_safe(row.case_manager.get_username()),
                row.caseload,
                row.housed,
                row.searching,
                row.overdue_reminders,
                row.not_contacted,
                row.open_referrals_total,
                *[count for _, count in row.open_referral_steps()],
                timezone.localtime(last).strftime("%Y-%m-%d %H:%M") if last else "",
            ]
        )
    return response


@review_only
@require_GET
def case_manager_caseload(request, case_manager_id):
    case_manager = caseloads.case_manager_for(request.user, case_manager_id)
    form = ClientSearchForm(request.GET or None)
    clients = (
        Client.objects.visible_to(request.user)
        .filter(case_manager=case_manager)
        .select_related("team")
    )
    if form.is_valid():
        clients = clients.search(form.cleaned_data["q"])
    clients = caseloads.with_review_figures(clients, request.user)
    page = Paginator(clients, settings.CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    targets = caseloads.assignable_case_managers(request.user).exclude(pk=case_manager.pk)
    return render(
        request,
        "caseloads/caseload.html",
        {
            "case_manager": case_manager,
            "form": form,
            "page": page,
            "reassign_form": ReassignForm(case_managers=targets),
            "covers": caseloads.covers_for(request.user)
            .not_ended()
            .filter(case_manager=case_manager),
        },
    )


def _held_by(request, value):
    """The ``case_manager`` filter: everyone (empty), anyone holding clients ("any"), or one
    case manager this person reviews (404 for anyone else)."""
    if value in (None, ""):
        return None
    if value == caseloads.HELD_BY_ANYONE:
        return caseloads.HELD_BY_ANYONE
    return caseloads.case_manager_for(request.user, value)


@review_only
@require_GET
def attention_list(request):
    """Every client (or overdue reminder, or follow-up) behind one count of the home page or
    the caseloads page: ``?show=<list>&case_manager=<id or "any">``."""
    lists = caseloads.attention_lists()
    show = request.GET.get("show") or "active"
    if show not in lists:
        raise Http404("No such list")
    held_by = _held_by(request, request.GET.get("case_manager"))
    items = caseloads.attention_items(request.user, show, held_by)
    page = Paginator(items, settings.CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = {"show": show}
    if held_by is not None:
        query["case_manager"] = getattr(held_by, "pk", held_by)
    return render(
        request,
        "caseloads/attention_list.html",
        {
            "lists": lists.values(),
            "current": lists[show],
            "held_by": held_by,
            "held_by_anyone": held_by == caseloads.HELD_BY_ANYONE,
            "case_managers": caseloads.case_managers_for(request.user),
            "page": page,
            "query": urlencode(query),
            "today": timezone.localdate(),
            "no_contact_days": settings.NO_CONTACT_DAYS,
        },
    )


@review_only
@require_GET
def unassigned(request):
    clients = caseloads.unassigned_clients(request.user)
    page = Paginator(clients, settings.CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "caseloads/unassigned.html",
        {
            "page": page,
            "assign_form": ReassignForm(
                case_managers=caseloads.assignable_case_managers(request.user),
                initial={"reason": "Intake"},
            ),
        },
    )


@review_only
@require_http_methods(["GET", "POST"])
def reassign(request):
    """Reassign the clients named by ``clients`` ids (one or many), with one reason."""
    data = request.POST if request.method == "POST" else request.GET
    clients = caseloads.clients_for_review(request.user, data.getlist("clients"))
    back = safe_next_url(request) or reverse("caseloads:overview")
    if not clients:
        messages.error(request, "Tick at least one client to reassign.")
        return redirect(back)
    form = ReassignForm(
        request.POST or None, case_managers=caseloads.assignable_case_managers(request.user)
    )
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["case_manager"]
        try:
            moved = services.clients_reassign(
                clients=clients,
                case_manager=target,
                reassigned_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            name = person_name(target)
            if moved:
                noun = "client" if len(moved) == 1 else "clients"
                messages.success(request, f"{len(moved)} {noun} reassigned to {name}.")
            else:
                messages.info(request, f"Nothing changed: already with {name}.")
            return redirect(back)
    return render(
        request, "caseloads/reassign.html", {"clients": clients, "form": form, "next": back}
    )


@review_only
@require_GET
def cover_list(request):
    covers = caseloads.covers_for(request.user)
    return render(
        request,
        "caseloads/covers.html",
        {
            "current": covers.not_ended().order_by("starts_on", "pk"),
            "ended": covers.ended().order_by("-ended_at", "-pk")[:20],
            "case_managers": caseloads.case_managers_for(request.user),
        },
    )


@review_only
@require_http_methods(["GET", "POST"])
@single_submission
def cover_create(request, case_manager_id):
    case_manager = caseloads.case_manager_for(request.user, case_manager_id)
    team = caseloads.team_of_case_manager(request.user, case_manager)
    if team is None:
        raise Http404("This case manager is not in a team you supervise.")
    clients = Client.objects.visible_to(request.user, "change").filter(
        case_manager=case_manager, status=Client.Status.ACTIVE
    )
    form = CoverForm(
        request.POST or None,
        colleagues=team.case_managers.filter(is_active=True)
        .exclude(pk=case_manager.pk)
        .order_by("first_name", "last_name"),
        clients=clients,
    )
    if request.method == "POST":
        # A tampered client id refuses the whole form, as in every bulk form.
        posted = set(request.POST.getlist("clients"))
        if posted - {str(pk) for pk in clients.values_list("pk", flat=True)}:
            raise Http404("No such client")
    if request.method == "POST" and form.is_valid():
        try:
            cover = services.cover_arrange(
                team=team,
                case_manager=case_manager,
                covering=form.cleaned_data["covering"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                reason=form.cleaned_data["reason"],
                arranged_by=request.user,
                clients=form.cleaned_data["clients"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            when = "from today" if cover.is_active else f"from {cover.starts_on:%Y-%m-%d}"
            messages.success(
                request,
                f"{form.cleaned_data['covering'].get_full_name()} covers {when} "
                f"until {cover.ends_on:%Y-%m-%d}.",
            )
            return redirect("caseloads:covers")
    return render(
        request,
        "caseloads/cover_form.html",
        {"case_manager": case_manager, "team": team, "form": form},
    )


@review_only
@require_http_methods(["GET", "POST"])
def cover_end(request, cover_id):
    cover = caseloads.cover_for(request.user, cover_id)
    form = CoverEndForm(request.POST or None)
    # "Keep the cover" goes back to where the person came from (the cover list by default).
    back = safe_next_url(request) or reverse("caseloads:covers")
    context = {"cover": cover, "form": form, "back": back}
    if cover.ended_at is not None:
        if request.method == "POST":  # ended by a colleague meanwhile: keep the typed reason
            return refuse_form(
                request,
                "caseloads/cover_end.html",
                context,
                "This cover has already ended. Nothing was changed.",
            )
        messages.info(request, "This cover has already ended.")
        return redirect("caseloads:covers")
    if request.method == "POST" and form.is_valid():
        services.cover_end(cover=cover, reason=form.cleaned_data["reason"], by=request.user)
        messages.success(request, "Cover ended; the access it gave is removed.")
        return redirect(back)
    return render(request, "caseloads/cover_end.html", context)


@review_only
@require_GET
def outcomes(request):
    result = caseloads.program_outcomes(request.user, request.GET.get("team"))
    return render(
        request,
        "caseloads/outcomes.html",
        {"outcomes": result, **_outcome_charts(result)},
    )


def _share(part: int, whole: int) -> dict:
    """A share with what it rests on: the percentage, "3 of 4", and whether few people."""
    rate = part / whole if whole else None
    return {
        "value": None if rate is None else rate * 100,
        "percent": charts.percent(rate),
        "count": f"{part} of {whole}" if whole else "",
        "few": 0 < whole < caseloads.FEW_PEOPLE,
    }


def _share_bar(label: str, share: dict) -> charts.Bar:
    return charts.Bar(
        label=label,
        value=share["value"],
        text=share["percent"],
        count=share["count"],
        few=share["few"],
    )


def _spoken(bar: charts.Bar) -> str:
    """A bar in the chart's description: "Label: 75% (3 of 4, few people)"."""
    detail = ", ".join(part for part in (bar.count, "few people" if bar.few else "") if part)
    return f"{bar.label}: {bar.text}" + (f" ({detail})" if detail else "")


def _outcome_charts(result) -> dict:
    retention = {
        months: _share(figure.retained, figure.cohort)
        for months, figure in sorted(result.retention.items())
    }
    retention_bars = [
        _share_bar(f"Housed {months} months after moving in", share)
        for months, share in retention.items()
    ]
    referral_rows = []
    referral_bars = []
    for row in result.referrals:
        acceptance = _share(row.accepted, row.decided)
        completion = _share(row.completed, row.accepted)
        referral_bars.append(_share_bar(f"{row.label}: accepted", acceptance))
        referral_bars.append(_share_bar(f"{row.label}: completed", completion))
        referral_rows.append(
            {
                "label": row.label,
                "offered": row.offered,
                "accepted": row.accepted,
                "declined": row.declined,
                "completed": row.completed,
                "acceptance": acceptance,
                "completion": completion,
            }
        )
    months = result.caseload_months
    return {
        "retention_rows": [
            (
                months_after,
                {
                    "cohort": figure.cohort,
                    "retained": figure.retained,
                    "share": retention[months_after],
                },
            )
            for months_after, figure in sorted(result.retention.items())
        ],
        "referral_rows": referral_rows,
        "few_people": caseloads.FEW_PEOPLE,
        "retention_chart": charts.bar_chart(
            chart_id="chart-retention",
            title="Housing retention at 6 and 12 months",
            description="Share of clients still housed 6 and 12 months after their first "
            "move-in. "
            + "; ".join(_spoken(bar) for bar in retention_bars)
            + ". The table below gives the numbers.",
            bars=retention_bars,
            max_value=100,
        ),
        "exits_chart": charts.bar_chart(
            chart_id="chart-exits",
            title="Exits by destination group",
            description="Placements that ended, by where the client went. "
            + "; ".join(f"{row.label}: {row.exits}" for row in result.exits)
            + ".",
            bars=[charts.Bar(label=row.label, value=row.exits) for row in result.exits],
        ),
        "referrals_chart": charts.bar_chart(
            chart_id="chart-referrals",
            title="Referral acceptance and completion by service type",
            description="For each service type, the share of referrals the client accepted "
            "(of those they decided on) and the share completed (of those accepted). "
            + "; ".join(_spoken(bar) for bar in referral_bars)
            + ".",
            bars=referral_bars,
            max_value=100,
        ),
        "caseload_chart": charts.line_chart(
            chart_id="chart-caseloads",
            title="Clients assigned at each month's end",
            description=f"Clients held by a case manager at the end of each of the last "
            f"{len(months)} months, from the assignment history: "
            + "; ".join(f"{month.label}: {month.clients}" for month in months)
            + ".",
            points=[(month.month.strftime("%b"), month.clients) for month in months],
        ),
    }
