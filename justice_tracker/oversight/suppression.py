"""Small-cell suppression, with the complementary suppression that keeps a hidden count hidden.

Pure Python (no Flask, no SQLAlchemy): it works on numbers already counted by the database.

A report is a set of *cells* (counts of children, detentions, breaches...) tied by linear
*equations*: a column and its published total, a court and its jurisdiction's subtotal, a
numerator, its complement and its denominator. Each equation is a mapping `{cell: coefficient}`
whose weighted sum is zero (`{a: 1, b: 1, total: -1}` says a + b = total).

With a threshold T (`SMALL_CELL_THRESHOLD`, default 5, at least 3):

- a *small* cell (a count from 1 to T-1) is hidden and shown as "<T" (primary suppression);
- zero is shown: it is not a small cell;
- published cells are then hidden as *complements* (shown "x") until no hidden cell can be
  worked out, by two attacks:

  1. **linear**: no hidden cell is fixed by the equations and the published values, whatever
     combination of them is used (exact rational elimination, not only single subtractions);
  2. **bounds**: knowing that a small cell lies between 1 and T-1, that a complement is at
     least T (complements are only ever chosen among published counts, which are never
     small) and that an unpublished count is at least 0, bounds propagated through every
     equation still leave every small cell (and every small unpublished one) at least two
     possible values.

When nothing published is left to hide around an exposed cell (a table made only of small
counts: 1 + 1 = 2, all "<3", says each is 1), every hidden cell of that group of equations is
*masked*: shown "x" like a complement, so that an attacker only knows each is at least 1.

*Unpublished* cells take part in equations but are never shown (for instance the children
who are *not* in a percentage's numerator: numerator + rest = denominator). They are hidden
from the start; when they are small they are protected like small cells.

Complements are chosen among published non-zero cells of the equations that expose a cell,
parts before totals, smallest first (the least information lost), then the cell's order.
Hiding only ever removes information, so the loop ends.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

Key = Hashable
Equation = Mapping[Key, int]
INF = math.inf
MAX_PASSES = 200
MIN_THRESHOLD = 3
MAX_TRIED = 24  # complements tried, per pool, for one that stops an attack on its own


class Mark(StrEnum):
    PUBLISHED = "published"
    SMALL = "small"  # primary: a count from 1 to threshold-1
    COMPLEMENT = "complement"  # secondary: hidden so that a small cell cannot be worked out
    MASKED = "masked"  # in a group of cells with nothing left to publish: shown like a complement
    UNPUBLISHED = "unpublished"  # never shown (an implicit remainder)


HIDDEN = frozenset({Mark.SMALL, Mark.COMPLEMENT, Mark.MASKED, Mark.UNPUBLISHED})
SHOWN_AS_COMPLEMENT = frozenset({Mark.COMPLEMENT, Mark.MASKED})


def is_small(value: float | None, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


@dataclass(frozen=True)
class Problem:
    """The cells and equations to protect together."""

    values: Mapping[Key, int]
    equations: Sequence[Equation]
    threshold: int
    unpublished: frozenset[Key] = frozenset()

    def order(self) -> dict[Key, int]:
        return {key: index for index, key in enumerate(self.values)}


def protect(problem: Problem) -> dict[Key, Mark]:
    """The mark of every cell: which are published, small, complements, masked or unpublished."""
    marks = {
        key: Mark.UNPUBLISHED
        if key in problem.unpublished
        else (Mark.SMALL if is_small(value, problem.threshold) else Mark.PUBLISHED)
        for key, value in problem.values.items()
    }
    if problem.threshold > 1:
        _Protection(problem, marks).run()
    return marks


def exposed_cells(problem: Problem, marks: Mapping[Key, Mark]) -> set[Key]:
    """Hidden cells an attacker could work out (linearly), and protected cells pinned by bounds."""
    check = _Protection(problem, dict(marks))
    check.exact = True
    return check.exposed()


class _Protection:
    """The complement loop over one problem, looking at one group of joined hidden cells at a time.

    What an attacker can learn about hidden cells depends only on the equations that hold them,
    so each group of hidden cells joined by equations is attacked on its own (and not again
    until a cell joins or leaves it).
    """

    def __init__(self, problem: Problem, marks: dict[Key, Mark]) -> None:
        self.problem, self.marks = problem, marks
        self.order = problem.order()
        self.totals = {k for equation in problem.equations for k, coefficient in equation.items() if coefficient < 0}
        self.index: dict[Key, list[int]] = {}
        for number, equation in enumerate(problem.equations):
            for key in equation:
                self.index.setdefault(key, []).append(number)
        self.seen: dict[tuple[bool, frozenset[tuple[Key, Mark]]], frozenset[Key]] = {}
        self.exact = False  # search with fast modular algebra, then check over the rationals

    def run(self) -> None:
        while True:
            exposed = self.exposed()
            if not exposed:
                if self.exact:
                    return
                self.exact = True
                continue
            target = min(exposed, key=self.order.__getitem__)
            complement = self.complement(target)
            if complement is not None:
                self.marks[complement] = Mark.COMPLEMENT
                continue
            # Nothing published is left around it: its hidden cells are all shown the same "x".
            members = self.group_of(target)
            masked = {key for key in members if self.marks[key] in (Mark.SMALL, Mark.COMPLEMENT)}
            if not masked:
                return  # only with data that contradicts its own equations
            for key in masked:
                self.marks[key] = Mark.MASKED

    def hidden(self) -> set[Key]:
        return {key for key, mark in self.marks.items() if mark in HIDDEN and key in self.index}

    def groups(self) -> list[set[Key]]:
        """The hidden cells joined by equations (through other hidden cells)."""
        hidden = self.hidden()
        parent = {key: key for key in hidden}

        def root(key: Key) -> Key:
            while parent[key] != key:
                parent[key] = parent[parent[key]]
                key = parent[key]
            return key

        for equation in self.problem.equations:
            inside = [key for key in equation if key in hidden]
            for other in inside[1:]:
                parent[root(other)] = root(inside[0])
        out: dict[Key, set[Key]] = {}
        for key in hidden:
            out.setdefault(root(key), set()).add(key)
        return list(out.values())

    def group_of(self, key: Key) -> set[Key]:
        return next((members for members in self.groups() if key in members), {key})

    def exposed(self) -> set[Key]:
        found: set[Key] = set()
        for members in self.groups():
            found |= self.exposed_in(members)
        return found

    def exposed_in(self, members: set[Key]) -> frozenset[Key]:
        signature = (self.exact, frozenset((key, self.marks[key]) for key in members))
        found = self.seen.get(signature)
        if found is None:
            numbers = sorted({n for key in members for n in self.index.get(key, ())})
            equations = [self.problem.equations[n] for n in numbers]
            keys = {key for equation in equations for key in equation} | members
            part = Problem(
                {key: self.problem.values[key] for key in keys},
                equations,
                self.problem.threshold,
                self.problem.unpublished,
            )
            found = frozenset(_exposed(part, self.marks, members, exact=self.exact))
            self.seen[signature] = found
        return found

    def complement(self, target: Key) -> Key | None:
        """The published cell to hide next for `target`.

        Candidates come from the equations that hold `target`, then from those that hold the
        hidden cells joined to it (what an attacker combines to reach it), then from any
        equation; parts before totals, smallest first. The first candidate whose hiding alone
        stops the attack on `target` is taken; when none does, the first of the nearest pool.
        """
        members = self.group_of(target)
        near = self.index.get(target, [])
        joined = {n for key in members for n in self.index.get(key, ())}
        pools = (near, sorted(joined), range(len(self.problem.equations)))
        fallback = None
        tried: set[Key] = set()
        for numbers in pools:
            candidates = sorted(
                {
                    k
                    for n in numbers
                    for k in self.problem.equations[n]
                    if self.marks[k] is Mark.PUBLISHED and self.problem.values[k] and k not in tried
                },
                key=lambda k: (k in self.totals, self.problem.values[k], self.order[k]),
            )
            fallback = fallback if fallback is not None else next(iter(candidates), None)
            for key in candidates[:MAX_TRIED]:
                tried.add(key)
                self.marks[key] = Mark.COMPLEMENT
                fixed = target not in self.exposed_in(self.group_of(target))
                self.marks[key] = Mark.PUBLISHED
                if fixed:
                    return key
        return fallback


def _exposed(problem: Problem, marks: Mapping[Key, Mark], members: set[Key], *, exact: bool = True) -> set[Key]:
    """Of `members` (hidden cells joined by `problem`'s equations), those an attacker can pin."""
    found = determined(problem.equations, members, exact=exact)
    # An unpublished remainder that is not small may be worked out: it says nothing small.
    found = {key for key in found if marks[key] is not Mark.UNPUBLISHED or _protected(problem, marks, key)}
    if problem.threshold < MIN_THRESHOLD:
        return found  # "<2" says the count is 1: bounds cannot protect anything (the settings refuse it)
    bounds = attacker_bounds(problem, marks)
    for key in members:
        if _protected(problem, marks, key):
            low, high = bounds[key]
            if high - low < 1:
                found.add(key)
    return found


def _protected(problem: Problem, marks: Mapping[Key, Mark], key: Key) -> bool:
    """A hidden small count (shown "<T", masked or never published) must keep two possible values."""
    return marks[key] in HIDDEN and is_small(problem.values[key], problem.threshold)


# -- attack 1: exact linear algebra ---------------------------------------------------------------------------


def determined(equations: Sequence[Equation], hidden: Iterable[Key], *, exact: bool = True) -> set[Key]:
    """The hidden cells whose value follows from the equations once every other cell is known.

    Reduced row echelon form of the equations restricted to the hidden cells (one connected
    group of cells at a time, rows kept sparse): a hidden cell is fixed exactly when it is a
    pivot whose row has no other cell left. Over the rationals when `exact`; otherwise modulo
    a large prime, which is much faster and agrees but for a vanishing chance (the complement
    loop uses it to search, then checks its result over the rationals).
    """
    unknown = set(hidden)
    fixed: set[Key] = set()
    for component, rows in _components(equations, unknown):
        fixed |= _fixed_in(component, rows, exact)
    return fixed


def _components(equations: Sequence[Equation], unknown: set[Key]) -> list[tuple[frozenset[Key], list[dict[Key, int]]]]:
    """The hidden cells grouped by the equations that join them, each group with its restricted equations."""
    parent: dict[Key, Key] = {key: key for key in unknown}

    def root(key: Key) -> Key:
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    restricted = []
    for equation in equations:
        row = {k: c for k, c in equation.items() if k in unknown and c}
        if not row:
            continue
        restricted.append(row)
        first, *others = list(row)
        for other in others:
            parent[root(other)] = root(first)
    groups: dict[Key, list[dict[Key, int]]] = {}
    members: dict[Key, set[Key]] = {}
    for key in unknown:
        members.setdefault(root(key), set()).add(key)
    for row in restricted:
        groups.setdefault(root(next(iter(row))), []).append(row)
    return [(frozenset(members[r]), groups.get(r, [])) for r in members]


_CACHE: dict[tuple[bool, frozenset[Key], frozenset[frozenset[tuple[Key, int]]]], frozenset[Key]] = {}
_CACHE_SIZE = 4096
PRIME = 2**61 - 1


def _fixed_in(component: frozenset[Key], rows: list[dict[Key, int]], exact: bool) -> frozenset[Key]:
    signature = (exact, component, frozenset(frozenset(row.items()) for row in rows))
    found = _CACHE.get(signature)
    if found is None:
        found = frozenset(_reduce(rows) if exact else _reduce_modular(rows))
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[signature] = found
    return found


def _columns(rows: list[dict[Key, int]]) -> dict[Key, int]:
    order: dict[Key, int] = {}
    for row in rows:
        for key in row:
            order.setdefault(key, len(order))
    return order


def _reduce(rows: list[dict[Key, int]]) -> set[Key]:
    """Sparse Gauss-Jordan elimination over the rationals; the pivot cells whose row holds no other cell."""
    pivots: dict[Key, dict[Key, Fraction]] = {}
    order = _columns(rows)
    for raw in rows:
        row = {k: Fraction(v) for k, v in raw.items()}
        for col in [k for k in row if k in pivots]:
            factor = row.get(col)
            if factor:
                for k, v in pivots[col].items():
                    row[k] = row.get(k, Fraction(0)) - factor * v
            row = {k: v for k, v in row.items() if v != 0}
        if not row:
            continue
        col = min(row, key=order.__getitem__)
        lead = row[col]
        row = {k: v / lead for k, v in row.items()}
        for other, prow in pivots.items():
            factor = prow.get(col)
            if factor:
                for k, v in row.items():
                    prow[k] = prow.get(k, Fraction(0)) - factor * v
                pivots[other] = {k: v for k, v in prow.items() if v != 0}
        pivots[col] = row
    return {col for col, row in pivots.items() if set(row) == {col}}


def _reduce_modular(rows: list[dict[Key, int]]) -> set[Key]:
    """`_reduce` modulo `PRIME` (integers, no fractions to normalise)."""
    pivots: dict[Key, dict[Key, int]] = {}
    order = _columns(rows)
    for raw in rows:
        row = {k: v % PRIME for k, v in raw.items()}
        for col in [k for k in row if k in pivots]:
            factor = row.get(col)
            if factor:
                for k, v in pivots[col].items():
                    row[k] = (row.get(k, 0) - factor * v) % PRIME
            row = {k: v for k, v in row.items() if v}
        if not row:
            continue
        col = min(row, key=order.__getitem__)
        inverse = pow(row[col], PRIME - 2, PRIME)
        row = {k: v * inverse % PRIME for k, v in row.items()}
        for other, prow in pivots.items():
            factor = prow.get(col)
            if factor:
                for k, v in row.items():
                    prow[k] = (prow.get(k, 0) - factor * v) % PRIME
                pivots[other] = {k: v for k, v in prow.items() if v}
        pivots[col] = row
    return {col for col, row in pivots.items() if set(row) == {col}}


# -- attack 2: bounds -----------------------------------------------------------------------------------------


def domain(problem: Problem, marks: Mapping[Key, Mark], key: Key) -> tuple[float, float]:
    """What an attacker knows of a cell before using the equations."""
    mark = marks[key]
    if mark is Mark.PUBLISHED:
        value = float(problem.values[key])
        return value, value
    if mark is Mark.SMALL:
        return 1.0, float(problem.threshold - 1)
    if mark is Mark.COMPLEMENT:
        return float(problem.threshold), INF
    if mark is Mark.MASKED:
        return 1.0, INF  # zero is always shown, so a hidden cell is at least 1
    return 0.0, INF


def attacker_bounds(problem: Problem, marks: Mapping[Key, Mark]) -> dict[Key, tuple[float, float]]:
    """Integer bounds of every cell after propagating the domains through every equation to a fixpoint."""
    bounds = {key: domain(problem, marks, key) for key in problem.values}
    for _pass in range(MAX_PASSES):
        changed = False
        for equation in problem.equations:
            for key, coefficient in equation.items():
                if marks[key] is Mark.PUBLISHED:
                    continue
                low, high = _from_rest(equation, key, coefficient, bounds)
                old_low, old_high = bounds[key]
                new = (max(old_low, math.ceil(low) if low > -INF else low), min(old_high, _floor(high)))
                if new != (old_low, old_high):
                    bounds[key] = new
                    changed = True
        if not changed:
            break
    return bounds


def _floor(value: float) -> float:
    return value if value == INF else float(math.floor(value))


def _from_rest(
    equation: Equation, key: Key, coefficient: int, bounds: Mapping[Key, tuple[float, float]]
) -> tuple[float, float]:
    """Bounds of `key` from `coefficient * key = -(sum of the other terms)`."""
    low = high = 0.0
    for other, weight in equation.items():
        if other == key:
            continue
        a, b = bounds[other]
        terms = (weight * a, weight * b)
        low += min(terms)
        high += max(terms)
    # coefficient * x = -rest, rest in [low, high]
    candidates = (-high / coefficient, -low / coefficient)
    return min(candidates), max(candidates)


# -- building equations ---------------------------------------------------------------------------------------


def sums_to(parts: Iterable[Key], total: Key) -> dict[Key, int]:
    """The equation `sum(parts) = total`."""
    equation: dict[Key, int] = {}
    for part in parts:
        equation[part] = equation.get(part, 0) + 1
    equation[total] = equation.get(total, 0) - 1
    return equation
