from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "clients_client_last_name_trgm"


def create_index(apps, schema_editor):
    # The duplicate check's SSN + similar-last-name lookup (clients/duplicates.py); PostgreSQL
    # only: SQLite, the embedded default, scans its (small) table instead.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON clients_client "
            "USING gin (last_name gin_trgm_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0004_staff_groups_hold_no_model_permissions")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
