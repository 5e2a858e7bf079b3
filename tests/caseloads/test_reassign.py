"""Reassignment from the caseload review: one client or several, with a reason, all or none."""

from datetime import date

import pytest
from django.urls import reverse

from clients.models import Assignment, Client, ClientUserObjectPermission
from reminders.models import Kind, Reminder

from ..factories import ClientFactory, client_of
from ..reminders.factories import reminder_for

pytestmark = pytest.mark.django_db


def reassign(browser, clients, to, reason="Balancing caseloads", follow=False, **extra):
    return browser.post(
        reverse("caseloads:reassign"),
        {"clients": [c.pk for c in clients], "case_manager": to.pk, "reason": reason, **extra},
        follow=follow,
    )


def status_of(login, user, client) -> int:
    return login(user).get(reverse("clients:detail", args=[client.pk])).status_code


def test_reassignment_moves_access_and_history_records_supervisor_and_reason(program, login):
    response = reassign(login(program.supervisor), [program.client], program.teammate)

    assert response.status_code == 302
    assert status_of(login, program.case_manager, program.client) == 404
    assert status_of(login, program.teammate, program.client) == 200

    program.client.refresh_from_db()
    assert program.client.case_manager == program.teammate
    new = program.client.assignments.get(ended_at__isnull=True)
    assert new.case_manager == program.teammate
    assert new.assigned_by == program.supervisor
    assert new.reason == "Balancing caseloads"
    old = program.client.assignments.get(case_manager=program.case_manager)
    assert old.ended_at == new.started_at

    assignment_row = Assignment.history.filter(id=new.pk).get()
    client_row = Client.history.filter(id=program.client.pk).order_by("history_id").last()
    revoked = ClientUserObjectPermission.history.filter(
        content_object_id=program.client.pk, user_id=program.case_manager.pk, history_type="-"
    )
    granted = ClientUserObjectPermission.history.filter(
        content_object_id=program.client.pk, user_id=program.teammate.pk, history_type="+"
    )
    assert revoked.count() == 2 and granted.count() == 2
    for row in [assignment_row, client_row, *revoked, *granted]:
        assert row.history_user == program.supervisor
        assert row.history_change_reason == "Balancing caseloads"


def test_open_reminders_move_with_the_client_and_closed_ones_stay(program, login):
    due = reminder_for(program.client, kind=Kind.VISIT_DUE, due_on=date(2025, 3, 1))
    done = reminder_for(
        program.client,
        kind=Kind.LEASE_ENDING,
        due_on=date(2025, 3, 1),
        state=Reminder.State.DONE,
    )

    reassign(login(program.supervisor), [program.client], program.teammate)

    due.refresh_from_db()
    done.refresh_from_db()
    assert due.assigned_to == program.teammate
    assert done.assigned_to == program.case_manager
    moved = Reminder.history.filter(id=due.pk).order_by("history_id").last()
    assert moved.history_user == program.supervisor
    assert "Balancing caseloads" in moved.history_change_reason


def test_history_page_shows_the_supervisor_and_the_reason(program, login):
    reassign(login(program.supervisor), [program.client], program.teammate, reason="New hire")
    page = login(program.supervisor).get(reverse("clients:history", args=[program.client.pk]))
    text = page.content.decode()
    assert "Reason: New hire" in text
    assert program.supervisor.get_full_name() in text


def test_several_clients_move_at_once(program, login):
    second = client_of(program.case_manager, first_name="Sam", last_name="Second")

    response = reassign(login(program.supervisor), [program.client, second], program.teammate)

    assert response.status_code == 302
    assert set(Client.objects.filter(case_manager=program.teammate)) == {
        program.client,
        second,
        program.teammate_client,
    }
    for client in (program.client, second):
        assert status_of(login, program.case_manager, client) == 404
        assert status_of(login, program.teammate, client) == 200


def test_reason_is_required_and_nothing_changes_without_it(program, login):
    response = reassign(login(program.supervisor), [program.client], program.teammate, reason=" ")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    program.client.refresh_from_db()
    assert program.client.case_manager == program.case_manager
    assert program.client.assignments.count() == 1


def test_nothing_ticked_goes_back_with_a_message(program, login):
    response = login(program.supervisor).post(
        reverse("caseloads:reassign"),
        {"case_manager": program.teammate.pk, "reason": "x", "next": "/caseloads/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/caseloads/"
    assert "Tick at least one client" in response.content.decode()


def test_reassign_returns_to_the_page_it_came_from_but_never_offsite(program, login):
    browser = login(program.supervisor)
    back = reverse("caseloads:case_manager", args=[program.case_manager.pk])
    response = reassign(browser, [program.client], program.teammate, next=back)
    assert response["Location"] == back
    response = reassign(
        browser, [program.teammate_client], program.case_manager, next="https://evil.example/"
    )
    assert response["Location"] == reverse("caseloads:overview")
    response = reassign(browser, [program.client], program.case_manager, next="abc")
    assert (response.status_code, response["Location"]) == (302, reverse("caseloads:overview"))


def test_single_client_form_shows_the_client_and_the_choices(program, login):
    response = login(program.supervisor).get(
        reverse("caseloads:reassign") + f"?clients={program.client.pk}"
    )
    text = response.content.decode()
    assert "Reassign Rosa Parker" in text
    choices = set(response.context["form"].fields["case_manager"].queryset)
    assert choices == {program.case_manager, program.teammate}


def test_intake_from_the_unassigned_queue(program, login):
    waiting = ClientFactory(team=program.team, first_name="Queued", last_name="Person")

    response = reassign(
        login(program.supervisor),
        [waiting],
        program.teammate,
        reason="Intake",
        next=reverse("caseloads:unassigned"),
    )

    assert response.status_code == 302
    assert status_of(login, program.teammate, waiting) == 200
    waiting.refresh_from_db()
    assert waiting.case_manager == program.teammate
    assert waiting.assignments.get().assigned_by == program.supervisor
    assert (
        list(login(program.supervisor).get(reverse("caseloads:unassigned")).context["page"]) == []
    )


def test_reassigning_to_the_same_case_manager_changes_nothing(program, login):
    response = reassign(
        login(program.supervisor), [program.client], program.case_manager, follow=True
    )
    assert "Nothing changed" in response.content.decode()
    assert program.client.assignments.count() == 1


def test_the_table_updates_after_a_reassignment(program, login):
    browser = login(program.supervisor)
    reassign(browser, [program.client], program.teammate)
    rows = {
        row.case_manager: row.caseload
        for row in browser.get(reverse("caseloads:overview")).context["rows"]
    }
    assert rows == {program.case_manager: 0, program.teammate: 2}
