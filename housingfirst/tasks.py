"""Core jobs. Beat runs ``publish_audit_anchor`` once a day (``CELERY_BEAT_SCHEDULE``)."""

import logging
from smtplib import SMTPException

from celery import shared_task
from django.db import DatabaseError

from .audit_log import anchors

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def publish_audit_anchor() -> int:
    """Publish the audit chains' heads (file, mail, log); how many anchors were written."""
    try:
        return len(anchors.publish_anchors())
    except (SMTPException, OSError):
        # The file and the log may hold today's anchor already: log the failure loudly rather
        # than retry and append it twice.
        logger.exception("The audit anchor could not be published in full")
        raise
