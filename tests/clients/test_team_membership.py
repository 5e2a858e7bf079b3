"""Team membership: each join or leave is one history row (who, which team, when, by whom, why),
so history grows with the changes, not with the team's size; the old whole-team copies that
the audit chain sealed still verify."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from clients import services
from clients.models import (
    HistoricalTeam_case_managers,
    Team,
    TeamCaseManager,
    TeamRole,
    TeamSupervisor,
)
from housingfirst.audit_log import chain
from housingfirst.audit_log.changelog import Filters, change_log_page
from housingfirst.models import ChangeLogEntry
from housingfirst.roles import Role

from ..factories import TeamFactory, UserFactory, join_team

pytestmark = pytest.mark.django_db


def history_rows() -> int:
    """Every history row a team's membership can write, old copies included."""
    return (
        Team.history.count()
        + TeamCaseManager.history.count()
        + TeamSupervisor.history.count()
        + HistoricalTeam_case_managers.objects.count()
        + ChangeLogEntry.objects.count()
    )


def rows_for_a_team_built_one_by_one(size: int) -> int:
    team = TeamFactory()
    people = UserFactory.create_batch(size, role=Role.CASE_MANAGER)
    before = history_rows()
    for person in people:
        services.team_membership_change(
            team=team, role=TeamRole.CASE_MANAGER, joined=[person], by=None, reason="Hired"
        )
    return history_rows() - before


def test_membership_history_grows_linearly_with_the_team():
    small, large = rows_for_a_team_built_one_by_one(10), rows_for_a_team_built_one_by_one(40)
    # One membership row and its seal per person, whatever the team's size (it was quadratic:
    # a copy of the whole team per change, 55 then 820 copied members).
    assert small == 2 * 10
    assert large == 2 * 40
    assert HistoricalTeam_case_managers.objects.count() == 0


def test_joining_and_leaving_record_who_which_team_when_by_whom_and_why(program):
    newcomer = UserFactory(first_name="Alex", last_name="Morales", role=Role.CASE_MANAGER)
    started = timezone.now()
    services.team_membership_change(
        team=program.team,
        role=TeamRole.CASE_MANAGER,
        joined=[newcomer],
        by=program.admin,
        reason="New hire",
    )
    assert program.team.case_managers.filter(pk=newcomer.pk).exists()
    services.team_membership_change(
        team=program.team,
        role=TeamRole.CASE_MANAGER,
        left=[newcomer],
        by=program.supervisor,
        reason="Moved to outreach",
    )
    assert not program.team.case_managers.filter(pk=newcomer.pk).exists()
    joined, left = TeamCaseManager.history.filter(user=newcomer).order_by("history_id")
    assert (joined.history_type, joined.team_id, joined.history_user) == (
        "+",
        program.team.pk,
        program.admin,
    )
    assert joined.history_change_reason == "New hire" and joined.history_date >= started
    assert (left.history_type, left.history_user, left.history_change_reason) == (
        "-",
        program.supervisor,
        "Moved to outreach",
    )
    summaries = [line for action in change_log_page(Filters()).actions for line in action.summary]
    assert "Alex Morales joined Team A as case manager" in summaries
    assert "Alex Morales left Team A (case manager)" in summaries
    call_command("verify_audit_trail")


def test_joining_twice_or_leaving_a_team_one_is_not_in_changes_nothing(program):
    before = TeamCaseManager.history.count()
    assert services.team_membership_change(
        team=program.team,
        role=TeamRole.CASE_MANAGER,
        joined=[program.case_manager],
        left=[program.other_case_manager],
        by=program.admin,
    ) == (0, 0)
    assert TeamCaseManager.history.count() == before


def test_a_supervisor_joins_in_their_role_only(program):
    join_team(program.other_team, program.supervisor, TeamRole.SUPERVISOR)
    assert program.other_team.supervisors.filter(pk=program.supervisor.pk).exists()
    assert not program.other_team.case_managers.filter(pk=program.supervisor.pk).exists()
    assert TeamSupervisor.history.filter(user=program.supervisor, history_type="+").count() == 2


@pytest.mark.parametrize("change", ["add", "remove", "clear", "reverse_add"])
def test_membership_cannot_change_around_the_service(program, change):
    """The m2m manager would write rows without history: refused, on both sides."""
    with pytest.raises(TypeError, match="team_membership_change"), transaction.atomic():
        if change == "add":
            program.team.case_managers.add(program.other_case_manager)
        elif change == "remove":
            program.team.case_managers.remove(program.case_manager)
        elif change == "clear":
            program.team.supervisors.clear()
        else:
            program.other_case_manager.teams.add(program.team)
    assert set(program.team.case_managers.all()) == {program.case_manager, program.teammate}


def test_a_renamed_team_writes_no_copy_of_its_members(program):
    program.team.name = "Team A — Harbor"
    program.team.save()
    assert HistoricalTeam_case_managers.objects.count() == 0
    row = Team.history.filter(id=program.team.pk).latest("history_id")
    entry = change_log_page(Filters(model=Team)).actions[0]
    assert entry.parts[0].history_id == row.history_id
    assert [change.label for change in entry.parts[0].changes] == ["Name"]
    call_command("verify_audit_trail")


def _sealed_old_style_team_row(team, members):
    """A team history row with a copy of its members, sealed, as written before issue 19."""
    row = Team.history.model.objects.create(
        id=team.pk,
        name=team.name,
        history_date=timezone.now(),
        history_type="~",
        history_change_reason="Before issue 19",
    )
    for number, person in enumerate(members, start=1):
        HistoricalTeam_case_managers.objects.create(id=number, history=row, team=team, user=person)
    chain.seal_history_rows(Team.history.model, [row])
    return row


def test_old_whole_team_copies_stay_sealed_and_verified(program):
    row = _sealed_old_style_team_row(
        program.team, [program.case_manager, program.teammate, program.other_case_manager]
    )
    call_command("verify_audit_trail")
    # The copy still shows in the team's history as it did...
    entry = change_log_page(Filters(model=Team)).actions[0].parts[0]
    assert entry.history_id == row.history_id
    assert [change.label for change in entry.changes] == ["Case managers"]
    # ...and altering it breaks the seal of its row.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {HistoricalTeam_case_managers._meta.db_table} SET user_id = %s "
            "WHERE history_id = %s AND user_id = %s",
            [program.auditor.pk, row.history_id, program.other_case_manager.pk],
        )
    with pytest.raises(CommandError, match=f"history row #{row.history_id}"):
        call_command("verify_audit_trail")


def test_admin_edits_team_members_through_the_service_with_a_reason(program, login):
    browser = login(program.admin)
    url = reverse("admin:clients_team_change", args=[program.team.pk])
    assert browser.get(url).status_code == 200
    newcomer = UserFactory(role=Role.CASE_MANAGER)
    response = browser.post(
        url,
        {
            "name": program.team.name,
            "member_supervisors": [program.supervisor.pk],
            "member_case_managers": [program.case_manager.pk, newcomer.pk],
            "membership_reason": "Caseload balancing",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert set(program.team.case_managers.all()) == {program.case_manager, newcomer}
    joined = TeamCaseManager.history.get(user=newcomer)
    left = TeamCaseManager.history.get(user=program.teammate, history_type="-")
    for row in (joined, left):
        assert row.history_user == program.admin
        assert row.history_change_reason == "Caseload balancing"
    call_command("verify_audit_trail")
