"""Optimistic locking: one mechanism for every record that people edit in forms.

A versioned model keeps a ``version`` number that every update raises (``VersionedModel.save``).
An edit page carries the version the person started from; ``save_versioned`` saves it under a
row lock only if nobody saved the record in between, and otherwise raises ``StaleEdit``. Every
service, and the admin (``housingfirst.admin.VersionedAdmin``), saves edits this way, so a
stale save is refused the same way on every page.
"""

from django.db import models, transaction

from .audit import change_reason


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
