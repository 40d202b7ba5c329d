"""The detention audit: who is held at the census instant, breaches in the period, lengths, monthly trends."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from justice_tracker.oversight import queries as q
from justice_tracker.oversight.layout import (
    ALL,
    KIND_LABELS,
    NOT_HELD,
    NOT_IN_REGISTER,
    Builder,
    CellsFor,
    Names,
    by_jurisdiction,
    count,
    derived,
    iso,
)
from justice_tracker.oversight.scope import Scope
from justice_tracker.oversight.tables import DAYS, Cell, Column, Table

IN_HELD = ("held", None)  # some of the children held: the rest are a count too
SEPARATION = ("held", "separation")  # not separated, not recorded, and (the rest) separated
HELD_COLUMNS = [
    Column("held", "Children held", definition="Custody placements open at the census instant."),
    Column("past_limit", "Past a binding limit", nested=IN_HELD, definition="Held past a binding legal limit."),
    Column("no_hearing", "No hearing scheduled", nested=IN_HELD, definition="Before sentence, no later hearing."),
]
FACILITY_COLUMNS = [
    Column("held", "Children held", definition="Custody placements open at the census instant, by facility."),
    Column("not_separated", "Not separated from adults", nested=SEPARATION, definition="Event, else register."),
    Column("separation_unknown", "Separation not recorded", nested=SEPARATION),
]
BREACH_COLUMNS = [
    Column(
        "breaches",
        "Breaches",
        definition="Binding limits due in the period that were breached (by the census instant) or met late.",
    )
]
LENGTH_COLUMNS = [
    Column("ended", "Episodes ended", definition="Custody episodes that ended in the period (release or next stage)."),
    Column("mean", "Mean (days)", DAYS),
    Column("median", "Median (days)", DAYS),
    Column("p90", "90th percentile (days)", DAYS),
]
TREND_COLUMNS = [
    Column("apprehensions", "Apprehensions", definition="Police custody episodes started in the month."),
    Column("remands", "Pre-trial detentions", definition="Pre-trial detention episodes started in the month."),
    Column("breaches", "Breaches", definition="Binding limits breached (or met late) that were due in the month."),
    Column("held_end", "Held at month end", additive=False, definition="Custody placements open at the month's end."),
]


def held_measure(name: str, scope: Scope) -> str:
    return f"{name}@{iso(scope.as_of)}"


def _held_cells(scope: Scope, columns: list[str]) -> CellsFor:
    def cells(group: tuple[Any, ...], values: Mapping[str, float]) -> dict[str, Cell]:
        return {c: count(held_measure(c, scope), group, values.get(c, 0)) for c in columns}

    return cells


def held_tables(aggregates: q.Aggregates, names: Names) -> list[Table]:
    scope = aggregates.scope
    by_kind = aggregates.held_by("kind")
    kind_table = Builder(
        "held_by_kind", "Children in custody at the census instant, by kind of custody", "Kind of custody", HELD_COLUMNS
    )
    totals: dict[str, float] = defaultdict(float)
    for kind in q.KINDS:
        values = {c.key: by_kind.get(kind, {}).get(c.key, 0.0) for c in HELD_COLUMNS}
        shown = ["held", "past_limit", *(["no_hearing"] if kind in q.PRE_SENTENCE else [])]
        kind_table.add(f"kind:{kind}", KIND_LABELS[kind], _held_cells(scope, shown)(("kind", kind), values))
        for k, v in values.items():
            totals[k] += v
    all_columns = [c.key for c in HELD_COLUMNS]
    tables = [kind_table.total("All custody", _held_cells(scope, all_columns)(ALL, totals))]

    court_table = Builder("held_by_court", "Children in custody at the census instant, by court", "Court", HELD_COLUMNS)
    data = _columns(aggregates.held_by("court"), HELD_COLUMNS)
    cells = _held_cells(scope, all_columns)
    grand = by_jurisdiction(court_table, names, data, "court", names.court, cells)
    tables.append(court_table.total("All courts", cells(ALL, grand)))

    facility_table = Builder(
        "held_by_facility", "Children in custody at the census instant, by facility", "Facility", FACILITY_COLUMNS
    )
    data = _columns(aggregates.held_by("facility"), FACILITY_COLUMNS)
    cells = _held_cells(scope, [c.key for c in FACILITY_COLUMNS])
    grand = by_jurisdiction(
        facility_table, names, data, "facility", lambda f: names.facilities.get(f, NOT_IN_REGISTER), cells
    )
    tables.append(facility_table.total("All facilities", cells(ALL, grand)))
    return tables


def _columns(groups: Mapping[Any, Mapping[str, float]], columns: list[Column]) -> dict[Any, dict[str, float]]:
    """A table's own columns of each group's sums."""
    return {group: {c.key: values[c.key] for c in columns} for group, values in groups.items()}


def _breach_cells(group: tuple[Any, ...], values: Mapping[str, float]) -> dict[str, Cell]:
    return {"breaches": count("breaches", group, values.get("breaches", 0))}


def breach_tables(aggregates: q.Aggregates, names: Names) -> list[Table]:
    titles = {f"{r.pack_code}/{r.rule_id}": r.title for r in aggregates.breaches}
    data = {(j, f"{pack}/{rule}"): v for (j, pack, rule), v in aggregates.breaches_by("rule").items()}
    rule_table = Builder(
        "breaches_by_rule", "Breaches of binding limits in the period, by rule", "Rule", BREACH_COLUMNS
    )
    grand = by_jurisdiction(rule_table, names, data, "rule", lambda k: f"{titles.get(k, k)} ({k})", _breach_cells)
    tables = [rule_table.total("All rules", _breach_cells(ALL, grand))]

    court_table = Builder(
        "breaches_by_court", "Breaches of binding limits in the period, by court", "Court", BREACH_COLUMNS
    )
    grand = by_jurisdiction(court_table, names, aggregates.breaches_by("court"), "court", names.court, _breach_cells)
    tables.append(court_table.total("All courts", _breach_cells(ALL, grand)))

    def place_label(place: int) -> str:
        return NOT_HELD if place == -1 else names.facilities.get(place, NOT_IN_REGISTER)

    facility_table = Builder(
        "breaches_by_facility",
        "Breaches of binding limits in the period, by where the child was held when the limit passed",
        "Facility",
        BREACH_COLUMNS,
    )
    data = aggregates.breaches_by("facility")
    grand = by_jurisdiction(facility_table, names, data, "facility", place_label, _breach_cells)
    tables.append(facility_table.total("All places", _breach_cells(ALL, grand)))
    return tables


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def length_tables(aggregates: q.Aggregates) -> list[Table]:
    stats = aggregates.episodes.lengths["all"]
    table = Builder(
        "length_by_kind",
        "Length of custody episodes that ended in the period",
        "Kind of custody",
        LENGTH_COLUMNS,
        note="A mean, median or percentile is shown only where its number of episodes is.",
    )
    total = 0
    for kind in q.KINDS:
        r = stats.get((kind,))
        n = int(r.n) if r is not None else 0
        total += n
        key = ("ended", ("kind", kind))
        table.add(
            f"kind:{kind}",
            KIND_LABELS[kind],
            {
                "ended": count(*key, n),
                "mean": derived(_number(r.mean) if r is not None else None, key),
                "median": derived(_number(r.median) if r is not None else None, key),
                "p90": derived(_number(r.p90) if r is not None else None, key),
            },
        )
    tables = [table.total("All custody", {"ended": count("ended", ALL, total)})]

    buckets = aggregates.episodes.buckets
    hist = Builder(
        "pretrial_histogram",
        "Length of pre-trial detention episodes that ended in the period",
        "Length",
        [Column("ended", "Episodes", definition="Pre-trial detention episodes that ended in the period.")],
    )
    for index, (low, high) in enumerate(q.BUCKETS):
        group = ("kind", q.PRETRIAL, "bucket", index)
        hist.add(f"bucket:{index}", q.bucket_label(low, high), {"ended": count("ended", group, buckets.get(index, 0))})
    pretrial = stats.get((q.PRETRIAL,))
    pretrial_n = int(pretrial.n) if pretrial is not None else 0
    tables.append(hist.total("All pre-trial detention", {"ended": count("ended", ("kind", q.PRETRIAL), pretrial_n)}))
    return tables


def trend_table(aggregates: q.Aggregates) -> Table:
    scope = aggregates.scope
    months = scope.months()
    started = aggregates.episodes.started
    breached = aggregates.breaches_by("month")
    held = q.held_at_instants(scope, [end for _label, _start, end in months])
    table = Builder(
        "trends",
        "Trends by month",
        "Month",
        TREND_COLUMNS,
        note="Calendar months of the period, the first and last cut.",
    )
    totals: dict[str, int] = defaultdict(int)
    for i, (label, _start, end) in enumerate(months):
        values = {
            "apprehensions": started.get((i, q.POLICE), 0),
            "remands": started.get((i, q.PRETRIAL), 0),
            "breaches": int(breached.get(i, {}).get("breaches", 0)),
        }
        for k, v in values.items():
            totals[k] += v
        table.add(
            f"month:{label}",
            label,
            {
                "apprehensions": count("started", ("kind", q.POLICE, "month", label), values["apprehensions"]),
                "remands": count("started", ("kind", q.PRETRIAL, "month", label), values["remands"]),
                "breaches": count("breaches", ("month", label), values["breaches"]),
                "held_end": count(f"held@{iso(end)}", ALL, held.get(i, 0)),
            },
        )
    return table.total(
        "Whole period",
        {
            "apprehensions": count("started", ("kind", q.POLICE), totals["apprehensions"]),
            "remands": count("started", ("kind", q.PRETRIAL), totals["remands"]),
            "breaches": count("breaches", ALL, totals["breaches"]),
        },
    )
