"""Rows written in bulk as plain tuples, with their history rows, sealed.

For many new rows at once (the demo seed's large program, the reminders a sweep makes,
benchmarks): building a model instance and having Django prepare every value of every row costs
far more than the database does. Here a row is a tuple of column values ready for the database,
ids are allocated up front (so a batch of dependent rows can name its parents at once), and on
PostgreSQL the rows go in with COPY.

Rows written here bypass ``save()``, validation and signals, exactly like ``bulk_create``:
the caller gives values the model would accept. History is not bypassed: every record gets its
creation row, naming the acting person or job and the reason of the context
(``housingfirst.audit``), and every history row is sealed into the audit chain.
"""

from operator import itemgetter

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from .audit import current_actor, current_person, current_reason, fingerprint, secret_fields

# Below this many rows a COPY's set-up costs more than it saves: one multi-row INSERT instead.
COPY_AT_LEAST = 100


def allocate_ids(model, count: int, using=None) -> list[int]:
    """``count`` new ids for ``model``'s rows, in order: from its own sequence (PostgreSQL), or
    after the highest it has used (SQLite, whose writing transaction holds the database lock)."""
    if count <= 0:
        return []
    connection = connections[using or DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence named once (an InitPlan), not once a row: ten times faster.
            cursor.execute(
                "SELECT nextval((SELECT pg_get_serial_sequence(%s, %s))::regclass) "
                "FROM generate_series(1, %s)",
                [quote(table), column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
        highest = cursor.fetchone()[0] or 0
        if connection.vendor == "sqlite":  # AUTOINCREMENT never reuses a deleted row's id
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            used = cursor.fetchone()
            highest = max(highest, used[0] if used else 0)
        return list(range(highest + 1, highest + 1 + count))


def insert_rows(model, columns, rows, using=None) -> None:
    """Insert ``rows`` (tuples of the ``columns``' values, attnames, ids included) into
    ``model``'s table. PostgreSQL takes the values as psycopg adapts them (COPY); elsewhere
    each goes through its field's ``get_db_prep_save``."""
    if not rows:
        return
    connection = connections[using or DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    fields = {f.attname: f for f in model._meta.concrete_fields}
    names = ", ".join(quote(fields[name].column) for name in columns)
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(rows) >= COPY_AT_LEAST:
            # Django's own errors (IntegrityError for a duplicate…), as its cursor would raise.
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        prepare = [fields[name].get_db_prep_save for name in columns]
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({placeholders})",
            [
                [to_db(value, connection) for to_db, value in zip(prepare, row, strict=True)]
                for row in rows
            ],
        )


class _Layout:
    """Where each column of a record's row and of its history row comes from.

    A record's row is (id, *the given columns, *the defaults of the others); its history row
    picks from (*that row, history id, *the history columns' values) by position."""

    HISTORY_VALUES = (
        "history_date",
        "history_type",
        "history_user_id",
        "history_change_reason",
        "history_actor",
    )

    def __init__(self, model, columns, when):
        meta = model._meta
        self.columns = [meta.pk.attname, *columns]
        defaults = []
        for field in meta.concrete_fields:
            if field.attname in self.columns or field.generated:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                defaults.append(when)
            else:
                defaults.append(field.get_default())  # one value for the call, even a callable's
            self.columns.append(field.attname)
        self.defaults = tuple(defaults)
        self.history_model = getattr(model, meta.simple_history_manager_attribute).model
        self.history_columns = [f.attname for f in self.history_model._meta.concrete_fields]
        position = {name: n for n, name in enumerate(self.columns)}
        after = len(self.columns)
        position["history_id"] = after
        for n, name in enumerate(self.HISTORY_VALUES, start=after + 1):
            position[name] = n
        missing = [name for name in self.history_columns if name not in position]
        if missing:
            raise ValueError(f"{self.history_model.__name__}: no value for {missing}")
        self.history_row = itemgetter(*(position[name] for name in self.history_columns))
        self.secret = [self.history_columns.index(name) for name in secret_fields(model)]


def insert_with_history(model, columns, rows, *, m2m=None, using=None, when=None) -> list[int]:
    """Insert ``rows`` (tuples of the ``columns``' values, no id) as new ``model`` records,
    each with its creation history row (dated ``when``, default now, by the person, job and
    reason of the context) sealed into the audit chain; return the new ids, in row order.

    Columns left out take their field's default (one value for the whole call, even a
    callable's), ``auto_now`` ones ``when``; generated columns are the database's. ``m2m``
    ({field name: target ids}) gives every record these members, in its history row's copy too.
    """
    from .audit_log.chain import seal_history_ids

    rows = list(rows)
    if not rows:
        return []
    when = when or timezone.now()
    layout = _Layout(model, columns, when)
    ids = allocate_ids(model, len(rows), using)
    full = [(record_id, *row, *layout.defaults) for record_id, row in zip(ids, rows, strict=True)]
    insert_rows(model, layout.columns, full, using)

    person = current_person()
    context = (when, "+", getattr(person, "pk", None), current_reason() or None, current_actor())
    history_ids = allocate_ids(layout.history_model, len(rows), using)
    history_rows = []
    for history_id, row in zip(history_ids, full, strict=True):
        history_row = layout.history_row((*row, history_id, *context))
        if layout.secret:
            history_row = list(history_row)
            for index in layout.secret:
                history_row[index] = fingerprint(history_row[index])
        history_rows.append(history_row)
    del full
    insert_rows(layout.history_model, layout.history_columns, history_rows, using)
    for name, targets in (m2m or {}).items():
        _insert_members(model, name, targets, ids, history_ids, layout.history_model, using)
    seal_history_ids(layout.history_model, history_ids, using=using)
    return ids


def _insert_members(model, name, targets, ids, history_ids, history_model, using) -> None:
    """Each record (``ids``) gets ``targets`` in its many-to-many field ``name``, and its
    history row (``history_ids``, in the same order) the copy of them that simple-history keeps."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source = through._meta.get_field(field.m2m_field_name()).attname
    target = through._meta.get_field(field.m2m_reverse_field_name()).attname
    members = [
        (record_id, history_id, target_id)
        for record_id, history_id in zip(ids, history_ids, strict=True)
        for target_id in targets
    ]
    member_ids = allocate_ids(through, len(members), using)
    through_columns = (through._meta.pk.attname, source, target)
    insert_rows(
        through,
        through_columns,
        [
            (member_id, record_id, target_id)
            for member_id, (record_id, _, target_id) in zip(member_ids, members, strict=True)
        ],
        using,
    )
    copies = getattr(history_model, name).model  # simple-history's copy of the members
    meta = copies._meta
    values = {  # where each column of a copy comes from, in (member id, record, history, target)
        through_columns[0]: 0,
        source: 1,
        "history_id": 2,
        target: 3,
    }
    columns = [f.attname for f in meta.concrete_fields if f.attname != meta.pk.attname]
    missing = [column for column in columns if column not in values]
    if missing:
        raise ValueError(f"{copies.__name__}: no value for {missing}")
    pick = itemgetter(*(values[column] for column in columns))
    copy_ids = allocate_ids(copies, len(members), using)
    insert_rows(
        copies,
        (meta.pk.attname, *columns),
        [
            (copy_id, *pick((member_id, record_id, history_id, target_id)))
            for copy_id, member_id, (record_id, history_id, target_id) in zip(
                copy_ids, member_ids, members, strict=True
            )
        ],
        using,
    )
