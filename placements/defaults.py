"""The subsidy types most Housing First programs use; programs add their own in the admin.

Made after ``migrate`` (and after a test database's flush) when there is no subsidy type at
all, through the models themselves, so their history rows are sealed into the audit chain as
they are written. (A data migration would write history around the app, leaving rows that only
an administrator may seal: ``verify_audit_trail --seal-existing``.)
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from housingfirst.audit import acting_as, change_reason

DEFAULT_SUBSIDY_TYPES = [
    ("No subsidy", "The client pays the whole rent."),
    ("Housing Choice Voucher (Section 8)", "Tenant-based or project-based voucher."),
    ("Continuum of Care rental assistance", "CoC-funded permanent supportive housing."),
    ("HUD-VASH", "Veterans Affairs Supportive Housing voucher."),
    ("Emergency Housing Voucher", ""),
    ("State or local rental subsidy", ""),
    ("Program rental assistance", "Paid from the program's own funds."),
]


def ensure_default_subsidy_types(sender=None, using=None, **kwargs):
    from django.apps import apps

    # post_migrate fires once per app; act once, after the last app has migrated.
    last_app = [config for config in apps.get_app_configs() if config.models_module][-1]
    if sender is not None and sender is not last_app:
        return
    from .models import SubsidyType

    using = using or DEFAULT_DB_ALIAS
    tables = set(connections[using].introspection.table_names())
    needed = (SubsidyType, SubsidyType.history.model, apps.get_model("housingfirst.ChangeLogEntry"))
    if any(model._meta.db_table not in tables for model in needed):
        return  # a partial migrate: the next full one makes them
    subsidy_types = SubsidyType.objects.using(using)
    if subsidy_types.exists():
        return
    with (
        transaction.atomic(using=using),
        acting_as("command:migrate"),
        change_reason("Default subsidy types"),
    ):
        for name, description in DEFAULT_SUBSIDY_TYPES:
            SubsidyType(name=name, description=description).save(using=using)
