"""What the clients app's actions mean, in words, for the auditor's change log."""

from housingfirst.audit_log.actions import entry_sentence, summarizes


def _case_manager_change(parts):
    for part in parts:
        if part.model_label == "clients.client":
            for change in part.changes:
                if change.name == "case_manager":
                    return part, change
    return None, None


@summarizes
def assignment_summary(parts) -> list[str]:
    """A reassignment: "Access moved from Alex Morales to Jordan Lee" (intake: "Assigned to …")."""
    part, change = _case_manager_change(parts)
    if change is None:
        return []
    enrolled = any(p.model_label == "clients.client" and p.kind == "created" for p in parts)
    if enrolled:
        return [f"Enrolled {part.record_label}, assigned to {change.new}"]
    if change.old == "—":
        return [f"Assigned to {change.new}"]
    if change.new == "—":
        return [f"Access of {change.old} ended: the client is waiting for a case manager"]
    return [f"Access moved from {change.old} to {change.new}"]


MEMBERSHIP_MODELS = {"clients.teamcasemanager", "clients.teamsupervisor"}


@summarizes
def team_membership_summary(parts) -> list[str]:
    """Who joined or left which team: "Alex Morales joined Team 1 — Downtown as case manager".

    The membership rows' labels say it already (``TeamMembership.history_row_label``); an
    action of several (the admin's save of a team) reads as each change, in the order made.
    """
    if not any(part.model_label in MEMBERSHIP_MODELS for part in parts):
        return []
    return [
        part.record_label if part.model_label in MEMBERSHIP_MODELS else entry_sentence(part)
        for part in reversed(parts)
    ]
