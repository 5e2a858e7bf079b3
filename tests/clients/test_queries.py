"""List and detail pages run a fixed number of queries, whatever the caseload size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..factories import bulk_caseload, client_of

pytestmark = pytest.mark.django_db


def grow_caseload(case_manager, count):
    for _ in range(count):
        client_of(case_manager)


@pytest.mark.parametrize("role", ["case_manager", "supervisor", "auditor"])
def test_client_list_queries_do_not_grow(program, login, django_assert_max_num_queries, role):
    person = getattr(program, role)
    browser = login(person)
    browser.get(reverse("clients:list"))  # warm caches (content types, permissions)

    grow_caseload(program.case_manager, 4)  # 5 clients in all
    with CaptureQueriesContext(connection) as small:
        browser.get(reverse("clients:list"))
    bulk_caseload(program.case_manager, 495)
    with django_assert_max_num_queries(len(small)):
        response = browser.get(reverse("clients:list"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count >= 500


def test_client_list_and_detail_bounds(program, login, django_assert_max_num_queries):
    grow_caseload(program.case_manager, 40)
    browser = login(program.case_manager)
    with django_assert_max_num_queries(12):
        assert browser.get(reverse("clients:list"), {"q": "a"}).status_code == 200
    with django_assert_max_num_queries(25):
        assert browser.get(reverse("clients:detail", args=[program.client.pk])).status_code == 200
