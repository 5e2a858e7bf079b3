"""The change log as actions (one line per thing a person did), its filter, and list views
written to the access log as one entry naming the records."""

from datetime import timedelta

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from guardian.conf import settings as guardian_settings

from casenotes.models import Note
from clients import services
from housingfirst.access_log import log_access_many
from housingfirst.audit import acting_person
from housingfirst.models import AccessLogEntry

from ..casenotes.factories import note_for

pytestmark = pytest.mark.django_db


def reassign(program, reason="Caseload balance"):
    with acting_person(program.supervisor):
        services.client_assign(
            client=program.client,
            case_manager=program.teammate,
            assigned_by=program.supervisor,
            reason=reason,
        )


def test_a_reassignment_is_one_action_with_its_parts_folded_beneath(program, auditor_browser):
    reassign(program)
    response = auditor_browser.get(reverse("audit:change_log"))
    action = response.context["page"].actions[0]
    old, new = program.case_manager.get_full_name(), program.teammate.get_full_name()
    assert action.summary == [f"Access moved from {old} to {new}"]
    assert action.who == program.supervisor.get_full_name()
    assert action.reasons == ["Caseload balance"]
    assert action.client_label == "Rosa Parker"
    assert len(action.parts) == 7
    html = response.content.decode()
    assert f"Access moved from {old} to {new}" in html
    assert "7 recorded changes" in html
    # Words, not internal labels, in the parts too.
    assert "Content object" not in html and "Client access grant" not in html
    assert f"{new} may edit the record" in html


def test_later_changes_and_other_clients_are_separate_actions(program, auditor_browser):
    reassign(program)
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        program.client.refresh_from_db()
        program.client.goals = "A garden"
        with acting_person(program.teammate):
            program.client.save()
    actions = auditor_browser.get(reverse("audit:change_log")).context["page"].actions
    assert actions[0].summary == ["Changed client: Rosa Parker"]
    assert len(actions[0].parts) == 1
    assert actions[1].summary[0].startswith("Access moved")
    for action in actions:
        assert len({part.client_id for part in action.parts}) == 1


def test_an_intake_with_an_assignment_reads_as_an_enrolment(program, auditor_browser):
    from ..factories import ClientFactory

    client = ClientFactory.build(first_name="Ana", last_name="Lopez", preferred_name="Annie")
    with acting_person(program.case_manager):  # as in the intake page's request
        services.client_intake(
            client=client, created_by=program.case_manager, case_manager=program.case_manager
        )
    action = auditor_browser.get(reverse("audit:change_log")).context["page"].actions[0]
    assert action.summary == [
        f"Enrolled Annie Lopez, assigned to {program.case_manager.get_full_name()}"
    ]


def test_the_person_filter_finds_staff_never_the_anonymous_stand_in(program, auditor_browser):
    url = reverse("audit:change_log")
    found = auditor_browser.get(url, {"person": program.case_manager.username}).context["form"]
    assert found.is_valid() and found.people == [program.case_manager]
    stand_in = auditor_browser.get(url, {"person": guardian_settings.ANONYMOUS_USER_NAME})
    assert stand_in.context["form"].people == []  # matches no one
    html = auditor_browser.get(reverse("audit:access_log")).content.decode()
    assert "AnonymousUser" not in html


def test_the_filter_panel_is_open_when_filters_are_active(program, auditor_browser):
    closed = auditor_browser.get(reverse("audit:change_log")).content.decode()
    assert '<details class="card audit-filters">' in closed
    filtered = auditor_browser.get(reverse("audit:change_log"), {"kind": "changed"})
    assert '<details class="card audit-filters" open>' in filtered.content.decode()
    on_access = auditor_browser.get(reverse("audit:access_log"), {"action": "view"})
    assert '<details class="card audit-filters" open>' in on_access.content.decode()


def test_a_list_view_is_one_access_log_entry_naming_the_records(program, login):
    notes = [
        note_for(program.client, by=program.case_manager, text=f"Talked {n}.", protected=True)
        for n in range(3)
    ]
    browser = login(program.case_manager)
    assert browser.get(reverse("casenotes:list", args=[program.client.pk])).status_code == 200
    entry = AccessLogEntry.objects.get()
    assert entry.client_id == program.client.pk
    assert entry.record_label.startswith("3 ")
    for note in notes:
        assert f"#{note.pk}" in entry.detail
    assert entry.content_type.model_class() is Note
    # Each visit is one more entry, not one per record.
    browser.get(reverse("casenotes:list", args=[program.client.pk]))
    assert AccessLogEntry.objects.count() == 2


def test_a_list_across_clients_is_one_entry_per_client(program, login):
    mine = [
        note_for(program.client, by=program.case_manager, text=text, protected=True)
        for text in ("a", "b")
    ]
    theirs = [note_for(program.teammate_client, by=program.teammate, text="c", protected=True)]
    request = RequestFactory().get("/referrals/")
    request.user = program.supervisor
    entries = log_access_many(request, [*mine, *theirs], detail="List")
    assert sorted(e.client_id for e in entries) == sorted(
        [program.client.pk, program.teammate_client.pk]
    )


def test_a_client_filtered_by_number_is_named_as_everywhere(program, auditor_browser):
    response = auditor_browser.get(reverse("audit:change_log"), {"client": program.client.pk})
    assert response.context["form"].summary == f"Rosa Parker (#{program.client.pk})"
