"""Oversight tables: what is counted, how rows add up, and what is shown once small cells are protected.

Pure Python. A `Table` holds raw values as the database counted them; every count of
children (or of their detentions, breaches, referrals) carries a *variable key* naming
exactly what it counts (`("held", "2026-06-01T12:00:00Z", ("jurisdiction", "BR"))`), so that
the same number shown in two tables is one variable, protected once. Rows add up into their
parent row (a court into its jurisdiction, a month into the period), and the last parent is
the table's total: each such sum is an equation for `suppression.protect`.

All tables of one report are protected together (`protect_tables`), then each is turned
into a `PublishedTable` in which a hidden value is gone: only its mark and display text
("<5" for a small count, "x" for a complement or a value derived from a hidden count) remain.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from justice_tracker.oversight.suppression import HIDDEN, Equation, Mark, Problem, protect, sums_to

COUNT, DAYS, NUMBER, PERCENT, RATE, RATIO, TEXT = "count", "days", "number", "percent", "rate", "ratio", "text"
NOT_AVAILABLE = "—"
# The mark of a cell shown "x": a complement, a masked small count or a value computed from a hidden count.
HIDDEN_MARK = "hidden"
COMPLEMENT_TEXT = "x"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT
    # A count that adds up over child rows into their parent (False: a stock, a maximum...).
    additive: bool = True
    definition: str = ""
    # (within, partition): a count of some of the children counted by another column of the same row
    # (past a limit, of those held): the rest is a count too, never shown, and protected like any other.
    # Columns of the same partition are disjoint parts (not separated, separation unknown: the rest are
    # separated); None as partition: the column's own.
    nested: tuple[str, str | None] | None = None

    @property
    def within(self) -> str | None:
        return self.nested[0] if self.nested else None

    @property
    def partition(self) -> str | None:
        return self.nested[1] if self.nested else None


@dataclass(frozen=True)
class Cell:
    value: Any
    # The variable this count is (None: not a count of children, never suppressed).
    key: Hashable | None = None
    # A value computed from counts (a mean, a rate): hidden whenever any of them is.
    base: tuple[Hashable, ...] = ()
    # How to show the value when it differs from its column's kind (the indicator table).
    kind: str | None = None


@dataclass
class Row:
    id: str
    label: str
    cells: dict[str, Cell]
    level: int = 0
    # Index of the row this one adds up into; None: into the table's total.
    parent: int | None = None


@dataclass
class Table:
    key: str
    title: str
    row_header: str
    columns: list[Column]
    rows: list[Row]
    total: Row | None = None
    note: str = ""

    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total is not None else [])]

    def remainders(self) -> tuple[dict[Hashable, int], list[Equation]]:
        """The implicit rest of each nested count (`Column.within`), and the equations that define them."""
        values: dict[Hashable, int] = {}
        equations: list[Equation] = []
        groups: dict[tuple[str, str], list[Column]] = {}
        for column in self.columns:
            if column.within is not None:
                groups.setdefault((column.within, column.partition or column.key), []).append(column)
        for row in self.all_rows():
            for (within, partition), parts in groups.items():
                whole = row.cells.get(within)
                cells = [row.cells.get(c.key) for c in parts]
                if whole is None or whole.key is None or any(c is None or c.key is None for c in cells):
                    continue
                rest = ("rest", partition, whole.key)
                values[rest] = int(whole.value or 0) - sum(int(c.value or 0) for c in cells if c is not None)
                equations.append(sums_to([*(c.key for c in cells if c is not None), rest], whole.key))
        return values, equations

    def equations(self) -> list[Equation]:
        out: list[Equation] = []
        for column in self.columns:
            if column.kind != COUNT or not column.additive:
                continue
            children: dict[int | None, list[Hashable]] = {}
            for row in self.rows:
                cell = row.cells.get(column.key)
                if cell is not None and cell.key is not None:
                    children.setdefault(row.parent, []).append(cell.key)
            for parent, keys in children.items():
                parent_row = self.total if parent is None else self.rows[parent]
                parent_cell = parent_row.cells.get(column.key) if parent_row is not None else None
                if parent_cell is not None and parent_cell.key is not None:
                    out.append(sums_to(keys, parent_cell.key))
        return out


@dataclass(frozen=True)
class PublishedCell:
    value: Any  # None when hidden or not available
    text: str
    mark: str | None = None  # "small" (shown "<T") or "hidden" (shown "x")


@dataclass
class PublishedRow:
    id: str
    label: str
    level: int
    cells: dict[str, PublishedCell]


@dataclass
class PublishedTable:
    key: str
    title: str
    row_header: str
    columns: list[Column]
    rows: list[PublishedRow]
    total: PublishedRow | None
    note: str
    threshold: int
    hidden: int = field(default=0)

    def as_json(self) -> dict[str, Any]:
        def row(r: PublishedRow) -> dict[str, Any]:
            return {
                "id": r.id,
                "label": r.label,
                "level": r.level,
                "values": {k: c.value for k, c in r.cells.items()},
                "suppressed": {k: c.mark for k, c in r.cells.items() if c.mark is not None},
            }

        return {
            "key": self.key,
            "title": self.title,
            "row_header": self.row_header,
            "note": self.note,
            "columns": [
                {"key": c.key, "label": c.label, "kind": c.kind, "definition": c.definition} for c in self.columns
            ],
            "rows": [row(r) for r in self.rows],
            "total": row(self.total) if self.total is not None else None,
        }

    def cell(self, row_id: str, column: str) -> PublishedCell:
        for r in self.all_rows():
            if r.id == row_id:
                return r.cells[column]
        raise KeyError(row_id)

    def all_rows(self) -> list[PublishedRow]:
        return [*self.rows, *([self.total] if self.total is not None else [])]


def protect_tables(
    tables: Iterable[Table],
    threshold: int,
    *,
    equations: Sequence[Equation] = (),
    unpublished: Mapping[Hashable, int] | None = None,
) -> dict[Hashable, Mark]:
    """Marks for every variable of `tables`, protected together (with extra equations and remainders)."""
    return protect(problem_of(tables, threshold, equations=equations, unpublished=unpublished))


def problem_of(
    tables: Iterable[Table],
    threshold: int,
    *,
    equations: Sequence[Equation] = (),
    unpublished: Mapping[Hashable, int] | None = None,
) -> Problem:
    """The variables of `tables` (first value seen of each), with their equations and the extra ones."""
    values: dict[Hashable, int] = {}
    hidden: dict[Hashable, int] = dict(unpublished or {})
    all_equations: list[Equation] = list(equations)
    for table in tables:
        for row in table.all_rows():
            for cell in row.cells.values():
                if cell.key is not None:
                    values.setdefault(cell.key, int(cell.value or 0))
        all_equations += table.equations()
        rests, defined = table.remainders()
        hidden.update(rests)
        all_equations += defined
    values.update(hidden)
    seen, unique = set(), []
    for equation in all_equations:
        signature = frozenset(equation.items())
        if signature not in seen and all(key in values for key in equation):
            seen.add(signature)
            unique.append(equation)
    return Problem(values=values, equations=unique, threshold=threshold, unpublished=frozenset(hidden))


def fmt(value: Any, kind: str) -> str:
    if value is None:
        return NOT_AVAILABLE
    if kind == COUNT:
        return str(int(value))
    if kind in (DAYS, NUMBER, RATE):
        return f"{value:.1f}"
    if kind == PERCENT:
        return f"{value:.1f} %"
    if kind == RATIO:
        return f"{value:.2f}"
    return str(value)


def publish(table: Table, marks: Mapping[Hashable, Mark], threshold: int) -> PublishedTable:
    """The table as shown: hidden values removed, marked and replaced by their display text."""
    hidden = 0

    def cell(column: Column, raw: Cell | None) -> PublishedCell:
        nonlocal hidden
        if raw is None:
            return PublishedCell(None, NOT_AVAILABLE)
        mark = marks.get(raw.key) if raw.key is not None else None
        if mark is Mark.SMALL:
            hidden += 1
            return PublishedCell(None, f"<{threshold}", Mark.SMALL.value)
        if mark in HIDDEN:  # a complement, or masked: the same "x", so that one cannot be told from the other
            hidden += 1
            return PublishedCell(None, COMPLEMENT_TEXT, HIDDEN_MARK)
        if raw.value is not None and any(marks.get(key) in HIDDEN for key in raw.base):
            hidden += 1
            return PublishedCell(None, COMPLEMENT_TEXT, HIDDEN_MARK)
        kind = raw.kind or column.kind
        value = raw.value
        if isinstance(value, float) and kind in (DAYS, NUMBER, RATE, PERCENT, RATIO):
            value = round(value, 2)
        return PublishedCell(value, fmt(value, kind))

    def row(r: Row) -> PublishedRow:
        return PublishedRow(r.id, r.label, r.level, {c.key: cell(c, r.cells.get(c.key)) for c in table.columns})

    rows = [row(r) for r in table.rows]
    total = row(table.total) if table.total is not None else None
    return PublishedTable(
        table.key, table.title, table.row_header, table.columns, rows, total, table.note, threshold, hidden
    )
