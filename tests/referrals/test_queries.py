"""/referrals/ and the client page run a bounded number of queries, however many referrals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals.models import Referral, ServiceType

from .factories import ProviderFactory, consent_for, referral_at, substance_use_provider

pytestmark = pytest.mark.django_db

Status = Referral.Status


def add_referrals(program, count, client=None):
    """A mix of statuses, services and consents, half of them substance use (logged)."""
    client = client or program.client
    plain, protected = ProviderFactory(), substance_use_provider()
    statuses = [Status.OFFERED, Status.DECLINED, Status.SENT, Status.ENGAGED, Status.CLOSED]
    for index in range(count):
        is_protected = index % 2 == 0
        referral_at(
            statuses[index % len(statuses)],
            client=client,
            by=program.case_manager,
            provider=protected if is_protected else plain,
            service_type=ServiceType.SUBSTANCE_USE if is_protected else ServiceType.MENTAL_HEALTH,
        )
    consent_for(client, ProviderFactory(), by=program.case_manager)


def count_queries(browser, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["case_manager", "supervisor"])
def test_referral_list_queries_do_not_grow(program, login, django_assert_max_num_queries, role):
    browser = login(getattr(program, role))
    url = reverse("referrals:list")
    add_referrals(program, 2)
    browser.get(url)  # warm caches (content types, permissions)
    few = count_queries(browser, url)

    add_referrals(program, 60)
    add_referrals(program, 20, client=program.teammate_client)
    with django_assert_max_num_queries(few):
        response = browser.get(url)
    assert response.context["page"].paginator.count >= 60
    with django_assert_max_num_queries(few):
        browser.get(
            url, {"status": "open", "follow_up": "overdue", "service_type": "substance_use"}
        )


def test_client_page_queries_do_not_grow(program, login, django_assert_max_num_queries):
    browser = login(program.case_manager)
    url = reverse("clients:detail", args=[program.client.pk])
    add_referrals(program, 2)
    browser.get(url)
    few = count_queries(browser, url)

    add_referrals(program, 50)
    with django_assert_max_num_queries(few):
        response = browser.get(url)
    assert len(response.context["referral_section"]["referrals"]) == 52
    assert len(response.context["referral_section"]["consents"]) == 4  # 2 sent-under, 2 more


def test_referral_detail_is_bounded(program, login, django_assert_max_num_queries):
    referral = referral_at(Status.COMPLETED, client=program.client, by=program.case_manager)
    url = reverse(
        "client_referrals:detail",
        kwargs={"client_id": program.client.pk, "referral_id": referral.pk},
    )
    browser = login(program.case_manager)
    browser.get(url)
    with django_assert_max_num_queries(15):
        assert browser.get(url).status_code == 200
