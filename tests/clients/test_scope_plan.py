"""On PostgreSQL a case manager's clients are found through their grants and fetched by primary
key (a semi-join), not by walking every client of the program."""

import pytest
from django.db import connection

from clients.models import Client

from ..factories import ClientFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans"),
]


def test_a_case_manager_s_clients_are_fetched_by_primary_key(program):
    others = [ClientFactory.build(team=program.other_team) for _ in range(3000)]
    Client.objects.bulk_create(others)  # plan only: no history needed for these
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE clients_client")
        cursor.execute("ANALYZE clients_clientuserobjectpermission")
    mine = Client.objects.visible_to(program.case_manager)
    assert program.client in mine and program.other_client not in mine
    plan = mine.order_by("last_name")[:50].explain()
    assert "Seq Scan on clients_client " not in plan, plan
    assert "clients_client_pkey" in plan, plan
