"""A reviewer of many case managers across several teams: the caseload table starts with one
row per team (the program director of a large program), each team opening its own table."""

import csv
import io

import pytest
from django.urls import reverse

from caseloads import selectors
from caseloads.selectors import caseload_rows, team_rows
from clients import services
from clients.models import TeamRole

from ..factories import TeamFactory, client_of, join_team, make_case_manager

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("caseloads:overview")


@pytest.fixture
def many(monkeypatch):
    """Two case managers count as many: no test needs to make 26 of them."""
    monkeypatch.setattr(selectors, "TEAM_ROWS_ABOVE", 1)


@pytest.fixture
def director(program):
    """program.supervisor, also supervising Team B."""
    join_team(program.other_team, program.supervisor, TeamRole.SUPERVISOR)
    return program.supervisor


def test_one_row_per_team_adds_up_its_case_managers(many, director, program):
    client_of(program.teammate, first_name="Second", last_name="Client")
    rows = caseload_rows(director)
    by_team = {row.team.name: row for row in team_rows(director, rows)}
    assert list(by_team) == ["Team A", "Team B"]
    assert (by_team["Team A"].case_managers, by_team["Team A"].caseload) == (2, 3)
    assert (by_team["Team B"].case_managers, by_team["Team B"].caseload) == (1, 1)


def test_the_caseloads_page_and_the_home_show_the_teams(many, director, program, login):
    browser = login(director)
    page = browser.get(OVERVIEW).content.decode()
    assert 'id="teams-table"' in page and 'id="caseload-table"' not in page
    assert f'href="{OVERVIEW}?team={program.other_team.pk}"' in page
    assert f'href="{OVERVIEW}?by=case_manager"' in page
    home = browser.get(reverse("home")).content.decode()
    assert 'id="teams-table"' in home and f"?team={program.team.pk}" in home


def test_a_team_opens_its_own_case_managers(many, director, program, login):
    response = login(director).get(OVERVIEW, {"team": program.other_team.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-case-manager="{program.other_case_manager.pk}"' in page
    assert f'data-case-manager="{program.case_manager.pk}"' not in page
    assert 'id="teams-table"' not in page
    # Sorting keeps to the team.
    assert f'href="?team={program.other_team.pk}&amp;sort=caseload' in page


def test_every_case_manager_on_request(many, director, program, login):
    page = login(director).get(OVERVIEW, {"by": "case_manager"}).content.decode()
    for person in (program.case_manager, program.teammate, program.other_case_manager):
        assert f'data-case-manager="{person.pk}"' in page
    assert 'id="teams-table"' not in page


@pytest.mark.parametrize("team_id", ["other", "9999999", "x", "-1"])
def test_a_team_out_of_reach_answers_404(many, program, login, team_id):
    team_id = program.other_team.pk if team_id == "other" else team_id
    assert login(program.supervisor).get(OVERVIEW, {"team": team_id}).status_code == 404


def test_the_team_filter_is_for_reviewers_only(program, login):
    response = login(program.case_manager).get(OVERVIEW, {"team": program.team.pk})
    assert response.status_code == 403


def test_one_team_keeps_its_case_managers_table(many, program, login):
    page = login(program.supervisor).get(OVERVIEW).content.decode()
    assert 'id="caseload-table"' in page and 'id="teams-table"' not in page


def test_a_short_table_stays_as_it_is(director, program, login):
    page = login(director).get(OVERVIEW).content.decode()
    assert 'id="caseload-table"' in page and 'id="teams-table"' not in page


def test_a_case_manager_in_none_of_the_teams_has_a_row_of_their_own(many, director, program, login):
    """They left the team but still hold a client of it."""
    services.team_membership_change(
        team=program.team,
        role=TeamRole.CASE_MANAGER,
        left=[program.teammate],
        by=None,
        reason="Moved on",
    )
    rows = team_rows(director, caseload_rows(director))
    elsewhere = [row for row in rows if row.team is None]
    assert len(elsewhere) == 1 and elsewhere[0].caseload == 1
    assert "In none of your teams" in login(director).get(OVERVIEW).content.decode()


def test_the_teams_table_costs_one_query_more_whatever_the_teams(
    many, director, program, login, django_assert_max_num_queries
):
    for index in range(5):
        team = TeamFactory(name=f"Team {index}")
        join_team(team, director, TeamRole.SUPERVISOR)
        client_of(make_case_manager(team))
    browser = login(director)
    browser.get(OVERVIEW)
    with django_assert_max_num_queries(13):
        assert browser.get(OVERVIEW).status_code == 200


def test_a_teams_page_downloads_that_teams_csv(many, director, program, login):
    browser = login(director)
    page = browser.get(OVERVIEW, {"team": program.other_team.pk}).content.decode()
    export = reverse("caseloads:export")
    assert f'href="{export}?team={program.other_team.pk}&amp;sort=name&amp;order=asc"' in page
    response = browser.get(export, {"team": program.other_team.pk})
    usernames = [row["Username"] for row in csv.DictReader(io.StringIO(response.content.decode()))]
    assert usernames == [program.other_case_manager.get_username()]
    assert f"caseloads-team-{program.other_team.pk}-" in response["Content-Disposition"]
    assert browser.get(export, {"team": "9999999"}).status_code == 404


def test_another_teams_csv_answers_404(program, login):
    export = reverse("caseloads:export")
    browser = login(program.supervisor)
    assert browser.get(export, {"team": program.other_team.pk}).status_code == 404
    assert browser.get(export, {"team": program.team.pk}).status_code == 200


def test_a_teams_page_shows_its_totals_without_the_links_to_every_team(
    many, director, program, login
):
    browser = login(director)
    clients_list = reverse("caseloads:clients")
    whole = browser.get(OVERVIEW).content.decode()
    assert f'href="{clients_list}?show=housed&amp;case_manager=any"' in whole
    one_team = browser.get(OVERVIEW, {"team": program.other_team.pk}).content.decode()
    assert "case_manager=any" not in one_team
    assert "<strong>1</strong> active clients" in one_team


def test_sorting_every_case_manager_stays_on_every_case_manager(many, director, login):
    page = login(director).get(OVERVIEW, {"by": "case_manager"}).content.decode()
    assert '<input type="hidden" name="by" value="case_manager">' in page
    assert f'href="{reverse("caseloads:export")}?by=case_manager&amp;sort=name' in page
