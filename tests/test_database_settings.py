"""The database connection's settings: on PostgreSQL the JIT is off (see settings.py: page
queries pay more for the compile than they gain)."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting"),
]


def test_postgresql_jit_is_off_for_the_app_s_connections():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
