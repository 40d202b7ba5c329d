"""JDAI detention metrics (Annie E. Casey Foundation) for pre-trial detention, and alternative programmes.

For each breakdown (detention reason, sex, age band, offence class, court, area):
apprehensions and admissions to pre-trial detention in the period, the detention rate per
100 apprehensions and its relative rate against the reference group (the group with the most
apprehensions), releases, episodes held during the period, average daily population
(child-days ÷ days), and the average and median length of stay of the episodes released.
Programmes: places and children enrolled (utilisation), and what became of the referrals made
in the period (started, completed, failed to attend, new offence while enrolled).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from justice_tracker.oversight import queries as q
from justice_tracker.oversight.episodes import REASONS, REMAND_AFTER_ARREST, REMAND_FROM_LIBERTY
from justice_tracker.oversight.layout import (
    ALL,
    NO_AREA,
    SEX_LABELS,
    Builder,
    Names,
    by_jurisdiction,
    count,
    derived,
    plain,
    ratio,
    words,
)
from justice_tracker.oversight.scope import Scope
from justice_tracker.oversight.tables import DAYS, NUMBER, PERCENT, RATE, RATIO, Cell, Column, Table
from justice_tracker.programmes.vocabulary import type_label

RATE_COLUMNS = ("apprehensions", "rate", "rr")
PRETRIAL_REASONS = (REMAND_AFTER_ARREST, REMAND_FROM_LIBERTY)
IN_HELD = ("held_during", None)  # some of the episodes held during the period
JDAI_COLUMNS = [
    Column("apprehensions", "Apprehensions", definition="Police custody episodes started in the period."),
    Column("remands", "Admissions", nested=IN_HELD, definition="Pre-trial detention episodes started in it."),
    Column("rate", "Detained per 100 apprehended", RATE, definition="Admissions per 100 apprehensions."),
    Column("rr", "Relative rate", RATIO, definition="The group's rate ÷ that of the group most apprehended."),
    Column("releases", "Releases", nested=IN_HELD, definition="Pre-trial detention episodes ended in the period."),
    Column("held_during", "Held in the period", definition="Pre-trial detention episodes overlapping the period."),
    Column("adp", "Average daily population", NUMBER, definition="Child-days in detention ÷ days in the period."),
    Column("alos", "Average stay (days)", DAYS, definition="Mean length of the episodes released in the period."),
    Column("median_los", "Median stay (days)", DAYS, definition="Median length of the episodes released."),
]
DIMENSIONS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "reason": ("Detention reason", lambda v: REASONS.get(v, words(v))),
    "sex": ("Sex", lambda v: SEX_LABELS.get(v, str(v))),
    "age_band": ("Age band at admission", str),
    "offence_class": ("Offence class (most serious)", words),
}


def _cells(group: tuple[Any, ...], r: Mapping[str, float], median: Any, days: float) -> dict[str, Cell]:
    police, pretrial = ("kind", q.POLICE, *group), ("kind", q.PRETRIAL, *group)
    releases, held = ("ended", pretrial), ("held_during", pretrial)
    apprehended, admitted = ("started", police), ("started", pretrial)
    return {
        "apprehensions": count(*apprehended, r.get("apprehensions")),
        "remands": count(*admitted, r.get("remands")),
        "rate": derived(ratio(r.get("remands", 0), r.get("apprehensions", 0), 100), apprehended, admitted),
        "releases": count(*releases, r.get("releases")),
        "held_during": count(*held, r.get("held_during")),
        "adp": derived((r.get("child_seconds") or 0) / 86400 / days if days else None, held),
        "alos": derived(ratio(r.get("los_days", 0), r.get("releases", 0)), releases),
        "median_los": derived(float(median) if median is not None else None, releases),
    }


def _relative_rates(table: Table) -> Table:
    """Each leaf row's rate against the leaf row with the most apprehensions (JDAI's reference group)."""
    depth = max((r.level for r in table.rows), default=0)
    leaves = [r for r in table.rows if r.level == depth and r.cells["rate"].value is not None]
    if not leaves:
        return table
    reference = max(leaves, key=lambda r: (r.cells["apprehensions"].value, r.label))
    base, against = reference.cells["rate"].base, reference.cells["rate"].value
    for row in leaves:
        rate = row.cells["rate"].value
        row.cells["rr"] = derived(rate / against if against else None, *row.cells["rate"].base, *base)
    table.note = f"Relative rates are against {reference.label}."
    return table


def _restrict(cells: dict[str, Cell], columns: list[Column]) -> dict[str, Cell]:
    keys = {c.key for c in columns}
    return {k: v for k, v in cells.items() if k in keys}


def jdai_tables(aggregates: q.Aggregates, names: Names) -> list[Table]:
    days = aggregates.scope.days
    lengths = aggregates.episodes.lengths
    overall = aggregates.flows_by("all").get((), dict.fromkeys(q.FLOW_MEASURES, 0.0))
    overall_stats = lengths["all"].get((q.PRETRIAL,))
    total_cells = _cells((), overall, overall_stats.median if overall_stats is not None else None, days)
    tables = []
    for dim, (header, label) in DIMENSIONS.items():
        columns = [c for c in JDAI_COLUMNS if dim != "reason" or c.key not in RATE_COLUMNS]
        builder = Builder(f"jdai_{dim}", f"Pre-trial detention (JDAI), by {header.lower()}", header, columns)
        medians = {group: r.median for (_kind, group), r in lengths[dim].items()}
        groups = aggregates.flows_by(dim)
        if dim == "reason":  # the other reasons start police custody or a sentence, never a pre-trial detention
            groups = {g: values for g, values in groups.items() if g in PRETRIAL_REASONS}
        for group, values in sorted(groups.items(), key=lambda item: label(item[0])):
            value = group if group is not None else ""
            cells = _cells((dim, value), values, medians.get(group), days)
            builder.add(f"{dim}:{value}", label(value), _restrict(cells, columns))
        table = builder.total("All", _restrict(total_cells, columns))
        tables.append(table if dim == "reason" else _relative_rates(table))
    for dim, header in (("court", "Court"), ("area", "Area")):
        builder = Builder(f"jdai_{dim}", f"Pre-trial detention (JDAI), by {header.lower()}", header, JDAI_COLUMNS)
        medians = {key[1:]: r.median for key, r in lengths[dim].items()}  # (jurisdiction, court or area)
        data = aggregates.flows_by(dim)

        def cells(group: tuple[Any, ...], values: Mapping[str, float], _medians: dict = medians) -> dict[str, Cell]:
            median = _medians.get((group[1], group[3])) if len(group) == 4 else None
            return _cells(group, values, median, days)

        label = names.court if dim == "court" else (lambda a: a or NO_AREA)
        by_jurisdiction(builder, names, data, dim, label, cells)
        tables.append(_relative_rates(builder.total("All", dict(total_cells))))
    return tables


# -- alternative programmes -----------------------------------------------------------------------------------

OUTCOMES = q.REFERRAL_MEASURES
IN_STARTED, ENDED = ("started", None), ("started", "end")  # completed and failed to attend are disjoint
REFERRAL_COLUMNS = [
    Column("referrals", "Referrals", definition="Referrals to an alternative programme made in the period."),
    Column("started", "Started", nested=("referrals", None)),
    Column("completed", "Completed successfully", nested=ENDED),
    Column("fta", "Failed to attend", nested=ENDED, definition="Failed for the reason 'did not attend'."),
    Column("new_offence", "New offence while enrolled", nested=IN_STARTED, definition="Failed so, or apprehended."),
    Column("completion_rate", "Completion rate", PERCENT, definition="Completed ÷ started."),
]
REFERRAL_DIMENSIONS: dict[str, tuple[str, Callable[[Any], str]]] = {
    "type": ("Programme type", type_label),
    "sex": ("Sex", lambda v: SEX_LABELS.get(v, str(v))),
    "age_band": ("Age band at referral", str),
    "offence_class": ("Offence class (most serious)", words),
}


def _referral_cells(group: tuple[Any, ...], r: Mapping[str, float]) -> dict[str, Cell]:
    cells = {m: count(f"ref_{m}", ("ref", *group), r.get(m)) for m in OUTCOMES}
    cells["completion_rate"] = derived(
        ratio(r.get("completed", 0), r.get("started", 0), 100),
        ("ref_completed", ("ref", *group)),
        ("ref_started", ("ref", *group)),
    )
    return cells


def _capacity_table(scope: Scope) -> Table:
    builder = Builder(
        "programme_capacity",
        "Alternative programmes: places and utilisation now",
        "Programme type",
        [
            Column("programmes", "Programmes", definition="Active programmes (register data)."),
            Column("places", "Places", definition="Places in active programmes (register data)."),
            Column("enrolled", "Children enrolled", definition="As the programme coordinators keep it."),
            Column("utilisation", "Utilisation", PERCENT, definition="Children enrolled ÷ places."),
        ],
    )
    totals: dict[str, int] = defaultdict(int)

    def cells(group: tuple[Any, ...], programmes: int, places: int, enrolled: int) -> dict[str, Cell]:
        key = ("enrolled", group)
        return {
            "programmes": plain(programmes),
            "places": plain(places),
            "enrolled": count(*key, enrolled),
            "utilisation": derived(ratio(enrolled, places, 100), key),
        }

    for r in sorted(q.programme_capacity(scope), key=lambda r: type_label(r.type)):
        values = (int(r.programmes), int(r.places), int(r.enrolled))
        for name, value in zip(("programmes", "places", "enrolled"), values, strict=True):
            totals[name] += value
        builder.add(f"type:{r.type}", type_label(r.type), cells(("type", r.type), *values))
    return builder.total("All programmes", cells(ALL, totals["programmes"], totals["places"], totals["enrolled"]))


def programme_tables(scope: Scope, names: Names) -> list[Table]:
    tables = [_capacity_table(scope)]
    referrals = q.referral_outcomes(scope)
    overall: dict[str, float] = defaultdict(float)
    for dim, (header, label) in REFERRAL_DIMENSIONS.items():
        title = f"Referrals to alternatives made in the period, by {header.lower()}"
        builder = Builder(f"referrals_{dim}", title, header, REFERRAL_COLUMNS)
        overall = defaultdict(float)
        groups = q.group_sums(referrals, q.REFERRAL_KEYS[dim], OUTCOMES)
        for group, values in sorted(groups.items(), key=lambda item: label(item[0])):
            for m, v in values.items():
                overall[m] += v
            builder.add(f"{dim}:{group}", label(group), _referral_cells((dim, group), values))
        tables.append(builder.total("All referrals", _referral_cells(ALL, overall)))
    for dim, header in (("court", "Court"), ("area", "Area")):
        title = f"Referrals to alternatives made in the period, by {header.lower()}"
        builder = Builder(f"referrals_{dim}", title, header, REFERRAL_COLUMNS)
        data = q.group_sums(referrals, q.REFERRAL_KEYS[dim], OUTCOMES)
        label = names.court if dim == "court" else (lambda a: a or NO_AREA)
        by_jurisdiction(builder, names, data, dim, label, _referral_cells)
        tables.append(builder.total("All referrals", _referral_cells(ALL, overall)))
    return tables
