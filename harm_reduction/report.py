"""The aggregate report: counts per site and month or quarter, small counts suppressed.

No row of the report names a person or a unit: it is built from grouped counts only, then
passed through ``suppression.suppress``. A reader can set one report beside another, so each
report is suppressed together with the reports it could be subtracted from:

- the supplies and the refills tables share their row totals and grand total;
- a quarter is the sum of its three months, "all sites" the sum of the sites: a count of the
  larger report is hidden too wherever exactly one of its parts is hidden (or the hidden
  parts' bounds would pin them), so no part can be worked out as the whole less the rest.

The reports of the parts are built first (memoised), so a page costs a bounded number of
queries: a few per month and site of the period, whatever the number of records.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Sum

from .models import Distribution, FundingSource, ItemKind, OverdoseResponse, Site, TrainingSession
from .suppression import GRAND_TOTAL, ROW_TOTAL, Cell, Table, small_cell_max, suppress


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

    def months(self) -> list["Period"]:
        if self.kind != "quarter":
            return []
        starts = [date(self.start.year, self.start.month + offset, 1) for offset in range(3)]
        return [Period("month", start, _month_end(start)) for start in starts]


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
    supplies: Table
    refills: Table
    overdoses: Table
    trainings: Table
    doses: Cell
    coverage: str


def _grid(rows, columns, counts: dict) -> list[list[int]]:
    return [[int(counts.get((row, column), 0) or 0) for column in columns] for row in rows]


def _raw_tables(period: Period, site: Site | None, sites: list[Site]) -> dict:
    """name: (title, row labels, column labels, counts), one query per table."""
    site_filter = {"site": site} if site is not None else {"site__in": sites}
    distributions = Distribution.objects.filter(
        given_on__range=(period.start, period.end), **site_filter
    )
    items = {item.pk: item.name for item in ItemKind.objects.all()}
    sources = {source.pk: source.name for source in FundingSource.objects.all()}
    by_item_source = {
        (items[row["item"]], sources[row["funding_source"]]): row["n"]
        for row in distributions.values("item", "funding_source").annotate(n=Sum("quantity"))
    }
    used_items = sorted({item for item, _ in by_item_source})
    used_sources = sorted({source for _, source in by_item_source})

    reasons = [("first", "")] + [("refill", value) for value in Distribution.RefillReason.values]
    reason_labels = ["First kit"] + [
        f"Refill: {label.lower()}" for label in Distribution.RefillReason.labels
    ]
    by_reason = {
        (items[row["item"]], (row["kind"], row["refill_reason"])): row["n"]
        for row in distributions.values("item", "kind", "refill_reason").annotate(n=Sum("quantity"))
    }
    responses = OverdoseResponse.objects.filter(
        occurred_at__date__range=(period.start, period.end), **site_filter
    )
    outcome_rows = list(
        responses.values("outcome", "responder_role").annotate(
            n=Count("pk"), doses=Sum("naloxone_doses")
        )
    )
    outcomes = {(row["outcome"], row["responder_role"]): row["n"] for row in outcome_rows}
    doses = sum(row["doses"] or 0 for row in outcome_rows)
    trained = {
        (row["audience"], row["site"]): row["n"]
        for row in TrainingSession.objects.filter(
            held_on__range=(period.start, period.end), **site_filter
        )
        .values("audience", "site")
        .annotate(n=Sum("people_trained"))
    }
    columns = [site] if site is not None else sites
    return {
        "supplies": (
            "Supplies handed out, by item and funding source",
            used_items,
            used_sources,
            _grid(used_items, used_sources, by_item_source),
        ),
        "refills": (
            "First kits and refills, by item and why",
            used_items,
            reason_labels,
            _grid(used_items, reasons, by_reason),
        ),
        "overdoses": (
            "Overdose responses, by outcome and who responded",
            OverdoseResponse.Outcome.labels,
            OverdoseResponse.Responder.labels,
            _grid(OverdoseResponse.Outcome.values, OverdoseResponse.Responder.values, outcomes),
        ),
        "trainings": (
            "People trained, by site",
            TrainingSession.Audience.labels,
            [s.name for s in columns],
            _grid(TrainingSession.Audience.values, [s.pk for s in columns], trained),
        ),
        "doses": ("Naloxone doses given", ["Doses"], ["All"], [[doses]]),
    }


# Tables whose row totals and grand total are the same numbers (quantity per item).
SHARED_TOTALS = ("supplies", "refills")


def _pinned_by_parts(whole, parts: list, maximum: int) -> bool:
    """Could one hidden part be worked out as the shown whole less the shown parts?"""
    hidden = [cell for cell in parts if cell is not None and cell.hidden]
    if not hidden or whole.hidden:
        return False
    if len(hidden) == 1:
        return True
    remainder = whole.value - sum(c.value for c in parts if c is not None and not c.hidden)
    low = sum(1 if cell.primary else maximum + 1 for cell in hidden)
    capped = all(cell.primary for cell in hidden)
    return remainder == low or (capped and remainder == maximum * len(hidden))


def _suppressed(period: Period, site: Site | None, sites: list[Site], memo: dict) -> dict:
    key = (period.key, site.pk if site else None)
    if key in memo:
        return memo[key]
    raw = _raw_tables(period, site, sites)
    breakdowns = []
    if period.kind == "quarter":
        breakdowns.append([_suppressed(month, site, sites, memo) for month in period.months()])
    if site is None and len(sites) > 1:
        breakdowns.append([_suppressed(period, each, sites, memo) for each in sites])
    maximum = small_cell_max()
    also_hide = {name: set() for name in raw}
    while True:
        tables = {name: suppress(*raw[name], also_hide=frozenset(also_hide[name])) for name in raw}
        changed = False
        shared = set()
        for name in SHARED_TOTALS:
            shared |= {
                label
                for label, cell in tables[name].by_label().items()
                if cell.hidden and label[0] in (ROW_TOTAL, GRAND_TOTAL)
            }
        for name in SHARED_TOTALS:
            if not shared <= also_hide[name]:
                also_hide[name] |= shared
                changed = True
        for parts in breakdowns:
            for name, table in tables.items():
                part_cells = [part[name].by_label() for part in parts]
                for label, cell in table.by_label().items():
                    if label in also_hide[name]:
                        continue
                    if _pinned_by_parts(cell, [p.get(label) for p in part_cells], maximum):
                        also_hide[name].add(label)
                        changed = True
        if not changed:
            memo[key] = tables
            return tables


def build(period: Period, site: Site | None = None) -> Report:
    sites = list(Site.objects.filter(is_active=True).order_by("name"))
    if site is not None and site not in sites:
        sites.append(site)
    tables = _suppressed(period, site, sites, memo={})
    shown_sites = [site] if site is not None else sites
    return Report(
        period=period,
        site=site,
        supplies=tables["supplies"],
        refills=tables["refills"],
        overdoses=tables["overdoses"],
        trainings=tables["trainings"],
        doses=tables["doses"].rows[0][0],
        coverage=_coverage(tables["trainings"], shown_sites),
    )


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
