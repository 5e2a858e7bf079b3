"""/hmis/import/ with the real import core (hmis.importer) on a small zip the test builds: the
dry run writes nothing and finds the possible duplicate, the import writes the clients as the
administrator with the reason, links the one they called "same person", and deletes the upload.
"""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clients.models import Client
from hmis import import_jobs
from hmis.models import HmisImport, SourceKey
from tests.factories import TeamFactory, client_of

from .importing import good_files
from .zips import EXPORT_ID, minimal_files, zip_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return date(2026, 1, 15)  # after every date of the minimal zip (its exit among them)


def test_the_page_dry_runs_then_imports_with_the_administrators_choice(
    program, login, queued, clock
):
    files = minimal_files()
    person = files["Client"][0]
    person.update(FirstName="Marisol", LastName="Quintana", DOB="1980-04-01")
    child = {**person, "PersonalID": "C2", "FirstName": "Lucia", "DOB": "2015-05-05", "Sex": "0"}
    files["Client"][1] = child
    files["Project"][0]["OperatingStartDate"] = "2020-01-01"
    already = client_of(
        program.case_manager,
        first_name="Marisol",
        last_name="Quintana",
        date_of_birth=date(1980, 4, 1),
    )
    clients_before = Client.objects.count()
    browser = login(program.admin)
    zip_file = SimpleUploadedFile("coc.zip", zip_of(files).getvalue())
    form = {"file": zip_file, "project_ids": "P1", "team": program.other_team.pk}
    assert browser.post("/hmis/import/", form).status_code == 302
    queued.run()
    row = HmisImport.objects.get()
    assert row.status == HmisImport.Status.DRY_RUN_DONE, (row.error, row.dry_run_report)
    assert Client.objects.count() == clients_before and not SourceKey.objects.exists()
    report = row.dry_run_report
    assert report["export_id"] == EXPORT_ID and report["validation"]["checked"]
    clients = next(file for file in report["files"] if file["name"] == "Client.csv")
    assert clients["read"] == 2
    [duplicate] = report["duplicates"]
    assert duplicate["personal_id"] == "C1" and duplicate["existing_client_id"] == already.pk

    page = browser.get(reverse("hmis:import_detail", args=[row.pk])).content.decode()
    assert "Marisol Quintana, born 1980-04-01 (PersonalID C1 in the file)" in page
    response = browser.post(reverse("hmis:import_detail", args=[row.pk]), {"pair_0": "same"})
    assert response.status_code == 302
    queued.run()

    row.refresh_from_db()
    assert row.status == HmisImport.Status.DONE, (row.error, row.report)
    assert row.decisions == {"C1": f"same:{already.pk}"}
    assert not row.path.exists() and row.file_deleted_at is not None
    # (Records the importer skips, the minimal zip's exit after this test's day among them,
    # are its own tests' business; the clients come in.)
    assert Client.objects.count() == clients_before + 1  # C2 is new; C1 is the client here
    linked = SourceKey.objects.get(file="Client", source_id="C1")
    assert linked.object_id == already.pk
    new = Client.objects.get(pk=SourceKey.objects.get(file="Client", source_id="C2").object_id)
    # The new client waits in the chosen team's intake queue; "same person" keeps their team.
    assert new.team == program.other_team and new.case_manager is None
    already.refresh_from_db()
    assert already.team == program.team
    created = new.history.earliest()
    assert created.history_user == program.admin
    assert created.history_actor == import_jobs.RUN_JOB
    assert created.history_change_reason == f"Imported from HMIS export {EXPORT_ID}"
    page = browser.get(reverse("hmis:import_detail", args=[row.pk])).content.decode()
    assert "What was imported" in page
    assert "New clients joined the intake queue of team Team B" in page


def test_a_hashed_export_is_refused_by_the_real_importer_and_nothing_is_written(
    program, login, queued, clock
):
    files = minimal_files()
    files["Export"][0]["HashStatus"] = "4"
    before = Client.objects.count()
    zip_file = SimpleUploadedFile("hashed.zip", zip_of(files).getvalue())
    login(program.admin).post("/hmis/import/", {"file": zip_file, "team": program.team.pk})
    queued.run()
    row = HmisImport.objects.get()
    assert row.status == HmisImport.Status.REFUSED and "hash" in row.error.lower()
    assert Client.objects.count() == before and not row.path.exists()


def test_clients_imported_after_their_team_was_deleted_join_no_team(program, login, queued, clock):
    """The team chosen at the upload is deleted before the import: the import still runs, the
    new clients join no team, and the page says so."""
    doomed = TeamFactory(name="Team Gone")
    browser = login(program.admin)
    zip_file = SimpleUploadedFile("coc.zip", zip_of(good_files()).getvalue())
    browser.post("/hmis/import/", {"file": zip_file, "project_ids": "P1", "team": doomed.pk})
    queued.run()
    row = HmisImport.objects.get()
    assert row.status == HmisImport.Status.DRY_RUN_DONE, (row.error, row.dry_run_report)
    assert row.dry_run_report["team"] == "Team Gone"

    doomed.delete()
    page = browser.get(reverse("hmis:import_detail", args=[row.pk])).content.decode()
    assert "The team Team Gone, chosen at the upload, was deleted since" in page
    assert browser.post(reverse("hmis:import_detail", args=[row.pk]), {}).status_code == 302
    queued.run()

    row.refresh_from_db()
    assert row.status == HmisImport.Status.DONE, (row.error, row.report)
    assert row.team is None and row.team_name == "Team Gone" and row.report["team"] is None
    imported = SourceKey.objects.filter(file="Client").values_list("object_id", flat=True)
    new_clients = Client.objects.filter(pk__in=imported)
    assert len(new_clients) == 2 and all(client.team is None for client in new_clients)
    page = browser.get(reverse("hmis:import_detail", args=[row.pk])).content.decode()
    assert "team Team Gone (deleted since)" in page
    assert "New clients joined no team: only administrators see them" in page
