"""Periodic jobs for client access. Thin: the work is in ``clients.services``."""

from celery import shared_task

from housingfirst.audit import acting_as

from . import services


@shared_task
def find_duplicates() -> dict[str, int]:
    """Look for possible duplicate records across the program, nightly (new pairs only)."""
    with acting_as("job:find_duplicates"):
        return services.duplicates_sweep()


@shared_task
def end_expired_covers() -> dict[str, int]:
    """End covers whose last day has passed and start covers whose first day has come.

    Run by beat every few minutes (``CELERY_BEAT_SCHEDULE["end-expired-covers"]``); a run that
    finds nothing to do changes nothing, so re-runs and missed runs are harmless.
    """
    with acting_as("job:end_expired_covers"):
        return services.covers_update()
