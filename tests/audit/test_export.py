"""CSV evidence exports: the filtered log, streamed, and written to the access log."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.test import RequestFactory

from housingfirst.access_log import log_access
from housingfirst.models import AccessLogEntry

from .conftest import acting_user

pytestmark = pytest.mark.django_db


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_change_log_export_is_the_filtered_log_and_is_logged(program, auditor_browser, settings):
    settings.AUDIT_EXPORT_CHUNK_SIZE = 3  # several round trips
    with acting_user(program.teammate):
        for goal in ["Find work", "Find work near the bus line"]:
            program.client.goals = goal
            program.client.save()
    response = auditor_browser.get(
        "/audit/export/", {"person": program.teammate.pk, "record_type": "clients.client"}
    )
    rows = read_csv(response)
    assert rows[0][:4] == ["When", "Who", "Change", "Record type"]
    assert [row[2] for row in rows[1:]] == ["changed", "changed"]
    assert rows[1][4] == "Rosa Parker" and rows[1][6] == "Rosa Parker"
    assert "The client's own goals: Find work → Find work near the bus line" in rows[1][9]
    assert all(len(row[11]) == 64 for row in rows[1:])  # each row's seal

    export = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EXPORT)
    assert export.user == program.auditor
    assert export.record_label == "Change log (CSV)"
    assert export.detail == (
        f"Filter: person={program.teammate.username}, record type=clients.client"
    )


def test_export_of_one_client_is_filed_under_that_client(program, auditor_browser):
    read_csv(auditor_browser.get("/audit/export/", {"client": str(program.client.pk)}))
    export = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EXPORT)
    assert export.client == program.client


def test_access_log_export_lists_entries_and_is_logged_itself(program, auditor_browser):
    request = RequestFactory().get("/clients/1/", REMOTE_ADDR="10.1.2.3")
    request.user = program.supervisor
    log_access(request, program.client, client=program.client, detail='=HYPERLINK("x")')
    rows = read_csv(auditor_browser.get("/audit/access/export/", {"action": "view"}))
    assert len(rows) == 2
    assert rows[1][2] == program.supervisor.username and rows[1][9] == "10.1.2.3"
    assert rows[1][11] == '\'=HYPERLINK("x")'  # kept as text, never run as a formula
    export = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EXPORT)
    assert export.record_label == "Access log (CSV)" and export.detail == "Filter: kind=view"


def test_export_with_an_invalid_filter_exports_nothing(program, auditor_browser):
    response = auditor_browser.get("/audit/export/", {"date_from": "not a date"})
    assert response.status_code == 400
    assert not AccessLogEntry.objects.exists()


def test_export_reads_the_log_while_streaming(program, auditor_browser, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.AUDIT_EXPORT_CHUNK_SIZE = 5
    with acting_user(program.supervisor):
        for n in range(12):
            program.client.goals = f"goal {n}"
            program.client.save()
    response = auditor_browser.get("/audit/export/", {"record_type": "clients.client"})
    with CaptureQueriesContext(connection) as queries:
        rows = read_csv(response)
    link_reads = [q for q in queries if "housingfirst_changelogentry" in q["sql"]]
    assert len(rows) > 13
    # SQLite fetches each chunk with its own query window; PostgreSQL uses one server-side
    # cursor. Either way rows arrive while the response streams, not before it starts.
    assert link_reads
