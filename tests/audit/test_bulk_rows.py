"""Rows written in bulk as tuples (``housingfirst.bulk``, the demo seed's large program): every
record gets its creation history row, with the person, job and reason of the context, sealed
into the audit chain; the chain verifies; large batches go in with COPY on PostgreSQL."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction

from clients.models import Client
from housingfirst import bulk
from housingfirst.audit import acting_as, change_reason, fingerprint
from housingfirst.audit_log import chain
from housingfirst.models import ChangeLogEntry
from housingfirst.roles import Role

pytestmark = pytest.mark.django_db

COLUMNS = ("first_name", "last_name", "program_start_date")


def _rows(count):
    return [(f"Bulk{n}", "Client", date(2024, 1, 1 + n % 28)) for n in range(count)]


@pytest.mark.parametrize("count", [3, bulk.COPY_AT_LEAST + 5])  # an INSERT, and a COPY
def test_records_get_their_history_rows_sealed_and_the_chain_verifies(count):
    person = get_user_model().objects.create_user("seeder")
    links = ChangeLogEntry.objects.count()
    with acting_as("command:test", user=person), change_reason("Bulk test"):
        ids = bulk.insert_with_history(Client, COLUMNS, _rows(count))
    clients = list(Client.objects.filter(pk__in=ids).order_by("pk"))
    assert [c.pk for c in clients] == ids == sorted(ids)
    assert [c.first_name for c in clients] == [f"Bulk{n}" for n in range(count)]
    # Columns left out take their defaults; auto_now ones the moment of the write.
    assert {(c.version, c.status) for c in clients} == {(1, Client.Status.ACTIVE)}
    assert all(c.created_at and c.updated_at for c in clients)
    rows = list(Client.history.filter(id__in=ids).order_by("id"))
    assert [r.id for r in rows] == ids
    assert {
        (r.history_type, r.history_user, r.history_actor, r.history_change_reason) for r in rows
    } == {("+", person, "command:test", "Bulk test")}
    assert ChangeLogEntry.objects.count() == links + count
    sealed = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client),
        history_id__in=[r.history_id for r in rows],
    )
    assert set(sealed.values_list("client_id", flat=True)) == set(ids)
    assert chain.verify_history_chain().ok


def test_many_to_many_members_are_written_with_their_history_copy_and_secrets_hidden():
    group = Group.objects.get(name=Role.CASE_MANAGER.value)
    User = get_user_model()
    with acting_as("command:test"):
        ids = bulk.insert_with_history(
            User,
            ("username", "password"),
            [(f"bulk{n}", "not-a-real-hash") for n in range(bulk.COPY_AT_LEAST)],
            m2m={"groups": [group.pk]},
        )
    users = User.objects.filter(pk__in=ids)
    assert users.count() == bulk.COPY_AT_LEAST
    assert all(list(user.groups.all()) == [group] for user in users)
    row = User.history.get(id=ids[0])
    assert [member.group_id for member in row.groups.all()] == [group.pk]
    assert row.password == fingerprint("not-a-real-hash")
    assert chain.verify_history_chain().ok


def test_ids_are_allocated_in_order_after_the_highest_used():
    before = Client.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ids = bulk.allocate_ids(Client, 5)
    assert ids == sorted(ids) and len(set(ids)) == 5 and ids[0] > before
    if connection.vendor == "postgresql":  # the sequence moved on: nobody else gets them
        assert bulk.allocate_ids(Client, 1)[0] > ids[-1]


def test_a_large_seal_matches_what_the_verifier_reads():
    with acting_as("command:test"), change_reason("Many"):
        bulk.insert_with_history(Client, COLUMNS, _rows(chain.SEAL_BATCH + 50))
    report = chain.verify_history_chain()
    assert report.ok and report.checked >= chain.SEAL_BATCH + 50


@pytest.mark.parametrize("count", [3, bulk.COPY_AT_LEAST + 5])  # an INSERT, and a COPY
def test_a_row_the_database_refuses_raises_djangos_integrity_error(count):
    """Callers retry on IntegrityError (the reminder sweep meeting a concurrent one): a COPY's
    refusal is raised as Django's, like an INSERT's, and nothing of the call is kept."""
    existing = Client.objects.create(first_name="Already", last_name="Here")
    rows = [(existing.pk, *row) for row in _rows(count)]  # the same id every time
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.insert_rows(Client, ("id", *COLUMNS), rows)
    assert list(Client.objects.values_list("pk", flat=True)) == [existing.pk]
