"""Every model of the project is audited, and its create, change and delete all reach /audit/.

Parametrised over the models found in the app registry at run time (plus staff accounts), so a
model added later is covered without touching this file: without history it fails here, and
without a way to build it, it fails with a message saying where to add a factory.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model

from housingfirst.audit import AuditedHistory, change_reason
from housingfirst.audit_log import registry

from .builders import NoBuilder, build, change
from .conftest import acting_user, log_entries

pytestmark = pytest.mark.django_db

# The audit records themselves: append-only and sealed, so they need no history of their own.
NOT_AUDITED = {
    "housingfirst.accesslogentry",
    "housingfirst.changelogentry",
    "housingfirst.auditchainhead",
    # The daily digest's once-per-day claim: a send lock holding no client data.
    "reminders.digestsent",
    # A create form's once-per-submission claim: who sent it and where it went, no client data
    # (the record it created has its own history).
    "housingfirst.submissiontoken",
    # The verifier's record of a run: its output, reproducible by running it again, holding no
    # client data; its checkpoint carries its own keyed seal (housingfirst.audit_log.verification).
    "housingfirst.auditverification",
    # The import's bookkeeping: which row of which HMIS export became which record here, and a
    # digest of the values last imported. Written in the same transaction as the audited record
    # it points at, whose history says "Imported from HMIS export <ExportID>"; a "same person"
    # link is recorded on the audited import (hmis.HmisImport decisions).
    "hmis.sourcekey",
    # The housing read model: derived from placements and contacts (which have their history)
    # in the same transaction, recomputed by the sweep; nobody edits it.
    "placements.housingstate",
}


def _project_models():
    root = Path(settings.BASE_DIR).resolve()
    history_models = {registry.history_model_for(m) for m in registry.audited_models()}
    found = {get_user_model()}
    for config in apps.get_app_configs():
        if Path(config.path).resolve().parent != root:  # our apps, not installed packages
            continue
        for model in config.get_models():
            if model in history_models or model.__name__.startswith("Historical"):
                continue
            found.add(model)
    return sorted(found, key=lambda m: m._meta.label_lower)


@pytest.mark.parametrize("model", _project_models(), ids=lambda m: m._meta.label_lower)
def test_every_change_to_every_model_shows_in_the_change_log(model, program, login):
    label = model._meta.label_lower
    if label in NOT_AUDITED:
        pytest.skip("an audit record itself, or a claim holding no client data")
    assert hasattr(model._meta, "simple_history_manager_attribute"), (
        f"{label} has no history: give it `history = audit_history()` (housingfirst.audit)"
    )
    assert issubclass(registry.history_model_for(model), AuditedHistory), (
        f"{label}'s history lacks the audit columns: use housingfirst.audit.audit_history()"
    )

    actor = program.supervisor
    with acting_user(actor):
        with change_reason("Audit check: create"):
            try:
                instance = build(model, program)
            except NoBuilder as missing:
                pytest.fail(str(missing))
        pk = instance.pk
        with change_reason("Audit check: change"):
            field_label, new_value = change(instance)
        with change_reason("Audit check: delete"):
            instance.delete()

    entries = [
        entry
        for entry in log_entries(login(program.auditor), record_type=label, person=actor.pk)
        if entry.object_id == str(pk)
    ]
    by_kind = {entry.kind: entry for entry in entries}
    assert set(by_kind) == {"created", "changed", "deleted"}, entries
    for kind, entry in by_kind.items():
        assert entry.who == actor.get_full_name()
        assert entry.reason == f"Audit check: {kind[:-1] if kind != 'changed' else 'change'}"
    changed = {c.label: c for c in by_kind["changed"].changes}
    assert field_label in changed, by_kind["changed"].changes
    assert changed[field_label].new == new_value
    assert by_kind["created"].changes, "a new record shows the values it was created with"
    client_column = registry.client_attname(model)
    if client_column and label != "clients.client":
        assert by_kind["created"].client_id is not None and by_kind["created"].client_label
