"""Default rows an app ships with (subsidy types, supply kinds): made after ``migrate``.

Each app connects ``defaults_after_migrate(model, rows, reason)`` to ``post_migrate``. The rows
are made once every app has migrated (and after a test database's flush), only when the table
is empty, through the models themselves, so their history rows are sealed into the audit chain
as they are written. (A data migration would write history around the app, leaving rows that
only an administrator may seal: ``verify_audit_trail --seal-existing``.)
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .audit import acting_as, change_reason


def defaults_after_migrate(model_label: str, rows: list[dict], reason: str):
    """A post_migrate receiver that makes ``rows`` of the model when it has none."""

    def receiver(sender=None, using=None, **kwargs):
        from django.apps import apps

        # post_migrate fires once per app; act once, after the last app has migrated.
        last_app = [config for config in apps.get_app_configs() if config.models_module][-1]
        if sender is not None and sender is not last_app:
            return
        model = apps.get_model(model_label)
        using = using or DEFAULT_DB_ALIAS
        tables = set(connections[using].introspection.table_names())
        needed = (model, model.history.model, apps.get_model("housingfirst.ChangeLogEntry"))
        if any(each._meta.db_table not in tables for each in needed):
            return  # a partial migrate: the next full one makes them
        if model._default_manager.using(using).exists():
            return
        with transaction.atomic(using=using), acting_as("command:migrate"), change_reason(reason):
            for row in rows:
                model(**row).save(using=using)

    return receiver
