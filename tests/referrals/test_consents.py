"""Consents: when one is current, its validation, and revocation that never deletes."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from referrals import services
from referrals.models import Consent

from .factories import ProviderFactory, consent_for, substance_use_provider

pytestmark = pytest.mark.django_db

SIGNED = date(2026, 1, 10)
EXPIRES = date(2026, 7, 10)


def midday(day: date) -> datetime:
    """Mid-day in the program's time zone, so "today" is this day whatever the zone."""
    return datetime(day.year, day.month, day.day, 16, tzinfo=UTC)


@pytest.fixture
def consent(program):
    with time_machine.travel(midday(date(2026, 2, 1))):
        return consent_for(
            program.client,
            ProviderFactory(),
            by=program.case_manager,
            signed_on=SIGNED,
            expires_on=EXPIRES,
        )


@pytest.mark.parametrize(
    ("on", "current"),
    [
        (SIGNED - timedelta(days=1), False),
        (SIGNED, True),
        (EXPIRES, True),
        (EXPIRES + timedelta(days=1), False),
    ],
)
def test_current_from_signing_through_the_expiry_date(consent, on, current):
    assert consent.is_current(on) is current
    assert Consent.objects.current(on).filter(pk=consent.pk).exists() is current


def test_revoked_consent_is_current_only_before_the_revocation_day(consent, program):
    with time_machine.travel(midday(date(2026, 3, 1))):
        revoked = services.consent_revoke(
            consent=consent, revoked_on=date(2026, 3, 1), revoked_by=program.supervisor
        )
    assert revoked.is_current(date(2026, 2, 28))
    assert not revoked.is_current(date(2026, 3, 1))
    assert list(Consent.objects.current(date(2026, 2, 28))) == [revoked]
    assert not Consent.objects.current(date(2026, 3, 1)).exists()


def test_revoking_keeps_the_row_and_records_who(consent, program):
    with time_machine.travel(midday(date(2026, 3, 1))):
        services.consent_revoke(
            consent=consent,
            revoked_on=date(2026, 2, 20),
            revoked_by=program.supervisor,
            note="Client asked by phone.",
        )
    consent.refresh_from_db()
    assert consent.revoked_on == date(2026, 2, 20)
    assert consent.revoked_by == program.supervisor
    assert consent.recorded_by == program.case_manager
    assert consent.revocation_note == "Client asked by phone."
    latest = consent.history.latest()
    assert latest.history_change_reason == "Release of information revoked"
    assert latest.history_user == program.supervisor


def test_revoking_twice_is_refused(consent, program):
    with time_machine.travel(midday(date(2026, 3, 1))):
        services.consent_revoke(
            consent=consent, revoked_on=date(2026, 2, 20), revoked_by=program.supervisor
        )
        with pytest.raises(services.ConsentError, match="already revoked"):
            services.consent_revoke(
                consent=consent, revoked_on=date(2026, 2, 25), revoked_by=program.supervisor
            )
    consent.refresh_from_db()
    assert consent.revoked_on == date(2026, 2, 20)


@pytest.mark.parametrize(
    ("revoked_on", "message"),
    [(SIGNED - timedelta(days=1), "before the signing date"), (date(2026, 3, 2), "future")],
)
def test_revocation_dates_are_validated(consent, program, revoked_on, message):
    with time_machine.travel(midday(date(2026, 3, 1))):
        with pytest.raises(ValidationError, match=message):
            services.consent_revoke(
                consent=consent, revoked_on=revoked_on, revoked_by=program.supervisor
            )
    consent.refresh_from_db()
    assert consent.revoked_on is None


@pytest.mark.parametrize(
    ("signed_on", "expires_on", "message"),
    [
        (date(2026, 3, 1), date(2026, 2, 1), "must be after the signing date"),
        (date(2026, 3, 1), date(2026, 3, 1), "must be after the signing date"),
        (date(2026, 3, 5), date(2027, 3, 5), "cannot be in the future"),
    ],
)
def test_consent_dates_are_validated(program, signed_on, expires_on, message):
    with time_machine.travel(midday(date(2026, 3, 2))):
        with pytest.raises(ValidationError, match=message):
            consent_for(
                program.client,
                ProviderFactory(),
                by=program.case_manager,
                signed_on=signed_on,
                expires_on=expires_on,
            )
    assert not Consent.objects.exists()


def test_protected_when_the_provider_offers_substance_use_or_marked(program):
    plain = consent_for(program.client, ProviderFactory(), by=program.case_manager)
    by_provider = consent_for(program.client, substance_use_provider(), by=program.case_manager)
    marked = consent_for(program.client, ProviderFactory(), by=program.case_manager)
    marked.covers_substance_use = True
    marked.save()
    assert not plain.is_protected and by_provider.is_protected and marked.is_protected
    assert set(Consent.objects.protected()) == {by_provider, marked}
