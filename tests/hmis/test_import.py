"""The HMIS CSV import: what comes in, matching and idempotence, updates, duplicates, dry runs,
the chosen projects, and the counts."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from clients.models import Client, DuplicatePair
from enrollments.models import (
    Assessment,
    DisabilityAnswer,
    DomesticViolenceAnswer,
    Enrollment,
    Project,
)
from hmis.importer import COMMAND, DUPLICATE_REASON
from hmis.models import SourceKey
from housingfirst.audit_log import chain
from placements.models import Placement
from tests.factories import ClientFactory, UserFactory
from tests.hmis import zips
from tests.hmis.importing import counts_add_up, good_files, history_rows, run

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_import_day")]


def test_a_small_export_comes_in_whole(tmp_path):
    admin = UserFactory(username="importer", is_superuser=True)
    report = run(tmp_path, by=admin)
    assert report.refused is None and report.ok, report.skips
    assert counts_add_up(report)
    rosa = Client.objects.get(first_name="Rosa")
    assert (rosa.last_name, rosa.ssn, rosa.date_of_birth) == (
        "Parker",
        "123456789",
        date(1980, 4, 1),
    )
    assert rosa.case_manager is None and rosa.status == Client.Status.EXITED
    enrollment = Enrollment.objects.get(client=rosa)
    assert (enrollment.entry_date, enrollment.exit_date, enrollment.destination) == (
        date(2025, 1, 1),
        date(2025, 6, 30),
        410,
    )
    lily = Enrollment.objects.get(client__first_name="Lily")
    assert lily.household_id == enrollment.household_id and lily.relationship_to_head == 2
    placement = Placement.objects.get(client=rosa)
    assert (placement.move_in_date, placement.exit_date, placement.exit_destination) == (
        date(2025, 2, 1),
        date(2025, 6, 30),
        410,
    )
    assessment = Assessment.objects.get(enrollment=enrollment)
    assert (assessment.stage, assessment.income_from_any_source) == (1, 0)
    assert DisabilityAnswer.objects.get(assessment=assessment).disability_type == 5
    assert DomesticViolenceAnswer.objects.get(assessment=assessment).survivor == 0
    assert Project.objects.get().name == "Parker Street PSH"
    files = report.files
    assert files["Client.csv"].imported == 2 and files["Enrollment.csv"].imported == 2
    assert files["Exit.csv"].imported == 1 and files["IncomeBenefits.csv"].imported == 1
    # History: the importer (and the person) with the export named, for every imported row.
    history = Client.history.filter(id=rosa.pk).get()
    assert history.history_actor == COMMAND and history.history_user == admin
    assert history.history_change_reason == f"Imported from HMIS export {zips.EXPORT_ID}"
    assert Enrollment.history.filter(history_change_reason__startswith="Imported").count() == 2
    # Rows written in bulk at a batch's end (answers) name the same, and are sealed.
    for model in (Assessment, DisabilityAnswer, DomesticViolenceAnswer, Placement):
        row = model.history.get()
        assert (row.history_actor, row.history_user, row.history_change_reason) == (
            COMMAND,
            admin,
            f"Imported from HMIS export {zips.EXPORT_ID}",
        ), model
    assert chain.verify_history_chain().ok


def test_authors_become_inactive_accounts_that_cannot_sign_in(tmp_path):
    report = run(tmp_path)
    key = SourceKey.objects.get(file="Client", source_id="C1")
    author = key.author
    assert (author.first_name, author.last_name) == ("Dana", "Writer")
    assert not author.is_active and not author.has_usable_password()
    assert not author.groups.exists() and not author.is_staff
    assert report.files["User.csv"].imported == 1


def test_the_same_file_twice_changes_nothing_the_second_time(tmp_path):
    run(tmp_path)
    before = history_rows()
    report = run(tmp_path)
    assert history_rows() == before
    for name, counts in report.files.items():
        assert counts.imported == counts.updated == 0, name
        assert counts.unchanged == counts.read - counts.skipped, name
    assert report.files["Client.csv"].unchanged == 2
    assert Client.objects.count() == 2 and Placement.objects.count() == 1


def test_a_later_export_updates_what_changed_and_history_says_so(tmp_path):
    run(tmp_path)
    files = good_files()
    files["Export"][0]["ExportID"] = "EXPORT2"
    for rows in files.values():
        for row in rows:
            if "ExportID" in row:
                row["ExportID"] = "EXPORT2"
    files["Client"][0]["LastName"] = "Parker-Jones"
    files["Exit"][0]["Destination"] = "411"
    report = run(tmp_path, files, name="later.zip")
    assert report.files["Client.csv"].updated == 1 and report.files["Client.csv"].unchanged == 1
    assert report.files["Exit.csv"].updated == 1
    assert report.files["Enrollment.csv"].unchanged == 2
    rosa = Client.objects.get(first_name="Rosa")
    assert rosa.last_name == "Parker-Jones"
    latest = rosa.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Imported from HMIS export EXPORT2"
    assert rosa.history.filter(last_name="Parker").count() == 1
    assert Enrollment.objects.get(client=rosa).destination == 411


def test_a_possible_duplicate_waits_for_a_decision(tmp_path):
    existing = ClientFactory(first_name="Rosa", last_name="Parker", date_of_birth=date(1980, 4, 1))
    report = run(tmp_path)
    assert [(d.personal_id, d.existing_client_id) for d in report.duplicates] == [
        ("C1", existing.pk)
    ]
    assert any(s.reason == DUPLICATE_REASON and s.value == "C1" for s in report.skips)
    # Rosa's enrollment and its dependants wait with her; her child comes in.
    assert report.files["Client.csv"].skipped == 1 and report.files["Client.csv"].imported == 1
    assert report.files["Exit.csv"].skipped == 1
    assert Client.objects.filter(first_name="Rosa").count() == 1
    assert counts_add_up(report)


def test_same_person_links_to_the_existing_client(tmp_path):
    existing = ClientFactory(first_name="Rosa", last_name="Parker", date_of_birth=date(1980, 4, 1))
    report = run(tmp_path, decisions={"C1": f"same:{existing.pk}"})
    assert report.duplicates == []
    assert Client.objects.filter(first_name="Rosa").count() == 1
    key = SourceKey.objects.get(file="Client", source_id="C1")
    assert key.object_id == existing.pk and key.linked
    assert Enrollment.objects.filter(client=existing).count() == 1
    existing.refresh_from_db()
    assert existing.ssn == "123456789"  # an empty value filled; nothing else overwritten
    again = run(tmp_path)
    assert again.files["Client.csv"].unchanged == 2


def test_different_people_creates_a_new_client(tmp_path):
    ClientFactory(first_name="Rosa", last_name="Parker", date_of_birth=date(1980, 4, 1))
    report = run(tmp_path, decisions={"C1": "different"})
    assert report.files["Client.csv"].imported == 2
    assert Client.objects.filter(first_name="Rosa").count() == 2
    assert DuplicatePair.objects.filter(dismissed_at__isnull=False).count() == 1


def test_a_dry_run_writes_nothing_and_reports_what_would_happen(tmp_path):
    before = (history_rows(), Client.objects.count(), SourceKey.objects.count())
    report = run(tmp_path, dry_run=True)
    assert report.dry_run and report.files["Client.csv"].imported == 2
    assert (history_rows(), Client.objects.count(), SourceKey.objects.count()) == before
    assert not get_user_model().objects.filter(username__startswith="hmis.").exists()


def test_only_the_chosen_projects_come_in(tmp_path):
    files = good_files()
    files["Project"].append(
        zips.row("Project", ProjectID="P2", ProjectName="Shelter", ProjectType="1")
    )
    files["ProjectCoC"].append(zips.row("ProjectCoC", ProjectCoCID="PC2", ProjectID="P2"))
    files["Client"].append(zips.row("Client", PersonalID="C3", FirstName="Sam", LastName="Shelter"))
    files["Enrollment"].append(
        zips.row(
            "Enrollment", EnrollmentID="E3", PersonalID="C3", ProjectID="P2", HouseholdID="HH3"
        )
    )
    report = run(tmp_path, files)
    assert not Client.objects.filter(first_name="Sam").exists()
    assert report.files["Enrollment.csv"].outside == 1 and report.files["Client.csv"].outside == 1
    assert report.ok and counts_add_up(report)
    chosen = run(tmp_path, files, name="p2.zip", project_ids=["P2"])
    assert Client.objects.filter(first_name="Sam").exists()
    assert chosen.files["Enrollment.csv"].outside == 2
    assert Project.objects.filter(name="Shelter").exists()


def test_imported_clients_join_the_intake_queue_without_enrolling_twice(tmp_path, program):
    report = run(tmp_path, team=program.team)
    assert report.ok
    rosa = Client.objects.get(first_name="Rosa", last_name="Parker", ssn="123456789")
    assert rosa.team == program.team and rosa.case_manager is None
    assert Enrollment.objects.filter(client=rosa).count() == 1
