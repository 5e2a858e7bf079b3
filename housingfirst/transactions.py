"""Writing transactions: one lock order everywhere, and a second run when PostgreSQL cancels one.

Every transaction that writes history holds the head of the audit chain until it commits
(``audit_log.chain``). A writer that locked a client row first and then waited for the head,
while the head's holder needed that client row at commit (a foreign-key check, a version
bump), deadlocked, and PostgreSQL cancelled one of the two: a profile save and a contact
logged at the same moment answered 500 and lost what was typed. Now:

- ``writing()`` opens a transaction that locks the chain's head before anything else, so
  writers queue at the head and never hold one row while waiting for another. Every web
  request that may write runs its view in one (``WriteRequestTransaction``), and so does
  each batch of the reminder sweep.
- ``run_writing()`` runs a function in ``writing()`` and, when PostgreSQL cancels the
  transaction as a deadlock (40P01) or a serialization failure (40001), rolls back and runs
  it once more, transparently: nothing of the cancelled run is kept.
"""

import contextlib
import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction

logger = logging.getLogger(__name__)

DEADLOCK = "40P01"
SERIALIZATION_FAILURE = "40001"
RETRIED_STATES = {DEADLOCK, SERIALIZATION_FAILURE}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def cancelled_by_database(error: BaseException) -> bool:
    """True when PostgreSQL cancelled the transaction to let another one through."""
    cause = error.__cause__ or error
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return state in RETRIED_STATES


@contextlib.contextmanager
def writing(*, using: str = DEFAULT_DB_ALIAS, lock_chain: bool = True):
    """A transaction that takes the audit chain's head lock first (see the module docstring)."""
    from .audit_log.chain import lock_history_chain

    with transaction.atomic(using=using):
        if lock_chain:
            lock_history_chain(using)
        yield


def run_writing(function, *, using: str = DEFAULT_DB_ALIAS, lock_chain=True, on_retry=None):
    """``function()`` in ``writing()``; run once more if PostgreSQL cancels it.

    Only an outermost transaction can run again (inside another one, the error is raised
    for the outer one to handle). ``on_retry`` undoes what the cancelled run did outside the
    database (messages queued for the person, for instance).
    """
    for attempt in (1, 2):
        try:
            with writing(using=using, lock_chain=lock_chain):
                return function()
        except DatabaseError as error:
            outermost = not transaction.get_connection(using).in_atomic_block
            if attempt == 2 or not outermost or not cancelled_by_database(error):
                raise
            logger.warning("The database cancelled a transaction (%s); running it again.", error)
            if on_retry is not None:
                on_retry()
    raise AssertionError("unreachable")  # pragma: no cover


class WriteRequestTransaction:
    """Run the view of every request that may write (not GET, HEAD…) in ``run_writing``.

    A signed-in person's request locks the audit chain first; a sign-in does not (it writes
    no history, and hashing a password must not hold up everyone's writes). Views marked
    ``transaction.non_atomic_requests`` run as they are. Last in ``MIDDLEWARE``, so that
    every other check (CSRF, sign-in, roles, uploads) has answered before.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        if DEFAULT_DB_ALIAS in getattr(view_func, "_non_atomic_requests", set()):
            return None
        user = getattr(request, "user", None)
        queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
        already = len(queued) if queued is not None else 0

        def forget_messages():
            if queued is not None:
                del queued[already:]

        return run_writing(
            lambda: view_func(request, *view_args, **view_kwargs),
            lock_chain=bool(user is not None and user.is_authenticated),
            on_retry=forget_messages,
        )
