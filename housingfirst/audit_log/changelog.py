"""Selectors for the auditor's pages: the unified change log and the access log.

Both are read newest first with keyset (seek) pagination on (time, id): a page is one range
scan on a composite index, whatever its depth, and the filters (person, record type, client,
kind or action) each have an index led by their column (see ChangeLogEntry and
AccessLogEntry). The change log reads ``ChangeLogEntry`` — one row per history row of every
audited model — and then describes a page's history rows with a fixed number of queries per
model on the page (the rows, their previous versions, related names).
"""

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.db.models import BooleanField, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..csv_export import spreadsheet_safe
from ..history import CHANGE_KINDS, ChangeEntry, describe, record_type_name
from ..models import AccessLogEntry, ChangeLogEntry
from ..people import person_name
from . import registry
from .actions import group_actions

KIND_CODES = {name: code for code, name in CHANGE_KINDS.items()}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_ID = 2**63 - 1


@dataclass
class Filters:
    """What an auditor narrowed a log to; every field optional and combinable."""

    people: list | None = None  # None: anyone; []: no one matched person_text
    person_text: str = ""
    model: type | None = None
    client_ids: list[int] | None = None  # None: any client; []: no client matched
    client_description: str = ""
    date_from: date | None = None
    date_to: date | None = None
    kind: str = ""  # "created", "changed", "deleted" (change log) or an access-log action

    def describe(self) -> str:
        parts = []
        if self.people is not None:
            usernames = ",".join(person.get_username() for person in self.people)
            parts.append(f"person={usernames or f'none matching {self.person_text!r}'}")
        if self.model is not None:
            parts.append(f"record type={self.model._meta.label_lower}")
        if self.client_ids is not None:
            parts.append(f"client={self.client_description or self.client_ids}")
        if self.date_from:
            parts.append(f"from={self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"to={self.date_to.isoformat()}")
        if self.kind:
            parts.append(f"kind={self.kind}")
        return ", ".join(parts) or "no filter"

    def people_description(self) -> str:
        """Who the person filter picked, in words: one name, several, or none."""
        if not self.people:
            return f"no one matching “{self.person_text}”"
        names = ", ".join(person_name(person) for person in self.people)
        if len(self.people) == 1:
            return names
        return f"{len(self.people)} people matching “{self.person_text}”: {names}"

    def summary(self) -> str:
        """The filters in words, for the page (e.g. "Staff account · changed · from 2026-01-01")."""
        parts = []
        if self.people is not None:
            parts.append(self.people_description())
        if self.model is not None:
            parts.append(record_type_name(self.model))
        if self.client_ids is not None:
            parts.append(self.client_description)
        if self.date_from:
            parts.append(f"from {self.date_from.isoformat()}")
        if self.date_to:
            parts.append(f"to {self.date_to.isoformat()}")
        if self.kind:
            parts.append(self.kind)
        return " · ".join(parts)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _common_filters(queryset, filters: Filters, *, when: str, kind_column: str, kind: str):
    if filters.people is not None:
        queryset = queryset.filter(user__in=filters.people)
    if filters.model is not None:
        queryset = queryset.filter(content_type=ContentType.objects.get_for_model(filters.model))
    if filters.client_ids is not None:
        queryset = queryset.filter(client_id__in=filters.client_ids)
    if filters.date_from:
        queryset = queryset.filter(**{f"{when}__gte": _day_start(filters.date_from)})
    if filters.date_to:
        queryset = queryset.filter(**{f"{when}__lt": _day_start(filters.date_to + timedelta(1))})
    if kind:
        queryset = queryset.filter(**{kind_column: kind})
    return queryset


def change_log_links(filters: Filters):
    return _common_filters(
        ChangeLogEntry.objects.all(),
        filters,
        when="history_date",
        kind_column="kind",
        kind=KIND_CODES.get(filters.kind, filters.kind),
    )


def access_log_entries(filters: Filters):
    return _common_filters(
        AccessLogEntry.objects.select_related("user", "client"),
        filters,
        when="occurred_at",
        kind_column="action",
        kind=filters.kind,
    )


# Keyset pagination ------------------------------------------------------------------------


def encode_cursor(when: datetime, pk: int) -> str:
    return f"{(when - EPOCH) // timedelta(microseconds=1)}_{pk}"


def decode_cursor(text: str | None) -> tuple[datetime, int] | None:
    try:
        micros, pk = (int(part) for part in (text or "").split("_"))
        if not 0 < pk <= MAX_ID:
            return None
        return EPOCH + timedelta(microseconds=micros), pk
    except (ValueError, OverflowError):
        return None


@dataclass
class Page:
    items: list = field(default_factory=list)
    actions: list = field(default_factory=list)  # change log: the items grouped (actions.py)
    newer: str | None = None  # cursor for ?after=
    older: str | None = None  # cursor for ?before=

    @property
    def has_other_pages(self) -> bool:
        return bool(self.newer or self.older)


def _seek(queryset, when: str, moment: datetime, pk: int, *, older: bool):
    """Rows strictly older (or newer) than (moment, pk), as one row-value comparison.

    ``(when, id) < (moment, pk)`` is a single index condition on (when, id), so the database
    starts the range scan at the cursor instead of filtering from the newest row; the plain
    bound on ``when`` helps planners that use only an index's first column.
    """
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    field = queryset.model._meta.get_field(when)
    table = quote(queryset.model._meta.db_table)
    operator = "<" if older else ">"
    seek = RawSQL(
        f"({table}.{quote(field.column)}, {table}.{quote('id')}) {operator} (%s, %s)",
        # As the column stores it (SQLite keeps naive UTC text, for one).
        (field.get_db_prep_value(moment, connection), pk),
        output_field=BooleanField(),
    )
    bound = f"{when}__lte" if older else f"{when}__gte"
    return queryset.filter(**{bound: moment}).filter(seek)


def keyset_page(queryset, when: str, *, before=None, after=None, size: int = 50) -> Page:
    """One page, newest first, of ``queryset`` ordered by (``when``, id) descending."""
    before, after = decode_cursor(before), decode_cursor(after)
    if after is not None:
        rows = list(_seek(queryset, when, *after, older=False).order_by(when, "pk")[: size + 1])
        more_newer = len(rows) > size
        rows = rows[:size][::-1]
        page = Page(rows)
        page.newer = encode_cursor(getattr(rows[0], when), rows[0].pk) if more_newer else None
        page.older = encode_cursor(getattr(rows[-1], when), rows[-1].pk) if rows else None
        return page
    if before is not None:
        queryset = _seek(queryset, when, *before, older=True)
    rows = list(queryset.order_by(f"-{when}", "-pk")[: size + 1])
    more_older = len(rows) > size
    rows = rows[:size]
    page = Page(rows)
    if before is not None and rows:
        page.newer = encode_cursor(getattr(rows[0], when), rows[0].pk)
    if more_older:
        page.older = encode_cursor(getattr(rows[-1], when), rows[-1].pk)
    return page


# Describing change-log entries ----------------------------------------------------------


def _missing_entry(link: ChangeLogEntry, model) -> ChangeEntry:
    return ChangeEntry(
        when=link.history_date,
        who="",
        kind=CHANGE_KINDS.get(link.kind, link.kind),
        record_type=record_type_name(model) if model else "Unknown record",
        record_label=f"#{link.object_id}",
        reason="The history row is missing: run verify_audit_trail.",
        history_id=link.history_id,
        model_label=model._meta.label_lower if model else "",
        object_id=link.object_id,
        client_id=link.client_id,
        missing=True,
    )


def entries_for_links(links: list[ChangeLogEntry]) -> list[ChangeEntry]:
    """Readable entries for these links, in their order: two queries per model on the page
    (the history rows with the id of each one's previous version, then those versions), plus
    one per related model for names."""
    wanted = defaultdict(list)
    models = {}
    for link in links:
        model = ContentType.objects.get_for_id(link.content_type_id).model_class()
        if model is not None and hasattr(model._meta, "simple_history_manager_attribute"):
            models[link.pk] = model
            wanted[registry.history_model_for(model)].append(link.history_id)
    found = {}
    for history_model, history_ids in wanted.items():
        pk_name = history_model.instance_type._meta.pk.attname
        manager = history_model._default_manager
        earlier = (
            manager.filter(**{pk_name: OuterRef(pk_name)})
            .filter(
                Q(history_date__lt=OuterRef("history_date"))
                | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        rows = list(
            manager.filter(history_id__in=history_ids)
            .annotate(previous_history_id=Subquery(earlier))
            .select_related("history_user")
        )
        previous = manager.in_bulk(
            [row.previous_history_id for row in rows if row.previous_history_id is not None]
        )
        for row in rows:
            found[(history_model, row.history_id)] = (row, previous.get(row.previous_history_id))
    keys = [
        (registry.history_model_for(models[link.pk]), link.history_id)
        if link.pk in models
        else None
        for link in links
    ]
    described = iter(describe([found[key] for key in keys if key in found]))
    return [
        next(described) if key in found else _missing_entry(link, models.get(link.pk))
        for link, key in zip(links, keys, strict=True)
    ]


def protected_records(entries: list[ChangeEntry]) -> list:
    """The protected records (42 CFR Part 2) behind these entries, one query per model.

    A model marks its protected rows with a ``protected()`` QuerySet method (substance-use
    referrals and their consents); showing their history is a look at them, to be logged.
    """
    ids_by_model = defaultdict(set)
    for entry in entries:
        model = registry.audited_model(entry.model_label) if entry.model_label else None
        if model is not None and hasattr(model._default_manager, "protected"):
            ids_by_model[model].add(entry.object_id)
    return [
        record
        for model, ids in ids_by_model.items()
        for record in model._default_manager.protected().filter(pk__in=ids)
    ]


def change_log_page(filters: Filters, *, before=None, after=None, size: int = 50) -> Page:
    page = keyset_page(
        change_log_links(filters), "history_date", before=before, after=after, size=size
    )
    page.items = entries_for_links(page.items)
    page.actions = group_actions(page.items)
    return page


def latest_client_changes(count: int) -> list[ChangeEntry]:
    """The newest changes to records that belong to a client (the auditor's home page)."""
    links = ChangeLogEntry.objects.filter(client__isnull=False).order_by("-history_date", "-pk")
    return entries_for_links(list(links[:count]))


def access_log_page(filters: Filters, *, before=None, after=None, size: int = 50) -> Page:
    return keyset_page(
        access_log_entries(filters), "occurred_at", before=before, after=after, size=size
    )


# CSV ------------------------------------------------------------------------------------


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _batches(iterable: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


CHANGE_LOG_HEADER = [
    "When", "Who", "Change", "Record type", "Record", "Record id", "Client", "Client id",
    "Reason", "Changes", "History row", "Seal",
]  # fmt: skip


def change_log_rows(filters: Filters, *, chunk_size: int = 2000, batch: int = 500):
    """CSV rows of the filtered change log, newest first, read in chunks (constant memory)."""
    yield CHANGE_LOG_HEADER
    links = change_log_links(filters).order_by("-history_date", "-pk")
    for group in _batches(links.iterator(chunk_size=chunk_size), batch):
        for link, entry in zip(group, entries_for_links(group), strict=True):
            changes = "; ".join(f"{c.label}: {c.old} → {c.new}" for c in entry.changes)
            yield [
                spreadsheet_safe(v)
                for v in (
                    _local(entry.when),
                    entry.who,
                    entry.kind,
                    entry.record_type,
                    entry.record_label,
                    entry.object_id,
                    entry.client_label,
                    entry.client_id,
                    entry.reason,
                    changes,
                    link.history_id,
                    link.chain_hash,
                )  # fmt: skip
            ]


ACCESS_LOG_HEADER = [
    "When", "Person", "Username", "Action", "Record type", "Record", "Record id", "Client",
    "Client id", "IP address", "Path", "Detail", "Seal",
]  # fmt: skip


def access_log_rows(filters: Filters, *, chunk_size: int = 2000):
    yield ACCESS_LOG_HEADER
    entries = access_log_entries(filters).order_by("-occurred_at", "-pk")
    for entry in entries.iterator(chunk_size=chunk_size):
        model = (
            ContentType.objects.get_for_id(entry.content_type_id).model_class()
            if entry.content_type_id
            else None
        )
        yield [
            spreadsheet_safe(v)
            for v in (
                _local(entry.occurred_at),
                entry.user.get_full_name(),
                entry.user.get_username(),
                entry.get_action_display(),
                record_type_name(model) if model else "",
                entry.record_label,
                entry.object_id,
                str(entry.client) if entry.client else "",
                entry.client_id,
                entry.ip_address,
                entry.path,
                entry.detail,
                entry.chain_hash,
            )  # fmt: skip
        ]


class _Echo:
    def write(self, value):
        return value


def csv_stream(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)
