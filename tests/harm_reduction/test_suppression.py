"""Small-cell suppression: no count from 1 to 10 is shown, and none can be worked out.

The check is independent of the code under test: it enumerates every assignment of the hidden
counts that agrees with what the table shows (small counts between 1 and 10, other hidden
counts above 10 up to a generous bound) and requires each hidden count to have at least two
possible values.
"""

import pytest

from harm_reduction.suppression import suppress


def _members(table):
    """(key, shown cell) for every count in the table, with the line equations."""
    n_rows, n_cols = len(table.rows), len(table.column_labels)
    cells = {("c", r, c): table.rows[r][c] for r in range(n_rows) for c in range(n_cols)}
    cells |= {("r", r): table.row_totals[r] for r in range(n_rows)}
    cells |= {("k", c): table.column_totals[c] for c in range(n_cols)}
    cells[("g",)] = table.grand_total
    lines = [([("c", r, c) for c in range(n_cols)], ("r", r)) for r in range(n_rows)]
    lines += [([("c", r, c) for r in range(n_rows)], ("k", c)) for c in range(n_cols)]
    lines.append(([("r", r) for r in range(n_rows)], ("g",)))
    lines.append(([("k", c) for c in range(n_cols)], ("g",)))
    return cells, lines


def possible_values(table):
    """Every value each hidden count can take, given only what the table shows.

    A depth-first search over the hidden counts; a line with one unknown left fixes it, so
    the search only branches on the table's free unknowns.
    """
    cells, lines = _members(table)
    # Any bound at or above the true counts will do: a narrower search finds fewer
    # alternatives, so the check can only be stricter than the reader's own.
    bound = max(cell.value for cell in cells.values()) + 5
    hidden = [key for key, cell in cells.items() if cell.hidden]
    # What the reader knows of a hidden count: "1–10" is 1 to 10, "hidden" is more than 10.
    domains = {
        key: range(1, 11) if cells[key].text == "1–10" else range(11, bound + 1) for key in hidden
    }
    seen = {key: set() for key in hidden}

    def propagate(values):
        changed = True
        while changed:
            changed = False
            for members, total in lines:
                unknown = [key for key in (*members, total) if key not in values]
                if len(unknown) > 1:
                    continue
                members_sum = sum(values.get(key, 0) for key in members)
                if not unknown:
                    if members_sum != values[total]:
                        return False
                    continue
                [key] = unknown
                value = values[total] - members_sum if key != total else members_sum
                if value not in domains[key]:
                    return False
                values[key] = value
                changed = True
        return True

    def search(values):
        values = dict(values)
        if not propagate(values):
            return
        free = [key for key in hidden if key not in values]
        if not free:
            for key in hidden:
                seen[key].add(values[key])
            return
        for value in domains[free[0]]:
            search({**values, free[0]: value})

    search({key: cell.value for key, cell in cells.items() if not cell.hidden})
    return seen


def assert_nothing_derivable(table):
    for key, values in possible_values(table).items():
        assert len(values) >= 2, f"{key} can only be {values}"


def shown(table):
    return [[cell.text for cell in row] for row in table.rows]


def test_a_table_without_small_counts_is_shown_whole():
    table = suppress("t", ["a", "b"], ["x", "y"], [[12, 30], [0, 25]])
    assert shown(table) == [["12", "30"], ["0", "25"]]
    assert not table.has_hidden


def test_a_single_small_cell_is_a_range_and_cannot_be_worked_out_from_the_totals():
    table = suppress("t", ["a", "b"], ["x", "y"], [[5, 30], [40, 25]])
    assert table.rows[0][0].text == "1–10"
    assert "5" not in [cell.text for cell in table.all_cells()]
    # A second count in its row and its column is hidden too.
    assert sum(cell.hidden for cell in table.rows[0]) >= 2
    assert sum(row[0].hidden for row in table.rows) >= 2
    assert_nothing_derivable(table)


def test_a_small_cell_with_its_row_total_shown():
    table = suppress("t", ["only row"], ["x", "y", "z"], [[3, 20, 14]])
    assert table.rows[0][0].text == "1–10"
    assert_nothing_derivable(table)


def test_a_whole_row_of_small_cells():
    table = suppress("t", ["small", "large"], ["x", "y", "z"], [[2, 3, 4], [20, 30, 40]])
    assert [cell.text for cell in table.rows[0]] == ["1–10", "1–10", "1–10"]
    assert table.row_totals[0].text == "1–10"  # 9 is small too
    assert_nothing_derivable(table)


def test_small_counts_that_add_up_to_their_bounds_are_hidden_further():
    # Three hidden tens in a row whose total is 30 would each be known to be 10.
    table = suppress("t", ["tens", "other"], ["x", "y", "z"], [[10, 10, 10], [15, 16, 17]])
    assert_nothing_derivable(table)


@pytest.mark.parametrize(
    "counts",
    [
        [[1, 0], [0, 0]],
        [[11, 10], [0, 12]],
        [[0, 7], [13, 0]],
        [[4, 4], [4, 4]],
        [[1, 2, 3], [4, 5, 6]],
        [[11, 1], [11, 1]],
        [[30, 2], [0, 12], [25, 0]],
    ],
)
def test_nothing_small_can_be_worked_out_in_awkward_tables(counts):
    table = suppress("t", ["a", "b"], [str(i) for i in range(len(counts[0]))], counts)
    for cell in table.all_cells():
        if 1 <= cell.value <= 10:
            assert cell.hidden and cell.text == "1–10"
    assert_nothing_derivable(table)


def test_the_threshold_is_a_setting(settings):
    settings.HARM_REDUCTION_SMALL_CELL_MAX = 5
    table = suppress("t", ["a"], ["x", "y"], [[6, 30]])
    assert shown(table) == [["6", "30"]]
    table = suppress("t", ["a"], ["x", "y"], [[5, 30]])
    assert table.rows[0][0].text == "1–5"
