"""Who may use the caseload review, and what a supervisor reaches: their own teams only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients import services
from clients.models import Assignment, Client, Cover, TeamRole

from ..factories import ClientFactory, join_team, make_case_manager
from .factories import cover

pytestmark = pytest.mark.django_db


def pages(program):
    cm = program.case_manager.pk
    return [
        reverse("caseloads:overview"),
        reverse("caseloads:export"),
        reverse("caseloads:unassigned"),
        reverse("caseloads:covers"),
        reverse("caseloads:outcomes"),
        reverse("caseloads:case_manager", args=[cm]),
        reverse("caseloads:cover_create", args=[cm]),
        reverse("caseloads:reassign") + f"?clients={program.client.pk}",
        reverse("caseloads:clients") + f"?show=not_contacted&case_manager={cm}",
    ]


def actions(program, a_cover):
    return [
        (
            reverse("caseloads:reassign"),
            {
                "clients": [program.client.pk],
                "case_manager": program.teammate.pk,
                "reason": "Trying",
            },
        ),
        (
            reverse("caseloads:cover_create", args=[program.case_manager.pk]),
            {
                "covering": program.teammate.pk,
                "scope": "caseload",
                "starts_on": timezone.localdate().isoformat(),
                "ends_on": timezone.localdate().isoformat(),
                "reason": "Trying",
            },
        ),
        (reverse("caseloads:cover_end", args=[a_cover.pk]), {"reason": "Trying"}),
    ]


@pytest.mark.parametrize("role", ["case_manager", "teammate", "auditor"])
def test_case_managers_and_auditors_get_403_on_every_page(program, login, role):
    browser = login(getattr(program, role))
    for url in pages(program):
        assert browser.get(url).status_code == 403, url


@pytest.mark.parametrize("role", ["case_manager", "auditor"])
def test_case_managers_and_auditors_get_403_on_every_action_and_nothing_changes(
    program, login, role
):
    a_cover = cover(program, starts_on=timezone.localdate(), ends_on=timezone.localdate())
    browser = login(getattr(program, role))
    for url, data in actions(program, a_cover):
        assert browser.post(url, data).status_code == 403, url
    program.client.refresh_from_db()
    assert program.client.case_manager == program.case_manager
    assert Cover.objects.count() == 1 and Cover.objects.get().ended_at is None


def test_signed_out_visitors_are_sent_to_sign_in(program, client):
    for url in pages(program):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_and_administrators_open_every_page(program, login, role):
    browser = login(getattr(program, role))
    for url in pages(program):
        assert browser.get(url).status_code == 200, url


def test_supervisor_sees_only_their_teams_case_managers(program, login):
    response = login(program.supervisor).get(reverse("caseloads:overview"))
    people = {row.case_manager for row in response.context["rows"]}
    assert people == {program.case_manager, program.teammate}
    assert program.other_case_manager.get_full_name() not in response.content.decode()


def test_administrator_sees_every_case_manager(program, login):
    response = login(program.admin).get(reverse("caseloads:overview"))
    people = {row.case_manager for row in response.context["rows"]}
    assert people == {program.case_manager, program.teammate, program.other_case_manager}


def test_supervisor_gets_404_on_another_teams_case_manager(program, login):
    browser = login(program.supervisor)
    other = program.other_case_manager.pk
    assert browser.get(reverse("caseloads:case_manager", args=[other])).status_code == 404
    assert browser.get(reverse("caseloads:cover_create", args=[other])).status_code == 404
    assert browser.get(reverse("caseloads:case_manager", args=[999999])).status_code == 404


def test_drill_down_lists_only_that_case_managers_clients(program, login):
    response = login(program.supervisor).get(
        reverse("caseloads:case_manager", args=[program.case_manager.pk])
    )
    assert list(response.context["page"]) == [program.client]


def test_drill_down_uses_the_client_list_search(program, login):
    browser = login(program.supervisor)
    url = reverse("caseloads:case_manager", args=[program.case_manager.pk])
    assert list(browser.get(url, {"q": "Rosa"}).context["page"]) == [program.client]
    assert list(browser.get(url, {"q": "Nobody"}).context["page"]) == []


def test_reassign_with_another_teams_client_answers_404_and_changes_nothing(program, login):
    browser = login(program.supervisor)
    response = browser.post(
        reverse("caseloads:reassign"),
        {
            "clients": [program.client.pk, program.other_client.pk],
            "case_manager": program.teammate.pk,
            "reason": "Balancing",
        },
    )
    assert response.status_code == 404
    for client in (program.client, program.other_client):
        before = client.case_manager
        client.refresh_from_db()
        assert client.case_manager == before
    assert Assignment.objects.filter(case_manager=program.teammate).count() == 1
    assert (
        browser.get(
            reverse("caseloads:reassign") + f"?clients={program.other_client.pk}"
        ).status_code
        == 404
    )


@pytest.mark.parametrize("tampered", ["abc", "-1", "99999999", ""])
def test_reassign_with_a_bad_id_answers_404(program, login, tampered):
    response = login(program.supervisor).post(
        reverse("caseloads:reassign"),
        {
            "clients": [program.client.pk, tampered],
            "case_manager": program.teammate.pk,
            "reason": "x",
        },
    )
    assert response.status_code == 404
    program.client.refresh_from_db()
    assert program.client.case_manager == program.case_manager


def test_supervisor_cannot_move_a_client_to_another_team(program, login):
    response = login(program.supervisor).post(
        reverse("caseloads:reassign"),
        {
            "clients": [program.client.pk],
            "case_manager": program.other_case_manager.pk,
            "reason": "Moving",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["case_manager"]
    program.client.refresh_from_db()
    assert program.client.case_manager == program.case_manager
    assert program.client.team == program.team


def test_administrator_moves_a_client_to_another_team(program, login):
    response = login(program.admin).post(
        reverse("caseloads:reassign"),
        {
            "clients": [program.client.pk],
            "case_manager": program.other_case_manager.pk,
            "reason": "Moving across town",
        },
    )
    assert response.status_code == 302
    program.client.refresh_from_db()
    assert program.client.case_manager == program.other_case_manager
    assert program.client.team == program.other_team


def test_supervisor_of_two_teams_moves_clients_between_them(program, login):
    join_team(program.other_team, program.supervisor, TeamRole.SUPERVISOR)
    response = login(program.supervisor).post(
        reverse("caseloads:reassign"),
        {
            "clients": [program.client.pk],
            "case_manager": program.other_case_manager.pk,
            "reason": "Moving across town",
        },
    )
    assert response.status_code == 302
    program.client.refresh_from_db()
    assert program.client.team == program.other_team


def test_cover_form_with_another_teams_client_answers_404(program, login):
    response = login(program.supervisor).post(
        reverse("caseloads:cover_create", args=[program.case_manager.pk]),
        {
            "covering": program.teammate.pk,
            "scope": "clients",
            "clients": [program.client.pk, program.other_client.pk],
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": timezone.localdate().isoformat(),
            "reason": "Leave",
        },
    )
    assert response.status_code == 404
    assert not Cover.objects.exists()


def test_cover_form_with_a_teammates_client_answers_404(program, login):
    # In the team, but not in the covered case manager's caseload.
    response = login(program.supervisor).post(
        reverse("caseloads:cover_create", args=[program.case_manager.pk]),
        {
            "covering": program.teammate.pk,
            "scope": "clients",
            "clients": [program.teammate_client.pk],
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": timezone.localdate().isoformat(),
            "reason": "Leave",
        },
    )
    assert response.status_code == 404
    assert not Cover.objects.exists()


def test_cover_form_offers_only_colleagues_of_the_team(program, login):
    response = login(program.supervisor).post(
        reverse("caseloads:cover_create", args=[program.case_manager.pk]),
        {
            "covering": program.other_case_manager.pk,
            "scope": "caseload",
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": timezone.localdate().isoformat(),
            "reason": "Leave",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["covering"]
    assert not Cover.objects.exists()


def test_supervisor_gets_404_on_another_teams_cover(program, login):
    colleague = make_case_manager(program.other_team, username="cm_other_two")
    theirs = services.cover_arrange(
        team=program.other_team,
        case_manager=program.other_case_manager,
        covering=colleague,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=1),
        reason="Leave",
        arranged_by=program.other_supervisor,
    )
    browser = login(program.supervisor)
    url = reverse("caseloads:cover_end", args=[theirs.pk])
    assert browser.get(url).status_code == 404
    assert browser.post(url, {"reason": "Not mine"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.ended_at is None
    assert theirs not in browser.get(reverse("caseloads:covers")).context["current"]


def test_unassigned_queue_shows_only_own_teams_intakes(program, login):
    mine = ClientFactory(team=program.team, first_name="Queued", last_name="Mine")
    ClientFactory(team=program.other_team, first_name="Queued", last_name="Theirs")
    response = login(program.supervisor).get(reverse("caseloads:unassigned"))
    assert list(response.context["page"]) == [mine]


def test_outcomes_of_another_team_answer_404(program, login):
    browser = login(program.supervisor)
    url = reverse("caseloads:outcomes")
    assert browser.get(url, {"team": program.other_team.pk}).status_code == 404
    assert browser.get(url, {"team": "x"}).status_code == 404
    assert browser.get(url, {"team": program.team.pk}).status_code == 200


def test_export_lists_only_own_teams_case_managers(program, login):
    response = login(program.supervisor).get(reverse("caseloads:export"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert program.case_manager.username in text
    assert program.other_case_manager.username not in text


def test_clients_of_other_teams_stay_unchanged_by_any_review_page(program, login):
    before = list(Client.objects.values_list("pk", "case_manager", "team"))
    browser = login(program.supervisor)
    for url in pages(program):
        browser.get(url)
    assert list(Client.objects.values_list("pk", "case_manager", "team")) == before
