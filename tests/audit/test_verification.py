"""Verification runs: recorded, resumable from a checkpoint (the nightly run), over a range,
streamed in batches; beat runs them and /audit/ shows the latest result."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from clients.models import Client
from housingfirst import tasks
from housingfirst.audit_log import chain, registry, verification
from housingfirst.models import AccessLogEntry, AuditVerification, ChangeLogEntry

from ..factories import ClientFactory
from .builders import NoBuilder, build, change
from .conftest import acting_user
from .test_chain import history, look, raw, table  # noqa: F401 (history: a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(history):  # noqa: F811 (the fixture imported above)
    """The program, a few more changes and two access-log entries (tests/audit/test_chain)."""
    return history


def run(*arguments) -> AuditVerification:
    call_command("verify_audit_trail", *arguments)
    return AuditVerification.objects.latest("pk")


def refused(*arguments) -> tuple[str, AuditVerification]:
    with pytest.raises(CommandError) as failure:
        call_command("verify_audit_trail", *arguments)
    return str(failure.value), AuditVerification.objects.latest("pk")


def new_links(count: int) -> list[Client]:
    return [ClientFactory(first_name=f"Later{n}") for n in range(count)]


def tamper(client: Client) -> int:
    """Alter a client's first history row around the app; the id of the row altered."""
    row = Client.history.filter(id=client.pk).earliest("history_date")
    raw(
        f"UPDATE {table(Client.history.model)} SET goals = %s WHERE history_id = %s",
        "rewritten",
        row.history_id,
    )
    return row.history_id


def test_a_run_is_recorded_with_its_checkpoint(trail):
    record = run()
    assert record.ok is True and record.scope == AuditVerification.Scope.FULL
    assert record.triggered_by == "command:verify_audit_trail"
    assert record.finished_at is not None and record.problem == ""
    head = ChangeLogEntry.objects.order_by("-pk").first()
    assert (record.history_link, record.history_hash) == (head.pk, head.chain_hash)
    assert record.history_position == ChangeLogEntry.objects.count()
    assert record.access_position == AccessLogEntry.objects.count()
    assert record.links_checked == record.history_position + record.access_position
    assert verification.seal_holds(record)


def test_a_resumed_run_checks_only_the_links_since_the_checkpoint(trail, capsys):
    full = run()
    later = new_links(3)
    look(trail.supervisor, later[0], later[0])
    resumed = run("--resume")
    assert resumed.ok is True and resumed.scope == AuditVerification.Scope.RESUMED
    # The three clients' links and the new access-log entry, plus each checkpoint link again.
    assert resumed.links_checked == (3 + 1) + (1 + 1)
    assert resumed.history_position == full.history_position + 3
    assert resumed.access_position == full.access_position + 1
    assert f"history link #{full.history_link}" in capsys.readouterr().out
    again = run("--resume")  # nothing new: only the checkpoint links, verified again
    assert again.ok is True and again.links_checked == 2


def test_a_resumed_run_without_a_checkpoint_verifies_everything(trail):
    record = run("--resume")
    assert record.ok is True
    assert record.history_position == ChangeLogEntry.objects.count()


def test_a_tampered_link_before_the_checkpoint_is_left_to_a_whole_run(trail):
    run()
    new_links(2)
    altered = tamper(trail.client)
    # What the nightly run cannot see: the links before its checkpoint (the weekly whole run
    # and the published anchors are for that).
    assert run("--resume").ok is True
    message, record = refused("--full")
    assert f"client history row #{altered}" in message and "altered" in message
    assert record.ok is False and f"#{altered}" in record.problem


def test_a_tampered_link_after_the_checkpoint_is_found_by_a_resumed_run(trail):
    run()
    later = new_links(3)
    altered = tamper(later[1])
    message, record = refused("--resume")
    assert f"client history row #{altered}" in message
    assert record.ok is False and record.scope == AuditVerification.Scope.RESUMED
    # A failed run is no checkpoint: the next night finds the problem again.
    message, _ = refused("--resume")
    assert f"client history row #{altered}" in message


def test_the_checkpoint_link_itself_is_verified_again(trail):
    later = new_links(1)
    record = run()
    link = ChangeLogEntry.objects.get(pk=record.history_link)
    assert link.object_id == str(later[0].pk)
    altered = tamper(later[0])
    message, _ = refused("--resume")
    assert f"client history row #{altered}" in message


def test_a_checkpoint_whose_link_seal_changed_is_refused(trail):
    record = run()
    new_links(2)
    # A rewrite by someone holding the key recomputes every seal from there on: the link at
    # the checkpoint then no longer has the seal the checkpoint recorded.
    raw(
        f"UPDATE {table(ChangeLogEntry)} SET chain_hash = %s WHERE id = %s",
        "e" * 64,
        record.history_link,
    )
    message, failed = refused("--resume")
    assert "checkpoint" in message and "does not hold" in message
    assert f"#{record.history_link}" in message
    assert failed.ok is False and failed.links_checked == 0 and failed.history_link == 0


def test_a_moved_checkpoint_is_refused(trail):
    record = run()
    later = new_links(2)
    tamper(later[0])
    head = ChangeLogEntry.objects.order_by("-pk").first()
    # Someone without the key moves the checkpoint past the row they altered.
    raw(
        f"UPDATE {table(AuditVerification)} SET history_link = %s, history_hash = %s, "
        "history_position = %s WHERE id = %s",
        head.pk,
        head.chain_hash,
        record.history_position + 2,
        record.pk,
    )
    message, _ = refused("--resume")
    assert "carries no valid seal" in message


def test_a_range_verifies_only_its_links(trail, capsys):
    ids = list(ChangeLogEntry.objects.order_by("pk").values_list("pk", flat=True))
    first, last = ids[2], ids[5]
    record = run("--chain", "history", "--from", str(first), "--to", str(last))
    assert record.ok is True and record.scope == AuditVerification.Scope.RANGE
    assert record.links_checked == 4 and record.history_link == last
    assert record.history_position == 6
    assert f"Range: links #{first} to #{last}" in capsys.readouterr().out
    later = new_links(1)
    tamper(later[0])
    assert run("--chain", "history", "--from", str(first), "--to", str(last)).ok is True
    message, _ = refused("--chain", "history", "--from", str(first))
    assert "altered" in message


def test_a_range_is_never_a_checkpoint(trail):
    ids = list(ChangeLogEntry.objects.order_by("pk").values_list("pk", flat=True))
    run("--chain", "history", "--from", str(ids[-2]))
    assert not AuditVerification.objects.checkpoints().exists()


@pytest.mark.parametrize(
    "arguments",
    [
        ["--from", "3"],
        ["--chain", "history"],
        ["--chain", "history", "--from", "0"],
        ["--chain", "history", "--from", "9", "--to", "3"],
        ["--resume", "--chain", "access", "--to", "3"],
    ],
)
def test_bad_range_options_are_refused_plainly(trail, arguments):
    with pytest.raises(CommandError):
        call_command("verify_audit_trail", *arguments)
    assert not AuditVerification.objects.exists()


def test_the_nightly_task_records_a_resumed_run(trail, settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    assert tasks.verify_audit_trail() is True
    first = AuditVerification.objects.get()
    assert (first.triggered_by, first.scope, first.ok) == ("beat", "resumed", True)
    new_links(2)
    assert tasks.verify_audit_trail() is True
    second = AuditVerification.objects.latest("pk")
    assert second.links_checked == 2 + 1 + 1
    assert tasks.verify_audit_trail(full=True) is True
    assert AuditVerification.objects.latest("pk").scope == "full"


def test_the_nightly_task_checks_the_published_anchors(trail, settings, tmp_path):
    from housingfirst.audit_log import anchors

    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    assert tasks.verify_audit_trail() is True
    anchors.publish_anchors()
    # The anchored head is rewritten by someone holding the key (a new seal, consistent).
    head = ChangeLogEntry.objects.order_by("-pk").first()
    raw(f"UPDATE {table(ChangeLogEntry)} SET chain_hash = %s WHERE id = %s", "d" * 64, head.pk)
    assert tasks.verify_audit_trail(full=True) is False
    assert AuditVerification.objects.latest("pk").ok is False


def test_the_nightly_task_records_an_unreadable_anchor_file(trail, settings, tmp_path):
    path = tmp_path / "anchors.jsonl"
    path.write_text("{not an anchor\n")
    settings.AUDIT_ANCHOR_FILE = str(path)
    assert tasks.verify_audit_trail() is False
    record = AuditVerification.objects.get()
    assert record.ok is False and "Cannot read the anchors" in record.problem


def test_the_nightly_runs_are_scheduled(settings):
    nightly = settings.CELERY_BEAT_SCHEDULE["verify-audit-trail"]
    weekly = settings.CELERY_BEAT_SCHEDULE["verify-audit-trail-full"]
    assert nightly["task"] == weekly["task"] == "housingfirst.tasks.verify_audit_trail"
    assert weekly["kwargs"] == {"full": True}
    assert nightly["schedule"].hour == {settings.AUDIT_VERIFY_HOUR}
    assert nightly["schedule"].day_of_week.isdisjoint(weekly["schedule"].day_of_week)


def test_auditors_see_the_latest_result_on_the_change_log(trail, login, settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    browser = login(trail.auditor)
    assert "has not been verified yet" in browser.get("/audit/").content.decode()
    run()
    new_links(1)
    tasks.verify_audit_trail()
    page = browser.get("/audit/").content.decode()
    assert "Intact" in page and "new links since the last checkpoint" in page
    checked = AuditVerification.objects.latest("pk").links_checked
    assert f"{checked} links checked" in page and "Last whole check" in page
    later = new_links(1)
    altered = tamper(later[0])
    tasks.verify_audit_trail()
    page = browser.get("/audit/").content.decode()
    assert "Problem found" in page and f"history row #{altered}" in page


def test_administrators_see_it_and_case_managers_may_not(trail, login):
    run()
    assert "Intact" in login(trail.admin).get("/audit/").content.decode()
    assert login(trail.case_manager).get("/audit/").status_code == 403


def test_the_verifier_never_holds_more_than_a_batch(trail, monkeypatch):
    """Memory stays flat: every query returns at most a batch of links (history rows at most
    twice that, a dense id range), and many-to-many snapshots come a few at a time."""
    new_links(12)
    for n in range(4):  # staff accounts' history carries their groups (many-to-many)
        with acting_user(trail.admin):
            trail.teammate.groups.add(*trail.case_manager.groups.all())
            trail.teammate.first_name = f"Renamed{n}"
            trail.teammate.save()
    fetched, snapshot_ids = [], []
    tuples, snapshots = chain._tuples, registry.m2m_snapshots

    def counting_tuples(values_list):
        rows = tuples(values_list)
        fetched.append(len(rows))
        return rows

    def counting_snapshots(history_model, history_ids, using=None):
        snapshot_ids.append(len(history_ids))
        return snapshots(history_model, history_ids, using)

    monkeypatch.setattr(chain, "_tuples", counting_tuples)
    monkeypatch.setattr(registry, "m2m_snapshots", counting_snapshots)
    monkeypatch.setattr(chain, "M2M_VALUES_AT_ONCE", 1)
    report = chain.verify_history_chain(batch=5)
    assert report.ok, report.problem
    assert report.checked == ChangeLogEntry.objects.count() > 30
    assert fetched and max(fetched) <= 2 * 5
    # A budget of one member id at a time: one staff account's snapshot a query.
    assert len(snapshot_ids) > 4 and set(snapshot_ids) == {1}


def test_queries_grow_with_batches_only(trail, django_assert_max_num_queries):
    new_links(10)
    links = ChangeLogEntry.objects.count()
    types = ChangeLogEntry.objects.values("content_type").distinct().count()
    pages = -(-links // 10)
    # A page's links, then its rows of each type (and the snapshots of types that have some).
    with django_assert_max_num_queries(pages * (1 + 2 * types) + 3):
        assert chain.verify_history_chain(batch=10, up_to=10**12).ok


def test_every_audited_model_verifies_through_the_fast_path(program):
    """The verifier rebuilds each sealed payload with per-column converters: it must agree
    with the sealing code's ``_canonical`` for every column type of every audited model."""
    built = 0
    with acting_user(program.supervisor):
        for model in registry.audited_models():
            try:
                instance = build(model, program)
            except NoBuilder:
                continue
            change(instance)
            built += 1
    assert built > 20
    report = chain.verify_history_chain()
    assert report.ok, report.problem
    assert report.checked == ChangeLogEntry.objects.count()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's loaders")
def test_timestamps_read_fast_equal_djangos(trail):
    links = ChangeLogEntry.objects.order_by("pk").values_list("pk", "history_date")
    assert chain._tuples(links) == list(links)
