"""``/hmis/export/``: administrators and supervisors ask for an HMIS CSV export, follow its
job, and download the zip they asked for (nobody else's: another person's answers 404)."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from housingfirst.roles import role_required
from housingfirst.submissions import single_submission

from . import services
from .forms import ExportForm
from .jobs import EXPORT_ROLES, client_scope
from .models import HmisExport

LISTED = 20  # the person's latest exports on the page


def _own_export(request, export_id) -> HmisExport:
    """One of this person's exports; anyone else's (or none) answers 404."""
    export = HmisExport.objects.of(request.user).select_related("project").filter(pk=export_id)
    export = export.first()
    if export is None:
        raise Http404("No such export")
    return export


@require_http_methods(["GET", "POST"])
@role_required(*EXPORT_ROLES)
@single_submission
def export_page(request):
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.hmis_export_request(by=request.user, options=form.options())
        messages.success(
            request,
            "Your export is queued. It runs in the background; this page shows its progress, "
            "then the download and the validator's report.",
        )
        return redirect("hmis:export")
    exports = list(HmisExport.objects.of(request.user).select_related("project")[:LISTED])
    return render(
        request,
        "hmis/export.html",
        {
            "form": form,
            "exports": exports,
            "running": any(export.in_progress for export in exports),
            "scope": "every client"
            if client_scope(request.user) is None
            else "your teams' clients",
            "now": timezone.now(),
            "retention_hours": settings.HMIS_EXPORT_RETENTION_HOURS,
        },
    )


@require_GET
@role_required(*EXPORT_ROLES)
def export_status(request, export_id):
    """The job's state for the page's progress script (JSON)."""
    export = _own_export(request, export_id)
    return JsonResponse(
        {
            "id": export.pk,
            "status": export.status,
            "status_label": export.get_status_display(),
            "clients_done": export.clients_done,
            "clients_total": export.clients_total,
            "percent": export.percent,
            "finished": not export.in_progress,
            "page": reverse("hmis:export"),
        }
    )


@require_GET
@role_required(*EXPORT_ROLES)
def export_download(request, export_id):
    export = _own_export(request, export_id)
    if export.status != HmisExport.Status.DONE:
        raise Http404("This export has no file yet")
    if not export.is_available() or not export.path.is_file():
        context = {"export": export, "retention_hours": settings.HMIS_EXPORT_RETENTION_HOURS}
        return render(request, "hmis/expired.html", context, status=410)
    return services.hmis_export_download(request, export)
