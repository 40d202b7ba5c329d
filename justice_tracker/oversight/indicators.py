"""The UNODC/UNICEF juvenile justice indicators (Manual for the Measurement of Juvenile Justice Indicators, 2006).

Quantitative indicators 1 to 11 are computed where the record supports them; 6 (deaths in
detention) and 8 (family contact) are not, because no event records a death in custody or a
family visit. Rates per 100,000 use the child population an administrator entered for the
jurisdiction (or the court's area) and year: the census year's figure, or the latest earlier
one. Policy indicators 12 to 15 are the facts recorded per jurisdiction, with the facility
register's figures for 12 (independent inspections) and 13 (complaints mechanisms).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, select

from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.org.models import Court, Facility, Jurisdiction
from justice_tracker.oversight import queries as q
from justice_tracker.oversight.dashboard import held_measure
from justice_tracker.oversight.layout import (
    ALL,
    NO_AREA,
    Builder,
    Names,
    by_jurisdiction,
    count,
    derived,
    plain,
    ratio,
    words,
)
from justice_tracker.oversight.models import ChildPopulation, PolicyFact
from justice_tracker.oversight.scope import Scope
from justice_tracker.oversight.suppression import Equation, sums_to
from justice_tracker.oversight.tables import COUNT, DAYS, PERCENT, RATE, TEXT, Cell, Column, Table

PER = 100_000
MANUAL = "UNODC/UNICEF, Manual for the Measurement of Juvenile Justice Indicators (2006)"
POLICY_ANSWERS = {"yes": "Yes", "partial": "Partly", "no": "No"}
POLICY_INDICATORS = (12, 13, 14, 15)


@dataclass(frozen=True)
class Indicator:
    number: int
    name: str
    definition: str
    how: str
    core: bool = False
    available: bool = True


INDICATORS = [
    Indicator(
        1,
        "Children in conflict with the law",
        "Children arrested during a 12-month period, per 100,000 child population.",
        "Children apprehended (police custody started) in the period, counted once in each area they were "
        "apprehended in.",
    ),
    Indicator(
        2,
        "Children in detention",
        "Children in detention on a census date, per 100,000 child population.",
        "Children deprived of liberty (police custody, pre-trial detention or sentenced custody) at the census "
        "instant.",
        core=True,
    ),
    Indicator(
        3,
        "Children in pre-sentence detention",
        "Children in pre-sentence detention on a census date, per 100,000 child population.",
        "Children in police custody or pre-trial detention at the census instant.",
        core=True,
    ),
    Indicator(
        4,
        "Duration of pre-sentence detention",
        "Time spent in detention by children before sentencing.",
        "Median days of the pre-sentence spells (police custody and pre-trial detention without a release in "
        "between) that ended in the period; the 90th percentile is in the note.",
    ),
    Indicator(
        5,
        "Duration of sentenced detention",
        "Time spent in detention by children after sentencing.",
        "Median days of the sentenced custody episodes that ended in the period.",
    ),
    Indicator(
        6,
        "Child deaths in detention",
        "Child deaths in detention during a 12-month period, per 1,000 children detained.",
        "Not recorded: no event records a death in custody.",
        available=False,
    ),
    Indicator(
        7,
        "Separation from adults",
        "Percentage of children in detention not wholly separated from adults.",
        "Children held at the census instant in a placement not separated from adults (as the event said, otherwise "
        "as the facility register says), of all the children held.",
    ),
    Indicator(
        8,
        "Contact with parents and family",
        "Percentage of children in detention visited by, or visiting, parents or family in the last 3 months.",
        "Not recorded: family visits are not recorded.",
        available=False,
    ),
    Indicator(
        9,
        "Custodial sentencing",
        "Percentage of children sentenced who receive a custodial sentence.",
        "Children sentenced in the period; those with a custodial sentence.",
        core=True,
    ),
    Indicator(
        10,
        "Pre-sentence diversion",
        "Percentage of children diverted or sentenced who enter a pre-sentence diversion scheme.",
        "Children diverted in the period (diversion considered with the outcome 'diverted', or proceedings "
        "terminated as diverted), of the children diverted or sentenced in the period.",
        core=True,
    ),
    Indicator(
        11,
        "Aftercare",
        "Percentage of children released from detention who receive aftercare.",
        "Children released from custody in the period for whom aftercare started after the release (by the census "
        "instant).",
    ),
    Indicator(
        12,
        "Regular independent inspections",
        "Existence of a system guaranteeing regular independent inspection of places of detention; percentage of "
        "places of detention that received an independent inspection visit in the last 12 months.",
        "The recorded fact, and the active facilities of the register with an independent inspection dated in the 12 "
        "months up to the census day.",
    ),
    Indicator(
        13,
        "Complaints mechanism",
        "Existence of a complaints system for children in detention; percentage of places of detention with one.",
        "The recorded fact, and the active facilities of the register recorded as having a complaints mechanism (of "
        "those where it is recorded).",
    ),
    Indicator(
        14,
        "Specialised juvenile justice system",
        "Existence of a specialised juvenile justice system.",
        "The recorded fact.",
    ),
    Indicator(
        15, "Prevention", "Existence of a national plan for the prevention of child crime.", "The recorded fact."
    ),
]

INDICATOR_COLUMNS = [
    Column("value", "Value", TEXT),
    Column("count", "Children (or episodes)", COUNT, additive=False),
    Column("base", "Out of", COUNT, additive=False),
    Column("unit", "Unit", TEXT),
    Column("note", "Note", TEXT),
]


@dataclass
class Computed:
    tables: list[Table]
    equations: list[Equation]
    unpublished: dict[Hashable, int]


def census_year(scope: Scope) -> int:
    return scope.as_of.astimezone(scope.zone).year


def populations(year: int) -> dict[tuple[str, str], tuple[int, int]]:
    """(jurisdiction, area) → (population, year of the figure): the latest figure not after `year`."""
    rows = db.session.execute(
        select(
            ChildPopulation.jurisdiction_code, ChildPopulation.area, ChildPopulation.year, ChildPopulation.population
        )
        .where(ChildPopulation.year <= year)
        .order_by(ChildPopulation.year)
    )
    return {(code, area): (population, figure_year) for code, area, figure_year, population in rows}


def scope_population(scope: Scope, figures: Mapping[tuple[str, str], tuple[int, int]]) -> tuple[int | None, str]:
    """The child population the scope's rates divide by, and where it comes from (or why there is none)."""
    if scope.facility_id is not None:
        return None, "no population for a single facility"
    if scope.court_id is not None:
        court = db.session.get(Court, scope.court_id)
        area = (court.area or "") if court is not None else ""
        found = figures.get((court.jurisdiction_code, area)) if court is not None and area else None
        if found is None:
            return None, "no child population entered for the court's area"
        return found[0], f"{area}, {found[1]}"
    if scope.jurisdiction is not None:
        found = figures.get((scope.jurisdiction, ""))
        if found is None:
            return None, f"no child population entered for {scope.jurisdiction}"
        return found[0], f"{scope.jurisdiction}, {found[1]}"
    # Every jurisdiction with a case: the children counted come from these.
    # A jurisdiction with a case: one index look-up per jurisdiction, rather than reading every case.
    with_cases = exists().where(Case.jurisdiction_code == Jurisdiction.code)
    codes = sorted(db.session.scalars(select(Jurisdiction.code).where(with_cases)))
    missing = [c for c in codes if (c, "") not in figures]
    if missing or not codes:
        return None, "no child population entered for " + ", ".join(missing or ["any jurisdiction"])
    return sum(figures[(c, "")][0] for c in codes), "the jurisdictions with cases: " + ", ".join(codes)


def _percent_row(
    measure: str, num: int, den: int, unpublished: dict[Hashable, int], equations: list[Equation]
) -> dict[str, Cell]:
    """Numerator and denominator as counts, their difference as an unpublished remainder (it is a count too)."""
    top, bottom, rest = (f"{measure}_num", ALL), (f"{measure}_den", ALL), (f"{measure}_rest", ALL)
    unpublished[rest] = max(den - num, 0)
    equations.append(sums_to([top, rest], bottom))
    return {
        "value": derived(ratio(num, den, 100), top, bottom, kind=PERCENT),
        "count": count(*top, num),
        "base": count(*bottom, den),
        "unit": plain("%"),
    }


def indicator_tables(aggregates: q.Aggregates, names: Names) -> Computed:
    scope = aggregates.scope
    equations: list[Equation] = []
    unpublished: dict[Hashable, int] = {}
    figures = populations(census_year(scope))
    population, population_note = scope_population(scope, figures)
    held = aggregates.held_by("kind")
    held_all = sum(int(r["held"]) for r in held.values())
    presentence = sum(int(held[k]["held"]) for k in q.PRE_SENTENCE if k in held)
    not_separated = sum(int(r["not_separated"]) for r in held.values())
    unknown = sum(int(r["separation_unknown"]) for r in held.values())
    episodes = aggregates.episodes
    # Counted once per area (a child apprehended in two areas counts in each), so that areas add up.
    apprehended = sum(episodes.apprehended.values())
    held_key, pre_key = (held_measure("held", scope), ALL), (held_measure("held_pre", scope), ALL)
    equations.append(sums_to([(held_measure("held", scope), ("kind", k)) for k in q.PRE_SENTENCE], pre_key))

    def rate_row(key: tuple[str, tuple[Any, ...]], value: int) -> dict[str, Cell]:
        return {
            "value": derived(ratio(value, population or 0, PER) if population else None, key, kind=RATE),
            "count": count(*key, value),
            "base": plain(population, kind=COUNT),
            "unit": plain("per 100,000 children"),
            "note": plain(f"Child population: {population_note}."),
        }

    rows: dict[int, dict[str, Cell]] = {
        1: rate_row(("apprehended_children", ALL), apprehended),
        2: rate_row(held_key, held_all),
        3: rate_row(pre_key, presentence),
    }
    spells = episodes.spells
    spell_key = ("spells", ALL)
    rows[4] = {
        "value": derived(_float(spells, "median"), spell_key, kind=DAYS),
        "count": count(*spell_key, spells.n if spells is not None else 0),
        "unit": plain("days (median)"),
        "note": derived(_p90_note(spells), spell_key, kind=TEXT),
    }
    sentenced = episodes.lengths["all"].get((q.SENTENCED,))
    ended_key = ("ended", ("kind", q.SENTENCED))
    rows[5] = {
        "value": derived(_float(sentenced, "median"), ended_key, kind=DAYS),
        "count": count(*ended_key, sentenced.n if sentenced is not None else 0),
        "unit": plain("days (median)"),
        "note": derived(_p90_note(sentenced), ended_key, kind=TEXT),
    }
    # Of all the children held (as the manual counts them); those whose separation is not recorded
    # count as separated here, so the figure is a lower bound, and the note says how many they are.
    top, rest = (held_measure("not_separated", scope), ALL), (held_measure("separated", scope), ALL)
    unpublished[rest] = held_all - not_separated
    equations.append(sums_to([top, rest], held_key))
    unknown_key = (held_measure("separation_unknown", scope), ALL)
    rows[7] = {
        "value": derived(ratio(not_separated, held_all, 100), top, held_key, kind=PERCENT),
        "count": count(*top, not_separated),
        "base": count(*held_key, held_all),
        "unit": plain("%"),
        "note": derived(
            f"Separation not recorded for {unknown} of them (counted as separated: the figure is a lower bound).",
            unknown_key,
            kind=TEXT,
        ),
    }
    events = q.sentences_and_diversions(scope)
    rows[9] = _percent_row("custodial", int(events.custodial), int(events.sentenced), unpublished, equations)
    total = int(events.diverted_or_sentenced)
    rows[10] = _percent_row("diverted", int(events.diverted), total, unpublished, equations)
    rows[11] = _percent_row("aftercare", episodes.aftercare, episodes.released, unpublished, equations)
    register = q.facility_register(scope)
    facilities = sum(int(r.facilities) for r in register)
    inspected = sum(int(r.inspected) for r in register)
    complaints = sum(int(r.complaints) for r in register)
    recorded = facilities - sum(int(r.complaints_unknown) for r in register)
    facts = _policy_facts(scope)
    rows[12] = _register_row(inspected, facilities, _answers(facts, 12, names))
    rows[13] = _register_row(complaints, recorded, _answers(facts, 13, names))
    for number in (14, 15):
        rows[number] = {"value": plain(_answers(facts, number, names) or "not recorded", kind=TEXT)}
    builder = Builder(
        "indicators",
        "UNODC/UNICEF juvenile justice indicators",
        "Indicator",
        INDICATOR_COLUMNS,
        note=f"{MANUAL}. Core indicators are marked (core).",
    )
    for indicator in INDICATORS:
        cells = rows.get(indicator.number) or {"value": plain("not recorded", kind=TEXT)}
        if not indicator.available:
            cells = {"value": plain("not recorded", kind=TEXT), "note": plain(indicator.how)}
        label = f"{indicator.number}. {indicator.name}" + (" (core)" if indicator.core else "")
        builder.add(f"indicator:{indicator.number}", label, cells)
    area_table = _area_table(aggregates, names, figures)
    tables = [builder.table, area_table, _policy_table(scope, names, facts, register)]
    tables.append(_register_table(scope, names))
    return Computed(tables, equations, unpublished)


def _float(row: Any, name: str) -> float | None:
    value = getattr(row, name, None) if row is not None else None
    return float(value) if value is not None else None


def _p90_note(row: Any) -> str | None:
    p90 = _float(row, "p90")
    return f"90th percentile: {p90:.1f} days." if p90 is not None else None


def _register_row(num: int, den: int, answers: str) -> dict[str, Cell]:
    return {
        "value": plain(ratio(num, den, 100), kind=PERCENT),
        "count": plain(num, kind=COUNT),
        "base": plain(den, kind=COUNT),
        "unit": plain("% of facilities"),
        "note": plain(f"Recorded: {answers}." if answers else "No fact recorded."),
    }


def _policy_facts(scope: Scope) -> list[PolicyFact]:
    stmt = select(PolicyFact).order_by(PolicyFact.jurisdiction_code, PolicyFact.indicator)
    if scope.jurisdiction is not None:
        stmt = stmt.where(PolicyFact.jurisdiction_code == scope.jurisdiction)
    return list(db.session.scalars(stmt))


def _answers(facts: list[PolicyFact], number: int, names: Names) -> str:
    found = [f for f in facts if f.indicator == number]
    return "; ".join(
        f"{names.jurisdiction(f.jurisdiction_code)}: {POLICY_ANSWERS.get(f.answer, f.answer)}" for f in found
    )


AREA_COLUMNS = [
    Column("population", "Child population", COUNT, additive=False, definition="Entered by an administrator."),
    Column("apprehended", "Children apprehended", definition="Indicator 1's count: apprehended in the period."),
    Column("rate1", "Per 100,000", RATE),
    Column("held", "Children held", definition="Indicator 2's count: held at the census instant."),
    Column("rate2", "Per 100,000", RATE),
]
AREA_MEASURES = (("apprehended", "rate1"), ("held", "rate2"))


def _area_table(aggregates: q.Aggregates, names: Names, figures: Mapping[tuple[str, str], tuple[int, int]]) -> Table:
    """Indicators 1 and 2 per area. Indicator 3 (held before sentence) stays whole-scope only: next to the
    children held per area, it would give the sentenced children of each area by subtraction."""
    scope = aggregates.scope
    data: dict[tuple[str, str], dict[str, float]] = {}

    def row(code: str, area: str | None) -> dict[str, float]:
        return data.setdefault((code, area or ""), {"apprehended": 0.0, "held": 0.0})

    for (code, area), children in aggregates.episodes.apprehended.items():
        row(code, area)["apprehended"] += float(children)
    for (code, area), values in aggregates.held_by("area").items():
        row(code, area)["held"] += values["held"]
    if scope.court_id is None and scope.facility_id is None:
        # An area with a population but nothing counted is shown, with zeros.
        for code, area in figures:
            if area and (scope.jurisdiction is None or code == scope.jurisdiction):
                row(code, area)
    names_of = {"apprehended": "apprehended_children", "held": held_measure("held", scope)}

    def cells(group: tuple[Any, ...], values: Mapping[str, float]) -> dict[str, Cell]:
        code = group[1] if len(group) > 1 else None
        area = group[3] if len(group) == 4 else ""
        found = figures.get((code, area)) if code is not None else None
        population = found[0] if found is not None else None
        out: dict[str, Cell] = {"population": plain(population)}
        for measure, rate in AREA_MEASURES:
            key = (names_of[measure], group)
            out[measure] = count(*key, values.get(measure, 0))
            out[rate] = derived(ratio(values.get(measure, 0), population or 0, PER), key)
        return out

    builder = Builder(
        "indicator_areas",
        "Indicators 1 and 2 by jurisdiction and area",
        "Jurisdiction or area",
        AREA_COLUMNS,
        note="A rate needs the child population of the jurisdiction or area (the latest figure up to the census year).",
    )
    grand = by_jurisdiction(builder, names, data, "area", lambda a: a or NO_AREA, cells)
    total = cells(ALL, grand)
    total["population"] = plain(None)
    for _measure, rate in AREA_MEASURES:
        total[rate] = plain(None)
    return builder.total("All", total)


def _policy_table(scope: Scope, names: Names, facts: list[PolicyFact], register: list[Any]) -> Table:
    columns = [
        Column("facilities", "Facilities", COUNT, additive=False, definition="Active facilities in the register."),
        Column("inspected", "Independently inspected (12 months)", PERCENT, additive=False),
        Column("complaints", "With a complaints mechanism", PERCENT, additive=False),
        *(Column(f"i{n}", f"{n}. {INDICATORS[n - 1].name}", TEXT) for n in POLICY_INDICATORS),
    ]
    builder = Builder(
        "policy",
        "Policy indicators 12 to 15, by jurisdiction",
        "Jurisdiction",
        columns,
        note="Facts recorded by an administrator, with the day they were recorded.",
    )
    figures = {r.jurisdiction_code: r for r in register}
    codes = sorted({f.jurisdiction_code for f in facts} | set(figures), key=names.jurisdiction)
    for code in codes:
        r = figures.get(code)
        cells: dict[str, Cell] = {
            "facilities": plain(int(r.facilities) if r is not None else 0),
            "inspected": plain(ratio(int(r.inspected), int(r.facilities), 100) if r is not None else None),
            "complaints": plain(
                ratio(int(r.complaints), int(r.facilities) - int(r.complaints_unknown), 100) if r is not None else None
            ),
        }
        for fact in (f for f in facts if f.jurisdiction_code == code):
            text = f"{POLICY_ANSWERS.get(fact.answer, fact.answer)} ({fact.recorded_on.isoformat()})"
            cells[f"i{fact.indicator}"] = plain(text + (f": {fact.note}" if fact.note else ""))
        builder.add(f"jurisdiction:{code}", names.jurisdiction(code), cells)
    return builder.table


REGISTER_COLUMNS = [
    Column("jurisdiction", "Jurisdiction", TEXT),
    Column("kind", "Type", TEXT),
    Column("area", "Area", TEXT),
    Column("capacity", "Capacity", COUNT, additive=False),
    Column("separated", "Children separated from adults", TEXT),
    Column("complaints", "Complaints mechanism", TEXT),
    Column("inspected", "Last independent inspection", TEXT),
]


def _yes_no(value: bool | None) -> str:
    return "not recorded" if value is None else ("yes" if value else "no")


def _register_table(scope: Scope, names: Names) -> Table:
    stmt = select(Facility).where(Facility.active.is_(True)).order_by(Facility.jurisdiction_code, Facility.name)
    if scope.jurisdiction is not None:
        stmt = stmt.where(Facility.jurisdiction_code == scope.jurisdiction)
    if scope.facility_id is not None:
        stmt = stmt.where(Facility.id == scope.facility_id)
    last = q.last_inspections(scope)
    builder = Builder("facility_register", "Facility register", "Facility", REGISTER_COLUMNS)
    for facility in db.session.scalars(stmt):
        inspected = last.get(facility.id)
        builder.add(
            f"facility:{facility.id}",
            facility.name,
            {
                "jurisdiction": plain(names.jurisdiction(facility.jurisdiction_code)),
                "kind": plain(words(facility.kind)),
                "area": plain(facility.area or NO_AREA),
                "capacity": plain(facility.capacity),
                "separated": plain(_yes_no(facility.separated_from_adults)),
                "complaints": plain(_yes_no(facility.complaints_mechanism)),
                "inspected": plain(inspected.isoformat() if inspected else "none recorded"),
            },
        )
    return builder.table
