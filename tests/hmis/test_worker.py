"""A real Celery worker (Redis, ``REDIS_URL``) runs the page's export job and writes the zip.

The pattern of tests/reminders/test_worker.py: the worker runs in a thread of this process,
consuming from the broker; the data is committed (``transaction=True``) so that the worker's
connection sees it. Skipped without ``REDIS_URL``; a failure in CI.
"""

import zipfile
from datetime import date

import pytest
import time_machine

from hmis import spec
from hmis.models import HmisExport
from housingfirst.celery import app as celery_app
from tests.clock import at
from tests.factories import make_enrollment, make_project
from tests.reminders.test_worker import redis_broker, start_a_worker, wait_for  # noqa: F401

from .conftest import period_form, read_csv

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
