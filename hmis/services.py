"""The request side of /hmis/export/ (asking for an export, downloading it) and of
/hmis/import/ (uploading a zip, asking for its import)."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone

from clients.models import Team
from enrollments.models import Project
from housingfirst.access_log import log_access
from housingfirst.audit import acting_person, change_reason
from housingfirst.jobs import enqueue_on_commit
from housingfirst.models import AccessLogEntry

from . import tasks
from .export import ExportOptions
from .jobs import PARTIAL_SUFFIX, private_directory
from .models import HmisExport, HmisImport


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


# Import ---------------------------------------------------------------------------------------


def _store_upload(uploaded_file) -> tuple[str, int]:
    """Copy the upload into the private import directory, under a name only its row knows,
    readable by this service alone; renamed when complete (a partial file is never named)."""
    directory = private_directory("HMIS_IMPORT_DIR")
    name = f"hmis-import-{secrets.token_hex(12)}.zip"
    target = directory / name
    partial = target.with_name(name + PARTIAL_SUFFIX)
    size = 0
    try:
        with open(partial, "wb") as binary_file:
            os.chmod(partial, 0o600)
            for chunk in uploaded_file.chunks():
                binary_file.write(chunk)
                size += len(chunk)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return name, size


def hmis_import_upload(
    *, by, uploaded_file, project_ids: list[str], team: Team | None
) -> HmisImport:
    """Keep the uploaded zip privately and queue its dry run (sent once the request commits).
    ``team``: the team whose intake queue the new clients join (its name is kept, so that the
    page can say which team it was if the team is deleted before the import).

    The zip is checked by the job (refusals included), never in the request: one path for a
    small file and a large one.
    """
    name, size = _store_upload(uploaded_file)
    try:
        row = HmisImport(
            uploaded_by=by,
            original_name=Path(uploaded_file.name or "upload.zip").name[:255],
            file_name=name,
            size=size,
            project_ids=project_ids,
            team=team,
            team_name=team.name if team else "",
        )
        with acting_person(by):
            row.save()
    except BaseException:
        (Path(settings.HMIS_IMPORT_DIR) / name).unlink(missing_ok=True)
        raise
    enqueue_on_commit(tasks.dry_run_hmis_import, row.pk)
    return row


def hmis_import_queue(*, row: HmisImport, by, decisions: dict[str, str]) -> bool:
    """Record the administrator's choices and queue the import as them; False when the import
    is not (or no longer) waiting for them: queued already, or its upload is gone."""
    row = HmisImport.objects.select_for_update().filter(pk=row.pk).first()
    if row is None or not row.may_import:
        return False
    row.status = HmisImport.Status.QUEUED
    row.decisions = decisions
    row.imported_by = by
    row.import_requested_at = timezone.now()
    # The dry run's start and heartbeat would make a lost message look like a running job.
    row.started_at = row.progress_at = row.finished_at = None
    row.progress_done = row.progress_total = 0
    with acting_person(by), change_reason("Import asked for"):
        row.save()
    enqueue_on_commit(tasks.run_hmis_import, row.pk)
    return True
