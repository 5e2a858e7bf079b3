"""The lists behind the counts: the home's "Needs attention" says how many there are and links
to all of them; the list page is for supervisors of the team only; passed dates stand out.

Clock frozen at noon on Friday 2025-03-14; "not contacted" means 30 days.
"""

from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse

from caseloads.selectors import URGENT_LIST_LENGTH
from reminders.models import Kind

from ..factories import client_of, make_case_manager
from ..placements.factories import PlacementFactory, housed, visit
from ..referrals.factories import referral_at
from ..reminders.factories import reminder_for
from .test_queries import count_queries, grow_team

pytestmark = pytest.mark.django_db

SHOWS = [
    "active",
    "housed",
    "searching",
    "not_contacted",
    "visits_overdue",
    "overdue_reminders",
    "follow_ups_overdue",
]


def clients_url(**query) -> str:
    return reverse("caseloads:clients") + "?" + "&".join(f"{k}={v}" for k, v in query.items())


@pytest.fixture
def quiet_clients(clock, program):
    """Seven more of the case manager's clients nobody reached (9 not contacted in all, with
    Rosa and Tom), each with an overdue home-visit reminder and an overdue follow-up; Tom is
    searching for housing. Every list has someone in it."""
    PlacementFactory(client=program.teammate_client, search_started_on=date(2025, 1, 2))
    clients = []
    for n in range(7):
        client = client_of(program.case_manager, first_name=f"Quiet{n}", last_name="Client")
        housed(client, date(2024, 6, 1))
        referral_at(
            "offered", client=client, by=program.case_manager, follow_up_on=date(2025, 3, 1)
        )
        reminder_for(client, kind=Kind.VISIT_DUE, due_on=date(2025, 3, 1 + n))
        clients.append(client)
    return clients


def test_home_lists_say_how_many_there_are_and_link_to_all(quiet_clients, program, login):
    response = login(program.supervisor).get("/")
    text = response.content.decode()
    counts = response.context["urgent_counts"]

    assert counts == {
        "not_contacted": 9,
        "visits_overdue": 7,
        "follow_ups_overdue": 7,
        "overdue_reminders": 7,
        "covers_ending": 0,
    }
    assert len(response.context["urgent"]["not_contacted"]) == URGENT_LIST_LENGTH
    assert "Not contacted for 30 days (9)" in text
    assert "Overdue reminders (7)" in text
    assert "The 5 oldest of 9." in text
    for show, count in [
        ("not_contacted", 9),
        ("visits_overdue", 7),
        ("follow_ups_overdue", 7),
        ("overdue_reminders", 7),
    ]:
        assert f'href="{clients_url(show=show)}"' in text
        assert f"See all {count}</a>" in text
        page = login(program.supervisor).get(clients_url(show=show)).context["page"]
        assert page.paginator.count == count, show


def test_home_says_nothing_was_left_out_when_the_list_is_whole(clock, program, login):
    text = login(program.supervisor).get("/").content.decode()
    assert "Not contacted for 30 days (2)" in text  # Rosa and Tom
    assert "oldest of" not in text
    assert "See all 2</a>" in text


def test_overdue_dates_on_the_home_are_highlighted_with_words(quiet_clients, program, login):
    text = login(program.supervisor).get("/").content.decode()
    assert (
        '<span class="date-overdue"><time datetime="2025-03-01">2025-03-01</time> '
        '<span class="overdue-by">(13 days overdue)</span></span>'
    ) in text


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 3, 13), "(1 day overdue)"),
        (date(2025, 3, 1), "(13 days overdue)"),
    ],
)
def test_due_date_past_is_highlighted(clock, day, expected):
    html = Template("{% load caseloads %}{% due_date day %}").render(Context({"day": day}))
    assert 'class="date-overdue"' in html and expected in html


@pytest.mark.parametrize("day", [date(2025, 3, 14), date(2025, 3, 20), None])
def test_due_date_today_or_later_is_plain(clock, day):
    html = Template("{% load caseloads %}{% due_date day %}").render(Context({"day": day}))
    assert "overdue" not in html
    assert html == ("—" if day is None else f'<time datetime="{day}">{day}</time>')


def test_the_caseload_page_highlights_a_visit_past_due(clock, program, login):
    housed(program.client, date(2025, 1, 2))
    visit(program.client, date(2025, 2, 1), by=program.case_manager)  # next visit due 03-03
    url = reverse("caseloads:case_manager", args=[program.case_manager.pk])
    text = login(program.supervisor).get(url).content.decode()
    assert '<span class="date-overdue"><time datetime="2025-03-03">' in text


# Who may open the lists ----------------------------------------------------------------------


@pytest.mark.parametrize("show", SHOWS)
def test_supervisor_sees_only_their_teams_in_every_list(quiet_clients, program, login, show):
    other = program.other_client
    housed(other, date(2024, 6, 1))
    referral_at(
        "offered", client=other, by=program.other_case_manager, follow_up_on=date(2025, 3, 1)
    )
    reminder_for(other, kind=Kind.VISIT_DUE, due_on=date(2025, 3, 1))

    def clients_in(user):
        items = login(user).get(clients_url(show=show)).context["page"].paginator.object_list
        return {getattr(item, "client", item).pk for item in items}

    mine = clients_in(program.supervisor)
    theirs = clients_in(program.other_supervisor)
    assert other.pk not in mine
    assert mine and theirs <= {other.pk}
    if show != "searching":  # Olga is housed
        assert theirs == {other.pk}


def test_other_teams_case_manager_is_not_found(program, login):
    browser = login(program.other_supervisor)
    url = clients_url(show="active", case_manager=program.case_manager.pk)
    assert browser.get(url).status_code == 404
    own = clients_url(show="active", case_manager=program.other_case_manager.pk)
    assert browser.get(own).status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"show": "everything"},
        {"show": "active", "case_manager": "abc"},
        {"show": "active", "case_manager": "99999"},
    ],
)
def test_bad_filters_answer_not_found(program, login, query):
    assert login(program.supervisor).get(clients_url(**query)).status_code == 404


@pytest.mark.parametrize("who", ["case_manager", "auditor"])
def test_list_is_for_reviewers_only(program, login, who):
    response = login(getattr(program, who)).get(clients_url(show="active"))
    assert response.status_code == 403


def test_signed_out_person_goes_to_the_login_page(client, program):
    response = client.get(clients_url(show="active"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_administrator_sees_every_team(program, login):
    items = login(program.admin).get(clients_url(show="active")).context["page"]
    assert {c.pk for c in items} >= {program.client.pk, program.other_client.pk}


def test_one_case_managers_list_holds_only_their_clients(clock, program, login):
    make_case_manager(program.team, username="cm_new")  # nobody: an empty list, no error
    browser = login(program.supervisor)
    page = browser.get(clients_url(show="active", case_manager=program.teammate.pk))
    assert [c.pk for c in page.context["page"]] == [program.teammate_client.pk]
    assert "Tom Teammate" in page.content.decode()


def test_list_without_a_show_shows_active_clients(program, login):
    response = login(program.supervisor).get(reverse("caseloads:clients"))
    assert response.status_code == 200
    assert response.context["current"].key == "active"


# Queries -------------------------------------------------------------------------------------


def test_lists_run_the_same_queries_for_10_and_2000_clients(
    quiet_clients, program, login, django_assert_max_num_queries
):
    browser = login(program.supervisor)
    urls = [clients_url(show=show) for show in SHOWS]
    urls += [clients_url(show=show, case_manager="any") for show in SHOWS]
    urls += [clients_url(show="active", case_manager=program.case_manager.pk)]
    for url in urls:
        browser.get(url)  # warm caches
    small = {url: count_queries(browser, url) for url in urls}

    grow_team(program)

    for url in urls:
        with django_assert_max_num_queries(small[url]):
            response = browser.get(url)
        assert response.status_code == 200
        assert count_queries(browser, url) == small[url], url
