"""Optimistic locking: one mechanism for every record that people edit in forms.

A versioned model keeps a ``version`` number that every update raises (``VersionedModel.save``).
An edit page carries the version the person started from; ``save_versioned`` saves it under a
row lock only if nobody saved the record in between, and otherwise raises ``StaleEdit``. An
edit form opened before someone else's save is merged field by field with it
(``three_way_merge``, against that version in the history): nobody's change is lost, and only
a field both people changed differently asks the person to choose. Every service, and the
admin (``housingfirst.admin.AuditedAdmin``), saves edits this way, so a stale save is handled
the same way on every page.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction

from .audit import change_reason
from .history import Names, display_value, who_acted


class StaleEdit(Exception):
    """Someone else saved the record since the person opened it; nothing was saved."""

    def __init__(self, current_version: int | None = None):
        super().__init__("stale edit")
        self.current_version = current_version


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Every update is a new version, whoever saves: a form opened before it is stale.
        if not self._state.adding and self.pk is not None:
            self.version = (self.version or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "version"}
        super().save(*args, **kwargs)


def current_version(model, pk, *, lock: bool = False) -> int | None:
    rows = model._default_manager.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    return rows.values_list("version", flat=True).first()


def save_versioned(instance, *, expected_version: int | None, reason: str = ""):
    """Validate and save an edited record under a row lock, refusing a stale version.

    ``expected_version`` is the version the person started from (None: no check, for
    callers that hold the row lock and read the row fresh themselves).
    """
    with transaction.atomic():
        current = current_version(type(instance), instance.pk, lock=True)
        if expected_version is not None and current != expected_version:
            raise StaleEdit(current)
        instance.full_clean()
        instance.version = current
        with change_reason(reason):
            instance.save()
    return instance


# Merging a stale edit ------------------------------------------------------------------------


@dataclass
class FieldConflict:
    """Both people changed one field, differently: the person must choose."""

    name: str
    label: str
    theirs: str  # as shown on screen
    yours: str
    saved_by: str
    saved_at: datetime
    attname: str = ""  # the column, and its value as stored
    theirs_value: object = None


@dataclass
class Merge:
    """What a three-way merge of a stale edit found, against the version it started from."""

    current_version: int
    kept_theirs: list[str] = field(default_factory=list)  # labels of the colleague's fields
    conflicts: list[FieldConflict] = field(default_factory=list)
    savers: list[str] = field(default_factory=list)


def _history_rows(model, pk, since_version: int) -> list:
    history = getattr(model, model._meta.simple_history_manager_attribute)
    return list(
        history.filter(**{model._meta.pk.attname: pk}, version__gte=since_version)
        .select_related("history_user")
        .order_by("version", "history_id")
    )


def _shown(value, model_field) -> str:
    """A value as the history shows it (a related record by its name, never a protected one's)."""
    names = None
    if model_field.is_relation and value is not None:
        names = Names()
        names.want(model_field.related_model, value)
        names.fetch()
    return display_value(value, model_field, names)


def three_way_merge(instance, *, opened_version: int, fields) -> Merge | None:
    """Merge this person's edit (``instance`` holds their values for ``fields``) with what
    others saved since ``opened_version``, field by field:

    - a field only the others changed takes their value (set on ``instance``);
    - a field only this person changed keeps this person's value;
    - a field both changed to different values is a conflict, for the person to choose.

    None when the version the person started from is not in the history (nothing to merge
    against: the edit is refused as stale instead).
    """
    model = type(instance)
    rows = _history_rows(model, instance.pk, opened_version)
    if not rows or rows[0].version != opened_version:
        return None
    base, current = rows[0], model._default_manager.get(pk=instance.pk)
    merge = Merge(current_version=current.version)
    for row in rows[1:]:
        saver = who_acted(row)
        if saver not in merge.savers:
            merge.savers.append(saver)
    for model_field in fields:
        name = model_field.attname
        original, theirs, yours = (
            getattr(base, name),
            getattr(current, name),
            getattr(instance, name),
        )
        if theirs == original or theirs == yours:
            continue  # nobody else changed it, or both made the same change
        label = str(model_field.verbose_name)
        label = label[:1].upper() + label[1:]
        if yours == original:
            setattr(instance, name, theirs)  # only the colleague changed it: keep theirs
            merge.kept_theirs.append(label)
            continue
        last_change = next(
            (
                row
                for row, previous in zip(reversed(rows[1:]), reversed(rows[:-1]), strict=True)
                if getattr(row, name) != getattr(previous, name)
            ),
            rows[-1],
        )
        merge.conflicts.append(
            FieldConflict(
                name=model_field.name,
                label=label,
                theirs=_shown(theirs, model_field),
                yours=_shown(yours, model_field),
                saved_by=who_acted(last_change),
                saved_at=last_change.history_date,
                attname=name,
                theirs_value=theirs,
            )
        )
    return merge
