"""Every client page, for every role, in scope and out of scope."""

import pytest
from django.urls import reverse

from clients.models import TeamRole
from tests.factories import join_team

pytestmark = pytest.mark.django_db

CLIENT_PAGES = ["clients:detail", "clients:edit", "clients:history"]


def url(name, client):
    return reverse(name, kwargs={"client_id": client.pk})


@pytest.mark.parametrize("page", CLIENT_PAGES)
def test_case_manager_opens_own_client(program, login, page):
    response = login(program.case_manager).get(url(page, program.client))
    assert response.status_code == 200


@pytest.mark.parametrize("page", CLIENT_PAGES)
def test_case_manager_cannot_open_teammate_or_other_team_client(program, login, page):
    browser = login(program.case_manager)
    assert browser.get(url(page, program.teammate_client)).status_code == 404
    assert browser.get(url(page, program.other_client)).status_code == 404


@pytest.mark.parametrize("page", CLIENT_PAGES)
def test_supervisor_opens_every_client_of_their_team(program, login, page):
    browser = login(program.supervisor)
    assert browser.get(url(page, program.client)).status_code == 200
    assert browser.get(url(page, program.teammate_client)).status_code == 200


@pytest.mark.parametrize("page", CLIENT_PAGES)
def test_supervisor_cannot_open_other_team_client(program, login, page):
    assert login(program.supervisor).get(url(page, program.other_client)).status_code == 404


@pytest.mark.parametrize("page", ["clients:detail", "clients:history"])
def test_auditor_reads_any_client(program, login, page):
    assert login(program.auditor).get(url(page, program.other_client)).status_code == 200


def test_auditor_cannot_edit_or_enrol(program, login):
    browser = login(program.auditor)
    assert browser.get(url("clients:edit", program.client)).status_code == 403
    assert browser.post(url("clients:edit", program.client), {"first_name": "X"}).status_code == 403
    assert browser.get(reverse("clients:create")).status_code == 403
    program.client.refresh_from_db()
    assert program.client.first_name == "Rosa"


def test_admin_opens_any_client(program, login):
    assert login(program.admin).get(url("clients:detail", program.other_client)).status_code == 200


@pytest.mark.parametrize("page", CLIENT_PAGES)
def test_anonymous_is_sent_to_sign_in(program, client, page):
    response = client.get(url(page, program.client))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("path", ["/", "/clients/", "/clients/new/"])
def test_anonymous_is_sent_to_sign_in_from_every_page(db, client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_unknown_client_id_is_404(program, login):
    browser = login(program.admin)
    assert browser.get("/clients/999999/").status_code == 404
    assert browser.get("/clients/99999999999999999999/").status_code == 404


def test_client_list_shows_only_visible_clients(program, login):
    content = login(program.case_manager).get(reverse("clients:list")).content.decode()
    assert "Rosa" in content
    assert "Teammate" not in content and "Olga" not in content

    content = login(program.supervisor).get(reverse("clients:list")).content.decode()
    assert "Rosa" in content and "Teammate" in content and "Olga" not in content


def test_case_manager_cannot_use_admin(program, login):
    response = login(program.case_manager).get(
        f"/admin/clients/client/{program.other_client.pk}/change/"
    )
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_case_manager_cannot_edit_other_client_by_post(program, login):
    response = login(program.case_manager).post(
        url("clients:edit", program.other_client), {"first_name": "Hacked"}
    )
    assert response.status_code == 404
    program.other_client.refresh_from_db()
    assert program.other_client.first_name == "Olga"


def test_home_page_for_each_role(program, login):
    for person, expected in [
        (program.case_manager, "Your caseload"),
        (program.supervisor, "Your teams"),
        (program.auditor, "Latest client changes"),
        (program.admin, "Latest client changes"),
    ]:
        response = login(person).get("/")
        assert response.status_code == 200
        assert expected in response.content.decode()


def test_tampered_huge_ids_answer_404_not_500(program, login):
    browser = login(program.supervisor)
    huge = "99999999999999999999999"
    response = browser.post(
        "/caseloads/reassign/", {"clients": [program.client.pk, huge], "reason": "x"}
    )
    assert response.status_code == 404
    response = browser.get(
        reverse("clients:history", args=[program.client.pk]), {"before": f"0_{huge}"}
    )
    assert response.status_code == 200


def test_reassignment_within_second_team_keeps_the_clients_team(program):
    from clients import services

    join_team(program.other_team, program.teammate)  # now in both teams
    join_team(program.other_team, program.supervisor, TeamRole.SUPERVISOR)
    client = program.other_client
    services.client_assign(
        client=client, case_manager=program.teammate, assigned_by=program.supervisor, reason="r"
    )
    client.refresh_from_db()
    assert client.team == program.other_team


def test_roles_grant_no_model_permission_only_object_scope(program):
    """A role is a group that views check; the groups hold no model permissions, so nobody
    holds a global "view client" that would look like access to every client."""
    from django.contrib.auth.models import Group

    assert not Group.objects.filter(permissions__isnull=False).exists()
    assert not program.case_manager.has_perm("clients.view_client")
    assert program.case_manager.has_perm("clients.view_client", program.client)
    assert not program.case_manager.has_perm("clients.view_client", program.other_client)
