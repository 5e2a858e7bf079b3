"""What the HMIS CSV export writes: HUD's files and headers, formats, ASCII, hashing, which
records a period and a scope hold, and each row's dates and author from history."""

import csv
import hashlib
import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

import pytest

from hmis import spec
from hmis.export import ExportOptions, hashed_name, soundex, write_export
from housingfirst.audit import acting_person
from placements.models import Placement
from tests.clock import at
from tests.factories import ClientFactory, UserFactory, make_assessment, make_enrollment

pytestmark = pytest.mark.django_db

START, END = date(2025, 1, 1), date(2025, 12, 31)


def export(**options) -> dict[str, list[dict]]:
    """Run the export into memory; every file's rows as dicts (header checked separately)."""
    options.setdefault("start", START if "changed_since" not in options else None)
    options.setdefault("end", END if "changed_since" not in options else None)
    buffer = io.BytesIO()
    write_export(ExportOptions(**options), buffer)
    return read_zip(buffer)


def read_zip(buffer) -> dict[str, list[dict]]:
    with zipfile.ZipFile(buffer) as archive:
        return {
            name.removesuffix(".csv"): list(
                csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="ascii"))
            )
            for name in archive.namelist()
        }


def enrolled(entry=date(2025, 2, 1), **client_fields):
    client = ClientFactory(**client_fields)
    return client, make_enrollment(client, entry_date=entry)


def test_every_file_has_hud_fy2026_header_and_nothing_else(clock):
    enrolled()
    buffer = io.BytesIO()
    write_export(ExportOptions(start=START, end=END), buffer)
    with zipfile.ZipFile(buffer) as archive:
        assert sorted(archive.namelist()) == sorted(spec.file_names())
        for name in spec.FILES:
            first_line = archive.open(f"{name}.csv").readline().decode("ascii").rstrip("\r\n")
            assert first_line.split(",") == spec.header(name), name
    assert len(spec.FILES) == 24


def test_export_row_names_fy2026_the_source_and_the_choices(clock):
    enrolled()
    files = export()
    (row,) = files["Export"]
    assert row["CSVVersion"] == "2026 v1.0"
    assert row["SourceType"] == "2"
    assert row["SourceName"]
    assert (row["ExportStartDate"], row["ExportEndDate"]) == ("2025-01-01", "2025-12-31")
    assert (row["ExportPeriodType"], row["ExportDirective"], row["HashStatus"]) == ("3", "2", "1")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row["ExportDate"])
    # Every row of every file carries the export's id.
    assert {r["ExportID"] for rows in files.values() for r in rows} == {row["ExportID"]}


def test_values_are_written_in_hud_formats(clock):
    client, enrollment = enrolled(date_of_birth=date(1970, 3, 9))
    make_assessment(
        enrollment, stage=1, income_from_any_source=1, ssi=True, ssi_amount=Decimal("943"),
        total_monthly_income=Decimal("943"),
    )  # fmt: skip
    files = export()
    (person,) = files["Client"]
    assert person["DOB"] == "1970-03-09"
    (income,) = files["IncomeBenefits"]
    assert (income["SSI"], income["SSIAmount"], income["TotalMonthlyIncome"]) == (
        "1",
        "943.00",
        "943.00",
    )
    # A source not received is 0 with no amount; a question not asked stays empty.
    assert (income["Earned"], income["EarnedAmount"]) == ("0", "")
    assert income["NoMedicaidReason"] == ""
    assert income["DataCollectionStage"] == "1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", income["DateCreated"])


def test_names_are_transliterated_to_ascii_and_never_dropped(clock):
    enrolled(first_name="José", last_name="Łukasz-Straße Ñúñez", middle_name="Zoë")
    buffer = io.BytesIO()
    write_export(ExportOptions(start=START, end=END), buffer)
    with zipfile.ZipFile(buffer) as archive:
        for name in archive.namelist():
            archive.read(name).decode("ascii")  # raises on any non-ASCII byte
    (person,) = read_zip(buffer)["Client"]
    assert (person["FirstName"], person["MiddleName"], person["LastName"]) == (
        "Jose",
        "Zoe",
        "Lukasz-Strasse Nunez",
    )


def test_partial_ssn_is_nine_characters_with_x_for_unknown_digits(clock):
    enrolled(ssn="1234", ssn_data_quality=2)
    (person,) = export()["Client"]
    assert (person["SSN"], person["SSNDataQuality"]) == ("xxxxx1234", "2")


def test_hashed_export_hides_names_and_ssn(clock):
    enrolled(
        first_name="Robert", last_name="Rupert", name_suffix="Jr.", ssn="123456789",
        ssn_data_quality=1,
    )  # fmt: skip
    files = export(hashed=True)
    (person,) = files["Client"]
    assert files["Export"][0]["HashStatus"] == "4"
    assert soundex("Robert") == soundex("Rupert") == "R163"
    assert person["FirstName"] == hashlib.sha256(b"R163").hexdigest() == hashed_name("Robert")
    assert person["LastName"] == person["FirstName"]  # sounds alike, hashes alike
    assert person["NameSuffix"] == "Jr."  # not a name: HUD's hashing leaves it
    assert person["SSN"] == "6789" + hashlib.sha256(b"123456789").hexdigest()
    assert "Robert" not in str(files) and "123456789" not in str(files)


def test_reporting_period_holds_the_enrollments_open_during_it(clock):
    _, before = enrolled(entry=date(2024, 1, 1))
    before.exit_date, before.destination = date(2024, 12, 31), 410
    before.save()
    _, overlapping = enrolled(entry=date(2024, 6, 1))
    overlapping.exit_date, overlapping.destination = date(2025, 3, 1), 410
    overlapping.save()
    _, after = enrolled(entry=date(2026, 1, 2))
    _, exits_later = enrolled(entry=date(2025, 6, 1))
    exits_later.exit_date, exits_later.destination = date(2026, 2, 1), 410
    exits_later.save()
    files = export()
    ids = {row["EnrollmentID"] for row in files["Enrollment"]}
    assert ids == {str(overlapping.pk), str(exits_later.pk)}
    # An exit after the period's end is not reported in it.
    assert [row["EnrollmentID"] for row in files["Exit"]] == [str(overlapping.pk)]
    assert {row["PersonalID"] for row in files["Client"]} == {
        str(overlapping.client_id),
        str(exits_later.client_id),
    }


def test_scope_limits_the_export_to_the_given_clients(clock):
    mine, _ = enrolled()
    enrolled()
    files = export(client_ids=[mine.pk])
    assert [row["PersonalID"] for row in files["Client"]] == [str(mine.pk)]
    assert {row["PersonalID"] for row in files["Enrollment"]} == {str(mine.pk)}


def test_project_choice_limits_the_export(clock):
    _, one = enrolled()
    other_client = ClientFactory()
    from tests.factories import make_project

    other = make_enrollment(other_client, entry_date=date(2025, 2, 1), project=make_project())
    files = export(project_id=other.project_id)
    assert [row["ProjectID"] for row in files["Project"]] == [str(other.project_id)]
    assert [row["EnrollmentID"] for row in files["Enrollment"]] == [str(other.pk)]
    assert one.pk != other.pk


def test_date_updated_and_user_come_from_the_records_history(clock):
    client, _ = enrolled()
    editor = UserFactory(first_name="Dana", last_name="Reyes")
    clock.move_to(at(date(2025, 4, 2), hour=14, minute=5))
    with acting_person(editor):
        client.phone = "555-0100"
        client.save()
    clock.move_to(at(date(2025, 6, 1)))
    files = export()
    (person,) = files["Client"]
    assert person["DateUpdated"] == "2025-04-02 14:05:00"
    assert person["DateCreated"] < person["DateUpdated"]
    assert person["UserID"] == str(editor.pk)
    users = {row["UserID"]: row for row in files["User"]}
    assert users[str(editor.pk)]["UserLastName"] == "Reyes"


def test_every_reference_points_at_a_row_that_exists(clock):
    client, enrollment = enrolled()
    make_assessment(enrollment, stage=1, income_from_any_source=0)
    files = export()
    people = {row["PersonalID"] for row in files["Client"]}
    users = {row["UserID"] for row in files["User"]}
    projects = {row["ProjectID"] for row in files["Project"]}
    enrollments = {row["EnrollmentID"] for row in files["Enrollment"]}
    for name, rows in files.items():
        for row in rows:
            assert row.get("PersonalID", next(iter(people))) in people, name
            assert row.get("UserID", next(iter(users))) in users, name
            assert row.get("ProjectID", next(iter(projects))) in projects, name
            if name != "Enrollment":
                assert row.get("EnrollmentID", next(iter(enrollments))) in enrollments, name


def test_records_deleted_inside_the_period_are_exported_with_date_deleted(clock):
    _, enrollment = enrolled()
    kept = make_assessment(enrollment, stage=1, income_from_any_source=0)
    gone = make_assessment(enrollment, stage=2, information_date=date(2025, 3, 1))
    gone_id = gone.pk
    clock.move_to(at(date(2025, 5, 5), hour=9))
    gone.delete()
    rows = {row["IncomeBenefitsID"]: row for row in export()["IncomeBenefits"]}
    assert rows[str(kept.pk)]["DateDeleted"] == ""
    assert rows[str(gone_id)]["DateDeleted"] == "2025-05-05 09:00:00"
    # Deleted after the period: not reported as deleted in it.
    assert str(gone_id) not in {r["IncomeBenefitsID"] for r in export(end=date(2025, 4, 30))[
        "IncomeBenefits"]}  # fmt: skip


def test_move_in_before_the_project_start_is_reported_as_the_start(clock):
    client, enrollment = enrolled(entry=date(2025, 3, 1))
    Placement.objects.create(
        client=client, address="1 Elm St", lease_start=date(2025, 1, 1),
        move_in_date=date(2025, 1, 10),
    )  # fmt: skip
    (row,) = export()["Enrollment"]
    assert row["MoveInDate"] == "2025-03-01"


def test_changed_since_holds_only_what_changed_and_says_so(clock):
    old, _ = enrolled()
    clock.move_to(at(date(2025, 7, 1)))
    new, _ = enrolled(entry=date(2025, 6, 20))
    since = at(date(2025, 6, 30))
    files = export(changed_since=since)
    assert [row["PersonalID"] for row in files["Client"]] == [str(new.pk)]
    export_row = files["Export"][0]
    assert (export_row["ExportPeriodType"], export_row["ExportDirective"]) == ("1", "1")
    assert export_row["ExportStartDate"] == "2025-06-30"
    assert isinstance(since, datetime) and old.pk != new.pk


def test_options_refuse_a_period_that_ends_before_it_starts():
    with pytest.raises(ValueError):
        ExportOptions(start=END, end=START)
    with pytest.raises(ValueError):
        ExportOptions()
