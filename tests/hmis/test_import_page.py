"""/hmis/import/: administrators only; the upload (refused when not a zip or too large, before
anything is stored), the dry run and its report, the choices on possible duplicates, the import
as the administrator, the upload's deletion, the sweep, the page's queries.

The import core (``hmis.importer``) is replaced by tests/hmis/fake_importer.py here: these
tests are about the page and its jobs; the importer's own tests build real zips.
"""

import os
from datetime import date, timedelta

import pytest
from django.core.checks import run_checks
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clients.models import Team
from hmis import import_jobs, jobs, tasks
from hmis.models import HmisImport
from housingfirst.models import AccessLogEntry
from tests.factories import UserFactory

from .fake_importer import DuplicateCandidate, Skip
from .zips import zip_of

pytestmark = pytest.mark.django_db

PAGE = "/hmis/import/"


def pair(program, personal_id="C1", client=None):
    client = client or program.client
    return DuplicateCandidate(
        personal_id=personal_id,
        name="Rosa Perez",
        birth_date=date(1980, 4, 1),
        existing_client_id=client.pk,
        existing_name=f"{client.first_name} {client.last_name}",
        score=92,
    )


def a_zip(name="export.zip") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, zip_of().getvalue(), content_type="application/zip")


def upload(browser, file=None, **fields):
    """Post the form; the team is the program's first (Team A) unless ``team=`` says otherwise."""
    team = Team.objects.get(name="Team A").pk
    return browser.post(PAGE, {"file": file or a_zip(), "project_ids": "", "team": team, **fields})


def uploaded(login, admin, queued, **fields) -> HmisImport:
    """The administrator uploads a zip and the dry run runs."""
    response = upload(login(admin), **fields)
    assert response.status_code == 302, response.context["form"].errors
    queued.run()
    return HmisImport.objects.latest("pk")


def detail(row) -> str:
    return reverse("hmis:import_detail", args=[row.pk])


# Who may import ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["case_manager", "supervisor", "auditor"])
def test_everyone_but_administrators_gets_403(program, login, role, queued, importer, clock):
    row = uploaded(login, program.admin, queued)
    browser = login(getattr(program, role))
    assert browser.get(PAGE).status_code == 403
    assert upload(browser).status_code == 403
    assert browser.get(detail(row)).status_code == 403
    assert browser.post(detail(row), {}).status_code == 403
    assert browser.get(reverse("hmis:import_status", args=[row.pk])).status_code == 403
    assert HmisImport.objects.count() == 1 and not queued
    assert b'href="/hmis/import/"' not in browser.get("/clients/").content


def test_signed_out_visitors_go_to_sign_in(client):
    for path in (PAGE, "/hmis/import/1/", "/hmis/import/1/status/"):
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_administrators_open_the_page_from_the_navigation(program, login):
    response = login(program.admin).get(PAGE)
    assert response.status_code == 200
    assert b'href="/hmis/import/" aria-current="page">HMIS import' in response.content
    assert b"HMIS CSV export (a .zip file)" in response.content


def test_any_administrator_sees_any_import_and_an_unknown_one_is_404(
    program, login, queued, importer, clock
):
    row = uploaded(login, program.admin, queued)
    colleague = UserFactory(username="admin2", is_staff=True, is_superuser=True)
    browser = login(colleague)
    assert browser.get(detail(row)).status_code == 200
    assert f"Import #{row.pk}" in browser.get(PAGE).content.decode()
    assert browser.get("/hmis/import/999999/").status_code == 404
    assert browser.get("/hmis/import/999999/status/").status_code == 404


def test_only_administrators_are_visible_to_in_the_queryset(program, queued, login, clock):
    upload(login(program.admin))
    assert HmisImport.objects.visible_to(program.admin).count() == 1
    for person in (program.supervisor, program.case_manager, program.auditor):
        assert not HmisImport.objects.visible_to(person).exists()


# The upload -------------------------------------------------------------------------------


def test_an_upload_is_stored_privately_and_its_dry_run_queued(
    program, login, queued, import_dir, clock
):
    response = upload(login(program.admin), project_ids="P1, P2 P1")
    row = HmisImport.objects.get()
    assert response.status_code == 302 and response.url == detail(row)
    assert row.status == HmisImport.Status.UPLOADED and row.uploaded_by == program.admin
    assert row.original_name == "export.zip" and row.project_ids == ["P1", "P2"]
    assert row.path.parent == import_dir and row.path.read_bytes() == zip_of().getvalue()
    assert row.size == row.path.stat().st_size
    assert row.path.stat().st_mode & 0o777 == 0o600
    assert import_dir.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in import_dir.iterdir()] == [row.file_name]
    assert queued == [(tasks.dry_run_hmis_import, (row.pk,))]
    assert row.history.get().history_user == program.admin


def test_a_file_that_is_not_a_zip_is_refused_on_its_field_and_nothing_is_stored(
    program, login, queued, import_dir
):
    for file in (
        SimpleUploadedFile("Client.csv", b"PersonalID,FirstName\nC1,Rosa\n"),
        SimpleUploadedFile("export.zip", b"PersonalID,FirstName\nC1,Rosa\n"),
    ):
        response = upload(login(program.admin), file=file)
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert list(errors) == ["file"] and "This is not a zip file" in errors["file"][0]
        assert 'aria-invalid="true"' in response.content.decode()
    assert not HmisImport.objects.exists() and not queued
    assert not import_dir.exists() or not any(import_dir.iterdir())


def test_no_file_and_a_bad_project_id_are_errors_on_their_fields(program, login, queued):
    response = login(program.admin).post(PAGE, {"project_ids": "P1, P 2;<script>"})
    errors = response.context["form"].errors
    assert "Choose the zip file" in errors["file"][0]
    assert "Not a ProjectID: <script>" in errors["project_ids"][0]
    assert not HmisImport.objects.exists() and not queued


def test_a_zip_over_the_limit_is_refused_before_its_body_is_read(
    program, login, queued, import_dir, settings, monkeypatch
):
    settings.HMIS_IMPORT_MAX_BYTES = 2000
    settings.MAX_UPLOAD_SIZE = 10_000_000
    read = []
    monkeypatch.setattr(
        "django.http.multipartparser.MultiPartParser.parse", lambda parser: read.append(1)
    )
    big = SimpleUploadedFile("export.zip", b"PK\x03\x04" + b"x" * 5000)
    response = upload(login(program.admin), file=big)
    assert response.status_code == 413 and read == []
    errors = response.context["form"].errors
    assert list(errors) == ["file"] and "The file is too large" in errors["file"][0]
    assert "the limit is 2,000 bytes. Nothing was stored" in errors["file"][0]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not HmisImport.objects.exists() and not queued and not import_dir.exists()


def test_anyone_else_gets_the_ordinary_limit_for_a_large_body(program, login, settings):
    settings.HMIS_IMPORT_MAX_BYTES = 10_000_000
    settings.MAX_UPLOAD_SIZE = 1000
    big = SimpleUploadedFile("export.zip", b"PK\x03\x04" + b"x" * 5000)
    response = upload(login(program.supervisor), file=big)
    assert response.status_code == 413 and response.content == b"The request is too large."
    assert upload(login(program.admin), file=big).status_code == 200  # read, then "not a zip"


# The dry run ------------------------------------------------------------------------------


def test_the_dry_run_page_shows_the_counts_the_skips_and_a_choice_per_duplicate(
    program, login, queued, importer, clock
):
    importer.duplicates = [pair(program)]
    importer.skips = [Skip("Enrollment.csv", 3, "EntryDate", "2025-13-01", "Not a date")]
    row = uploaded(login, program.admin, queued, project_ids="P1")
    assert row.status == HmisImport.Status.DRY_RUN_DONE
    [(path, options, _)] = importer.calls
    assert path == row.path and options["dry_run"] is True and options["project_ids"] == ["P1"]
    assert "by" not in options and "decisions" not in options
    assert row.hud_export_id == "EXPORT1" and row.percent == 100

    page = login(program.admin).get(detail(row)).content.decode()
    assert "Dry run: what the import would do" in page and "Nothing has been written yet" in page
    assert "Would import</th>" in page and "Would skip</th>" in page
    assert (
        '<th scope="row">Client.csv</th><td>3</td><td>2</td><td>0</td><td>0</td><td>1</td>' in page
    )
    assert (
        '<th scope="row">All files</th><td>5</td><td>3</td><td>1</td><td>0</td><td>1</td>' in page
    )
    for text in ("Enrollment.csv", "EntryDate", "2025-13-01", "Not a date"):
        assert f"<td>{text}</td>" in page
    assert "Validator: no errors." in page
    legend = (
        f"Rosa Perez, born 1980-04-01 (PersonalID C1 in the file) and client #{program.client.pk}"
    )
    assert legend in page
    assert 'type="radio" name="pair_0" value="same"' in page
    assert 'type="radio" name="pair_0" value="different"' in page
    assert (
        "Same person: add the file" in page and "Different people: import as a new client" in page
    )
    assert ">Import</button>" in page


def test_a_refused_file_says_why_writes_nothing_and_is_deleted(
    program, login, queued, importer, clock
):
    importer.refused = "This export is hashed (HashStatus 4): names cannot be recovered."
    row = uploaded(login, program.admin, queued)
    assert row.status == HmisImport.Status.REFUSED and row.error == importer.refused
    assert row.file_deleted_at is not None and not row.path.exists()
    page = login(program.admin).get(detail(row)).content.decode()
    assert "This file cannot be imported" in page and "names cannot be recovered" in page
    assert "Nothing was written" in page and ">Import</button>" not in page
    assert login(program.admin).post(detail(row), {}).status_code == 302
    assert not importer.imports


def test_a_dry_run_that_breaks_says_so(program, login, queued, importer, clock):
    importer.fail = True
    row = uploaded(login, program.admin, queued)
    assert (
        row.status == HmisImport.Status.FAILED and row.error == import_jobs.DRY_RUN_FAILED_MESSAGE
    )
    assert not row.path.exists()
    assert "The dry run did not finish" in login(program.admin).get(detail(row)).content.decode()


def test_while_the_dry_run_waits_the_page_follows_it(program, login, queued, clock):
    upload(login(program.admin))
    row = HmisImport.objects.get()
    browser = login(program.admin)
    page = browser.get(detail(row)).content.decode()
    status_url = reverse("hmis:import_status", args=[row.pk])
    assert "js/hmis-progress.js" in page and f'data-job-status-url="{status_url}"' in page
    state = browser.get(status_url).json()
    assert state["status"] == "uploaded" and state["finished"] is False
    assert state["label"] == "Waiting to start"
    assert f'data-job-status-url="{status_url}"' in browser.get(PAGE).content.decode()


# Choosing and importing -------------------------------------------------------------------


def test_each_duplicate_needs_a_choice_shown_on_its_field(program, login, queued, importer, clock):
    importer.duplicates = [pair(program), pair(program, "C2", program.teammate_client)]
    row = uploaded(login, program.admin, queued)
    response = login(program.admin).post(detail(row), {"pair_1": "different"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert (
        list(errors) == ["pair_0"] and "“same person” or “different people”" in errors["pair_0"][0]
    )
    assert 'aria-invalid="true"' in response.content.decode()
    row.refresh_from_db()
    assert row.status == HmisImport.Status.DRY_RUN_DONE and len(queued) == 0


def test_the_import_runs_as_the_administrator_with_their_choices(
    program, login, queued, importer, clock
):
    importer.duplicates = [pair(program), pair(program, "C2", program.teammate_client)]
    row = uploaded(login, program.admin, queued, project_ids="P1")
    colleague = UserFactory(username="admin2", is_staff=True, is_superuser=True)
    response = login(colleague).post(detail(row), {"pair_0": "same", "pair_1": "different"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == HmisImport.Status.QUEUED and row.imported_by == colleague
    assert queued == [(tasks.run_hmis_import, (row.pk,))]
    queued.run()

    [options] = importer.imports
    assert options["decisions"] == {"C1": f"same:{program.client.pk}", "C2": "different"}
    assert options["by"] == colleague and options["project_ids"] == ["P1"]
    assert importer.calls[-1][2] == b"PK"  # the stored upload, as uploaded
    row.refresh_from_db()
    assert row.status == HmisImport.Status.DONE and row.report["dry_run"] is False
    assert row.decisions == options["decisions"]
    assert row.file_deleted_at is not None and not row.path.exists()  # deleted at once
    latest = row.history.first()
    assert latest.history_actor == import_jobs.RUN_JOB and latest.history_user == colleague
    asked = row.history.filter(status=HmisImport.Status.QUEUED).get()
    assert asked.history_user == colleague and asked.history_change_reason == "Import asked for"

    page = login(program.admin).get(detail(row)).content.decode()
    assert "What was imported" in page and "Imported</th>" in page
    assert f"client #{program.teammate_client.pk}" in page and "different people" in page
    assert ">Import</button>" not in page


def test_the_import_is_queued_once_and_a_second_delivery_does_nothing(
    program, login, queued, importer, clock
):
    row = uploaded(login, program.admin, queued)
    browser = login(program.admin)
    browser.post(detail(row), {})
    again = browser.post(detail(row), {})
    assert again.status_code == 302 and len(queued) == 1
    queued.run()
    versions = row.history.count()
    assert tasks.run_hmis_import(row.pk) is None and tasks.dry_run_hmis_import(row.pk) is None
    assert row.history.count() == versions and len(importer.imports) == 1


def test_an_import_that_breaks_says_so_and_deletes_the_upload(
    program, login, queued, importer, clock
):
    row = uploaded(login, program.admin, queued)
    login(program.admin).post(detail(row), {})
    importer.fail = True
    queued.run()
    row.refresh_from_db()
    assert row.status == HmisImport.Status.FAILED and row.error == import_jobs.FAILED_MESSAGE
    assert not row.path.exists()
    page = login(program.admin).get(detail(row)).content.decode()
    assert "The import did not finish" in page and "please upload the file again" in page


def test_a_lost_import_run_is_taken_over_once_stale(program, login, queued, importer, clock):
    row = uploaded(login, program.admin, queued)
    login(program.admin).post(detail(row), {})
    queued.clear()
    row.refresh_from_db()
    row.status, row.started_at = HmisImport.Status.RUNNING, timezone.now()
    row.save()
    assert import_jobs.run_import(row.pk) is None  # another run holds it
    assert import_jobs.imports_to_resume() == ([], [])
    clock.shift(jobs.STALE_AFTER + timedelta(minutes=1))
    assert import_jobs.imports_to_resume() == ([], [row.pk])
    assert import_jobs.run_import(row.pk).status == HmisImport.Status.DONE


def test_the_sweep_resends_a_dry_run_whose_message_was_lost(
    program, login, queued, clock, monkeypatch
):
    upload(login(program.admin))
    row = HmisImport.objects.get()
    sent = []
    monkeypatch.setattr("hmis.tasks.enqueue", lambda task, *args: sent.append((task, args)))
    assert tasks.sweep_hmis_exports()["imports_resumed"] == 0
    clock.shift(jobs.RESEND_AFTER + timedelta(minutes=1))
    assert tasks.sweep_hmis_exports()["imports_resumed"] == 1
    assert sent == [(tasks.dry_run_hmis_import, (row.pk,))]


# The sweep --------------------------------------------------------------------------------


def test_the_sweep_deletes_an_upload_left_after_its_import(program, login, queued, importer, clock):
    row = uploaded(login, program.admin, queued)
    login(program.admin).post(detail(row), {})
    content = row.path.read_bytes()
    queued.run()
    row.refresh_from_db()
    # As if the job had died after the import, before deleting the file.
    row.path.write_bytes(content)
    row.file_deleted_at = None
    row.save()
    assert tasks.sweep_hmis_exports()["uploads_deleted"] == 1
    row.refresh_from_db()
    assert row.file_deleted_at is not None and not row.path.exists()
    latest = row.history.first()
    assert latest.history_actor == import_jobs.SWEEP_JOB
    assert latest.history_change_reason == "Deleted: the import is over"
    assert tasks.sweep_hmis_exports()["uploads_deleted"] == 0


def test_the_sweep_deletes_an_upload_never_imported_after_its_hours(
    program, login, queued, importer, clock, import_dir
):
    row = uploaded(login, program.admin, queued)
    stray = import_dir / "hmis-import-stray.zip"  # a request that failed after writing
    stray.write_bytes(b"PK")
    clock.shift(timedelta(hours=23))
    assert tasks.sweep_hmis_exports()["uploads_deleted"] == 0 and row.path.exists()
    clock.shift(timedelta(hours=1, minutes=1))
    # The stray file's time is the real clock's: make it old, as it would be by now.
    old = (timezone.now() - timedelta(hours=25)).timestamp()
    os.utime(stray, (old, old))
    assert tasks.sweep_hmis_exports()["uploads_deleted"] == 2
    row.refresh_from_db()
    assert not row.path.exists() and not stray.exists()
    assert row.history.first().history_change_reason == "Deleted after 24 hours"
    page = login(program.admin).get(detail(row)).content.decode()
    assert "deleted after 24 hours, before it was imported" in page
    assert ">Import</button>" not in page
    assert login(program.admin).post(detail(row), {}).status_code == 302
    assert not importer.imports


# Access log, checks, the page's queries ---------------------------------------------------


def test_uploading_and_importing_write_history_not_the_access_log(
    program, login, queued, importer, clock
):
    row = uploaded(login, program.admin, queued)
    login(program.admin).post(detail(row), {})
    queued.run()
    assert not AccessLogEntry.objects.exists()
    actors = set(row.history.values_list("history_actor", flat=True))
    assert {import_jobs.DRY_RUN_JOB, import_jobs.RUN_JOB} <= actors
    # The reports (names and values from the upload) are not copied into history.
    assert not hasattr(row.history.first(), "dry_run_report")


def test_the_import_directory_may_not_be_a_served_one(settings):
    settings.HMIS_IMPORT_DIR = settings.STATICFILES_DIRS[0] / "imports"
    assert "hmis.E002" in [message.id for message in run_checks()]
    settings.HMIS_IMPORT_DIR = settings.VAR_DIR / "hmis-imports"
    assert "hmis.E002" not in [message.id for message in run_checks()]


def test_the_pages_run_a_bounded_number_of_queries(
    program, login, queued, importer, clock, django_assert_max_num_queries
):
    importer.duplicates = [pair(program, f"C{n}") for n in range(5)]
    importer.skips = [Skip("Client.csv", n, "DOB", "x", "Not a date") for n in range(5)]
    for _ in range(3):
        row = uploaded(login, program.admin, queued)
    upload(login(program.admin))  # and one still waiting
    browser = login(program.admin)
    with django_assert_max_num_queries(12):
        response = browser.get(PAGE)
    assert response.content.decode().count('class="hmis-import"') == 4
    with django_assert_max_num_queries(12):
        response = browser.get(detail(row))
    assert response.content.decode().count('type="radio"') == 10


def test_the_accessibility_walk_can_fill_an_import_id(program, login, queued, clock):
    from tests.browser.test_accessibility import NOT_PAGES, fill

    upload(login(program.admin))
    row = HmisImport.objects.get()
    assert fill("hmis/import/<int:import_id>/", ["import_id"], program.admin) == detail(row)
    assert "hmis:import_status" in NOT_PAGES
