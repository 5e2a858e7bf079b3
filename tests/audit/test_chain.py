"""Tamper evidence: verify_audit_trail passes an untouched database and names the first broken
link when a history row or access-log entry is altered, removed or slipped in outside the app."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import close_old_connections, connection
from django.db.models import QuerySet
from django.test import RequestFactory
from simple_history.utils import bulk_create_with_history

from clients.models import Client
from housingfirst.access_log import log_access
from housingfirst.audit_log import chain
from housingfirst.models import AccessLogEntry, AuditChainHead, ChangeLogEntry

from ..factories import ClientFactory

pytestmark = pytest.mark.django_db


def verify():
    call_command("verify_audit_trail")


def broken() -> str:
    with pytest.raises(CommandError) as failure:
        verify()
    return str(failure.value)


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


def look(user, obj, client=None):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.10")
    request.user = user
    return log_access(request, obj, client=client)


@pytest.fixture
def history(program):
    """Program data plus a few more changes and views, all through the app."""
    program.client.goals = "Keep my apartment"
    program.client.save()
    program.case_manager.groups.add(Group.objects.get(name="Supervisors"))
    bulk_create_with_history([Client(first_name="Bulk", last_name="Row")], Client)
    for obj in (program.client, program.teammate_client):
        look(program.supervisor, obj, obj)
    return program


def test_an_untouched_database_passes(history, capsys):
    verify()
    out = capsys.readouterr().out
    links = ChangeLogEntry.objects.count()
    assert f"History: {links} links verified." in out
    assert "Access log: 2 links verified." in out
    assert links == sum(model.history.count() for model in chain.registry.audited_models())


def test_altering_a_history_row_breaks_the_chain_at_that_row(history):
    row = Client.history.filter(id=history.client.pk).latest("history_date")
    raw(
        f"UPDATE {table(Client.history.model)} SET goals = %s WHERE history_id = %s",
        "x",
        row.history_id,
    )
    message = broken()
    assert f"client history row #{row.history_id}" in message
    assert f"record #{history.client.pk}" in message
    assert "altered" in message


def test_altering_who_acted_is_caught(history):
    row = Client.history.filter(id=history.client.pk).latest("history_date")
    raw(
        f"UPDATE {table(Client.history.model)} SET history_user_id = %s WHERE history_id = %s",
        history.admin.pk,
        row.history_id,
    )
    assert f"client history row #{row.history_id}" in broken()


def test_deleting_a_history_row_is_caught_and_named(history):
    row = Client.history.filter(id=history.teammate_client.pk).earliest("history_date")
    raw(f"DELETE FROM {table(Client.history.model)} WHERE history_id = %s", row.history_id)
    message = broken()
    assert f"client history row #{row.history_id}" in message and "missing" in message


def test_deleting_a_row_and_its_link_is_caught_at_the_next_link(history):
    link = ChangeLogEntry.objects.order_by("id")[3]
    model = link.content_type.model_class()
    raw(f"DELETE FROM {table(model.history.model)} WHERE history_id = %s", link.history_id)
    raw(f"DELETE FROM {table(ChangeLogEntry)} WHERE id = %s", link.pk)
    message = broken()
    assert f"change-log link #{link.pk + 1}" in message
    assert "a link before it was removed" in message and f"#{link.pk}" in message


def test_removing_the_newest_links_is_caught(history):
    link = ChangeLogEntry.objects.order_by("-id").first()
    model = link.content_type.model_class()
    raw(f"DELETE FROM {table(model.history.model)} WHERE history_id = %s", link.history_id)
    raw(f"DELETE FROM {table(ChangeLogEntry)} WHERE id = %s", link.pk)
    assert "the newest links were removed" in broken()


def _slip_in_a_history_row(program):
    """A copy of a history row inserted around the app (as raw SQL or a data migration would)."""
    values = Client.history.filter(id=program.client.pk).values().first()
    values.update(history_id=None, id=999, first_name="Forged")
    QuerySet(Client.history.model).bulk_create([Client.history.model(**values)])


def test_a_history_row_slipped_in_outside_the_app_is_caught(history):
    _slip_in_a_history_row(history)
    message = broken()
    assert "record #999" in message and "not in the chain" in message


def test_migrate_does_not_seal_a_row_slipped_in_outside_the_app(history):
    _slip_in_a_history_row(history)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert "record #999" in broken()


def test_an_administrator_seals_existing_rows_on_purpose_each_named_and_logged(history, capsys):
    _slip_in_a_history_row(history)
    forged = Client.history.get(id=999)
    call_command("verify_audit_trail", "--seal-existing", "--by", history.admin.username)
    out = capsys.readouterr().out
    assert f"Sealed clients.client history row #{forged.history_id} (record #999" in out
    assert "Sealed 1 history rows" in out
    entry = AccessLogEntry.objects.get(action=AccessLogEntry.Action.SEAL)
    assert entry.user == history.admin and entry.object_id == "999"
    assert entry.client_id is None  # the record it names does not exist
    assert f"#{forged.history_id}" in entry.detail
    verify()  # both chains hold, the seal's own access-log entry included


@pytest.mark.parametrize("who", [None, "cm_own", "nobody"])
def test_sealing_needs_an_active_administrator(history, who):
    _slip_in_a_history_row(history)
    arguments = ["--seal-existing", *(["--by", who] if who else [])]
    with pytest.raises(CommandError):
        call_command("verify_audit_trail", *arguments)
    assert not AccessLogEntry.objects.filter(action=AccessLogEntry.Action.SEAL).exists()
    assert "record #999" in broken()


def test_default_subsidy_types_are_made_through_the_app_and_sealed(history):
    from placements.models import SubsidyType

    assert SubsidyType.objects.count() == 7
    rows = SubsidyType.history.all()
    assert {row.history_actor for row in rows} == {"command:migrate"}
    links = ChangeLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(SubsidyType),
        history_id__in=[row.history_id for row in rows],
    )
    assert links.count() == rows.count()
    verify()


def test_altering_group_membership_history_is_caught(history):
    m2m = history.case_manager.history.model.groups.model
    raw(f"DELETE FROM {table(m2m)} WHERE user_id = %s", history.case_manager.pk)
    assert "history row" in broken()


def test_altering_an_access_log_entry_is_caught_and_named(history):
    entry = AccessLogEntry.objects.order_by("pk").first()
    raw(
        f"UPDATE {table(AccessLogEntry)} SET user_id = %s WHERE id = %s",
        history.auditor.pk,
        entry.pk,
    )
    message = broken()
    assert f"access-log entry #{entry.pk}" in message and "altered" in message


def test_deleting_an_access_log_entry_is_caught_at_the_next_one(history):
    first, second = AccessLogEntry.objects.order_by("pk")
    raw(f"DELETE FROM {table(AccessLogEntry)} WHERE id = %s", first.pk)
    message = broken()
    assert f"access-log entry #{second.pk}" in message and "removed" in message


def test_bulk_access_log_writes_are_sealed(history):
    entries = [
        AccessLogEntry(user=history.supervisor, object_id=str(n), record_label=f"Record {n}")
        for n in range(5)
    ]
    AccessLogEntry.objects.bulk_create(entries)
    verify()
    assert AuditChainHead.objects.get(name="access").length == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_unbroken_chain():
    barrier = threading.Barrier(6)
    errors = []

    def write(n):
        try:
            barrier.wait()
            for k in range(5):
                client = ClientFactory(first_name=f"Writer{n}", last_name=f"Row{k}")
                client.goals = "changed"
                client.save()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert chain.verify_history_chain().ok
    assert ChangeLogEntry.objects.filter(content_type__model="client").count() == 60
