"""The caseload pages run the same number of queries for 2 case managers with a handful of
clients and for 20 case managers with 2,000 clients."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from placements.models import Contact, Placement
from referrals.models import Referral

from ..factories import bulk_caseload, make_case_manager
from ..referrals.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def grow_team(program, case_managers=20, clients=2000):
    """Fill team A up to ``case_managers`` people holding ``clients`` clients in all, with a
    placement, a contact and a referral for some of them (bulk inserts)."""
    people = [program.case_manager, program.teammate]
    people += [
        make_case_manager(program.team, username=f"cm_bulk{n}")
        for n in range(case_managers - len(people))
    ]
    per_person = clients // case_managers
    created = []
    for person in people:
        created += bulk_caseload(person, per_person)
    today = timezone.localdate()
    provider = ProviderFactory()
    Placement.objects.bulk_create(
        Placement(client=c, search_started_on=today - timedelta(days=90), move_in_date=today)
        for c in created[::3]
    )
    Contact.objects.bulk_create(
        Contact(client=c, made_by=program.case_manager, occurred_at=timezone.now())
        for c in created[::2]
    )
    Referral.objects.bulk_create(
        Referral(client=c, provider=provider, service_type="mental_health", requested_by="staff")
        for c in created[::5]
    )
    assert len(people) == case_managers


def count_queries(browser, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name", ["caseloads:overview", "caseloads:export", "caseloads:outcomes", "home"]
)
def test_review_pages_run_the_same_queries_for_2_and_20_case_managers(program, login, url_name):
    browser = login(program.supervisor)
    url = reverse(url_name)
    browser.get(url)  # warm caches (content types, permissions)
    small = count_queries(browser, url)

    grow_team(program)

    large = count_queries(browser, url)
    assert large == small
    if url_name == "caseloads:overview":
        response = browser.get(url)
        assert len(response.context["rows"]) == 20
        assert response.context["totals"].caseload == 2002


def test_caseload_overview_stays_within_a_small_fixed_number(program, login):
    grow_team(program)
    browser = login(program.supervisor)
    browser.get(reverse("caseloads:overview"))
    # Session, user, role, navigation, save: 7; the table: 7 (people, clients, referrals,
    # reminders, covers, unassigned count, teams).
    assert count_queries(browser, reverse("caseloads:overview")) <= 16


def test_one_caseload_runs_the_same_queries_whatever_its_size(program, login):
    browser = login(program.supervisor)
    url = reverse("caseloads:case_manager", args=[program.case_manager.pk])
    browser.get(url)
    small = count_queries(browser, url)
    bulk_caseload(program.case_manager, 300)
    assert count_queries(browser, url) == small


def grow_caseload(case_manager, count):
    """``count`` more clients for one case manager, with placements (a third, some of them
    with a home visit reminder past due), contacts (half) and referrals (a fifth)."""
    from reminders.models import Kind, Reminder

    created = bulk_caseload(case_manager, count)
    today = timezone.localdate()
    placements = Placement.objects.bulk_create(
        Placement(
            client=c,
            search_started_on=today - timedelta(days=90),
            move_in_date=today - timedelta(days=40),
        )
        for c in created[::3]
    )
    Contact.objects.bulk_create(
        Contact(client=c, made_by=case_manager, occurred_at=timezone.now() - timedelta(days=3))
        for c in created[::2]
    )
    provider = ProviderFactory()
    Referral.objects.bulk_create(
        Referral(client=c, provider=provider, service_type="mental_health", requested_by="staff")
        for c in created[::5]
    )
    Reminder.objects.bulk_create(
        Reminder(
            client=p.client,
            placement=p,
            kind=Kind.VISIT_DUE,
            due_on=today - timedelta(days=2),
            assigned_to=case_manager,
        )
        for p in placements[::2]
    )
    return created


CASE_MANAGER_TABLES = [
    ("clients:list", {}),
    ("clients:list", {"sort": "next_visit", "order": "asc"}),
    ("clients:list", {"status": "active", "housing": "housed", "overdue": "any"}),
    ("clients:list", {"q": "Bulk1", "sort": "open_reminders", "order": "desc"}),
    ("home", {}),
]


@pytest.mark.parametrize("url_name, params", CASE_MANAGER_TABLES)
def test_case_manager_table_runs_the_same_queries_for_10_and_2000_clients(
    program, login, url_name, params
):
    browser = login(program.case_manager)
    url = reverse(url_name)
    grow_caseload(program.case_manager, 9)  # 10 clients with Rosa
    browser.get(url, params)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as small:
        response = browser.get(url, params)
    assert response.status_code == 200

    grow_caseload(program.case_manager, 1990)  # 2,000 clients

    with CaptureQueriesContext(connection) as large:
        response = browser.get(url, params)
    assert response.status_code == 200
    assert len(large) == len(small), [q["sql"][:120] for q in large]
    if url_name == "clients:list" and not params:
        assert response.context["page"].paginator.count == 2000
    if url_name == "home":
        assert response.context["caseload_active"] == 2000
