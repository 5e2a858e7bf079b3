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

    def body_lines(self):
        """(label, cells, total) per row, for templates and CSV."""
        return list(zip(self.row_labels, self.rows, self.row_totals, strict=True))


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
    """The hidden keys someone could work out from the shown values and the bounds."""
    hidden_keys = sorted(hidden)
    index = {key: i for i, key in enumerate(hidden_keys)}
    equations = []
    found = set()
    for members, total in lines:
        signed = [(key, 1) for key in members] + [(total, -1)]
        unknown = [(key, sign) for key, sign in signed if key in hidden]
        if not unknown:
            continue
        row = [Fraction(0)] * len(hidden_keys)
        for key, sign in unknown:
            row[index[key]] = Fraction(sign)
        equations.append(row)
        # Bounds: sum(sign * x) over the unknowns equals the known remainder.
        known = -sum(sign * values[key] for key, sign in signed if key not in hidden)
        low = high = 0
        for key, sign in unknown:
            lower, upper = (1, maximum) if key in primary else (0, None)
            if sign > 0:
                low = None if low is None else low + lower
                high = None if high is None or upper is None else high + upper
            else:
                low = low - upper if upper is not None and low is not None else None
                high = None if high is None else high - lower
        if (low is not None and known == low) or (high is not None and known == high):
            found.update(key for key, _ in unknown)
    if equations:
        base = _rank(equations)
        for key in hidden_keys:
            if key in found:
                continue
            unit = [Fraction(0)] * len(hidden_keys)
            unit[index[key]] = Fraction(1)
            if _rank([*equations, unit]) == base:
                found.add(key)
    return found


def _complement(key, values, hidden, lines):
    """A shown key to hide so that ``key`` is no longer known."""
    candidates = []
    for members, total in lines:
        line = [*members, total]
        if key not in line:
            continue
        for other in line:
            if other not in hidden:
                is_total = other[0] != BODY
                candidates.append((values[other] == 0, is_total, values[other], other))
    if not candidates:  # known only through other lines: widen the hidden set anywhere
        candidates = [
            (values[other] == 0, other[0] != BODY, values[other], other)
            for other in values
            if other not in hidden
        ]
    return min(candidates)[3] if candidates else None


def suppress(title: str, row_labels, column_labels, counts: list[list[int]]) -> Table:
    """The table of ``counts`` (rows × columns) with totals, small counts suppressed."""
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
    hidden = set(primary)
    lines = _lines(n_rows, n_cols)
    while True:
        known = derivable(values, hidden, primary, lines, maximum)
        if not known:
            break
        extra = _complement(min(known), values, hidden, lines)
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
