"""The caseload table's figures on a small, explicit program, checked against numbers worked
out by hand (clock frozen at noon on Friday 2025-03-14; "not contacted" means 30 days)."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from caseloads.selectors import caseload_rows
from clients.models import Client
from placements.models import Contact
from referrals.models import Referral, ServiceType
from reminders.models import Kind, Reminder

from ..factories import client_of
from ..placements.factories import PlacementFactory, housed, local_datetime, visit
from ..referrals.factories import referral_at
from ..reminders.factories import reminder_for

pytestmark = pytest.mark.django_db
Status = Referral.Status


@pytest.fixture
def team(clock, program):
    """The case manager's caseload, client by client:

    - Rosa (program.client): housed since 2024-06-01; home visit 2025-03-04 10:00; an outreach
      attempt on 2025-03-13 (not reached, so not a contact). Referrals: offered, accepted,
      and a substance-use one scheduled.
    - Sam: searching since 2025-01-02; last reached 2025-01-20 (53 days ago). Referral sent.
    - Cleo: no placement, never reached, enrolled 2024-01-15. Referral completed (final).
    - Nina: enrolled 2025-03-01 (13 days ago), never reached: too new to count as not contacted.
    - Hal: housed since 2024-09-01, reached on 2025-02-12 30 days less one hour ago.
      Referral declined (final).
    - Eve: exited the program (left out of every figure), reached 2025-03-10.

    Reminders (a reminder due today is due, not overdue; a snoozed one counts from the end
    of its snooze; done ones never):

    - Rosa, home visit due 03-10, for the case manager: overdue.
    - Rosa, lease ending due 03-14 (today), for the case manager: not overdue.
    - Rosa, no contact due 03-01 snoozed until 03-20: not overdue.
    - Rosa, lease ending due 03-12, still with the teammate: overdue, for the teammate.
    - Hal, home visit due 03-01, done: not overdue.
    - Hal, no contact due 03-05 snoozed until 03-12: overdue.

    So: caseload 5, housed 2 (Rosa, Hal), searching 1 (Sam), not contacted 2 (Sam, Cleo),
    last contact 2025-03-04, open referrals 4 (offered 1, accepted 1, sent 1, scheduled 1),
    overdue reminders 2. The teammate holds Tom: no placement, never reached: caseload 1, not
    contacted 1, overdue reminders 1.
    """
    cm = program.case_manager
    rosa = program.client
    sam = client_of(cm, first_name="Sam", last_name="Searching")
    cleo = client_of(cm, first_name="Cleo", last_name="Quiet")
    nina = client_of(cm, first_name="Nina", last_name="New", program_start_date=date(2025, 3, 1))
    hal = client_of(cm, first_name="Hal", last_name="Housed")
    eve = client_of(cm, first_name="Eve", last_name="Exited", status=Client.Status.EXITED)

    housed(rosa, date(2024, 6, 1))
    visit(rosa, date(2025, 3, 4), by=cm)
    visit(rosa, date(2025, 3, 13), by=cm, kind=Contact.Kind.OUTREACH_ATTEMPT)
    PlacementFactory(client=sam, search_started_on=date(2025, 1, 2))
    visit(sam, date(2025, 1, 20), by=cm, kind=Contact.Kind.PHONE_CALL)
    housed(hal, date(2024, 9, 1))
    almost_30_days_ago = timezone.now() - timedelta(days=30) + timedelta(hours=1)
    visit(hal, date(2025, 2, 12), by=cm, at=almost_30_days_ago)
    housed(eve, date(2024, 5, 1))
    visit(eve, date(2025, 3, 10), by=cm)

    referral_at(Status.OFFERED, client=rosa, by=cm)
    referral_at(Status.ACCEPTED, client=rosa, by=cm)
    referral_at(Status.SCHEDULED, client=rosa, by=cm, service_type=ServiceType.SUBSTANCE_USE)
    referral_at(Status.SENT, client=sam, by=cm)
    referral_at(Status.COMPLETED, client=cleo, by=cm)
    referral_at(Status.DECLINED, client=hal, by=cm)

    reminder_for(rosa, kind=Kind.VISIT_DUE, due_on=date(2025, 3, 10))
    reminder_for(rosa, kind=Kind.LEASE_ENDING, due_on=date(2025, 3, 14))
    reminder_for(
        rosa,
        kind=Kind.NO_CONTACT,
        due_on=date(2025, 3, 1),
        state=Reminder.State.SNOOZED,
        snoozed_until=date(2025, 3, 20),
    )
    reminder_for(
        rosa, kind=Kind.LEASE_ENDING, due_on=date(2025, 3, 12), assigned_to=program.teammate
    )
    reminder_for(hal, kind=Kind.VISIT_DUE, due_on=date(2025, 3, 1), state=Reminder.State.DONE)
    reminder_for(
        hal,
        kind=Kind.NO_CONTACT,
        due_on=date(2025, 3, 5),
        state=Reminder.State.SNOOZED,
        snoozed_until=date(2025, 3, 12),
    )
    return {"rosa": rosa, "sam": sam, "cleo": cleo, "nina": nina, "hal": hal, "eve": eve}


def rows_by_person(user, **kwargs):
    return {row.case_manager.username: row for row in caseload_rows(user, **kwargs)}


def test_figures_equal_the_hand_computed_values(team, program):
    rows = rows_by_person(program.supervisor)

    own = rows["cm_own"]
    assert own.caseload == 5
    assert own.housed == 2
    assert own.searching == 1
    assert own.not_contacted == 2
    assert own.last_contact_at == local_datetime(date(2025, 3, 4), 10)
    assert own.open_referrals == {
        Status.OFFERED: 1,
        Status.ACCEPTED: 1,
        Status.SENT: 1,
        Status.SCHEDULED: 1,
    }
    assert own.open_referrals_total == 4
    assert own.overdue_reminders == 2

    mate = rows["cm_teammate"]
    assert mate.overdue_reminders == 1
    assert (mate.caseload, mate.housed, mate.searching, mate.not_contacted) == (1, 0, 0, 1)
    assert mate.last_contact_at is None
    assert mate.open_referrals_total == 0


def test_administrators_do_not_count_substance_use_referrals(team, program):
    own = rows_by_person(program.admin)["cm_own"]
    assert own.open_referrals_total == 3
    assert Status.SCHEDULED not in own.open_referrals


def test_overdue_reminders_follow_the_person_they_are_for(team, program):
    Reminder.objects.filter(assigned_to=program.teammate).get().delete()
    rows = rows_by_person(program.supervisor)
    assert (rows["cm_own"].overdue_reminders, rows["cm_teammate"].overdue_reminders) == (2, 0)


def test_a_client_reached_today_is_no_longer_not_contacted(team, program):
    visit(team["cleo"], date(2025, 3, 14), by=program.case_manager, hour=9)
    assert rows_by_person(program.supervisor)["cm_own"].not_contacted == 1


def test_sorting_by_each_column(team, program):
    def order(sort, descending):
        return [
            row.case_manager.username
            for row in caseload_rows(program.supervisor, sort=sort, descending=descending)
        ]

    assert order("caseload", True) == ["cm_own", "cm_teammate"]
    assert order("caseload", False) == ["cm_teammate", "cm_own"]
    assert order("not_contacted", True) == ["cm_own", "cm_teammate"]
    assert order("last_contact", False) == ["cm_teammate", "cm_own"]  # never contacted first
    assert order("open_referrals", True) == ["cm_own", "cm_teammate"]
    assert order("nonsense", False) == order("name", False)


def test_page_shows_the_figures_and_sorts_on_request(team, program, login):
    response = login(program.supervisor).get(
        reverse("caseloads:overview"), {"sort": "caseload", "order": "asc"}
    )
    text = response.content.decode()
    assert [row.case_manager.username for row in response.context["rows"]] == [
        "cm_teammate",
        "cm_own",
    ]
    assert 'aria-sort="ascending"' in text
    totals = response.context["totals"]
    assert (totals.caseload, totals.housed, totals.searching, totals.not_contacted) == (6, 2, 1, 3)
    assert totals.overdue_reminders == 3
    assert "2025-03-04" in text


def test_csv_export_has_the_same_figures(team, program, login):
    response = login(program.supervisor).get(reverse("caseloads:export"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    own = next(row for row in rows if row["Username"] == "cm_own")
    assert own["Caseload (active clients)"] == "5"
    assert own["Housed"] == "2"
    assert own["Searching for housing"] == "1"
    assert own["Not contacted for 30 days"] == "2"
    assert own["Open referrals"] == "4"
    assert own["Open referrals: Sent to provider"] == "1"
    assert own["Overdue reminders"] == "2"
    assert own["Last contact"] == "2025-03-04 10:00"
    assert response["Content-Disposition"] == 'attachment; filename="caseloads-2025-03-14.csv"'


def test_csv_cells_cannot_become_spreadsheet_formulas(team, program, login):
    program.case_manager.first_name = "=HYPERLINK(evil)"
    program.case_manager.save()
    response = login(program.supervisor).get(reverse("caseloads:export"))
    assert "'=HYPERLINK(evil)" in response.content.decode()


def test_drill_down_shows_each_clients_figures(team, program, login):
    response = login(program.supervisor).get(
        reverse("caseloads:case_manager", args=[program.case_manager.pk])
    )
    clients = {client.first_name: client for client in response.context["page"]}
    assert set(clients) == {"Rosa", "Sam", "Cleo", "Nina", "Hal", "Eve"}  # like /clients/
    rosa = clients["Rosa"]
    assert rosa.housing_status == "housed"
    assert rosa.next_visit_due == date(2025, 4, 3)  # last visit 03-04 + 30 days
    assert rosa.open_referrals == 3
    assert rosa.overdue_reminders == 2  # whoever they are for
    assert clients["Hal"].overdue_reminders == 1
    assert clients["Sam"].housing_status == "searching"
    assert clients["Cleo"].open_referrals == 0


# Every count links to the clients (or reminders) behind it -----------------------------------


def listed(browser, url) -> list:
    response = browser.get(url)
    assert response.status_code == 200
    return list(response.context["page"].paginator.object_list)


def test_every_tile_on_the_caseloads_page_links_to_as_many_as_it_counts(team, program, login):
    browser = login(program.supervisor)
    response = browser.get(reverse("caseloads:overview"))
    text = response.content.decode()
    totals = response.context["totals"]
    base = reverse("caseloads:clients")
    tiles = {
        "active": totals.caseload,
        "housed": totals.housed,
        "searching": totals.searching,
        "not_contacted": totals.not_contacted,
        "overdue_reminders": totals.overdue_reminders,
    }
    for show, count in tiles.items():
        url = f"{base}?show={show}&case_manager=any"
        assert f'href="{url.replace("&", "&amp;")}"' in text, show
        assert len(listed(browser, url)) == count, show
    assert f'href="{reverse("caseloads:unassigned")}"' in text

    # Worked by hand in ``team``: the people behind the counts.
    names = {c.first_name for c in listed(browser, f"{base}?show=not_contacted&case_manager=any")}
    assert names == {"Sam", "Cleo", "Tom"}
    assert {c.first_name for c in listed(browser, f"{base}?show=housed&case_manager=any")} == {
        "Rosa",
        "Hal",
    }
    reminders = listed(browser, f"{base}?show=overdue_reminders&case_manager=any")
    assert sorted((r.client.first_name, r.kind) for r in reminders) == [
        ("Hal", Kind.NO_CONTACT),
        ("Rosa", Kind.LEASE_ENDING),
        ("Rosa", Kind.VISIT_DUE),
    ]


def test_each_count_of_the_table_links_to_that_case_managers_list(team, program, login):
    browser = login(program.supervisor)
    text = browser.get(reverse("caseloads:overview")).content.decode()
    base = reverse("caseloads:clients")
    own, mate = program.case_manager.pk, program.teammate.pk
    expected = {
        (own, "active"): 5,
        (own, "housed"): 2,
        (own, "searching"): 1,
        (own, "not_contacted"): 2,
        (own, "overdue_reminders"): 2,
        (mate, "active"): 1,
        (mate, "not_contacted"): 1,
        (mate, "overdue_reminders"): 1,
    }
    for (person, show), count in expected.items():
        url = f"{base}?show={show}&case_manager={person}"
        assert f'href="{url.replace("&", "&amp;")}"' in text, (person, show)
        assert len(listed(browser, url)) == count, (person, show)
    # A zero is not a link.
    assert f"{base}?show=housed&amp;case_manager={mate}" not in text
