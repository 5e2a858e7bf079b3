"""What runs outside a request for /hmis/import/: the dry run, the import, the upload's deletion.

Both jobs call the importer (``hmis.importer.import_zip``, through ``import_zip_file`` alone)
on the uploaded zip, with the team whose intake queue the new clients join (none if it was
deleted since the upload): the dry run writes nothing and reports what the import would do, the
possible duplicates among it; the import runs as the administrator who pressed "Import", with
their choices. Claiming the row, the progress and the takeover of a lost run are the export's
(``hmis.jobs``). The upload holds identities: it is deleted as soon as the import is over
(done, failed or refused), and the hourly sweep deletes any left past
``HMIS_IMPORT_RETENTION_HOURS``.
"""

import logging
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from housingfirst.audit import acting_as, acting_person, change_reason
from housingfirst.transactions import writing

from .jobs import (
    PARTIAL_SUFFIX,
    RESEND_AFTER,
    JobProgress,
    claim,
    is_stale,
    report_summary,
)
from .models import HmisImport

logger = logging.getLogger(__name__)

DRY_RUN_JOB = "job:dry_run_hmis_import"
RUN_JOB = "job:run_hmis_import"
SWEEP_JOB = "job:sweep_hmis_exports"  # the exports' hourly sweep deletes the uploads too
COUNTS = ("read", "imported", "updated", "unchanged", "skipped")
FAILED_MESSAGE = (
    "The import stopped before the end. What was imported stays (each record whole, and a "
    "new upload of the same file imports the rest without doubling anything); please upload "
    "the file again."
)
DRY_RUN_FAILED_MESSAGE = "The file could not be read to the end. Nothing was imported."


def import_zip_file(path, **options):
    """The importer (imported when first needed): the one place the page's jobs call it."""
    from . import importer

    return importer.import_zip(path, **options)


# The report as stored -----------------------------------------------------------------------


def _text(value, limit=200) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)[:limit]


def import_summary(report, kept: int | None = None, *, team=None) -> dict:
    """An importer's ImportReport as the page keeps it: counts per file (and their totals),
    the first skipped records, every possible duplicate, the validator's summary; and the name
    of the team whose intake queue the new clients join(ed) (``team``, None: no team)."""
    kept = settings.HMIS_IMPORT_SKIPS_KEPT if kept is None else kept
    files = [
        {
            "name": name,
            **{count: int(getattr(counts, count, 0) or 0) for count in COUNTS},
            # Of the skipped: rows of projects not chosen (counted, not listed).
            "outside": int(getattr(counts, "outside", 0) or 0),
        }
        for name, counts in sorted((report.files or {}).items())
    ]
    skips = list(report.skips or [])
    validation = getattr(report, "validation", None)
    return {
        "export_id": _text(report.export_id, 32),
        "source": _text(report.source),
        "refused": report.refused or None,
        "dry_run": bool(report.dry_run),
        "ok": bool(report.ok),
        "team": team.name if team is not None else None,
        "validation": report_summary(validation) if validation is not None else None,
        "files": files,
        "totals": {count: sum(row[count] for row in files) for count in COUNTS},
        "skips": [
            {
                "file": _text(skip.file),
                "line": skip.line,
                "column": _text(skip.column),
                "value": _text(skip.value),
                "reason": _text(skip.reason, 500),
            }
            for skip in skips[:kept]
        ],
        "skips_more": max(0, len(skips) - kept),
        "duplicates": [
            {
                "personal_id": _text(pair.personal_id, 32),
                "name": _text(pair.name),
                "birth_date": _text(pair.birth_date),
                "existing_client_id": int(pair.existing_client_id),
                "existing_name": _text(pair.existing_name),
                "score": int(pair.score),
            }
            for pair in report.duplicates or []
        ],
    }


# The upload ---------------------------------------------------------------------------------


def delete_upload(row: HmisImport, now=None) -> None:
    """Delete the stored zip and stamp the row (saved by the caller)."""
    if row.path is not None:
        row.path.unlink(missing_ok=True)
    row.file_deleted_at = now or timezone.now()


def _finish(row: HmisImport, status, *, report=None, error="") -> HmisImport:
    row.status = status
    row.error = error
    row.finished_at = timezone.now()
    if report is not None:
        row.report = report
        row.hud_export_id = report["export_id"]
    row.progress_done = row.progress_total
    delete_upload(row, row.finished_at)
    with writing():
        row.save()
    return row


# The dry run --------------------------------------------------------------------------------


def _may_dry_run(row: HmisImport, now) -> bool:
    if row.status != HmisImport.Status.UPLOADED or not row.has_upload:
        return False
    return row.started_at is None or is_stale(row, now)


def _start(row: HmisImport) -> None:
    row.progress_done = row.progress_total = 0


def run_dry_run(import_id: int) -> HmisImport | None:
    """Check the upload: refused (the file is deleted, nothing was written), or the dry run's
    report, waiting for the administrators' choices and "Import"."""
    with acting_as(DRY_RUN_JOB):
        row = claim(HmisImport.objects, import_id, may_claim=_may_dry_run, start=_start)
        if row is None:
            return None
        try:
            report = import_zip_file(
                row.path,
                project_ids=row.project_ids or None,
                dry_run=True,
                team=row.team,
                progress=JobProgress(row, "progress_done", "progress_total"),
                actor=DRY_RUN_JOB,
            )
        except Exception:
            logger.exception("HMIS import #%s: the dry run failed", row.pk)
            return _finish(row, HmisImport.Status.FAILED, error=DRY_RUN_FAILED_MESSAGE)
        summary = import_summary(report, team=row.team)
        if summary["refused"]:
            row.dry_run_report = summary
            return _finish(row, HmisImport.Status.REFUSED, error=summary["refused"])
        row.status = HmisImport.Status.DRY_RUN_DONE
        row.dry_run_report = summary
        row.hud_export_id = summary["export_id"]
        row.progress_done = row.progress_total
        row.finished_at = timezone.now()
        with writing():
            row.save()
        return row


# The import ---------------------------------------------------------------------------------


def _may_import(row: HmisImport, now) -> bool:
    if not row.has_upload:
        return False
    if row.status == HmisImport.Status.RUNNING:
        return is_stale(row, now)  # else another run holds it
    return row.status == HmisImport.Status.QUEUED


def _start_import(row: HmisImport) -> None:
    row.status = HmisImport.Status.RUNNING
    row.progress_done = row.progress_total = 0
    row.finished_at = None


def run_import(import_id: int) -> HmisImport | None:
    """Import the upload as the administrator who asked, with their choices on the possible
    duplicates; then delete the upload. A second delivery of the message does nothing."""
    with acting_as(RUN_JOB):
        row = claim(HmisImport.objects, import_id, may_claim=_may_import, start=_start_import)
        if row is None:
            return None
        # The importer names the administrator (and this job, and the reason "Imported from
        # HMIS export <ExportID>") on every record it writes; the job's own saves of this row
        # name them too.
        with acting_person(row.imported_by):
            try:
                report = import_zip_file(
                    row.path,
                    project_ids=row.project_ids or None,
                    dry_run=False,
                    decisions=dict(row.decisions),
                    by=row.imported_by,
                    # None when the team was deleted since the upload: no team, then.
                    team=row.team,
                    progress=JobProgress(row, "progress_done", "progress_total"),
                    actor=RUN_JOB,
                )
            except Exception:
                logger.exception("HMIS import #%s failed", row.pk)
                return _finish(row, HmisImport.Status.FAILED, error=FAILED_MESSAGE)
            summary = import_summary(report, team=row.team)
            if summary["refused"]:  # the file changed after its dry run
                return _finish(
                    row, HmisImport.Status.REFUSED, report=summary, error=summary["refused"]
                )
            return _finish(row, HmisImport.Status.DONE, report=summary)


# The hourly sweep ---------------------------------------------------------------------------


def delete_old_uploads(now=None) -> int:
    """Delete the uploads whose import is over, or that are past their retention; how many.

    A row whose job is running (and alive) keeps its file until the job ends. Files in the
    directory that no row names (a request that failed after writing) go once past their time.
    """
    now = now or timezone.now()
    hours = settings.HMIS_IMPORT_RETENTION_HOURS
    cutoff = now - timedelta(hours=hours)
    deleted = 0
    with acting_as(SWEEP_JOB):
        for row in HmisImport.objects.with_upload().order_by("pk"):
            over = row.status in HmisImport.FINISHED
            past_time = row.uploaded_at <= cutoff
            running = row.in_progress and row.started_at is not None and not is_stale(row, now)
            if running or not (over or past_time):
                continue
            reason = "Deleted: the import is over" if over else f"Deleted after {hours} hours"
            delete_upload(row, now)
            with change_reason(reason), writing():
                row.save(update_fields=["file_deleted_at"])
            deleted += 1
    directory = Path(settings.HMIS_IMPORT_DIR)
    if directory.is_dir():
        named = set(HmisImport.objects.with_upload().values_list("file_name", flat=True))
        for path in directory.iterdir():
            stray = path.is_file() and path.name not in named
            if stray and not path.name.endswith(PARTIAL_SUFFIX):
                if path.stat().st_mtime < cutoff.timestamp():
                    path.unlink(missing_ok=True)
                    deleted += 1
    return deleted


def imports_to_resume(now=None) -> tuple[list[int], list[int]]:
    """(dry runs, imports) whose job message was lost (never started) or whose run died."""
    now = now or timezone.now()
    dry_runs, imports = [], []
    waiting = HmisImport.objects.with_upload().filter(status__in=HmisImport.IN_PROGRESS)
    for row in waiting.order_by("pk"):
        never_started = row.started_at is None and row.last_sign_of_life < now - RESEND_AFTER
        if not (never_started or (row.started_at is not None and is_stale(row, now))):
            continue
        (dry_runs if row.dry_run else imports).append(row.pk)
    return dry_runs, imports
