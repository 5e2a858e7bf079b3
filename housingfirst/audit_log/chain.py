"""Tamper evidence: every history row and every access-log entry is sealed into a hash chain.

Each link's hash is an HMAC-SHA256, keyed with ``AUDIT_CHAIN_KEY`` (which lives in the
environment, never in the database; see ``keys``), over the previous link's hash and a
canonical JSON of the sealed row. Altering or deleting a row (or a link) outside the app breaks
the chain from there on, and ``verify_audit_trail`` names the first broken link; without the
key, nobody can recompute the later links to hide it. Each link records the id of its key, so
keys can be rotated (older keys stay accepted for verification). Against someone who holds the
key, the chain's head is published every day outside the database (``anchors``).
History rows are sealed in ``ChangeLogEntry`` (which also indexes the change log); access-log
entries carry their own ``chain_hash``. Each chain has a head row holding its newest link.

Concurrent writes: appending locks the chain's head row (``SELECT … FOR UPDATE``) in the
writer's transaction, so appends are serialised and the chain order is the commit order; a
transaction that writes history keeps the lock until it commits or rolls back (a rollback
takes its links with it and leaves the chain as it was). On SQLite, whose transactions are
``BEGIN IMMEDIATE`` here, writers are serialised by the database lock already.

Lock order: a writer that locked another row first (a client being edited) and then waited
for the head, while the head's holder needed that row (a foreign-key check at commit),
deadlocked. Writing transactions therefore take the head first, before any other lock
(``lock_history_chain``, called by ``housingfirst.transactions.writing``).
"""

import contextlib
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Exists, GenericIPAddressField, OuterRef
from django.utils import timezone

from ..models import AccessLogEntry, AuditChainHead, ChangeLogEntry
from . import registry
from .keys import sealing_key, verifying_keys

GENESIS = "0" * 64
HISTORY_CHAIN = "history"
ACCESS_CHAIN = "access"
SEAL_BATCH = 1000


def _canonical(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, date | time | Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return str(value)


def link_hash(previous_hash: str, payload: dict, key: bytes) -> str:
    text = json.dumps(
        _canonical(payload), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hmac.new(key, f"{previous_hash}\n{text}".encode(), hashlib.sha256).hexdigest()


def _unknown_key(key_id: str) -> str:
    if not key_id:
        return "it carries no key id (sealed without a key, or forged)"
    return (
        f"its key #{key_id} is none of AUDIT_CHAIN_KEY and AUDIT_CHAIN_KEYS (a key retired too "
        "soon, or a forged link)"
    )


def _locked_head(name: str, using: str) -> AuditChainHead:
    heads = AuditChainHead.objects.using(using).select_for_update()
    head = heads.filter(name=name).first()
    if head is None:
        try:
            with transaction.atomic(using=using):
                head = AuditChainHead.objects.using(using).create(name=name)
        except IntegrityError:  # created meanwhile by a concurrent first writer
            head = heads.get(name=name)
    return head


def lock_history_chain(using=None) -> None:
    """Lock the history chain's head now, in the caller's transaction, until it ends.

    Taken first, before any other row lock, it gives every writer the same lock order.
    """
    using = using or DEFAULT_DB_ALIAS
    if connections[using].features.has_select_for_update:  # SQLite: the database lock
        _locked_head(HISTORY_CHAIN, using)


# History chain --------------------------------------------------------------------------


def history_columns(history_model) -> list[str]:
    return [f.attname for f in history_model._meta.concrete_fields]


def history_payload(content_type, link_fields: dict, row: dict, m2m: dict) -> dict:
    return {
        "type": f"{content_type.app_label}.{content_type.model}",
        "link": link_fields,
        "row": row,
        "m2m": m2m,
    }


def link_fields_of(link: ChangeLogEntry) -> dict:
    return {
        "history_id": link.history_id,
        "object_id": link.object_id,
        "history_date": link.history_date,
        "kind": link.kind,
        "user_id": link.user_id,
        "actor": link.actor,
        "client_id": link.client_id,
    }


def link_for_row(content_type, instance_model, row: dict) -> ChangeLogEntry:
    """The change-log entry a stored history row (as a dict of columns) should have."""
    client_column = registry.client_attname(instance_model)
    return ChangeLogEntry(
        history_date=row["history_date"],
        content_type=content_type,
        history_id=row["history_id"],
        object_id=str(row[instance_model._meta.pk.attname]),
        kind=row["history_type"],
        user_id=row["history_user_id"],
        actor=row.get("history_actor") or "",
        client_id=row[client_column] if client_column else None,
    )


def seal_history_rows(history_model, rows, using=None) -> None:
    """Append one change-log entry (a chain link) for each of these saved history rows.

    The rows are read back from the database, so the seal covers exactly what is stored.
    """
    if not rows:
        return
    using = using or DEFAULT_DB_ALIAS
    ids = [row.pk for row in rows]
    if None in ids:
        raise RuntimeError(
            f"{history_model.__name__}: the bulk insert returned no ids, so the rows cannot be "
            "sealed into the audit chain."
        )
    instance_model = history_model.instance_type
    content_type = ContentType.objects.db_manager(using).get_for_model(instance_model)
    columns = history_columns(history_model)
    key_id, key = sealing_key()
    with transaction.atomic(using=using, savepoint=False):
        head = _locked_head(HISTORY_CHAIN, using)
        for start in range(0, len(ids), SEAL_BATCH):
            batch = ids[start : start + SEAL_BATCH]
            stored = {
                row["history_id"]: row
                for row in history_model._default_manager.using(using)
                .filter(pk__in=batch)
                .values(*columns)
            }
            snapshots = registry.m2m_snapshots(history_model, batch, using)
            links = []
            for history_id in batch:
                row = stored[history_id]
                link = link_for_row(content_type, instance_model, row)
                link.key_id = key_id
                link.chain_hash = link_hash(
                    head.last_hash,
                    history_payload(content_type, link_fields_of(link), row, snapshots[history_id]),
                    key,
                )
                head.last_hash = link.chain_hash
                links.append(link)
            ChangeLogEntry.objects.using(using).bulk_create(links)
            head.last_id = links[-1].pk
            head.length += len(links)
        head.save(using=using, update_fields=["last_id", "last_hash", "length"])


# Access chain ---------------------------------------------------------------------------

ACCESS_SEALED_FIELDS = [
    f for f in AccessLogEntry._meta.concrete_fields if f.name not in ("id", "chain_hash", "key_id")
]


def access_payload(entry: AccessLogEntry) -> dict:
    row = {}
    for field in ACCESS_SEALED_FIELDS:
        value = getattr(entry, field.attname)
        if isinstance(field, GenericIPAddressField):
            value = value or None  # stored as NULL when empty
        row[field.attname] = None if value is None else field.to_python(value)
    return row


@contextlib.contextmanager
def seal_access_entries(entries, using=None):
    """Seal new access-log entries, which the caller inserts inside the block."""
    using = using or DEFAULT_DB_ALIAS
    with transaction.atomic(using=using, savepoint=False):
        head = _locked_head(ACCESS_CHAIN, using)
        key_id, key = sealing_key()
        for entry in entries:
            if entry.pk is not None:
                raise TypeError("Access-log entries cannot be changed.")
            entry.key_id = key_id
            entry.chain_hash = link_hash(head.last_hash, access_payload(entry), key)
            head.last_hash = entry.chain_hash
        yield
        if entries:
            if entries[-1].pk is None:
                raise RuntimeError("The access-log insert returned no ids; cannot seal it.")
            head.last_id = entries[-1].pk
            head.length += len(entries)
            head.save(using=using, update_fields=["last_id", "last_hash", "length"])


# Verification ---------------------------------------------------------------------------


@dataclass
class ChainReport:
    chain: str
    checked: int = 0
    before_chain: int = 0
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def _describe(link: ChangeLogEntry, model) -> str:
    name = model._meta.verbose_name if model is not None else "unknown model"
    when = timezone.localtime(link.history_date)
    return (
        f"change-log link #{link.pk}: {name} history row #{link.history_id} "
        f"(record #{link.object_id}, {link.get_kind_display().lower()} {when:%Y-%m-%d %H:%M:%S})"
    )


def _gap(previous_id: int, link_id: int) -> str:
    if link_id - previous_id > 1:
        return f"; ids #{previous_id + 1}–#{link_id - 1} are absent"
    return ""


def _links_after(last_seen: int, up_to: int, batch: int):
    while True:
        links = list(
            ChangeLogEntry.objects.filter(pk__gt=last_seen, pk__lte=up_to).order_by("pk")[:batch]
        )
        if not links:
            return
        yield links
        last_seen = links[-1].pk


def verify_history_chain(batch: int = 2000, anchors=None) -> ChainReport:
    """Walk the history chain oldest first; stop at the first link that does not hold, or that
    differs from a published anchor (``anchors``: {link id: Anchor}, see ``anchors``)."""
    report = ChainReport(HISTORY_CHAIN)
    keys = verifying_keys()
    anchors = anchors or {}
    head = AuditChainHead.objects.filter(name=HISTORY_CHAIN).first()
    up_to = head.last_id if head else 0
    if head is None and ChangeLogEntry.objects.exists():
        report.problem = "the history chain's head row is missing"
        return report
    previous_hash, previous_id = GENESIS, 0
    for links in _links_after(0, up_to, batch):
        by_type = {}
        for link in links:
            by_type.setdefault(link.content_type_id, []).append(link.history_id)
        stored, snapshots, models = {}, {}, {}
        for content_type_id, history_ids in by_type.items():
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            models[content_type_id] = model
            if model is None or not hasattr(model._meta, "simple_history_manager_attribute"):
                continue
            history_model = registry.history_model_for(model)
            for row in history_model._default_manager.filter(pk__in=history_ids).values(
                *history_columns(history_model)
            ):
                stored[(content_type_id, row["history_id"])] = row
            for history_id, snapshot in registry.m2m_snapshots(history_model, history_ids).items():
                snapshots[(content_type_id, history_id)] = snapshot
        for link in links:
            key = (link.content_type_id, link.history_id)
            model = models[link.content_type_id]
            row = stored.get(key)
            if row is None:
                report.problem = f"{_describe(link, model)}: the history row is missing (deleted)"
                return report
            content_type = ContentType.objects.get_for_id(link.content_type_id)
            expected = link_for_row(content_type, model, row)
            stable = ("history_date", "object_id", "kind", "user_id", "actor")
            if any(getattr(expected, name) != getattr(link, name) for name in stable):
                report.problem = (
                    f"{_describe(link, model)}: the link no longer matches its history row "
                    "(the row or the link was altered)"
                )
                return report
            payload = history_payload(content_type, link_fields_of(link), row, snapshots[key])
            secret = keys.get(link.key_id)
            if secret is None:
                report.problem = f"{_describe(link, model)}: {_unknown_key(link.key_id)}"
                return report
            if link_hash(previous_hash, payload, secret) != link.chain_hash:
                report.problem = (
                    f"{_describe(link, model)}: its seal does not hold — the history row was "
                    f"altered, or a link before it was removed{_gap(previous_id, link.pk)}"
                )
                return report
            previous_hash, previous_id = link.chain_hash, link.pk
            report.checked += 1
            if link.pk in anchors:
                report.problem = anchors[link.pk].mismatch(report.checked, link.chain_hash)
                if report.problem:
                    return report
    if head is not None and (previous_id != head.last_id or previous_hash != head.last_hash):
        report.problem = (
            f"the chain ends at link #{previous_id} but its head records link #{head.last_id}: "
            "the newest links were removed"
        )
        return report
    report.problem = _missing_anchor(anchors, previous_id) or _unsealed_history_rows()
    return report


def _unsealed(history_model, content_type, using=None):
    """History rows with no link, oldest first: an anti-join on the link's unique index.

    Skipped (no query beyond two index counts) when every row has its link, which is the
    normal case, so that verification stays cheap on large tables.
    """
    rows = history_model._default_manager.using(using)
    links = ChangeLogEntry.objects.using(using).filter(content_type=content_type)
    if rows.count() == links.count():
        return rows.none()
    return rows.filter(~Exists(links.filter(history_id=OuterRef("history_id")))).order_by(
        "history_date", "history_id"
    )


def _unsealed_history_rows() -> str:
    """A history row with no link was written outside the app (or before the chain existed)."""
    for model in registry.audited_models():
        history_model = registry.history_model_for(model)
        content_type = ContentType.objects.get_for_model(model)
        pk_name = model._meta.pk.attname
        row = _unsealed(history_model, content_type).values("history_id", pk_name).first()
        if row is not None:
            return (
                f"{model._meta.verbose_name} history row #{row['history_id']} "
                f"(record #{row[pk_name]}) is not in the chain: it was inserted "
                "outside the app, or written before the chain existed"
            )
    return ""


def _missing_anchor(anchors, last_id: int) -> str:
    """An anchor whose link the walk never reached: the chain was cut or rewritten short."""
    for link_id in sorted(anchors):
        anchor = anchors[link_id]
        if anchor.checked_at is None:
            return anchor.missing(last_id)
    return ""


def verify_access_chain(batch: int = 5000, anchors=None) -> ChainReport:
    report = ChainReport(ACCESS_CHAIN)
    keys = verifying_keys()
    anchors = anchors or {}
    head = AuditChainHead.objects.filter(name=ACCESS_CHAIN).first()
    up_to = head.last_id if head else 0
    if head is None:
        if AccessLogEntry.objects.exclude(chain_hash="").exists():
            report.problem = "the access-log chain's head row is missing"
        report.before_chain = AccessLogEntry.objects.filter(chain_hash="").count()
        report.problem = report.problem or _missing_anchor(anchors, 0)
        return report
    previous_hash, previous_id = GENESIS, 0
    last_seen = 0
    while True:
        entries = list(
            AccessLogEntry.objects.filter(pk__gt=last_seen, pk__lte=up_to).order_by("pk")[:batch]
        )
        if not entries:
            break
        for entry in entries:
            if not entry.chain_hash and not report.checked:
                report.before_chain += 1  # logged before the chain existed
                continue
            secret = keys.get(entry.key_id)
            if secret is None:
                report.problem = f"access-log entry #{entry.pk}: {_unknown_key(entry.key_id)}"
                return report
            if link_hash(previous_hash, access_payload(entry), secret) != entry.chain_hash:
                when = timezone.localtime(entry.occurred_at)
                report.problem = (
                    f"access-log entry #{entry.pk} ({when:%Y-%m-%d %H:%M:%S}, "
                    f"{entry.record_label or entry.path}): its seal does not hold — the entry "
                    f"was altered, or an entry before it was removed{_gap(previous_id, entry.pk)}"
                )
                return report
            previous_hash, previous_id = entry.chain_hash, entry.pk
            report.checked += 1
            if entry.pk in anchors:
                report.problem = anchors[entry.pk].mismatch(report.checked, entry.chain_hash)
                if report.problem:
                    return report
        last_seen = entries[-1].pk
    if head is not None and (previous_id != head.last_id or previous_hash != head.last_hash):
        report.problem = (
            f"the access log ends at entry #{previous_id} but its head records entry "
            f"#{head.last_id}: the newest entries were removed"
        )
        return report
    newer = AccessLogEntry.objects.filter(pk__gt=up_to).order_by("pk").first()
    if newer is not None and not newer.chain_hash:
        report.problem = f"access-log entry #{newer.pk} is not in the chain"
    report.problem = report.problem or _missing_anchor(anchors, previous_id)
    return report


def unsealed_history_rows(using=None):
    """(model, history model, stored row) for each history row with no link, oldest first
    within each model: rows written around the app, or before the chain existed."""
    using = using or DEFAULT_DB_ALIAS
    for model in registry.audited_models():
        history_model = registry.history_model_for(model)
        content_type = ContentType.objects.db_manager(using).get_for_model(model)
        for row in _unsealed(history_model, content_type, using).iterator():
            yield model, history_model, row


def describe_history_row(model, row) -> str:
    kind = dict(ChangeLogEntry.Kind.choices).get(row.history_type, row.history_type).lower()
    when = timezone.localtime(row.history_date)
    who = f"user #{row.history_user_id}" if row.history_user_id else row.history_actor or "—"
    return (
        f"{model._meta.label_lower} history row #{row.history_id} "
        f"(record #{getattr(row, model._meta.pk.attname)}, {kind} "
        f"{when:%Y-%m-%d %H:%M:%S}, by {who})"
    )


def seal_unsealed_history(*, by, using=None) -> list[str]:
    """Seal history rows that have no link, as an explicit act of an administrator (``by``).

    Never automatic: a row written around the app (raw SQL, a data migration, a database
    administrator) is reported by verification until someone vouches for it here. Each row
    sealed is named in the returned list and written to the access log (action "sealed"), by
    ``by``, now, itself sealed into the access-log chain.
    """
    from ..access_log import access_entry

    using = using or DEFAULT_DB_ALIAS
    sealed = []
    with transaction.atomic(using=using):
        by_history_model = {}
        for model, history_model, row in unsealed_history_rows(using):
            by_history_model.setdefault(history_model, (model, []))[1].append(row)
        entries = []
        for history_model, (model, rows) in by_history_model.items():
            seal_history_rows(history_model, rows, using=using)
            client_column = registry.client_attname(model)
            client_ids = {getattr(row, client_column) for row in rows} if client_column else ()
            # A client the row names may be gone (or forged): the entry then names none.
            existing = set(
                registry.client_model()
                ._default_manager.using(using)
                .filter(pk__in=client_ids)
                .values_list("pk", flat=True)
            )
            for row in rows:
                description = describe_history_row(model, row)
                sealed.append(description)
                client_id = getattr(row, client_column) if client_column else None
                entries.append(
                    access_entry(
                        None,
                        user=by,
                        model=model,
                        object_id=getattr(row, model._meta.pk.attname),
                        record_label=f"History row #{row.history_id}",
                        client_id=client_id if client_id in existing else None,
                        action=AccessLogEntry.Action.SEAL,
                        detail=f"Sealed by verify_audit_trail --seal-existing: {description}",
                    )
                )
        if entries:
            AccessLogEntry.objects.using(using).bulk_create(entries)
    return sealed
