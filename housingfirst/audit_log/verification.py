"""Runs of the audit-trail verifier, recorded (``AuditVerification``) and resumable.

A whole run walks both chains from their first link. A resumed run (beat's nightly run)
starts at the checkpoint of the newest run in which both chains held, so it checks only the
links sealed since: minutes, not hours, over millions of links. A checkpoint is trusted only
when its own seal holds (nobody without the chain key moved it) and its link still has the
hash recorded then; the checkpoint link itself is verified again from the link before it.
What a resumed run cannot see is a rewrite of the links before the checkpoint by someone
holding the key: the published anchors and the weekly whole run (``--full``) are for that.
"""

import hashlib
import hmac
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from ..models import AccessLogEntry, AuditVerification, ChangeLogEntry
from . import chain
from .keys import sealing_key, verifying_keys

CHAIN_MODELS = {chain.HISTORY_CHAIN: ChangeLogEntry, chain.ACCESS_CHAIN: AccessLogEntry}
CHAIN_NAMES = {chain.HISTORY_CHAIN: "History", chain.ACCESS_CHAIN: "Access log"}


@dataclass
class Outcome:
    record: AuditVerification
    reports: list = field(default_factory=list)
    resumed_from: AuditVerification | None = None

    @property
    def ok(self) -> bool:
        return bool(self.record.ok)


def _seal_text(record: AuditVerification) -> str:
    return "\n".join(
        str(value)
        for value in (
            "housingfirst audit verification checkpoint",
            record.scope,
            record.ok,
            record.history_link,
            record.history_position,
            record.history_hash,
            record.access_link,
            record.access_position,
            record.access_hash,
        )
    )


def checkpoint_seal(record: AuditVerification, key: bytes) -> str:
    return hmac.new(key, _seal_text(record).encode(), hashlib.sha256).hexdigest()


def seal_holds(record: AuditVerification) -> bool:
    key = verifying_keys().get(record.key_id)
    return key is not None and hmac.compare_digest(checkpoint_seal(record, key), record.seal)


def checkpoint_of(record: AuditVerification, chain_name: str) -> chain.Checkpoint:
    prefix = "history" if chain_name == chain.HISTORY_CHAIN else "access"
    return chain.Checkpoint(
        link=getattr(record, f"{prefix}_link"),
        position=getattr(record, f"{prefix}_position"),
        hash=getattr(record, f"{prefix}_hash") or chain.GENESIS,
    )


def _sealed_links(chain_name: str):
    links = CHAIN_MODELS[chain_name].objects.all()
    # Access-log entries written before the chain existed carry no hash and are no link.
    return links.exclude(chain_hash="") if chain_name == chain.ACCESS_CHAIN else links


def _link_before(chain_name: str, link_id: int, position: int) -> chain.Checkpoint:
    """Where to start a walk whose first link is ``link_id`` (at ``position``)."""
    before = (
        CHAIN_MODELS[chain_name]
        .objects.filter(pk__lt=link_id)
        .order_by("-pk")
        .values_list("pk", "chain_hash")
        .first()
    )
    if before is None:
        return chain.Checkpoint()
    if position <= 1:  # the first link: it follows the genesis, whatever came before
        return chain.Checkpoint(link=before[0])
    return chain.Checkpoint(link=before[0], position=position - 1, hash=before[1])


def resume_point(record: AuditVerification, chain_name: str) -> tuple[chain.Checkpoint, str]:
    """(where to start, "") from ``record``'s checkpoint, or (genesis, the reason to refuse)."""
    when = timezone.localtime(record.finished_at)
    checkpoint = checkpoint_of(record, chain_name)
    name = CHAIN_NAMES[chain_name].lower()
    if checkpoint.link == 0:
        return chain.Checkpoint(), ""
    stored = (
        CHAIN_MODELS[chain_name]
        .objects.filter(pk=checkpoint.link)
        .values_list("chain_hash", flat=True)
        .first()
    )
    if stored is None:
        return chain.Checkpoint(), (
            f"the checkpoint of {when:%Y-%m-%d %H:%M} ({name} link #{checkpoint.link}) is gone: "
            "links were removed since it was verified"
        )
    if stored != checkpoint.hash:
        return chain.Checkpoint(), (
            f"the checkpoint of {when:%Y-%m-%d %H:%M} does not hold: {name} link "
            f"#{checkpoint.link}'s seal is now {stored[:16]}…, it was {checkpoint.hash[:16]}… "
            "when verified (the chain was rewritten up to there; check it whole with --full "
            "and the published anchors)"
        )
    return _link_before(chain_name, checkpoint.link, checkpoint.position), ""


def latest_checkpoint() -> tuple[AuditVerification | None, str]:
    """The run to resume from (None: start from the first link), or the reason to refuse it."""
    record = AuditVerification.objects.checkpoints().first()
    if record is None:
        return None, ""
    if not seal_holds(record):
        when = timezone.localtime(record.finished_at)
        return record, (
            f"the checkpoint of {when:%Y-%m-%d %H:%M} (verification #{record.pk}) carries no "
            "valid seal: it was forged or altered in the database"
        )
    return record, ""


def range_start(chain_name: str, first: int | None) -> chain.Checkpoint:
    """Where to start a walk of ``chain_name`` whose first link is ``first`` (None: the first)."""
    if not first:
        return chain.Checkpoint()
    position = _sealed_links(chain_name).filter(pk__lt=first).count() + 1
    return _link_before(chain_name, first, position)


def _verify(chain_name: str, anchors, start, up_to):
    walks = {
        chain.HISTORY_CHAIN: chain.verify_history_chain,
        chain.ACCESS_CHAIN: chain.verify_access_chain,
    }
    return walks[chain_name](anchors=(anchors or {}).get(chain_name), start=start, up_to=up_to)


def run_verification(
    *,
    triggered_by: str,
    resume: bool = False,
    anchors=None,
    chains=(chain.HISTORY_CHAIN, chain.ACCESS_CHAIN),
    first: int | None = None,
    last: int | None = None,
) -> Outcome:
    """Verify the chains and record the run; see the module's docstring for ``resume``.

    ``first``/``last`` (link ids, one chain in ``chains``) verify a range: recorded, but
    never a checkpoint, since the links before it were not checked.
    """
    ranged = first is not None or last is not None
    if ranged:
        scope = AuditVerification.Scope.RANGE
    else:
        scope = AuditVerification.Scope.RESUMED if resume else AuditVerification.Scope.FULL
    record = AuditVerification.objects.create(scope=scope, triggered_by=triggered_by)
    outcome = Outcome(record)
    starts = {name: chain.Checkpoint() for name in chains}
    problem = ""
    if resume and not ranged:
        outcome.resumed_from, problem = latest_checkpoint()
        for name in chains if outcome.resumed_from and not problem else ():
            starts[name], problem = resume_point(outcome.resumed_from, name)
            if problem:
                break
    elif ranged:
        starts = {name: range_start(name, first) for name in chains}
    problems = [problem] if problem else []
    if not problem:
        for name in chains:
            report = _verify(name, anchors, starts[name], last)
            outcome.reports.append(report)
            record.links_checked += report.checked
            setattr(record, f"{_prefix(name)}_link", report.end.link)
            setattr(record, f"{_prefix(name)}_position", report.end.position)
            setattr(record, f"{_prefix(name)}_hash", report.end.hash)
            if not report.ok:
                problems.append(f"{CHAIN_NAMES[name]} chain broken at {report.problem}")
    record.ok = not problems
    record.problem = "\n".join(problems)
    record.finished_at = timezone.now()
    record.key_id, key = sealing_key()
    record.seal = checkpoint_seal(record, key)
    record.save()
    return outcome


def record_refusal(*, triggered_by: str, full: bool, problem: str) -> AuditVerification:
    """Record a run that could not start (an unreadable anchor file): a failure to look at."""
    scope = AuditVerification.Scope.FULL if full else AuditVerification.Scope.RESUMED
    now = timezone.now()
    return AuditVerification.objects.create(
        scope=scope,
        triggered_by=triggered_by,
        started_at=now,
        finished_at=now,
        ok=False,
        problem=problem,
    )


def _prefix(chain_name: str) -> str:
    return "history" if chain_name == chain.HISTORY_CHAIN else "access"


def latest_results() -> dict:
    """What /audit/ shows: the newest run and the newest whole run (two queries)."""
    runs = AuditVerification.objects.order_by("-started_at", "-pk")
    return {
        "latest": runs.first(),
        "latest_full": runs.filter(scope=AuditVerification.Scope.FULL)
        .filter(~Q(finished_at=None))
        .first(),
    }
