"""Writing transactions (housingfirst.transactions): the audit chain's head is locked first, and
a transaction PostgreSQL cancels (deadlock, serialization failure) runs once more, unseen."""

import contextlib
import threading
import uuid

import pytest
from django.contrib.messages import get_messages
from django.db import OperationalError, close_old_connections, connection, transaction
from django.urls import reverse

from clients.models import Team
from housingfirst import transactions
from placements.models import Contact

pytestmark = pytest.mark.django_db(transaction=True)


class Cancelled(Exception):
    """What psycopg raises: an error carrying PostgreSQL's SQLSTATE."""

    def __init__(self, sqlstate):
        super().__init__(f"cancelled ({sqlstate})")
        self.sqlstate = sqlstate


def cancelled(sqlstate=transactions.DEADLOCK) -> OperationalError:
    try:
        raise OperationalError("deadlock detected") from Cancelled(sqlstate)
    except OperationalError as error:
        return error


def failing_first(times, error_factory):
    calls = []

    def function():
        calls.append(1)
        Team.objects.create(name=f"Team {uuid.uuid4()}")
        if len(calls) <= times:
            raise error_factory()
        return len(calls)

    return function, calls


@pytest.mark.parametrize("state", [transactions.DEADLOCK, transactions.SERIALIZATION_FAILURE])
def test_a_cancelled_transaction_runs_once_more_and_keeps_nothing_of_the_first_run(state):
    function, calls = failing_first(1, lambda: cancelled(state))
    assert transactions.run_writing(function) == 2
    assert Team.objects.count() == 1


def test_a_second_cancellation_is_raised():
    function, calls = failing_first(2, cancelled)
    with pytest.raises(OperationalError):
        transactions.run_writing(function)
    assert len(calls) == 2 and not Team.objects.exists()


def test_other_database_errors_are_not_run_again():
    function, calls = failing_first(1, lambda: OperationalError("disk full"))
    with pytest.raises(OperationalError):
        transactions.run_writing(function)
    assert len(calls) == 1


def test_inside_another_transaction_the_error_is_left_to_it():
    function, calls = failing_first(1, cancelled)
    with pytest.raises(OperationalError), transaction.atomic():
        transactions.run_writing(function)
    assert len(calls) == 1


def test_a_request_cancelled_at_commit_is_answered_as_if_nothing_happened(
    program, login, monkeypatch
):
    """The person sees one success message and one contact, not a 500."""
    real_writing = transactions.writing
    commits = []

    @contextlib.contextmanager
    def cancelled_at_first_commit(**kwargs):
        with real_writing(**kwargs):
            yield
            commits.append(1)
            if len(commits) == 1:
                raise cancelled()

    monkeypatch.setattr(transactions, "writing", cancelled_at_first_commit)
    browser = login(program.case_manager)
    response = browser.post(
        reverse("placements:contact_create", args=[program.client.pk]),
        {"kind": "phone_call", "occurred_at": "2025-01-02T10:00", "note": "Called"},
    )
    assert response.status_code == 302
    assert len(commits) == 2
    assert Contact.objects.filter(client=program.client, note="Called").count() == 1
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Phone call logged."]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a real deadlock needs PostgreSQL")
def test_a_real_deadlock_is_run_again():
    """Two transactions lock two rows in opposite orders: PostgreSQL cancels one (rarely both),
    which runs again once the other has committed; both succeed."""
    first, second = Team.objects.create(name="First"), Team.objects.create(name="Second")
    both_locked_one = threading.Barrier(2)
    results, errors = [], []

    def lock_in_order(rows):
        attempts = []

        def work():
            attempts.append(1)
            first_run = len(attempts) == 1
            # PostgreSQL may cancel both first runs at once (their deadlock checks fire in the
            # same instant). A run again locks in one order, as the chain's head makes every
            # real writer do, so the two second runs cannot deadlock each other.
            order = rows if first_run else sorted(rows, key=lambda row: row.pk)
            Team.objects.select_for_update().get(pk=order[0].pk)
            if first_run:
                both_locked_one.wait(timeout=10)
            Team.objects.select_for_update().get(pk=order[1].pk)
            return len(attempts)

        try:
            results.append(transactions.run_writing(work, lock_chain=False))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=lock_in_order, args=(order,))
        for order in ((first, second), (second, first))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(results) == 2 and max(results) == 2  # at least one was cancelled and ran again
