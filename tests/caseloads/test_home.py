"""A supervisor's home: the team summary and the most urgent items."""

from datetime import date

import pytest

from ..factories import ClientFactory, client_of
from ..placements.factories import housed, visit
from ..referrals.factories import referral_at

pytestmark = pytest.mark.django_db


def test_supervisor_home_shows_the_team_and_what_is_urgent(clock, program, login):
    quiet = client_of(program.case_manager, first_name="Quinn", last_name="Quiet")
    housed(program.client, date(2025, 1, 2))
    visit(program.client, date(2025, 2, 1), by=program.case_manager)  # visit due 03-03
    visit(quiet, date(2025, 3, 13), by=program.case_manager)
    referral_at("offered", client=quiet, by=program.case_manager, follow_up_on=date(2025, 3, 1))
    waiting = ClientFactory(team=program.team, first_name="Wanda", last_name="Waiting")
    ClientFactory(team=program.other_team, first_name="Otto", last_name="Elsewhere")

    response = login(program.supervisor).get("/")
    text = response.content.decode()

    assert response.status_code == 200
    assert {row.case_manager for row in response.context["team_rows"]} == {
        program.case_manager,
        program.teammate,
    }
    urgent = response.context["urgent"]
    # Tom and Wanda were never reached; Rosa last reached 2025-02-01 (41 days ago).
    assert set(urgent["not_contacted"]) == {program.client, program.teammate_client, waiting}
    assert urgent["visits_overdue"] == [program.client]
    assert [r.client for r in urgent["follow_ups_overdue"]] == [quiet]
    assert urgent["unassigned"] == [waiting]
    assert "Wanda Waiting" in text and "Otto Elsewhere" not in text
    assert "Needs attention" in text and "Caseload review" in text


def test_case_managers_home_has_no_team_summary(program, login):
    response = login(program.case_manager).get("/")
    assert "team_rows" not in response.context
    assert "Needs attention" not in response.content.decode()
