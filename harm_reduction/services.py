"""Every write of the harm-reduction records goes here, with history and the acting person.

Distributions and discards lock the lots they take from (``select_for_update``, in expiry
order), then read what remains: two people handing out the last kits at once are served one
after the other, and the second is told what is left. Nothing is half-saved: each service runs
in one transaction.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from housingfirst.audit import acting_person, change_reason

from .events import stock_changed
from .models import Discard, Distribution, Draw, OverdoseResponse, StockLot, TrainingSession
from .stock import usable_lots, with_remaining


def _not_in_future(day: date, field: str, label: str = "The date"):
    if day > timezone.localdate():
        raise ValidationError({field: f"{label} cannot be in the future."})


def _stock_changed(site_id, item_id, by):
    stock_changed.announce(sender=StockLot, site_id=site_id, item_id=item_id, by=by)


@transaction.atomic
def stock_receive(*, site, item, lot_number, received_on, expires_on, quantity, by) -> StockLot:
    lot = StockLot(
        site=site,
        item=item,
        lot_number=lot_number,
        received_on=received_on,
        expires_on=expires_on,
        quantity=quantity,
        recorded_by=by,
    )
    lot.full_clean()
    with acting_person(by), change_reason("Stock received"):
        lot.save()
    _stock_changed(site.pk, item.pk, by)
    return lot


def _locked_remaining(lots):
    """Lock these lots (one order for everyone: expiry, then id) and read what remains."""
    locked = list(
        lots.select_for_update().order_by("expires_on", "pk").values_list("pk", flat=True)
    )
    remaining = dict(
        with_remaining(StockLot.objects.filter(pk__in=locked)).values_list("pk", "remaining")
    )
    return [(pk, remaining[pk]) for pk in locked]


@transaction.atomic
def distribution_record(
    *,
    site,
    item,
    quantity: int,
    given_on: date,
    recipient_role: str,
    funding_source,
    by,
    kind: str = Distribution.Kind.FIRST,
    refill_reason: str = "",
    training_given: bool = False,
    client=None,
    training=None,
) -> Distribution:
    """Hand out ``quantity`` of an item from a site's unexpired lots, earliest expiry first."""
    _not_in_future(given_on, "given_on")
    if kind == Distribution.Kind.REFILL and not refill_reason:
        raise ValidationError({"refill_reason": "Say why this is a refill."})
    if kind != Distribution.Kind.REFILL:
        refill_reason = ""
    lots = _locked_remaining(usable_lots(site, item, given_on))
    available = sum(max(remaining, 0) for _, remaining in lots)
    if quantity > available:
        raise ValidationError(
            {
                "quantity": f"Only {available} {item} on hand at {site}"
                f"{'' if available else ' — record stock received first'}. Nothing was saved."
            }
        )
    reason = "Training session" if training is not None else "Supplies handed out"
    with acting_person(by), change_reason(reason):
        distribution = Distribution.objects.create(
            site=site,
            item=item,
            quantity=quantity,
            given_on=given_on,
            recipient_role=recipient_role,
            funding_source=funding_source,
            kind=kind,
            refill_reason=refill_reason,
            training_given=training_given or training is not None,
            client=client,
            training=training,
            recorded_by=by,
        )
        still_needed = quantity
        for lot_id, remaining in lots:
            if still_needed == 0:
                break
            take = min(remaining, still_needed)
            if take > 0:
                Draw.objects.create(distribution=distribution, lot_id=lot_id, quantity=take)
                still_needed -= take
    _stock_changed(site.pk, item.pk, by)
    return distribution


@transaction.atomic
def discard_record(*, lot: StockLot, quantity: int, discarded_on: date, reason: str, by) -> Discard:
    _not_in_future(discarded_on, "discarded_on")
    if discarded_on < lot.received_on:
        raise ValidationError({"discarded_on": "A lot cannot be discarded before it was received."})
    [(_, remaining)] = _locked_remaining(StockLot.objects.filter(pk=lot.pk))
    if quantity > remaining:
        raise ValidationError(
            {"quantity": f"Only {remaining} left in this lot. Nothing was saved."}
        )
    with acting_person(by), change_reason(f"Discarded: {Discard.Reason(reason).label.lower()}"):
        discard = Discard.objects.create(
            lot=lot, quantity=quantity, discarded_on=discarded_on, reason=reason, recorded_by=by
        )
    _stock_changed(lot.site_id, lot.item_id, by)
    return discard


@transaction.atomic
def overdose_response_record(*, by, client=None, **fields) -> OverdoseResponse:
    occurred_at = fields["occurred_at"]
    if occurred_at > timezone.now():
        raise ValidationError({"occurred_at": "The time cannot be in the future."})
    response = OverdoseResponse(recorded_by=by, client=client, **fields)
    response.full_clean()
    with acting_person(by), change_reason("Overdose response recorded"):
        response.save()
    return response


@transaction.atomic
def training_record(
    *,
    site,
    held_on,
    audience,
    people_trained,
    by,
    naloxone_kits=0,
    naloxone_item=None,
    funding_source=None,
) -> TrainingSession:
    """Record a training; kits handed out there come out of the site's stock."""
    _not_in_future(held_on, "held_on")
    if naloxone_kits and (naloxone_item is None or funding_source is None):
        raise ValidationError(
            {"naloxone_item": "Say which naloxone and which funding source the kits came from."}
        )
    with acting_person(by), change_reason("Training recorded"):
        training = TrainingSession.objects.create(
            site=site,
            held_on=held_on,
            audience=audience,
            people_trained=people_trained,
            naloxone_kits=naloxone_kits,
            recorded_by=by,
        )
    if naloxone_kits:
        role = "staff" if audience == TrainingSession.Audience.STAFF else "tenant"
        try:
            distribution_record(
                site=site,
                item=naloxone_item,
                quantity=naloxone_kits,
                given_on=held_on,
                recipient_role=role,
                funding_source=funding_source,
                training=training,
                by=by,
            )
        except ValidationError as error:
            # Said of the training's own field: how many kits it handed out.
            raise ValidationError({"naloxone_kits": error.message_dict["quantity"]}) from error
    return training
