"""HMIS jobs, thin: the work is in ``hmis.jobs`` (exports) and ``hmis.import_jobs`` (imports).

``run_hmis_export``, ``dry_run_hmis_import`` and ``run_hmis_import`` are enqueued after the
request that asked for them commits; beat runs ``sweep_hmis_exports`` hourly
(``CELERY_BEAT_SCHEDULE["sweep-hmis-exports"]``), for the exports and the import uploads.
"""

import logging

from celery import shared_task
from django.db import DatabaseError

from housingfirst.jobs import enqueue

from . import import_jobs, jobs

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def run_hmis_export(export_id: int) -> str | None:
    """Write, validate and record one export (a second delivery of the message does nothing)."""
    export = jobs.run_export(export_id)
    return export.status if export is not None else None


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def dry_run_hmis_import(import_id: int) -> str | None:
    """Check an uploaded zip and report what its import would do (writes no record)."""
    row = import_jobs.run_dry_run(import_id)
    return row.status if row is not None else None


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def run_hmis_import(import_id: int) -> str | None:
    """Import an uploaded zip as the administrator who asked, then delete the upload."""
    row = import_jobs.run_import(import_id)
    return row.status if row is not None else None


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def sweep_hmis_exports() -> dict:
    """Delete the export files past their time and the import uploads that are over or past
    theirs; send again the jobs whose message was lost."""
    deleted = jobs.delete_expired()
    uploads = import_jobs.delete_old_uploads()
    partials = jobs.delete_abandoned_partials()
    resumed = jobs.exports_to_resume()
    for export_id in resumed:
        enqueue(run_hmis_export, export_id)
    dry_runs, imports = import_jobs.imports_to_resume()
    for import_id in dry_runs:
        enqueue(dry_run_hmis_import, import_id)
    for import_id in imports:
        enqueue(run_hmis_import, import_id)
    report = {
        "deleted": deleted,
        "partials": partials,
        "resumed": len(resumed),
        "uploads_deleted": uploads,
        "imports_resumed": len(dry_runs) + len(imports),
    }
    logger.info("HMIS exports and imports: %s", report)
    return report
