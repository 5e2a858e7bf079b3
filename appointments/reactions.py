"""Appointments follow the referral workflow: the "appointment scheduled" step makes one.

Referrals announce ``referral_moved`` and know nothing of this app; this app sits one layer
above the domain apps (pyproject.toml) so it may listen. Runs in the step's transaction.
"""

from referrals.events import referral_moved, referral_step_undone

from . import services


def _referral_moved(sender, *, referral, by=None, **_):
    if referral.status == referral.Status.SCHEDULED and referral.appointment_at is not None:
        services.appointment_record_for_referral(referral=referral, by=by)


def _referral_step_undone(sender, *, referral, step, step_at, by=None, **_):
    if step == referral.Status.SCHEDULED:
        services.appointment_remove_for_referral(
            referral=referral, since=step_at, by=by, reason="Referral step undone"
        )


def connect() -> None:
    referral_moved.connect(_referral_moved, dispatch_uid="appointments.referral_moved")
    referral_step_undone.connect(
        _referral_step_undone, dispatch_uid="appointments.referral_step_undone"
    )
