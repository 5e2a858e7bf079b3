"""The clinical-records rule with a frozen clock: a note is editable on the (program-local)
day it was written, and from the next day only corrected by an addendum beside it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from casenotes import services
from casenotes.models import Note
from housingfirst.versioning import StaleEdit
from tests.clock import at
from tests.factories import form_values

from .factories import note_for

pytestmark = pytest.mark.django_db


def url(name, note):
    return reverse(f"casenotes:{name}", kwargs={"client_id": note.client_id, "note_id": note.pk})


def edit(browser, note, **changes):
    form = browser.get(url("edit", note)).context["form"]
    return browser.post(url("edit", note), {**form_values(form), **changes})


def test_editable_on_day_zero_addendum_only_on_day_one(program, login, clock, today):
    note = note_for(program.client, by=program.case_manager, text="First words.")

    clock.move_to(at(today, hour=23, minute=50))  # late on day 0, program time
    browser = login(program.case_manager)  # (sessions time out after 30 idle minutes)
    assert edit(browser, note, text="Corrected words.").status_code == 302
    note.refresh_from_db()
    assert note.text == "Corrected words."

    clock.move_to(at(today + timedelta(days=1), hour=0, minute=5))  # just after midnight
    browser = login(program.case_manager)
    response = browser.get(url("edit", note))
    assert response.status_code == 302 and response["Location"] == url("detail", note)
    response = browser.post(url("edit", note), {"text": "Rewritten", "version": note.version})
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.text == "Corrected words."  # the original stays as it was

    detail = browser.get(url("detail", note))
    assert not detail.context["can_edit"]
    assert "Correct the note" not in detail.content.decode()
    browser.post(url("addendum_new", note), {"text": "It was Tuesday, not Monday."})
    addendum = note.addenda.get()
    assert addendum.written_by == program.case_manager
    page = browser.get(url("detail", note)).content.decode()
    assert "Corrected words." in page and "It was Tuesday, not Monday." in page


def test_the_day_is_the_programs_local_day(program, clock, today):
    # 20:30 in New York is the next day in UTC: still day 0 for the program.
    clock.move_to(at(today, hour=20, minute=30))
    note = note_for(program.client, by=program.case_manager)
    clock.move_to(at(today, hour=23, minute=59))
    assert note.is_editable()
    clock.move_to(at(today + timedelta(days=1), hour=0, minute=1))
    assert not note.is_editable()


def test_the_service_refuses_an_edit_after_the_day(program, clock, today):
    note = note_for(program.client, by=program.case_manager, text="Original")
    clock.move_to(at(today + timedelta(days=1)))
    note.text = "Changed"
    with pytest.raises(services.NoteLocked):
        services.note_update(note=note, by=program.case_manager, expected_version=note.version)
    assert Note.objects.get().text == "Original"


def test_only_the_author_edits_even_on_the_day(program, login, clock):
    note = note_for(program.client, by=program.case_manager, text="Mine")
    response = edit(login(program.case_manager), note)
    assert response.status_code == 302
    browser = login(program.supervisor)
    assert browser.get(url("edit", note)).status_code == 302  # back to the note, with a message
    browser.post(url("edit", note), {"text": "Theirs", "version": 1})
    assert Note.objects.get().text == "Mine"


def test_a_stale_same_day_edit_is_merged(program, login, clock):
    note = note_for(program.client, by=program.case_manager, text="Words")
    browser = login(program.case_manager)
    opened = form_values(browser.get(url("edit", note)).context["form"])
    # Meanwhile the same person saves the topic from another tab.
    fresh = Note.objects.get(pk=note.pk)
    fresh.is_protected = True
    services.note_update(note=fresh, by=program.case_manager, expected_version=fresh.version)
    response = browser.post(url("edit", note), {**opened, "text": "Better words"})
    assert response.status_code == 302
    note.refresh_from_db()
    assert (note.text, note.is_protected) == ("Better words", True)


def test_a_stale_version_is_refused_by_the_service(program, clock):
    note = note_for(program.client, by=program.case_manager)
    with pytest.raises(StaleEdit):
        services.note_update(note=note, by=program.case_manager, expected_version=99)
