"""The aggregate report: counts per site and month or quarter, small counts suppressed.

No row of the report names a person or a unit: it is built from grouped counts only (one query
per table, whatever the number of records), then passed through ``suppression.suppress``.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from .models import Distribution, FundingSource, ItemKind, OverdoseResponse, Site, TrainingSession
from .suppression import Cell, suppress


@dataclass(frozen=True)
class Period:
    kind: str  # "month" or "quarter"
    start: date
    end: date  # inclusive

    @property
    def key(self) -> str:
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            return f"Q{quarter} {self.start.year} ({self.start:%b}–{self.end:%b})"
        return f"{self.start:%B %Y}"


def _month_end(start: date) -> date:
    following = date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return following - timedelta(days=1)


def recent_periods(today: date, months: int = 12, quarters: int = 4) -> list[Period]:
    """The last ``months`` months (this one first), then the last ``quarters`` quarters."""
    found = []
    year, month = today.year, today.month
    for _ in range(months):
        start = date(year, month, 1)
        found.append(Period("month", start, _month_end(start)))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    year, quarter = today.year, (today.month - 1) // 3
    for _ in range(quarters):
        start = date(year, quarter * 3 + 1, 1)
        end = _month_end(date(year, quarter * 3 + 3, 1))
        found.append(Period("quarter", start, end))
        year, quarter = (year, quarter - 1) if quarter > 0 else (year - 1, 3)
    return found


@dataclass
class Report:
    period: Period
    site: Site | None
    supplies: object
    refills: object
    overdoses: object
    trainings: object
    doses: Cell
    coverage: str


def _grid(rows, columns, counts: dict) -> list[list[int]]:
    return [[int(counts.get((row, column), 0) or 0) for column in columns] for row in rows]


def build(period: Period, site: Site | None = None) -> Report:
    in_period = Q(given_on__range=(period.start, period.end))
    site_filter = {"site": site} if site is not None else {}
    distributions = Distribution.objects.filter(in_period, **site_filter)

    items = list(ItemKind.objects.order_by("name"))
    sources = list(FundingSource.objects.order_by("name"))
    by_item_source = {
        (row["item"], row["funding_source"]): row["n"]
        for row in distributions.values("item", "funding_source").annotate(n=Sum("quantity"))
    }
    used_items = [item for item in items if any(k[0] == item.pk for k in by_item_source)]
    used_sources = [s for s in sources if any(k[1] == s.pk for k in by_item_source)]
    supplies = suppress(
        "Supplies handed out, by item and funding source",
        [item.name for item in used_items],
        [source.name for source in used_sources],
        _grid([i.pk for i in used_items], [s.pk for s in used_sources], by_item_source),
    )

    reasons = [("first", "")] + [("refill", value) for value in Distribution.RefillReason.values]
    reason_labels = ["First kit"] + [
        f"Refill: {label.lower()}" for label in Distribution.RefillReason.labels
    ]
    by_reason = {
        (row["item"], (row["kind"], row["refill_reason"])): row["n"]
        for row in distributions.values("item", "kind", "refill_reason").annotate(n=Sum("quantity"))
    }
    refills = suppress(
        "First kits and refills, by item and why",
        [item.name for item in used_items],
        reason_labels,
        _grid([i.pk for i in used_items], reasons, by_reason),
    )

    responses = OverdoseResponse.objects.filter(
        occurred_at__date__range=(period.start, period.end), **site_filter
    )
    outcome_counts = {
        (row["outcome"], row["responder_role"]): row["n"]
        for row in responses.values("outcome", "responder_role").annotate(n=Count("pk"))
    }
    overdoses = suppress(
        "Overdose responses, by outcome and who responded",
        OverdoseResponse.Outcome.labels,
        OverdoseResponse.Responder.labels,
        _grid(OverdoseResponse.Outcome.values, OverdoseResponse.Responder.values, outcome_counts),
    )
    doses_total = responses.aggregate(n=Sum("naloxone_doses"))["n"] or 0
    doses = suppress("Naloxone doses given", ["Doses"], ["All"], [[doses_total]]).rows[0][0]

    trainings_in_period = TrainingSession.objects.filter(
        held_on__range=(period.start, period.end), **site_filter
    )
    sites = [site] if site is not None else list(Site.objects.order_by("name"))
    trained = {
        (row["audience"], row["site"]): row["n"]
        for row in trainings_in_period.values("audience", "site").annotate(n=Sum("people_trained"))
    }
    trainings = suppress(
        "People trained, by site",
        TrainingSession.Audience.labels,
        [s.name for s in sites],
        _grid(TrainingSession.Audience.values, [s.pk for s in sites], trained),
    )
    coverage = _coverage(trainings, sites)
    return Report(period, site, supplies, refills, overdoses, trainings, doses, coverage)


def _coverage(trainings, sites) -> str:
    """Tenants trained per tenant living at the sites, unless that would reveal a small count."""
    tenants_trained = trainings.row_totals[1]
    tenant_count = sum(s.tenant_count or 0 for s in sites)
    if not tenant_count:
        return "Not known: no tenant count is set for these sites."
    if tenants_trained.hidden:
        return "Not shown: it would reveal a small number."
    share = round(100 * tenants_trained.value / tenant_count)
    return (
        f"{share}% ({tenants_trained.value:,} trained, {tenant_count:,} tenants; "
        "a person trained twice counts twice)"
    )
