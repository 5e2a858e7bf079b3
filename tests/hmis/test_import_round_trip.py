"""Round trip: records built here, exported, imported, and exported again give the same values
in every imported column.

The originals stay in the database; the import brings a second copy under the export's source
(every client is a possible duplicate of its original, and the decisions say "different
people"), into a project of its own. Exporting that project for the same period gives the second
zip. Columns where a difference is allowed:

- every record's own id and the ids it refers to (PersonalID, EnrollmentID, ProjectID,
  OrganizationID, HouseholdID, ExitID, IncomeBenefitsID, DisabilitiesID, HealthAndDVID, FunderID,
  ProjectCoCID, HMISParticipationID): ids are the receiving database's own; the source keys map
  them (checked below for clients and enrollments);
- DateCreated, DateUpdated: when the copy was written here (from its history);
- UserID and User.csv: the copy's history names the importer, not the original author (who is
  kept on the source key);
- ExportID, ExportDate (Export.csv): each export has its own.
"""

import io
from datetime import date
from decimal import Decimal

import pytest

from clients.models import Client
from hmis.export import ExportOptions, write_export
from hmis.importer import import_zip
from hmis.models import SourceKey
from placements.models import Placement
from tests.factories import (
    ClientFactory,
    UserFactory,
    make_assessment,
    make_enrollment,
    make_project,
)
from tests.hmis.test_export_content import read_zip

pytestmark = pytest.mark.django_db

START, END = date(2025, 1, 1), date(2025, 12, 31)
ALLOWED = {
    "PersonalID", "EnrollmentID", "ProjectID", "OrganizationID", "HouseholdID", "ExitID",
    "IncomeBenefitsID", "DisabilitiesID", "HealthAndDVID", "FunderID", "ProjectCoCID",
    "HMISParticipationID", "DateCreated", "DateUpdated", "UserID", "ExportID", "ExportDate",
}  # fmt: skip


@pytest.fixture
def today():
    return date(2026, 1, 15)


def _build():
    project = make_project(name="Original PSH", operating_start_date=date(2020, 1, 1))
    staff = UserFactory(first_name="Dana", last_name="Writer")
    head = ClientFactory(
        first_name="José", last_name="Núñez", date_of_birth=date(1975, 3, 9), ssn="123456789",
        ssn_data_quality=1, race_hispanic_latina_e_o=True, sex=1, veteran_status=0,
    )  # fmt: skip
    child = ClientFactory(first_name="Ana", last_name="Núñez", date_of_birth=date(2016, 8, 1))
    single = ClientFactory(first_name="Mo", last_name="Tran", date_of_birth=date(1969, 12, 31))
    first = make_enrollment(
        head, entry_date=date(2025, 2, 1), project=project, enrollment_coc="AA-999",
        living_situation=116, disabling_condition=1, exit_date=date(2025, 9, 30),
        destination=435, destination_subsidy_type=433,
    )  # fmt: skip
    make_enrollment(
        child, entry_date=date(2025, 2, 1), household=first.household, relationship=2,
        exit_date=date(2025, 9, 30), destination=435, destination_subsidy_type=433,
    )  # fmt: skip
    other = make_enrollment(single, entry_date=date(2025, 4, 10), project=project)
    Placement.objects.create(
        client=head, search_started_on=date(2025, 2, 1), move_in_date=date(2025, 3, 1),
        exit_date=date(2025, 9, 30), exit_reason="moved_permanent", exit_destination=435,
        exit_rental_subsidy_type=433,
    )  # fmt: skip
    entry = make_assessment(
        first, stage=1, recorded_by=staff, income_from_any_source=1, earned=True,
        earned_amount=Decimal("812.50"), ssi=True, ssi_amount=Decimal("100.00"),
        total_monthly_income=Decimal("912.50"), benefits_from_any_source=1, snap=True,
        insurance_from_any_source=1, medicaid=True,
    )  # fmt: skip
    entry.disabilities.create(client=head, disability_type=9, response=1, indefinite_and_impairs=1)
    entry.disabilities.create(client=head, disability_type=10, response=3, indefinite_and_impairs=0)
    entry.disabilities.create(client=head, disability_type=8, response=0)
    from enrollments.models import DomesticViolenceAnswer

    DomesticViolenceAnswer.objects.create(
        client=head, assessment=entry, survivor=1, when_occurred=4, currently_fleeing=0
    )
    make_assessment(
        first, stage=3, recorded_by=staff, income_from_any_source=0, total_monthly_income=0,
        benefits_from_any_source=99, insurance_from_any_source=8,
    )  # fmt: skip
    make_assessment(
        other, stage=1, recorded_by=staff, income_from_any_source=0, total_monthly_income=0,
        benefits_from_any_source=0, insurance_from_any_source=0,
    )  # fmt: skip
    return project


def _export(project_id) -> dict:
    buffer = io.BytesIO()
    write_export(ExportOptions(start=START, end=END, project_id=project_id), buffer)
    return buffer


def _comparable(rows: list[dict]) -> list[tuple]:
    return sorted(tuple(sorted((k, v) for k, v in row.items() if k not in ALLOWED)) for row in rows)


def test_an_export_imported_and_exported_again_keeps_every_imported_value(tmp_path, clock):
    original = _build()
    first = _export(original.pk)
    path = tmp_path / "first.zip"
    path.write_bytes(first.getvalue())
    first_files = read_zip(io.BytesIO(first.getvalue()))
    decisions = {row["PersonalID"]: "different" for row in first_files["Client"]}
    report = import_zip(path, decisions=decisions)
    assert report.ok, report.skips
    copy = SourceKey.objects.get(file="Project", source_id=str(original.pk)).object_id
    second_files = read_zip(_export(copy))

    compared = ["Organization", "Project", "Funder", "ProjectCoC", "HMISParticipation", "Client",
                "Enrollment", "Exit", "IncomeBenefits", "HealthAndDV", "Disabilities"]  # fmt: skip
    for name in compared:
        assert len(first_files[name]) == len(second_files[name]) > 0, name
        assert _comparable(first_files[name]) == _comparable(second_files[name]), name
    export_row = {k: v for k, v in first_files["Export"][0].items() if k not in ALLOWED}
    assert export_row == {k: v for k, v in second_files["Export"][0].items() if k not in ALLOWED}
    # The ids map through the source keys: each copy is its original's.
    keys = {
        (key.file, key.source_id): key.object_id
        for key in SourceKey.objects.filter(file__in=["Client", "Enrollment"])
    }
    for before, after in zip(
        sorted(first_files["Enrollment"], key=lambda r: r["EntryDate"] + r["RelationshipToHoH"]),
        sorted(second_files["Enrollment"], key=lambda r: r["EntryDate"] + r["RelationshipToHoH"]),
        strict=True,
    ):
        assert keys[("Enrollment", before["EnrollmentID"])] == int(after["EnrollmentID"])
        assert keys[("Client", before["PersonalID"])] == int(after["PersonalID"])
    assert Client.objects.count() == 6
