"""A worker killed mid-sweep (SIGKILL) loses nothing and doubles nothing: a new worker gets the
batches it held from the broker and every reminder is made exactly once, within 2 minutes.

Real worker processes (``celery worker``) on Redis and PostgreSQL, sharing the test database
(its data is committed: ``transaction=True``). The broker hands out the killed worker's
batch again after the visibility timeout, shortened here to 20 seconds (120 by default).
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from housingfirst.audit import acting_as
from housingfirst.celery import app as celery_app
from reminders import services, tasks
from reminders.models import Reminder
from tests.factories import TeamFactory, client_of, make_case_manager
from tests.placements.factories import housed, visit

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="workers share PostgreSQL"),
]

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 6
BATCH_SIZE = 2


@pytest.fixture
def broker():
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI runs the worker tests against Redis: set REDIS_URL.")
        pytest.skip("REDIS_URL is not set: the real-worker test needs Redis (it runs in CI).")
    celery_app.control.purge()
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete("unacked", "unacked_index")
    yield client
    celery_app.control.purge()


@pytest.fixture
def workers(tmp_path):
    """``start(name)``: a real worker process on the test database; all stopped at the end."""
    started = []
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        ),
        "CELERY_VISIBILITY_TIMEOUT": "20",
        "REMINDER_BATCH_SIZE": str(BATCH_SIZE),
        "SWEEP_BATCH_PAUSE": "3",
        "DATABASE_CONN_MAX_AGE": "0",
    }

    def start(name):
        log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "housingfirst",
                "worker",
                "--pool=solo",
                "--include=tests.reminders.slow_batches",
                "--loglevel=INFO",
                f"--hostname={name}@%h",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        started.append((process, log))
        return process

    yield start
    for process, log in started:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def wait_for(condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_worker_s_batch_runs_again_and_every_reminder_is_made_once(broker, workers):
    team = TeamFactory()
    case_manager = make_case_manager(team)
    today = timezone.localdate()
    for _ in range(CLIENTS):  # housed 100 days, last visited 40 days ago: visits are due
        client = client_of(case_manager)
        housed(client, today - timedelta(days=100), lease_end=today + timedelta(days=300))
        visit(client, today - timedelta(days=40), by=case_manager)
    with transaction.atomic(), acting_as("test"):  # what one sweep makes; kept by no one
        expected = services.reminders_generate().created
        transaction.set_rollback(True)
    assert expected >= CLIENTS
    celery_app.control.purge()  # the refreshes set-up enqueued: only the sweep makes them

    first = workers("first")
    tasks.generate_reminders.apply_async()
    assert wait_for(lambda: Reminder.objects.exists(), 60), "the first worker made nothing"
    # A batch has committed and its worker has not acknowledged it yet: kill it now.
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    killed_at = time.monotonic()
    assert Reminder.objects.count() < expected, "the sweep was over before the kill"
    assert broker.hlen("unacked") >= 1  # the batch the dead worker held

    workers("second")
    everything_done = wait_for(
        lambda: (
            Reminder.objects.count() == expected
            and broker.hlen("unacked") == 0
            and broker.llen("celery") == 0
        ),
        120 - (time.monotonic() - killed_at),
    )
    assert everything_done, (
        f"{Reminder.objects.count()} of {expected} reminders and "
        f"{broker.hlen('unacked')} unacknowledged batches 2 minutes after the kill"
    )
    assert Reminder.objects.count() == expected
    created = Reminder.history.filter(history_type="+")
    assert created.count() == expected  # made once: no second insert, even rolled back
    assert set(created.values_list("history_actor", flat=True)) == {services.GENERATION_JOB}
