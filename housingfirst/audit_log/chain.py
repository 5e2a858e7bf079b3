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
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    Exists,
    GenericIPAddressField,
    IntegerField,
    OuterRef,
    TextField,
)
from django.utils import timezone

from .. import bulk
from ..models import AccessLogEntry, AuditChainHead, ChangeLogEntry
from . import registry
from .keys import sealing_key, verifying_keys

try:
    from psycopg import adapters as psycopg_adapters
    from psycopg.pq import Format

    _C_TIMESTAMPTZ_LOADER = psycopg_adapters.get_loader(
        psycopg_adapters.types["timestamptz"].oid, Format.TEXT
    )
except ImportError:  # pragma: no cover - SQLite-only installs
    psycopg_adapters = None

GENESIS = "0" * 64
HISTORY_CHAIN = "history"
ACCESS_CHAIN = "access"
SEAL_BATCH = 5000


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
    """Append one change-log entry (a chain link) for each of these saved history rows."""
    if not rows:
        return
    ids = [row.pk for row in rows]
    if None in ids:
        raise RuntimeError(
            f"{history_model.__name__}: the bulk insert returned no ids, so the rows cannot be "
            "sealed into the audit chain."
        )
    seal_history_ids(history_model, ids, using=using)


def seal_history_ids(history_model, ids, using=None) -> None:
    """Append one change-log entry (a chain link) for each of these saved history rows, in
    this order.

    The rows are read back from the database, so the seal covers exactly what is stored, and
    they are read and canonicalised as the verifier reads them (``_SealedType``).
    """
    if not ids:
        return
    using = using or DEFAULT_DB_ALIAS
    instance_model = history_model.instance_type
    content_type = ContentType.objects.db_manager(using).get_for_model(instance_model)
    sealed_type = _SealedType(content_type, history_model)
    client_column = registry.client_attname(instance_model)
    client = sealed_type.index[client_column] if client_column else None
    key_id, key = sealing_key()
    with transaction.atomic(using=using, savepoint=False):
        head = _locked_head(HISTORY_CHAIN, using)
        for start in range(0, len(ids), SEAL_BATCH):
            batch = ids[start : start + SEAL_BATCH]
            stored = sealed_type.rows(batch, using)
            snapshots = (
                registry.m2m_snapshots(history_model, batch, using) if sealed_type.m2m else {}
            )
            links = []
            last_hash = head.last_hash
            for history_id in batch:
                row = stored[history_id]
                link = sealed_type.link_of(row, client)
                text = sealed_type.text(row, link, snapshots.get(history_id))
                last_hash = hmac.new(
                    key, f"{last_hash}\n{text}".encode(), hashlib.sha256
                ).hexdigest()
                history_id, object_id, date, kind, user_id, actor, client_id = link
                links.append(
                    (date, content_type.pk, history_id, object_id, kind, user_id, actor)
                    + (client_id, last_hash, key_id)
                )
            head.last_id = _insert_links(links, using)
            head.last_hash = last_hash
            head.length += len(links)
        head.save(using=using, update_fields=["last_id", "last_hash", "length"])


def _insert_links(links: list[tuple], using) -> int:
    """Insert links (tuples of ``_LINK_INSERT_COLUMNS``), oldest first; the newest one's id."""
    if len(links) < bulk.COPY_AT_LEAST:
        entries = [
            ChangeLogEntry(**dict(zip(_LINK_INSERT_COLUMNS, link, strict=True))) for link in links
        ]
        ChangeLogEntry.objects.using(using).bulk_create(entries)
        if entries[-1].pk is None:
            raise RuntimeError("The change-log insert returned no ids; cannot seal it.")
        return entries[-1].pk
    ids = bulk.allocate_ids(ChangeLogEntry, len(links), using)
    bulk.insert_rows(
        ChangeLogEntry,
        ("id", *_LINK_INSERT_COLUMNS),
        [(link_id, *link) for link_id, link in zip(ids, links, strict=True)],
        using,
    )
    return ids[-1]


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
#
# The verifier streams: it pages through the links by id (keyset pagination, ``batch`` links
# a query, as plain tuples), fetches only the columns a link's seal covers, and keeps nothing
# of a page once it moves on, so its memory stays flat however long the chain.


@dataclass
class Checkpoint:
    """A link the chain was verified up to: its id, its position (how many links up to and
    including it) and its hash. ``Checkpoint()`` is the genesis: before the first link."""

    link: int = 0
    position: int = 0
    hash: str = GENESIS


@dataclass
class ChainReport:
    chain: str
    checked: int = 0
    before_chain: int = 0
    problem: str = ""
    # Where the walk began (the link before the first checked) and the last link that held.
    start: Checkpoint = dataclass_field(default_factory=Checkpoint)
    end: Checkpoint = dataclass_field(default_factory=Checkpoint)

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


def _tuples(values_list) -> list[tuple]:
    """``list(values_list)``, read on PostgreSQL with psycopg's C parser of timestamps.

    Django's own timestamptz loader is pure Python and took a third of the verifier's time;
    the values are the same (aware datetimes; the session's time zone is Django's), and
    Django's converters still apply.
    """
    connection = connections[values_list.db]
    if connection.vendor != "postgresql" or psycopg_adapters is None:
        return list(values_list)
    compiler = values_list.query.get_compiler(using=values_list.db)
    sql, params = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.cursor.adapters.register_loader("timestamptz", _C_TIMESTAMPTZ_LOADER)
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return list(compiler.results_iter([rows], tuple_expected=True))


def _pages(queryset, columns, after: int, up_to: int, batch: int):
    """Pages of ``columns`` tuples (id first) with after < id <= up_to, oldest first."""
    while True:
        rows = queryset.filter(pk__gt=after, pk__lte=up_to).order_by("pk")  # the chain's order
        page = _tuples(rows.values_list(*columns)[:batch])
        if not page:
            return
        yield page
        after = page[-1][0]


def _utc_text(value):
    """``_canonical`` of a datetime; Django reads them in UTC already, the common case."""
    if value.tzinfo is UTC or not value.tzinfo:
        return value.isoformat()
    return value.astimezone(UTC).isoformat()


# Columns whose stored values are already canonical (None, bool, int or str): copied as they are.
_PLAIN_FIELDS = (AutoField, IntegerField, CharField, TextField, BooleanField)


def _converter(model_field):
    """How ``_canonical`` turns this column's stored values into JSON, as one fast function
    (None for values kept as they are); anything unusual goes through ``_canonical`` itself."""
    while model_field.is_relation and getattr(model_field, "target_field", None) is not None:
        model_field = model_field.target_field
    if isinstance(model_field, _PLAIN_FIELDS):
        return None
    if isinstance(model_field, DateTimeField):
        return _utc_text
    return _canonical


class _SealedType:
    """One content type's history rows as the seal covers them, read and canonicalised fast:
    the sealer and the verifier both read them here, so they cannot differ."""

    def __init__(self, content_type, history_model=None):
        self.content_type = content_type
        self.model = model = content_type.model_class()
        self.audited = model is not None and hasattr(
            model._meta, "simple_history_manager_attribute"
        )
        if not self.audited:
            return
        self.history_model = history_model or registry.history_model_for(model)
        fields = self.history_model._meta.concrete_fields
        self.columns = [f.attname for f in fields]
        self.index = index = {name: n for n, name in enumerate(self.columns)}
        self.converted = [
            (f.attname, index[f.attname], conv) for f in fields if (conv := _converter(f))
        ]
        self.history_id = index["history_id"]
        self.date = index["history_date"]
        self.object = index[model._meta.pk.attname]
        self.kind = index["history_type"]
        self.user = index["history_user_id"]
        self.actor = index.get("history_actor")
        self.label = f"{self.content_type.app_label}.{self.content_type.model}"
        self.m2m = registry.m2m_history(self.history_model)

    @classmethod
    def for_id(cls, content_type_id: int) -> "_SealedType":
        return cls(ContentType.objects.get_for_id(content_type_id))

    def rows(self, history_ids, using=None) -> dict:
        rows = self.history_model._default_manager.using(using).order_by()
        low, high = min(history_ids), max(history_ids)
        # Links are sealed in the order their rows were written, so a page's rows of one type
        # are mostly a dense run of ids: one index range scan (a long IN list is planned as a
        # sequential scan). The few rows in the run that belong to no link here are ignored.
        if high - low < 2 * len(history_ids):
            rows = rows.filter(pk__gte=low, pk__lte=high)
        else:
            rows = rows.filter(pk__in=history_ids)
        return {row[self.history_id]: row for row in _tuples(rows.values_list(*self.columns))}

    def link_of(self, row, client_index: int | None) -> tuple:
        """The columns of a stored row's link: (history id, object id, date, kind, user id,
        actor, client id); the client's column is at ``client_index`` (None: no client)."""
        return (
            row[self.history_id],
            str(row[self.object]),
            row[self.date],
            row[self.kind],
            row[self.user],
            (row[self.actor] or "") if self.actor is not None else "",
            row[client_index] if client_index is not None else None,
        )

    def text(self, row, link: tuple, m2m) -> str:
        """The text a link's hash covers: the link's columns (as ``link_of`` orders them),
        the row, its m2m snapshot."""
        history_id, object_id, date, kind, user_id, actor, client_id = link
        return _dumps(
            {
                "type": self.label,
                "link": {
                    "history_id": history_id,
                    "object_id": object_id,
                    "history_date": _utc_text(date),
                    "kind": kind,
                    "user_id": _canonical(user_id),
                    "actor": actor,
                    "client_id": _canonical(client_id),
                },
                "row": self.canonical_row(row),
                "m2m": _canonical(m2m) if self.m2m else {},
            }
        )

    def matches(self, row, date, object_id, kind, user_id, actor) -> bool:
        """Whether the link's own columns still say what the history row says."""
        stored_actor = (row[self.actor] or "") if self.actor is not None else ""
        return (
            row[self.date] == date
            and str(row[self.object]) == object_id
            and row[self.kind] == kind
            and row[self.user] == user_id
            and stored_actor == actor
        )

    def canonical_row(self, row) -> dict:
        canonical = dict(zip(self.columns, row, strict=True))
        for name, n, convert in self.converted:
            value = row[n]
            if value is not None:
                canonical[name] = convert(value)
        return canonical


# A link's columns as written (the id aside) and as the verifier reads them.
_LINK_INSERT_COLUMNS = (
    "history_date",
    "content_type_id",
    "history_id",
    "object_id",
    "kind",
    "user_id",
    "actor",
    "client_id",
    "chain_hash",
    "key_id",
)
_LINK_COLUMNS = (
    "id",
    "content_type_id",
    "history_id",
    "object_id",
    "history_date",
    "kind",
    "user_id",
    "actor",
    "client_id",
    "chain_hash",
    "key_id",
)
# Snapshots of many-to-many fields (a team's members) are fetched for a few links at a time,
# so that about this many member ids are held at once, whatever the size of a team.
M2M_VALUES_AT_ONCE = 100_000


def _dumps(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _m2m_slices(page, types, per_slice: list):
    """The page cut into runs of links, each holding at most ``per_slice[0]`` links that carry
    a many-to-many snapshot (the caller adapts ``per_slice[0]`` to the snapshots' size)."""
    first, count = 0, 0
    for n, link in enumerate(page):
        if types[link[1]].audited and types[link[1]].m2m:
            if count == per_slice[0]:
                yield page[first:n]
                first, count = n, 0
            count += 1
    yield page[first:]


def _link_problem(link, sealed_type, reason: str) -> str:
    entry = ChangeLogEntry(**dict(zip(_LINK_COLUMNS, link, strict=True)))
    return f"{_describe(entry, sealed_type.model)}: {reason}"


def _relevant_anchors(anchors, start: Checkpoint, up_to: int | None) -> dict:
    """The anchors a walk from ``start`` (to ``up_to``, or the head) can reach."""
    return {
        link: anchor
        for link, anchor in (anchors or {}).items()
        if link > start.link and (up_to is None or link <= up_to)
    }


def verify_history_chain(
    batch: int = 5000, anchors=None, *, start: Checkpoint | None = None, up_to: int | None = None
) -> ChainReport:
    """Walk the history chain oldest first; stop at the first link that does not hold, or that
    differs from a published anchor (``anchors``: {link id: Anchor}, see ``anchors``).

    ``start``: resume after this verified link (its hash is trusted) instead of the genesis;
    ``up_to``: stop at this link id instead of the head (a range: the head's own checks, that
    no newest link was cut and no history row is unsealed, are then left to a whole run).
    """
    start = start or Checkpoint()
    report = ChainReport(HISTORY_CHAIN, start=start, end=start)
    keys = verifying_keys()
    anchors = _relevant_anchors(anchors, start, up_to)
    head = AuditChainHead.objects.filter(name=HISTORY_CHAIN).first()
    if head is None and ChangeLogEntry.objects.exists():
        report.problem = "the history chain's head row is missing"
        return report
    last = head.last_id if head else 0
    if up_to is not None:
        last = min(last, up_to)
    previous_hash, previous_id, position = start.hash, start.link, start.position
    types: dict[int, _SealedType] = {}
    # Links with a many-to-many snapshot per query: first as if a team had 2,000 members,
    # then from the sizes seen.
    per_slice = [max(1, min(batch, M2M_VALUES_AT_ONCE // 2000))]
    for page in _pages(ChangeLogEntry.objects, _LINK_COLUMNS, start.link, last, batch):
        by_type: dict[int, list] = {}
        for link in page:
            by_type.setdefault(link[1], []).append(link[2])
        stored = {}
        for content_type_id, history_ids in by_type.items():
            if content_type_id not in types:
                types[content_type_id] = _SealedType.for_id(content_type_id)
            sealed_type = types[content_type_id]
            if sealed_type.audited:
                stored[content_type_id] = sealed_type.rows(history_ids)
        for links in _m2m_slices(page, types, per_slice):
            snapshots = {}
            for content_type_id, history_ids in _m2m_history_ids(links, types).items():
                sealed_type = types[content_type_id]
                found = registry.m2m_snapshots(sealed_type.history_model, history_ids)
                snapshots[content_type_id] = found
                values = sum(len(v) for snapshot in found.values() for v in snapshot.values())
                per_slice[0] = max(1, min(batch, M2M_VALUES_AT_ONCE * len(found) // max(values, 1)))
            for link in links:
                (link_id, content_type_id, history_id, object_id, date, kind) = link[:6]
                user_id, actor, client_id, chain_hash, key_id = link[6:]
                sealed_type = types[content_type_id]
                row = stored.get(content_type_id, {}).get(history_id)
                if row is None:
                    report.problem = _link_problem(
                        link, sealed_type, "the history row is missing (deleted)"
                    )
                    return report
                if not sealed_type.matches(row, date, object_id, kind, user_id, actor):
                    report.problem = _link_problem(
                        link,
                        sealed_type,
                        "the link no longer matches its history row (the row or the link was "
                        "altered)",
                    )
                    return report
                secret = keys.get(key_id)
                if secret is None:
                    report.problem = _link_problem(link, sealed_type, _unknown_key(key_id))
                    return report
                text = sealed_type.text(
                    row,
                    (history_id, object_id, date, kind, user_id, actor, client_id),
                    snapshots[content_type_id][history_id] if sealed_type.m2m else None,
                )
                expected = hmac.new(
                    secret, f"{previous_hash}\n{text}".encode(), hashlib.sha256
                ).hexdigest()
                if expected != chain_hash:
                    report.problem = _link_problem(
                        link,
                        sealed_type,
                        "its seal does not hold — the history row was altered, or a link "
                        f"before it was removed{_gap(previous_id, link_id)}",
                    )
                    return report
                previous_hash, previous_id = chain_hash, link_id
                position += 1
                report.checked += 1
                report.end = Checkpoint(link_id, position, chain_hash)
                if link_id in anchors:
                    report.problem = anchors[link_id].mismatch(position, chain_hash)
                    if report.problem:
                        return report
    if up_to is not None:
        report.problem = _missing_anchor(anchors, previous_id)
        return report
    if head is not None and (previous_id != head.last_id or previous_hash != head.last_hash):
        report.problem = (
            f"the chain ends at link #{previous_id} but its head records link #{head.last_id}: "
            "the newest links were removed"
        )
        return report
    report.problem = _missing_anchor(anchors, previous_id) or _unsealed_history_rows()
    return report


def _m2m_history_ids(links, types) -> dict:
    by_type: dict[int, list] = {}
    for link in links:
        sealed_type = types[link[1]]
        if sealed_type.audited and sealed_type.m2m:
            by_type.setdefault(link[1], []).append(link[2])
    return by_type


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


_ACCESS_COLUMNS = ("id", "chain_hash", "key_id", *(f.attname for f in ACCESS_SEALED_FIELDS))


def _access_payload(entry: tuple) -> dict:
    """``access_payload`` of an entry read as a tuple of ``_ACCESS_COLUMNS``."""
    row = {}
    for model_field, value in zip(ACCESS_SEALED_FIELDS, entry[3:], strict=True):
        if isinstance(model_field, GenericIPAddressField):
            value = value or None
        row[model_field.attname] = None if value is None else model_field.to_python(value)
    return row


def _describe_entry(entry: tuple) -> str:
    values = dict(zip(_ACCESS_COLUMNS, entry, strict=True))
    when = timezone.localtime(values["occurred_at"])
    return (
        f"access-log entry #{values['id']} ({when:%Y-%m-%d %H:%M:%S}, "
        f"{values['record_label'] or values['path']})"
    )


def verify_access_chain(
    batch: int = 5000, anchors=None, *, start: Checkpoint | None = None, up_to: int | None = None
) -> ChainReport:
    """The access log's chain, walked as ``verify_history_chain`` walks the history chain."""
    start = start or Checkpoint()
    report = ChainReport(ACCESS_CHAIN, start=start, end=start)
    keys = verifying_keys()
    anchors = _relevant_anchors(anchors, start, up_to)
    head = AuditChainHead.objects.filter(name=ACCESS_CHAIN).first()
    if head is None:
        if AccessLogEntry.objects.exclude(chain_hash="").exists():
            report.problem = "the access-log chain's head row is missing"
        report.before_chain = AccessLogEntry.objects.filter(chain_hash="").count()
        report.problem = report.problem or _missing_anchor(anchors, 0)
        return report
    last = head.last_id if up_to is None else min(head.last_id, up_to)
    previous_hash, previous_id, position = start.hash, start.link, start.position
    for entries in _pages(AccessLogEntry.objects, _ACCESS_COLUMNS, start.link, last, batch):
        for entry in entries:
            entry_id, chain_hash, key_id = entry[:3]
            if not chain_hash and not report.checked and not start.position:
                report.before_chain += 1  # logged before the chain existed
                continue
            secret = keys.get(key_id)
            if secret is None:
                report.problem = f"access-log entry #{entry_id}: {_unknown_key(key_id)}"
                return report
            if link_hash(previous_hash, _access_payload(entry), secret) != chain_hash:
                report.problem = (
                    f"{_describe_entry(entry)}: its seal does not hold — the entry was altered, "
                    f"or an entry before it was removed{_gap(previous_id, entry_id)}"
                )
                return report
            previous_hash, previous_id = chain_hash, entry_id
            position += 1
            report.checked += 1
            report.end = Checkpoint(entry_id, position, chain_hash)
            if entry_id in anchors:
                report.problem = anchors[entry_id].mismatch(position, chain_hash)
                if report.problem:
                    return report
    if up_to is not None:
        report.problem = _missing_anchor(anchors, previous_id)
        return report
    if previous_id != head.last_id or previous_hash != head.last_hash:
        report.problem = (
            f"the access log ends at entry #{previous_id} but its head records entry "
            f"#{head.last_id}: the newest entries were removed"
        )
        return report
    newer = AccessLogEntry.objects.filter(pk__gt=head.last_id).order_by("pk").first()
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
