"""Fixtures for the export and import tests: private export and import directories, clients
enrolled in a project, the job run at once instead of through the broker, and the import
tests' clock."""

import csv
import io
import zipfile
from datetime import date

import pytest
import time_machine

from tests import clock as test_clock
from tests.factories import make_enrollment, make_project

START, END = date(2025, 1, 1), date(2025, 3, 15)
IMPORT_DAY = date(2026, 1, 15)  # after every date of the import tests' zips (exits among them)


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.HMIS_EXPORT_DIR = tmp_path / "hmis-exports"
    return settings.HMIS_EXPORT_DIR


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.HMIS_IMPORT_DIR = tmp_path / "hmis-imports"
    return settings.HMIS_IMPORT_DIR


@pytest.fixture
def importer(monkeypatch):
    """The import page's jobs call a fake import core (tests/hmis/fake_importer.py); set its
    answers with ``importer.__init__(...)``-style kwargs."""
    from .fake_importer import FakeImporter

    fake = FakeImporter()
    monkeypatch.setattr("hmis.import_jobs.import_zip_file", fake)
    return fake


@pytest.fixture
def on_import_day():
    """The clock stopped on IMPORT_DAY: ``pytest.mark.usefixtures("on_import_day")``."""
    with time_machine.travel(test_clock.at(IMPORT_DAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def enrolled(program):
    """Every client of the program enrolled in one project inside the period."""
    project = make_project()
    for client in (program.client, program.teammate_client, program.other_client):
        make_enrollment(client, entry_date=date(2025, 2, 1), project=project)
    return project


@pytest.fixture
def queued(monkeypatch):
    """The jobs the requests enqueued (after commit), not sent to a broker: ``queued.run()``
    runs them here, as a worker would."""

    class Queue(list):
        def run(self):
            while self:
                task, args = self.pop(0)
                task(*args)

    queue = Queue()
    monkeypatch.setattr(
        "hmis.services.enqueue_on_commit", lambda task, *args: queue.append((task, args))
    )
    return queue


def period_form(**fields) -> dict:
    return {"start": START.isoformat(), "end": END.isoformat(), "hashing": "unhashed", **fields}


def read_csv(path_or_bytes, name: str) -> list[dict]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with zipfile.ZipFile(source) as archive:
        return list(csv.DictReader(io.TextIOWrapper(archive.open(name), encoding="ascii")))
