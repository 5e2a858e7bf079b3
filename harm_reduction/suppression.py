"""Small-cell suppression for the aggregate report.

A count from 1 to ``SMALL_CELL_MAX`` (a setting, 10 by default) is shown as "1–10" (primary
suppression). Then, wherever a hidden count could be worked out from what is shown, another
count is hidden too (complementary suppression), until none can:

- **exactly**, from the table's sums: every row, column and the totals are equations, and a
  hidden count is known when its unit vector lies in the span of those equations restricted to
  the hidden counts (a rank test with exact fractions);
- **from the bounds**: a hidden small count lies between 1 and the maximum; when a line's known
  remainder equals the least or the most its hidden counts can add up to, every one of them
  is known (three hidden counts adding up to 30, say, are all 10).

Complementary cells are chosen from the same line: the smallest shown count above zero (the
least information given up), a body cell before a total. Zero is shown: "nobody" is not a
small number of people.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from django.conf import settings

BODY, ROW_TOTAL, COLUMN_TOTAL, GRAND_TOTAL = "cell", "row total", "column total", "grand total"
INFINITY = float("inf")


@dataclass
class Cell:
    value: int
    hidden: bool = False
    primary: bool = False  # hidden because it is small (1 to the maximum)

    @property
    def text(self) -> str:
        if not self.hidden:
            return f"{self.value:,}"
        return small_cell_text() if self.primary else "hidden"


@dataclass
class Table:
    """A count table with row, column and grand totals, suppressed as the report shows it."""

    title: str
    row_labels: list[str]
    column_labels: list[str]
    rows: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    grand_total: Cell
    notes: list[str] = field(default_factory=list)

    @property
    def has_hidden(self) -> bool:
        return any(cell.hidden for cell in self.all_cells())

    def all_cells(self):
        for row in self.rows:
            yield from row
        yield from self.row_totals
        yield from self.column_totals
        yield self.grand_total

    def by_label(self) -> dict[tuple, Cell]:
        """Every count by its labels: (kind, row label, column label) as in ``suppress``."""
        found = {(GRAND_TOTAL,): self.grand_total}
        for r, label in enumerate(self.row_labels):
            found[(ROW_TOTAL, label)] = self.row_totals[r]
            for c, column in enumerate(self.column_labels):
                found[(BODY, label, column)] = self.rows[r][c]
        for c, column in enumerate(self.column_labels):
            found[(COLUMN_TOTAL, column)] = self.column_totals[c]
        return found

    def body_lines(self):
        """(label, cells, total) per row, for templates and CSV."""
        return list(zip(self.row_labels, self.rows, self.row_totals, strict=True))


def _label_key(key, row_labels, column_labels) -> tuple:
    if key[0] == BODY:
        return (BODY, row_labels[key[1]], column_labels[key[2]])
    if key[0] == ROW_TOTAL:
        return (ROW_TOTAL, row_labels[key[1]])
    if key[0] == COLUMN_TOTAL:
        return (COLUMN_TOTAL, column_labels[key[1]])
    return (GRAND_TOTAL,)


def small_cell_max() -> int:
    return settings.HARM_REDUCTION_SMALL_CELL_MAX


def small_cell_text() -> str:
    return f"1–{small_cell_max()}"


def _keys(n_rows, n_cols):
    keys = [(BODY, r, c) for r in range(n_rows) for c in range(n_cols)]
    keys += [(ROW_TOTAL, r) for r in range(n_rows)]
    keys += [(COLUMN_TOTAL, c) for c in range(n_cols)]
    return [*keys, (GRAND_TOTAL,)]


def _lines(n_rows, n_cols):
    """Each line is (members, total): the sum of the members equals the total."""
    lines = []
    for r in range(n_rows):
        lines.append(([(BODY, r, c) for c in range(n_cols)], (ROW_TOTAL, r)))
    for c in range(n_cols):
        lines.append(([(BODY, r, c) for r in range(n_rows)], (COLUMN_TOTAL, c)))
    lines.append(([(ROW_TOTAL, r) for r in range(n_rows)], (GRAND_TOTAL,)))
    lines.append(([(COLUMN_TOTAL, c) for c in range(n_cols)], (GRAND_TOTAL,)))
    return lines


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [row[:] for row in rows]
    rank, n_cols = 0, len(matrix[0]) if matrix else 0
    for col in range(n_cols):
        pivot = next((i for i in range(rank, len(matrix)) if matrix[i][col] != 0), None)
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][col] != 0:
                factor = matrix[i][col] / matrix[rank][col]
                matrix[i] = [a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)]
        rank += 1
    return rank


def derivable(values: dict, hidden: set, primary: set, lines, maximum: int) -> set:
    """The hidden keys someone could work out from the shown values and the bounds.

    Two tests: the equations alone (a rank test), and the bounds a reader knows ("1–10" is 1
    to the maximum, "hidden" more than it), tightened line by line until they settle; a
    hidden count whose lowest and highest possible values meet is known.
    """
    hidden_keys = sorted(hidden)
    index = {key: i for i, key in enumerate(hidden_keys)}
    equations, rows = [], []
    for members, total in lines:
        signed = [(key, 1) for key in members] + [(total, -1)]
        unknown = [(key, sign) for key, sign in signed if key in hidden]
        if not unknown:
            continue
        row = [Fraction(0)] * len(hidden_keys)
        for key, sign in unknown:
            row[index[key]] = Fraction(sign)
        rows.append(row)
        # sum(sign * x) over the unknowns equals what the shown counts leave.
        known = -sum(sign * values[key] for key, sign in signed if key not in hidden)
        equations.append((unknown, known))
    found = set()
    low = {key: 1 if key in primary else maximum + 1 for key in hidden_keys}
    high = {key: maximum if key in primary else INFINITY for key in hidden_keys}
    for _ in range(50):  # a few rounds settle any table of this size
        changed = False
        for unknown, known in equations:
            for key, sign in unknown:
                others = [(k, s) for k, s in unknown if k != key]
                # sign * x = known - sum(others): the others' range bounds x.
                rest_low = sum(s * (low[k] if s > 0 else high[k]) for k, s in others)
                rest_high = sum(s * (high[k] if s > 0 else low[k]) for k, s in others)
                lo, hi = known - rest_high, known - rest_low
                if sign < 0:
                    lo, hi = -hi, -lo
                if lo > low[key]:
                    low[key], changed = lo, True
                if hi < high[key]:
                    high[key], changed = hi, True
        if not changed:
            break
    found.update(key for key in hidden_keys if low[key] >= high[key])
    if rows:
        base = _rank(rows)
        for key in hidden_keys:
            if key in found:
                continue
            unit = [Fraction(0)] * len(hidden_keys)
            unit[index[key]] = Fraction(1)
            if _rank([*rows, unit]) == base:
                found.add(key)
    return found


def _complement(key, values, hidden, lines, maximum):
    """A shown key to hide so that ``key`` is no longer known: a count above the maximum
    (a hidden one reads "more than the maximum", so never a zero), in the same line if any."""

    def candidates(keys):
        return [
            (other[0] != BODY, values[other], other)
            for other in keys
            if other not in hidden and values[other] > maximum
        ]

    found = []
    for members, total in lines:
        if key in (*members, total):
            found += candidates([*members, total])
    if not found:  # known only through other lines: widen the hidden set anywhere
        found = candidates(values)
    return min(found)[2] if found else None


def suppress(
    title: str, row_labels, column_labels, counts: list[list[int]], *, also_hide=frozenset()
) -> Table:
    """The table of ``counts`` (rows × columns) with totals, small counts suppressed.

    ``also_hide`` names counts (``Table.label_key``) that must be hidden too, because another
    table shows a total they belong to (the same totals elsewhere, a quarter's months, the
    sites of "all sites").
    """
    n_rows, n_cols = len(row_labels), len(column_labels)
    maximum = small_cell_max()
    values = {}
    for r in range(n_rows):
        for c in range(n_cols):
            values[(BODY, r, c)] = int(counts[r][c])
        values[(ROW_TOTAL, r)] = sum(counts[r][c] for c in range(n_cols))
    for c in range(n_cols):
        values[(COLUMN_TOTAL, c)] = sum(counts[r][c] for r in range(n_rows))
    values[(GRAND_TOTAL,)] = sum(values[(ROW_TOTAL, r)] for r in range(n_rows))
    primary = {key for key, value in values.items() if 1 <= value <= maximum}
    by_label = {_label_key(key, row_labels, column_labels): key for key in values}
    hidden = set(primary) | {by_label[label] for label in also_hide if label in by_label}
    lines = _lines(n_rows, n_cols)
    while True:
        known = derivable(values, hidden, primary, lines, maximum)
        if not known:
            break
        extra = _complement(min(known), values, hidden, lines, maximum)
        if extra is None:
            break
        hidden.add(extra)

    def cell(key):
        return Cell(values[key], hidden=key in hidden, primary=key in primary)

    return Table(
        title=title,
        row_labels=list(row_labels),
        column_labels=list(column_labels),
        rows=[[cell((BODY, r, c)) for c in range(n_cols)] for r in range(n_rows)],
        row_totals=[cell((ROW_TOTAL, r)) for r in range(n_rows)],
        column_totals=[cell((COLUMN_TOTAL, c)) for c in range(n_cols)],
        grand_total=cell((GRAND_TOTAL,)),
    )
