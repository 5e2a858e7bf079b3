"""Zips the import refuses, with a clear message and nothing written; and each skip reason."""

import zipfile

import pytest

from clients.models import Client
from enrollments.models import Assessment, Enrollment
from hmis.importer import import_zip, refusal
from tests.hmis import zips
from tests.hmis.importing import counts_add_up, good_files, history_rows, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_import_day")]


def _refused(tmp_path, files=None, **options) -> str:
    path = tmp_path / "refused.zip"
    zips.write_zip(path, good_files() if files is None else files, **options)
    before = history_rows()
    report = import_zip(path)
    assert history_rows() == before and not Client.objects.exists()
    assert report.refused == refusal(path)
    return report.refused


def test_not_a_zip(tmp_path):
    path = tmp_path / "notes.zip"
    path.write_text("hello")
    assert import_zip(path).refused == "This is not a zip file."


def test_not_fy2026(tmp_path):
    files = good_files()
    files["Export"][0]["CSVVersion"] = "2024 v1.0"
    assert "not FY2026" in _refused(tmp_path, files)


def test_hashed(tmp_path):
    files = good_files()
    files["Export"][0]["HashStatus"] = "4"
    assert "hashed (HashStatus 4)" in _refused(tmp_path, files)


@pytest.mark.parametrize("missing", ["Client", "Enrollment"])
def test_missing_client_or_enrollment_file(tmp_path, missing):
    assert _refused(tmp_path, omit=(missing,)) == f"{missing}.csv is missing from the zip."


def test_over_the_size_limit(tmp_path, settings):
    settings.HMIS_IMPORT_MAX_BYTES = 100
    assert "over the limit of 100 bytes" in _refused(tmp_path)


@pytest.mark.parametrize("entry", ["../evil.csv", "/etc/evil.csv", "a/../../evil.csv"])
def test_a_path_outside_the_zip(tmp_path, entry):
    assert "a path outside itself" in _refused(tmp_path, raw={entry: b"x"})


@pytest.mark.parametrize("entry", ["more.zip", "Client.csv.gz"])
def test_a_nested_archive(tmp_path, entry):
    assert "another archive" in _refused(tmp_path, raw={entry: b"x"})


def test_a_bad_value_skips_the_client_with_everything_under_them(tmp_path):
    files = good_files()
    files["Client"][0]["DOB"] = "1980-02-30"
    report = run(tmp_path, files)
    skip = next(s for s in report.skips if s.file == "Client.csv")
    assert (skip.line, skip.column, skip.value) == (2, "DOB", "1980-02-30")
    assert "not a date" in skip.reason
    dependants = {s.file for s in report.skips if "its client (PersonalID C1)" in s.reason}
    assert dependants == {"Enrollment.csv"}
    assert {s.file for s in report.skips if "its enrollment (EnrollmentID E1)" in s.reason} == {
        "Exit.csv",
        "IncomeBenefits.csv",
        "Disabilities.csv",
        "HealthAndDV.csv",
    }
    assert not Client.objects.filter(first_name="Rosa").exists()
    assert Client.objects.filter(first_name="Lily").exists()
    assert counts_add_up(report)
    assert len(report.skips) == sum(c.skipped - c.outside for c in report.files.values())


def test_a_broken_reference_is_skipped(tmp_path):
    files = good_files()
    files["Enrollment"][1]["PersonalID"] = "C9"
    files["Disabilities"][0]["EnrollmentID"] = "E9"
    report = run(tmp_path, files)
    reasons = {(s.file, s.reason) for s in report.skips}
    assert ("Enrollment.csv", "refers to a client not in Client.csv") in reasons
    assert ("Disabilities.csv", "refers to an enrollment not in Enrollment.csv") in reasons
    assert counts_add_up(report)


def test_a_model_rule_skips_the_record_and_its_answers(tmp_path):
    files = good_files()
    files["IncomeBenefits"][0]["InformationDate"] = "2025-01-05"  # entry stage, not entry day
    report = run(tmp_path, files)
    skip = next(s for s in report.skips if s.file == "IncomeBenefits.csv")
    assert skip.column == "InformationDate"
    assert "dated on the project start date" in skip.reason
    assert not Assessment.objects.exists()
    assert Enrollment.objects.count() == 2  # the enrollment itself came in
    assert {s.file for s in report.skips} == {
        "IncomeBenefits.csv",
        "Disabilities.csv",
        "HealthAndDV.csv",
    }


def test_a_move_in_after_the_exit_is_a_bad_value(tmp_path):
    files = good_files()
    files["Enrollment"][0]["MoveInDate"] = "2025-07-01"
    report = run(tmp_path, files)
    skip = next(s for s in report.skips if s.file == "Enrollment.csv")
    assert (skip.column, skip.value) == ("MoveInDate", "2025-07-01")
    assert not Enrollment.objects.filter(client__first_name="Rosa").exists()


def test_a_database_conflict_skips_the_record(tmp_path):
    files = good_files()
    files["Enrollment"][1]["RelationshipToHoH"] = "1"  # two heads in HH1
    report = run(tmp_path, files)
    assert any(s.reason == "the household already has a head of household" for s in report.skips), (
        report.skips
    )
    assert counts_add_up(report)


def test_zip_layout_with_a_folder_is_still_read(tmp_path):
    path = tmp_path / "folder.zip"
    zips.write_zip(path, good_files(), folder="export/")
    assert zipfile.is_zipfile(path)
    report = import_zip(path)
    assert report.refused is None and report.files["Client.csv"].imported == 2


def test_a_client_deleted_in_the_source_is_not_imported_nor_anything_under_them(tmp_path):
    files = good_files()
    files["Client"][1]["DateDeleted"] = "2025-03-01 10:00:00"  # Lily
    report = run(tmp_path, files)
    skip = next(s for s in report.skips if s.file == "Client.csv")
    assert (skip.column, skip.value) == ("DateDeleted", "2025-03-01 10:00:00")
    assert skip.reason == "deleted in the source HMIS: not imported"
    assert any(s.file == "Enrollment.csv" and "deleted in the source" in s.reason
               for s in report.skips)  # fmt: skip
    assert list(Client.objects.values_list("first_name", flat=True)) == ["Rosa"]
    assert counts_add_up(report)


def test_a_deleted_answer_or_enrollment_is_skipped_with_what_depends_on_it(tmp_path):
    files = good_files()
    files["HealthAndDV"][0]["DateDeleted"] = "2025-03-01 10:00:00"
    report = run(tmp_path, files)
    assert report.files["HealthAndDV.csv"].skipped == 1
    assert report.files["Disabilities.csv"].imported == 1
    files["Enrollment"][0]["DateDeleted"] = "2025-03-02 10:00:00"
    report = run(tmp_path, files, name="later.zip")
    reasons = {s.file: s.reason for s in report.skips}
    assert reasons["Disabilities.csv"] == "its enrollment was deleted in the source HMIS"
    # Imported before: it stays here, and the report asks for a review.
    assert "stays here" in reasons["Enrollment.csv"] and "review" in reasons["Enrollment.csv"]
    assert Enrollment.objects.filter(client__first_name="Rosa").exists()
    assert counts_add_up(report)
