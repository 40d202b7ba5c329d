"""Small cells and secondary suppression: over random tables, no hidden value can be worked out.

SECURITY.md 3: oversight never sees a count from 1 to threshold-1, nor one recoverable from totals
by subtraction. The checks here are written independently of `oversight.suppression`:

- every equation (a line and its total) holds no hidden cell or at least two;
- no hidden cell is fixed by any linear combination of the equations and the published cells
  (dense rank test over the rationals);
- no small cell is pinned by bounds within any single equation (a small cell is 1 to T-1, a
  complement at least T, an unpublished remainder at least 0);
- zero and every count from the threshold up are shown.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from justice_tracker.oversight.suppression import HIDDEN, Mark, Problem, is_small, protect, sums_to

COUNTS = st.one_of(st.integers(0, 6), st.integers(0, 40))
THRESHOLDS = st.integers(3, 6)


def fixed_columns(rows: list[list[Fraction]]) -> set[int]:
    """Dense Gauss-Jordan: the columns whose value the rows fix (a pivot with no free column in its row)."""
    rows = [list(r) for r in rows]
    width = len(rows[0]) if rows else 0
    pivots: list[tuple[int, int]] = []
    top = 0
    for col in range(width):
        pivot = next((r for r in range(top, len(rows)) if rows[r][col] != 0), None)
        if pivot is None:
            continue
        rows[top], rows[pivot] = rows[pivot], rows[top]
        lead = rows[top][col]
        rows[top] = [v / lead for v in rows[top]]
        for r in range(len(rows)):
            if r != top and rows[r][col] != 0:
                factor = rows[r][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[top], strict=True)]
        pivots.append((top, col))
        top += 1
    pivot_columns = {col for _row, col in pivots}
    return {col for row, col in pivots if all(rows[row][c] == 0 for c in range(width) if c not in pivot_columns)}


def derivable(problem: Problem, marks: dict) -> list:
    """Hidden cells whose value the equations fix once every published cell is known
    (one group of cells joined by equations at a time, which keeps the dense matrices small)."""
    hidden = {k for k, m in marks.items() if m in HIDDEN}
    rows = [{k: c for k, c in eq.items() if k in hidden} for eq in problem.equations]
    rows = [row for row in rows if row]
    out = []
    for group in _groups(hidden, rows):
        keys = sorted(group, key=repr)
        matrix = [[Fraction(row.get(k, 0)) for k in keys] for row in rows if group & set(row)]
        out += [keys[i] for i in fixed_columns(matrix)]
    return out


def _groups(keys: set, rows: list[dict]) -> list[set]:
    groups: list[set] = [{k} for k in keys]
    for row in rows:
        joined = [g for g in groups if g & set(row)]
        groups = [g for g in groups if not g & set(row)] + [set().union(*joined)]
    return groups


def pinned_by_one_equation(problem: Problem, marks: dict) -> list:
    """Small (or small unpublished) cells that a single equation pins to one value, given the attacker's domains."""
    t = problem.threshold

    def domain(key):
        mark = marks[key]
        if mark is Mark.PUBLISHED:
            return problem.values[key], problem.values[key]
        if mark is Mark.SMALL:
            return 1, t - 1
        if mark is Mark.COMPLEMENT:
            return t, float("inf")
        if mark is Mark.MASKED:
            return 1, float("inf")
        return 0, float("inf")

    out = []
    for equation in problem.equations:
        for key, coefficient in equation.items():
            protected = marks[key] in HIDDEN and is_small(problem.values[key], t)
            if not protected:
                continue
            low = high = 0.0
            for other, weight in equation.items():
                if other != key:
                    a, b = domain(other)
                    low += min(weight * a, weight * b)
                    high += max(weight * a, weight * b)
            lo, hi = sorted((-high / coefficient, -low / coefficient))
            d_lo, d_hi = domain(key)
            if min(hi, d_hi) - max(lo, d_lo) < 1:
                out.append(key)
    return out


def check(problem: Problem) -> dict:
    marks = protect(problem)
    t = problem.threshold
    for key, value in problem.values.items():
        if key in problem.unpublished:
            assert marks[key] is Mark.UNPUBLISHED
        elif is_small(value, t):
            assert marks[key] in (Mark.SMALL, Mark.MASKED), (key, value)
        elif value == 0:
            assert marks[key] is Mark.PUBLISHED, "zero is shown"
        else:
            assert marks[key] in (Mark.PUBLISHED, Mark.COMPLEMENT, Mark.MASKED)
    # A remainder that is never shown and is not small may be worked out: it hides nothing.
    harmless = {k for k in problem.unpublished if not is_small(problem.values[k], t)}
    for equation in problem.equations:
        hidden = [k for k in equation if marks[k] in HIDDEN]
        assert len(hidden) != 1 or hidden[0] in harmless, f"a line with one hidden cell gives it away: {equation}"
    assert [k for k in derivable(problem, marks) if k not in harmless] == []
    assert pinned_by_one_equation(problem, marks) == []
    return marks


def one_way(columns: list[list[int]], threshold: int) -> Problem:
    values, equations = {}, []
    for c, column in enumerate(columns):
        for r, v in enumerate(column):
            values[(r, c)] = v
        values[("total", c)] = sum(column)
        equations.append(sums_to([(r, c) for r in range(len(column))], ("total", c)))
    return Problem(values, equations, threshold)


def two_way(grid: list[list[int]], threshold: int) -> Problem:
    rows, cols = len(grid), len(grid[0])
    values = {(r, c): grid[r][c] for r in range(rows) for c in range(cols)}
    equations = []
    for r in range(rows):
        values[(r, "total")] = sum(grid[r])
        equations.append(sums_to([(r, c) for c in range(cols)], (r, "total")))
    for c in range(cols):
        values[("total", c)] = sum(grid[r][c] for r in range(rows))
        equations.append(sums_to([(r, c) for r in range(rows)], ("total", c)))
    values[("total", "total")] = sum(map(sum, grid))
    equations.append(sums_to([(r, "total") for r in range(rows)], ("total", "total")))
    equations.append(sums_to([("total", c) for c in range(cols)], ("total", "total")))
    return Problem(values, equations, threshold)


def hierarchy(groups: list[list[int]], threshold: int) -> Problem:
    """Courts within jurisdictions within everything (one measure)."""
    values, equations = {}, []
    for g, children in enumerate(groups):
        for i, v in enumerate(children):
            values[("court", g, i)] = v
        values[("jurisdiction", g)] = sum(children)
        equations.append(sums_to([("court", g, i) for i in range(len(children))], ("jurisdiction", g)))
    values[("all",)] = sum(map(sum, groups))
    equations.append(sums_to([("jurisdiction", g) for g in range(len(groups))], ("all",)))
    return Problem(values, equations, threshold)


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.lists(st.lists(COUNTS, min_size=1, max_size=7), min_size=1, max_size=3), THRESHOLDS)
def test_columns_with_totals(columns, threshold):
    check(one_way(columns, threshold))


@FAST
@given(
    st.integers(1, 4).flatmap(
        lambda cols: st.lists(st.lists(COUNTS, min_size=cols, max_size=cols), min_size=1, max_size=5)
    ),
    THRESHOLDS,
)
def test_two_way_tables_with_row_and_column_totals(grid, threshold):
    check(two_way(grid, threshold))


@FAST
@given(st.lists(st.lists(COUNTS, min_size=1, max_size=4), min_size=1, max_size=4), THRESHOLDS)
def test_courts_within_jurisdictions(groups, threshold):
    check(hierarchy(groups, threshold))


@FAST
@given(st.integers(0, 30), st.integers(0, 30), THRESHOLDS)
def test_a_percentage_hides_a_small_numerator_or_remainder(num, rest, threshold):
    values = {"num": num, "rest": rest, "den": num + rest}
    problem = Problem(values, [sums_to(["num", "rest"], "den")], threshold, unpublished=frozenset({"rest"}))
    marks = check(problem)
    if is_small(rest, threshold):
        assert marks["num"] in HIDDEN or marks["den"] in HIDDEN, "den - num would give the small remainder"


@FAST
@given(
    st.lists(st.lists(COUNTS, min_size=1, max_size=3), min_size=1, max_size=3),
    st.lists(COUNTS, min_size=1, max_size=4),
    THRESHOLDS,
)
def test_two_tables_sharing_their_jurisdiction_rows_and_total(groups, other, threshold):
    """Courts and facilities under the same jurisdictions, and another breakdown of the same total."""
    courts = hierarchy(groups, threshold)
    values = dict(courts.values)
    equations = list(courts.equations)
    for g, children in enumerate(groups):
        split = [sum(children) // 2, sum(children) - sum(children) // 2]
        for i, v in enumerate(split):
            values[("facility", g, i)] = v
        equations.append(sums_to([("facility", g, 0), ("facility", g, 1)], ("jurisdiction", g)))
    total = values[("all",)]
    shares = [*other[:-1], 0]
    shares[-1] = max(total - sum(shares[:-1]), 0)
    if sum(shares) == total:
        for i, v in enumerate(shares):
            values[("sex", i)] = v
        equations.append(sums_to([("sex", i) for i in range(len(shares))], ("all",)))
    check(Problem(values, equations, threshold))


def test_the_threshold_itself_is_shown_and_one_below_is_not():
    assert set(protect(one_way([[5, 0, 20]], 5)).values()) == {Mark.PUBLISHED}
    marks = protect(one_way([[4, 20, 9]], 5))
    assert marks[(0, 0)] is Mark.SMALL and marks[(2, 0)] is Mark.COMPLEMENT


def test_a_table_of_small_counts_only_is_masked():
    # 1 + 1 = 2, every cell "<3", would say each is 1: every hidden cell is shown "x" instead.
    marks = protect(two_way([[1, 1]], 3))
    assert set(marks.values()) == {Mark.MASKED}


def test_a_lone_small_cell_takes_the_smallest_part_with_it_not_the_total():
    marks = protect(one_way([[2, 30, 7, 9]], 5))
    assert [marks[(r, 0)] for r in range(4)] == [Mark.SMALL, Mark.PUBLISHED, Mark.COMPLEMENT, Mark.PUBLISHED]
    assert marks[("total", 0)] is Mark.PUBLISHED


def test_two_small_cells_that_add_up_to_their_exact_sum_are_not_enough():
    # 1 + 1 = 2 with both between 1 and 4: both would be known to be 1.
    marks = protect(one_way([[1, 1, 9]], 5))
    assert marks[(2, 0)] is Mark.COMPLEMENT


@pytest.mark.parametrize("threshold", [1, 0])
def test_a_threshold_of_one_hides_nothing(threshold):
    marks = protect(one_way([[1, 2, 3]], threshold))
    assert set(marks.values()) == {Mark.PUBLISHED}
