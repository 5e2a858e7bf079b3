"""Anchors: the audit chains' heads, published every day outside the database.

Whoever holds the chain key and can write to the database could still rewrite a row and
recompute every later link. An anchor says, at a moment, which hash each chain's head had and
at which position; it is appended to a file (``AUDIT_ANCHOR_FILE``, opened for appending
only), mailed (``AUDIT_ANCHOR_EMAIL``) and logged, so an auditor holding a copy can prove the
state of the log on that day (``verify_audit_trail --anchors FILE``).

One JSON object a line: ``{"at", "chain", "position", "link", "hash"}``: the time, the chain
("history" or "access"), how many links it held, the id of its newest link and that link's hash.
"""

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from ..models import AuditChainHead

logger = logging.getLogger(__name__)


@dataclass
class Anchor:
    chain: str
    position: int
    link: int
    hash: str
    at: str
    source: str = ""
    checked_at: int | None = None  # set by verification when it reaches the anchored link

    def line(self) -> str:
        fields = {"at": self.at, "chain": self.chain, "position": self.position}
        return json.dumps({**fields, "link": self.link, "hash": self.hash}, sort_keys=True)

    def _name(self) -> str:
        where = f" ({self.source})" if self.source else ""
        return f"the anchor of {self.at}{where}: position {self.position}, link #{self.link}"

    def mismatch(self, checked: int, chain_hash: str) -> str:
        """The problem when the chain at this anchor's link differs from it, else ""."""
        self.checked_at = checked
        if chain_hash != self.hash:
            return (
                f"{self._name()} does not match: the link's hash is now {chain_hash[:16]}…, "
                f"it was {self.hash[:16]}… (the chain was rewritten up to there)"
            )
        if checked != self.position:
            return (
                f"{self._name()} does not match: the link is now at position {checked} "
                "(links before it were added or removed)"
            )
        return ""

    def missing(self, last_id: int) -> str:
        return (
            f"{self._name()} is missing: no such link in the chain (it ends at link "
            f"#{last_id}, or the link was removed)"
        )


def current_anchors(now=None) -> list[Anchor]:
    at = (now or timezone.now()).isoformat()
    return [
        Anchor(chain=head.name, position=head.length, link=head.last_id, hash=head.last_hash, at=at)
        for head in AuditChainHead.objects.order_by("name")
    ]


def publish_anchors(now=None) -> list[Anchor]:
    """Append the chains' heads to the anchor file, mail them and log them."""
    anchors = current_anchors(now)
    lines = "".join(f"{anchor.line()}\n" for anchor in anchors)
    if not anchors:
        return anchors
    path = Path(settings.AUDIT_ANCHOR_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as anchor_file:  # appended, never rewritten
        anchor_file.write(lines)
    for anchor in anchors:
        logger.info("Audit anchor: %s", anchor.line())
    if settings.AUDIT_ANCHOR_EMAIL:
        send_mail(
            f"housingfirst audit anchor {anchors[0].at[:10]}",
            "The heads of the audit chains (keep this mail; an auditor checks the log against "
            "it with verify_audit_trail --anchors):\n\n" + lines,
            None,
            settings.AUDIT_ANCHOR_EMAIL,
        )
    return anchors


def load_anchors(paths) -> dict[str, dict[int, Anchor]]:
    """{chain: {link id: Anchor}} from anchor files (lines of other text are skipped, so a
    saved mail works too). Raises ValueError on a malformed anchor or two that disagree."""
    anchors: dict[str, dict[int, Anchor]] = {}
    for path in paths:
        for number, text in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            text = text.strip()
            if not text.startswith("{"):
                continue
            source = f"{path}:{number}"
            try:
                fields = json.loads(text)
                anchor = Anchor(
                    chain=str(fields["chain"]),
                    position=int(fields["position"]),
                    link=int(fields["link"]),
                    hash=str(fields["hash"]),
                    at=str(fields["at"]),
                    source=source,
                )
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{source}: not an anchor ({error})") from None
            if anchor.link == 0:
                continue  # an empty chain: nothing to hold it to
            known = anchors.setdefault(anchor.chain, {}).get(anchor.link)
            if known is not None and (known.hash, known.position) != (anchor.hash, anchor.position):
                raise ValueError(
                    f"{source}: disagrees with {known.source} about link #{anchor.link}"
                )
            anchors[anchor.chain].setdefault(anchor.link, anchor)
    return anchors
