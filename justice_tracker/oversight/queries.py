"""Oversight aggregates: every count, sum, mean, median and percentile is computed by the database.

Each function is one `GROUP BY` query (medians and 90th percentiles use window functions)
over the stored custody episodes and placements, the stored deadlines, the events and the
referrals, and returns a few rows per group, never a row per case. They run unchanged on
SQLite and PostgreSQL (dialect differences live in `oversight.sql`).

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

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
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


def bucket_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low} days or more"
    if low == 0:
        return "less than 1 day"
    return f"{low}–{high - 1} days"


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _sum_if(condition: ColumnElement[bool], value: ColumnElement[Any]) -> ColumnElement[float]:
    return func.coalesce(func.sum(case((condition, value), else_=0.0)), 0.0)


def _rows(stmt: Select) -> list[Any]:
    return list(db.session.execute(stmt))


def _in_period(column: Any, scope: Scope) -> ColumnElement[bool]:
    return and_(column >= at(scope.start), column < at(scope.end))


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
    return and_(
        E.kind.in_(PRE_SENTENCE),
        ~exists().where(
            Event.case_id == E.case_id,
            Event.type == "hearing_scheduled",
            effective(Event),
            Event.at <= at(moment),
            Event.details["hearing_at"].as_string() > instant_text(moment),
        ),
    )


def _separated() -> ColumnElement[Any]:
    return func.coalesce(P.separated_from_adults, Facility.separated_from_adults)


HELD_DIMENSIONS = {
    "kind": lambda: [E.kind],
    "court": lambda: [E.jurisdiction_code, E.court_id],
    "area": lambda: [E.jurisdiction_code, func.coalesce(Court.area, "")],
    "facility": lambda: [E.jurisdiction_code, P.facility_id],
}


def _where(scope: Scope, jurisdiction: Any, court: Any, facility: Any) -> list[ColumnElement[bool]]:
    """The scope's jurisdiction, court and facility, as conditions on these columns (None: not filtered)."""
    wanted = ((jurisdiction, scope.jurisdiction), (court, scope.court_id), (facility, scope.facility_id))
    return [column == value for column, value in wanted if value is not None and column is not None]


def _place_filters(scope: Scope, placement: Any) -> list[ColumnElement[bool]]:
    """The scope's jurisdiction, court and facility, the facility being `placement`'s."""
    return _where(scope, E.jurisdiction_code, E.court_id, placement.facility_id)


def _placement_filters(scope: Scope) -> list[ColumnElement[bool]]:
    return _place_filters(scope, P)


def held_at(scope: Scope, moment: datetime, by: str) -> list[Any]:
    """Per group: held, past a binding limit, with no hearing scheduled, not separated from adults, and with
    separation not recorded."""
    dims = HELD_DIMENSIONS[by]()
    separated = _separated()
    stmt = (
        select(
            *dims,
            func.count().label("held"),
            _count_if(past_binding_limit(moment)).label("past_limit"),
            _count_if(no_hearing_scheduled(moment)).label("no_hearing"),
            _count_if(separated.is_(False)).label("not_separated"),
            _count_if(separated.is_(None)).label("separation_unknown"),
        )
        .select_from(P)
        .join(E, E.id == P.episode_id)
        .join(Court, Court.id == E.court_id)
        .outerjoin(Facility, Facility.id == P.facility_id)
        .where(open_at(P.start_at, P.end_at, moment), *_placement_filters(scope))
        .group_by(*dims)
    )
    return _rows(stmt)


def held_at_instants(scope: Scope, instants: Sequence[datetime]) -> dict[int, int]:
    """Placements open at each of `instants` (month ends), by index, in one query."""
    if not instants:
        return {}
    points = union_all(*(select(literal(i).label("i"), at(t).label("t")) for i, t in enumerate(instants))).subquery()
    stmt = (
        select(points.c.i, func.count(P.id))
        .select_from(points)
        .join(P, and_(P.start_at <= points.c.t, or_(P.end_at.is_(None), P.end_at > points.c.t)))
        .join(E, E.id == P.episode_id)
        .where(*_placement_filters(scope))
        .group_by(points.c.i)
    )
    return {int(i): int(n) for i, n in db.session.execute(stmt)}


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


def _breached(stmt: Select, scope: Scope, placement: Any) -> Select:
    """`stmt` over the binding breaches in the period, joined to their case and to where the child was held then."""
    held_then = and_(
        placement.case_id == CaseDeadline.case_id,
        placement.start_at <= CaseDeadline.due,
        or_(placement.end_at.is_(None), placement.end_at > CaseDeadline.due),
    )
    conditions = [
        CaseDeadline.advisory.is_(False),
        _in_period(CaseDeadline.due, scope),
        status_at(scope.as_of).in_(BREACH_STATUSES),
        *_where(scope, Case.jurisdiction_code, CaseDeadline.court_id, placement.facility_id),
    ]
    return stmt.join(Case, Case.id == CaseDeadline.case_id).outerjoin(placement, held_then).where(*conditions)


def breaches(scope: Scope, by: str) -> list[Any]:
    """Binding breaches due in the period, per rule, court or facility (where the child was)."""
    placement = aliased(P)
    dims: list[Any] = {
        "rule": [Case.jurisdiction_code, CaseDeadline.pack_code, CaseDeadline.rule_id],
        "court": [Case.jurisdiction_code, CaseDeadline.court_id],
        "facility": [Case.jurisdiction_code, placement.facility_id, (placement.id.is_not(None)).label("held")],
    }[by]
    extra = [func.max(CaseDeadline.title).label("title")] if by == "rule" else []
    stmt = select(*dims, func.count().label("breaches"), *extra).select_from(CaseDeadline)
    return _rows(_breached(stmt, scope, placement).group_by(*dims))


def _months(scope: Scope) -> Any:
    rows = [
        select(literal(i).label("i"), at(start).label("s"), at(end).label("e"))
        for i, (_label, start, end) in enumerate(scope.months())
    ]
    return union_all(*rows).subquery()


def breaches_by_month(scope: Scope) -> dict[int, int]:
    months = _months(scope)
    stmt = (
        select(months.c.i, func.count(CaseDeadline.id))
        .select_from(months)
        .join(CaseDeadline, and_(CaseDeadline.due >= months.c.s, CaseDeadline.due < months.c.e))
    )
    stmt = _breached(stmt, scope, aliased(P)).group_by(months.c.i)
    return {int(i): int(n) for i, n in db.session.execute(stmt)}


def started_by_month(scope: Scope) -> dict[tuple[int, str], int]:
    """Episodes started in each month, per kind."""
    months = _months(scope)
    admitted = aliased(P)
    stmt = (
        select(months.c.i, E.kind, func.count(E.id))
        .select_from(months)
        .join(E, and_(E.start_at >= months.c.s, E.start_at < months.c.e))
        .join(admitted, and_(admitted.episode_id == E.id, admitted.position == 0))
        .where(*_place_filters(scope, admitted))
        .group_by(months.c.i, E.kind)
    )
    return {(int(i), kind): int(n) for i, kind, n in db.session.execute(stmt)}


# -- flows of episodes (JDAI) ---------------------------------------------------------------------------------


FLOW_DIMENSIONS = {
    "all": lambda: [],
    "kind": lambda: [E.kind],
    "sex": lambda: [Child.sex],
    "age_band": lambda: [E.age_band],
    "offence_class": lambda: [E.offence_class],
    "reason": lambda: [E.reason],
    "court": lambda: [E.jurisdiction_code, E.court_id],
    "area": lambda: [E.jurisdiction_code, func.coalesce(Court.area, "")],
}


def _episodes(scope: Scope, dims: list[Any], *columns: Any) -> Select:
    admitted = aliased(P)
    stmt = (
        select(*dims, *columns)
        .select_from(E)
        .join(Child, Child.id == E.child_id)
        .join(Court, Court.id == E.court_id)
        .join(admitted, and_(admitted.episode_id == E.id, admitted.position == 0))
        .where(*_place_filters(scope, admitted))
    )
    return stmt.group_by(*dims) if dims else stmt


def flows(scope: Scope, by: str) -> list[Any]:
    """Per group: apprehensions, remands (pre-trial admissions), pre-trial releases, pre-trial episodes
    held during the period, their child-seconds inside it, and the total days of the released ones."""
    dims = FLOW_DIMENSIONS[by]()
    started = _in_period(E.start_at, scope)
    ended = and_(E.end_at.is_not(None), _in_period(E.end_at, scope))
    overlaps = and_(E.start_at < at(scope.end), or_(E.end_at.is_(None), E.end_at > at(scope.start)))
    pretrial = E.kind == PRETRIAL
    stmt = _episodes(
        scope,
        dims,
        _count_if(and_(E.kind == POLICE, started)).label("apprehensions"),
        _count_if(and_(pretrial, started)).label("remands"),
        _count_if(and_(pretrial, ended)).label("releases"),
        _count_if(and_(pretrial, overlaps)).label("held_during"),
        _sum_if(and_(pretrial, overlaps), overlap_seconds(E.start_at, E.end_at, scope.start, scope.end)).label(
            "child_seconds"
        ),
        _sum_if(and_(pretrial, ended), days_between(E.start_at, E.end_at)).label("los_days"),
    ).where(E.start_at < at(scope.end), or_(E.end_at.is_(None), E.end_at >= at(scope.start)))
    return _rows(stmt)


def length_stats(scope: Scope, by: str, kinds: Sequence[str] = (PRETRIAL,)) -> list[Any]:
    """Per group (and kind): episodes ended in the period, mean, median and 90th percentile of their length in days."""
    dims = [E.kind, *FLOW_DIMENSIONS[by]()]
    days = days_between(E.start_at, E.end_at)
    inner = _episodes(scope, [], *[d.label(f"g{i}") for i, d in enumerate(dims)], days.label("d")).where(
        E.kind.in_(kinds), E.end_at.is_not(None), _in_period(E.end_at, scope)
    )
    return _ranked(inner.subquery(), len(dims))


def _ranked(source: Any, groups: int) -> list[Any]:
    """n, mean, median and 90th percentile (nearest rank) of column `d` per group columns g0..g{groups-1}."""
    keys = [source.c[f"g{i}"] for i in range(groups)]
    ranked = select(
        *keys,
        source.c.d,
        func.row_number().over(partition_by=keys, order_by=source.c.d).label("rn"),
        func.count().over(partition_by=keys).label("n"),
    ).subquery()
    rk = [ranked.c[f"g{i}"] for i in range(groups)]
    n, rn = ranked.c.n, ranked.c.rn
    middle = or_(rn == (n + 1) // 2, rn == (n + 2) // 2)
    stmt = select(
        *rk,
        func.max(n).label("n"),
        func.avg(ranked.c.d).label("mean"),
        func.avg(case((middle, ranked.c.d))).label("median"),
        func.max(case((rn == (9 * n + 9) // 10, ranked.c.d))).label("p90"),
    ).group_by(*rk)
    return _rows(stmt)


def histogram(scope: Scope, kind: str = PRETRIAL) -> dict[int, int]:
    """Episodes of `kind` ended in the period, per length bucket (index into `BUCKETS`)."""
    days = days_between(E.start_at, E.end_at)
    whens = [(days < high, index) for index, (_low, high) in enumerate(BUCKETS) if high is not None]
    bucket = case(*whens, else_=len(BUCKETS) - 1).label("bucket")
    inner = _episodes(scope, [], bucket).where(E.kind == kind, E.end_at.is_not(None), _in_period(E.end_at, scope))
    source = inner.subquery()
    stmt = select(source.c.bucket, func.count()).group_by(source.c.bucket)
    return {int(b): int(n) for b, n in db.session.execute(stmt)}


def presentence_spells(scope: Scope) -> list[Any]:
    """n, mean, median, p90 (days) of pre-sentence detention spells ended in the period (indicator 4).

    A spell is the police custody and pre-trial detention of one unbroken custody run; it ends
    at release or at sentence.
    """
    spells = (
        _episodes(
            scope,
            [],
            E.case_id.label("case_id"),
            E.run_start.label("run_start"),
        )
        .where(E.kind.in_(PRE_SENTENCE))
        .group_by(E.case_id, E.run_start)
        .having(func.count(E.end_at) == func.count())
        .add_columns(func.max(E.end_at).label("spell_end"))
        .subquery()
    )
    inner = (
        select(literal("all").label("g0"), days_between(spells.c.run_start, spells.c.spell_end).label("d"))
        .select_from(spells)
        .where(spells.c.spell_end >= at(scope.start), spells.c.spell_end < at(scope.end))
        .subquery()
    )
    return _ranked(inner, 1)


# -- indicators from events and the register ------------------------------------------------------------------

AREA = func.coalesce(Court.area, "")


def children_apprehended(scope: Scope, by_area: bool = False) -> list[Any]:
    """Distinct children apprehended (police custody started) in the period (indicator 1)."""
    dims = [E.jurisdiction_code, AREA] if by_area else []
    stmt = _episodes(scope, dims, func.count(func.distinct(E.child_id)).label("children")).where(
        E.kind == POLICE, _in_period(E.start_at, scope)
    )
    return _rows(stmt)


def _event_cases(scope: Scope) -> list[ColumnElement[bool]]:
    return [effective(Event), _in_period(Event.at, scope), *_where(scope, Case.jurisdiction_code, Case.court_id, None)]


def sentencing(scope: Scope) -> Any:
    """Distinct children sentenced in the period, and those given a custodial sentence (indicator 9)."""
    custodial = Event.details["custodial"].as_boolean().is_(True)
    stmt = (
        select(
            func.count(func.distinct(Case.child_id)).label("sentenced"),
            func.count(func.distinct(case((custodial, Case.child_id)))).label("custodial"),
        )
        .select_from(Event)
        .join(Case, Case.id == Event.case_id)
        .where(Event.type == "sentenced", *_event_cases(scope))
    )
    return db.session.execute(stmt).one()


def diversion(scope: Scope) -> Any:
    """Distinct children diverted, and children diverted or sentenced, in the period (indicator 10)."""
    diverted = or_(
        and_(Event.type == "diversion_considered", Event.details["outcome"].as_string() == "diverted"),
        and_(Event.type == "proceedings_terminated", Event.details["ground"].as_string() == "diverted"),
    )
    inner = (
        select(Case.child_id.label("child_id"), case((diverted, 1), else_=0).label("diverted"))
        .select_from(Event)
        .join(Case, Case.id == Event.case_id)
        .where(or_(diverted, Event.type == "sentenced"), *_event_cases(scope))
        .subquery()
    )
    stmt = select(
        func.count(func.distinct(case((inner.c.diverted == 1, inner.c.child_id)))).label("diverted"),
        func.count(func.distinct(inner.c.child_id)).label("total"),
    )
    return db.session.execute(stmt).one()


def aftercare(scope: Scope) -> Any:
    """Distinct children released from custody in the period, and those who received aftercare (indicator 11)."""
    followed = exists().where(
        Event.case_id == E.case_id,
        Event.type == "aftercare_started",
        effective(Event),
        Event.at >= E.end_at,
        Event.at <= at(scope.as_of),
    )
    stmt = _episodes(
        scope,
        [],
        func.count(func.distinct(E.child_id)).label("released"),
        func.count(func.distinct(case((followed, E.child_id)))).label("aftercare"),
    ).where(E.ended_by == "released", E.end_at.is_not(None), _in_period(E.end_at, scope))
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


REFERRAL_DIMENSIONS = ("type", "sex", "age_band", "offence_class", "court", "area")


def referral_outcomes(scope: Scope, by: str) -> list[Any]:
    """Referrals made in the period, per group: how many started, completed, failed to attend,
    and had a new offence while enrolled (a `new_offence` failure, or apprehended between start and end)."""

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
    dims = {
        "type": [Programme.type.label("g0")],
        "sex": [Child.sex.label("g0")],
        "age_band": [_age_band_sql(Child.date_of_birth, Referral.created_at).label("g0")],
        "offence_class": [_lead_offence_class().label("g0")],
        "court": [Case.jurisdiction_code.label("g0"), Case.court_id.label("g1")],
        "area": [Case.jurisdiction_code.label("g0"), AREA.label("g1")],
    }[by]
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
    source = inner.subquery()
    keys = [source.c[c.name] for c in dims]
    stmt = select(
        *keys,
        func.count().label("referrals"),
        func.sum(source.c.started).label("started"),
        func.sum(source.c.completed).label("completed"),
        func.sum(source.c.fta).label("fta"),
        func.sum(source.c.new_offence).label("new_offence"),
    ).group_by(*keys)
    return _rows(stmt)
