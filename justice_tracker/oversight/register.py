"""Administrator verbs on what the indicators divide by and report: child populations, policy facts, inspections.

Each takes the acting administrator, checks, writes one audit row and flushes; the request
commits. Saving a population or a policy fact for a key that exists replaces it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from sqlalchemy import select

from justice_tracker.audit.service import record
from justice_tracker.auth.models import Role, User
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.errors import FieldError, Forbidden, ValidationFailed
from justice_tracker.org.models import Facility, FacilityInspection, Jurisdiction
from justice_tracker.oversight.indicators import POLICY_ANSWERS, POLICY_INDICATORS
from justice_tracker.oversight.models import ChildPopulation, PolicyFact

MIN_YEAR, MAX_YEAR = 1950, 2200


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("Only administrators keep the oversight reference data.")


def _jurisdiction(code: str) -> Jurisdiction:
    found = db.session.get(Jurisdiction, code)
    if found is None:
        raise ValidationFailed([FieldError("jurisdiction_code", "Unknown jurisdiction.")])
    return found


Keyed = TypeVar("Keyed", ChildPopulation, PolicyFact)


def _upsert(actor: User, model: type[Keyed], **key: Any) -> tuple[Keyed, bool]:
    """The row with this key (a new one, added, when there is none), stamped as updated by `actor`."""
    row = db.session.scalar(select(model).filter_by(**key))
    created = row is None
    if row is None:
        row = model(**key)
        db.session.add(row)
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    return row, created


def save_population(
    actor: User,
    *,
    jurisdiction_code: str,
    area: str | None,
    year: int,
    population: int,
    age_from: int = 0,
    age_to: int = 17,
    source: str | None = None,
) -> ChildPopulation:
    _require_admin(actor)
    _jurisdiction(jurisdiction_code)
    problems = []
    if not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(FieldError("year", f"Give a year between {MIN_YEAR} and {MAX_YEAR}."))
    if population < 1:
        problems.append(FieldError("population", "The population must be at least 1."))
    if not 0 <= age_from <= age_to <= 25:
        problems.append(FieldError("age_to", "Give ages from 0 to 25, the first not above the last."))
    if problems:
        raise ValidationFailed(problems)
    area_key = " ".join((area or "").split())[:200]
    row, created = _upsert(actor, ChildPopulation, jurisdiction_code=jurisdiction_code, area=area_key, year=year)
    row.population, row.age_from, row.age_to = population, age_from, age_to
    row.source = (source or "").strip()[:300] or None
    db.session.flush()
    action = "child_population_created" if created else "child_population_updated"
    record(action, "child_population", row.id, actor=actor, detail=f"jurisdiction={jurisdiction_code} year={year}")
    return row


def delete_population(actor: User, row: ChildPopulation) -> None:
    _delete(actor, row, "child_population_deleted", "child_population", row.id, f"year={row.year}")


def _delete(actor: User, row: object, action: str, object_type: str, ident: object, detail: str) -> None:
    _require_admin(actor)
    record(action, object_type, ident, actor=actor, detail=detail)
    db.session.delete(row)
    db.session.flush()


def save_policy_fact(
    actor: User,
    *,
    jurisdiction_code: str,
    indicator: int,
    answer: str,
    recorded_on: date,
    note: str | None = None,
    source: str | None = None,
) -> PolicyFact:
    _require_admin(actor)
    _jurisdiction(jurisdiction_code)
    problems = []
    if indicator not in POLICY_INDICATORS:
        problems.append(FieldError("indicator", "Policy indicators are 12 to 15."))
    if answer not in POLICY_ANSWERS:
        problems.append(FieldError("answer", "Answer yes, partial or no."))
    if recorded_on > utcnow().date():
        problems.append(FieldError("recorded_on", "The day is in the future."))
    if problems:
        raise ValidationFailed(problems)
    row, _created = _upsert(actor, PolicyFact, jurisdiction_code=jurisdiction_code, indicator=indicator)
    row.answer, row.recorded_on = answer, recorded_on
    row.note = (note or "").strip()[:2000] or None
    row.source = (source or "").strip()[:300] or None
    db.session.flush()
    record(
        "policy_fact_saved",
        "policy_fact",
        row.id,
        actor=actor,
        detail=f"jurisdiction={jurisdiction_code} i={indicator}",
    )
    return row


def add_inspection(
    actor: User, facility: Facility, *, inspected_on: date, inspector: str, independent: bool, note: str | None = None
) -> FacilityInspection:
    _require_admin(actor)
    problems = []
    if inspected_on > utcnow().date():
        problems.append(FieldError("inspected_on", "The day is in the future."))
    if not inspector.strip():
        problems.append(FieldError("inspector", "Say who inspected."))
    if problems:
        raise ValidationFailed(problems)
    row = FacilityInspection(
        facility_id=facility.id,
        inspected_on=inspected_on,
        inspector=inspector.strip()[:200],
        independent=independent,
        note=(note or "").strip()[:1000] or None,
        recorded_at=utcnow(),
        recorded_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    record("facility_inspection_added", "facility", facility.id, actor=actor, detail=f"inspection={row.id}")
    return row


def delete_inspection(actor: User, row: FacilityInspection) -> None:
    _delete(actor, row, "facility_inspection_deleted", "facility", row.facility_id, f"inspection={row.id}")
