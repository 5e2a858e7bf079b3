"""A real Celery worker against the real Redis (``REDIS_URL``) runs the generation task end to
end, and the reminders appear in the database.

The worker runs in a thread of this process (``celery.contrib.testing``), consuming from the
broker like any worker; the test's data is committed (``transaction=True``) so the worker's own
database connection sees it. Without ``REDIS_URL`` (the local SQLite run) the test is skipped;
in CI (``CI`` set) a missing ``REDIS_URL`` is a failure.
"""

import contextlib
import os
import time

import pytest
import time_machine
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from housingfirst.celery import app as celery_app
from housingfirst.jobs import enqueue_on_commit
from reminders import tasks
from reminders.models import Reminder
from tests.clock import at
from tests.factories import TeamFactory, client_of, make_case_manager

from .conftest import TODAY
from .factories import EVERYTHING_KINDS, client_with_everything

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_broker():
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI runs the worker test against Redis: set REDIS_URL.")
        pytest.skip("REDIS_URL is not set: the real-worker test needs Redis (it runs in CI).")
    assert celery_app.conf.broker_url == settings.REDIS_URL


@pytest.fixture
def start_a_worker(redis_broker, monkeypatch):
    """``start_a_worker()``: an embedded worker consuming from Redis until the test ends."""
    # The worker's connection is closed after each task (Celery's Django fix-up), so none is
    # left open on the test database when it is dropped.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    with contextlib.ExitStack() as stack:

        def start():
            stack.enter_context(
                start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30)
            )

        yield start


def wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@time_machine.travel(at(TODAY), tick=True)  # a clock that runs: the worker needs one
def test_a_real_worker_generates_the_reminders(start_a_worker):
    team = TeamFactory()
    case_manager = make_case_manager(team)
    client = client_of(case_manager)
    client_with_everything(client, by=case_manager)
    # Setting up went through the services, which enqueued refreshes: drop them, so only the
    # sweep below can make the reminders.
    celery_app.control.purge()
    assert not Reminder.objects.exists()
    start_a_worker()

    enqueue_on_commit(tasks.generate_reminders)  # no transaction: sent at once

    assert wait_for(lambda: Reminder.objects.count() == len(EVERYTHING_KINDS)), (
        "the worker did not make the reminders within 30 seconds"
    )
    reminders = Reminder.objects.filter(client=client)
    assert {r.kind for r in reminders} == set(EVERYTHING_KINDS)
    assert {r.assigned_to_id for r in reminders} == {case_manager.pk}
    history_actors = set(Reminder.history.values_list("history_actor", flat=True))
    assert history_actors == {"job:generate_reminders"}
