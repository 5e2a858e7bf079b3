"""What runs outside a request: the export job, the validator's report, the hourly sweep.

The job writes the zip under a temporary name in the private directory and renames it when
complete, so a half-written file is never offered; then the validator reads it and its report
is stored beside the file. Progress is saved now and then (with history, like every change).
A message handed out twice (a worker killed, the broker's visibility timeout passed) is
harmless: a run claims its row first, and a second run finds it claimed and stops, unless the
first has shown no sign of life for ``STALE_AFTER`` (then it was lost, and this run restarts).
"""

import logging
import os
import secrets
import time
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clients.models import Client
from housingfirst.access_log import access_entry
from housingfirst.audit import acting_as, change_reason
from housingfirst.models import AccessLogEntry
from housingfirst.roles import Role, role_of
from housingfirst.transactions import run_writing, writing

from . import export as hmis_export
from .export import ExportOptions, ExportResult
from .models import HmisExport

logger = logging.getLogger(__name__)

RUN_JOB = "job:run_hmis_export"
SWEEP_JOB = "job:sweep_hmis_exports"
EXPORT_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
PROGRESS_SAVE_SECONDS = 2.0
STALE_AFTER = timedelta(minutes=10)  # a running job silent this long was lost
RESEND_AFTER = timedelta(minutes=5)  # a queued job not started this long: its message was lost
PARTIAL_SUFFIX = ".partial"
FAILED_MESSAGE = "The export could not be written. Nothing was kept; please ask for it again."


class NotAllowed(Exception):
    """The person may not export (their role changed since they asked)."""


# Scope -------------------------------------------------------------------------------------


def client_scope(user):
    """The clients this person's export may hold: None (everyone) for an administrator, the
    ids of their teams' clients for a supervisor; anyone else may not export."""
    role = role_of(user)
    if role is Role.ADMINISTRATOR:
        return None
    if role is Role.SUPERVISOR:
        return Client.objects.visible_to(user).values("pk")
    raise NotAllowed(f"{user} is no longer an administrator or supervisor.")


def scope_label(user) -> str:
    return "every client" if role_of(user) is Role.ADMINISTRATOR else "their teams' clients"


def options_of(export: HmisExport) -> ExportOptions:
    """What the row asks for, scoped to the person who asked, as they are now."""
    return ExportOptions(
        start=export.period_start,
        end=export.period_end,
        changed_since=export.changed_since,
        project_id=export.project_id,
        hashed=export.hashed,
        client_ids=client_scope(export.requested_by),
        exported_by=export.requested_by,
    )


# Writing the file ---------------------------------------------------------------------------


def write_zip(options: ExportOptions, target: Path, progress=None) -> tuple[ExportResult, int]:
    """Write the export to ``target`` through a temporary file renamed when complete; the
    result and the file's size. Nothing is left behind when writing fails."""
    target = Path(target)
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    try:
        with open(partial, "wb") as binary_file:
            os.chmod(partial, 0o600)
            result = hmis_export.write_export(options, binary_file, progress)
            binary_file.flush()
            os.fsync(binary_file.fileno())
        os.replace(partial, target)
    finally:
        with suppress(FileNotFoundError):
            partial.unlink()
    return result, target.stat().st_size


def private_directory(setting: str) -> Path:
    """The private directory a setting names (HMIS_EXPORT_DIR, HMIS_IMPORT_DIR), made if
    missing, readable by this service's user alone."""
    directory = Path(getattr(settings, setting))
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    return directory


def export_directory() -> Path:
    return private_directory("HMIS_EXPORT_DIR")


class JobProgress:
    """The callback handed to a long job: done and total, saved on the job's row every few
    seconds (export: clients; import: records)."""

    def __init__(self, row, done="clients_done", total="clients_total"):
        self.row, self.done, self.total = row, done, total
        self.saved_at = 0.0

    def __call__(self, done: int, total: int) -> None:
        setattr(self.row, self.done, done)
        setattr(self.row, self.total, total)
        now = time.monotonic()
        if now - self.saved_at < PROGRESS_SAVE_SECONDS:
            return
        # Inside the writer's own transaction a save would hold the audit chain's lock until
        # the whole job ends: the progress then shows at the end only.
        if transaction.get_connection().in_atomic_block:
            return
        self.saved_at = now
        self.row.progress_at = timezone.now()
        with writing():
            self.row.save(update_fields=[self.done, self.total, "progress_at"])


# The validator ------------------------------------------------------------------------------


def _validate(path):
    """The validator's report on a zip (hmis.validator, imported when first needed)."""
    from . import validator

    return validator.validate(path)


def report_summary(report, kept: int | None = None) -> dict:
    """The validator's report as stored beside the file: counts, and the first problems."""
    kept = settings.HMIS_EXPORT_PROBLEMS_KEPT if kept is None else kept
    return {
        "checked": True,
        "ok": report.ok,
        "errors": report.errors,
        "warnings": report.warnings,
        "problems": [
            {
                "severity": problem.severity,
                "file": problem.file,
                "line": problem.line,
                "column": problem.column,
                "value": problem.value[:200],
                "message": problem.message,
            }
            for problem in report.problems[:kept]
        ],
        "more": max(0, report.errors + report.warnings - kept),
    }


def validation_summary(path) -> dict:
    """Run the validator on the file; a validator that is missing or fails says so."""
    try:
        report = _validate(path)
    except ImportError:
        return {"checked": False, "message": "The validator is not installed on this server."}
    except Exception:
        logger.exception("The HMIS validator failed on %s", path)
        return {"checked": False, "message": "The validator could not read this file."}
    return report_summary(report)


# The job ------------------------------------------------------------------------------------


def is_stale(row, now) -> bool:
    """A job row (export or import) whose run has shown no sign of life for STALE_AFTER."""
    return row.last_sign_of_life < now - STALE_AFTER


def claim(queryset, pk, *, may_claim, start):
    """Lock the job's row and, when ``may_claim(row, now)``, stamp its start, let ``start(row)``
    mark it running and save: the row for this run, or None when another run holds it or there
    is nothing left to do. A second delivery of a job's message stops here."""

    def take():
        row = queryset.select_for_update().filter(pk=pk).first()
        if row is None:
            return None
        now = timezone.now()
        if not may_claim(row, now):
            return None
        row.started_at = row.progress_at = now
        start(row)
        row.save()
        return row

    return run_writing(take)


def _may_run_export(export: HmisExport, now) -> bool:
    if export.status == HmisExport.Status.RUNNING:
        return is_stale(export, now)  # else another run holds it
    return export.status == HmisExport.Status.QUEUED  # not done or failed already


def _start_export(export: HmisExport) -> None:
    export.status = HmisExport.Status.RUNNING
    export.clients_done = 0


def _claim(export_id: int) -> HmisExport | None:
    """Mark the export running for this run, or None when there is nothing to do."""
    return claim(HmisExport.objects, export_id, may_claim=_may_run_export, start=_start_export)


def _fail(export: HmisExport, message: str) -> None:
    export.status = HmisExport.Status.FAILED
    export.error = message
    export.finished_at = timezone.now()
    with writing():
        export.save()


def access_log_detail(export: HmisExport, result: ExportResult, *, scope: str) -> str:
    counts = ", ".join(f"{name}: {rows}" for name, rows in sorted(result.rows.items()) if rows)
    return (
        f"HMIS CSV (FY2026), {export.period_label}, {export.project_label}, "
        f"{export.hash_label}: {result.client_count} clients ({scope}). "
        f"HUD ExportID {result.export_id}. Rows: {counts or 'none'}."
    )


def run_export(export_id: int) -> HmisExport | None:
    """The page's job: write the export's zip, validate it, record the result."""
    with acting_as(RUN_JOB):
        export = _claim(export_id)
        if export is None:
            return None
        try:
            options = options_of(export)
        except NotAllowed as refusal:
            _fail(export, f"Not exported: {refusal}")
            return export
        name = export.file_name or f"hmis-export-{export.pk}-{secrets.token_hex(8)}.zip"
        target = export_directory() / name
        try:
            result, size = write_zip(options, target, JobProgress(export))
        except Exception:
            logger.exception("HMIS export #%s failed", export.pk)
            _fail(export, FAILED_MESSAGE)
            return export
        report = validation_summary(target)
        finished = timezone.now()
        export.status = HmisExport.Status.DONE
        export.file_name = name
        export.size = size
        export.hud_export_id = str(result.export_id)[:32]
        export.row_counts = dict(result.rows)
        export.client_count = result.client_count
        export.clients_total = max(export.clients_total, result.client_count)
        export.clients_done = export.clients_total
        export.report = report
        export.finished_at = finished
        export.expires_at = export.retention_end(finished)
        entry = access_entry(
            None,
            export,
            user=export.requested_by,
            action=AccessLogEntry.Action.EXPORT,
            detail=access_log_detail(export, result, scope=scope_label(export.requested_by)),
        )
        entry.path = "/hmis/export/"
        with writing():
            export.save()
            entry.save()
        return export


# The hourly sweep ---------------------------------------------------------------------------


def delete_expired(now=None) -> int:
    """Delete the files past their time and stamp their rows (with history); how many."""
    now = now or timezone.now()
    hours = settings.HMIS_EXPORT_RETENTION_HOURS
    deleted = 0
    with acting_as(SWEEP_JOB), change_reason(f"Deleted after {hours} hours"):
        for export in HmisExport.objects.expired(now).order_by("pk"):
            if export.path is not None:
                export.path.unlink(missing_ok=True)
            export.deleted_at = now
            with writing():
                export.save(update_fields=["deleted_at"])
            deleted += 1
    return deleted


def delete_abandoned_partials(now=None) -> int:
    """Temporary files a killed worker (or an interrupted upload) left behind."""
    now = now or timezone.now()
    cutoff = (now - STALE_AFTER).timestamp()
    removed = 0
    for directory in (Path(settings.HMIS_EXPORT_DIR), Path(settings.HMIS_IMPORT_DIR)):
        if not directory.is_dir():
            continue
        for partial in directory.glob(f"*{PARTIAL_SUFFIX}"):
            if partial.stat().st_mtime < cutoff:
                partial.unlink(missing_ok=True)
                removed += 1
    return removed


def exports_to_resume(now=None) -> list[int]:
    """Exports whose job message was lost (queued, never started) or whose run died."""
    now = now or timezone.now()
    waiting = HmisExport.objects.filter(
        status=HmisExport.Status.QUEUED, requested_at__lt=now - RESEND_AFTER
    )
    running = HmisExport.objects.filter(status=HmisExport.Status.RUNNING)
    stale = [export.pk for export in running if is_stale(export, now)]
    return sorted({*waiting.values_list("pk", flat=True), *stale})
