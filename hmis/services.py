"""Asking for an export and downloading it: the request side of /hmis/export/."""

from django.http import FileResponse

from enrollments.models import Project
from housingfirst.access_log import log_access
from housingfirst.audit import acting_person
from housingfirst.jobs import enqueue_on_commit
from housingfirst.models import AccessLogEntry

from . import tasks
from .export import ExportOptions
from .models import HmisExport


def hmis_export_request(*, by, options: ExportOptions) -> HmisExport:
    """Record what this person asked for and queue the job (sent once the request commits).

    The clients it may hold are worked out when the job runs, from the person's scope then.
    """
    project = Project.objects.filter(pk=options.project_id).first() if options.project_id else None
    export = HmisExport(
        requested_by=by,
        period_start=options.start,
        period_end=options.end,
        changed_since=options.changed_since,
        project_id=options.project_id,
        project_name=project.name if project else "",
        hashed=options.hashed,
    )
    with acting_person(by):
        export.save()
    enqueue_on_commit(tasks.run_hmis_export, export.pk)
    return export


def hmis_export_download(request, export: HmisExport) -> FileResponse:
    """The zip as an attachment, written to the access log first (a disclosure like the export)."""
    binary_file = open(export.path, "rb")  # noqa: SIM115 (FileResponse closes it)
    log_access(
        request,
        export,
        action=AccessLogEntry.Action.EXPORT,
        detail=(
            f"Downloaded: HMIS CSV (FY2026), {export.period_label}, {export.project_label}, "
            f"{export.hash_label}: {export.client_count} clients. "
            f"HUD ExportID {export.hud_export_id}."
        ),
    )
    stamp = export.requested_at.strftime("%Y%m%d")
    response = FileResponse(
        binary_file,
        as_attachment=True,
        filename=f"hmis-csv-{stamp}-{export.pk}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response
