"""Concurrent edits merge field by field; only a field both people changed asks to choose."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from clients.models import Client
from housingfirst.forms import CONFLICT_MESSAGE
from placements.models import Placement

from ..factories import form_values
from ..placements.factories import PlacementFactory

pytestmark = pytest.mark.django_db


def edit_url(client):
    return reverse("clients:edit", args=[client.pk])


def opened_form(browser, url):
    """What the person's browser holds after opening an edit page: every field's value."""
    return form_values(browser.get(url).context["form"])


def save_as(login, person, url, **changes):
    """A colleague opens the edit page and saves these changes at once."""
    browser = login(person)
    response = browser.post(url, {**opened_form(browser, url), **changes})
    assert response.status_code == 302
    return response


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_colleagues_change_survives_a_save_of_another_field(program, login):
    """The story of the issue: B's phone number is never put back by A's stale save."""
    a = login(program.case_manager)
    a_opened = opened_form(a, edit_url(program.client))

    save_as(login, program.supervisor, edit_url(program.client), phone="555-0188")

    a = login(program.case_manager)
    response = a.post(edit_url(program.client), {**a_opened, "goals": "Find a job nearby"})

    assert response.status_code == 302
    program.client.refresh_from_db()
    assert (program.client.phone, program.client.goals) == ("555-0188", "Find a job nearby")
    message = messages_of(response)[-1]
    assert program.supervisor.get_full_name() in message and "Phone" in message
    # History: each person's change as they made it, attributed to them.
    a_row, b_row = Client.history.filter(id=program.client.pk).order_by("-history_id")[:2]
    assert (b_row.history_user, b_row.phone, b_row.goals) == (program.supervisor, "555-0188", "")
    assert (a_row.history_user, a_row.phone, a_row.goals) == (
        program.case_manager,
        "555-0188",
        "Find a job nearby",
    )


def test_both_changed_the_same_field_nothing_is_saved_until_chosen(program, login):
    a = login(program.case_manager)
    a_opened = opened_form(a, edit_url(program.client))
    save_as(login, program.supervisor, edit_url(program.client), phone="555-0188")
    version_after_b = Client.objects.get(pk=program.client.pk).version

    a = login(program.case_manager)
    mine = {**a_opened, "phone": "555-0177", "goals": "Move closer to my sister"}
    shown = a.post(edit_url(program.client), mine)

    assert shown.status_code == 200
    form = shown.context["form"]
    assert CONFLICT_MESSAGE in form.non_field_errors()
    [conflict] = form.merge.conflicts
    assert (conflict.label, conflict.theirs, conflict.yours) == ("Phone", "555-0188", "555-0177")
    assert conflict.saved_by == program.supervisor.get_full_name()
    html = shown.content.decode()
    assert f"Saved by {program.supervisor.get_full_name()} at" in html
    assert 'name="keep_phone" value="theirs"' in html and 'name="keep_phone" value="yours"' in html
    program.client.refresh_from_db()
    assert (program.client.phone, program.client.goals, program.client.version) == (
        "555-0188",
        "",
        version_after_b,
    )

    # Sent again without a choice: still nothing saved.
    assert a.post(edit_url(program.client), mine).status_code == 200
    assert Client.objects.get(pk=program.client.pk).version == version_after_b

    saved = a.post(edit_url(program.client), {**mine, "keep_phone": "yours"})
    assert saved.status_code == 302
    program.client.refresh_from_db()
    assert (program.client.phone, program.client.goals) == ("555-0177", "Move closer to my sister")


def test_keeping_the_colleagues_value_saves_the_rest_of_the_edit(program, login):
    a = login(program.case_manager)
    a_opened = opened_form(a, edit_url(program.client))
    save_as(login, program.supervisor, edit_url(program.client), phone="555-0188")

    a = login(program.case_manager)
    mine = {**a_opened, "phone": "555-0177", "goals": "Cook at home", "keep_phone": "theirs"}
    assert a.post(edit_url(program.client), mine).status_code == 302
    program.client.refresh_from_db()
    assert (program.client.phone, program.client.goals) == ("555-0188", "Cook at home")


def test_three_people_in_a_row_keep_every_change(program, login):
    a = login(program.case_manager)
    a_opened = opened_form(a, edit_url(program.client))
    save_as(login, program.supervisor, edit_url(program.client), phone="555-0188")
    save_as(login, program.admin, edit_url(program.client), email="rosa@example.org")

    a = login(program.case_manager)
    response = a.post(edit_url(program.client), {**a_opened, "goals": "Get my ID back"})

    assert response.status_code == 302
    program.client.refresh_from_db()
    assert (program.client.phone, program.client.email, program.client.goals) == (
        "555-0188",
        "rosa@example.org",
        "Get my ID back",
    )
    message = messages_of(response)[-1]
    assert program.supervisor.get_full_name() in message
    assert program.admin.get_full_name() in message
    assert "Phone" in message and "Email" in message
    people = list(
        Client.history.filter(id=program.client.pk)
        .order_by("-history_id")
        .values_list("history_user", flat=True)[:3]
    )
    assert people == [program.case_manager.pk, program.admin.pk, program.supervisor.pk]


def test_the_same_change_by_both_is_no_conflict(program, login):
    a = login(program.case_manager)
    a_opened = opened_form(a, edit_url(program.client))
    save_as(login, program.supervisor, edit_url(program.client), phone="555-0188")
    a = login(program.case_manager)
    assert a.post(edit_url(program.client), {**a_opened, "phone": "555-0188"}).status_code == 302


def test_placement_edits_merge_too(program, login):
    placement = PlacementFactory(client=program.client, landlord_name="Maple", address="1 Elm St")
    url = reverse("placements:placement_edit", args=[program.client.pk, placement.pk])
    a = login(program.case_manager)
    a_opened = opened_form(a, url)
    save_as(login, program.supervisor, url, landlord_name="Oak Homes")

    a = login(program.case_manager)
    assert a.post(url, {**a_opened, "address": "1 Elm St, Apt 2"}).status_code == 302
    placement = Placement.objects.get(pk=placement.pk)
    assert (placement.landlord_name, placement.address) == ("Oak Homes", "1 Elm St, Apt 2")


def test_a_conflict_on_a_choice_of_record_keeps_the_colleagues_choice(program, login):
    """A foreign key (the subsidy type) in conflict: keeping theirs restores their record."""
    from placements.models import SubsidyType

    voucher, rrh = (
        SubsidyType.objects.create(name="Voucher"),
        SubsidyType.objects.create(name="Rapid rehousing"),
    )
    placement = PlacementFactory(client=program.client, address="1 Elm St")
    url = reverse("placements:placement_edit", args=[program.client.pk, placement.pk])
    a = login(program.case_manager)
    a_opened = opened_form(a, url)
    save_as(login, program.supervisor, url, subsidy_type=voucher.pk)

    a = login(program.case_manager)
    shown = a.post(url, {**a_opened, "subsidy_type": rrh.pk})
    [conflict] = shown.context["form"].merge.conflicts
    assert (conflict.theirs, conflict.yours) == ("Voucher", "Rapid rehousing")
    saved = a.post(url, {**a_opened, "subsidy_type": rrh.pk, "keep_subsidy_type": "theirs"})
    assert saved.status_code == 302
    assert Placement.objects.get(pk=placement.pk).subsidy_type == voucher
