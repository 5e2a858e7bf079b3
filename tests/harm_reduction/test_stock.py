"""Stock arithmetic: received − handed out − discarded, unexpired lots only, never negative."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from harm_reduction import services
from harm_reduction.models import Discard, Distribution, Draw, StockLot
from harm_reduction.stock import on_hand, stock_lines
from housingfirst.audit_log.changelog import Filters, change_log_page

from .factories import StockMinimumFactory, hand_out, receive

pytestmark = pytest.mark.django_db


def test_on_hand_is_received_less_handed_out_and_discarded(program, supplies):
    by = program.case_manager
    lot = receive(supplies.site, supplies.naloxone, 20, by=by)
    hand_out(supplies.site, supplies.naloxone, 3, by=by)
    services.discard_record(
        lot=lot, quantity=2, discarded_on=timezone.localdate(), reason="damaged", by=by
    )
    assert on_hand(supplies.site, supplies.naloxone, timezone.localdate()) == 15
    # Another site's stock is its own.
    assert on_hand(supplies.other_site, supplies.naloxone, timezone.localdate()) == 0


def test_handing_out_draws_from_the_lot_that_expires_first(program, supplies):
    by = program.case_manager
    late = receive(supplies.site, supplies.naloxone, 10, by=by, expires_in_days=300)
    early = receive(supplies.site, supplies.naloxone, 2, by=by, expires_in_days=40)
    distribution = hand_out(supplies.site, supplies.naloxone, 5, by=by)
    draws = {draw.lot_id: draw.quantity for draw in distribution.draws.all()}
    assert draws == {early.pk: 2, late.pk: 3}


def test_expired_lots_are_not_on_hand_and_cannot_be_handed_out(program, supplies):
    by = program.case_manager
    receive(supplies.site, supplies.naloxone, 10, by=by, expires_in_days=-1, received_ago=400)
    today = timezone.localdate()
    assert on_hand(supplies.site, supplies.naloxone, today) == 0
    [line] = stock_lines(today)
    assert (line.on_hand, line.expired) == (0, 10)
    with pytest.raises(ValidationError) as refused:
        hand_out(supplies.site, supplies.naloxone, 1, by=by)
    assert "Only 0" in refused.value.message_dict["quantity"][0]


def test_handing_out_more_than_on_hand_is_refused_with_the_stock_and_saves_nothing(
    program, supplies
):
    by = program.case_manager
    receive(supplies.site, supplies.naloxone, 4, by=by)
    with pytest.raises(ValidationError) as refused:
        hand_out(supplies.site, supplies.naloxone, 5, by=by)
    assert refused.value.message_dict["quantity"] == [
        "Only 4 Naloxone nasal spray 4 mg on hand at Maple Court. Nothing was saved."
    ]
    assert not Distribution.objects.exists() and not Draw.objects.exists()


def test_discarding_more_than_the_lot_holds_is_refused(program, supplies):
    by = program.case_manager
    lot = receive(supplies.site, supplies.naloxone, 3, by=by)
    hand_out(supplies.site, supplies.naloxone, 2, by=by)
    with pytest.raises(ValidationError) as refused:
        services.discard_record(
            lot=lot, quantity=2, discarded_on=timezone.localdate(), reason="expired", by=by
        )
    assert "Only 1 left" in refused.value.message_dict["quantity"][0]
    assert not Discard.objects.exists()


def test_a_lot_cannot_expire_before_it_was_received(program, supplies):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        services.stock_receive(
            site=supplies.site,
            item=supplies.naloxone,
            lot_number="X",
            received_on=today,
            expires_on=today - timedelta(days=1),
            quantity=5,
            by=program.case_manager,
        )
    assert "expires_on" in refused.value.message_dict
    assert not StockLot.objects.exists()


def test_a_refill_needs_a_reason(program, supplies):
    receive(supplies.site, supplies.naloxone, 4, by=program.case_manager)
    with pytest.raises(ValidationError):
        hand_out(supplies.site, supplies.naloxone, 1, by=program.case_manager, kind="refill")
    distribution = hand_out(
        supplies.site,
        supplies.naloxone,
        1,
        by=program.case_manager,
        kind="refill",
        refill_reason="used",
    )
    assert distribution.refill_reason == "used"


def test_stock_lines_flag_expiring_lots_and_minimums(program, supplies, settings):
    settings.HARM_REDUCTION_EXPIRING_DAYS = 30
    by = program.case_manager
    receive(supplies.site, supplies.naloxone, 3, by=by, expires_in_days=20, lot_number="SOON")
    receive(supplies.site, supplies.naloxone, 4, by=by, expires_in_days=200)
    StockMinimumFactory(site=supplies.site, item=supplies.naloxone, minimum=10)
    StockMinimumFactory(site=supplies.other_site, item=supplies.strips, minimum=5)
    lines = {(line.site.name, line.item.name): line for line in stock_lines(timezone.localdate())}
    naloxone = lines[("Maple Court", "Naloxone nasal spray 4 mg")]
    assert (naloxone.on_hand, naloxone.expiring_soon, naloxone.below_minimum) == (7, 3, True)
    strips = lines[("Scattered-site office", "Fentanyl test strips")]
    assert (strips.on_hand, strips.below_minimum) == (0, True)


def test_every_stock_movement_is_in_history_with_the_person_and_reason(program, supplies):
    by = program.case_manager
    lot = receive(supplies.site, supplies.naloxone, 5, by=by)
    distribution = hand_out(supplies.site, supplies.naloxone, 2, by=by)
    entries = change_log_page(Filters(), size=50).items
    name = f"{by.first_name} {by.last_name}"
    reasons = {(entry.model_label, entry.reason) for entry in entries if entry.who == name}
    assert ("harm_reduction.stocklot", "Stock received") in reasons
    assert ("harm_reduction.distribution", "Supplies handed out") in reasons
    assert ("harm_reduction.draw", "Supplies handed out") in reasons
    assert lot.history.get().history_user == by
    assert distribution.history.get().history_user == by


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
def test_two_people_handing_out_the_last_kits_at_once_never_make_stock_negative(program, supplies):
    by = program.case_manager
    receive(supplies.site, supplies.naloxone, 3, by=by)
    receive(supplies.site, supplies.naloxone, 2, by=by, expires_in_days=20, lot_number="L2")
    barrier = threading.Barrier(2)
    outcomes = []

    def distribute():
        try:
            barrier.wait()
            hand_out(supplies.site, supplies.naloxone, 3, by=by, funding_source=supplies.funder)
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.message_dict["quantity"][0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=distribute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [
        "Only 2 Naloxone nasal spray 4 mg on hand at Maple Court. Nothing was saved.",
        "saved",
    ]
    assert on_hand(supplies.site, supplies.naloxone, timezone.localdate()) == 2
    assert sum(draw.quantity for draw in Draw.objects.all()) == 3
