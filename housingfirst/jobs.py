"""Enqueue Celery work after commit, without ever failing the request that asked for it.

Work is enqueued only once the transaction commits (a rolled-back request sends nothing), and
a broker that is down is logged, not raised: the request has already done its part, and the
scheduled sweeps (Celery beat) catch up on whatever the lost message would have done.
"""

import logging

from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

try:  # Redis errors that escape kombu's wrapping (the Redis client is optional locally).
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = KombuError

# kombu wraps connection failures in OperationalError (a KombuError); OSError covers refused
# connections and socket timeouts raised before kombu can wrap them.
BROKER_ERRORS = (KombuError, RedisError, OSError)

# A web request should not wait long for a broker that is down: two quick retries, then give
# up (the default policy retries for several seconds).
PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}


def enqueue(task, *args) -> bool:
    """Send ``task(*args)`` to the broker now; log and return False if it cannot be sent."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except BROKER_ERRORS:
        logger.exception(
            "Could not enqueue %s%r: the broker is unreachable. Nothing is lost: the next "
            "scheduled run catches up.",
            task.name,
            args,
        )
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    """Send ``task(*args)`` once the current transaction commits (at once outside one).

    The same task with the same arguments is sent once per transaction, however many times
    the transaction asks for it (tasks are idempotent: one run does what several would).
    """
    key = (task.name, args)
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(callback, "job_key", None) == key and not callback.sent
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return

    def send():
        send.sent = True
        enqueue(task, *args)

    send.job_key = key
    send.sent = False
    transaction.on_commit(send)
