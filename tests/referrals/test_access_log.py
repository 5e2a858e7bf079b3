"""Every view of a substance-use record writes exactly one access-log entry per record shown."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import reverse

from housingfirst.models import AccessLogEntry
from referrals.models import Consent, Referral, ServiceType

from .factories import ProviderFactory, consent_for, referral_at, substance_use_provider

pytestmark = pytest.mark.django_db

Status = Referral.Status


def substance_use(program, status=Status.OFFERED, client=None, by=None):
    return referral_at(
        status,
        client=client or program.client,
        by=by or program.case_manager,
        provider=substance_use_provider(),
        service_type=ServiceType.SUBSTANCE_USE,
    )


def entries_for(record):
    return AccessLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    )


def entries_naming(record):
    """Entries for the record alone, or for a list that named it among others."""
    return AccessLogEntry.objects.filter(
        Q(object_id=str(record.pk)) | Q(object_id="", detail__contains=f" #{record.pk}: "),
        content_type=ContentType.objects.get_for_model(record),
    )


def detail_url(referral):
    return reverse(
        "client_referrals:detail",
        kwargs={"client_id": referral.client_id, "referral_id": referral.pk},
    )


def test_each_view_of_a_substance_use_referral_writes_one_entry(program, login):
    referral = substance_use(program)
    browser = login(program.case_manager)
    browser.get(detail_url(referral), REMOTE_ADDR="203.0.113.7")
    assert AccessLogEntry.objects.count() == 1
    entry = entries_for(referral).get()
    assert entry.user == program.case_manager
    assert entry.client_id == program.client.pk
    assert entry.ip_address == "203.0.113.7"
    assert entry.path == detail_url(referral)
    assert entry.action == AccessLogEntry.Action.VIEW
    assert "Substance use referral" in entry.record_label

    login(program.supervisor).get(detail_url(referral))
    assert entries_for(referral).count() == 2
    assert entries_for(referral).filter(user=program.supervisor).count() == 1


def test_a_sent_referral_logs_the_referral_and_its_consent_once_each(program, login):
    referral = substance_use(program, Status.SENT)
    login(program.case_manager).get(detail_url(referral))
    assert entries_for(referral).count() == 1
    assert entries_for(referral.consent).count() == 1
    assert AccessLogEntry.objects.count() == 2


def test_plain_referral_views_are_not_logged(program, login):
    referral = referral_at(Status.SENT, client=program.client, by=program.case_manager)
    browser = login(program.case_manager)
    browser.get(detail_url(referral))
    browser.get(reverse("clients:detail", args=[program.client.pk]))
    browser.get(reverse("referrals:list"))
    assert not AccessLogEntry.objects.exists()


def test_refused_views_are_not_logged(program, login):
    referral = substance_use(program)
    assert login(program.auditor).get(detail_url(referral)).status_code == 404
    assert login(program.other_supervisor).get(detail_url(referral)).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_client_page_logs_each_protected_record_it_shows(program, login):
    first = substance_use(program)
    second = substance_use(program, Status.DECLINED)
    referral_at(Status.OFFERED, client=program.client, by=program.case_manager)  # not protected
    protected_consent = consent_for(program.client, first.provider, by=program.case_manager)
    consent_for(program.client, ProviderFactory(), by=program.case_manager)  # not protected

    response = login(program.supervisor).get(reverse("clients:detail", args=[program.client.pk]))

    assert response.status_code == 200
    for record in (first, second, protected_consent):
        assert entries_naming(record).filter(user=program.supervisor).count() == 1
    # One entry for the two referrals, one for the consent.
    assert AccessLogEntry.objects.count() == 2


def test_referral_list_logs_one_entry_naming_each_protected_referral(program, login):
    shown = [substance_use(program) for _ in range(3)]
    referral_at(Status.OFFERED, client=program.client, by=program.case_manager)
    login(program.case_manager).get(reverse("referrals:list"))
    assert AccessLogEntry.objects.count() == 1
    for referral in shown:
        assert entries_naming(referral).count() == 1


def test_filtered_out_referrals_are_not_logged(program, login):
    substance_use(program)
    login(program.case_manager).get(reverse("referrals:list"), {"service_type": "employment"})
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize("page", ["decision", "close", "edit"])
def test_forms_showing_a_protected_referral_log_one_entry(program, login, page):
    referral = substance_use(program)
    url = reverse(
        f"client_referrals:{page}",
        kwargs={"client_id": referral.client_id, "referral_id": referral.pk},
    )
    assert login(program.case_manager).get(url).status_code == 200
    assert entries_for(referral).count() == 1
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.parametrize("page", ["consent_detail", "consent_revoke"])
def test_protected_consent_pages_log_one_entry(program, login, page):
    consent = consent_for(program.client, substance_use_provider(), by=program.case_manager)
    url = reverse(
        f"client_referrals:{page}",
        kwargs={"client_id": program.client.pk, "consent_id": consent.pk},
    )
    assert login(program.case_manager).get(url).status_code == 200
    assert entries_for(consent).count() == 1
    assert AccessLogEntry.objects.count() == 1


def test_consent_marked_as_covering_substance_use_is_logged(program, login):
    consent = consent_for(program.client, ProviderFactory(), by=program.case_manager)
    consent.covers_substance_use = True
    consent.save()
    login(program.case_manager).get(
        reverse("client_referrals:consents", kwargs={"client_id": program.client.pk})
    )
    assert entries_for(consent).count() == 1
    assert Consent.objects.protected().get() == consent


def test_access_log_entries_cannot_be_changed_or_deleted(program, login):
    referral = substance_use(program)
    login(program.case_manager).get(detail_url(referral))
    entry = AccessLogEntry.objects.get()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AccessLogEntry.objects.all().delete()
    assert AccessLogEntry.objects.count() == 1


PROXY = "172.18.0.5"  # the compose proxy, on the private network


def test_behind_the_trusted_proxy_the_log_records_the_readers_address(program, login, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    referral = substance_use(program)
    # The reader forged a header; the proxy appended the address it really came from.
    login(program.case_manager).get(
        detail_url(referral),
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.7",
    )
    assert entries_for(referral).get().ip_address == "203.0.113.7"


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(program, login, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    referral = substance_use(program)
    login(program.case_manager).get(
        detail_url(referral), REMOTE_ADDR="198.51.100.4", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert entries_for(referral).get().ip_address == "198.51.100.4"


def test_without_a_proxy_the_header_is_never_believed(program, login, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    referral = substance_use(program)
    login(program.case_manager).get(
        detail_url(referral), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert entries_for(referral).get().ip_address == "127.0.0.1"
