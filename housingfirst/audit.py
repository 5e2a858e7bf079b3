"""Who or what acted, and why: the context every history row is written in.

Web requests get their user from simple-history's HistoryRequestMiddleware. Jobs and commands
have no request, so they run inside ``acting_as("job:…")``; services add a reason with
``change_reason("…")``. A pre-save signal copies both onto each history row.
"""

import contextlib
from contextvars import ContextVar

from django.db import models
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

_actor: ContextVar[str] = ContextVar("history_actor", default="")
_actor_user: ContextVar = ContextVar("history_actor_user", default=None)
_reason: ContextVar[str] = ContextVar("history_reason", default="")


class AuditedHistory(models.Model):
    """Extra columns on every history table."""

    history_actor = models.CharField(
        "acting job or command", max_length=100, blank=True, default=""
    )

    class Meta:
        abstract = True


def audit_history(**kwargs) -> HistoricalRecords:
    """HistoricalRecords for an audited model, with the acting job or command recorded."""
    kwargs.setdefault("bases", [AuditedHistory])
    kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
    return HistoricalRecords(**kwargs)


@contextlib.contextmanager
def acting_as(actor: str, *, user=None):
    """Attribute history written inside the block to a job or command (and optional user)."""
    actor_token = _actor.set(actor)
    user_token = _actor_user.set(user)
    try:
        yield
    finally:
        _actor.reset(actor_token)
        _actor_user.reset(user_token)


@contextlib.contextmanager
def change_reason(reason: str):
    """Record why: every history row written inside the block carries this reason."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


def current_actor() -> str:
    return _actor.get()


def current_reason() -> str:
    return _reason.get()


def _fill_history_context(sender, instance, history_instance, **kwargs):
    if not history_instance.history_change_reason and _reason.get():
        history_instance.history_change_reason = _reason.get()
    if hasattr(history_instance, "history_actor") and not history_instance.history_actor:
        history_instance.history_actor = _actor.get()
    if history_instance.history_user_id is None and _actor_user.get() is not None:
        history_instance.history_user = _actor_user.get()


def connect_signals():
    pre_create_historical_record.connect(
        _fill_history_context, dispatch_uid="housingfirst.audit.fill_history_context"
    )
