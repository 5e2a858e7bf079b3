"""The auditor's pages under /audit/: change log, one record's timeline, access log, exports.

Read-only: every view answers GET only, to auditors and administrators (403 for other roles;
signed-out people go to the sign-in page). Exports are written to the access log with the
filter used before the first byte is sent.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ..access_log import log_access, log_access_many
from ..forms import suggestion_text
from ..history import change_entries, record_type_name
from ..models import AccessLogEntry
from ..people import people_matching, person_suggestion
from ..roles import Role, role_required
from . import changelog, registry, verification
from .forms import AccessLogFilterForm, ChangeLogFilterForm

AUDIT_ROLES = (Role.AUDITOR, Role.ADMINISTRATOR)
CURSOR_PARAMETERS = ("before", "after")
SUGGESTION_LIMIT = 10


def _filter_query(request) -> str:
    """The filter part of the URL, to carry into pagination and export links."""
    query = request.GET.copy()
    for name in CURSOR_PARAMETERS:
        query.pop(name, None)
    return query.urlencode()


def _page(form, request, select):
    filters = form.filters()
    if filters is None:
        return changelog.Page()
    form.summary = filters.summary()
    return select(
        filters,
        before=request.GET.get("before"),
        after=request.GET.get("after"),
        size=settings.AUDIT_LOG_PAGE_SIZE,
    )


def log_protected_entries(request, entries, detail: str) -> None:
    """Each protected record whose history is shown is written to the access log."""
    shown = changelog.protected_records(entries)
    if shown:
        log_access_many(request, shown, detail=detail)


@require_GET
@role_required(*AUDIT_ROLES)
def change_log(request):
    form = ChangeLogFilterForm(request.GET)
    page = _page(form, request, changelog.change_log_page)
    log_protected_entries(request, page.items, "Change log")
    return render(
        request,
        "audit/change_log.html",
        {
            "form": form,
            "page": page,
            "query": _filter_query(request),
            "verification": verification.latest_results(),
        },
    )


@require_GET
@role_required(*AUDIT_ROLES)
def access_log(request):
    form = AccessLogFilterForm(request.GET)
    page = _page(form, request, changelog.access_log_page)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "page": page, "query": _filter_query(request)},
    )


@require_GET
@role_required(*AUDIT_ROLES)
def people_suggest(request):
    """Staff accounts matching ``?q=``, for the person filter's suggestions (JSON, a few)."""
    people = people_matching(suggestion_text(request, max_length=150))[:SUGGESTION_LIMIT]
    return JsonResponse({"results": [person_suggestion(person) for person in people]})


def _log_export(request, what: str, filters: changelog.Filters) -> None:
    Client = registry.client_model()
    client_ids = filters.client_ids or []
    # An export of one client's records is filed under that client too.
    client = Client.objects.filter(pk=client_ids[0]).first() if len(client_ids) == 1 else None
    log_access(
        request,
        action=AccessLogEntry.Action.EXPORT,
        record_label=f"{what} (CSV)",
        client_id=client.pk if client else None,
        detail=f"Filter: {filters.describe()}",
    )


def _csv_response(rows, name: str) -> StreamingHttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(
        changelog.csv_stream(rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


def _invalid_filter(request, form, template):
    return render(request, template, {"form": form, "page": changelog.Page()}, status=400)


@require_GET
@role_required(*AUDIT_ROLES)
def change_log_export(request):
    form = ChangeLogFilterForm(request.GET)
    filters = form.filters()
    if filters is None:
        return _invalid_filter(request, form, "audit/change_log.html")
    _log_export(request, "Change log", filters)
    rows = changelog.change_log_rows(filters, chunk_size=settings.AUDIT_EXPORT_CHUNK_SIZE)
    return _csv_response(rows, "change-log")


@require_GET
@role_required(*AUDIT_ROLES)
def access_log_export(request):
    form = AccessLogFilterForm(request.GET)
    filters = form.filters()
    if filters is None:
        return _invalid_filter(request, form, "audit/access_log.html")
    _log_export(request, "Access log", filters)
    rows = changelog.access_log_rows(filters, chunk_size=settings.AUDIT_EXPORT_CHUNK_SIZE)
    return _csv_response(rows, "access-log")


def _log_protected_view(request, model, object_id, entries) -> None:
    """Reading a protected record's history is a look at the record: log it (42 CFR Part 2).

    Records answer through their model's ``protected()`` QuerySet, which reads the record's own
    flag (as on the change log). A deleted record of such a model took its flag with it: log.
    """
    manager = model._default_manager
    if not hasattr(manager, "protected"):
        return
    if manager.filter(pk=object_id).exists():
        protected = manager.protected().filter(pk=object_id).exists()
    else:
        protected = True  # deleted: its protection went with it, so when in doubt, log
    if not protected:
        return
    entry = entries[0] if entries else None
    log_access(
        request,
        model=model,
        object_id=object_id,
        record_label=entry.record_label if entry else "",
        client_id=entry.client_id if entry else None,
        detail="Change history",
    )


@require_GET
@role_required(*AUDIT_ROLES)
def record_history(request, model_label, object_id):
    """Every version of one record, each with the diff from the version before it."""
    model = registry.audited_model(model_label)
    if model is None:
        raise Http404("Not an audited record type")
    try:
        pk = model._meta.pk.to_python(object_id)
    except ValidationError:
        raise Http404("No such record") from None
    history_model = registry.history_model_for(model)
    rows = history_model._default_manager.filter(**{model._meta.pk.attname: pk})
    if not rows.exists():
        raise Http404("No history for this record")
    entries = change_entries(rows, keep_empty=True)
    _log_protected_view(request, model, pk, entries)
    page = Paginator(entries, settings.AUDIT_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/record.html",
        {
            "page": page,
            "record_type": record_type_name(model),
            "record_label": entries[0].record_label if entries else f"#{pk}",
            "latest": entries[0] if entries else None,
            "exists": model._default_manager.filter(pk=pk).exists(),
        },
    )
