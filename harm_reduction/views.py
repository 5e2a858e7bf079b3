"""``/harm-reduction/``: supplies and stock, overdose responses, trainings, and the report.

Every staff role reads the pages; case managers, supervisors and administrators record;
supervisors and administrators see the report. A record linked to a client (only at the
client's request) is protected: it answers 404 to anyone outside the client's scope, and each
page that shows one writes it to the access log.
"""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from housingfirst.access_log import log_access_many
from housingfirst.csv_export import spreadsheet_safe
from housingfirst.roles import Role, is_role, role_required
from housingfirst.submissions import single_submission

from . import report as report_module
from . import services
from .charts import report_charts
from .forms import (
    DiscardForm,
    DistributionForm,
    OverdoseResponseForm,
    ReportForm,
    StockReceiveForm,
    TrainingForm,
)
from .models import LINKED_RECORD_ROLES, Distribution, OverdoseResponse, StockLot, TrainingSession
from .stock import expiring_days, stock_lines, with_remaining
from .suppression import small_cell_max

READERS = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMINISTRATOR, Role.AUDITOR)
RECORDERS = (Role.CASE_MANAGER, Role.SUPERVISOR, Role.ADMINISTRATOR)
REPORT_READERS = (Role.SUPERVISOR, Role.ADMINISTRATOR)
RECENT = 15


def _log_linked(request, *records):
    log_access_many(request, [record for record in records if record.is_protected])


def _can_link(user) -> bool:
    return is_role(user, *LINKED_RECORD_ROLES)


@role_required(*READERS)
def overview(request):
    today = timezone.localdate()
    distributions = list(
        Distribution.objects.visible_to(request.user)
        .select_related("site", "item", "funding_source")
        .order_by("-given_on", "-pk")[:RECENT]
    )
    responses = list(
        OverdoseResponse.objects.visible_to(request.user)
        .select_related("site")
        .order_by("-occurred_at", "-pk")[:RECENT]
    )
    trainings = list(TrainingSession.objects.select_related("site")[:RECENT])
    _log_linked(request, *distributions, *responses)
    return render(
        request,
        "harm_reduction/overview.html",
        {
            "stock": stock_lines(today),
            "distributions": distributions,
            "responses": responses,
            "trainings": trainings,
            "can_record": is_role(request.user, *RECORDERS),
            "can_report": is_role(request.user, *REPORT_READERS),
            "expiring_days": expiring_days(),
        },
    )


@role_required(*READERS)
def stock_lots(request):
    lots = (
        with_remaining(StockLot.objects.select_related("site", "item"))
        .filter(remaining__gt=0)
        .order_by("site__name", "item__name", "expires_on", "pk")
    )
    return render(
        request,
        "harm_reduction/lots.html",
        {
            "lots": lots,
            "today": timezone.localdate(),
            "can_record": is_role(request.user, *RECORDERS),
        },
    )


def _record_view(request, form_class, template, save, *, success, form_kwargs=None):
    form = form_class(request.POST or None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            record = save(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, success)
            return redirect(record)
    return render(request, template, {"form": form})


def _link(data):
    return data.get("client") if data.get("client_asked") else None


@require_http_methods(["GET", "POST"])
@role_required(*RECORDERS)
@single_submission
def distribution_new(request):
    def save(data):
        return services.distribution_record(
            site=data["site"],
            item=data["item"],
            quantity=data["quantity"],
            given_on=data["given_on"],
            recipient_role=data["recipient_role"],
            funding_source=data["funding_source"],
            kind=data["kind"],
            refill_reason=data["refill_reason"],
            training_given=data["training_given"],
            client=_link(data),
            by=request.user,
        )

    return _record_view(
        request,
        DistributionForm,
        "harm_reduction/distribution_form.html",
        save,
        success="Supplies recorded. Stock on hand is updated.",
        form_kwargs={"user": request.user, "can_link": _can_link(request.user)},
    )


@role_required(*READERS)
def distribution_detail(request, distribution_id):
    distribution = get_object_or_404(
        Distribution.objects.visible_to(request.user).select_related(
            "site", "item", "funding_source", "client", "recorded_by", "training"
        ),
        pk=distribution_id,
    )
    draws = list(distribution.draws.select_related("lot"))
    _log_linked(request, distribution)
    return render(
        request,
        "harm_reduction/distribution_detail.html",
        {"distribution": distribution, "draws": draws},
    )


@require_http_methods(["GET", "POST"])
@role_required(*RECORDERS)
@single_submission
def overdose_response_new(request):
    fields = [
        "occurred_at",
        "site",
        "zone",
        "naloxone_doses",
        "naloxone_route",
        "called_911",
        "ems_arrived",
        "outcome",
        "responder_role",
        "follow_up",
        "notes",
    ]

    def save(data):
        return services.overdose_response_record(
            by=request.user, client=_link(data), **{name: data[name] for name in fields}
        )

    return _record_view(
        request,
        OverdoseResponseForm,
        "harm_reduction/overdose_form.html",
        save,
        success="Overdose response recorded.",
        form_kwargs={"user": request.user, "can_link": _can_link(request.user)},
    )


@role_required(*READERS)
def overdose_response_detail(request, response_id):
    response = get_object_or_404(
        OverdoseResponse.objects.visible_to(request.user).select_related(
            "site", "client", "recorded_by"
        ),
        pk=response_id,
    )
    _log_linked(request, response)
    return render(request, "harm_reduction/overdose_detail.html", {"response": response})


@require_http_methods(["GET", "POST"])
@role_required(*RECORDERS)
@single_submission
def training_new(request):
    def save(data):
        return services.training_record(by=request.user, **data_without_token(data))

    return _record_view(
        request,
        TrainingForm,
        "harm_reduction/training_form.html",
        save,
        success="Training recorded.",
    )


def data_without_token(data):
    return {name: value for name, value in data.items() if name != "submission_token"}


@role_required(*READERS)
def training_detail(request, training_id):
    training = get_object_or_404(
        TrainingSession.objects.select_related("site", "recorded_by"), pk=training_id
    )
    return render(request, "harm_reduction/training_detail.html", {"training": training})


@require_http_methods(["GET", "POST"])
@role_required(*RECORDERS)
@single_submission
def stock_receive(request):
    def save(data):
        services.stock_receive(by=request.user, **data_without_token(data))
        return "harm_reduction:lots"

    return _record_view(
        request,
        StockReceiveForm,
        "harm_reduction/stock_form.html",
        save,
        success="Stock received.",
    )


@require_http_methods(["GET", "POST"])
@role_required(*RECORDERS)
@single_submission
def lot_discard(request, lot_id):
    lot = get_object_or_404(
        with_remaining(StockLot.objects.select_related("site", "item")), pk=lot_id
    )
    form = DiscardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.discard_record(
                lot=lot,
                quantity=form.cleaned_data["quantity"],
                discarded_on=form.cleaned_data["discarded_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Discard recorded. Stock on hand is updated.")
            return redirect("harm_reduction:lots")
    return render(request, "harm_reduction/discard_form.html", {"form": form, "lot": lot})


@role_required(*REPORT_READERS)
def report(request):
    periods = report_module.recent_periods(timezone.localdate())
    form = ReportForm(request.GET or None, periods=periods)
    site, period = None, periods[0]
    if form.is_bound and form.is_valid():
        site = form.cleaned_data["site"]
        period = next((p for p in periods if p.key == form.cleaned_data["period"]), period)
    elif form.is_bound:
        raise Http404("No such report")
    result = report_module.build(period, site)
    if request.GET.get("format") == "csv":
        return _report_csv(result)
    return render(
        request,
        "harm_reduction/report.html",
        {
            "form": form,
            "report": result,
            "small_cell_max": small_cell_max(),
            **report_charts(result),
        },
    )


def _report_csv(result) -> HttpResponse:
    """The aggregate tables only, suppressed as on the page: never a row about anyone."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    where = result.site.name if result.site else "all sites"
    filename = f"harm-reduction-{result.period.key}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([spreadsheet_safe(f"Harm-reduction report, {result.period.label}, {where}")])
    for table in (result.supplies, result.refills, result.overdoses, result.trainings):
        writer.writerow([])
        writer.writerow([spreadsheet_safe(table.title)])
        writer.writerow(["", *map(spreadsheet_safe, table.column_labels), "Total"])
        for label, cells, total in table.body_lines():
            writer.writerow([spreadsheet_safe(label), *(c.text for c in cells), total.text])
        writer.writerow(["Total", *(c.text for c in table.column_totals), table.grand_total.text])
    writer.writerow([])
    writer.writerow(["Naloxone doses given", result.doses.text])
    writer.writerow(["Tenant training coverage", spreadsheet_safe(result.coverage)])
    return response
