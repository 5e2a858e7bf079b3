"""Reminder jobs: thin, taking ids, idempotent; retried with backoff on database or mail errors.

Beat runs ``generate_reminders`` hourly (which hands out one ``generate_reminders_batch`` per
batch of clients) and ``send_daily_digests`` each morning (see ``CELERY_BEAT_SCHEDULE`` in
settings); ``refresh_client_reminders`` is enqueued after commit
when something about one client changes.
"""

import logging
from datetime import date
from smtplib import SMTPException

from celery import shared_task
from celery.signals import beat_init
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from housingfirst.audit import acting_as
from housingfirst.jobs import enqueue

from . import services, stock

logger = logging.getLogger(__name__)

# Database errors (a lock timeout, a failover) and mail errors are usually passing: retry
# with exponential backoff (1s, 2s, 4s... capped at 10 minutes, jittered), five times.
RETRIES = {
    "autoretry_for": (DatabaseError, SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**RETRIES)
def generate_reminders(today: str | None = None) -> int:
    """The sweep over every client (hourly): one small task per batch of clients.

    Each batch (``REMINDER_BATCH_SIZE`` clients, by id range) is its own message, done in
    seconds and acknowledged when done (``acks_late``): a worker killed mid-sweep loses at
    most the batches it held, which the broker hands out again after the visibility timeout
    (``CELERY_VISIBILITY_TIMEOUT``, minutes), and a batch run twice makes nothing twice.
    The day is fixed here, so that every batch of one sweep works for the same day.
    """
    day = today or timezone.localdate().isoformat()
    ranges = services.client_id_ranges(settings.REMINDER_BATCH_SIZE)
    for first, last in ranges:
        enqueue(generate_reminders_batch, first, last, day)
    logger.info("Reminders: %s batches enqueued for %s", len(ranges), day)
    return len(ranges)


@shared_task(**RETRIES)
def generate_reminders_batch(first_id: int, last_id: int, today: str | None = None) -> dict:
    """One batch of the sweep: the clients whose ids are from ``first_id`` to ``last_id``."""
    on = date.fromisoformat(today) if today else None
    with acting_as(services.GENERATION_JOB):
        report = services.reminders_generate(id_range=(first_id, last_id), today=on)
    logger.info("Reminders for clients #%s–#%s: %s", first_id, last_id, report)
    return report.as_dict()


@shared_task(**RETRIES)
def refresh_client_reminders(client_id: int) -> dict:
    """The sweep for one client, after something about them changed."""
    with acting_as("job:refresh_client_reminders"):
        report = services.reminders_generate(client_ids=[client_id])
    return report.as_dict()


@shared_task(**RETRIES)
def stock_reminders() -> dict:
    """Harm-reduction stock: lots coming up to their expiry, stock under its minimum (daily)."""
    with acting_as(stock.STOCK_JOB):
        created, resolved = stock.reminders_stock_sweep()
    logger.info("Stock reminders: %s created, %s resolved", created, resolved)
    return {"created": created, "resolved": resolved}


@shared_task(**RETRIES)
def send_daily_digests(day: str | None = None) -> int:
    """One digest task per person with something due today (each sends at most once)."""
    on = date.fromisoformat(day) if day else timezone.localdate()
    recipients = services.digest_recipients(on)
    for user_id in recipients:
        enqueue(send_digest, user_id, on.isoformat())
    logger.info("Daily digests: %s enqueued for %s", len(recipients), on)
    return len(recipients)


@shared_task(**RETRIES)
def send_digest(user_id: int, day: str) -> bool:
    return services.digest_send(user_id=user_id, day=date.fromisoformat(day))


@beat_init.connect
def _sweep_when_beat_starts(sender=None, **kwargs):
    # Beat's hourly entry first fires at the next full hour; sweep once at start, so a fresh
    # local run, or a restart after downtime, catches up at once.
    enqueue(generate_reminders)
