"""What a person did, as one line: the change-log entries of one action, grouped.

One service call writes several history rows (a reassignment ends an assignment, moves four
access grants, starts an assignment and changes the client: seven rows). The change log shows
them as one action — who, when, why, and what changed in words ("Access moved from Alex
Morales to Jordan Lee") — with its parts, each row with its field-level diff, folded beneath.

Rows belong to one action when they are next to each other in the log (newest first), were
written by the same person (or job) for the same client, within ``ACTION_WINDOW`` of each
other: a service writes its rows in one transaction, a fraction of a second apart. History has
no transaction id; a person making two separate changes to one client within the window reads
as one action, whose parts still show each change.

Apps say what their actions mean in words with ``@summarizes`` (connected in their
``AppConfig.ready()``: the core names no app). Without a summary an action reads as its first
part ("Created client: Rosa Parker").
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from ..history import ChangeEntry
from . import registry

ACTION_WINDOW = timedelta(seconds=2)

Summarizer = Callable[[list[ChangeEntry]], list[str]]
_summarizers: list[Summarizer] = []


def summarizes(function: Summarizer) -> Summarizer:
    """Register ``function(parts) -> sentences``; it returns [] for actions it doesn't know."""
    if function not in _summarizers:
        _summarizers.append(function)
    return function


def entry_sentence(entry: ChangeEntry) -> str:
    """One part in words: "Changed client: Rosa Parker"."""
    return f"{entry.kind.capitalize()} {entry.record_type.lower()}: {entry.record_label}"


@dataclass
class Action:
    parts: list[ChangeEntry]  # newest first, as the log shows them
    summary: list[str] = field(default_factory=list)

    @property
    def first(self) -> ChangeEntry:
        """The part written first: what the person set out to do."""
        return self.parts[-1]

    @property
    def when(self):
        return self.first.when

    @property
    def who(self) -> str:
        return self.first.who

    @property
    def kind(self) -> str:
        return self.first.kind if len(self.parts) == 1 else "action"

    @property
    def reasons(self) -> list[str]:
        # A part's reason that repeats the action's ("Client reassigned: <reason>") is not news.
        seen = []
        for part in reversed(self.parts):
            if part.reason and not any(reason in part.reason for reason in seen):
                seen.append(part.reason)
        return seen

    @property
    def client_id(self):
        return next((part.client_id for part in self.parts if part.client_id), None)

    @property
    def client_label(self) -> str:
        return next((part.client_label for part in self.parts if part.client_id), "")

    @property
    def names_the_client(self) -> bool:
        """The summary is about the client record itself: no separate "Client:" line."""
        client_label = registry.client_model()._meta.label_lower
        return all(part.model_label == client_label for part in self.parts)


def _same_action(action: Action, entry: ChangeEntry) -> bool:
    last = action.parts[-1]
    return (
        not entry.missing
        and not last.missing
        and entry.who == last.who
        and entry.client_id == last.client_id
        and abs(last.when - entry.when) <= ACTION_WINDOW
    )


def _summary(parts: list[ChangeEntry]) -> list[str]:
    for summarizer in _summarizers:
        sentences = summarizer(parts)
        if sentences:
            return sentences
    return [entry_sentence(parts[-1])]


def group_actions(entries: list[ChangeEntry]) -> list[Action]:
    """The entries (newest first) as actions, in the same order; no query."""
    actions: list[Action] = []
    for entry in entries:
        if actions and _same_action(actions[-1], entry):
            actions[-1].parts.append(entry)
        else:
            actions.append(Action(parts=[entry]))
    for action in actions:
        action.summary = _summary(action.parts)
    return actions
