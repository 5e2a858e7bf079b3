"""/harm-reduction/: who may read, record and see the report; linked records protected."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from harm_reduction.models import Distribution, OverdoseResponse, StockLot, TrainingSession
from harm_reduction.stock import on_hand
from housingfirst.models import AccessLogEntry

from .factories import OverdoseResponseFactory, hand_out, receive

pytestmark = pytest.mark.django_db

READ_PAGES = ["harm_reduction:overview", "harm_reduction:lots"]
FORM_PAGES = [
    "harm_reduction:distribution_new",
    "harm_reduction:overdose_response_new",
    "harm_reduction:training_new",
    "harm_reduction:stock_receive",
]


@pytest.mark.parametrize("role", ["case_manager", "supervisor", "admin", "auditor"])
@pytest.mark.parametrize("page", READ_PAGES)
def test_every_staff_role_reads_the_overview_and_stock(program, login, supplies, role, page):
    receive(supplies.site, supplies.naloxone, 5, by=program.case_manager)
    response = login(getattr(program, role)).get(reverse(page))
    assert response.status_code == 200
    assert "Maple Court" in response.content.decode()


@pytest.mark.parametrize("role", ["case_manager", "supervisor", "admin"])
@pytest.mark.parametrize("page", FORM_PAGES)
def test_case_managers_supervisors_and_admins_record(program, login, supplies, role, page):
    assert login(getattr(program, role)).get(reverse(page)).status_code == 200


@pytest.mark.parametrize("page", FORM_PAGES)
def test_auditors_read_but_never_record(program, login, supplies, page):
    browser = login(program.auditor)
    assert browser.get(reverse(page)).status_code == 403
    assert browser.post(reverse(page), {}).status_code == 403


def test_signed_out_people_go_to_sign_in(client):
    response = client.get(reverse("harm_reduction:overview"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_supervisors_and_admins_see_the_report(program, login, supplies, role):
    assert login(getattr(program, role)).get(reverse("harm_reduction:report")).status_code == 200


@pytest.mark.parametrize("role", ["case_manager", "auditor"])
def test_case_managers_and_auditors_do_not_see_the_report(program, login, role):
    browser = login(getattr(program, role))
    assert browser.get(reverse("harm_reduction:report")).status_code == 403
    assert browser.get(reverse("harm_reduction:report"), {"format": "csv"}).status_code == 403


def test_discard_page_for_recorders_only(program, login, supplies):
    lot = receive(supplies.site, supplies.naloxone, 5, by=program.case_manager)
    url = reverse("harm_reduction:lot_discard", args=[lot.pk])
    assert login(program.auditor).get(url).status_code == 403
    browser = login(program.case_manager)
    assert browser.get(url).status_code == 200
    assert browser.get(reverse("harm_reduction:lot_discard", args=[lot.pk + 99])).status_code == 404
    response = browser.post(
        url, {"quantity": 2, "reason": "damaged", "discarded_on": timezone.localdate()}
    )
    assert response.status_code == 302
    assert lot.discards.get().quantity == 2


def _distribution_form(supplies, **overrides):
    return {
        "given_on": timezone.localdate().isoformat(),
        "site": supplies.site.pk,
        "item": supplies.naloxone.pk,
        "quantity": 2,
        "recipient_role": "tenant",
        "kind": "first",
        "refill_reason": "",
        "funding_source": supplies.funder.pk,
        **overrides,
    }


def test_recording_a_distribution_takes_it_from_stock(program, login, supplies):
    receive(supplies.site, supplies.naloxone, 5, by=program.case_manager)
    response = login(program.case_manager).post(
        reverse("harm_reduction:distribution_new"), _distribution_form(supplies), follow=True
    )
    assert response.status_code == 200
    distribution = Distribution.objects.get()
    assert distribution.client is None and distribution.recorded_by == program.case_manager
    assert on_hand(supplies.site, supplies.naloxone, timezone.localdate()) == 3
    assert response.redirect_chain[-1][0] == distribution.get_absolute_url()


def test_more_than_on_hand_is_a_field_error_showing_the_stock(program, login, supplies):
    receive(supplies.site, supplies.naloxone, 1, by=program.case_manager)
    response = login(program.case_manager).post(
        reverse("harm_reduction:distribution_new"), _distribution_form(supplies, quantity=3)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["quantity"] == [
        "Only 1 Naloxone nasal spray 4 mg on hand at Maple Court. Nothing was saved."
    ]
    assert not Distribution.objects.exists()


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"quantity": "-2"}, "quantity"),
        ({"quantity": "two"}, "quantity"),
        ({"kind": "refill", "refill_reason": ""}, "refill_reason"),
        ({"given_on": "2999-01-01"}, "given_on"),
        ({"site": "999999"}, "site"),
        ({"funding_source": ""}, "funding_source"),
    ],
)
def test_bad_distributions_are_field_errors(program, login, supplies, overrides, field):
    receive(supplies.site, supplies.naloxone, 5, by=program.case_manager)
    response = login(program.case_manager).post(
        reverse("harm_reduction:distribution_new"), _distribution_form(supplies, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Distribution.objects.exists()


def test_a_link_to_a_client_needs_their_request_and_is_only_to_ones_own_clients(
    program, login, supplies
):
    receive(supplies.site, supplies.naloxone, 5, by=program.case_manager)
    browser = login(program.case_manager)
    url = reverse("harm_reduction:distribution_new")
    response = browser.post(url, _distribution_form(supplies, client=program.client.pk))
    assert "client_asked" in response.context["form"].errors
    response = browser.post(
        url, _distribution_form(supplies, client=program.other_client.pk, client_asked="on")
    )
    assert "client" in response.context["form"].errors
    assert not Distribution.objects.exists()
    browser.post(url, _distribution_form(supplies, client=program.client.pk, client_asked="on"))
    assert Distribution.objects.get().client == program.client


def test_admins_and_auditors_are_not_offered_a_client_link(program, login, supplies):
    form = login(program.admin).get(reverse("harm_reduction:distribution_new")).context["form"]
    assert "client" not in form.fields


def test_a_linked_record_is_404_outside_the_clients_scope_and_each_view_is_logged(
    program, login, supplies
):
    receive(supplies.site, supplies.naloxone, 5, by=program.case_manager)
    linked = hand_out(
        supplies.site, supplies.naloxone, 1, by=program.case_manager, client=program.client
    )
    url = linked.get_absolute_url()
    for outsider in (
        program.other_case_manager,
        program.other_supervisor,
        program.auditor,
        program.admin,
    ):
        assert login(outsider).get(url).status_code == 404
    assert not AccessLogEntry.objects.exists()
    for insider in (program.case_manager, program.supervisor):
        assert login(insider).get(url).status_code == 200
    entries = AccessLogEntry.objects.filter(object_id=str(linked.pk))
    assert entries.count() == 2
    assert {entry.client_id for entry in entries} == {program.client.pk}


def test_linked_records_are_left_out_of_the_overview_for_others_and_logged_for_insiders(
    program, login, supplies
):
    receive(supplies.site, supplies.naloxone, 5, by=program.case_manager)
    hand_out(supplies.site, supplies.naloxone, 1, by=program.case_manager)
    hand_out(supplies.site, supplies.naloxone, 1, by=program.case_manager, client=program.client)
    OverdoseResponseFactory(site=supplies.site, client=program.client)
    outsider = login(program.other_case_manager).get(reverse("harm_reduction:overview"))
    assert len(outsider.context["distributions"]) == 1
    assert outsider.context["responses"] == []
    assert not AccessLogEntry.objects.exists()
    insider = login(program.case_manager).get(reverse("harm_reduction:overview"))
    assert len(insider.context["distributions"]) == 2
    assert AccessLogEntry.objects.count() == 2  # the linked distribution and response


def test_an_unlinked_record_is_open_to_every_staff_role_and_not_logged(program, login, supplies):
    response = OverdoseResponseFactory(site=supplies.site)
    for role in ("case_manager", "other_case_manager", "supervisor", "auditor", "admin"):
        assert login(getattr(program, role)).get(response.get_absolute_url()).status_code == 200
    assert not AccessLogEntry.objects.exists()


def _overdose_form(supplies, **overrides):
    when = timezone.localtime() - timedelta(minutes=30)
    return {
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "site": supplies.site.pk,
        "zone": "Lobby",
        "naloxone_doses": 2,
        "naloxone_route": "nasal",
        "called_911": "on",
        "ems_arrived": "on",
        "outcome": "transported",
        "responder_role": "staff",
        "follow_up": "taken",
        "notes": "",
        **overrides,
    }


def test_recording_an_overdose_response(program, login, supplies):
    response = login(program.case_manager).post(
        reverse("harm_reduction:overdose_response_new"), _overdose_form(supplies)
    )
    assert response.status_code == 302
    saved = OverdoseResponse.objects.get()
    assert (saved.outcome, saved.naloxone_doses, saved.client) == ("transported", 2, None)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"occurred_at": "2999-01-01T10:00"}, "occurred_at"),
        ({"notes": "x" * 10_000}, "notes"),
        ({"naloxone_doses": "-1"}, "naloxone_doses"),
        ({"naloxone_route": "none", "naloxone_doses": 2}, "naloxone_doses"),
        ({"outcome": "incident caused by"}, "outcome"),
        ({"called_911": ""}, "called_911"),
    ],
)
def test_bad_overdose_responses_are_field_errors(program, login, supplies, overrides, field):
    response = login(program.case_manager).post(
        reverse("harm_reduction:overdose_response_new"), _overdose_form(supplies, **overrides)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not OverdoseResponse.objects.exists()


@pytest.mark.parametrize(
    "zone", ["Unit 4B", "apt 12", "#305", "214", "room 3", "Unit4", "Apt12", "in 305 hallway"]
)
def test_a_zone_that_looks_like_a_unit_number_is_warned_about_once(program, login, supplies, zone):
    browser = login(program.case_manager)
    url = reverse("harm_reduction:overdose_response_new")
    response = browser.post(url, _overdose_form(supplies, zone=zone))
    assert response.status_code == 200
    assert "looks like a unit number" in response.context["form"].errors["zone"][0]
    assert not OverdoseResponse.objects.exists()
    # Sent again as the warning offers, it is kept as written.
    warned_about = response.context["form"]["zone_confirmed"].value()
    assert warned_about == zone
    # Another unit-like text sent with that confirmation is warned about in its turn.
    other = {**_overdose_form(supplies, zone="Unit 9"), "zone_confirmed": zone}
    assert "zone" in browser.post(url, other).context["form"].errors
    again = {**_overdose_form(supplies, zone=zone), "zone_confirmed": warned_about}
    assert browser.post(url, again).status_code == 302
    assert OverdoseResponse.objects.get().zone == zone


@pytest.mark.parametrize("zone", ["Lobby", "3rd floor hallway", "Courtyard", "Stairwell B"])
def test_zones_are_not_mistaken_for_units(program, login, supplies, zone):
    response = login(program.case_manager).post(
        reverse("harm_reduction:overdose_response_new"), _overdose_form(supplies, zone=zone)
    )
    assert response.status_code == 302


def test_a_training_with_kits_takes_them_from_stock(program, login, supplies):
    receive(supplies.site, supplies.naloxone, 10, by=program.case_manager)
    response = login(program.supervisor).post(
        reverse("harm_reduction:training_new"),
        {
            "held_on": timezone.localdate().isoformat(),
            "site": supplies.site.pk,
            "audience": "tenants",
            "people_trained": 6,
            "naloxone_kits": 4,
            "naloxone_item": supplies.naloxone.pk,
            "funding_source": supplies.funder.pk,
        },
    )
    assert response.status_code == 302
    training = TrainingSession.objects.get()
    distribution = training.distributions.get()
    assert (distribution.quantity, distribution.recipient_role, distribution.training_given) == (
        4,
        "tenant",
        True,
    )


def test_a_training_with_more_kits_than_stock_saves_nothing(program, login, supplies):
    receive(supplies.site, supplies.naloxone, 2, by=program.case_manager)
    response = login(program.supervisor).post(
        reverse("harm_reduction:training_new"),
        {
            "held_on": timezone.localdate().isoformat(),
            "site": supplies.site.pk,
            "audience": "staff",
            "people_trained": 6,
            "naloxone_kits": 4,
            "naloxone_item": supplies.naloxone.pk,
            "funding_source": supplies.funder.pk,
        },
    )
    assert response.status_code == 200
    assert "Only 2" in response.context["form"].errors["naloxone_kits"][0]
    assert not TrainingSession.objects.exists() and not Distribution.objects.exists()


def test_receiving_stock_with_an_expiry_before_receipt_is_a_field_error(program, login, supplies):
    today = timezone.localdate()
    response = login(program.case_manager).post(
        reverse("harm_reduction:stock_receive"),
        {
            "site": supplies.site.pk,
            "item": supplies.naloxone.pk,
            "quantity": 10,
            "lot_number": "A1",
            "received_on": today.isoformat(),
            "expires_on": (today - timedelta(days=3)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "expires_on" in response.context["form"].errors
    assert not StockLot.objects.exists()


@pytest.mark.parametrize("role", ["case_manager", "supervisor"])
def test_the_overview_runs_a_constant_number_of_queries(
    program, login, supplies, django_assert_max_num_queries, role
):
    by = program.case_manager
    receive(supplies.site, supplies.naloxone, 500, by=by)
    browser = login(getattr(program, role))
    url = reverse("harm_reduction:overview")
    hand_out(supplies.site, supplies.naloxone, 1, by=by, client=program.client)
    browser.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        browser.get(url)
    for index in range(40):
        receive(supplies.other_site, supplies.strips, 5, by=by, lot_number=f"S{index}")
        hand_out(
            supplies.site,
            supplies.naloxone,
            1,
            by=by,
            client=program.client if index % 3 == 0 else None,
        )
        OverdoseResponseFactory(site=supplies.site, client=program.client if index % 2 else None)
    with django_assert_max_num_queries(len(few)):
        browser.get(url)
    with django_assert_max_num_queries(len(few)):
        browser.get(reverse("harm_reduction:lots"))
