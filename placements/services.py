"""Every write to placements and contacts, each with the reason it is recorded in history.

Every service takes the acting person (``by``) and writes as them (``housingfirst.audit.
acting_person``), in a request or not. Edits carry the version the person saw: a record saved
by someone else in between is refused with ``StaleEdit`` rather than overwritten
(``housingfirst.versioning``). Each write announces what happened (``placements.events``) for
whoever reacts, in the same transaction; housing code never calls service code.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from clients.models import Client
from housingfirst.audit import acting_person, change_reason
from housingfirst.versioning import save_versioned

from .events import contact_changed, placement_changed
from .models import Contact, Placement


@transaction.atomic
def _save_edit(instance, *, by, expected_version: int | None, reason: str, event):
    """Save an edited placement or contact (refusing a stale version) and announce it."""
    with acting_person(by):
        save_versioned(instance, expected_version=expected_version, reason=reason)
        event.announce(
            sender=type(instance), client_id=instance.client_id, by=by, reason=f"Resolved: {reason}"
        )
    return instance


@transaction.atomic
def placement_create(*, placement: Placement, by=None) -> Placement:
    """Start a placement for ``placement.client`` (a housing search, or an existing tenancy).

    After an earlier exit this is a rehousing: the new placement continues the story.
    """
    # Two people adding a placement at once: the second waits here, then sees the first's
    # open placement in full_clean (a ValidationError, not a database error).
    Client.objects.select_for_update().filter(pk=placement.client_id).first()
    placement.full_clean()
    rehousing = Placement.objects.exited().filter(client_id=placement.client_id).exists()
    reason = "New placement after an exit (rehousing)" if rehousing else "Placement added"
    with acting_person(by), change_reason(reason):
        placement.save()
        placement_changed.announce(
            sender=Placement, client_id=placement.client_id, by=by, reason=f"Resolved: {reason}"
        )
    return placement


def placement_update(
    *, placement: Placement, by=None, expected_version: int | None = None
) -> Placement:
    """Save corrected details of a placement (fields already set on the instance)."""
    return _save_edit(
        placement,
        by=by,
        expected_version=expected_version,
        reason="Placement details edited",
        event=placement_changed,
    )


def placement_record_move_in(
    *,
    placement: Placement,
    move_in_date: date,
    address: str | None = None,
    lease_start: date | None = None,
    lease_end: date | None = None,
    by=None,
    expected_version: int | None = None,
) -> Placement:
    """The client moved in: the placement becomes housed from ``move_in_date``."""
    placement.move_in_date = move_in_date
    if address is not None:
        placement.address = address
    if lease_start is not None:
        placement.lease_start = lease_start
    if lease_end is not None:
        placement.lease_end = lease_end
    return _save_edit(
        placement,
        by=by,
        expected_version=expected_version,
        reason="Move-in recorded",
        event=placement_changed,
    )


def placement_record_exit(
    *,
    placement: Placement,
    exit_date: date,
    exit_reason: str,
    exit_destination: int,
    exit_rental_subsidy_type: int | None = None,
    exit_note: str = "",
    by=None,
    expected_version: int | None = None,
) -> Placement:
    """The tenancy ended: record when, why, and where the client went (HUD destination)."""
    placement.exit_date = exit_date
    placement.exit_reason = exit_reason
    placement.exit_destination = exit_destination
    placement.exit_rental_subsidy_type = exit_rental_subsidy_type
    placement.exit_note = exit_note.strip()
    return _save_edit(
        placement,
        by=by,
        expected_version=expected_version,
        reason="Exit recorded",
        event=placement_changed,
    )


@transaction.atomic
def contact_log(
    *,
    client,
    made_by,
    kind: str,
    occurred_at: datetime | None = None,
    note: str = "",
) -> Contact:
    """Record a contact with a client, made by ``made_by`` (the signed-in person)."""
    contact = Contact(
        client=client,
        made_by=made_by,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        note=note.strip(),
    )
    contact.full_clean()
    reason = f"{contact.get_kind_display()} logged"
    with acting_person(made_by), change_reason(reason):
        contact.save()
        contact_changed.announce(
            sender=Contact, client_id=client.pk, by=made_by, reason=f"Resolved: {reason}"
        )
    return contact


def contact_update(*, contact: Contact, edited_by, expected_version: int | None = None) -> Contact:
    """Save a corrected contact; only its author or a supervisor of the team may."""
    if not contact.can_be_edited_by(edited_by):
        raise PermissionDenied
    contact.note = contact.note.strip()
    return _save_edit(
        contact,
        by=edited_by,
        expected_version=expected_version,
        reason="Contact edited",
        event=contact_changed,
    )
