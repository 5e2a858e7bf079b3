"""The import's batches: many clients per transaction, history and keys written in bulk at a
batch's end; a batch the database refuses runs again client by client, so only the refused
record is skipped; a dry run never touches the audit chain."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clients.models import Client
from enrollments.models import DisabilityAnswer
from hmis import importer
from hmis.models import SourceKey
from housingfirst.audit_log import chain
from housingfirst.models import AuditChainHead
from tests.hmis.importing import counts_add_up, good_files, history_rows, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_import_day")]


def test_a_batch_the_database_refuses_runs_again_and_skips_only_the_refused_record(tmp_path):
    files = good_files()
    second = dict(files["Disabilities"][0], DisabilitiesID="D-again")
    files["Disabilities"].append(second)  # the same type twice at one assessment
    report = run(tmp_path, files)
    skip = next(s for s in report.skips if s.file == "Disabilities.csv")
    assert skip.reason == "a second answer for this disability type at this assessment"
    assert report.files["Disabilities.csv"].imported == 1
    assert report.files["Client.csv"].imported == 2 and Client.objects.count() == 2
    assert DisabilityAnswer.objects.count() == 1 and counts_add_up(report)
    # Every record written has its history, sealed; no key names a rolled-back record.
    assert all(key.content_type.get_object_for_this_type(pk=key.object_id)
               for key in SourceKey.objects.exclude(file="User"))  # fmt: skip
    assert chain.verify_history_chain().ok


def test_clients_in_several_batches_come_in_whole_and_again_unchanged(tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_CLIENTS", 1)
    progress = []
    report = run(tmp_path, progress=lambda done, total: progress.append((done, total)))
    assert report.ok and report.files["Client.csv"].imported == 2
    assert (1, 2) in progress
    assert chain.verify_history_chain().ok
    before = history_rows()
    again = run(tmp_path)
    assert history_rows() == before
    assert again.files["Client.csv"].unchanged == 2


def test_a_re_import_fetches_each_batch_s_records_together(tmp_path):
    files = good_files()
    run(tmp_path, files)
    with CaptureQueriesContext(connection) as two_clients:
        run(tmp_path, files)
    bigger = good_files()
    for n in range(3, 8):  # five more clients, each with their enrollment
        bigger["Client"].append(
            dict(
                bigger["Client"][1],
                PersonalID=f"C{n}",
                FirstName=f"Kim{n}",
                LastName=f"Other{n}",
                DOB=f"200{n}-0{n}-1{n}",
            )  # fmt: skip
        )
        bigger["Enrollment"].append(
            dict(
                bigger["Enrollment"][1],
                EnrollmentID=f"E{n}",
                PersonalID=f"C{n}",
                HouseholdID=f"HH{n}",
                RelationshipToHoH="1",
            )  # fmt: skip
        )
    run(tmp_path, bigger, name="bigger.zip")
    with CaptureQueriesContext(connection) as seven_clients:
        report = run(tmp_path, bigger, name="bigger.zip")
    assert report.files["Client.csv"].unchanged == 7, report.skips
    # Reads don't grow with the records (each enrollment still has its savepoint).
    assert reads(seven_clients) == reads(two_clients)


def reads(queries) -> int:
    return sum(q["sql"].startswith("SELECT") for q in queries.captured_queries)


def test_a_dry_run_never_locks_the_audit_chain(tmp_path):
    with CaptureQueriesContext(connection) as queries:
        report = run(tmp_path, dry_run=True)
    assert report.files["Client.csv"].imported == 2
    chain_head = AuditChainHead._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if chain_head in q["sql"]]
