"""Readable change entries from simple-history rows: who, when, why, and field old → new.

Works on any audited model. Related objects are shown by name and choices by label, with one
query per related model whatever the number of rows, so history pages stay bounded.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

CHANGE_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
# Bookkeeping columns that say nothing to a reader.
IGNORED_FIELDS = {"id", "version", "created_at", "updated_at"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


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


def who_acted(row) -> str:
    user = row.history_user
    name = (user.get_full_name() or user.get_username()) if user is not None else ""
    actor = getattr(row, "history_actor", "")
    if name and actor:
        return f"{name} (via {actor})"
    return name or actor or "system"


def _tracked_fields(history_model):
    return [f for f in history_model.tracked_fields if f.name not in IGNORED_FIELDS]


def _display(value, model_field, related_names) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation:
        return related_names.get((model_field.related_model, value), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _related_names(rows_by_model) -> dict:
    """One query per related model: {(model, pk): name} for every foreign key value seen."""
    wanted = defaultdict(set)
    for history_model, rows in rows_by_model.items():
        for model_field in _tracked_fields(history_model):
            if model_field.is_relation:
                for row in rows:
                    value = getattr(row, model_field.attname)
                    if value is not None:
                        wanted[model_field.related_model].add(value)
    names = {}
    for related_model, pks in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=pks):
            names[(related_model, obj.pk)] = _object_name(obj)
    return names


def _object_name(obj) -> str:
    if hasattr(obj, "get_full_name"):
        return obj.get_full_name() or obj.get_username()
    label = getattr(obj, "history_label", None)
    return label() if callable(label) else str(obj)


def record_label(row) -> str:
    """A label built from the row's own columns (no extra queries)."""
    label_fields = getattr(row.instance_type, "HISTORY_LABEL_FIELDS", None)
    if label_fields:
        text = " ".join(str(getattr(row, name) or "") for name in label_fields).strip()
        if text:
            return text
    return f"#{row.id}"


def change_entries(*history_querysets) -> list[ChangeEntry]:
    """Entries for every row of these history querysets, newest first.

    Each row is compared with the previous version of the same record, so the querysets
    should hold whole record histories (filter by record, not by date, for a diff to be exact).
    """
    rows_by_model = {}
    for queryset in history_querysets:
        rows = list(
            queryset.select_related("history_user").order_by("id", "history_date", "history_id")
        )
        rows_by_model[queryset.model] = rows
    names = _related_names(rows_by_model)

    entries = []
    for history_model, rows in rows_by_model.items():
        fields = _tracked_fields(history_model)
        record_type = str(history_model.instance_type._meta.verbose_name).capitalize()
        previous = None
        for row in rows:
            if previous is not None and previous.id != row.id:
                previous = None
            changes = []
            for model_field in fields:
                new = getattr(row, model_field.attname)
                if row.history_type == "-":
                    break
                if previous is None:
                    if new in (None, "", False):
                        continue
                    old_text = "—"
                else:
                    old = getattr(previous, model_field.attname)
                    if old == new:
                        continue
                    old_text = _display(old, model_field, names)
                changes.append(
                    FieldChange(
                        label=str(model_field.verbose_name).capitalize(),
                        old=old_text,
                        new=_display(new, model_field, names),
                    )
                )
            if row.history_type == "~" and not changes and not row.history_change_reason:
                previous = row
                continue  # a save that changed nothing worth showing
            entries.append(
                ChangeEntry(
                    when=row.history_date,
                    who=who_acted(row),
                    kind=CHANGE_KINDS.get(row.history_type, row.history_type),
                    record_type=record_type,
                    record_label=record_label(row),
                    reason=row.history_change_reason or "",
                    changes=changes,
                    history_id=row.history_id,
                )
            )
            previous = row
    entries.sort(key=lambda entry: (entry.when, entry.history_id), reverse=True)
    return entries
