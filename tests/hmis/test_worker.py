"""A real Celery worker (Redis, ``REDIS_URL``) runs the page's export job and writes the zip, and
runs an import's dry run and import.

The pattern of tests/reminders/test_worker.py: the worker runs in a thread of this process,
consuming from the broker; the data is committed (``transaction=True``) so that the worker's
connection sees it. Skipped without ``REDIS_URL``; a failure in CI.
"""

import zipfile
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from hmis import spec
from hmis.models import HmisExport, HmisImport
from housingfirst.celery import app as celery_app
from tests.clock import at
from tests.factories import make_enrollment, make_project
from tests.reminders.test_worker import redis_broker, start_a_worker, wait_for  # noqa: F401

from .conftest import period_form, read_csv
from .fake_importer import FakeImporter
from .zips import zip_of

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@time_machine.travel(at(date(2025, 3, 15)), tick=True)  # a clock that runs: the worker needs one
def test_a_real_worker_writes_the_export_asked_for_on_the_page(
    start_a_worker,  # noqa: F811
    program,
    login,
):
    project = make_project()
    for client in (program.client, program.other_client):
        make_enrollment(client, entry_date=date(2025, 2, 1), project=project)
    celery_app.control.purge()
    start_a_worker()

    response = login(program.supervisor).post("/hmis/export/", period_form())
    assert response.status_code == 302

    export = HmisExport.objects.get()
    assert wait_for(lambda: HmisExport.objects.get(pk=export.pk).status == "done"), (
        "the worker did not write the export within 30 seconds"
    )
    export.refresh_from_db()
    with zipfile.ZipFile(export.path) as archive:
        assert sorted(archive.namelist()) == sorted(spec.file_names())
    assert [row["PersonalID"] for row in read_csv(export.path, "Client.csv")] == [
        str(program.client.pk)
    ]
    assert set(export.history.values_list("history_actor", flat=True)) >= {"job:run_hmis_export"}


@time_machine.travel(at(date(2025, 3, 15)), tick=True)
def test_a_real_worker_runs_the_dry_run_and_the_import_asked_for_on_the_page(
    start_a_worker,  # noqa: F811
    program,
    login,
    settings,
    tmp_path,
    monkeypatch,
):
    settings.HMIS_IMPORT_DIR = tmp_path / "hmis-imports"
    importer = FakeImporter()  # the worker runs in this process: it calls the stand-in
    monkeypatch.setattr("hmis.import_jobs.import_zip_file", importer)
    celery_app.control.purge()
    start_a_worker()

    browser = login(program.admin)
    upload = SimpleUploadedFile("coc.zip", zip_of().getvalue())
    form = {"file": upload, "team": program.team.pk}
    assert browser.post("/hmis/import/", form).status_code == 302
    row = HmisImport.objects.get()
    assert wait_for(lambda: HmisImport.objects.get(pk=row.pk).status == "dry_run_done"), (
        "the worker did not run the dry run within 30 seconds"
    )
    assert browser.post(f"/hmis/import/{row.pk}/", {}).status_code == 302
    assert wait_for(lambda: HmisImport.objects.get(pk=row.pk).status == "done"), (
        "the worker did not run the import within 30 seconds"
    )
    row.refresh_from_db()
    assert [options["by"] for options in importer.imports] == [program.admin]
    assert [options["team"] for _path, options, _start in importer.calls] == [program.team] * 2
    assert not row.path.exists()
    actors = set(row.history.values_list("history_actor", flat=True))
    assert {"job:dry_run_hmis_import", "job:run_hmis_import"} <= actors
