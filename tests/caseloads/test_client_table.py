"""The client table (/clients/ and a case manager's home): the supervisor's per-client figures
(``caseloads.selectors.with_review_figures``), sorted and filtered in SQL, for the clients the
person may see. Clock frozen on Friday 2025-03-14 at noon (or the run's time of day).

- Rosa (program.client): moved in 2025-03-01, never visited since: weekly visits, so the
  first was due 2025-03-08, overdue. Reminders: home visit due 03-10 (overdue) and lease
  ending due 03-20. One referral offered.
- Sam: searching since 2025-01-02, reached by phone 2025-01-20.
- Hal: moved in 2024-09-01 (194 days), home visit 2025-03-04, so next due 2025-04-03.
  A reminder snoozed until 03-20 (open, not overdue); a completed referral (not open).
- Eve: exited the program.
Tom (the teammate's) and Olga (another team's) are not the case manager's.
"""

from datetime import date

import pytest
from django.urls import reverse

from clients.models import Client
from placements.models import Contact
from referrals.models import Referral
from reminders.models import Kind, Reminder

from ..factories import client_of
from ..placements.factories import PlacementFactory, housed, local_datetime, visit
from ..referrals.factories import referral_at
from ..reminders.factories import reminder_for

pytestmark = pytest.mark.django_db
Status = Referral.Status


@pytest.fixture
def caseload(clock, program):
    cm = program.case_manager
    rosa = program.client
    sam = client_of(cm, first_name="Sam", last_name="Searching")
    hal = client_of(cm, first_name="Hal", last_name="Housed")
    eve = client_of(cm, first_name="Eve", last_name="Exited", status=Client.Status.EXITED)

    housed(rosa, date(2025, 3, 1), landlord_contact="(555) 010-0199")
    reminder_for(rosa, kind=Kind.VISIT_DUE, due_on=date(2025, 3, 10))
    reminder_for(rosa, kind=Kind.LEASE_ENDING, due_on=date(2025, 3, 20))
    referral_at(Status.OFFERED, client=rosa, by=cm)

    PlacementFactory(client=sam, search_started_on=date(2025, 1, 2))
    visit(sam, date(2025, 1, 20), by=cm, kind=Contact.Kind.PHONE_CALL)

    housed(hal, date(2024, 9, 1))
    visit(hal, date(2025, 3, 4), by=cm)
    referral_at(Status.COMPLETED, client=hal, by=cm)
    snoozed = reminder_for(
        hal,
        kind=Kind.NO_CONTACT,
        due_on=date(2025, 3, 5),
        state=Reminder.State.SNOOZED,
        snoozed_until=date(2025, 3, 20),
    )
    assert Reminder.objects.pending().filter(pk=snoozed.pk).exists()
    return {"rosa": rosa, "sam": sam, "hal": hal, "eve": eve}


def table(browser, **params):
    response = browser.get(reverse("clients:list"), params)
    assert response.status_code == 200
    return response, [client.first_name for client in response.context["page"]]


def test_case_manager_sees_each_clients_figures(caseload, program, login):
    response, names = table(login(program.case_manager))
    assert names == ["Eve", "Hal", "Rosa", "Sam"]  # by last name: Exited, Housed, Parker, …
    rows = {client.first_name: client for client in response.context["page"]}

    rosa = rows["Rosa"]
    assert rosa.housing_status == "housed" and rosa.days_housed == 13
    assert rosa.last_contact_at is None
    assert rosa.next_visit_due == date(2025, 3, 8) and rosa.visit_overdue
    assert (rosa.open_reminders, rosa.overdue_reminders, rosa.open_referrals) == (2, 1, 1)

    hal = rows["Hal"]
    assert hal.housing_status == "housed" and hal.days_housed == 194
    assert hal.last_contact_at == local_datetime(date(2025, 3, 4))
    assert hal.next_visit_due == date(2025, 4, 3) and not hal.visit_overdue
    assert (hal.open_reminders, hal.overdue_reminders, hal.open_referrals) == (1, 0, 0)

    sam = rows["Sam"]
    assert sam.housing_status == "searching" and sam.days_housed == 0
    assert sam.next_visit_due is None and not sam.visit_overdue
    assert sam.last_contact_at == local_datetime(date(2025, 1, 20))

    content = response.content.decode()
    for heading in [
        "Housing",
        "Days housed",
        "Last contact",
        "Next visit due",
        "Open reminders",
        "Open referrals",
    ]:
        assert f">{heading}" in content, heading
    rosa_row = content[content.index(f'data-client="{rosa.pk}"') :].split("</tr>")[0]
    assert "2025-03-08" in rosa_row and "Overdue" in rosa_row and "1 overdue" in rosa_row
    assert 'class="is-overdue"' in content[: content.index(f'data-client="{rosa.pk}"') + 40]
    hal_row = content[content.index(f'data-client="{hal.pk}"') :].split("</tr>")[0]
    assert "2025-04-03" in hal_row and "Overdue" not in hal_row


def test_case_manager_sees_only_their_own_clients(caseload, program, login):
    _, names = table(login(program.case_manager))
    assert "Tom" not in names and "Olga" not in names
    # Filters and searches never reach past the caseload.
    for params in ({"q": "Olga"}, {"q": "Tom"}, {"status": "active"}, {"overdue": "any"}):
        _, names = table(login(program.case_manager), **params)
        assert "Tom" not in names and "Olga" not in names


def test_supervisor_and_auditor_see_the_table_of_their_scope(caseload, program, login):
    _, names = table(login(program.supervisor))
    assert "Tom" in names and "Rosa" in names and "Olga" not in names
    response, names = table(login(program.auditor))
    assert {"Tom", "Rosa", "Olga"} <= set(names)
    assert "Case manager" in response.content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("clients:list"), {"overdue": "any", "sort": "next_visit"})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "active"}, ["Hal", "Rosa", "Sam"]),
        ({"status": "exited"}, ["Eve"]),
        ({"housing": "searching"}, ["Sam"]),
        ({"housing": "housed"}, ["Hal", "Rosa"]),
        ({"housing": "none"}, ["Eve"]),
        ({"overdue": "any"}, ["Rosa"]),
        ({"overdue": "visit"}, ["Rosa"]),
        ({"overdue": "reminder"}, ["Rosa"]),
        ({"housing": "housed", "overdue": "any", "q": "Hal"}, []),
    ],
)
def test_filters(caseload, program, login, params, expected):
    _, names = table(login(program.case_manager), **params)
    assert names == expected


@pytest.mark.parametrize(
    "sort, order, expected",
    [
        ("next_visit", "asc", ["Rosa", "Hal", "Eve", "Sam"]),  # no visit schedule: last
        ("next_visit", "desc", ["Hal", "Rosa", "Eve", "Sam"]),
        ("last_contact", "asc", ["Eve", "Rosa", "Sam", "Hal"]),  # never reached: oldest
        ("last_contact", "desc", ["Hal", "Sam", "Eve", "Rosa"]),
        ("days_housed", "desc", ["Hal", "Rosa", "Eve", "Sam"]),
        ("open_reminders", "desc", ["Rosa", "Hal", "Eve", "Sam"]),
        ("open_referrals", "desc", ["Rosa", "Eve", "Hal", "Sam"]),
        ("housing", "asc", ["Hal", "Rosa", "Sam", "Eve"]),
        ("name", "desc", ["Sam", "Rosa", "Hal", "Eve"]),
    ],
)
def test_sorts(caseload, program, login, sort, order, expected):
    _, names = table(login(program.case_manager), sort=sort, order=order)
    assert names == expected


def test_headings_sort_and_keep_the_filters(caseload, program, login):
    response, _ = table(login(program.case_manager), status="active", sort="next_visit")
    columns = {column["key"]: column for column in response.context["columns"]}
    assert columns["next_visit"]["aria_sort"] == "ascending"
    assert columns["next_visit"]["query"] == "status=active&sort=next_visit&order=desc"
    assert columns["open_reminders"]["query"] == "status=active&sort=open_reminders&order=desc"
    assert columns["name"]["query"] == "status=active&sort=name&order=asc"
    assert 'aria-sort="ascending"' in response.content.decode()


def test_bad_filter_values_are_field_errors_not_a_500(caseload, program, login):
    response, names = table(
        login(program.case_manager),
        status="gone",
        housing="castle",
        overdue="very",
        sort="shoe_size",
        order="sideways",
        page="x",
    )
    assert names == ["Eve", "Hal", "Rosa", "Sam"]  # the default table
    assert set(response.context["form"].errors) == {
        "status",
        "housing",
        "overdue",
        "sort",
        "order",
    }


def test_case_manager_home_shows_the_table_next_visit_first(caseload, program, login):
    response = login(program.case_manager).get(reverse("home"))
    assert [client.first_name for client in response.context["caseload"]] == [
        "Rosa",
        "Hal",
        "Sam",
    ]
    assert response.context["caseload_active"] == 3
    assert response.context["caseload_size"] == 4
    content = response.content.decode()
    assert "Your caseload (3 active)" in content
    assert 'id="home-caseload"' in content and "Overdue" in content
    assert "Tom" not in content and "Olga" not in content
    assert f"{reverse('clients:list')}?status=active" in content
