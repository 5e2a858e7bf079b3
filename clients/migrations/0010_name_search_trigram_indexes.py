from django.db import migrations

# The client search (``ClientQuerySet.search`` and ``named``): ``name__icontains`` compiles on
# PostgreSQL to ``UPPER("name"::text) LIKE UPPER('%word%')``, which a trigram index on the same
# expression answers. Former names are looked up in the history table the same way.
INDEXES = {
    f"{table}_{column}_upper_trgm": (table, column)
    for table in ("clients_client", "clients_historicalclient")
    for column in ("first_name", "last_name", "preferred_name")
}


def create_indexes(apps, schema_editor):
    # PostgreSQL only, as the duplicate check's index (0005): SQLite, the embedded default,
    # scans its (small) tables instead.
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, column) in INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (UPPER({column}) gin_trgm_ops)"
            )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("clients", "0009_team_memberships")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
