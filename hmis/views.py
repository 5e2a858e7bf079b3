"""``/hmis/export/``: administrators and supervisors ask for an HMIS CSV export, follow its
job, and download the zip they asked for (nobody else's: another person's answers 404).

``/hmis/import/``: administrators upload an HMIS CSV zip, read its dry run, choose per possible
duplicate, and import it; the jobs' progress is followed by the same script as the export's.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from housingfirst.middleware import accepts_files
from housingfirst.roles import Role, is_role, role_required
from housingfirst.submissions import single_submission

from . import services
from .forms import DuplicateDecisionsForm, ExportForm, ImportUploadForm, megabytes
from .jobs import EXPORT_ROLES, client_scope
from .models import HmisExport, HmisImport

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
    return _job_state(export, reverse("hmis:export"))


def _job_state(row, page) -> JsonResponse:
    """An export's or an import's job, for static/js/hmis-progress.js."""
    return JsonResponse(
        {
            "id": row.pk,
            "status": row.status,
            "status_label": row.get_status_display(),
            "label": row.progress_label,
            "percent": row.percent,
            "finished": not row.in_progress,
            "page": page,
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


# Import (administrators) ------------------------------------------------------------------

IMPORT_ROLES = (Role.ADMINISTRATOR,)


def _import_for(request, import_id) -> HmisImport:
    """One import, for an administrator (any of them: they share the import duty); 404 when
    there is none, or for anyone else."""
    row = HmisImport.objects.visible_to(request.user).select_related(
        "uploaded_by", "imported_by", "team"
    )
    row = row.filter(pk=import_id).first()
    if row is None:
        raise Http404("No such import")
    return row


def _import_page(request, form, status=200):
    imports = list(
        HmisImport.objects.visible_to(request.user).select_related("uploaded_by", "team")[:LISTED]
    )
    return render(
        request,
        "hmis/import.html",
        {
            "form": form,
            "imports": imports,
            "running": any(row.in_progress for row in imports),
            "max_size": megabytes(settings.HMIS_IMPORT_MAX_BYTES),
            "retention_hours": settings.HMIS_IMPORT_RETENTION_HOURS,
        },
        status=status,
    )


def _import_upload_limit(request) -> int:
    """An administrator's verified session may send a zip up to HMIS_IMPORT_MAX_BYTES; anyone
    else, what every other page takes."""
    user = request.user
    verified = getattr(user, "is_verified", None)
    if is_role(user, *IMPORT_ROLES) and verified is not None and verified():
        return settings.HMIS_IMPORT_MAX_BYTES
    return settings.MAX_UPLOAD_SIZE


def _import_too_large(request, length, limit):
    """A zip over the limit: the page again with the error on the file field; the body is not
    read (UploadGuard answers before anything reads it)."""
    if limit != settings.HMIS_IMPORT_MAX_BYTES:
        return HttpResponse("The request is too large.", status=413, content_type="text/plain")
    form = ImportUploadForm(data={}, files={}, content_length=length)
    form.is_valid()
    return _import_page(request, form, status=413)


@accepts_files(limit=_import_upload_limit, too_large=_import_too_large)
@require_http_methods(["GET", "POST"])
@role_required(*IMPORT_ROLES)
def import_page(request):
    if request.method != "POST":
        return _import_page(request, ImportUploadForm())
    content_length = int(request.META.get("CONTENT_LENGTH") or 0)
    form = ImportUploadForm(request.POST, request.FILES, content_length=content_length)
    if not form.is_valid():
        return _import_page(request, form)
    row = services.hmis_import_upload(
        by=request.user,
        uploaded_file=form.cleaned_data["file"],
        project_ids=form.cleaned_data["project_ids"],
        team=form.cleaned_data["team"],
    )
    messages.success(
        request,
        "The file is uploaded. The dry run checks it in the background: this page shows its "
        "progress, then what the import would do. Nothing is imported until you say so.",
    )
    return redirect("hmis:import_detail", import_id=row.pk)


@require_http_methods(["GET", "POST"])
@role_required(*IMPORT_ROLES)
def import_detail(request, import_id):
    """The dry run's report and the choices on the possible duplicates, then "Import"; the
    import's progress, then its report."""
    row = _import_for(request, import_id)
    duplicates = (row.dry_run_report or {}).get("duplicates", [])
    form = DuplicateDecisionsForm(duplicates, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not row.may_import:
            messages.info(request, "This import was asked for already, or its file is gone.")
            return redirect("hmis:import_detail", import_id=row.pk)
        if form.is_valid():
            if services.hmis_import_queue(row=row, by=request.user, decisions=form.decisions()):
                messages.success(
                    request, "The import is queued. This page shows its progress, then its report."
                )
            return redirect("hmis:import_detail", import_id=row.pk)
    return render(
        request,
        "hmis/import_detail.html",
        {
            "row": row,
            "form": form,
            "dry_run": row.dry_run_report,
            "final": row.report,
            "retention_hours": settings.HMIS_IMPORT_RETENTION_HOURS,
        },
    )


@require_GET
@role_required(*IMPORT_ROLES)
def import_status(request, import_id):
    """The job's state for the page's progress script (JSON)."""
    row = _import_for(request, import_id)
    return _job_state(row, reverse("hmis:import_detail", args=[row.pk]))
