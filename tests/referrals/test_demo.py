"""seed_demo's referral data: every provider type, consent state and referral status."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from clients.models import Client
from referrals.models import Consent, Provider, Referral, ServiceType

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_providers_consents_and_referrals(settings):
    settings.DEBUG = True
    call_command("seed_demo")

    for service_type in ServiceType.values:
        assert Provider.objects.active().offering(service_type).exists(), service_type
    assert Provider.objects.filter(is_active=False).exists()

    today = timezone.localdate()
    assert Consent.objects.current().exists()
    assert Consent.objects.filter(expires_on__lt=today, revoked_on__isnull=True).exists()
    assert Consent.objects.filter(revoked_on__isnull=False, revoked_by__isnull=False).exists()
    soon = today + timedelta(days=30)
    assert Consent.objects.current().filter(expires_on__lte=soon).exists()  # expiring

    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == set(Referral.Status.values)
    assert Referral.objects.filter(status=Referral.Status.DECLINED).count() >= 2
    assert Referral.objects.protected().exists()
    for referral in Referral.objects.filter(status__in=Referral.WITH_PROVIDER):
        assert referral.consent is not None and referral.consent.provider_id == referral.provider_id
    # Made through the services: each step is in history, with the acting case manager.
    declined = Referral.objects.filter(status=Referral.Status.DECLINED).first()
    rows = list(declined.history.order_by("history_id"))
    assert [row.status for row in rows] == ["offered", "declined"]
    assert rows[-1].history_user == declined.client.case_manager
    assert rows[-1].history_actor == "command:seed_demo"


def test_seed_demo_large_program_gives_a_share_of_clients_referrals(settings):
    settings.DEBUG = True
    # How fast it is belongs to benchmarks (seed_demo prints its time), not to a timed test.
    call_command("seed_demo", "--clients", "400")
    bulk_referrals = Referral.objects.filter(client__in=Client.objects.order_by("pk")[30:])
    assert 80 <= bulk_referrals.count() <= 120
    assert (
        Referral.history.filter(history_actor="command:seed_demo").count()
        >= Referral.objects.count()
    )
    assert Consent.history.count() >= Consent.objects.count()
    sent = bulk_referrals.filter(status__in=Referral.WITH_PROVIDER)
    assert sent.exists() and not sent.filter(consent__isnull=True).exists()
