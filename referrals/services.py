"""The referral workflow and consent records: every write to a referral or consent goes here.

Each step locks the referral row (two clicks, or two people, cannot both advance it), checks
``Referral.TRANSITIONS``, stamps the step's date and the acting person, and saves once with a
change reason, so the history shows every step with who took it and why. Each write announces
what happened (``referrals.events``) for whoever reacts, inside the same transaction.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clients.models import Client
from housingfirst.audit import acting_person, change_reason
from housingfirst.undo import UndoRefused
from housingfirst.versioning import save_versioned

from .events import (
    consent_changed,
    referral_moved,
    referral_notes_changed,
    referral_offered,
    referral_step_undone,
)
from .models import Consent, Provider, Referral, ServiceType

Status = Referral.Status


class TransitionError(Exception):
    """A step the workflow does not allow; nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def refusal_message(referral: Referral, to: str) -> str:
    current = referral.get_status_display()
    target = Status(to).label
    if referral.status == to:
        return f"This referral is already “{current}”. Nothing was changed."
    if referral.is_final:
        return (
            f"This referral is “{current}”, which is final. Nothing was changed; "
            "offer a new referral if the client wants to try again."
        )
    return f"A referral that is “{current}” cannot move to “{target}”. Nothing was changed."


@transaction.atomic
def referral_offer(
    *,
    client: Client,
    provider: Provider,
    service_type: str,
    requested_by: str,
    offered_by,
    client_goal: str = "",
    follow_up_on: date | None = None,
    at: datetime | None = None,
) -> Referral:
    """Record that a referral was offered to the client (the client decides next)."""
    if not provider.is_active:
        raise ValidationError(
            {"provider": f"{provider} is not active and cannot receive new referrals."}
        )
    at = at or timezone.now()
    referral = Referral(
        client=client,
        provider=provider,
        service_type=ServiceType(service_type),
        requested_by=requested_by,
        client_goal=client_goal,
        follow_up_on=follow_up_on,
        offered_at=at,
        offered_by=offered_by,
        status_changed_by=offered_by,
    )
    referral.full_clean()
    with acting_person(offered_by), change_reason("Referral offered"):
        referral.save()
        referral_offered.announce(sender=Referral, referral=referral, by=offered_by)
    return referral


STEP_REASONS = {
    Status.ACCEPTED: "The client accepted the referral",
    Status.DECLINED: "The client chose not to go ahead",
    Status.SENT: "Referral sent to the provider",
    Status.SCHEDULED: "Appointment scheduled",
    Status.ENGAGED: "The client is working with the provider",
    Status.COMPLETED: "Referral completed",
}


@transaction.atomic
def referral_move(
    *,
    referral: Referral,
    to: str,
    by,
    decision_note: str | None = None,
    follow_up_on: date | None = None,
    close_reason: str = "",
    outcome_note: str | None = None,
    at: datetime | None = None,
    appointment_at: datetime | None = None,
    appointment_place: str = "",
) -> Referral:
    """Move a referral one step along the workflow, or refuse with TransitionError.

    Sending needs a current consent for the provider (the referral keeps a link to it);
    closing needs a reason; "appointment scheduled" records the appointment's date, time and
    place when given (the page always asks for them). Returns the saved referral (a fresh,
    locked copy).
    """
    to = Status(to)
    at = at or timezone.now()
    locked = Referral.objects.select_for_update().select_related("provider").get(pk=referral.pk)
    if not locked.can_move_to(to):
        raise TransitionError(refusal_message(locked, to))

    reason = STEP_REASONS.get(to, "")
    if to == Status.SENT:
        consent = (
            Consent.objects.filter(client_id=locked.client_id, provider_id=locked.provider_id)
            .current(timezone.localdate(at))
            .order_by("-expires_on", "-pk")
            .first()
        )
        if consent is None:
            raise TransitionError(
                f"There is no current release of information for {locked.provider}: record "
                "the client's consent before sending anything to the provider. "
                "Nothing was changed."
            )
        locked.consent = consent
        reason = f"Referral sent to the provider under the release signed {consent.signed_on}"
    if to == Status.CLOSED:
        if close_reason not in Referral.CloseReason.values:
            raise TransitionError("Choose why the referral is being closed. Nothing was changed.")
        locked.close_reason = close_reason
        reason = f"Closed: {Referral.CloseReason(close_reason).label}"

    if to == Status.SCHEDULED and appointment_at is not None:
        locked.appointment_at = appointment_at
        locked.appointment_place = appointment_place
        when = timezone.localtime(appointment_at)
        reason = f"Appointment scheduled for {when:%Y-%m-%d %H:%M}"

    locked.status = to
    setattr(locked, Referral.STEP_DATE_FIELDS[to], at)
    locked.status_changed_by = by
    if decision_note is not None:
        locked.decision_note = decision_note
    if outcome_note is not None:
        locked.outcome_note = outcome_note
    if follow_up_on is not None:
        locked.follow_up_on = follow_up_on
    with acting_person(by), change_reason(reason):
        locked.save()
        referral_moved.announce(sender=Referral, referral=locked, by=by)
    return locked


def referral_record_decision(
    *, referral: Referral, accepted: bool, by, decision_note: str = "", follow_up_on=None
) -> Referral:
    """The client's decision on an offered referral, in their own words if they gave any."""
    return referral_move(
        referral=referral,
        to=Status.ACCEPTED if accepted else Status.DECLINED,
        by=by,
        decision_note=decision_note,
        follow_up_on=follow_up_on if accepted else None,
    )


def referral_close(
    *, referral: Referral, by, close_reason: str, outcome_note: str = ""
) -> Referral:
    return referral_move(
        referral=referral,
        to=Status.CLOSED,
        by=by,
        close_reason=close_reason,
        outcome_note=outcome_note or None,
    )


# What a step may have changed, and what its undo puts back.
STEP_FIELDS = (
    "status",
    "status_changed_by_id",
    *Referral.STEP_DATE_FIELDS.values(),
    "consent_id",
    "close_reason",
    "appointment_at",
    "appointment_place",
    "decision_note",
    "outcome_note",
    "follow_up_on",
)
HISTORY_SEARCHED = 50


def _before_last_step(referral: Referral):
    """The history rows of the last step: (the row the step wrote, the row before it)."""
    rows = list(referral.history.order_by("-history_date", "-history_id")[:HISTORY_SEARCHED])
    for step_row, before in zip(rows, rows[1:], strict=False):
        if step_row.status == referral.status and before.status != referral.status:
            return step_row, before
    return None, None


@transaction.atomic
def referral_undo_step(*, referral: Referral, by, reason: str) -> Referral:
    """Take back the last step: only the person who recorded it, within the undo window.

    The fields the step changed return to what they were before it (unless someone changed
    them since); the undo is saved as a new change with its reason, and announced so that
    what the step made (an appointment, closed follow-ups) follows.
    """
    locked = Referral.objects.select_for_update().select_related("provider").get(pk=referral.pk)
    refused = locked.undo_refusal(by)
    if refused:
        raise UndoRefused(refused)
    step_row, before = _before_last_step(locked)
    if before is None:
        raise UndoRefused("The step's earlier state is not in the history. Nothing was changed.")
    step, step_at = Status(locked.status), locked.last_step_at
    for field in STEP_FIELDS:
        made = getattr(step_row, field)
        if made != getattr(before, field) and getattr(locked, field) == made:
            setattr(locked, field, getattr(before, field))
    with acting_person(by), change_reason(f"Undone: “{step.label}” ({reason})"):
        locked.save()
        referral_step_undone.announce(
            sender=Referral, referral=locked, step=step, step_at=step_at, by=by
        )
    return locked


@transaction.atomic
def consent_record(*, consent: Consent, recorded_by, at: datetime | None = None) -> Consent:
    """Save a new release of information, validated, with who recorded it."""
    consent.recorded_by = recorded_by
    consent.recorded_at = at or timezone.now()
    consent.full_clean()
    with acting_person(recorded_by), change_reason("Release of information recorded"):
        consent.save()
        consent_changed.announce(
            sender=Consent, consent=consent, by=recorded_by, reason="Resolved: release renewed"
        )
    return consent


class ConsentError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@transaction.atomic
def consent_revoke(*, consent: Consent, revoked_on: date, revoked_by, note: str = "") -> Consent:
    """Record that the client withdrew a release. The row stays; sharing stops from that day."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.revoked_on is not None:
        raise ConsentError(
            f"This release was already revoked on {locked.revoked_on:%Y-%m-%d}. "
            "Nothing was changed."
        )
    locked.revoked_on = revoked_on
    locked.revoked_by = revoked_by
    locked.revocation_note = note
    locked.full_clean()
    with acting_person(revoked_by), change_reason("Release of information revoked"):
        locked.save()
        consent_changed.announce(
            sender=Consent, consent=locked, by=revoked_by, reason="Resolved: release revoked"
        )
    return locked


@transaction.atomic
def referral_notes_update(
    *, referral: Referral, by, expected_version: int | None, follow_up_on=None, outcome_note=None
) -> Referral:
    """Change a referral's follow-up date or outcome note (outside the workflow's steps).

    The fields are already set on ``referral`` (an edit form's instance) unless given here.
    """
    if follow_up_on is not None:
        referral.follow_up_on = follow_up_on
    if outcome_note is not None:
        referral.outcome_note = outcome_note
    with acting_person(by):
        save_versioned(
            referral, expected_version=expected_version, reason="Follow-up or outcome note updated"
        )
        referral_notes_changed.announce(sender=Referral, referral=referral, by=by)
    return referral


DUPLICATE_PROVIDER = "A provider with this name already exists."


def provider_add(*, provider: Provider, by) -> Provider:
    """Add a service provider (supervisors and administrators)."""
    provider.full_clean()
    try:
        with transaction.atomic(), acting_person(by), change_reason("Provider added"):
            provider.save()
    except IntegrityError:
        # Someone added the same name between the check above and this save.
        raise ValidationError({"name": DUPLICATE_PROVIDER}) from None
    return provider


def provider_update(*, provider: Provider, by, expected_version: int | None) -> Provider:
    """Save corrected details of a provider, refusing a stale version."""
    with acting_person(by):
        return save_versioned(
            provider, expected_version=expected_version, reason="Provider details updated"
        )
