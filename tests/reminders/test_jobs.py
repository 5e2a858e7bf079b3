"""Jobs: enqueued after commit, once per transaction; requests that enqueue succeed with the
broker down; the beat schedule; the sweep's query count grows with batches, not clients."""

import logging
from io import StringIO
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError

from clients.models import Client
from enrollments.hud import RelationshipToHead
from enrollments.models import Enrollment
from housingfirst.audit import acting_as
from housingfirst.celery import app as celery_app
from housingfirst.jobs import enqueue, enqueue_on_commit
from placements.models import Contact
from reminders import services, tasks
from reminders.models import Kind, Reminder
from tests.clients.test_intake import intake
from tests.factories import client_of, make_enrollment

from .conftest import days
from .factories import EVERYTHING_KINDS, client_with_everything, housed_with_old_visit, reminder_for

pytestmark = pytest.mark.django_db


# enqueue_on_commit ----------------------------------------------------------------------


def test_work_is_sent_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    with mock.patch.object(tasks.refresh_client_reminders, "apply_async") as send:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    enqueue_on_commit(tasks.refresh_client_reminders, 1)
                    raise RuntimeError("rolled back")
            except RuntimeError:
                pass
        send.assert_not_called()

        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                enqueue_on_commit(tasks.refresh_client_reminders, 1)
                enqueue_on_commit(tasks.refresh_client_reminders, 1)  # same work: once
                enqueue_on_commit(tasks.refresh_client_reminders, 2)
    assert [c.kwargs["args"] for c in send.call_args_list] == [(1,), (2,)]


def test_a_broker_that_is_down_is_logged_not_raised(broker_down, caplog):
    with caplog.at_level(logging.ERROR, logger="housingfirst.jobs"):
        assert enqueue(tasks.refresh_client_reminders, 1) is False
    assert "Could not enqueue reminders.tasks.refresh_client_reminders(1,)" in caplog.text
    assert "broker is unreachable" in caplog.text


def test_enqueue_catches_broker_errors_only():
    with mock.patch.object(
        tasks.generate_reminders, "apply_async", side_effect=OperationalError("down")
    ):
        assert enqueue(tasks.generate_reminders) is False
    with mock.patch.object(tasks.generate_reminders, "apply_async", side_effect=ValueError):
        with pytest.raises(ValueError):
            enqueue(tasks.generate_reminders)


# Broker down: requests that enqueue still succeed ----------------------------------------


@pytest.mark.usefixtures("clock")
def test_logging_a_contact_succeeds_with_the_broker_down(
    program, login, broker_down, caplog, django_capture_on_commit_callbacks
):
    cm = program.case_manager
    housed_with_old_visit(program.client, by=cm)
    services.reminders_generate()
    (reminder,) = Reminder.objects.filter(client=program.client, kind=Kind.VISIT_DUE)

    with caplog.at_level(logging.ERROR, logger="housingfirst.jobs"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = login(cm).post(
                f"/clients/{program.client.pk}/contacts/new/",
                # Midnight of the frozen day: in the past whatever the hour of the run.
                {"kind": Contact.Kind.HOME_VISIT, "occurred_at": "2025-03-15T00:00", "note": ""},
            )

    assert response.status_code == 302
    assert program.client.contacts.filter(kind=Contact.Kind.HOME_VISIT, note="").count() == 1
    assert len(callbacks) == 1  # the client's refresh, which could not be sent
    assert "Could not enqueue reminders.tasks.refresh_client_reminders" in caplog.text
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.RESOLVED  # closed in the request itself


def test_creating_a_client_succeeds_with_the_broker_down(
    program, login, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = intake(login(program.case_manager), team=program.team.pk)
    assert response.status_code == 302
    assert Client.objects.filter(first_name="Nia", case_manager=program.case_manager).exists()


# The beat schedule and the tasks it names -------------------------------------------------


def test_the_beat_schedule_runs_the_reminder_and_cover_jobs():
    schedule = settings.CELERY_BEAT_SCHEDULE
    by_task = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    celery_app.loader.import_default_modules()

    generate = by_task["reminders.tasks.generate_reminders"]
    assert isinstance(generate, crontab)
    assert generate.minute == {0} and len(generate.hour) == 24  # hourly
    digests = by_task["reminders.tasks.send_daily_digests"]
    assert digests.hour == {settings.REMINDER_DIGEST_HOUR} and len(digests.minute) == 1
    assert "clients.tasks.end_expired_covers" in by_task
    for name in by_task:
        assert name in celery_app.tasks, f"{name} is scheduled but not a registered task"


def test_beat_sweeps_once_when_it_starts():
    from celery.signals import beat_init

    with mock.patch.object(tasks.generate_reminders, "apply_async") as send:
        beat_init.send(sender=None)
    send.assert_called_once()


def test_celery_acks_late_and_takes_one_task_at_a_time():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


# The sweep: batches, queries, conflicts, the command ---------------------------------------


def _clients_with_everything(case_manager, count):
    clients = [client_of(case_manager) for _ in range(count)]
    for client in clients:
        client_with_everything(client, by=case_manager)
    return [client.pk for client in clients]


def _queries(**kwargs):
    with CaptureQueriesContext(connection) as queries:
        report = services.reminders_generate(**kwargs)
    return len(queries), report


@pytest.mark.usefixtures("clock")
def test_the_sweep_queries_grow_with_batches_not_with_clients(program):
    # Few clients per batch: SQLite splits a bulk insert past 999 parameters (history rows
    # have ~20 columns, and a client with everything has ten reminders), which is the
    # backend's limit, not the sweep's queries growing.
    cm = program.case_manager
    _queries(client_ids=[program.client.pk])  # warm caches (content types, chain head)
    one = _clients_with_everything(cm, 1)
    two = _clients_with_everything(cm, 2)
    another_two = _clients_with_everything(cm, 2)

    one_batch_of_1, report_1 = _queries(client_ids=one, batch_size=100)
    one_batch_of_2, report_2 = _queries(client_ids=two, batch_size=100)
    two_batches_of_1, report_1x2 = _queries(client_ids=another_two, batch_size=1)

    assert report_1.created == len(EVERYTHING_KINDS)
    assert report_2.created == report_1x2.created == 2 * len(EVERYTHING_KINDS)
    assert one_batch_of_2 == one_batch_of_1
    assert (report_1x2.batches, two_batches_of_1) == (2, 2 * one_batch_of_1)


@pytest.mark.usefixtures("clock")
def test_the_full_sweep_queries_do_not_grow_with_the_clients_of_a_batch(program):
    # The hourly sweep (no client ids, one batch here), whether it changes nothing, moves or
    # closes: the same queries for one client with everything as for three.
    cm, other = program.case_manager, program.other_case_manager
    _queries()  # warm caches
    one = _clients_with_everything(cm, 1)
    _queries()
    unchanged_with_one, _ = _queries()
    three = _clients_with_everything(cm, 3)
    # And a child in one's household: a member's entry data asks for their age.
    household = Enrollment.objects.get(client_id=three[0], exit_date=None).household
    make_enrollment(
        client_of(cm),
        entry_date=days(-100),
        household=household,
        relationship=RelationshipToHead.CHILD,
    )
    _queries()
    unchanged_with_three, report = _queries()
    assert report.created == report.resolved == report.moved == 0
    assert unchanged_with_three == unchanged_with_one

    # Reassigned and exited behind the reactions' back: the sweep catches up.
    Client.objects.filter(pk__in=one).update(case_manager=other)
    moved_one, report = _queries()
    assert report.moved == len(EVERYTHING_KINDS)
    Client.objects.filter(pk__in=three).update(case_manager=other)
    moved_three, report = _queries()
    assert report.moved == 3 * len(EVERYTHING_KINDS)
    assert moved_three == moved_one

    Client.objects.filter(pk__in=one).update(status=Client.Status.EXITED)
    closed_one, report = _queries()
    assert report.resolved == len(EVERYTHING_KINDS) - 1  # the exit assessment stays
    Client.objects.filter(pk__in=three).update(status=Client.Status.EXITED)
    closed_three, report = _queries()
    assert report.resolved == 3 * (len(EVERYTHING_KINDS) - 1)
    assert closed_three == closed_one


@pytest.mark.usefixtures("clock")
def test_the_full_sweep_walks_every_client_in_batches(program):
    _clients_with_everything(program.case_manager, 4)
    total = Client.objects.count()

    report = services.reminders_generate(batch_size=2)

    assert report.clients == total
    assert report.batches == -(-total // 2)
    assert report.created == 4 * len(EVERYTHING_KINDS)


def test_the_database_refuses_the_same_reminder_twice(program):
    reminder = reminder_for(program.client, due_on=days(0))
    same = dict(
        client=program.client,
        kind=reminder.kind,
        placement=reminder.placement,
        assigned_to=program.case_manager,
        due_on=reminder.due_on,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(**same)
    with pytest.raises(IntegrityError), transaction.atomic():  # closed or not
        Reminder.objects.create(**{**same, "kind": Kind.LEASE_ENDING})
        Reminder.objects.create(**{**same, "kind": Kind.LEASE_ENDING})
    Reminder.objects.create(**{**same, "due_on": days(1)})  # another day: another reminder


def test_a_reminder_needs_the_subject_of_its_kind(program):
    placement = reminder_for(program.client).placement
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            client=program.client,
            kind=Kind.REFERRAL_FOLLOW_UP,
            placement=placement,
            assigned_to=program.case_manager,
            due_on=days(0),
        )


@pytest.mark.usefixtures("clock")
def test_a_batch_that_meets_a_concurrent_sweep_is_read_again(program):
    client_with_everything(program.client, by=program.case_manager)
    real_insert = services.bulk.insert_with_history
    calls = []

    def first_call_conflicts(model, columns, rows, **kwargs):
        calls.append(len(rows))
        if len(calls) == 1:
            raise IntegrityError("UNIQUE constraint failed")  # another worker won the insert
        return real_insert(model, columns, rows, **kwargs)

    with mock.patch.object(services.bulk, "insert_with_history", first_call_conflicts):
        report = services.reminders_generate()

    assert calls == [len(EVERYTHING_KINDS), len(EVERYTHING_KINDS)]
    assert report.created == len(EVERYTHING_KINDS)
    assert Reminder.objects.count() == len(EVERYTHING_KINDS)


@pytest.mark.usefixtures("clock")
def test_generate_reminders_command_reports_counts(program):
    client_with_everything(program.client, by=program.case_manager)
    out = StringIO()

    call_command("generate_reminders", "--batch-size", "2", stdout=out)

    assert f"{len(EVERYTHING_KINDS)} created, 0 resolved, 0 moved" in out.getvalue()
    assert f"for {Client.objects.count()} clients in 2 batches" in out.getvalue()
    row = Reminder.history.first()
    assert (row.history_actor, row.history_change_reason) == (
        "command:generate_reminders",
        "Reminder due",
    )


@pytest.mark.usefixtures("clock", "eager_tasks")
def test_the_generation_task_runs_as_the_job(program):
    client_with_everything(program.client, by=program.case_manager)
    tasks.generate_reminders.delay().get()
    assert Reminder.objects.count() == len(EVERYTHING_KINDS)
    assert {row.history_actor for row in Reminder.history.all()} == {services.GENERATION_JOB}


@pytest.mark.usefixtures("clock")
def test_the_sweep_is_one_small_task_per_batch_of_clients(program, settings):
    settings.REMINDER_BATCH_SIZE = 2
    ids = sorted(Client.objects.values_list("pk", flat=True))
    with mock.patch.object(tasks.generate_reminders_batch, "apply_async") as send:
        assert tasks.generate_reminders() == 2
    day = timezone.localdate().isoformat()
    assert [call.kwargs["args"] for call in send.call_args_list] == [
        (ids[0], ids[1], day),
        (ids[2], ids[2], day),
    ]


@pytest.mark.usefixtures("clock")
def test_a_batch_run_twice_makes_each_reminder_once(program):
    """A worker killed after a batch committed but before it acknowledged it: the broker
    hands the batch out again, and the second run makes nothing."""
    client_with_everything(program.client, by=program.case_manager)
    pk = program.client.pk
    first = tasks.generate_reminders_batch(pk, pk)
    again = tasks.generate_reminders_batch(pk, pk)
    assert (first["created"], again["created"]) == (len(EVERYTHING_KINDS), 0)
    assert Reminder.objects.count() == len(EVERYTHING_KINDS)
    assert Reminder.history.count() == len(EVERYTHING_KINDS)


def test_seed_demo_makes_reminders_due_and_overdue(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    today = timezone.localdate()
    assert Reminder.objects.due().filter(acts_on__lt=today).exists()  # overdue
    assert Reminder.objects.upcoming().exists()
    states = set(Reminder.objects.values_list("state", flat=True))
    assert {Reminder.State.OPEN, Reminder.State.DONE, Reminder.State.SNOOZED} <= states
    with acting_as("test"):
        assert services.reminders_generate().created == 0  # the demo ran the real sweep
