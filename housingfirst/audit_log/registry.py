"""Which models are audited, found from the app registry rather than listed by hand.

A model is audited when it has a simple-history manager (``history = audit_history()``, or
``simple_history.register``). Everything under ``/audit/`` and the audit chain work from this
list, so a new audited model is covered without any change here.
"""

from functools import cache

from django.apps import apps
from django.conf import settings
from simple_history.utils import get_m2m_reverse_field_name


def client_model():
    """The model of the people the records are about (``settings.AUDIT_CLIENT_MODEL``).

    Named by a setting, as Django names the user model, so the core audit trail needs no
    import of the app that defines clients (the core sits below every app).
    """
    return apps.get_model(settings.AUDIT_CLIENT_MODEL)


def audited_models() -> list:
    """Every model with history, in a stable order (app label, then model name)."""
    return sorted(
        (m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")),
        key=lambda m: m._meta.label_lower,
    )


@cache
def history_model_for(model):
    # simple-history builds a new manager class on every access to ``Model.history``: cache.
    return getattr(model, model._meta.simple_history_manager_attribute).model


def audited_model(label: str):
    """The audited model named ``app_label.model_name``, or None."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if hasattr(model._meta, "simple_history_manager_attribute") else None


@cache
def client_attname(model) -> str | None:
    """The column of a record that names its client, for the change log's client column.

    A model may say so with ``AUDIT_CLIENT_FIELD = "client"`` (or ``""`` for none); otherwise
    a client is its own client, and a record with exactly one foreign key to Client belongs to
    that client (placements, contacts, referrals, consents, assignments, grants, reminders).
    """
    explicit = getattr(model, "AUDIT_CLIENT_FIELD", None)
    if explicit is not None:
        return model._meta.get_field(explicit).attname if explicit else None
    client = client_model()
    if model is client:
        return model._meta.pk.attname
    to_client = [
        f for f in model._meta.concrete_fields if f.is_relation and f.related_model is client
    ]
    return to_client[0].attname if len(to_client) == 1 else None


@cache
def m2m_history(history_model) -> list[tuple]:
    """(field, m2m history model, column holding the target's id) per m2m field whose members
    history rows copy: tracked now, or retired (``retired_m2m_fields``) with copies kept."""
    result = []
    for field in getattr(history_model, "_history_m2m_fields", []):
        m2m_model = getattr(history_model, field.name).model
        target = m2m_model._meta.get_field(get_m2m_reverse_field_name(field))
        result.append((field, m2m_model, target.attname))
    model = history_model.instance_type
    for name, label in getattr(model, "HISTORY_RETIRED_M2M_SNAPSHOTS", {}).items():
        field = model._meta.get_field(name)
        m2m_model = apps.get_model(label)
        target = m2m_model._meta.get_field(get_m2m_reverse_field_name(field))
        result.append((field, m2m_model, target.attname))
    return result


@cache
def retired_m2m_fields(history_model) -> frozenset[str]:
    """m2m fields whose copies newer history rows no longer write (a model's
    ``HISTORY_RETIRED_M2M_SNAPSHOTS``): older rows were sealed with their copies, so the chain
    still reads them; newer rows read as an empty copy, which the history does not show as a
    change (the membership's own history says who joined or left)."""
    model = history_model.instance_type
    return frozenset(getattr(model, "HISTORY_RETIRED_M2M_SNAPSHOTS", {}))


def m2m_snapshots(history_model, history_ids, using=None) -> dict:
    """{history_id: {field name: sorted target ids}} for these history rows (one query a field)."""
    snapshots = {history_id: {} for history_id in history_ids}
    for field, m2m_model, target in m2m_history(history_model):
        for history_id in history_ids:
            snapshots[history_id][field.name] = []
        rows = (
            m2m_model._default_manager.using(using)
            .filter(history_id__in=history_ids)
            .values_list("history_id", target)
        )
        for history_id, target_id in rows:
            snapshots[history_id][field.name].append(target_id)
    for snapshot in snapshots.values():
        for values in snapshot.values():
            values.sort()
    return snapshots
