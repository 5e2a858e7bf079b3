"""The client filter of /reminders/: a text field with suggestions, not a list of every
client, resolved (and suggested) only among the clients the person's own reminders are for."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import client_of

from .conftest import days
from .factories import reminder_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
LIST = "/reminders/"
SUGGEST = "/reminders/clients/suggest/"


@pytest.fixture
def reminders(program):
    """A reminder due for each of the program's three clients (two teams)."""
    return {
        client.pk: reminder_for(client, due_on=days(-1))
        for client in (program.client, program.teammate_client, program.other_client)
    }


def overdue_clients(response):
    assert response.status_code == 200
    return {reminder.client_id for reminder in response.context["overdue"]}


def suggested(browser, q):
    answer = browser.get(SUGGEST, {"q": q})
    assert answer.status_code == 200
    return [result["value"] for result in answer.json()["results"]]


def test_a_name_filters_the_list_and_the_page_says_who(program, login, reminders):
    signed_in = login(program.supervisor)
    response = signed_in.get(LIST, {"client": "parker"})
    assert overdue_clients(response) == {program.client.pk}
    assert f"Showing the reminders of Rosa Parker (#{program.client.pk})." in (
        response.content.decode()
    )


def test_a_suggestion_picks_its_one_client(program, login, reminders):
    namesake = client_of(program.case_manager, first_name="Rosa", last_name="Parkinson")
    reminder_for(namesake, due_on=days(-1))
    signed_in = login(program.case_manager)
    [first, second] = suggested(signed_in, "rosa park")
    assert first == f"Rosa Parker (#{program.client.pk})"
    assert overdue_clients(signed_in.get(LIST, {"client": first})) == {program.client.pk}
    assert overdue_clients(signed_in.get(LIST, {"client": second})) == {namesake.pk}


def test_a_name_that_matches_several_shows_them_all_and_names_them(program, login, reminders):
    namesake = client_of(program.case_manager, first_name="Rosa", last_name="Parkinson")
    reminder_for(namesake, due_on=days(-1))
    response = login(program.case_manager).get(LIST, {"client": "Park"})
    assert overdue_clients(response) == {program.client.pk, namesake.pk}
    assert (
        f"the 2 clients matching “Park”: Rosa Parker (#{program.client.pk}), "
        f"Rosa Parkinson (#{namesake.pk})."
    ) in response.content.decode()


def test_a_name_that_matches_no_one_shows_nothing_and_says_so(program, login, reminders):
    response = login(program.case_manager).get(LIST, {"client": "Zebedee"})
    assert overdue_clients(response) == set()
    assert "No client you have pending reminders for matches “Zebedee”." in (
        response.content.decode()
    )


def test_a_number_from_an_old_link_still_picks_that_client(program, login, reminders):
    signed_in = login(program.supervisor)
    for value in (str(program.teammate_client.pk), f"#{program.teammate_client.pk}"):
        assert overdue_clients(signed_in.get(LIST, {"client": value})) == {
            program.teammate_client.pk
        }


@pytest.mark.parametrize(
    "who, sees, never",
    [
        ("case_manager", {"client"}, {"teammate_client", "other_client"}),
        ("supervisor", {"client", "teammate_client"}, {"other_client"}),
        ("other_supervisor", {"other_client"}, {"client", "teammate_client"}),
    ],
)
def test_no_one_finds_a_client_outside_their_scope(program, login, reminders, who, sees, never):
    signed_in = login(getattr(program, who))
    for name in sees | never:
        client = getattr(program, name)
        found_by_name = suggested(signed_in, client.last_name)
        found_by_number = suggested(signed_in, str(client.pk))
        by_name = overdue_clients(signed_in.get(LIST, {"client": client.last_name}))
        by_number = signed_in.get(LIST, {"client": str(client.pk)})
        if name in sees:
            assert found_by_name == found_by_number == [f"{client.display_name} (#{client.pk})"]
            assert by_name == overdue_clients(by_number) == {client.pk}
        else:
            assert found_by_name == found_by_number == []
            assert by_name == set()
            # The same answer whether the client exists or not.
            assert by_number.context["form"].errors["client"] == [
                f"You have no pending reminders for client #{client.pk}."
            ]
            assert client.display_name not in by_number.content.decode()


@pytest.mark.parametrize(
    "who, status",
    [
        ("case_manager", 200),
        ("supervisor", 200),
        ("auditor", 403),
        ("admin", 403),
    ],
)
def test_suggestions_are_for_case_managers_and_supervisors(program, login, who, status):
    assert login(getattr(program, who)).get(SUGGEST, {"q": "Parker"}).status_code == status


def test_signed_out_visitors_get_no_suggestions(client, program):
    response = client.get(SUGGEST, {"q": "Parker"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_suggestions_are_a_few(program, login, reminders):
    for n in range(12):
        reminder_for(client_of(program.case_manager, last_name=f"Many{n}"), due_on=days(-1))
    signed_in = login(program.case_manager)
    assert len(suggested(signed_in, "many")) == 10
    assert suggested(signed_in, "") == []


def filter_form(html: str) -> str:
    return re.search(r'<form method="get" class="filters".*?</form>', html, re.S).group(0)


def test_the_page_does_not_list_every_client(program, login, reminders):
    signed_in = login(program.supervisor)
    before = filter_form(signed_in.get(LIST).content.decode())
    extra = [client_of(program.teammate, last_name=f"Extra{n}") for n in range(50)]
    for client in extra:
        reminder_for(client, due_on=days(3))
    html = signed_in.get(LIST).content.decode()
    assert "Extra1" in html  # listed among the reminders, not as a choice of the filter
    assert filter_form(html) == before
    assert f'value="{extra[0].pk}"' not in before
    assert 'data-suggest-url="/reminders/clients/suggest/"' in before
    assert '<label for="id_client">' in before
    assert "js/suggestions.js" in html


def test_filtering_by_name_takes_the_same_queries_for_few_or_many_clients(
    program, login, reminders
):
    signed_in = login(program.supervisor)

    def queries(name):
        with CaptureQueriesContext(connection) as captured:
            assert signed_in.get(LIST, {"client": name}).status_code == 200
        return len(captured)

    reminder_for(client_of(program.teammate, last_name="Extra"), due_on=days(3))
    queries("Extra")  # warm the caches (content types)
    one = queries("Extra")
    for n in range(3):
        reminder_for(client_of(program.teammate, last_name=f"Extra{n}"), due_on=days(3))
    several = queries("Extra")
    for n in range(3, 12):  # more than are named on the page
        reminder_for(client_of(program.teammate, last_name=f"Extra{n}"), due_on=days(3))
    many = queries("Extra")
    assert one == several == many
    response = signed_in.get(LIST, {"client": "Extra"})
    assert len({reminder.client_id for reminder in response.context["upcoming"]}) == 13
    assert "every client matching “Extra” (more than 10" in response.content.decode()


@pytest.mark.parametrize("q", ["\x00", "a\x00b", "x" * 300])
def test_odd_text_gets_no_suggestions_and_no_error(program, login, q):
    assert login(program.supervisor).get(SUGGEST, {"q": q}).json() == {"results": []}
