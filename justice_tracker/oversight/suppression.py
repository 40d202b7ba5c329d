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

How it is computed: the same attacks and the same choices as trying every candidate complement
with both attacks redone from scratch (which is what this module first did, and what
tests/oversight/test_suppression_speed.py still does to check it), but incrementally:

- **groups**: the hidden cells joined by equations (union-find; hiding only ever joins groups).
  Only a group that changed is attacked again, and a candidate that is in none of the group's
  equations cannot change what is known of it: it counts as tried, but is not attacked;
- **linear**: one reduced row echelon form of the equations restricted to the hidden cells, in
  exact integers, grown by one column when a cell is hidden (`_Linear`). Whether hiding one more
  cell frees a fixed one is read from that cell's column carried through the row operations
  already done, without a new elimination;
- **bounds**: in integers, re-reading an equation only when one of its bounds changed (the same
  passes, to the same result). Hiding or masking a cell only widens what is known of it, so
  bounds only widen and a cell can only be pinned if it was before: a changed group is
  attacked again only when a cell it may still pin would be the next one to protect, and a
  candidate is tried against bounds only when its target is pinned now and the equations around
  the target that pin it (on their own, which is enough) hold the candidate. This needs data that
  holds together (counts at least 0 that add up); with data that does not, every bound is
  worked out in full, and in floating point past 2**52, exactly as before.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import islice

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
    return {check.keys[cell] for cell in check.exposed()}


class _Protection:
    """The complement loop over one problem, looking at one group of joined hidden cells at a time.

    What an attacker can learn about hidden cells depends only on the equations that hold them,
    so each group of hidden cells joined by equations is attacked on its own (and not again
    until a cell joins it or changes mark). Cells are numbered in the problem's order (`keys`),
    equations by their place in the problem.
    """

    def __init__(self, problem: Problem, marks: dict[Key, Mark]) -> None:
        self.problem, self.marks = problem, marks
        self.threshold = problem.threshold
        self.keys = list(problem.values)
        number = {key: cell for cell, key in enumerate(self.keys)}
        self.values = [problem.values[key] for key in self.keys]
        self.mark = [marks[key] for key in self.keys]
        self.small = [is_small(value, self.threshold) for value in self.values]
        self.equations = [[(number[key], c) for key, c in equation.items()] for equation in problem.equations]
        self.index: list[list[int]] = [[] for _ in self.keys]
        self.columns: list[list[tuple[int, int]]] = [[] for _ in self.keys]
        totals = set()
        for n, equation in enumerate(self.equations):
            for cell, coefficient in equation:
                self.index[cell].append(n)
                if coefficient:
                    self.columns[cell].append((n, coefficient))
                if coefficient < 0:
                    totals.add(cell)
        # Candidate complements, best first: parts before totals, smallest first, then the cell's order. A cell
        # that is hidden or zero is never a candidate again: `_skip` jumps over runs of them.
        self.ranked = sorted(
            (cell for cell in range(len(self.keys)) if self.index[cell]),
            key=lambda cell: (cell in totals, self.values[cell], cell),
        )
        self.rank = {cell: place for place, cell in enumerate(self.ranked)}
        self._skip = list(range(len(self.ranked) + 1))
        for place, cell in enumerate(self.ranked):
            if not self.open(cell):
                self._skip[place] = place + 1
        # Hidden cells that are in some equation, grouped by the equations that join them (union-find).
        self.hidden: set[int] = set()
        self.parent: dict[int, int] = {}
        self.members: dict[int, set[int]] = {}
        # By group (its root): the protected cells that bounds pin, or (when the group changed since) cells that
        # include them all. Hiding a cell or masking one only widens what an attacker knows of it, so bounds only
        # widen: a group can only have pinned cells that the groups it was made from had. This needs the true
        # values to satisfy the equations and the domains (which propagation then never excludes): counts are
        # never negative, so a complement (published, not small, not zero) is at least the threshold. When they
        # do not (data that contradicts itself), every protected cell of a changed group is a suspect.
        self.pinned: dict[int, frozenset[int]] = {}
        self.suspects: dict[int, frozenset[int]] = {}
        self.sound = all(value >= 0 for value in self.values) and all(
            sum(c * self.values[cell] for cell, c in equation) == 0 for equation in self.equations
        )
        # Candidates for the first exposed cell (checked when they come up: they may no longer be exposed).
        self.fixed_heap: list[int] = []
        self.around: frozenset[int] | None = None  # equations that pin the target of `complement` (their cells)
        self.pinned_heap: list[tuple[int, int]] = []
        self.suspects_heap: list[tuple[int, int]] = []
        # Bounds are worked out in integers while every sum of an equation's terms stays below 2**52.
        self.limit = 2**52 // max([1, *(sum(abs(c) for _cell, c in equation) for equation in self.equations)])
        self.exact_floats = all(abs(value) <= self.limit for value in self.values)
        self.linear = _Linear(self.columns, len(self.equations))  # the linear attack on the hidden cells
        for cell, mark in enumerate(self.mark):
            if mark in HIDDEN and self.index[cell]:
                self._join(cell)
                self._fix(self.linear.add(cell))

    def open(self, cell: int) -> bool:
        """Whether a cell may be hidden as a complement: published and not zero."""
        return self.mark[cell] is Mark.PUBLISHED and bool(self.values[cell])

    def counts(self, cell: int) -> bool:
        """A fixed hidden cell gives something away, but an unpublished remainder only when it is small."""
        return self.mark[cell] is not Mark.UNPUBLISHED or self.small[cell]

    def _fix(self, cell: int | None) -> None:
        if cell is not None and self.counts(cell):
            heapq.heappush(self.fixed_heap, cell)

    # -- groups of hidden cells ---------------------------------------------------------------------------------

    def _root(self, cell: int) -> int:
        parent = self.parent
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    def _join(self, cell: int) -> None:
        """`cell` is now hidden: it joins the groups of the hidden cells it shares an equation with (and joins them)."""
        self.hidden.add(cell)
        self.parent[cell] = cell
        self.members[cell] = {cell}
        self._suspect(cell, frozenset({cell} if self.small[cell] else ()))
        for n in self.index[cell]:
            for other, _c in self.equations[n]:
                if other in self.hidden:
                    self._union(cell, other)

    def _union(self, a: int, b: int) -> None:
        a, b = self._root(a), self._root(b)
        if a == b:
            return
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        suspects = self._forget(a) | self._forget(b)
        self.parent[b] = a
        self.members[a] |= self.members.pop(b)
        self._suspect(a, suspects)

    def _forget(self, root: int) -> frozenset[int]:
        """The group is about to change: forget what was known of it, and return the cells that may still be pinned."""
        known = self.pinned.pop(root, None)
        if known is None:
            known = self.suspects.pop(root)
        if self.sound:
            return known
        return frozenset(cell for cell in self.members[root] if self.small[cell])

    def _suspect(self, root: int, suspects: frozenset[int]) -> None:
        if suspects:
            self.suspects[root] = suspects
            heapq.heappush(self.suspects_heap, (min(suspects), root))
        else:
            self.pinned[root] = suspects

    def _pinned(self, root: int) -> frozenset[int]:
        """The protected cells of a group that bounds pin to one value (worked out on first use)."""
        pinned = self.pinned.get(root)
        if pinned is None:
            suspects = self.suspects.pop(root)
            members = self.members[root]
            low, high = self.bounds(members, self.numbers(members))
            pinned = self.pinned[root] = frozenset(cell for cell in suspects if high[cell] - low[cell] < 1)
            for cell in pinned:
                heapq.heappush(self.pinned_heap, (cell, root))
        return pinned

    def may_be_pinned(self, cell: int) -> bool:
        root = self._root(cell)
        known = self.pinned.get(root)
        if known is None:
            return cell in self.suspects[root] and cell in self._pinned(root)
        return cell in known

    def group_of(self, cell: int) -> set[int]:
        return self.members[self._root(cell)] if cell in self.hidden else {cell}

    def numbers(self, members: Iterable[int]) -> list[int]:
        """The equations that hold any of `members`, in the problem's order."""
        return sorted({n for cell in members for n in self.index[cell]})

    # -- the loop -----------------------------------------------------------------------------------------------

    def run(self) -> None:
        while True:
            target = self.first_exposed()
            if target is None:
                break
            complement = self.complement(target)
            if complement is not None:
                self.hide(complement)
                continue
            # Nothing published is left around it: its hidden cells are all shown the same "x".
            root = self._root(target)
            masked = [cell for cell in self.members[root] if self.mark[cell] in (Mark.SMALL, Mark.COMPLEMENT)]
            if not masked:
                break  # only with data that contradicts its own equations
            suspects = self._forget(root)
            for cell in masked:
                self.mark[cell] = Mark.MASKED
            self._suspect(root, suspects)
        for cell, key in enumerate(self.keys):
            self.marks[key] = self.mark[cell]

    def hide(self, cell: int) -> None:
        """Hide a published cell as a complement."""
        self.mark[cell] = Mark.COMPLEMENT
        self._join(cell)
        self._fix(self.linear.add(cell))

    def exposed(self) -> set[int]:
        """Hidden cells an attacker could work out (linearly), and protected cells pinned by bounds."""
        found = {cell for cell in self.linear.fixed if self.counts(cell)}
        if self.threshold < MIN_THRESHOLD:
            return found  # "<2" says the count is 1: bounds cannot protect anything (the settings refuse it)
        for root in list(self.members):
            found |= self._pinned(root)
        return found

    def first_exposed(self) -> int | None:
        """The first of `exposed()` in the problem's order (cells are numbered in it), or None.

        The bounds of a group that changed are worked out only when one of the cells that may still be pinned
        in it comes before every exposed cell found so far: otherwise it cannot be the first.
        """
        fixed = self.fixed_heap
        while fixed and fixed[0] not in self.linear.fixed:
            heapq.heappop(fixed)
        first = fixed[0] if fixed else None
        if self.threshold < MIN_THRESHOLD:
            return first  # "<2" says the count is 1: bounds cannot protect anything (the settings refuse it)
        pinned = self.pinned_heap
        while pinned and pinned[0][0] not in self.pinned.get(pinned[0][1], ()):
            heapq.heappop(pinned)  # that group changed since
        if pinned and (first is None or pinned[0][0] < first):
            first = pinned[0][0]
        suspects = self.suspects_heap
        while suspects:
            earliest, root = suspects[0]
            if root not in self.suspects or min(self.suspects[root]) != earliest:
                heapq.heappop(suspects)  # that group changed, or has been worked out, since
                continue
            if first is not None and earliest > first:
                break
            heapq.heappop(suspects)
            found = self._pinned(root)
            if found and (first is None or min(found) < first):
                first = min(found)
        return first

    def candidates(self, pool: Iterable[int] | None, tried: set[int]) -> list[int]:
        """The first `MAX_TRIED` cells of `pool` (of every cell in an equation when None) that may be hidden."""
        if pool is not None:
            return list(islice((cell for cell in pool if self.open(cell) and cell not in tried), MAX_TRIED))
        out: list[int] = []
        place = self._next(0)
        while place < len(self.ranked) and len(out) < MAX_TRIED:
            cell = self.ranked[place]
            if cell not in tried:
                out.append(cell)
            place = self._next(place + 1)
        return out

    def _next(self, place: int) -> int:
        """The first place from `place` on in `ranked` that holds a cell that may be hidden."""
        skip, ranked = self._skip, self.ranked
        start = place
        while place < len(ranked) and (skip[place] != place or not self.open(ranked[place])):
            if skip[place] == place:
                skip[place] = place + 1  # hidden since
            place = skip[place]
        while start < place:  # shorten the way for the next time
            following = skip[start]
            skip[start] = place
            start = following
        return place

    def complement(self, target: int) -> int | None:
        """The published cell to hide next for `target`.

        Candidates come from the equations that hold `target`, then from those that hold the
        hidden cells joined to it (what an attacker combines to reach it), then from any
        equation; parts before totals, smallest first. The first candidate whose hiding alone
        stops the attack on `target` is taken; when none does, the first of the nearest pool.
        """
        members = self.group_of(target)
        joined = self.numbers(members)
        reach = {cell for n in joined for cell, _c in self.equations[n]}
        self.around = None  # worked out on first use, for this target in this state
        fallback = None
        tried: set[int] = set()
        for numbers in (self.index[target], joined, None):
            if numbers is None:
                candidates = self.candidates(None, tried)
            else:
                pool = sorted({cell for n in numbers for cell, _c in self.equations[n]}, key=self.rank.__getitem__)
                candidates = self.candidates(pool, tried)
            fallback = fallback if fallback is not None else next(iter(candidates), None)
            for cell in candidates:
                tried.add(cell)
                # A cell outside the group's equations changes nothing that is known of the group.
                if cell in reach and self.stops(target, cell, members):
                    return cell
        return fallback

    def stops(self, target: int, cell: int, members: set[int]) -> bool:
        """Whether hiding `cell` (in an equation of `members`, `target`'s group) leaves `target` unexposed."""
        linear = self.linear
        if target in linear.fixed and not linear.frees(cell, target) and self.counts(target):
            return False
        if self.threshold < MIN_THRESHOLD or not self.small[target]:
            return True
        if self.sound and not self.may_be_pinned(target):
            return True  # not pinned now, so not once `cell` is hidden too (bounds only widen)
        if self.around is None:
            self.around = self.pinning(target, members) or frozenset()
        if self.around and cell not in self.around:
            return False  # the equations that pin it do not hold `cell`: they still pin it
        joined = set(members)
        joined.add(cell)
        for n in self.index[cell]:
            for other, _c in self.equations[n]:
                if other in self.hidden:
                    joined |= self.group_of(other)
        self.mark[cell] = Mark.COMPLEMENT
        try:
            return not self.pinned_in(target, joined)
        finally:
            self.mark[cell] = Mark.PUBLISHED

    def pinned_in(self, target: int, members: set[int]) -> bool:
        """Whether bounds pin `target` in its group `members`."""
        return self.pinning(target, members) is not None or (
            self.bounds(members, self.numbers(members), stop=target)[0][target] is None
        )

    def pinning(self, target: int, members: set[int]) -> frozenset[int] | None:
        """The cells of some of the equations around `target` (in its group `members`) that pin it on their own.

        Propagating through only some of the equations (in the same order, from the same domains, for no more
        passes) can only leave bounds wider than propagating through all of them: a target pinned by the
        equations near it is pinned. They are tried in rings around the target that at least double, short of
        the whole group. None when those do not pin it (or with data that does not hold together: with bounds
        that cross, narrowing one bound can widen another).
        """
        if not self.sound:
            return None
        total = len(self.numbers(members))
        seen, ring, near = {target}, [target], set()
        size = 0
        while ring:
            near.update(n for c in ring for n in self.index[c])
            ring = [c for n in near for c, _w in self.equations[n] if c in members and c not in seen]
            seen.update(ring)
            if len(near) >= total:
                return None
            if len(near) >= 2 * size:
                size = len(near)
                local = sorted(near)
                if self.bounds({c for c in seen if c in members}, local, stop=target)[0][target] is None:
                    return frozenset(c for n in local for c, _w in self.equations[n])
        return None

    # -- attack 2: bounds ---------------------------------------------------------------------------------------

    def bounds(
        self, members: Iterable[int], numbers: Sequence[int], stop: int | None = None
    ) -> tuple[dict[int, float | None], dict[int, float]]:
        """Integer bounds of `members` (hidden cells that only share equations with published ones and each other)
        after propagating their domains through equations `numbers` to a fixpoint (at most `MAX_PASSES` passes).

        Each pass reads the equations in order and, in each, every hidden cell in order, narrowing it by what the
        rest of the equation allows. An equation none of whose cells changed since it was last read (and which
        changed nothing then) would change nothing again: it is skipped, which gives the same passes as reading
        every equation each time. With `stop`, returns as soon as that cell is pinned (its low bound set to None):
        bounds only ever narrow, so it would stay pinned.

        In integers, which is what floating point gives while every sum stays below 2**53. Past that (only with
        data that contradicts itself, whose bounds can grow without end), it is done again in floating point.
        """
        if self.exact_floats:
            try:
                return self._bounds(members, numbers, stop)
            except _Imprecise:
                pass
        return self._bounds_in_floats(members, numbers, stop)

    def _bounds(
        self, members: Iterable[int], numbers: Sequence[int], stop: int | None
    ) -> tuple[dict[int, float | None], dict[int, float]]:
        limit = self.limit
        low: dict[int, int | None] = {}
        high: dict[int, float] = {}
        for cell in members:
            low[cell], high[cell] = _domain(self.mark[cell], self.values[cell], self.threshold)
        rows: list[tuple[int, list[tuple[int, int]]]] = []
        where: dict[int, list[int]] = {}
        for n in numbers:
            constant, terms = 0, []
            for cell, weight in self.columns_of(n):
                if self.mark[cell] is Mark.PUBLISHED:
                    constant += weight * self.values[cell]
                else:
                    where.setdefault(cell, []).append(len(rows))
                    terms.append((cell, weight))
            rows.append((constant, terms))
        dirty = bytearray(b"\x01") * len(rows)
        for _pass in range(MAX_PASSES):
            changed = False
            for place, (constant, terms) in enumerate(rows):
                if not dirty[place]:
                    continue
                dirty[place] = 0
                # The sum of the terms lies in [lo_sum + (-inf if lo_inf), hi_sum + (inf if hi_inf)].
                lo_sum = hi_sum = constant
                lo_inf = hi_inf = 0
                for cell, weight in terms:
                    lo, lo_i, hi, hi_i = _term(weight, low[cell], high[cell])
                    lo_sum += lo
                    lo_inf += lo_i
                    hi_sum += hi
                    hi_inf += hi_i
                for cell, weight in terms:
                    a, b = low[cell], high[cell]
                    lo, lo_i, hi, hi_i = _term(weight, a, b)
                    # weight * cell = -(rest): the rest of the sum lies in [rest_lo, rest_hi] (infinite when counted).
                    rest_lo, rest_lo_inf = lo_sum - lo, lo_inf - lo_i
                    rest_hi, rest_hi_inf = hi_sum - hi, hi_inf - hi_i
                    if weight > 0:
                        new_a = -(rest_hi // weight) if not rest_hi_inf else a  # ceil(-rest_hi / weight)
                        new_b = (-rest_lo) // weight if not rest_lo_inf else b  # floor(-rest_lo / weight)
                    else:
                        new_a = -((-rest_lo) // -weight) if not rest_lo_inf else a  # ceil(rest_lo / -weight)
                        new_b = rest_hi // -weight if not rest_hi_inf else b  # floor(rest_hi / -weight)
                    new_a = new_a if new_a > a else a
                    new_b = new_b if new_b < b else b
                    if new_a == a and new_b == b:
                        continue
                    lo, lo_i, hi, hi_i = _term(weight, new_a, new_b)
                    lo_sum, lo_inf = rest_lo + lo, rest_lo_inf + lo_i
                    hi_sum, hi_inf = rest_hi + hi, rest_hi_inf + hi_i
                    if not -limit <= new_a <= limit or (new_b != INF and not -limit <= new_b <= limit):
                        raise _Imprecise
                    low[cell], high[cell] = new_a, new_b
                    changed = True
                    for other in where[cell]:
                        dirty[other] = 1
                    if cell == stop and new_b - new_a < 1:
                        low[cell] = None
                        return low, high
            if not changed:
                break
        return low, high

    def _bounds_in_floats(
        self, members: Iterable[int], numbers: Sequence[int], stop: int | None
    ) -> tuple[dict[int, float | None], dict[int, float]]:
        """`bounds` in floating point, every equation in every pass, each cell from the whole rest of its equation."""
        bounds: dict[int, tuple[float, float]] = {}
        for cell in members:
            low, high = _domain(self.mark[cell], self.values[cell], self.threshold)
            bounds[cell] = (float(low), float(high))
        equations = [self.columns_of(n) for n in numbers]
        for equation in equations:
            for cell, _weight in equation:
                if cell not in bounds:  # published
                    bounds[cell] = (float(self.values[cell]), float(self.values[cell]))
        for _pass in range(MAX_PASSES):
            changed = False
            for equation in equations:
                for cell, coefficient in equation:
                    if self.mark[cell] is Mark.PUBLISHED:
                        continue
                    low = high = 0.0
                    for other, weight in equation:
                        if other != cell:
                            a, b = bounds[other]
                            terms = (weight * a, weight * b)
                            low += min(terms)
                            high += max(terms)
                    low, high = sorted((-high / coefficient, -low / coefficient))
                    old = bounds[cell]
                    new = (max(old[0], math.ceil(low) if low > -INF else low), min(old[1], _floor(high)))
                    if new != old:
                        bounds[cell] = new
                        changed = True
                        if cell == stop and new[1] - new[0] < 1:
                            return {cell: None}, {}
            if not changed:
                break
        return {cell: bounds[cell][0] for cell in members}, {cell: bounds[cell][1] for cell in members}

    def columns_of(self, n: int) -> list[tuple[int, int]]:
        return [(cell, weight) for cell, weight in self.equations[n] if weight]


# -- attack 1: exact linear algebra ---------------------------------------------------------------------------


class _Linear:
    """The equations restricted to the hidden cells, in reduced row echelon form, one hidden cell added at a time.

    A hidden cell is fixed by the equations (and the published cells) exactly when it is a pivot
    whose row holds no other cell (`fixed`). Rows are the equations; `rows[r]` is row r of the
    echelon form written as a combination of the problem's equations (the row operations done so
    far, M), and `by_equation[n]` the same entries by equation.

    Adding a cell (a column a): its column in the echelon form is b = M·a. If b is non-zero on a
    row that is empty so far, the cell becomes that row's pivot (fixed: no other cell can be in
    that row) and is cleared from the other rows, which changes no other column. Otherwise the
    cell is a combination of the pivots (a free column): every pivot whose row it enters can now
    be traded against it, and is no longer fixed. So whether hiding a published cell too would
    free a fixed cell is b alone, without a new elimination.

    Exact, over the rationals, in integers: a row may be scaled by any non-zero number without
    changing which cells are fixed, so rows are scaled instead of divided (and kept small by their
    greatest common divisor).
    """

    def __init__(self, columns: Sequence[Sequence[tuple[int, int]]], rows: int) -> None:
        self.columns = columns
        self.rows: list[dict[int, int]] = [{r: 1} for r in range(rows)]
        self.by_equation: list[dict[int, int]] = [{r: 1} for r in range(rows)]
        self.pivot: list[int | None] = [None] * rows  # the pivot cell of each row (None: an empty row so far)
        self.row_of: dict[int, int] = {}  # the row of each pivot cell
        self.shared = bytearray(rows)  # the row also holds a free cell: its pivot is not fixed
        self.fixed: set[int] = set()

    def carried(self, cell: int) -> dict[int, int]:
        """The cell's column through the row operations done so far (its non-zero entries, by row)."""
        out: dict[int, int] = {}
        for n, coefficient in self.columns[cell]:
            for r, v in self.by_equation[n].items():
                out[r] = out.get(r, 0) + coefficient * v
        return {r: v for r, v in out.items() if v}

    def frees(self, cell: int, fixed: int) -> bool:
        """Whether hiding `cell` too leaves `fixed` (a fixed hidden cell) free."""
        column = self.carried(cell)
        if any(self.pivot[r] is None for r in column):
            return False  # `cell` would be fixed itself: nothing else changes
        return self.row_of[fixed] in column

    def add(self, cell: int) -> int | None:
        """Add a hidden cell; returns it if it is fixed (then no other cell is freed), else None."""
        column = self.carried(cell)
        empty = [r for r in column if self.pivot[r] is None]
        if not empty:
            for r in column:
                if not self.shared[r]:
                    self.shared[r] = 1
                    self.fixed.discard(self.pivot[r])
            return None
        row = min(empty)
        lead = column.pop(row)
        pivot = self.rows[row]
        for r, factor in column.items():
            self._eliminate(r, pivot, lead, factor)
        self.pivot[row] = cell
        self.row_of[cell] = row
        self.fixed.add(cell)
        return cell

    def _eliminate(self, r: int, pivot: dict[int, int], lead: int, factor: int) -> None:
        """Row r becomes lead * row r - factor * pivot (scaled back down), which clears the new cell from it."""
        divisor = math.gcd(lead, factor)
        lead, factor = lead // divisor, factor // divisor
        row, by_equation = self.rows[r], self.by_equation
        if lead in (1, -1):  # lead * (row - factor/lead * pivot), and the sign of a row does not matter
            factor *= lead
            for n, v in pivot.items():
                value = row.get(n, 0) - factor * v
                if value:
                    row[n] = by_equation[n][r] = value
                else:
                    del row[n], by_equation[n][r]
            return
        new = {n: lead * v for n, v in row.items()}
        for n, v in pivot.items():
            new[n] = new.get(n, 0) - factor * v
        new = {n: v for n, v in new.items() if v}
        divisor = math.gcd(*new.values()) if new else 1
        for n in row:
            del by_equation[n][r]
        row.clear()
        for n, v in new.items():
            row[n] = by_equation[n][r] = v // divisor


class _Imprecise(Exception):
    """A bound grew past what floating point holds exactly."""


def _floor(value: float) -> float:
    return value if value == INF else float(math.floor(value))


def _term(weight: int, low: int, high: float) -> tuple[int, int, float, int]:
    """The least and greatest values of `weight * cell` for a cell in [low, high], each as (finite part, 1 if
    infinite). Taken as the smaller and the larger of the two products, as they are even when low > high (data
    that contradicts itself)."""
    if high == INF:
        return (weight * low, 0, 0, 1) if weight > 0 else (0, 1, weight * low, 0)
    a, b = weight * low, weight * high
    return (a, 0, b, 0) if a <= b else (b, 0, a, 0)


def determined(equations: Sequence[Equation], hidden: Iterable[Key]) -> set[Key]:
    """The hidden cells whose value follows from the equations once every other cell is known."""
    unknown = set(hidden)
    keys = list(dict.fromkeys(key for equation in equations for key in equation if key in unknown))
    number = {key: cell for cell, key in enumerate(keys)}
    columns: list[list[tuple[int, int]]] = [[] for _ in keys]
    for n, equation in enumerate(equations):
        for key, coefficient in equation.items():
            if key in number and coefficient:
                columns[number[key]].append((n, coefficient))
    linear = _Linear(columns, len(equations))
    for cell in range(len(keys)):
        linear.add(cell)
    return {keys[cell] for cell in linear.fixed}


def domain(problem: Problem, marks: Mapping[Key, Mark], key: Key) -> tuple[float, float]:
    """What an attacker knows of a cell before using the equations."""
    low, high = _domain(marks[key], problem.values[key], problem.threshold)
    return float(low), float(high)


def _domain(mark: Mark, value: int, threshold: int) -> tuple[int, float]:
    if mark is Mark.PUBLISHED:
        return value, value
    if mark is Mark.SMALL:
        return 1, threshold - 1
    if mark is Mark.COMPLEMENT:
        return threshold, INF  # complements are only chosen among published counts, never small
    if mark is Mark.MASKED:
        return 1, INF  # zero is always shown, so a hidden cell is at least 1
    return 0, INF


def attacker_bounds(problem: Problem, marks: Mapping[Key, Mark]) -> dict[Key, tuple[float, float]]:
    """Integer bounds of every cell after propagating the domains through every equation to a fixpoint."""
    check = _Protection(problem, dict(marks))
    hidden = [cell for cell, mark in enumerate(check.mark) if mark is not Mark.PUBLISHED]
    low, high = check.bounds(hidden, range(len(check.equations)))
    return {
        key: (float(low[cell]), float(high[cell])) if cell in low else (float(value), float(value))
        for cell, (key, value) in enumerate(problem.values.items())
    }


# -- building equations ---------------------------------------------------------------------------------------


def sums_to(parts: Iterable[Key], total: Key) -> dict[Key, int]:
    """The equation `sum(parts) = total`."""
    equation: dict[Key, int] = {}
    for part in parts:
        equation[part] = equation.get(part, 0) + 1
    equation[total] = equation.get(total, 0) - 1
    return equation
