"""Stock on hand, computed from the lots: received − drawn − discarded, unexpired lots only.

Every figure is one query whatever the number of lots (subqueries per lot, grouped per site
and item), so the pages that show stock stay constant in their queries.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import Discard, Draw, ItemKind, Site, StockLot, StockMinimum


def _sum_of(model, **filters):
    rows = (
        model.objects.filter(lot=OuterRef("pk"), **filters)
        .order_by()
        .values("lot")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def with_remaining(lots):
    """Annotate ``remaining``: received less drawn and discarded."""
    return lots.annotate(drawn=_sum_of(Draw), discarded=_sum_of(Discard)).annotate(
        remaining=F("quantity") - F("drawn") - F("discarded")
    )


def usable_lots(site, item, on: date):
    """Lots of this item at this site that may be handed out on ``on``: received by then,
    not expired."""
    return StockLot.objects.filter(site=site, item=item, received_on__lte=on, expires_on__gte=on)


def on_hand(site, item, on: date) -> int:
    rows = with_remaining(usable_lots(site, item, on)).values_list("remaining", flat=True)
    return sum(rows)


def expiring_days() -> int:
    return settings.HARM_REDUCTION_EXPIRING_DAYS


@dataclass(frozen=True)
class StockLine:
    site: Site
    item: ItemKind
    on_hand: int
    expiring_soon: int  # of on_hand, in lots expiring within HARM_REDUCTION_EXPIRING_DAYS
    next_expiry: date | None
    expired: int  # still counted in lots past their date: to be discarded
    minimum: int | None

    @property
    def below_minimum(self) -> bool:
        return self.minimum is not None and self.on_hand < self.minimum


def _empty_line(site, item) -> dict:
    return {"site": site, "item": item, "on_hand": 0, "soon": 0, "next": None, "expired": 0}


def stock_lines(on: date, *, sites=None) -> list[StockLine]:
    """One line per site and item that has stock or a minimum (2 queries)."""
    soon = on + timedelta(days=expiring_days())
    lots = with_remaining(StockLot.objects.all()).filter(remaining__gt=0)
    if sites is not None:
        lots = lots.filter(site__in=sites)
    lines: dict[tuple[int, int], dict] = {}
    for lot in lots.select_related("site", "item").order_by("site__name", "item__name"):
        line = lines.setdefault(
            (lot.site_id, lot.item_id),
            {
                "site": lot.site,
                "item": lot.item,
                "on_hand": 0,
                "soon": 0,
                "next": None,
                "expired": 0,
            },
        )
        if lot.expires_on < on:
            line["expired"] += lot.remaining
            continue
        line["on_hand"] += lot.remaining
        if lot.expires_on <= soon:
            line["soon"] += lot.remaining
        if line["next"] is None or lot.expires_on < line["next"]:
            line["next"] = lot.expires_on
    minimums = StockMinimum.objects.select_related("site", "item")
    if sites is not None:
        minimums = minimums.filter(site__in=sites)
    minimum_of = {}
    for minimum in minimums:
        minimum_of[(minimum.site_id, minimum.item_id)] = minimum.minimum
        lines.setdefault(
            (minimum.site_id, minimum.item_id), _empty_line(minimum.site, minimum.item)
        )
    result = [
        StockLine(
            site=line["site"],
            item=line["item"],
            on_hand=line["on_hand"],
            expiring_soon=line["soon"],
            next_expiry=line["next"],
            expired=line["expired"],
            minimum=minimum_of.get(key),
        )
        for key, line in lines.items()
    ]
    return sorted(result, key=lambda line: (line.site.name, line.item.name))
