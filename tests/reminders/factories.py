"""Clients with something due, built on the frozen TODAY of tests/reminders/conftest.py.

Placements and contacts are saved directly (tests/placements/factories.py) so tests can build
any past; referrals and consents go through the real workflow (tests/referrals/factories.py).
"""

from datetime import date

from placements.models import Placement
from referrals.models import Referral
from reminders.models import RULE_KINDS, Kind, Reminder
from tests.placements.factories import housed, visit
from tests.referrals.factories import ProviderFactory, consent_for, referral_at

from .conftest import days

Status = Referral.Status


def housed_with_old_visit(client, *, by, move_in=None, last_visit=None) -> Placement:
    """Housed since 100 days ago and last visited 40 days ago: visit due 10 days ago, not
    reached for 40 days (no contact due 10 days ago); the lease runs for another year."""
    placement = housed(client, move_in or days(-100), lease_end=days(300))
    visit(client, last_visit or days(-40), by=by)
    return placement


def expiring_consent_in_use(client, *, by, expires_on=None, provider=None):
    """A release expiring in 20 days that a referral sent to the provider depends on."""
    provider = provider or ProviderFactory()
    expires_on = expires_on or days(20)
    consent = consent_for(
        client,
        provider,
        by=by,
        signed_on=date(expires_on.year - 1, expires_on.month, 1),
        expires_on=expires_on,
    )
    referral = referral_at(Status.SENT, client=client, by=by, provider=provider)
    return consent, referral


def plan_review_due(client, *, by, review_on=None):
    """A plan started 100 days ago whose review falls on ``review_on`` (default 10 days ago)."""
    from plans.models import Plan

    return Plan.objects.create(
        client=client, started_on=days(-100), review_on=review_on or days(-10)
    )


def appointment_soon(client, *, by, on=None):
    """An appointment on ``by``'s calendar at 10:00 in three days (due the day before)."""
    from appointments.models import Appointment
    from tests.clock import at

    return Appointment.objects.create(
        client=client, staff=by, starts_at=at(on or days(3), hour=10), place="Office", what="Visit"
    )


def hud_data_due(client, *, by):
    """Enrolled 340 days ago without entry data (incomplete since day 14, annual assessment
    due from 5 days ago), and left another project 30 days ago without an exit assessment."""
    from tests.factories import make_enrollment

    current = make_enrollment(client, entry_date=days(-340))
    make_enrollment(client, entry_date=days(-60), exit_date=days(-30), destination=410)
    return current


# The reminders of a client with everything due: one of each kind the rules make, except
# "no contact", which one lapse makes together with "home visit due" (the visit is kept:
# reminders.rules.one_reminder_to_get_in_touch).
EVERYTHING_KINDS = tuple(kind for kind in RULE_KINDS if kind != Kind.NO_CONTACT)


def client_with_everything(client, *, by):
    """Something due of every kind the rules make, for this client (``EVERYTHING_KINDS``)."""
    placement = housed(client, days(-100), lease_end=days(50))
    visit(client, days(-40), by=by)
    referral_at(Status.ACCEPTED, client=client, by=by, follow_up_on=days(-2))
    expiring_consent_in_use(client, by=by)
    plan_review_due(client, by=by)
    appointment_soon(client, by=by)
    hud_data_due(client, by=by)
    return placement


def reminder_for(client, *, kind=Kind.VISIT_DUE, due_on=None, assigned_to=None, **fields):
    """A reminder saved directly (pages and digest tests); a placement is made if needed."""
    if kind in (Kind.VISIT_DUE, Kind.LEASE_ENDING, Kind.NO_CONTACT) and "placement" not in fields:
        fields["placement"] = client.placements.filter(exit_date__isnull=True).first() or housed(
            client, days(-100)
        )
    return Reminder.objects.create(
        client=client,
        kind=kind,
        due_on=due_on or days(0),
        assigned_to=assigned_to or client.case_manager,
        **fields,
    )
