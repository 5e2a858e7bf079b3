"""Buffered history (``housingfirst.audit.buffered_history``): a long writer's history rows are
written and sealed in bulk at the block's end, with the values, person and reason of the moment
each record was saved; a savepoint's rows can be dropped; a dry run writes none."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from clients.models import Client
from housingfirst.audit import acting_as, buffered_history, change_reason
from housingfirst.audit_log import chain
from housingfirst.models import AuditChainHead, ChangeLogEntry

from ..factories import ClientFactory

pytestmark = pytest.mark.django_db


def test_rows_wait_for_the_end_of_the_block_then_are_sealed_with_their_moment():
    person = get_user_model().objects.create_user("importer")
    links = ChangeLogEntry.objects.count()
    with acting_as("command:test", user=person), change_reason("Imported"):
        with transaction.atomic(), buffered_history():
            client = ClientFactory(first_name="Ana")
            client.first_name = "Anna"
            client.save()
            assert not client.history.exists()  # held back until the block ends
    rows = list(client.history.order_by("history_id"))
    assert [(r.history_type, r.first_name) for r in rows] == [("+", "Ana"), ("~", "Anna")]
    assert {(r.history_user, r.history_actor, r.history_change_reason) for r in rows} == {
        (person, "command:test", "Imported")
    }
    assert ChangeLogEntry.objects.count() > links
    assert chain.verify_history_chain().ok


def test_rows_after_a_mark_are_dropped_with_their_savepoint():
    with transaction.atomic(), buffered_history() as buffer:
        kept = ClientFactory(first_name="Kept")
        mark = buffer.mark()
        with pytest.raises(RuntimeError), transaction.atomic():
            ClientFactory(first_name="Gone")
            raise RuntimeError
        buffer.discard_after(mark)
    assert kept.history.count() == 1
    assert not Client.history.filter(first_name="Gone").exists()
    assert chain.verify_history_chain().ok


def test_an_error_in_the_block_writes_nothing():
    links = ChangeLogEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), buffered_history():
        ClientFactory()
        raise RuntimeError
    assert ChangeLogEntry.objects.count() == links and not Client.history.exists()


def test_a_dry_run_buffer_keeps_no_history_and_never_touches_the_chain():
    links = ChangeLogEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        with transaction.atomic(), buffered_history(keep=False):
            client = ClientFactory()
    assert not client.history.exists() and ChangeLogEntry.objects.count() == links
    chain_head = AuditChainHead._meta.db_table
    assert not [q["sql"] for q in queries.captured_queries if chain_head in q["sql"]]


def test_models_with_many_to_many_history_are_written_at_once():
    with transaction.atomic(), buffered_history():
        account = get_user_model().objects.create_user("someone")
        assert account.history.count() == 1  # its groups are snapshotted with the row
