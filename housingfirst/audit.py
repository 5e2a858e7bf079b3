"""Who or what acted, and why: the context every history row is written in.

Who acted: every service takes the acting person and writes inside ``acting_person(by)``, so
history names them the same way in a web request, a job or the shell (inside a request,
simple-history's HistoryRequestMiddleware names the same signed-in person). Jobs and commands
also name themselves with ``acting_as("job:…")``; services add a reason with
``change_reason("…")``. A pre-save signal copies both onto each history row; bulk history
writes (``bulk_create_with_history``), which send no signal, get the same treatment from the
history models' manager. Every history row, single or bulk, is then sealed into the audit chain
(``housingfirst.audit_log.chain``), which also feeds the unified change log.

Nothing seals rows after the fact on its own (not ``migrate`` either): a history row written
around the app stays unsealed, and ``verify_audit_trail`` names it, until an administrator seals
it on purpose (``verify_audit_trail --seal-existing --by <username>``, logged row by row).
"""

import contextlib
import hashlib
from contextvars import ContextVar

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record, pre_create_historical_record

_actor: ContextVar[str] = ContextVar("history_actor", default="")
_actor_user: ContextVar = ContextVar("history_actor_user", default=None)
_reason: ContextVar[str] = ContextVar("history_reason", default="")
_buffer: ContextVar["HistoryBuffer | None"] = ContextVar("history_buffer", default=None)

# Columns whose value must never be readable from history (password hashes): history keeps a
# fingerprint instead, so a change still shows as "changed". Models can add their own with
# ``HISTORY_SECRET_FIELDS``; this covers models we don't own.
SECRET_HISTORY_FIELDS = {"auth.user": ("password",)}
SECRET_FINGERPRINT_PREFIX = "fingerprint:"


def secret_fields(model) -> tuple[str, ...]:
    return tuple(SECRET_HISTORY_FIELDS.get(model._meta.label_lower, ())) + tuple(
        getattr(model, "HISTORY_SECRET_FIELDS", ())
    )


def fingerprint(value):
    """A stand-in for a secret that changes when the secret does and reveals nothing of it."""
    if not value or str(value).startswith(SECRET_FINGERPRINT_PREFIX):
        return value
    digest = hashlib.sha256(str(value).encode()).hexdigest()[:32]
    return f"{SECRET_FINGERPRINT_PREFIX}{digest}"


class AuditedHistoryQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # simple-history's bulk path (bulk_create_with_history) inserts history rows here and
        # sends no per-row signal: fill in the context and seal the rows ourselves.
        objs = list(objs)
        for row in objs:
            fill_history_context(row)
        created = super().bulk_create(objs, *args, **kwargs)
        from .audit_log.chain import seal_history_rows

        seal_history_rows(self.model, created, using=self.db)
        return created


class AuditedHistory(models.Model):
    """Extra columns (and the sealing manager) on every history table."""

    history_actor = models.CharField(
        "acting job or command", max_length=100, blank=True, default=""
    )

    objects = AuditedHistoryQuerySet.as_manager()

    class Meta:
        abstract = True


class AuditedRecords(HistoricalRecords):
    """HistoricalRecords that writes each history row atomically with its seal, and also
    records m2m changes made from the other side.

    simple-history handles ``user.groups.add(group)`` but fails on the reverse,
    ``group.user_set.add(user)``; here each record on the tracked side gets its row.
    """

    def create_historical_record(self, instance, history_type, using=None):
        buffer = _buffer.get()
        if buffer is not None and not buffer.keep:
            return  # a dry run: rolled back whole
        if buffer is not None and not self.history_model_of(instance)._history_m2m_fields:
            buffer.add(self.unsaved_history_row(instance, history_type, using))
            return
        # The history row, its m2m snapshot and its seal commit together, even when the
        # record itself was saved outside a transaction (no savepoint inside one).
        with transaction.atomic(using=using, savepoint=False):
            super().create_historical_record(instance, history_type, using=using)

    def history_model_of(self, instance):
        # The class's history descriptor (``getattr(instance, "history")`` builds a manager
        # class on every call, too slow for a bulk writer).
        for klass in type(instance).__mro__:
            descriptor = klass.__dict__.get(self.manager_name)
            if descriptor is not None:
                return descriptor.model
        raise AttributeError(f"{type(instance).__name__} has no history")

    def unsaved_history_row(self, instance, history_type, using=None):
        """The history row simple-history would save now, built but not saved (the same
        columns, date, person, reason and pre-create signal)."""
        using = using if self.use_base_model_db else None
        history_model = self.history_model_of(instance)
        attrs = {f.attname: getattr(instance, f.attname) for f in self.fields_included(instance)}
        if getattr(history_model, "history_relation", None) is not None:
            attrs["history_relation"] = instance
        row = history_model(
            history_date=getattr(instance, "_history_date", None) or timezone.now(),
            history_type=history_type,
            history_user=self.get_history_user(instance),
            history_change_reason=self.get_change_reason_for_object(instance, history_type, using),
            **attrs,
        )
        pre_create_historical_record.send(
            sender=history_model,
            instance=instance,
            history_date=row.history_date,
            history_user=row.history_user,
            history_change_reason=row.history_change_reason,
            history_instance=row,
            using=using,
        )
        return row

    def m2m_changed(self, instance, action, attr, pk_set, reverse, model=None, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return
        if action == "pre_clear":
            instance._history_cleared_pks = list(
                model._default_manager.filter(**{attr: instance}).values_list("pk", flat=True)
            )
            return
        if action == "post_clear":
            pks = getattr(instance, "_history_cleared_pks", [])
        elif action in ("post_add", "post_remove"):
            pks = pk_set or ()
        else:
            return
        for tracked in model._default_manager.filter(pk__in=pks):
            self.create_historical_record(tracked, "~")


class StaffAccountRecords(AuditedRecords):
    """Staff accounts: a sign-in only stamps ``last_login``, which is not a change to audit."""

    def post_save(self, instance, created, using=None, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields and set(update_fields) <= {"last_login"}:
            return
        super().post_save(instance, created, using=using, **kwargs)


class HistoryBuffer:
    """History rows held back while a long writer saves many records, then written and sealed
    in bulk (``buffered_history``). Each row is built when its record is saved, so it holds
    that moment's values, person and reason. A writer that rolls back to a savepoint drops the
    rows written since (``mark`` / ``discard_after``)."""

    def __init__(self, *, keep: bool = True):
        self.keep = keep
        self.rows = []

    def add(self, row) -> None:
        if self.keep:
            self.rows.append(row)

    def mark(self) -> int:
        return len(self.rows)

    def discard_after(self, mark: int) -> None:
        del self.rows[mark:]

    def flush(self, using=None) -> int:
        """Write and seal the rows held (one bulk insert and one seal per history table, in the
        order the tables were first written); how many."""
        by_model: dict = {}
        for row in self.rows:
            by_model.setdefault(type(row), []).append(row)
        self.rows = []
        with transaction.atomic(using=using, savepoint=False):
            for history_model, rows in by_model.items():
                history_model.objects.using(using).bulk_create(rows)
        return sum(len(rows) for rows in by_model.values())


@contextlib.contextmanager
def buffered_history(*, keep: bool = True, using=None):
    """History of records saved inside the block is written and sealed in bulk when the block
    ends (or by ``buffer.flush()``), inside the caller's transaction; an error drops it, with
    the transaction it belonged to. ``keep=False`` writes no history at all: for a dry run,
    which rolls everything back and must not hold the audit chain's lock meanwhile.
    With ``keep``, models with many-to-many history are written at once, as usual."""
    buffer = HistoryBuffer(keep=keep)
    token = _buffer.set(buffer)
    try:
        yield buffer
        _buffer.reset(token)
        token = None
        buffer.flush(using=using)
    finally:
        if token is not None:
            _buffer.reset(token)


def audit_history(**kwargs) -> HistoricalRecords:
    """HistoricalRecords for an audited model, with the acting job or command recorded."""
    kwargs.setdefault("bases", [AuditedHistory])
    kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
    return AuditedRecords(**kwargs)


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


@contextlib.contextmanager
def acting_person(user):
    """History written inside the block is by this person (None: leave it as it is)."""
    if user is None:
        yield
        return
    token = _actor_user.set(user)
    try:
        yield
    finally:
        _actor_user.reset(token)


def current_person():
    """Who is acting: the person given to ``acting_person``, else the request's signed-in user."""
    user = _actor_user.get()
    if user is not None:
        return user
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def current_actor() -> str:
    return _actor.get()


def current_reason() -> str:
    return _reason.get()


def fill_history_context(history_instance):
    """Copy the acting job, user and reason onto a history row, and hide its secrets."""
    if not history_instance.history_change_reason and _reason.get():
        history_instance.history_change_reason = _reason.get()
    if hasattr(history_instance, "history_actor") and not history_instance.history_actor:
        history_instance.history_actor = _actor.get()
    if history_instance.history_user_id is None and _actor_user.get() is not None:
        history_instance.history_user = _actor_user.get()
    for name in secret_fields(history_instance.instance_type):
        setattr(history_instance, name, fingerprint(getattr(history_instance, name)))


def _fill_history_context(sender, instance, history_instance, **kwargs):
    fill_history_context(history_instance)


def _seal_history_row(sender, instance, history_instance, using=None, **kwargs):
    # Sent after the row and its m2m snapshot are saved, so the seal covers both.
    from .audit_log.chain import seal_history_rows

    seal_history_rows(sender, [history_instance], using=using)


def connect_signals():
    pre_create_historical_record.connect(
        _fill_history_context, dispatch_uid="housingfirst.audit.fill_history_context"
    )
    post_create_historical_record.connect(
        _seal_history_row, dispatch_uid="housingfirst.audit.seal_history_row"
    )
