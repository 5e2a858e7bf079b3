"""Date arithmetic in SQL, the same on SQLite and PostgreSQL.

Django's ``F("date") + timedelta`` yields a datetime on SQLite (compared as text, it misses
dates); these small functions keep dates as dates so the visit schedule and retention can be
filtered and aggregated in the database.
"""

from django.db import NotSupportedError
from django.db.models import DateField, Func, IntegerField


class _DateFunc(Func):
    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"{type(self).__name__} supports SQLite and PostgreSQL only.")


class AddDays(_DateFunc):
    """``expression`` (a date) plus a fixed number of days, as a date."""

    output_field = DateField()

    def __init__(self, expression, days: int, **extra):
        super().__init__(expression, **extra)
        self.days = int(days)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"date({sql}, %s)", (*params, f"{self.days:+d} days")

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"(({sql})::date + %s::integer)", (*params, self.days)


class AddMonths(_DateFunc):
    """``expression`` (a date) plus whole calendar months, as a date.

    A day that does not exist in the target month becomes its last day (Aug 31 + 6 months is
    the last day of February), as PostgreSQL's interval arithmetic does.
    """

    output_field = DateField()

    def __init__(self, expression, months: int, **extra):
        super().__init__(expression, **extra)
        self.months = int(months)

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        # date(x, '+N months') overflows into the next month; clamp to that month's last day.
        return (
            f"min(date({sql}, %s), date({sql}, 'start of month', %s, '-1 day'))",
            (*params, f"{self.months:+d} months", *params, f"{self.months + 1:+d} months"),
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.get_source_expressions()[0])
        return f"(({sql})::date + make_interval(months => %s::integer))::date", (
            *params,
            self.months,
        )


class DaysBetween(_DateFunc):
    """Whole days from ``start`` to ``end`` (two dates): end - start."""

    output_field = IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        end, start = self.get_source_expressions()
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        return (
            f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)",
            (*end_params, *start_params),
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        end, start = self.get_source_expressions()
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        return f"(({end_sql})::date - ({start_sql})::date)", (*end_params, *start_params)
