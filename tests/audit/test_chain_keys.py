"""A keyed chain (issue 18, point 13): whoever writes to the database cannot rewrite a row and
recompute the later links without AUDIT_CHAIN_KEY; keys rotate; the daily anchors catch even a
rewrite by someone holding the key."""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import connection

from clients.models import Client
from housingfirst.audit_log import chain, registry
from housingfirst.audit_log.keys import verifying_keys
from housingfirst.models import AuditChainHead, ChangeLogEntry
from housingfirst.tasks import publish_audit_anchor

pytestmark = pytest.mark.django_db

REAL_KEY = "test-only-audit-chain-key-A-0123456789abcdefghijklmnopqrstuv"
NEXT_KEY = "test-only-audit-chain-key-B-0123456789abcdefghijklmnopqrstuv"


@pytest.fixture
def keyed(settings):
    # The test database's first rows (made by migrate) were sealed with the key in effect then:
    # the development key, or the one CI sets in the environment.
    settings.FIRST_AUDIT_CHAIN_KEY = settings.AUDIT_CHAIN_KEY
    settings.AUDIT_CHAIN_KEY = REAL_KEY
    settings.AUDIT_CHAIN_KEYS = [settings.FIRST_AUDIT_CHAIN_KEY]
    return settings


@pytest.fixture
def trail(keyed, program):
    for name in ("Ana", "Ben", "Cy"):
        client = Client.objects.get(pk=program.client.pk)
        client.goals = f"Goal told to {name}"
        client.save()
    return program


def verify(*anchor_files):
    arguments = [item for path in anchor_files for item in ("--anchors", str(path))]
    call_command("verify_audit_trail", *arguments)


def broken(*anchor_files) -> str:
    with pytest.raises(CommandError) as failure:
        verify(*anchor_files)
    return str(failure.value)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


def rewrite_history(program, guess: bytes | None = None):
    """A database writer's forgery: change a history row, then recompute every link (and the
    head) as the app would have sealed them: with a ``guess`` at the key, or, for someone who
    holds the keys, with each link's own key."""
    keys = verifying_keys()
    history_model = Client.history.model
    row = Client.history.filter(id=program.client.pk).order_by("history_id").first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(history_model)} SET goals = %s WHERE history_id = %s",
            ["Forged", row.history_id],
        )
    previous = chain.GENESIS
    for link in ChangeLogEntry.objects.order_by("pk"):
        model = ContentType.objects.get_for_id(link.content_type_id).model_class()
        rows_model = registry.history_model_for(model)
        stored = (
            rows_model._default_manager.filter(pk=link.history_id)
            .values(*chain.history_columns(rows_model))
            .get()
        )
        snapshot = registry.m2m_snapshots(rows_model, [link.history_id])[link.history_id]
        content_type = ContentType.objects.get_for_id(link.content_type_id)
        payload = chain.history_payload(content_type, chain.link_fields_of(link), stored, snapshot)
        new_hash = chain.link_hash(previous, payload, guess or keys[link.key_id])
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_table(ChangeLogEntry)} SET chain_hash = %s WHERE id = %s",
                [new_hash, link.pk],
            )
        previous = new_hash
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(AuditChainHead)} SET last_hash = %s WHERE name = %s",
            [previous, chain.HISTORY_CHAIN],
        )


def test_links_record_their_key_id_and_not_the_key(trail):
    link = ChangeLogEntry.objects.order_by("pk").last()
    assert link.key_id == chain.sealing_key()[0] and REAL_KEY not in link.key_id
    verify()


def test_a_rewrite_recomputed_without_the_key_is_caught(trail):
    rewrite_history(trail, guess=b"a guess at the key")
    assert "its seal does not hold" in broken()


def test_a_rewrite_recomputed_with_the_key_passes_without_anchors(trail):
    # Why anchors exist: whoever holds the key can recompute the chain.
    rewrite_history(trail)
    verify()


def test_with_a_rotated_key_old_links_still_verify(trail, keyed, program):
    old_links = ChangeLogEntry.objects.count()
    keyed.AUDIT_CHAIN_KEY = NEXT_KEY
    keyed.AUDIT_CHAIN_KEYS = [REAL_KEY, keyed.FIRST_AUDIT_CHAIN_KEY]
    client = Client.objects.get(pk=program.client.pk)
    client.goals = "After the rotation"
    client.save()
    newest = ChangeLogEntry.objects.order_by("pk").last()
    assert ChangeLogEntry.objects.count() > old_links
    assert newest.key_id != ChangeLogEntry.objects.order_by("pk")[old_links - 1].key_id
    verify()

    keyed.AUDIT_CHAIN_KEYS = [keyed.FIRST_AUDIT_CHAIN_KEY]  # the old key retired too soon
    assert "is none of AUDIT_CHAIN_KEY and AUDIT_CHAIN_KEYS" in broken()


def test_a_link_without_a_key_id_is_caught(trail):
    link = ChangeLogEntry.objects.order_by("pk").last()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {_table(ChangeLogEntry)} SET key_id = '' WHERE id = %s", [link.pk])
    assert "carries no key id" in broken()


def test_the_daily_anchor_is_appended_mailed_and_logged(trail, keyed, tmp_path, caplog):
    keyed.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    keyed.AUDIT_ANCHOR_EMAIL = ["evidence@example.org"]
    keyed.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert "publish-audit-anchor" in keyed.CELERY_BEAT_SCHEDULE
    # One line per chain (the access log's chain has no head until its first entry).
    assert publish_audit_anchor.apply().get() == AuditChainHead.objects.count() == 1
    first = (tmp_path / "anchors.jsonl").read_text()
    heads = [json.loads(line) for line in first.splitlines()]
    history_head = AuditChainHead.objects.get(name=chain.HISTORY_CHAIN)
    assert {
        "chain": "history",
        "position": history_head.length,
        "link": history_head.last_id,
        "hash": history_head.last_hash,
    }.items() <= next(h for h in heads if h["chain"] == "history").items()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["evidence@example.org"]
    assert history_head.last_hash in mail.outbox[0].body
    assert history_head.last_hash in caplog.text

    Client.objects.filter(pk=trail.client.pk).first().save()
    publish_audit_anchor.apply().get()
    second = (tmp_path / "anchors.jsonl").read_text()
    assert second.startswith(first) and len(second.splitlines()) == 2  # appended, not rewritten
    verify(tmp_path / "anchors.jsonl")


def test_a_rewrite_with_the_key_is_caught_by_the_anchors(trail, keyed, tmp_path):
    keyed.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    publish_audit_anchor.apply().get()
    verify(keyed.AUDIT_ANCHOR_FILE)
    rewrite_history(trail)
    message = broken(keyed.AUDIT_ANCHOR_FILE)
    assert "does not match" in message and "anchors.jsonl:" in message


def test_an_anchor_beyond_the_chain_is_named_missing(trail, tmp_path):
    head = AuditChainHead.objects.get(name=chain.HISTORY_CHAIN)
    path = tmp_path / "anchors.txt"
    line = {"at": "2026-11-30T01:05:00+00:00", "chain": "history", "hash": "0" * 64}
    path.write_text(
        "Saved from the anchor mail:\n"
        + json.dumps({**line, "position": head.length + 5, "link": head.last_id + 5})
        + "\n"
    )
    message = broken(path)
    assert "is missing" in message and f"link #{head.last_id + 5}" in message


def test_a_malformed_anchor_file_is_refused(trail, tmp_path):
    path = tmp_path / "anchors.jsonl"
    path.write_text('{"chain": "history"}\n')
    assert "not an anchor" in broken(path)


def test_deploy_check_warns_about_a_missing_or_weak_key(settings):
    def warnings():
        return [m.id for m in run_checks(include_deployment_checks=True) if m.id.startswith("h")]

    settings.AUDIT_CHAIN_KEY = settings.DEV_AUDIT_CHAIN_KEY
    assert "housingfirst.W001" in warnings()
    settings.AUDIT_CHAIN_KEY = "short"
    assert "housingfirst.W001" in warnings()
    settings.AUDIT_CHAIN_KEY = settings.SECRET_KEY
    assert "housingfirst.W001" in warnings()
    settings.AUDIT_CHAIN_KEY = REAL_KEY
    assert "housingfirst.W001" not in warnings()
