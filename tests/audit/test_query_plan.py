"""On PostgreSQL (as in CI and production) the change log's pages are index range scans."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from clients.models import Client
from housingfirst.audit_log import changelog
from housingfirst.models import AccessLogEntry, ChangeLogEntry

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans"),
]

ROWS = 20_000


@pytest.fixture
def many_links(program):
    client_type = ContentType.objects.get_for_model(Client)
    start = timezone.now() - timedelta(days=400)
    people = [program.case_manager.pk, program.supervisor.pk, program.teammate.pk, None]
    ChangeLogEntry.objects.bulk_create(
        ChangeLogEntry(
            history_date=start + timedelta(minutes=n),
            content_type=client_type,
            history_id=10_000_000 + n,
            object_id=str(n % 500),
            kind="+~~-"[n % 4],
            user_id=people[n % 4],
            client_id=n % 500,
            chain_hash="0" * 64,
        )
        for n in range(ROWS)
    )
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            occurred_at=start + timedelta(minutes=n),
            user_id=people[n % 3],
            record_label="Referral",
            client_id=program.client.pk,
        )
        for n in range(ROWS)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE housingfirst_changelogentry")
        cursor.execute("ANALYZE housingfirst_accesslogentry")
    return program


def plan(queryset, when, before=None):
    """The plan of the query one page runs, as PostgreSQL would run it."""
    if before is not None:
        queryset = changelog._seek(queryset, when, *changelog.decode_cursor(before), older=True)
    return queryset.order_by(f"-{when}", "-pk")[:51].explain()


def assert_index_scan(text, index=None):
    """Rows come off an index in page order: no sort step, no full table scan."""
    assert "Index Scan" in text, text
    assert "Sort" not in text and "Seq Scan" not in text, text
    if index:
        assert f"using {index}" in text, text


def assert_index_backed(text, index=None):
    """A filtered page: the filter is an index condition. (A handful of matches may then be
    sorted; a common value may be read off the newest-first index instead, also fine.)"""
    assert "Index Scan" in text and "Seq Scan" not in text, text
    # Either the filter is the index's condition, or (a common value) the page is read off the
    # newest-first index in order, without a sort: the planner picks by the statistics.
    assert "Index Cond" in text or ("newest_first" in text and "Sort" not in text), text
    if index:
        assert f"on {index}" in text or f"using {index}" in text, text


def test_first_deep_and_filtered_change_log_pages_use_indexes(many_links):
    links = changelog.change_log_links(changelog.Filters())
    assert_index_scan(plan(links, "history_date"), "changelog_newest_first")

    deep = ChangeLogEntry.objects.order_by("-history_date", "-id")[ROWS // 2]
    cursor = changelog.encode_cursor(deep.history_date, deep.pk)
    assert_index_scan(plan(links, "history_date", before=cursor), "changelog_newest_first")

    by_person = changelog.change_log_links(changelog.Filters(people=[many_links.supervisor]))
    assert_index_backed(plan(by_person, "history_date"))
    by_client = changelog.change_log_links(changelog.Filters(client_ids=[7]))
    assert_index_backed(plan(by_client, "history_date", before=cursor), "changelog_by_client")
    by_type = changelog.change_log_links(changelog.Filters(model=Client, kind="deleted"))
    assert_index_backed(plan(by_type, "history_date", before=cursor))


def test_access_log_pages_use_indexes(many_links):
    entries = changelog.access_log_entries(changelog.Filters())
    assert_index_scan(plan(entries, "occurred_at"), "accesslog_newest_first")
    by_person = changelog.access_log_entries(changelog.Filters(people=[many_links.supervisor]))
    assert_index_backed(plan(by_person, "occurred_at"))
    by_client = changelog.access_log_entries(changelog.Filters(client_ids=[many_links.client.pk]))
    assert_index_backed(plan(by_client, "occurred_at"))
