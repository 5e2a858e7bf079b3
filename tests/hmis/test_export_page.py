"""/hmis/export/: who may export, what a supervisor's export holds, the job, the download
(the asker's alone, for a limited time), the access log, the form's errors, the sweep."""

import os
from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.urls import reverse
from django.utils import timezone

from hmis import jobs, tasks, validator
from hmis.models import HmisExport
from housingfirst.models import AccessLogEntry

from .conftest import END, START, period_form, read_csv

pytestmark = pytest.mark.django_db

PAGE = "/hmis/export/"


def ask(browser, **fields):
    return browser.post(PAGE, period_form(**fields))


def exported(login, person, queued, **fields) -> HmisExport:
    """The person asks on the page, and the job runs."""
    response = ask(login(person), **fields)
    assert response.status_code == 302, response.context["form"].errors
    queued.run()
    return HmisExport.objects.get(requested_by=person)


# Who may export ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["case_manager", "auditor"])
def test_case_managers_and_auditors_get_403(program, login, role, queued):
    browser = login(getattr(program, role))
    assert browser.get(PAGE).status_code == 403
    assert ask(browser).status_code == 403
    assert not HmisExport.objects.exists() and not queued


def test_signed_out_visitors_go_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_and_administrators_open_the_page(program, login, role, clock):
    response = login(getattr(program, role)).get(PAGE)
    assert response.status_code == 200
    assert b'href="/hmis/export/"' in response.content  # the navigation link
    assert b"Reporting period start" in response.content


def test_the_navigation_link_is_not_shown_to_case_managers(program, login):
    assert b'href="/hmis/export/"' not in login(program.case_manager).get("/").content


# What an export holds ---------------------------------------------------------------------


def test_a_supervisors_export_holds_only_their_teams_clients(
    program, login, enrolled, queued, clock
):
    export = exported(login, program.supervisor, queued)
    assert export.status == HmisExport.Status.DONE
    ids = {row["PersonalID"] for row in read_csv(export.path, "Client.csv")}
    assert ids == {str(program.client.pk), str(program.teammate_client.pk)}
    assert export.client_count == 2 and export.clients_done == export.clients_total == 2


def test_an_administrators_export_holds_every_client(program, login, enrolled, queued, clock):
    export = exported(login, program.admin, queued)
    rows = read_csv(export.path, "Client.csv")
    assert {row["PersonalID"] for row in rows} == {
        str(c.pk) for c in (program.client, program.teammate_client, program.other_client)
    }
    assert export.row_counts["Client.csv"] == 3 and export.row_counts["Enrollment.csv"] == 3


def test_the_job_records_the_options_and_hashes_when_asked(program, login, enrolled, queued, clock):
    export = exported(login, program.admin, queued, hashing="hashed", project=enrolled.pk)
    assert (export.period_start, export.period_end, export.hashed) == (START, END, True)
    assert export.project_name == enrolled.name
    rows = read_csv(export.path, "Client.csv")
    assert {row["NameDataQuality"] for row in rows} and all(
        row["FirstName"] != "Rosa" and len(row["FirstName"]) == 64 for row in rows
    )
    assert export.hud_export_id and export.size == os.path.getsize(export.path)
    assert export.expires_at == export.finished_at + timedelta(hours=24)


def test_a_changed_since_export_runs(program, login, enrolled, queued, clock):
    since = (timezone.localtime() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    export = exported(login, program.admin, queued, start="", end="", changed_since=since)
    assert export.status == HmisExport.Status.DONE and export.changed_since is not None
    assert export.period_label.startswith("changed since")


def test_the_file_is_private_and_no_partial_file_is_left(
    program, login, enrolled, queued, clock, export_dir
):
    export = exported(login, program.supervisor, queued)
    assert export.path.parent == export_dir
    assert export.path.stat().st_mode & 0o777 == 0o600
    assert export_dir.stat().st_mode & 0o777 == 0o700
    assert [p.name for p in export_dir.iterdir()] == [export.file_name]


def test_a_second_delivery_of_the_job_does_nothing(program, login, enrolled, queued, clock):
    export = exported(login, program.supervisor, queued)
    versions = export.history.count()
    assert tasks.run_hmis_export(export.pk) is None
    assert export.history.count() == versions


def test_a_lost_run_is_taken_over_once_stale(program, login, enrolled, queued, clock):
    ask(login(program.supervisor))
    export = HmisExport.objects.get()
    export.status, export.started_at = HmisExport.Status.RUNNING, timezone.now()
    export.save()
    assert jobs.run_export(export.pk) is None  # another run holds it
    clock.shift(jobs.STALE_AFTER + timedelta(minutes=1))
    assert jobs.exports_to_resume() == [export.pk]
    assert jobs.run_export(export.pk).status == HmisExport.Status.DONE


def test_an_export_whose_writer_fails_says_so_and_leaves_no_file(
    program, login, queued, clock, monkeypatch, export_dir
):
    def broken(options, binary_file, progress=None):
        binary_file.write(b"half a zip")
        raise RuntimeError("disk full")

    monkeypatch.setattr("hmis.export.write_export", broken)
    export = exported(login, program.supervisor, queued)
    assert export.status == HmisExport.Status.FAILED and export.error == jobs.FAILED_MESSAGE
    assert list(export_dir.iterdir()) == []
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.EXPORT).exists()
    page = login(program.supervisor).get(PAGE)
    assert jobs.FAILED_MESSAGE in page.content.decode()


def test_a_supervisor_who_lost_the_role_gets_no_export(program, login, queued, clock):
    ask(login(program.supervisor))
    program.supervisor.groups.clear()
    queued.run()
    export = HmisExport.objects.get()
    assert export.status == HmisExport.Status.FAILED and "no longer" in export.error
    assert not export.file_name


# The download -----------------------------------------------------------------------------


def test_the_asker_downloads_the_zip_as_an_attachment_never_cached(
    program, login, enrolled, queued, clock
):
    export = exported(login, program.supervisor, queued)
    response = login(program.supervisor).get(reverse("hmis:download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="hmis-csv-')
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    assert {row["PersonalID"] for row in read_csv(content, "Client.csv")} == {
        str(program.client.pk),
        str(program.teammate_client.pk),
    }


@pytest.mark.parametrize("other", ["admin", "other_supervisor"])
def test_someone_elses_export_answers_404(program, login, enrolled, queued, clock, other):
    export = exported(login, program.supervisor, queued)
    browser = login(getattr(program, other))
    assert browser.get(reverse("hmis:download", args=[export.pk])).status_code == 404
    assert browser.get(reverse("hmis:status", args=[export.pk])).status_code == 404
    assert f"Export #{export.pk}" not in browser.get(PAGE).content.decode()


def test_an_export_not_finished_has_no_download(program, login, queued, clock):
    ask(login(program.supervisor))
    export = HmisExport.objects.get()
    browser = login(program.supervisor)
    assert browser.get(reverse("hmis:download", args=[export.pk])).status_code == 404
    state = browser.get(reverse("hmis:status", args=[export.pk])).json()
    assert state["status"] == "queued" and state["finished"] is False
    page = browser.get(PAGE).content.decode()
    assert "js/hmis-progress.js" in page and f"/hmis/export/{export.pk}/status/" in page


def test_an_expired_export_answers_410_with_a_clear_page(program, login, enrolled, queued, clock):
    export = exported(login, program.supervisor, queued)
    clock.shift(timedelta(hours=24, minutes=1))
    response = login(program.supervisor).get(reverse("hmis:download", args=[export.pk]))
    assert response.status_code == 410
    assert "no longer available" in response.content.decode()
    assert not AccessLogEntry.objects.filter(path__contains="/download/").exists()


def test_the_sweep_deletes_expired_files_with_history(program, login, enrolled, queued, clock):
    export = exported(login, program.supervisor, queued)
    kept = exported(login, program.admin, queued)
    clock.shift(timedelta(hours=23))
    newer = HmisExport.objects.get(pk=kept.pk)
    assert tasks.sweep_hmis_exports()["deleted"] == 0
    clock.shift(timedelta(hours=1, minutes=1))
    assert tasks.sweep_hmis_exports()["deleted"] == 2
    for row in (export, newer):
        row.refresh_from_db()
        assert row.deleted_at is not None and not row.path.exists()
        latest = row.history.first()
        assert latest.history_actor == "job:sweep_hmis_exports"
        assert latest.history_change_reason == "Deleted after 24 hours"
    assert tasks.sweep_hmis_exports()["deleted"] == 0  # a second run changes nothing
    response = login(program.supervisor).get(reverse("hmis:download", args=[export.pk]))
    assert response.status_code == 410


def test_the_sweep_resends_a_job_whose_message_was_lost(program, login, queued, clock, monkeypatch):
    ask(login(program.supervisor))
    export = HmisExport.objects.get()
    sent = []
    monkeypatch.setattr("hmis.tasks.enqueue", lambda task, *args: sent.append((task, args)))
    assert tasks.sweep_hmis_exports()["resumed"] == 0
    clock.shift(jobs.RESEND_AFTER + timedelta(minutes=1))
    assert tasks.sweep_hmis_exports()["resumed"] == 1
    assert sent == [(tasks.run_hmis_export, (export.pk,))]


# The access log ---------------------------------------------------------------------------


def test_each_export_and_each_download_is_in_the_access_log(
    program, login, enrolled, queued, clock
):
    export = exported(login, program.supervisor, queued, hashing="hashed")
    written = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EXPORT)
    assert written.user == program.supervisor and written.object_id == str(export.pk)
    assert f"{START:%Y-%m-%d} to {END:%Y-%m-%d}" in written.detail
    assert "2 clients (their teams' clients)" in written.detail
    assert "hashed (SHA-256)" in written.detail
    assert written.occurred_at == export.finished_at or written.occurred_at >= export.started_at

    login(program.supervisor).get(
        reverse("hmis:download", args=[export.pk]), REMOTE_ADDR="10.0.0.7"
    )
    download = AccessLogEntry.objects.exclude(pk=written.pk).get()
    assert download.action == AccessLogEntry.Action.EXPORT
    assert download.detail.startswith("Downloaded:") and "2 clients" in download.detail
    assert download.ip_address == "10.0.0.7" and download.user == program.supervisor


# The form ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"start": "", "end": ""}, "start", "Choose a reporting period"),
        ({"start": "2025-03-01", "end": "2025-02-01"}, "end", "ends on or after"),
        ({"end": ""}, "end", "Choose the day the reporting period ends."),
        ({"start": ""}, "start", "Choose the day the reporting period starts."),
        ({"changed_since": "2025-03-01T10:00"}, "changed_since", "not both"),
        ({"start": "", "end": "", "changed_since": "2030-01-01T10:00"}, "changed_since", "past"),
        ({"start": "yesterday"}, "start", "Enter a valid date."),
        ({"start": "0001-01-01"}, "start", "from 1990-01-01 on"),
        ({"end": "9999-12-31"}, "end", "no more than a year from today"),
        ({"hashing": "maybe"}, "hashing", "Select a valid choice."),
        ({"project": "999999"}, "project", "Select a valid choice."),
    ],
)
def test_bad_input_shows_an_error_on_its_field(
    program, login, queued, clock, fields, field, message
):
    response = ask(login(program.supervisor), **fields)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field] and message in errors[field][0], errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert not HmisExport.objects.exists() and not queued


# The page ---------------------------------------------------------------------------------


def test_the_page_shows_the_download_beside_the_validators_report(
    program, login, enrolled, queued, clock, monkeypatch
):
    report = validator.Report()
    report.add("Enrollment.csv", 3, "EntryDate", "2025-13-01", "Not a date", "type")
    monkeypatch.setattr("hmis.jobs._validate", lambda path: report)
    export = exported(login, program.supervisor, queued)
    assert export.report["errors"] == 1 and export.report["problems"][0]["line"] == 3
    page = login(program.supervisor).get(PAGE).content.decode()
    assert reverse("hmis:download", args=[export.pk]) in page
    assert "Validator: 1 error</strong>" in page
    for text in ("Enrollment.csv", "EntryDate", "2025-13-01", "Not a date"):
        assert f"<td>{text}</td>" in page


def test_a_real_export_is_checked_by_the_validator_and_passes(
    program, login, enrolled, queued, clock
):
    export = exported(login, program.supervisor, queued)
    assert export.report["checked"] and export.report["ok"], export.report
    assert (export.report["errors"], export.report["warnings"]) == (0, 0)
    assert "Validator: no errors." in login(program.supervisor).get(PAGE).content.decode()


def test_the_list_page_runs_a_bounded_number_of_queries(
    program, login, enrolled, queued, clock, django_assert_max_num_queries
):
    for _ in range(3):
        exported_again = ask(login(program.supervisor))
        assert exported_again.status_code == 302
    queued.run()
    ask(login(program.supervisor))  # and one still queued
    browser = login(program.supervisor)
    with django_assert_max_num_queries(12):
        response = browser.get(PAGE)
    assert response.content.decode().count('class="hmis-export"') == 4


def test_the_export_directory_may_not_be_a_served_one(settings):
    settings.HMIS_EXPORT_DIR = settings.STATICFILES_DIRS[0] / "exports"
    assert "hmis.E001" in [message.id for message in run_checks()]
    settings.HMIS_EXPORT_DIR = settings.VAR_DIR / "hmis-exports"
    assert "hmis.E001" not in [message.id for message in run_checks()]


def test_the_accessibility_walk_can_fill_an_export_id(program, login, queued, clock):
    from tests.browser.test_accessibility import NOT_PAGES, fill

    ask(login(program.supervisor))
    export = HmisExport.objects.get()
    route = "hmis/export/<int:export_id>/status/"
    assert fill(route, ["export_id"], program.supervisor) == f"/hmis/export/{export.pk}/status/"
    assert {"hmis:status", "hmis:download"} <= NOT_PAGES
