"""Every placement and contact rule, through the forms and, where it matters, the database."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from placements.forms import ContactForm, ExitForm, MoveInForm, PlacementForm
from placements.models import Contact, Placement

from .factories import PlacementFactory, housed

pytestmark = pytest.mark.django_db


def placement_form(client, **data):
    values = {"search_started_on": "2025-01-10"}
    values.update(data)
    return PlacementForm(values, instance=Placement(client=client))


def exit_form(placement, **data):
    values = {
        "version": placement.version,
        "exit_date": "2025-03-01",
        "exit_reason": Placement.ExitReason.LEASE_ENDED,
        "exit_destination": 410,
    }
    values.update(data)
    return ExitForm(values, instance=placement)


def refused_by_database(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementFactory(**fields)


def test_a_valid_placement_form_saves(program, clock):
    form = placement_form(
        program.client,
        address="12 Elm St",
        monthly_rent="1200",
        tenant_share="1200",
        lease_start="2025-02-01",
        lease_end="2026-01-31",
        move_in_date="2025-02-01",
    )
    assert form.is_valid(), form.errors


def test_move_in_cannot_be_before_lease_start(program, clock):
    form = placement_form(program.client, lease_start="2025-02-01", move_in_date="2025-01-31")
    assert not form.is_valid()
    assert "before the lease starts" in str(form.errors["move_in_date"])
    refused_by_database(
        client=program.client, lease_start=date(2025, 2, 1), move_in_date=date(2025, 1, 31)
    )


def test_move_in_cannot_be_in_the_future(program, clock, today):
    form = placement_form(program.client, move_in_date=str(today + timedelta(days=1)))
    assert not form.is_valid()
    assert "future" in str(form.errors["move_in_date"])
    assert placement_form(program.client, move_in_date=str(today)).is_valid()


def test_move_in_form_requires_date_and_address(program, clock):
    placement = PlacementFactory(client=program.client, address="")
    form = MoveInForm({"version": 1}, instance=placement)
    assert not form.is_valid()
    assert set(form.errors) >= {"move_in_date", "address"}
    later = MoveInForm(
        {"version": 1, "move_in_date": "2025-03-20", "address": "1 Oak St"}, instance=placement
    )
    assert not later.is_valid() and "future" in str(later.errors["move_in_date"])


def test_exit_cannot_be_before_move_in(program, clock):
    placement = housed(program.client, date(2025, 2, 1))
    form = exit_form(placement, exit_date="2025-01-31")
    assert not form.is_valid()
    assert "before the move-in" in str(form.errors["exit_date"])
    refused_by_database(
        client=program.teammate_client,
        move_in_date=date(2025, 2, 1),
        exit_date=date(2025, 1, 31),
        exit_reason="other",
        exit_destination=17,
    )


def test_exit_needs_a_move_in(program):
    refused_by_database(
        client=program.client, exit_date=date(2025, 1, 31), exit_reason="other", exit_destination=17
    )


def test_exit_cannot_be_in_the_future(program, clock):
    placement = housed(program.client, date(2025, 2, 1))
    form = exit_form(placement, exit_date="2025-03-16")
    assert not form.is_valid() and "future" in str(form.errors["exit_date"])


@pytest.mark.parametrize("missing", ["exit_reason", "exit_destination"])
def test_exit_needs_reason_and_destination(program, clock, today, missing):
    placement = housed(program.client, date(2025, 2, 1))
    form = exit_form(placement, **{missing: ""})
    assert not form.is_valid()
    assert missing in form.errors


@pytest.mark.parametrize(
    "fields",
    [
        {"exit_reason": "", "exit_destination": 410},
        {"exit_reason": "other", "exit_destination": None},
    ],
)
def test_database_refuses_exit_without_reason_or_destination(program, fields):
    refused_by_database(
        client=program.client, move_in_date=date(2025, 1, 1), exit_date=date(2025, 2, 1), **fields
    )


def test_exit_form_accepts_a_grouped_hud_destination(program, clock):
    placement = housed(program.client, date(2025, 2, 1))
    form = exit_form(placement, exit_destination=116)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["exit_destination"] == 116
    assert not exit_form(placement, exit_destination=3).is_valid()  # retired pre-2024 code


def test_rental_subsidy_type_only_with_subsidised_rental(program, clock):
    placement = housed(program.client, date(2025, 2, 1))
    assert not exit_form(placement, exit_rental_subsidy_type=433).is_valid()
    form = exit_form(placement, exit_destination=435, exit_rental_subsidy_type=433)
    assert form.is_valid(), form.errors


def test_client_has_at_most_one_open_placement(program, clock):
    PlacementFactory(client=program.client)
    form = placement_form(program.client)
    assert not form.is_valid()
    assert "already has an open placement" in str(form.non_field_errors())
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementFactory(client=program.client)


def test_a_new_placement_is_allowed_after_an_exit(program, clock):
    housed(program.client, date(2024, 1, 1), exit_date=date(2024, 6, 1))
    assert placement_form(program.client).is_valid()
    PlacementFactory(client=program.client)  # the database agrees


@pytest.mark.parametrize("field", ["monthly_rent", "tenant_share"])
def test_rent_and_share_are_not_negative(program, clock, today, field):
    form = placement_form(program.client, **{field: "-1"})
    assert not form.is_valid() and field in form.errors
    amounts = {"monthly_rent": None, "tenant_share": None, field: -1}
    refused_by_database(client=program.client, **amounts)


def test_share_is_not_above_the_rent(program, clock):
    form = placement_form(program.client, monthly_rent="1000", tenant_share="1000.01")
    assert not form.is_valid()
    assert "above the rent" in str(form.errors["tenant_share"])
    refused_by_database(client=program.client, monthly_rent=1000, tenant_share=1001)
    assert placement_form(program.client, monthly_rent="1000", tenant_share="1000").is_valid()


def test_lease_cannot_end_before_it_starts(program, clock):
    form = placement_form(program.client, lease_start="2025-02-01", lease_end="2025-01-01")
    assert not form.is_valid() and "lease_end" in form.errors
    refused_by_database(
        client=program.client, lease_start=date(2025, 2, 1), lease_end=date(2025, 1, 1)
    )


def test_search_cannot_start_after_move_in_or_in_the_future(program, clock):
    form = placement_form(program.client, search_started_on="2025-02-10", move_in_date="2025-02-01")
    assert not form.is_valid() and "search_started_on" in form.errors
    assert not placement_form(program.client, search_started_on="2025-04-01").is_valid()


def test_contact_cannot_be_in_the_future(program, clock):
    contact = Contact(client=program.client, made_by=program.case_manager)
    now = timezone.localtime()

    def form_at(moment):
        occurred = f"{moment:%Y-%m-%dT%H:%M}"
        return ContactForm(
            {"kind": "home_visit", "occurred_at": occurred, "note": ""}, instance=contact
        )

    form = form_at(now + timedelta(hours=2))
    assert not form.is_valid() and "occurred_at" in form.errors
    ok = form_at(now - timedelta(minutes=30))
    assert ok.is_valid(), ok.errors


def test_contact_note_is_short(program, clock):
    contact = Contact(client=program.client, made_by=program.case_manager)
    form = ContactForm(
        {"kind": "phone_call", "occurred_at": "2025-03-15T11:30", "note": "x" * 2001},
        instance=contact,
    )
    assert not form.is_valid() and "note" in form.errors


def test_contact_form_has_no_author_field(program):
    assert "made_by" not in ContactForm().fields


def test_second_open_placement_saved_meanwhile_is_a_form_error_not_a_500(db):
    """Two people add a placement for the same client at once: the later save is refused
    with a clear message (the service re-checks under a lock), never a database error."""
    from django.core.exceptions import ValidationError

    from placements import services
    from placements.models import Placement

    from ..factories import ClientFactory

    client = ClientFactory()
    services.placement_create(placement=Placement(client=client))
    with pytest.raises(ValidationError):
        services.placement_create(placement=Placement(client=client))
    assert Placement.objects.filter(client=client).count() == 1
