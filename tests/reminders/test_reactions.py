"""Reminders react to domain events in the same transaction (reminders.reactions)."""

import pytest
from django.urls import reverse

from clients.models import Client
from placements import services as placement_services
from placements.models import Contact
from reminders import services
from reminders.models import Kind, Reminder

from .factories import reminder_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def profile_data(browser, client):
    form = browser.get(reverse("clients:edit", args=[client.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, False)}
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}


def test_exiting_the_program_through_the_profile_closes_open_reminders_at_once(program, login):
    reminders = [reminder_for(program.client), reminder_for(program.client, kind=Kind.NO_CONTACT)]
    browser = login(program.case_manager)
    data = profile_data(browser, program.client)

    response = browser.post(
        reverse("clients:edit", args=[program.client.pk]),
        {**data, "status": Client.Status.EXITED},
    )

    assert response.status_code == 302
    assert not Reminder.objects.filter(client=program.client).pending().exists()
    closed = Reminder.history.filter(id=reminders[0].pk).latest("history_id")
    assert closed.history_change_reason == "Resolved: Exited the program"
    assert closed.history_user == program.case_manager
    row = Client.history.filter(id=program.client.pk).latest("history_id")
    assert (row.status, row.history_change_reason) == (Client.Status.EXITED, "Exited the program")


def test_another_profile_edit_leaves_reminders_alone(program, login):
    reminder = reminder_for(program.client)
    browser = login(program.case_manager)
    data = profile_data(browser, program.client)
    browser.post(reverse("clients:edit", args=[program.client.pk]), {**data, "phone": "555-0100"})
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.OPEN


def test_a_failing_reaction_rolls_the_whole_action_back(program, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("reaction failed")

    monkeypatch.setattr(services, "reminders_client_changed", broken)
    with pytest.raises(RuntimeError, match="reaction failed"):
        placement_services.contact_log(
            client=program.client, made_by=program.case_manager, kind=Contact.Kind.HOME_VISIT
        )
    assert not Contact.objects.filter(client=program.client).exists()
