"""One oversight report for a scope: every table, protected together, then published.

`build_report` runs the SQL aggregates, lays them out as tables whose counts name the
variable they are (`layout`, `dashboard`, `jdai`, `indicators`), protects every table of the
report at once (`suppression`: small cells and their complements, across all the tables that
share a number), and keeps only what may be shown. Pages, exports, the PDF and the API all
take their tables from the same report, so a number hidden in one is hidden in all.

The list of children held at the census instant (pseudonyms and days held) is given per
jurisdiction, and only where that jurisdiction's count of children held is itself published:
the list's length is that count, and nothing else about the children is in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text

from justice_tracker.db import db
from justice_tracker.oversight import queries as q
from justice_tracker.oversight.dashboard import breach_tables, held_measure, held_tables, length_tables, trend_table
from justice_tracker.oversight.indicators import INDICATORS, Computed, Indicator, indicator_tables
from justice_tracker.oversight.jdai import jdai_tables, programme_tables
from justice_tracker.oversight.layout import Names
from justice_tracker.oversight.scope import Scope
from justice_tracker.oversight.suppression import Mark, sums_to
from justice_tracker.oversight.tables import PublishedTable, Table, protect_tables, publish

DASHBOARD = (
    "held_by_kind",
    "held_by_court",
    "held_by_facility",
    "breaches_by_rule",
    "breaches_by_court",
    "breaches_by_facility",
    "length_by_kind",
    "pretrial_histogram",
    "trends",
)
INDICATOR_TABLES = ("indicators", "indicator_areas", "policy", "facility_register")
JDAI = (
    "jdai_reason",
    "jdai_sex",
    "jdai_age_band",
    "jdai_offence_class",
    "jdai_court",
    "jdai_area",
    "programme_capacity",
    "referrals_type",
    "referrals_sex",
    "referrals_age_band",
    "referrals_offence_class",
    "referrals_court",
    "referrals_area",
)
SECTIONS = {"dashboard": DASHBOARD, "indicators": INDICATOR_TABLES, "jdai": JDAI}
MAX_LISTED = 10_000  # children listed at most (whole report)


@dataclass
class CustodyList:
    """The children held at the census instant in one jurisdiction, or why they are not listed."""

    jurisdiction: str
    name: str
    shown: bool
    entries: list[tuple[str, int]]


@dataclass
class Report:
    scope: Scope
    threshold: int
    generated_at: datetime
    tables: dict[str, PublishedTable]
    custody_lists: list[CustodyList]
    indicators: list[Indicator]
    # Parts of pages made once per report and language by the process that shows them (`views`).
    rendered: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False, compare=False)

    def section(self, name: str) -> list[PublishedTable]:
        return [self.tables[key] for key in SECTIONS[name]]

    @property
    def hidden_cells(self) -> int:
        return sum(t.hidden for t in self.tables.values())


def collect(scope: Scope, names: Names) -> tuple[list[Table], Computed]:
    """Every table of the report with its raw values, and the equations and remainders that tie them."""
    aggregates = q.Aggregates(scope)
    computed = indicator_tables(aggregates, names)
    tables = [
        *held_tables(aggregates, names),
        *breach_tables(aggregates, names),
        *length_tables(aggregates),
        trend_table(aggregates),
        *jdai_tables(aggregates, names),
        *programme_tables(scope, names),
        *computed.tables,
    ]
    if scope.end == scope.as_of and scope.facility_id is None:
        # Pre-trial episodes held during a period that ends at the census instant are either still held
        # then or released within it: one more way to subtract, which protection must know about.
        pretrial = ("kind", q.PRETRIAL)
        computed.equations.append(
            sums_to([(held_measure("held", scope), pretrial), ("ended", pretrial)], ("held_during", pretrial))
        )
    return tables, computed


def build_report(scope: Scope, threshold: int, generated_at: datetime) -> Report:
    _without_jit()
    names = Names.load()
    tables, computed = collect(scope, names)
    marks = protect_tables(tables, threshold, equations=computed.equations, unpublished=computed.unpublished)
    published = {table.key: publish(table, marks, threshold) for table in tables}
    lists = _custody_lists(scope, names, marks)
    return Report(scope, threshold, generated_at, published, lists, INDICATORS)


def _without_jit() -> None:
    """On PostgreSQL, no JIT compilation for the rest of this transaction: the report's aggregates are
    costed high enough to trigger it, and compiling them took longer than running them (bench/RESULTS.md).

    The report reads ranges of half a registry, where the server's own cost of a random read suits
    better than the application's setting for short requests (`db.POSTGRESQL_SETTINGS`): 1.5 s for
    the year at 100,000 cases against 1.8 s. Parallel query stays off: it took the year to 1.3 s
    alone, but under the load benchmark its workers took the cores from every other request.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        for statement in ("jit = off", "random_page_cost TO DEFAULT"):
            db.session.execute(text(f"SET LOCAL {statement}"))


def _custody_lists(scope: Scope, names: Names, marks: dict) -> list[CustodyList]:
    measure = held_measure("held", scope)
    entries: dict[str, list[tuple[str, int]]] = {}
    for code, pseudonym, days in q.held_list(scope, scope.as_of, MAX_LISTED):
        entries.setdefault(code, []).append((pseudonym, int(days)))
    out = []
    for code in sorted(entries, key=names.jurisdiction):
        shown = marks.get((measure, ("jurisdiction", code))) is Mark.PUBLISHED
        out.append(CustodyList(code, names.jurisdiction(code), shown, entries[code] if shown else []))
    return out
