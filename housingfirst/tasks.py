"""Core jobs. Beat runs ``publish_audit_anchor`` once a day and ``verify_audit_trail`` every
night (``CELERY_BEAT_SCHEDULE``)."""

import logging
from pathlib import Path
from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from .audit_log import anchors, verification

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


# Not acks_late: a whole verification of millions of links can outlast the broker's
# visibility timeout, and would then be handed out again while still running. A run lost
# with its worker is harmless: its record stays unfinished and the next night runs again.
@shared_task(acks_late=False)
def verify_audit_trail(full: bool = False) -> bool:
    """Verify the audit chains (only the links since the last checkpoint, unless ``full``),
    against the anchors this app published, and record the result for /audit/."""
    try:
        published = _published_anchors()
    except (OSError, ValueError) as error:
        record = verification.record_refusal(
            triggered_by="beat", full=full, problem=f"Cannot read the anchors: {error}"
        )
        logger.error("The audit trail was not verified: %s", record.problem)
        return False
    outcome = verification.run_verification(triggered_by="beat", resume=not full, anchors=published)
    if not outcome.ok:
        logger.error("The audit trail does not verify: %s", outcome.record.problem)
    return outcome.ok


def _published_anchors() -> dict:
    path = Path(settings.AUDIT_ANCHOR_FILE)
    return anchors.load_anchors([path]) if path.exists() else {}
