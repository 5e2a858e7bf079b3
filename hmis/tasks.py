"""HMIS export jobs, thin: the work is in ``hmis.jobs``.

``run_hmis_export`` is enqueued after the request that asked for an export commits; beat runs
``sweep_hmis_exports`` hourly (``CELERY_BEAT_SCHEDULE["sweep-hmis-exports"]``).
"""

import logging

from celery import shared_task
from django.db import DatabaseError

from housingfirst.jobs import enqueue

from . import jobs

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def run_hmis_export(export_id: int) -> str | None:
    """Write, validate and record one export (a second delivery of the message does nothing)."""
    export = jobs.run_export(export_id)
    return export.status if export is not None else None


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def sweep_hmis_exports() -> dict:
    """Delete the files past their time; send again the jobs whose message was lost."""
    deleted = jobs.delete_expired()
    partials = jobs.delete_abandoned_partials()
    resumed = jobs.exports_to_resume()
    for export_id in resumed:
        enqueue(run_hmis_export, export_id)
    report = {"deleted": deleted, "partials": partials, "resumed": len(resumed)}
    logger.info("HMIS exports: %s", report)
    return report
