"""Readable change entries from simple-history rows: who, when, why, and field old → new.

Works on any audited model. Related objects are shown by name, choices by label, m2m fields
(group membership, team members) as the set of names, secrets (password) only as "changed".
Names are fetched with one query per related model and one per m2m field, whatever the number
of rows, so history pages stay bounded.

Two ways in: ``change_entries(*querysets)`` for whole record histories (each row compared with
the one before it), and ``describe(pairs)`` for any rows with their previous versions already
fetched (the unified change log, see housingfirst.audit_log.changelog).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from .audit import secret_fields
from .audit_log import registry
from .people import person_name

CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping columns that say nothing to a reader.
IGNORED_FIELDS = {"id", "version", "created_at", "updated_at"}
# Names and labels for models we don't own (others set HISTORY_LABEL_FIELDS themselves).
RECORD_TYPE_NAMES = {"auth.user": "Staff account"}
LABEL_FIELDS = {"auth.user": ("username",)}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str
    name: str = ""  # the model field's name, for code that reads a change (action summaries)


@dataclass
class ChangeEntry:
    when: datetime
    who: str
    kind: str
    record_type: str
    record_label: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)
    history_id: int = 0
    model_label: str = ""
    object_id: str = ""
    client_id: int | None = None
    client_label: str = ""
    actor: str = ""
    missing: bool = False


def record_type_name(model) -> str:
    name = (
        RECORD_TYPE_NAMES.get(model._meta.label_lower)
        or getattr(model, "HISTORY_RECORD_TYPE", "")
        or str(model._meta.verbose_name)
    )
    return name[:1].upper() + name[1:]


def who_acted(row) -> str:
    user = row.history_user
    name = person_name(user) if user is not None else ""
    actor = getattr(row, "history_actor", "")
    if name and actor:
        return f"{name} (via {actor})"
    return name or actor or "system"


def _tracked_fields(history_model):
    return [f for f in history_model.tracked_fields if f.name not in IGNORED_FIELDS]


def _label_fields(model) -> tuple:
    return LABEL_FIELDS.get(model._meta.label_lower) or getattr(model, "HISTORY_LABEL_FIELDS", ())


def _object_name(obj) -> str:
    if hasattr(obj, "get_full_name"):
        return person_name(obj)
    if obj._meta.label_lower == "auth.permission":
        return obj.name
    label = getattr(obj, "history_label", None)
    return label() if callable(label) else str(obj)


class Names:
    """{(model, pk): name} for every related object the rows mention, fetched per model."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.names = {}

    def want(self, model, pk):
        if pk is not None:
            self.wanted[model].add(pk)

    def fetch(self):
        missing = defaultdict(set)
        for model, pks in self.wanted.items():
            manager = model._default_manager
            # A link to a protected (substance-use) record must not say what it is: a reminder
            # or another referral naming it would leak it to whoever reads that row.
            if hasattr(manager, "protected"):
                for pk in manager.protected().filter(pk__in=pks).values_list("pk", flat=True):
                    self.names[(model, pk)] = f"Protected record #{pk}"
            found = manager.filter(pk__in=pks).exclude(
                pk__in=[pk for (m, pk) in self.names if m is model]
            )
            for obj in found.select_related():
                self.names[(model, obj.pk)] = _object_name(obj)
            missing[model] = {pk for pk in pks if (model, pk) not in self.names}
        # Deleted records keep a name: their last history row's label (one query per model).
        for model, pks in missing.items():
            if not pks or not hasattr(model._meta, "simple_history_manager_attribute"):
                continue
            history_model = registry.history_model_for(model)
            pk_name = model._meta.pk.attname
            rows = history_model._default_manager.filter(**{f"{pk_name}__in": pks}).order_by(
                pk_name, "-history_date", "-history_id"
            )
            for row in rows:
                key = (model, getattr(row, pk_name))
                if key not in self.names:
                    self.names[key] = f"{record_label(row, self)} (deleted)"

    def get(self, model, pk) -> str:
        return self.names.get((model, pk), f"#{pk}")


def display_value(value, model_field, names: Names | None) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return names.get(model_field.related_model, value) if names else f"#{value}"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def field_label(model, model_field) -> str:
    """A field's name for readers: the model's HISTORY_FIELD_LABELS, else its verbose name."""
    label = getattr(model, "HISTORY_FIELD_LABELS", {}).get(model_field.name)
    label = str(label or model_field.verbose_name)
    return label[:1].upper() + label[1:]


def record_label(row, names: Names | None = None) -> str:
    """A label from the row's own columns: the model's ``history_row_label(row, names)``, else
    its HISTORY_LABEL_FIELDS, else its related names. One record has one name everywhere: a
    model whose name is not plain columns (a client's preferred name) says so in the hook."""
    model = row.instance_type
    row_label = getattr(model, "history_row_label", None)
    if row_label is not None:
        return row_label(row, names if names is not None else Names())
    history_model = type(row)
    label_fields = _label_fields(model)
    parts = []
    if label_fields:
        for name in label_fields:
            model_field = history_model._meta.get_field(name)
            value = getattr(row, model_field.attname)
            if value not in (None, ""):
                parts.append(display_value(value, model_field, names))
    elif names is not None:
        client_column = registry.client_attname(model)
        for model_field in _tracked_fields(history_model):
            if model_field.is_relation and model_field.attname != client_column:
                value = getattr(row, model_field.attname)
                if value is not None:
                    parts.append(display_value(value, model_field, names))
            if len(parts) == 2:
                break
    text = " · ".join(parts) if not label_fields else " ".join(parts)
    return text.strip() or f"#{getattr(row, model._meta.pk.attname)}"


def _collect_names(rows_by_model, snapshots) -> Names:
    names = Names()
    client_model = registry.client_model()
    for history_model, rows in rows_by_model.items():
        client_column = registry.client_attname(history_model.instance_type)
        relations = [f for f in _tracked_fields(history_model) if f.is_relation]
        for row in rows:
            for model_field in relations:
                names.want(model_field.related_model, getattr(row, model_field.attname))
            if client_column:
                names.want(client_model, getattr(row, client_column))
        for model_field, _m2m_model, _target in registry.m2m_history(history_model):
            for row in rows:
                for pk in snapshots.get((history_model, row.history_id), {}).get(
                    model_field.name, ()
                ):
                    names.want(model_field.related_model, pk)
    names.fetch()
    return names


def _snapshots(rows_by_model) -> dict:
    snapshots = {}
    for history_model, rows in rows_by_model.items():
        if not registry.m2m_history(history_model):
            continue
        found = registry.m2m_snapshots(history_model, [row.history_id for row in rows])
        for history_id, snapshot in found.items():
            snapshots[(history_model, history_id)] = snapshot
    return snapshots


def _changes(row, previous, names: Names, snapshots) -> list[FieldChange]:
    if row.history_type == "-":
        return []
    history_model = type(row)
    secrets = set(secret_fields(row.instance_type))
    changes = []
    for model_field in _tracked_fields(history_model):
        new = getattr(row, model_field.attname)
        old = getattr(previous, model_field.attname) if previous is not None else None
        if previous is None and new in (None, "", False):
            continue
        if previous is not None and old == new:
            continue
        label = field_label(row.instance_type, model_field)
        if model_field.name in secrets:
            changes.append(
                FieldChange(
                    label,
                    "—" if previous is None else "(hidden)",
                    "set" if previous is None else "changed",
                    model_field.name,
                )
            )
            continue
        changes.append(
            FieldChange(
                label=label,
                old="—" if previous is None else display_value(old, model_field, names),
                new=display_value(new, model_field, names),
                name=model_field.name,
            )
        )
    retired = registry.retired_m2m_fields(history_model)
    row_snapshot = snapshots.get((history_model, row.history_id), {})
    # A row written after its copies were retired has none: no change to show there. (An old
    # row of a team left with nobody at all reads the same way; the chain still holds it.)
    copied = any(row_snapshot.get(name) for name in retired)
    for model_field, _m2m_model, _target in registry.m2m_history(history_model):
        if model_field.name in retired and not copied:
            continue
        new = row_snapshot.get(model_field.name, [])
        old = (
            snapshots.get((history_model, previous.history_id), {}).get(model_field.name, [])
            if previous is not None
            else []
        )
        if new == old:
            continue
        related = model_field.related_model
        changes.append(
            FieldChange(
                field_label(row.instance_type, model_field),
                _listed(old, related, names),
                _listed(new, related, names),
                model_field.name,
            )
        )
    return changes


def _listed(pks, model, names: Names) -> str:
    return ", ".join(sorted(names.get(model, pk) for pk in pks)) or "—"


def describe(pairs, *, keep_empty: bool = True) -> list[ChangeEntry]:
    """One entry per (history row, previous version of the same record or None), in order."""
    rows_by_model = defaultdict(list)
    for row, previous in pairs:
        rows_by_model[type(row)].append(row)
        if previous is not None:
            rows_by_model[type(previous)].append(previous)
    snapshots = _snapshots(rows_by_model)
    names = _collect_names(rows_by_model, snapshots)
    entries = []
    for row, previous in pairs:
        changes = _changes(row, previous, names, snapshots)
        if not keep_empty and row.history_type == "~" and not changes:
            if not row.history_change_reason:
                continue  # a save that changed nothing worth showing
        model = row.instance_type
        client_column = registry.client_attname(model)
        client_id = getattr(row, client_column) if client_column else None
        entries.append(
            ChangeEntry(
                when=row.history_date,
                who=who_acted(row),
                kind=CHANGE_KINDS.get(row.history_type, row.history_type),
                record_type=record_type_name(model),
                record_label=record_label(row, names),
                reason=row.history_change_reason or "",
                changes=changes,
                history_id=row.history_id,
                model_label=model._meta.label_lower,
                object_id=str(getattr(row, model._meta.pk.attname)),
                client_id=client_id,
                client_label=(names.get(registry.client_model(), client_id) if client_id else ""),
                actor=getattr(row, "history_actor", ""),
            )
        )
    return entries


def change_entries(*history_querysets, keep_empty: bool = False) -> list[ChangeEntry]:
    """Entries for every row of these history querysets, newest first.

    Each row is compared with the previous version of the same record, so the querysets
    should hold whole record histories (filter by record, not by date, for a diff to be exact).
    Saves that changed nothing visible are left out unless ``keep_empty``.
    """
    pairs = []
    for queryset in history_querysets:
        pk_name = queryset.model.instance_type._meta.pk.attname
        rows = queryset.select_related("history_user").order_by(
            pk_name, "history_date", "history_id"
        )
        previous = None
        for row in rows:
            if previous is not None and getattr(previous, pk_name) != getattr(row, pk_name):
                previous = None
            pairs.append((row, previous))
            previous = row
    entries = describe(pairs, keep_empty=keep_empty)
    entries.sort(key=lambda entry: (entry.when, entry.history_id), reverse=True)
    return entries
