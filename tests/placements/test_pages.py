"""Every placement and contact page, for every role, in scope and out of scope; and the flows."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clients.services import client_access_grant
from housingfirst.forms import CONFLICT_MESSAGE
from placements.models import Contact, Placement

from .factories import ContactFactory, PlacementFactory, housed

pytestmark = pytest.mark.django_db

WRITE_PAGES = ["create", "edit", "move_in", "exit", "contact_create", "contact_edit"]
READ_PAGES = ["timeline", "history"]


def page_url(page, client):
    """The page's URL for this client, creating the placement or contact it needs."""
    name = {
        "create": "placement_create",
        "edit": "placement_edit",
        "move_in": "placement_move_in",
        "exit": "placement_exit",
        "contact_create": "contact_create",
        "contact_edit": "contact_edit",
        "timeline": "timeline",
        "history": "history",
    }[page]
    kwargs = {"client_id": client.pk}
    if page in ("edit", "move_in"):
        kwargs["pk"] = PlacementFactory(client=client).pk
    elif page == "exit":
        kwargs["pk"] = housed(client, date(2025, 1, 1)).pk
    elif page == "contact_edit":
        kwargs["pk"] = ContactFactory(client=client, made_by=client.case_manager).pk
    return reverse(f"placements:{name}", kwargs=kwargs)


@pytest.mark.parametrize("page", WRITE_PAGES + READ_PAGES)
def test_case_manager_opens_pages_of_own_client(program, login, page):
    assert login(program.case_manager).get(page_url(page, program.client)).status_code == 200


@pytest.mark.parametrize("page", WRITE_PAGES + READ_PAGES)
def test_case_manager_gets_404_for_other_clients(program, login, page):
    browser = login(program.case_manager)
    assert browser.get(page_url(page, program.teammate_client)).status_code == 404
    other = page_url(page, program.other_client)
    assert browser.get(other).status_code == 404
    assert browser.post(other, {}).status_code == 404


@pytest.mark.parametrize("page", WRITE_PAGES + READ_PAGES)
def test_supervisor_opens_team_clients_only(program, login, page):
    browser = login(program.supervisor)
    assert browser.get(page_url(page, program.teammate_client)).status_code == 200
    assert browser.get(page_url(page, program.other_client)).status_code == 404


@pytest.mark.parametrize("page", WRITE_PAGES)
def test_auditor_cannot_change_anything(program, login, page):
    browser = login(program.auditor)
    url = page_url(page, program.client)
    assert browser.get(url).status_code == 403
    assert (
        browser.post(url, {"kind": "home_visit", "occurred_at": "2025-01-01T10:00"}).status_code
        == 403
    )


@pytest.mark.parametrize("page", READ_PAGES)
def test_auditor_reads_every_client(program, login, page):
    assert login(program.auditor).get(page_url(page, program.other_client)).status_code == 200


@pytest.mark.parametrize("page", WRITE_PAGES + READ_PAGES)
def test_admin_opens_every_page(program, login, page):
    assert login(program.admin).get(page_url(page, program.other_client)).status_code == 200


@pytest.mark.parametrize("page", WRITE_PAGES + READ_PAGES)
def test_anonymous_is_sent_to_sign_in(program, client, page):
    response = client.get(page_url(page, program.client))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_placement_of_another_client_is_404_under_my_client(program, login):
    theirs = PlacementFactory(client=program.other_client)
    contact = ContactFactory(client=program.other_client, made_by=program.other_case_manager)
    browser = login(program.case_manager)
    for name, pk in [("placement_edit", theirs.pk), ("contact_edit", contact.pk)]:
        url = reverse(f"placements:{name}", args=[program.client.pk, pk])
        assert browser.get(url).status_code == 404


def test_contacts_are_edited_by_their_author_or_a_supervisor(program, login):
    # The case manager covers for the teammate: they can log contacts for Tom...
    client_access_grant(client=program.teammate_client, user=program.case_manager, reason="Cover")
    teammates = ContactFactory(client=program.teammate_client, made_by=program.teammate)
    browser = login(program.case_manager)
    assert browser.get(page_url("contact_create", program.teammate_client)).status_code == 200
    # ...but not edit what the teammate wrote.
    url = reverse("placements:contact_edit", args=[program.teammate_client.pk, teammates.pk])
    assert browser.get(url).status_code == 403
    assert browser.post(url, {"kind": "phone_call", "note": "x", "version": 1}).status_code == 403
    assert login(program.supervisor).get(url).status_code == 200
    assert login(program.teammate).get(url).status_code == 200


def latest_history(model, **filters):
    return model.history.filter(**filters).latest("history_id")


def test_housing_story_from_search_to_rehousing(program, login):
    browser = login(program.case_manager)
    client = program.client
    today = timezone.localdate()
    new_url = reverse("placements:placement_create", args=[client.pk])

    response = browser.get(new_url)
    assert "Add a placement" in response.content.decode()
    response = browser.post(
        new_url,
        {"search_started_on": str(today - timedelta(days=30)), "landlord_name": "Maple"},
    )
    assert response.status_code == 302
    placement = client.placements.get()
    assert placement.state == Placement.State.SEARCHING
    row = latest_history(Placement, id=placement.pk)
    assert (row.history_user, row.history_change_reason) == (
        program.case_manager,
        "Placement added",
    )

    # A second open placement is refused while this one is open.
    response = browser.get(new_url, follow=True)
    assert "already has an open placement" in response.content.decode()
    assert client.placements.count() == 1

    move_in = today - timedelta(days=20)
    response = browser.post(
        reverse("placements:placement_move_in", args=[client.pk, placement.pk]),
        {
            "version": 1,
            "move_in_date": str(move_in),
            "address": "12 Elm St",
            "lease_start": str(move_in),
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.state == Placement.State.HOUSED and placement.version == 2
    assert latest_history(Placement, id=placement.pk).history_change_reason == "Move-in recorded"

    response = browser.post(
        reverse("placements:placement_exit", args=[client.pk, placement.pk]),
        {
            "version": 2,
            "exit_date": str(today - timedelta(days=2)),
            "exit_reason": Placement.ExitReason.UNIT_UNAVAILABLE,
            "exit_destination": 313,
            "exit_note": "Building sold.",
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.state == Placement.State.EXITED and placement.exit_destination == 313
    row = latest_history(Placement, id=placement.pk)
    assert (row.history_user, row.history_change_reason) == (program.case_manager, "Exit recorded")

    response = browser.get(new_url)
    assert "Start a new placement" in response.content.decode()
    assert browser.post(new_url, {"search_started_on": str(today)}).status_code == 302
    second = client.placements.open().get()
    assert latest_history(Placement, id=second.pk).history_change_reason == (
        "New placement after an exit (rehousing)"
    )
    assert client.placements.count() == 2


def test_move_in_and_exit_pages_only_for_the_right_state(program, login):
    browser = login(program.case_manager)
    current = housed(program.client, date(2025, 1, 1))
    move_in = reverse("placements:placement_move_in", args=[program.client.pk, current.pk])
    assert browser.get(move_in).status_code == 302
    current.delete()
    searching = PlacementFactory(client=program.client)
    exit_url = reverse("placements:placement_exit", args=[program.client.pk, searching.pk])
    assert browser.post(exit_url, {"version": 1, "exit_date": "2025-01-02"}).status_code == 409
    searching.refresh_from_db()
    assert searching.exit_date is None


def test_invalid_exit_shows_errors_and_saves_nothing(program, login):
    placement = housed(program.client, date(2025, 1, 1))
    response = login(program.case_manager).post(
        reverse("placements:placement_exit", args=[program.client.pk, placement.pk]),
        {"version": 1, "exit_date": "2024-12-01", "exit_reason": "", "exit_destination": ""},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) >= {"exit_date", "exit_reason", "exit_destination"}
    placement.refresh_from_db()
    assert placement.exit_date is None


def test_log_a_home_visit_is_a_short_form_with_kind_and_time_preset(program, login):
    browser = login(program.case_manager)
    url = reverse("placements:contact_create", args=[program.client.pk])
    response = browser.get(url, {"kind": "home_visit"})
    form = response.context["form"]
    assert [field.name for field in form.visible_fields()] == ["kind", "occurred_at", "note"]
    assert form["kind"].value() == "home_visit"
    local_now = timezone.localtime().replace(tzinfo=None)  # the form shows local time
    assert abs(form["occurred_at"].value() - local_now) < timedelta(minutes=2)
    assert "Log a home visit" in response.content.decode()

    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = browser.post(
        url,
        {
            "kind": "home_visit",
            "occurred_at": now,
            "note": "Fixed the smoke alarm.",
            "made_by": program.supervisor.pk,
        },
    )
    assert response.status_code == 302
    contact = program.client.contacts.get()
    assert contact.made_by == program.case_manager  # never taken from the form
    assert contact.kind == Contact.Kind.HOME_VISIT
    row = latest_history(Contact, id=contact.pk)
    assert (row.history_user, row.history_change_reason) == (
        program.case_manager,
        "Home visit logged",
    )


def test_author_edits_contact_with_history(program, login):
    contact = ContactFactory(client=program.client, made_by=program.case_manager, note="First")
    url = reverse("placements:contact_edit", args=[program.client.pk, contact.pk])
    browser = login(program.supervisor)
    response = browser.post(
        url,
        {
            "version": 1,
            "kind": "phone_call",
            "occurred_at": "2025-01-05T10:00",
            "note": "Corrected",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.note, contact.kind, contact.version) == ("Corrected", "phone_call", 2)
    assert contact.made_by == program.case_manager  # editing keeps the author
    row = latest_history(Contact, id=contact.pk)
    assert (row.history_user, row.history_change_reason) == (program.supervisor, "Contact edited")


def test_a_placement_field_both_people_changed_is_a_conflict_nothing_saved(program, login):
    placement = PlacementFactory(client=program.client, landlord_name="Old")
    url = reverse("placements:placement_edit", args=[program.client.pk, placement.pk])
    data = {
        "version": 1,
        "search_started_on": "2025-01-02",
        "address": "1 Elm St",
        "landlord_name": "Mine",
    }
    # The supervisor saves first, from a form opened at the same version.
    response = login(program.supervisor).post(url, {**data, "landlord_name": "Supervisor's"})
    assert response.status_code == 302
    response = login(program.case_manager).post(url, data)
    assert response.status_code == 200
    assert CONFLICT_MESSAGE in response.content.decode()
    placement.refresh_from_db()
    assert placement.landlord_name == "Supervisor's"
    assert latest_history(Placement, id=placement.pk).history_user == program.supervisor


def test_there_is_no_way_to_delete_a_contact(program, login):
    contact = ContactFactory(client=program.client, made_by=program.case_manager)
    browser = login(program.case_manager)
    for suffix in ("delete/", "remove/"):
        url = reverse("placements:contact_edit", args=[program.client.pk, contact.pk])
        assert browser.post(url.replace("edit/", suffix)).status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_history_page_shows_who_changed_what(program, login):
    browser = login(program.case_manager)
    browser.post(
        reverse("placements:contact_create", args=[program.client.pk]),
        {
            "kind": "phone_call",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "note": "Hello",
        },
    )
    content = (
        login(program.auditor)
        .get(reverse("placements:history", args=[program.client.pk]))
        .content.decode()
    )
    assert program.case_manager.get_full_name() in content
    assert "Phone call logged" in content


def test_edit_of_an_exited_placement_corrects_the_exit(program, login):
    placement = housed(program.client, date(2024, 1, 1), exit_date=date(2024, 6, 1))
    url = reverse("placements:placement_edit", args=[program.client.pk, placement.pk])
    browser = login(program.case_manager)
    form = browser.get(url).context["form"]
    assert "exit_destination" in form.fields
    open_one = PlacementFactory(client=program.teammate_client)
    open_url = reverse("placements:placement_edit", args=[program.teammate_client.pk, open_one.pk])
    assert "exit_destination" not in login(program.supervisor).get(open_url).context["form"].fields

    data = {
        "version": 1,
        "search_started_on": "2024-01-01",
        "address": placement.address,
        "lease_start": "2024-01-01",
        "move_in_date": "2024-01-01",
        "exit_date": "2024-06-01",
        "exit_reason": Placement.ExitReason.LEASE_ENDED,
        "exit_destination": 422,
        "exit_note": "Moved in with her sister for good.",
    }
    assert login(program.case_manager).post(url, data).status_code == 302
    placement.refresh_from_db()
    assert placement.exit_destination == 422
    row = latest_history(Placement, id=placement.pk)
    assert (row.history_user, row.history_change_reason) == (
        program.case_manager,
        "Placement details edited",
    )
