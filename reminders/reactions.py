"""Reminders react to what happens in the domain apps (``housingfirst.events``).

Connected in ``RemindersConfig.ready()``. Each reaction runs in the transaction of the action
that announced it: a reminder closes the moment its cause goes away, and a reaction that fails
rolls the action back.
"""

from appointments.events import appointment_changed
from clients.events import (
    client_left_program,
    client_reassigned,
    duplicate_review_requested,
    duplicate_reviewed,
)
from enrollments.events import enrollment_changed
from harm_reduction.events import stock_changed
from placements.events import contact_changed, placement_changed
from plans.events import plan_changed
from referrals.events import (
    consent_changed,
    referral_moved,
    referral_notes_changed,
    referral_offered,
    referral_step_undone,
)

from . import services, stock


def _client_records_changed(sender, *, client_id, by=None, reason=services.RESOLVED_REASON, **_):
    # A visit, a move-in, a renewed lease, an exit: close what is no longer due now.
    services.reminders_client_changed(client_id=client_id, by=by, reason=reason)


def _client_reassigned(sender, *, client, case_manager, reason="", **_):
    services.reminders_client_reassigned(client=client, case_manager=case_manager, reason=reason)


def _client_left_program(sender, *, client, by=None, reason="", **_):
    services.reminders_client_changed(client_id=client.pk, by=by, reason=f"Resolved: {reason}")


def _referral_offered(sender, *, referral, by=None, **_):
    if referral.follow_up_on is not None:
        services.reminders_client_changed(client_id=referral.client_id, by=by)


def _referral_moved(sender, *, referral, by=None, **_):
    services.reminders_referral_moved(referral=referral, by=by)


def _referral_step_undone(sender, *, referral, step_at, by=None, **_):
    services.reminders_referral_step_undone(referral=referral, since=step_at, by=by)


def _referral_notes_changed(sender, *, referral, by=None, **_):
    services.reminders_client_changed(
        client_id=referral.client_id, by=by, reason="Resolved: follow-up date changed"
    )


def _consent_changed(sender, *, consent, by=None, reason=services.RESOLVED_REASON, **_):
    services.reminders_client_changed(client_id=consent.client_id, by=by, reason=reason)


def _duplicate_review_requested(sender, *, pair, client, by=None, **_):
    services.reminders_duplicate_review_requested(pair=pair, client=client, by=by)


def _duplicate_reviewed(sender, *, pair, by=None, **_):
    services.reminders_duplicate_reviewed(pair=pair, by=by)


def _stock_changed(sender, *, site_id, item_id, by=None, **_):
    # Stock received, handed out or discarded: reminders for its site's staff follow at once.
    stock.reminders_stock_sweep(site_id=site_id, item_id=item_id, by=by)


def _enrollment_changed(sender, *, enrollment, by=None, reason="", **_):
    # Entry data, an assessment, the exit: the HUD reminders follow at once.
    services.reminders_enrollment_changed(enrollment=enrollment, by=by, reason=reason)


REACTIONS = [
    (placement_changed, _client_records_changed),
    (contact_changed, _client_records_changed),
    (plan_changed, _client_records_changed),
    (appointment_changed, _client_records_changed),
    (client_reassigned, _client_reassigned),
    (client_left_program, _client_left_program),
    (referral_offered, _referral_offered),
    (referral_moved, _referral_moved),
    (referral_step_undone, _referral_step_undone),
    (referral_notes_changed, _referral_notes_changed),
    (consent_changed, _consent_changed),
    (duplicate_review_requested, _duplicate_review_requested),
    (duplicate_reviewed, _duplicate_reviewed),
    (stock_changed, _stock_changed),
    (enrollment_changed, _enrollment_changed),
]


def connect() -> None:
    for event, reaction in REACTIONS:
        event.connect(reaction, dispatch_uid=f"reminders.{reaction.__name__}.{id(event)}")
