"""On PostgreSQL (as in CI and production) a name search reads trigram indexes (migration
0010), not every client and every version of one."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from clients import services
from clients.models import Client

from ..factories import ClientFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans"),
]

CLIENTS = 10_000
CLIENT_SCAN = re.compile(r"Seq Scan on clients_(client|historicalclient)\b")


@pytest.fixture
def many_clients(program):
    clients = Client.objects.bulk_create(
        [ClientFactory.build(team=program.team) for _ in range(CLIENTS)], batch_size=1000
    )
    # Their first versions, not sealed into the audit chain: sealing would write as many
    # change-log rows, whose rollback sets autovacuum on the change log while
    # tests/audit/test_query_plan.py measures it.
    version = Client.history.model
    version._base_manager.bulk_create(
        [
            version(
                history_date=timezone.now(),
                history_type="+",
                history_change_reason="Test set-up",
                **{
                    field.attname: getattr(client, field.attname)
                    for field in version.tracked_fields
                },
            )
            for client in clients
        ],
        batch_size=1000,
    )
    renamed = program.client  # Rosa Parker, then Rosa Zyxwarth, now Rosa Vorquelle
    for last_name in ("Zyxwarth", "Vorquelle"):
        renamed.last_name = last_name
        services.client_profile_update(
            client=renamed, by=program.case_manager, expected_version=None
        )
    with connection.cursor() as cursor:
        # New rows wait in each GIN index's pending list, which every search would read in
        # full until (auto)vacuum merges it; VACUUM cannot run in the test's transaction.
        for table in ("clients_client", "clients_historicalclient"):
            for column in ("first_name", "last_name", "preferred_name"):
                index = f"{table}_{column}_upper_trgm"
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            cursor.execute(f"ANALYZE {table}")
    return program


def assert_trigram_indexes(text, table):
    assert not CLIENT_SCAN.search(text), text
    assert "Bitmap Index Scan" in text, text
    for column in ("first_name", "last_name", "preferred_name"):
        assert f"on {table}_{column}_upper_trgm" in text, text


def test_name_searches_read_trigram_indexes(many_clients):
    for person in (many_clients.supervisor, many_clients.case_manager):
        visible = Client.objects.visible_to(person).primary()
        for query in ("vorquelle", "zyxwarth", "Rosa Zyxw"):  # now, formerly, two words
            search = visible.search(query)
            assert [client.last_name for client in search] == ["Vorquelle"]
            text = search.explain()
            assert_trigram_indexes(text, "clients_client")
            assert_trigram_indexes(text, "clients_historicalclient")

    # The filter suggestions (``named``) read only the names as they are now.
    named = Client.objects.visible_to(many_clients.supervisor).named("vorquelle")
    assert [client.last_name for client in named] == ["Vorquelle"]
    assert_trigram_indexes(named.explain(), "clients_client")
