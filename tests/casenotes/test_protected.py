"""Protected notes are need-to-know and access-logged exactly as substance-use referrals are."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from casenotes.models import Note
from housingfirst.models import AccessLogEntry

from .factories import note_for

pytestmark = pytest.mark.django_db


def entries_for(record):
    return AccessLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(record), object_id=str(record.pk)
    )


def detail(note):
    return reverse("casenotes:detail", kwargs={"client_id": note.client_id, "note_id": note.pk})


@pytest.fixture
def protected(program):
    return note_for(
        program.client, by=program.case_manager, text="Talked about use.", protected=True
    )


def test_a_case_manager_of_another_team_gets_404(program, login, protected):
    assert login(program.other_case_manager).get(detail(protected)).status_code == 404
    assert login(program.other_supervisor).get(detail(protected)).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_each_view_by_need_to_know_staff_is_logged_once(program, login, protected):
    login(program.case_manager).get(detail(protected), REMOTE_ADDR="203.0.113.9")
    entry = entries_for(protected).get()
    assert (entry.user, entry.client_id, entry.ip_address) == (
        program.case_manager,
        program.client.pk,
        "203.0.113.9",
    )
    login(program.supervisor).get(detail(protected))
    assert entries_for(protected).filter(user=program.supervisor).count() == 1


def test_list_client_page_and_search_log_each_protected_note_shown(program, login, protected):
    note_for(program.client, by=program.case_manager, text="Plain note.")
    browser = login(program.case_manager)
    browser.get(reverse("casenotes:list", args=[program.client.pk]))
    browser.get(reverse("clients:detail", args=[program.client.pk]))
    browser.get(reverse("casenotes:list", args=[program.client.pk]), {"q": "plain"})
    assert entries_for(protected).count() == 2
    assert AccessLogEntry.objects.count() == 2


def test_auditors_and_admins_do_not_see_protected_notes_in_pages(program, login, protected):
    plain = note_for(program.client, by=program.case_manager, text="Plain note.")
    for who in (program.auditor, program.admin):
        browser = login(who)
        assert browser.get(detail(protected)).status_code == 404
        listed = browser.get(reverse("casenotes:list", args=[program.client.pk]))
        assert list(listed.context["page"].object_list) == [plain]
    assert not AccessLogEntry.objects.exists()


def test_an_auditors_view_of_the_history_is_logged_once(program, login, protected):
    response = login(program.auditor).get(f"/audit/records/casenotes.note/{protected.pk}/")
    assert response.status_code == 200
    entry = entries_for(protected).get()
    assert (entry.user, entry.client_id) == (program.auditor, program.client.pk)


def test_protected_notes_history_in_the_change_log_is_logged(program, login, protected):
    login(program.auditor).get("/audit/", {"client": program.client.pk})
    assert entries_for(protected).filter(user=program.auditor).count() == 1


def test_protected_is_the_one_queryset_rule(program, protected):
    assert list(Note.objects.protected()) == [protected]
    assert list(Note.objects.visible_to(program.auditor)) == []
    assert list(Note.objects.visible_to(program.case_manager)) == [protected]
