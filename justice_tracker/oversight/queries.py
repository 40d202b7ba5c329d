"""Oversight aggregates: every count, sum, mean, median and percentile is computed by the database.

The report reads each table once or twice, not once per breakdown: a query groups by every
dimension at once (reason, sex, age band, offence class, court...) and returns a few rows per
combination, never a row per case; the tables then add those rows up per dimension
(`group_sums`). Medians and 90th percentiles are per group, so they cannot be added up: one
statement ranks the episodes that ended in the period once per breakdown (window functions
over one materialised set of rows). A period is usually one year of a longer registry, so
every query reads an index range of its period (or of the census instant), and the events are
read only for what no stored row says (sentences, diversions, aftercare, hearings). They run
unchanged on SQLite and PostgreSQL (dialect differences live in `oversight.sql`).

Definitions (the README's *Oversight* section says the same in words):

- *held at t*: a custody placement open at t ([start, end)); one per case, so a child held in
  two cases at once counts twice (rare; it keeps every total equal to the sum of its parts);
- *started / ended in the period*: an episode whose start / end lies in [from, to);
- *breach in the period*: a binding (not advisory) stored deadline due in [from, to) that was
  breached at `as_of` or met late;
- the facility of a flow is the one the child was admitted to (first placement of the
  episode); of a census, where the child was at that instant; of a breach, where the child was
  when the limit passed (none: not in custody then).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, NamedTuple

from sqlalchemy import Float, Integer, String, and_, case, cast, exists, func, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Select

from justice_tracker.cases.models import Case, Child, Event, Offence
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.deadlines.queries import status_at
from justice_tracker.org.models import Court, Facility, FacilityInspection
from justice_tracker.oversight.episodes import NOT_RECORDED
from justice_tracker.oversight.models import StoredEpisode as E
from justice_tracker.oversight.models import StoredPlacement as P
from justice_tracker.oversight.scope import Scope
from justice_tracker.oversight.sql import (
    age_at,
    at,
    days_between,
    effective,
    instant_text,
    open_at,
    overlap_seconds,
)
from justice_tracker.programmes.models import Programme, Referral, ReferralStep
from justice_tracker.rules.model import Status
from justice_tracker.timeline.custody import CustodyKind

POLICE, PRETRIAL, SENTENCED = (k.value for k in (CustodyKind.POLICE, CustodyKind.PRETRIAL, CustodyKind.SENTENCED))
KINDS = (POLICE, PRETRIAL, SENTENCED)
PRE_SENTENCE = (POLICE, PRETRIAL)
BREACH_STATUSES = (Status.BREACHED.value, Status.MET_LATE.value)
# Lengths of stay, in days: the histogram's buckets [low, high).
BUCKETS = ((0, 1), (1, 8), (8, 31), (31, 91), (91, 181), (181, 366), (366, None))
AGE_BANDS = ((10, "under 10"), (12, "10–11"), (14, "12–13"), (16, "14–15"), (18, "16–17"))
AREA = func.coalesce(Court.area, "")


def bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low} days or more"
    if low == 0:
        return "less than 1 day"
    return f"{low}–{high - 1} days"


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _rows(stmt: Select) -> list[Any]:
    return list(db.session.execute(stmt))


def _summed(inner: Select, groups: int, count: str | None = None) -> list[Any]:
    """`inner` grouped by its first `groups` columns: the sum of each other column (a value per row) and,
    named `count`, the number of rows."""
    source = inner.subquery()
    keys, values = list(source.c)[:groups], list(source.c)[groups:]
    counted = [func.count().label(count)] if count else []
    return _rows(select(*keys, *counted, *(func.sum(v).label(v.name) for v in values)).group_by(*keys))


def _in_period(column: Any, scope: Scope) -> ColumnElement[bool]:
    return and_(column >= at(scope.start), column < at(scope.end))


def _month_of(column: Any, scope: Scope) -> ColumnElement[int]:
    """The index into `scope.months()` of an instant within the period.

    One WHEN per month, the last one too: the expression is never a constant, which PostgreSQL
    would refuse to group by (a one-month period)."""
    return case(*[(column < at(end), index) for index, (_label, _start, end) in enumerate(scope.months())])


def group_sums(
    rows: Iterable[Any], key: Callable[[Any], Hashable], measures: Sequence[str]
) -> dict[Hashable, dict[str, float]]:
    """The sums of `measures` per `key(row)`, in the order the keys first appear.

    The queries group by every dimension at once; this is how a table gets its own breakdown.
    """
    out: dict[Hashable, dict[str, float]] = {}
    for row in rows:
        sums = out.setdefault(key(row), dict.fromkeys(measures, 0.0))
        for measure in measures:
            sums[measure] += float(getattr(row, measure) or 0)
    return out


def _where(scope: Scope, jurisdiction: Any, court: Any, facility: Any) -> list[ColumnElement[bool]]:
    """The scope's jurisdiction, court and facility, as conditions on these columns (None: not filtered)."""
    wanted = ((jurisdiction, scope.jurisdiction), (court, scope.court_id), (facility, scope.facility_id))
    return [column == value for column, value in wanted if value is not None and column is not None]


def _placement_filters(scope: Scope) -> list[ColumnElement[bool]]:
    """The scope's jurisdiction, court and facility, for placements joined to their episode."""
    return _where(scope, E.jurisdiction_code, E.court_id, P.facility_id)


# -- who is held at an instant --------------------------------------------------------------------------------


def past_binding_limit(moment: datetime) -> ColumnElement[bool]:
    """The episode's case has a binding limit breached at `moment`."""
    return exists().where(
        CaseDeadline.case_id == E.case_id,
        CaseDeadline.advisory.is_(False),
        status_at(moment) == Status.BREACHED.value,
    )


def no_hearing_scheduled(moment: datetime) -> ColumnElement[bool]:
    """Police custody or pre-trial detention with no hearing recorded by `moment` for a date after it."""
    hearing = (
        select(Event.id)
        .where(
            Event.case_id == E.case_id,
            Event.type == "hearing_scheduled",
            effective(Event),
            Event.at <= at(moment),
            Event.details["hearing_at"].as_string() > instant_text(moment),
        )
        .limit(1)
        .scalar_subquery()
    )
    # A scalar sub-select rather than NOT EXISTS: PostgreSQL would hash an EXISTS into one read of every
    # hearing scheduled in the registry, where the held children's cases are a few index look-ups each.
    return and_(E.kind.in_(PRE_SENTENCE), hearing.is_(None))


def _separated() -> ColumnElement[Any]:
    return func.coalesce(P.separated_from_adults, Facility.separated_from_adults)


HELD_MEASURES = ("held", "past_limit", "no_hearing", "not_separated", "separation_unknown")
# What each census table groups by, taken from the rows of `held_at`.
HELD_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "kind": lambda r: r.kind,
    "court": lambda r: (r.jurisdiction_code, r.court_id),
    "area": lambda r: (r.jurisdiction_code, r.area),
    "facility": lambda r: (r.jurisdiction_code, r.facility_id or 0),
}


def held_at(scope: Scope, moment: datetime) -> list[Any]:
    """Per kind, court (and its area) and facility: held, past a binding limit, with no hearing scheduled,
    not separated from adults, and with separation not recorded (`HELD_KEYS` adds them up per table)."""
    separated = _separated()
    dims = [E.kind, E.jurisdiction_code, E.court_id, AREA.label("area"), P.facility_id]
    inner = (
        select(
            *dims,
            case((past_binding_limit(moment), 1), else_=0).label("past_limit"),
            case((no_hearing_scheduled(moment), 1), else_=0).label("no_hearing"),
            case((separated.is_(False), 1), else_=0).label("not_separated"),
            case((separated.is_(None), 1), else_=0).label("separation_unknown"),
        )
        .select_from(P)
        .join(E, E.id == P.episode_id)
        .join(Court, Court.id == E.court_id)
        .outerjoin(Facility, Facility.id == P.facility_id)
        .where(open_at(P.start_at, P.end_at, moment), *_placement_filters(scope))
    )
    return _summed(inner, len(dims), count="held")


def held_at_instants(scope: Scope, instants: Sequence[datetime]) -> dict[int, int]:
    """Placements open at each of `instants` (month ends), by index, in one pass over the placements
    open at any of them."""
    if not instants:
        return {}
    stmt = (
        select(*[_count_if(open_at(P.start_at, P.end_at, t)) for t in instants])
        .select_from(P)
        .where(P.start_at <= at(max(instants)), or_(P.end_at.is_(None), P.end_at > at(min(instants))))
    )
    if scope.jurisdiction is not None or scope.court_id is not None:
        stmt = stmt.join(E, E.id == P.episode_id)
    row = db.session.execute(stmt.where(*_placement_filters(scope))).one()
    return {index: int(n) for index, n in enumerate(row)}


def held_list(scope: Scope, moment: datetime, limit: int = 500) -> list[Any]:
    """(jurisdiction, pseudonym, seconds held in the unbroken custody so far) of everyone held at `moment`."""
    stmt = (
        select(
            E.jurisdiction_code,
            Child.pseudonym,
            (func.min(days_between(E.run_start, at(moment)))).label("days"),
        )
        .select_from(P)
        .join(E, E.id == P.episode_id)
        .join(Child, Child.id == E.child_id)
        .where(open_at(P.start_at, P.end_at, moment), *_placement_filters(scope))
        .group_by(E.jurisdiction_code, E.case_id, Child.pseudonym)
        .order_by(E.jurisdiction_code, func.min(E.run_start), Child.pseudonym)
        .limit(limit)
    )
    return _rows(stmt)


# -- breaches -------------------------------------------------------------------------------------------------

BREACH_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "rule": lambda r: (r.jurisdiction_code, r.pack_code, r.rule_id),
    "court": lambda r: (r.jurisdiction_code, r.court_id),
    # Where the child was when the limit passed: a facility (0: not in the register), or -1 (not in custody).
    "facility": lambda r: (r.jurisdiction_code, (r.facility_id or 0) if r.held else -1),
    "month": lambda r: r.month,
}


def breaches(scope: Scope) -> list[Any]:
    """Binding breaches due in the period, per rule (with its title), court, facility where the child was
    held when the limit passed (if held) and month (`BREACH_KEYS` adds them up per table)."""
    placement = aliased(P)
    held_then = and_(
        placement.case_id == CaseDeadline.case_id,
        placement.start_at <= CaseDeadline.due,
        or_(placement.end_at.is_(None), placement.end_at > CaseDeadline.due),
    )
    inner = (
        select(
            Case.jurisdiction_code,
            CaseDeadline.pack_code,
            CaseDeadline.rule_id,
            CaseDeadline.title,
            CaseDeadline.court_id,
            placement.facility_id,
            (placement.id.is_not(None)).label("held"),
            _month_of(CaseDeadline.due, scope).label("month"),
        )
        .select_from(CaseDeadline)
        .join(Case, Case.id == CaseDeadline.case_id)
        .outerjoin(placement, held_then)
        .where(
            CaseDeadline.advisory.is_(False),
            _in_period(CaseDeadline.due, scope),
            status_at(scope.as_of).in_(BREACH_STATUSES),
            *_where(scope, Case.jurisdiction_code, CaseDeadline.court_id, placement.facility_id),
        )
        .subquery()
    )
    c = inner.c
    keys = [c.jurisdiction_code, c.pack_code, c.rule_id, c.court_id, c.facility_id, c.held, c.month]
    rule = [c.jurisdiction_code, c.pack_code, c.rule_id]
    title = func.max(func.max(c.title)).over(partition_by=rule)  # a rule's title, over all its rows
    return _rows(select(*keys, func.count().label("breaches"), title.label("title")).group_by(*keys))


# -- episodes of the period: flows, lengths, spells, aftercare, apprehensions -----------------------------------
#
# One statement reads the episodes that overlap the period once (a materialised CTE, with the court's
# area), and every aggregate over them is a branch of one UNION ALL. Each result row says
# which aggregate it is (`name`), its groups in the columns of `SLOTS` (NULL where it has none), and its
# numbers in `VALUES`.

PROFILE = ("reason", "sex", "age_band", "offence_class", "jurisdiction_code", "court_id", "area")
SLOTS = {
    "kind": String(),
    **{slot: (Integer() if slot == "court_id" else String()) for slot in PROFILE},
    "slot": Integer(),  # a month's index or a histogram bucket
}
VALUES = ("v1", "v2", "v3", "v4", "v5", "v6")
FLOW_MEASURES = ("apprehensions", "remands", "releases", "held_during", "child_seconds", "los_days")
# The breakdowns by the child and the place that flows and referrals share.
CHILD_AND_PLACE_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "sex": lambda r: r.sex,
    "age_band": lambda r: r.age_band,
    "offence_class": lambda r: r.offence_class,
    "court": lambda r: (r.jurisdiction_code, r.court_id),
    "area": lambda r: (r.jurisdiction_code, r.area),
}
# The JDAI breakdowns, taken from the rows of `EpisodeFigures.flows`.
FLOW_KEYS: dict[str, Callable[[Any], Hashable]] = {
    "all": lambda r: (),
    "reason": lambda r: r.reason,
    **CHILD_AND_PLACE_KEYS,
}
# The breakdowns of the pre-trial lengths of stay (medians), by the slots that hold their groups.
LENGTH_GROUPS = {
    "reason": ("reason",),
    "sex": ("sex",),
    "age_band": ("age_band",),
    "offence_class": ("offence_class",),
    "court": ("jurisdiction_code", "court_id"),
    "area": ("jurisdiction_code", "area"),
}


class Stats(NamedTuple):
    """n, mean, median and 90th percentile (nearest rank) of lengths in days."""

    n: int
    mean: float | None
    median: float | None
    p90: float | None


class Flow(NamedTuple):
    """The JDAI flows of one combination of the breakdowns (`_period_episodes` says what each counts)."""

    reason: str
    sex: str
    age_band: str
    offence_class: str
    jurisdiction_code: str
    court_id: int
    area: str
    apprehensions: float
    remands: float
    releases: float
    held_during: float
    child_seconds: float
    los_days: float


@dataclass
class EpisodeFigures:
    """What the episodes of the period give, each figure per the groups its tables need."""

    # Per combination of the JDAI breakdowns (`FLOW_KEYS` adds them up per table).
    flows: list[Any] = field(default_factory=list)
    # Episodes ended in the period: per kind (`lengths["all"][(kind,)]`), and the pre-trial ones per
    # breakdown (`lengths["sex"][(PRETRIAL, "F")]`, `lengths["court"][(PRETRIAL, jurisdiction, court id)]`).
    lengths: dict[str, dict[tuple[Any, ...], Stats]] = field(default_factory=dict)
    # Pre-trial episodes ended in the period per histogram bucket (index into `BUCKETS`).
    buckets: dict[int, int] = field(default_factory=dict)
    # Pre-sentence spells ended in the period (indicator 4); None: there were none.
    spells: Stats | None = None
    # Distinct children released from custody in the period, and those who then received aftercare (11).
    released: int = 0
    aftercare: int = 0
    # Distinct children apprehended in the period, per (jurisdiction, area) (indicator 1).
    apprehended: dict[tuple[str, str], int] = field(default_factory=dict)
    # Police custody and pre-trial detention episodes started in each month: (month index, kind) → n.
    started: dict[tuple[int, str], int] = field(default_factory=dict)


def _scoped(stmt: Select, scope: Scope, episode: Any) -> Select:
    """`stmt` restricted to the episodes (`episode`: the model or an alias) in the scope, the facility
    being the one the child was admitted to."""
    stmt = stmt.where(*_where(scope, episode.jurisdiction_code, episode.court_id, None))
    if scope.facility_id is None:
        return stmt
    # Every stored episode has a first placement (`episodes.store`): it is read only to filter by facility.
    admitted = aliased(P)
    return stmt.join(admitted, and_(admitted.episode_id == episode.id, admitted.position == 0)).where(
        admitted.facility_id == scope.facility_id
    )


def _branch(name: str, source: Any, groups: dict[str, Any], values: Sequence[Any], *where: Any) -> Select:
    """One aggregate of the union: `values` per `groups` (slot → column), over the rows of `source` kept by `where`."""
    slots = [groups[s].label(s) if s in groups else cast(null(), kind).label(s) for s, kind in SLOTS.items()]
    numbers = [cast(v, Float()).label(f"v{i}") for i, v in enumerate(values, 1)]
    padding = [cast(null(), Float()).label(f"v{i}") for i in range(len(values) + 1, len(VALUES) + 1)]
    stmt = select(literal(name).label("name"), *slots, *numbers, *padding).select_from(source).where(*where)
    return stmt.group_by(*groups.values()) if groups else stmt


def _ranked(name: str, source: Any, value: Any, groups: dict[str, Any], *where: Any) -> Select:
    """n, mean, median and 90th percentile (nearest rank) of `value` per `groups` (slot → column of `source`)."""
    ranked = (
        select(
            *(column.label(slot) for slot, column in groups.items()),
            value.label("d"),
            func.row_number().over(partition_by=list(groups.values()), order_by=value).label("rn"),
            func.count().over(partition_by=list(groups.values())).label("n"),
        )
        .where(*where)
        .subquery()
    )
    n, rn, d = ranked.c.n, ranked.c.rn, ranked.c.d
    middle = or_(rn == (n + 1) // 2, rn == (n + 2) // 2)
    stats = [
        func.max(n),
        func.avg(d),
        func.avg(case((middle, d))),
        func.max(case((rn == (9 * n + 9) // 10, d))),
    ]
    return _branch(name, ranked, {slot: ranked.c[slot] for slot in groups}, stats)


def _ends_spell(scope: Scope) -> ColumnElement[bool]:
    """The pre-sentence episode ends its spell among the episodes in the scope.

    The stored flag answers it for every scope but a facility's: a spell is grouped among the episodes
    admitted to that facility only, so there no other pre-sentence episode of its custody run admitted
    there may still be running, end later, or end at the same instant with a higher position."""
    if scope.facility_id is None:
        return E.ends_spell.is_(True)
    other = aliased(E)
    later = or_(
        other.end_at.is_(None),
        other.end_at > E.end_at,
        and_(other.end_at == E.end_at, other.position > E.position),
    )
    stmt = select(other.id).where(
        other.case_id == E.case_id, other.run_start == E.run_start, other.kind.in_(PRE_SENTENCE), later
    )
    return ~exists(_scoped(stmt, scope, other))


def _period_episodes(scope: Scope) -> Any:
    """The episodes overlapping the period (or ending at its start), one row each with what the branches use."""
    started = _in_period(E.start_at, scope)
    ended = and_(E.end_at.is_not(None), _in_period(E.end_at, scope))
    overlaps = and_(E.start_at < at(scope.end), or_(E.end_at.is_(None), E.end_at > at(scope.start)))
    pretrial = E.kind == PRETRIAL
    released = and_(E.ended_by == "released", ended)
    stmt = (
        select(
            E.kind,
            E.reason,
            E.sex,
            E.age_band,
            E.offence_class,
            E.jurisdiction_code,
            E.court_id,
            AREA.label("area"),
            E.child_id,
            case((started, 1), else_=0).label("started"),
            case((ended, 1), else_=0).label("ended"),
            case((and_(pretrial, overlaps), 1), else_=0).label("pretrial_overlaps"),
            case(
                (and_(pretrial, overlaps), overlap_seconds(E.start_at, E.end_at, scope.start, scope.end)), else_=0.0
            ).label("child_seconds"),
            case((ended, days_between(E.start_at, E.end_at))).label("d"),
            case((started, _month_of(E.start_at, scope))).label("month"),
            case(
                (and_(E.kind.in_(PRE_SENTENCE), ended, _ends_spell(scope)), days_between(E.run_start, E.end_at))
            ).label("spell"),
            case((released, 1), else_=0).label("released"),
            case((and_(released, E.aftercare_at <= at(scope.as_of)), 1), else_=0).label("followed"),
        )
        .select_from(E)
        .join(Court, Court.id == E.court_id)
        .where(E.start_at < at(scope.end), or_(E.end_at.is_(None), E.end_at >= at(scope.start)))
    )
    return _scoped(stmt, scope, E).cte("period_episodes").prefix_with("MATERIALIZED")


def episode_figures(scope: Scope) -> EpisodeFigures:
    """Every figure of the report about the episodes of the period, from one read of them."""
    rows = _period_episodes(scope)
    c = rows.c
    police, pretrial, ended = c.kind == POLICE, c.kind == PRETRIAL, c.ended == 1
    profile = {slot: c[slot] for slot in PROFILE}
    whens = [(c.d < high, index) for index, (_low, high) in enumerate(BUCKETS) if high is not None]
    parts = [
        _branch(
            "flows",
            rows,
            profile,
            [
                func.sum(case((and_(police, c.started == 1), 1), else_=0)),
                func.sum(case((and_(pretrial, c.started == 1), 1), else_=0)),
                func.sum(case((and_(pretrial, ended), 1), else_=0)),
                func.sum(c.pretrial_overlaps),
                func.sum(c.child_seconds),
                func.sum(case((and_(pretrial, ended), c.d), else_=0.0)),
            ],
        ),
        _ranked("all", rows, c.d, {"kind": c.kind}, ended),
        *(
            _ranked(name, rows, c.d, {"kind": c.kind} | {slot: c[slot] for slot in slots}, ended, pretrial)
            for name, slots in LENGTH_GROUPS.items()
        ),
        _branch("bucket", rows, {"slot": case(*whens, else_=len(BUCKETS) - 1)}, [func.count()], ended, pretrial),
        _ranked("spells", rows, c.spell, {}, c.spell.is_not(None)),
        _branch(
            "aftercare",
            rows,
            {},
            [
                func.count(func.distinct(case((c.released == 1, c.child_id)))),
                func.count(func.distinct(case((c.followed == 1, c.child_id)))),
            ],
        ),
        _branch(
            "apprehended",
            rows,
            {"jurisdiction_code": c.jurisdiction_code, "area": c.area},
            [func.count(func.distinct(c.child_id))],
            police,
            c.started == 1,
        ),
        _branch(
            "started",
            rows,
            {"slot": c.month, "kind": c.kind},
            [func.count()],
            c.kind.in_(PRE_SENTENCE),
            c.month.is_not(None),
        ),
    ]
    return _figures(db.session.execute(union_all(*parts)))


def _figures(rows: Iterable[Any]) -> EpisodeFigures:
    """The union's rows, each put where its aggregate (`name`) belongs."""
    out = EpisodeFigures(lengths={name: {} for name in ("all", *LENGTH_GROUPS)})
    for row in rows:
        if row.name == "flows":
            measures = (float(getattr(row, v) or 0) for v in VALUES)
            out.flows.append(Flow(*(getattr(row, slot) for slot in PROFILE), *measures))
        elif row.name == "bucket":
            out.buckets[int(row.slot)] = int(row.v1)
        elif row.name == "aftercare":
            out.released, out.aftercare = int(row.v1), int(row.v2)
        elif row.name == "apprehended":
            out.apprehended[(row.jurisdiction_code, row.area)] = int(row.v1)
        elif row.name == "started":
            out.started[(int(row.slot), row.kind)] = int(row.v1)
        else:
            stats = Stats(int(row.v1 or 0), row.v2, row.v3, row.v4)
            if row.name == "spells":
                out.spells = stats if stats.n else None
            else:
                groups = (row.kind, *(getattr(row, slot) for slot in LENGTH_GROUPS.get(row.name, ())))
                out.lengths[row.name][groups] = stats
    return out


# -- indicators from events and the register ------------------------------------------------------------------


def sentences_and_diversions(scope: Scope) -> Any:
    """Distinct children sentenced in the period, those given a custodial sentence (indicator 9), those
    diverted, and those diverted or sentenced (indicator 10): one pass over the period's events of
    these three types."""
    custodial = Event.details["custodial"].as_boolean().is_(True)
    sentenced = Event.type == "sentenced"
    diverted = or_(
        and_(Event.type == "diversion_considered", Event.details["outcome"].as_string() == "diverted"),
        and_(Event.type == "proceedings_terminated", Event.details["ground"].as_string() == "diverted"),
    )
    stmt = (
        select(
            func.count(func.distinct(case((sentenced, Case.child_id)))).label("sentenced"),
            func.count(func.distinct(case((and_(sentenced, custodial), Case.child_id)))).label("custodial"),
            func.count(func.distinct(case((diverted, Case.child_id)))).label("diverted"),
            func.count(func.distinct(Case.child_id)).label("diverted_or_sentenced"),
        )
        .select_from(Event)
        .join(Case, Case.id == Event.case_id)
        .where(
            Event.type.in_(("sentenced", "diversion_considered", "proceedings_terminated")),
            or_(diverted, sentenced),
            effective(Event),
            _in_period(Event.at, scope),
            *_where(scope, Case.jurisdiction_code, Case.court_id, None),
        )
    )
    return db.session.execute(stmt).one()


def facility_register(scope: Scope) -> list[Any]:
    """Per jurisdiction: active facilities, those independently inspected in the 12 months before
    `as_of`, those with a complaints mechanism, and those where it is not recorded (indicators 12, 13)."""
    census = scope.as_of.astimezone(scope.zone).date()
    inspected = exists().where(
        FacilityInspection.facility_id == Facility.id,
        FacilityInspection.independent.is_(True),
        FacilityInspection.inspected_on > year_before(census),
        FacilityInspection.inspected_on <= census,
    )
    conditions = [Facility.active.is_(True), *_where(scope, Facility.jurisdiction_code, None, Facility.id)]
    stmt = (
        select(
            Facility.jurisdiction_code,
            func.count().label("facilities"),
            _count_if(inspected).label("inspected"),
            _count_if(Facility.complaints_mechanism.is_(True)).label("complaints"),
            _count_if(Facility.complaints_mechanism.is_(None)).label("complaints_unknown"),
        )
        .where(*conditions)
        .group_by(Facility.jurisdiction_code)
    )
    return _rows(stmt)


def year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def last_inspections(scope: Scope) -> dict[int, date]:
    """The date of each facility's latest independent inspection up to the census day."""
    census = scope.as_of.astimezone(scope.zone).date()
    stmt = (
        select(FacilityInspection.facility_id, func.max(FacilityInspection.inspected_on))
        .where(FacilityInspection.independent.is_(True), FacilityInspection.inspected_on <= census)
        .group_by(FacilityInspection.facility_id)
    )
    return dict(db.session.execute(stmt).all())


# -- programmes (JDAI: utilisation and outcomes) --------------------------------------------------------------


def programme_capacity(scope: Scope) -> list[Any]:
    """Per programme type: active programmes, places and children enrolled."""
    stmt = select(
        Programme.type,
        func.count().label("programmes"),
        func.coalesce(func.sum(Programme.places), 0).label("places"),
        func.coalesce(func.sum(Programme.enrolled), 0).label("enrolled"),
    ).where(Programme.active.is_(True), *_where(scope, Programme.jurisdiction_code, None, None))
    return _rows(stmt.group_by(Programme.type))


def _age_band_sql(born: Any, on: Any) -> ColumnElement[str]:
    age = age_at(born, on)
    whens = [(born.is_(None), "not known")] + [(age < limit, label) for limit, label in AGE_BANDS]
    return case(*whens, else_="18 or over")


def _lead_offence_class() -> ColumnElement[str]:
    lead = (
        select(Offence.offence_class)
        .where(Offence.case_id == Case.id)
        .order_by(func.coalesce(Offence.max_penalty_years, -1).desc(), Offence.position)
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(lead, NOT_RECORDED)


REFERRAL_MEASURES = ("referrals", "started", "completed", "fta", "new_offence")
# The referral breakdowns, taken from the rows of `referral_outcomes`.
REFERRAL_KEYS: dict[str, Callable[[Any], Hashable]] = {"type": lambda r: r.type, **CHILD_AND_PLACE_KEYS}


def referral_outcomes(scope: Scope) -> list[Any]:
    """Referrals made in the period, per combination of the breakdowns (`REFERRAL_KEYS`): how many started,
    completed, failed to attend, and had a new offence while enrolled (a `new_offence` failure, or
    apprehended between start and end)."""

    def step_at(state: str) -> Any:
        return (
            select(func.min(ReferralStep.at))
            .where(ReferralStep.referral_id == Referral.id, ReferralStep.state == state)
            .where(ReferralStep.at <= at(scope.as_of))
            .scalar_subquery()
        )

    started, completed, failed = step_at("started"), step_at("completed"), step_at("failed")
    ended = func.coalesce(completed, failed, at(scope.as_of))
    apprehended = exists().where(
        E.case_id == Referral.case_id, E.kind == POLICE, E.start_at > started, E.start_at <= ended
    )
    dims = [
        Programme.type.label("type"),
        Child.sex.label("sex"),
        _age_band_sql(Child.date_of_birth, Referral.created_at).label("age_band"),
        _lead_offence_class().label("offence_class"),
        Case.jurisdiction_code.label("jurisdiction_code"),
        Case.court_id.label("court_id"),
        AREA.label("area"),
    ]
    inner = (
        select(
            *dims,
            case((started.is_not(None), 1), else_=0).label("started"),
            case((completed.is_not(None), 1), else_=0).label("completed"),
            case((and_(failed.is_not(None), Referral.failure_reason == "did_not_attend"), 1), else_=0).label("fta"),
            case(
                (
                    or_(
                        and_(failed.is_not(None), Referral.failure_reason == "new_offence"),
                        and_(started.is_not(None), apprehended),
                    ),
                    1,
                ),
                else_=0,
            ).label("new_offence"),
        )
        .select_from(Referral)
        .join(Programme, Programme.id == Referral.programme_id)
        .join(Case, Case.id == Referral.case_id)
        .join(Child, Child.id == Case.child_id)
        .join(Court, Court.id == Case.court_id)
        .where(_in_period(Referral.created_at, scope), *_where(scope, Case.jurisdiction_code, Case.court_id, None))
    )
    return _summed(inner, len(dims), count="referrals")


class Aggregates:
    """The report's aggregates that several tables show, each read once (by the first table that needs it)."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    @cached_property
    def held(self) -> list[Any]:
        return held_at(self.scope, self.scope.as_of)

    def held_by(self, by: str) -> dict[Hashable, dict[str, float]]:
        """The census per kind, court, area or facility (`HELD_KEYS`)."""
        return group_sums(self.held, HELD_KEYS[by], HELD_MEASURES)

    @cached_property
    def episodes(self) -> EpisodeFigures:
        return episode_figures(self.scope)

    def flows_by(self, by: str) -> dict[Hashable, dict[str, float]]:
        """The JDAI flows per breakdown (`FLOW_KEYS`)."""
        return group_sums(self.episodes.flows, FLOW_KEYS[by], FLOW_MEASURES)

    @cached_property
    def breaches(self) -> list[Any]:
        return breaches(self.scope)

    def breaches_by(self, by: str) -> dict[Hashable, dict[str, float]]:
        """Breaches per rule, court, facility or month (`BREACH_KEYS`)."""
        return group_sums(self.breaches, BREACH_KEYS[by], ("breaches",))
