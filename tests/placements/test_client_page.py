"""The housing summary and timeline on the client page, and its bounded query count."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from placements.models import Contact
from placements.selectors import placement_events

from .factories import ContactFactory, PlacementFactory, housed, local_datetime, visit

pytestmark = pytest.mark.django_db


def client_page(browser, client):
    response = browser.get(reverse("clients:detail", args=[client.pk]))
    assert response.status_code == 200
    return response


def test_housed_client_summary(program, login, clock):
    housed(
        program.client,
        date(2025, 1, 1),
        address="12 Elm St, Apt 4",
        lease_end=date(2025, 12, 31),
        landlord_name="Maple Property Management",
    )
    visit(program.client, date(2025, 1, 29), by=program.case_manager)  # then monthly: due 02-28
    response = client_page(login(program.case_manager), program.client)
    housing = response.context["housing"]
    assert housing.status_label == "Housed"
    assert housing.days_housed_current == 73
    assert housing.next_visit_due == date(2025, 2, 28) and housing.visit_overdue
    content = response.content.decode()
    for text in [
        "12 Elm St, Apt 4",
        "Housed since",
        "2025-01-01",
        "73 days",
        "Lease ends",
        "2025-12-31",
        "Last contact",
        "2025-01-29",
        "Next visit due",
        "Overdue",
        "Log a home visit",
        "Record exit",
    ]:
        assert text in content, text
    # Housing comes first on the page, before the profile.
    assert content.index('id="housing-heading"') < content.index('id="profile-heading"')
    assert (
        f"{reverse('placements:contact_create', args=[program.client.pk])}?kind=home_visit"
        in content
    )


def test_searching_client_summary(program, login, clock):
    PlacementFactory(client=program.client, search_started_on=date(2025, 3, 1), address="")
    response = client_page(login(program.case_manager), program.client)
    content = response.content.decode()
    assert "Searching for housing" in content and "Searching since" in content
    assert "Record move-in" in content and "Next visit due" not in content


def test_same_day_move_in_and_exit_of_a_first_placement_is_not_a_rehousing(program, clock):
    housed(program.client, date(2025, 2, 1), exit_date=date(2025, 2, 1), address="Only place")
    events = placement_events(list(program.client.placements.all()))
    assert [event.title for event in events] == ["Moved in", "Placement ended"]


def test_move_in_on_the_day_an_earlier_tenancy_ended_is_a_rehousing(program, clock):
    housed(program.client, date(2024, 5, 1), exit_date=date(2025, 2, 1), address="First")
    housed(program.client, date(2025, 2, 1), exit_date=date(2025, 2, 1), address="Second")
    events = placement_events(list(program.client.placements.order_by("move_in_date", "pk")))
    titles = {(event.title, event.detail.split(" · ")[0]) for event in events}
    assert ("Moved in", "First") in titles
    assert ("Moved in (rehoused)", "Second") in titles


def test_rehoused_client_summary_and_timeline(program, login, clock):
    by = program.case_manager
    housed(
        program.client,
        date(2024, 1, 1),
        exit_date=date(2024, 6, 30),
        address="Old place",
        exit_reason="returned_homeless",
        exit_destination=116,
    )
    visit(program.client, date(2024, 6, 1), by=by)
    PlacementFactory(
        client=program.client,
        search_started_on=date(2024, 7, 15),
        address="New place",
        move_in_date=date(2024, 9, 1),
        lease_start=date(2024, 9, 1),
    )
    ContactFactory(
        client=program.client,
        made_by=by,
        kind=Contact.Kind.PHONE_CALL,
        occurred_at=local_datetime(date(2025, 3, 1)),
        note="Rent letter question",
    )
    response = client_page(login(by), program.client)
    housing = response.context["housing"]
    assert housing.rehoused and len(housing.earlier) == 1
    assert housing.days_housed_total == 181 + 195
    titles = [event.title for event in housing.timeline]
    assert titles == [
        "Phone call",
        "Moved in (rehoused)",
        "Housing search started",
        "Placement ended",
        "Home visit",
        "Moved in",
    ]
    content = response.content.decode()
    assert "Rehoused" in content and "Earlier placements (1)" in content
    assert "Returned to homelessness" in content and "Rent letter question" in content


def test_client_page_timeline_is_cut_with_a_link_to_the_rest(program, login, clock):
    housed(program.client, date(2024, 1, 1))
    for n in range(15):
        visit(program.client, date(2025, 1, 1) + timedelta(days=n), by=program.case_manager)
    housing = client_page(login(program.case_manager), program.client).context["housing"]
    assert len(housing.timeline) == 10 and housing.timeline_has_more
    assert housing.timeline[0].day == date(2025, 1, 15)
    full = login(program.case_manager).get(reverse("placements:timeline", args=[program.client.pk]))
    assert len(full.context["page"].object_list) == 16


def test_only_editable_contacts_have_an_edit_link(program, login, clock):
    mine = visit(program.client, date(2025, 3, 1), by=program.case_manager)
    theirs = visit(program.client, date(2025, 3, 2), by=program.teammate)
    edit = "placements:contact_edit"
    content = client_page(login(program.case_manager), program.client).content.decode()
    assert reverse(edit, args=[program.client.pk, mine.pk]) in content
    assert reverse(edit, args=[program.client.pk, theirs.pk]) not in content
    content = client_page(login(program.supervisor), program.client).content.decode()
    assert reverse(edit, args=[program.client.pk, theirs.pk]) in content


def test_auditor_sees_housing_but_no_actions(program, login, clock):
    housed(program.other_client, date(2025, 1, 1), address="9 Birch Ave")
    content = client_page(login(program.auditor), program.other_client).content.decode()
    assert "9 Birch Ave" in content
    assert "Log a home visit" not in content and "Record exit" not in content


def test_client_without_placement(program, login):
    content = client_page(login(program.case_manager), program.client).content.decode()
    assert "No placement yet" in content and "Add a placement" in content
    assert "No placements or contacts yet." in content


@pytest.mark.parametrize("role", ["case_manager", "supervisor", "auditor"])
def test_client_page_queries_do_not_grow_with_placements_and_contacts(
    program, login, django_assert_max_num_queries, clock, role
):
    browser = login(getattr(program, role))
    client = program.client
    housed(client, date(2020, 1, 1), exit_date=date(2020, 2, 1))
    housed(client, date(2025, 3, 1))
    visit(client, date(2025, 3, 2), by=program.case_manager)
    client_page(browser, client)  # warm caches (content types, permissions)
    with CaptureQueriesContext(connection) as few:
        client_page(browser, client)

    client.placements.open().delete()
    for year in range(2005, 2020):
        housed(client, date(year, 1, 1), exit_date=date(year, 6, 1))
    housed(client, date(2024, 1, 1))
    for n in range(60):
        by = program.case_manager if n % 2 else program.teammate
        visit(client, date(2024, 2, 1) + timedelta(days=n), by=by)
    with django_assert_max_num_queries(len(few)):
        response = client_page(browser, client)
    assert len(response.context["housing"].placements) == 17
