"""Case-note pages: writing, correcting on the day, addenda, search, the client page, access."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casenotes.models import Addendum, Note
from housingfirst.submissions import TOKEN_FIELD

from .factories import note_for, topic

pytestmark = pytest.mark.django_db


def url(name, client, note=None):
    kwargs = {"client_id": client.pk}
    if note is not None:
        kwargs["note_id"] = note.pk
    return reverse(f"casenotes:{name}", kwargs=kwargs)


def note_form(**values):
    data = {
        "written_on": timezone.localdate().isoformat(),
        "topic": topic().pk,
        "text": "Talked about the lease renewal.\n\nShe wants to stay.",
    }
    data.update(values)
    return data


def test_case_manager_writes_a_note_with_paragraphs(program, login):
    browser = login(program.case_manager)
    response = browser.post(url("new", program.client), note_form())
    note = Note.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", program.client, note)
    assert (note.client, note.written_by, note.contact) == (
        program.client,
        program.case_manager,
        None,
    )
    record = note.history.get()
    assert record.history_user == program.case_manager
    assert record.history_change_reason == "Case note written"
    page = browser.get(url("detail", program.client, note)).content.decode()
    assert "<p>Talked about the lease renewal.</p>" in page and "<p>She wants to stay.</p>" in page


def test_a_note_can_belong_to_one_of_the_clients_contacts(program, login):
    from placements import services as placement_services
    from placements.models import Contact

    contact = placement_services.contact_log(
        client=program.client, made_by=program.case_manager, kind=Contact.Kind.HOME_VISIT
    )
    other = placement_services.contact_log(
        client=program.other_client,
        made_by=program.other_case_manager,
        kind=Contact.Kind.HOME_VISIT,
    )
    browser = login(program.case_manager)
    assert browser.get(url("new", program.client), {"contact": contact.pk}).status_code == 200
    response = browser.post(url("new", program.client), note_form(contact=other.pk))
    assert response.status_code == 200 and "contact" in response.context["form"].errors
    browser.post(url("new", program.client), note_form(contact=contact.pk))
    assert Note.objects.get().contact == contact


@pytest.mark.parametrize(
    "values, field",
    [
        ({"text": ""}, "text"),
        ({"text": "   \n  "}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"topic": ""}, "topic"),
        ({"topic": "999999"}, "topic"),
        ({"written_on": "not a date"}, "written_on"),
        ({"written_on": "2999-01-01"}, "written_on"),
    ],
)
def test_bad_note_input_gives_field_errors_and_saves_nothing(program, login, values, field):
    response = login(program.case_manager).post(url("new", program.client), note_form(**values))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Note.objects.exists()


def test_twenty_thousand_characters_fit(program, login):
    login(program.case_manager).post(url("new", program.client), note_form(text="x" * 20_000))
    assert len(Note.objects.get().text) == 20_000


def test_a_double_submitted_note_is_saved_once(program, login):
    browser = login(program.case_manager)
    token = browser.get(url("new", program.client)).context["form"][TOKEN_FIELD].value()
    data = note_form(**{TOKEN_FIELD: str(token)})
    first = browser.post(url("new", program.client), data)
    second = browser.post(url("new", program.client), data)
    assert Note.objects.count() == 1
    assert second["Location"] == first["Location"]


def test_search_finds_notes_by_their_text_and_addenda(program, login):
    rent = note_for(program.client, by=program.case_manager, text="Rent paid on time.")
    heating = note_for(program.client, by=program.case_manager, text="Heating broken.")
    Addendum.objects.create(
        note=heating, client=program.client, text="Landlord fixed it", written_by=program.teammate
    )
    note_for(program.other_client, by=program.other_case_manager, text="Rent elsewhere.")
    browser = login(program.case_manager)
    found = browser.get(url("list", program.client), {"q": "rent"}).context["page"].object_list
    assert list(found) == [rent]
    found = browser.get(url("list", program.client), {"q": "landlord"}).context["page"]
    assert list(found.object_list) == [heating]
    assert (
        "No note matches" in browser.get(url("list", program.client), {"q": "zzz"}).content.decode()
    )


def test_client_page_shows_the_latest_three_notes(program, login):
    today = timezone.localdate()
    for days in range(5):
        note_for(
            program.client,
            by=program.case_manager,
            text=f"Note {days} days ago",
            written_on=today - timedelta(days=days),
        )
    response = login(program.case_manager).get(reverse("clients:detail", args=[program.client.pk]))
    shown = response.context["note_section"]["notes"]
    assert [note.text for note in shown] == [
        "Note 0 days ago",
        "Note 1 days ago",
        "Note 2 days ago",
    ]
    content = response.content.decode()
    assert "Note 3 days ago" not in content and "All notes and search" in content


# Access: every page, both sides -------------------------------------------------------------


PAGES = ["list", "new", "detail", "edit", "addendum_new"]


def page_url(name, program):
    note = Note.objects.filter(client=program.client).first() or note_for(
        program.client, by=program.case_manager
    )
    return url(name, program.client, note if name in ("detail", "edit", "addendum_new") else None)


@pytest.mark.parametrize("page", PAGES)
def test_own_case_manager_opens_every_note_page(program, login, page):
    assert login(program.case_manager).get(page_url(page, program)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["other_case_manager", "other_supervisor", "teammate"])
def test_people_outside_the_clients_scope_get_404(program, login, page, who):
    assert login(getattr(program, who)).get(page_url(page, program)).status_code == 404


@pytest.mark.parametrize("page", ["list", "detail"])
@pytest.mark.parametrize("who", ["supervisor", "auditor", "admin"])
def test_team_supervisor_auditor_and_admin_read_notes(program, login, page, who):
    assert login(getattr(program, who)).get(page_url(page, program)).status_code == 200


@pytest.mark.parametrize("page", ["new", "edit", "addendum_new"])
def test_auditors_never_write_notes(program, login, page):
    browser = login(program.auditor)
    target = page_url(page, program)
    assert browser.get(target).status_code == 403
    assert browser.post(target, note_form()).status_code == 403
    assert Note.objects.count() == 1 and not Addendum.objects.exists()


def test_addendum_to_someone_elses_client_is_404_and_saves_nothing(program, login):
    note = note_for(program.other_client, by=program.other_case_manager)
    response = login(program.case_manager).post(
        url("addendum_new", program.other_client, note), {"text": "Not mine"}
    )
    assert response.status_code == 404
    # ... and through one's own client's URL: the note is not found there either.
    response = login(program.case_manager).post(
        url("addendum_new", program.client, note), {"text": "Not mine"}
    )
    assert response.status_code == 404
    assert not Addendum.objects.exists()


def test_signed_out_people_go_to_sign_in(client, program):
    response = client.get(url("list", program.client))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
