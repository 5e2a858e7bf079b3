"""Protection follows the record: a consent made while its provider offered substance-use
services stays protected (need-to-know, access-logged) after someone unticks "substance use"
on the provider; a referral stays protected by its own service type."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from housingfirst.models import AccessLogEntry
from referrals import services
from referrals.models import Consent, Provider, Referral, ServiceType

from .factories import consent_for, referral_at, substance_use_provider

pytestmark = pytest.mark.django_db


def entries_for(record):
    return AccessLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    )


def untick_substance_use(provider, by):
    provider = Provider.objects.get(pk=provider.pk)
    provider.offers_substance_use = False
    provider.offers_mental_health = True
    services.provider_update(provider=provider, by=by, expected_version=provider.version)


@pytest.fixture
def unticked(program):
    provider = substance_use_provider()
    consent = consent_for(program.client, provider, by=program.case_manager)
    referral = referral_at(
        Referral.Status.OFFERED,
        client=program.client,
        by=program.case_manager,
        provider=provider,
        service_type=ServiceType.SUBSTANCE_USE,
    )
    untick_substance_use(provider, program.admin)
    return consent, referral


def test_a_consent_made_with_a_substance_use_provider_stays_protected(program, unticked):
    consent, referral = unticked
    consent = Consent.objects.get(pk=consent.pk)
    assert consent.is_protected and not consent.covers_substance_use
    assert Consent.objects.protected().filter(pk=consent.pk).exists()
    assert Referral.objects.get(pk=referral.pk).is_protected


def test_a_consent_made_after_the_untick_is_not_protected(program, unticked):
    consent, _ = unticked
    provider = Provider.objects.get(pk=consent.provider_id)
    later = consent_for(program.teammate_client, provider, by=program.teammate)
    assert not Consent.objects.get(pk=later.pk).is_protected


def test_auditors_and_administrators_still_do_not_see_it_in_pages(program, unticked):
    consent, referral = unticked
    for user in (program.auditor, program.admin):
        assert not Consent.objects.visible_to(user).filter(pk=consent.pk).exists()
        assert not Referral.objects.visible_to(user).filter(pk=referral.pk).exists()
    assert Consent.objects.visible_to(program.case_manager).filter(pk=consent.pk).exists()


def test_viewing_it_is_still_logged(program, unticked, login):
    consent, _ = unticked
    url = reverse(
        "client_referrals:consent_detail",
        kwargs={"client_id": consent.client_id, "consent_id": consent.pk},
    )
    assert login(program.case_manager).get(url).status_code == 200
    assert entries_for(consent).filter(user=program.case_manager).count() == 1


def test_its_change_history_is_still_logged_for_auditors(program, unticked, login):
    consent, _ = unticked
    browser = login(program.auditor)
    url = reverse("audit:record", args=["referrals.consent", consent.pk])
    assert browser.get(url).status_code == 200
    assert entries_for(consent).filter(user=program.auditor).count() == 1
    browser.get(reverse("audit:change_log"))
    assert entries_for(consent).filter(user=program.auditor).count() == 2


def test_links_to_it_in_history_stay_unnamed(program, unticked, login):
    consent, _ = unticked
    response = login(program.case_manager).get(reverse("clients:history", args=[program.client.pk]))
    assert response.status_code == 200
    assert entries_for(consent).filter(user=program.case_manager).exists()


def test_the_migration_protects_consents_whose_provider_ever_offered_substance_use(
    program, unticked
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("referrals.migrations.0003_consent_protection_on_record")
    consent, _ = unticked
    provider = Provider.objects.get(pk=consent.provider_id)
    plain = consent_for(program.teammate_client, provider, by=program.teammate)
    # As the rows stood before the migration: no protection stored yet.
    Consent.objects.filter(pk__in=[consent.pk, plain.pk]).update(is_protected=False)
    migration.protect_existing_consents(apps, None)
    # The provider offered substance-use services once (its history says so): both protected.
    assert set(Consent.objects.protected().values_list("pk", flat=True)) == {consent.pk, plain.pk}
