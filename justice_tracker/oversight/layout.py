"""Laying SQL results out as oversight tables: cells that name their variable, rows grouped by jurisdiction.

A count's variable is `(measure, group)`: the measure says what is counted (`"started"`,
`"held@2026-06-01T12:00:00Z"`), the group which children (`("kind", "pretrial_detention",
"sex", "F")`, `("jurisdiction", "BR", "court", 3)`). Two tables that show the same number
use the same variable, so that protection hides it in both or in neither.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from justice_tracker.db import db
from justice_tracker.org.models import Court, Facility, Jurisdiction
from justice_tracker.oversight.tables import Cell, Column, Row, Table
from justice_tracker.timeline.custody import CustodyKind

ALL = ("all",)
KIND_LABELS = {
    CustodyKind.POLICE.value: "Police custody",
    CustodyKind.PRETRIAL.value: "Pre-trial detention",
    CustodyKind.SENTENCED.value: "Sentenced custody",
}
SEX_LABELS = {"F": "Female", "M": "Male", "X": "Other or not stated"}
NOT_IN_REGISTER = "Not in the facility register"
NOT_HELD = "Not in custody when the limit passed"
NO_AREA = "No area recorded"

CellsFor = Callable[[tuple[Any, ...], Mapping[str, float]], dict[str, Cell]]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def count(measure: str, group: tuple[Any, ...], value: Any) -> Cell:
    return Cell(int(value or 0), (measure, group))


def derived(value: Any, *base: Hashable, kind: str | None = None) -> Cell:
    return Cell(value, None, tuple(base), kind)


def plain(value: Any, kind: str | None = None) -> Cell:
    return Cell(value, None, (), kind)


def ratio(numerator: float, denominator: float, scale: float = 1.0) -> float | None:
    return numerator / denominator * scale if denominator else None


def words(value: Any) -> str:
    return str(value).replace("_", " ")


class Builder:
    """Rows of one table, in order, with their parents."""

    def __init__(self, key: str, title: str, row_header: str, columns: list[Column], note: str = "") -> None:
        self.table = Table(key, title, row_header, columns, [], None, note)

    def add(self, row_id: str, label: str, cells: dict[str, Cell], *, level: int = 0, parent: int | None = None) -> int:
        self.table.rows.append(Row(row_id, label, cells, level, parent))
        return len(self.table.rows) - 1

    def total(self, label: str, cells: dict[str, Cell]) -> Table:
        self.table.total = Row("total", label, cells)
        return self.table


@dataclass
class Names:
    """Names of reference data (never of children)."""

    jurisdictions: dict[str, str]
    courts: dict[int, str]
    facilities: dict[int, str]

    @classmethod
    def load(cls) -> Names:
        return cls(
            jurisdictions=dict(db.session.execute(select(Jurisdiction.code, Jurisdiction.name)).all()),
            courts=dict(db.session.execute(select(Court.id, Court.name)).all()),
            facilities=dict(db.session.execute(select(Facility.id, Facility.name)).all()),
        )

    def jurisdiction(self, code: str) -> str:
        return self.jurisdictions.get(code, code)

    def court(self, court_id: Any) -> str:
        return self.courts.get(court_id, str(court_id))


def by_jurisdiction(
    builder: Builder,
    names: Names,
    data: Mapping[tuple[str, Any], Mapping[str, float]],
    sub: str,
    label: Callable[[Any], str],
    cells: CellsFor,
) -> dict[str, float]:
    """Rows grouped under their jurisdiction, whose subtotal rows add up the grouped rows; returns the grand sums."""
    grand: dict[str, float] = defaultdict(float)
    for code in sorted({j for j, _ in data}, key=names.jurisdiction):
        children = sorted(((s, v) for (j, s), v in data.items() if j == code), key=lambda item: label(item[0]))
        sums: dict[str, float] = defaultdict(float)
        for _s, values in children:
            for k, v in values.items():
                sums[k] += v or 0
        for k, v in sums.items():
            grand[k] += v
        parent = builder.add(f"jurisdiction:{code}", names.jurisdiction(code), cells(("jurisdiction", code), sums))
        for s, values in children:
            builder.add(
                f"{sub}:{code}:{s}",
                label(s),
                cells(("jurisdiction", code, sub, s), values),
                level=1,
                parent=parent,
            )
    return grand
