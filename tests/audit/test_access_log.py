"""/audit/access/: who opened which protected record, when, from where; filters; bounded."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from housingfirst.access_log import log_access
from housingfirst.models import AccessLogEntry

pytestmark = pytest.mark.django_db


def look(user, obj, client, address="10.0.0.7", path="/clients/1/referrals/2/"):
    request = RequestFactory().get(path, REMOTE_ADDR=address)
    request.user = user
    return log_access(request, obj, client=client)


def page_items(browser, **filters):
    response = browser.get("/audit/access/", filters)
    assert response.status_code == 200
    return response.context["page"].items


def test_access_log_shows_who_what_when_and_from_where(program, auditor_browser):
    look(program.case_manager, program.client, program.client, address="2001:db8::7")
    html = auditor_browser.get("/audit/access/").content.decode()
    assert program.case_manager.get_full_name() in html
    assert "Rosa Parker" in html and "2001:db8::7" in html and "Viewed" in html


def test_access_log_filters(program, auditor_browser):
    with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
        old = look(program.supervisor, program.teammate_client, program.teammate_client)
    mine = look(program.case_manager, program.client, program.client)
    assert page_items(auditor_browser, person=program.case_manager.pk) == [mine]
    assert page_items(auditor_browser, client=str(program.teammate_client.pk)) == [old]
    assert page_items(auditor_browser, client="Teammate") == [old]
    today = timezone.localdate().isoformat()
    assert page_items(auditor_browser, date_from=today) == [mine]
    assert page_items(auditor_browser, action="export") == []
    assert page_items(auditor_browser, record_type="clients.client", action="view") == [mine, old]


def test_access_log_queries_do_not_grow(program, auditor_browser, django_assert_max_num_queries):
    look(program.case_manager, program.client, program.client)
    auditor_browser.get("/audit/access/")
    with CaptureQueriesContext(connection) as small:
        auditor_browser.get("/audit/access/")
    for n in range(80):
        look([program.case_manager, program.supervisor][n % 2], program.client, program.client)
    with django_assert_max_num_queries(len(small)):
        first = auditor_browser.get("/audit/access/")
    with django_assert_max_num_queries(len(small)):
        auditor_browser.get("/audit/access/", {"before": first.context["page"].older})
    assert len(first.context["page"].items) == 50


def test_auditor_reading_a_protected_records_history_is_logged(program, auditor_browser):
    from referrals.models import ServiceType
    from tests.referrals.factories import referral_at

    referral = referral_at(
        "offered",
        client=program.client,
        by=program.case_manager,
        service_type=ServiceType.SUBSTANCE_USE,
    )
    other = referral_at("offered", client=program.client, by=program.case_manager)
    before = AccessLogEntry.objects.count()
    assert auditor_browser.get(f"/audit/records/referrals.referral/{other.pk}/").status_code == 200
    assert AccessLogEntry.objects.count() == before  # not protected: nothing to log
    assert (
        auditor_browser.get(f"/audit/records/referrals.referral/{referral.pk}/").status_code == 200
    )
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.client) == (
        program.auditor,
        str(referral.pk),
        program.client,
    )
    assert entry.detail == "Change history"


def test_protected_records_shown_in_the_change_log_are_logged(program, auditor_browser):
    from referrals.models import ServiceType
    from tests.referrals.factories import referral_at

    protected = referral_at(
        "offered",
        client=program.client,
        by=program.case_manager,
        service_type=ServiceType.SUBSTANCE_USE,
    )
    referral_at("offered", client=program.client, by=program.case_manager)
    auditor_browser.get("/audit/", {"record_type": "referrals.referral"})
    logged = AccessLogEntry.objects.filter(user=program.auditor)
    assert [(e.object_id, e.detail) for e in logged] == [(str(protected.pk), "Change log")]
    auditor_browser.get("/")
    assert logged.filter(detail="Home page: latest changes", object_id=str(protected.pk)).exists()
