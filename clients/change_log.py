"""What the clients app's actions mean, in words, for the auditor's change log."""

from housingfirst.audit_log.actions import summarizes


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
