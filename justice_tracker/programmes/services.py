"""Programme and referral verbs, and the bridge from rows to the pure suggestion engine.

Every verb takes the acting user, checks, writes its audit row (ids only) and
flushes; the request or CLI command commits. Referral steps go on the child's
timeline as `referral_updated` events, recorded in the same transaction.

Taking a place is atomic: `take_place` is one conditional UPDATE
(`enrolled = enrolled + 1 WHERE enrolled < places`). On PostgreSQL a second
transaction taking the last place waits for the first, then finds no place and is
answered 409; SQLite serialises writers anyway.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from justice_tracker.audit.service import record
from justice_tracker.auth.access import can_edit_case
from justice_tracker.auth.models import Role, User
from justice_tracker.cases import services as case_services
from justice_tracker.cases.models import Case
from justice_tracker.cases.timeline import as_timeline, effective_events
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.errors import Conflict, FieldError, Forbidden, ValidationFailed
from justice_tracker.programmes import registry_io
from justice_tracker.programmes.access import can_change_referral, can_manage_programme
from justice_tracker.programmes.eligibility import ChildCase, OffenceFacts, ProgrammeFacts
from justice_tracker.programmes.models import Programme, ProgrammeCoordinator, Referral, ReferralStep
from justice_tracker.programmes.referrals import Needs, State, StepInput, place_change, step_problems
from justice_tracker.programmes.suggestions import Suggestion, stage_of, suggest
from justice_tracker.programmes.vocabulary import age_band
from justice_tracker.timeline.ages import age_on

STALE = "This record was changed by someone else since you opened it; reload it and try again."
CAPACITY_FIELDS = ("places", "enrolled", "waiting_list", "wait_days", "active")
# A programme's coordinators keep what describes it and its capacity; who it takes (eligibility), what it is (name,
# provider, type, stages, jurisdiction) and its code are the administrators' (docs/DECISIONS.md).
COORDINATOR_FIELDS = ("contact", "description", "languages", "areas", "cost", *CAPACITY_FIELDS)
ADMIN_FIELDS = tuple(name for name in registry_io.COLUMNS if name != "code")
_ATTRIBUTES = {"jurisdiction": "jurisdiction_code"}  # registry names that are not the column's


# -- facts for the pure engine --------------------------------------------------------------------------------


def finished_counts(programme_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """(completions, failures) per programme, counted in SQL from the referrals' steps."""
    ids = list(programme_ids)
    if not ids:
        return {}
    stmt = (
        select(Referral.programme_id, ReferralStep.state, func.count(func.distinct(Referral.id)))
        .join(ReferralStep, ReferralStep.referral_id == Referral.id)
        .where(Referral.programme_id.in_(ids), ReferralStep.state.in_((State.COMPLETED, State.FAILED)))
        .group_by(Referral.programme_id, ReferralStep.state)
    )
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for programme_id, state, count in db.session.execute(stmt):
        out[programme_id][0 if state == State.COMPLETED else 1] = count
    return {key: (value[0], value[1]) for key, value in out.items()}


def programme_facts(programme: Programme, finished: tuple[int, int] | None = None) -> ProgrammeFacts:
    completions, failures = finished or (0, 0)
    return ProgrammeFacts(
        id=programme.id,
        code=programme.code,
        name=programme.name,
        provider=programme.provider,
        type=programme.type,
        jurisdiction=programme.jurisdiction_code,
        stages=frozenset(programme.stages or ()),
        areas=tuple(programme.areas or ()),
        languages=tuple(programme.languages or ()),
        min_age=programme.min_age,
        max_age=programme.max_age,
        offence_classes=frozenset(programme.offence_classes or ()),
        excluded_offence_classes=frozenset(programme.excluded_offence_classes or ()),
        max_penalty_years=programme.max_penalty_years,
        requires_acknowledgement=programme.requires_acknowledgement,
        requires_child_consent=programme.requires_child_consent,
        requires_parent_consent=programme.requires_parent_consent,
        exclusions=tuple(programme.exclusions or ()),
        places=programme.places,
        enrolled=programme.enrolled,
        waiting_list=programme.waiting_list,
        wait_days=programme.wait_days,
        active=programme.active,
        completions=completions,
        failures=failures,
    )


def _local_today(case: Case) -> date:
    return utcnow().astimezone(ZoneInfo(case.time_zone)).date()


def child_age(case: Case) -> int | None:
    born, today = case.child.date_of_birth, _local_today(case)
    return age_on(born, today) if born is not None and today >= born else None


def case_facts(case: Case, *, stage: str | None = None) -> ChildCase:
    """The case as the suggestion engine sees it: no name, birth date or offence description."""
    return ChildCase(
        jurisdiction=case.jurisdiction_code,
        stage=stage or stage_of(as_timeline(effective_events(case.events))),
        age=child_age(case),
        age_estimated=bool(case.child.date_of_birth_estimated),
        offences=tuple(OffenceFacts(o.offence_class, o.max_penalty_years) for o in case.offences),
        languages=tuple(case.child.languages or ()),
        area=(case.court.area or "").strip() or None,
    )


def suggestions_for(case: Case, *, stage: str | None = None) -> list[Suggestion]:
    """Every programme of the case's jurisdiction, ranked and explained for this case."""
    programmes = db.session.scalars(
        select(Programme).where(Programme.jurisdiction_code == case.jurisdiction_code).order_by(Programme.id)
    ).all()
    counts = finished_counts(p.id for p in programmes)
    return suggest([programme_facts(p, counts.get(p.id)) for p in programmes], case_facts(case, stage=stage))


@dataclass(frozen=True)
class ChildSummary:
    """All a programme coordinator sees of a child: never a name, a birth date or the offence itself."""

    pseudonym: str
    age_band: str
    offence_classes: tuple[str, ...]
    languages: tuple[str, ...]


def child_summary(case: Case) -> ChildSummary:
    classes = sorted({o.offence_class or "not recorded" for o in case.offences})
    return ChildSummary(
        pseudonym=case.child.pseudonym,
        age_band=age_band(child_age(case), estimated=bool(case.child.date_of_birth_estimated)),
        offence_classes=tuple(classes),
        languages=tuple(case.child.languages or ()),
    )


# -- outcomes -------------------------------------------------------------------------------------------------


@dataclass
class Outcomes:
    referrals: int = 0
    starts: int = 0
    completions: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    new_apprehensions: int = 0
    median_days_to_start: float | None = None

    @property
    def failed(self) -> int:
        return sum(self.failures.values())


def outcomes(programme: Programme, now: datetime | None = None) -> Outcomes:
    """What became of the programme's referrals (one programme's rows, never the whole registry)."""
    now = now or utcnow()
    rows = db.session.scalars(
        select(Referral)
        .where(Referral.programme_id == programme.id)
        .options(selectinload(Referral.steps), selectinload(Referral.case).selectinload(Case.events))
    ).all()
    result = Outcomes(referrals=len(rows))
    waits = []
    for referral in rows:
        started = referral.step_at(State.STARTED)
        failed = referral.step_at(State.FAILED)
        if referral.step_at(State.COMPLETED) is not None:
            result.completions += 1
        if failed is not None:
            reason = referral.failure_reason or "other"
            result.failures[reason] = result.failures.get(reason, 0) + 1
        if started is None:
            continue
        result.starts += 1
        waits.append((started - referral.steps[0].at).total_seconds() / 86400)
        ended = referral.step_at(State.COMPLETED) or failed or now
        standing = effective_events(referral.case.events)
        if any(e.type == "apprehended" and started <= e.at <= ended for e in standing):
            result.new_apprehensions += 1
    result.median_days_to_start = round(median(waits), 1) if waits else None
    return result


# -- capacity -------------------------------------------------------------------------------------------------


def _expire(session: Session, programme_id: int) -> None:
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Programme) and obj.id == programme_id:
            session.expire(obj)


def take_place(session: Session, programme_id: int) -> None:
    """Take one place, atomically: `Conflict` (409) when none is free, whoever else is taking it."""
    result = session.execute(
        update(Programme)
        .where(Programme.id == programme_id, Programme.enrolled < Programme.places)
        .values(enrolled=Programme.enrolled + 1, version=Programme.version + 1)
        .execution_options(synchronize_session=False)
    )
    _expire(session, programme_id)
    if result.rowcount != 1:
        row = session.execute(
            select(Programme.places, Programme.enrolled, Programme.waiting_list).where(Programme.id == programme_id)
        ).one()
        raise Conflict(
            f"The programme has no free place: {row.enrolled} of {row.places} places are taken and "
            f"{row.waiting_list} children are waiting. Nothing was changed: the referral stays offered."
        )


def release_place(session: Session, programme_id: int) -> None:
    session.execute(
        update(Programme)
        .where(Programme.id == programme_id, Programme.enrolled > 0)
        .values(enrolled=Programme.enrolled - 1, version=Programme.version + 1)
        .execution_options(synchronize_session=False)
    )
    _expire(session, programme_id)


def create_programme(actor: User, data: Mapping[str, Any]) -> Programme:
    """An administrator adds a programme to the registry, checked by the import's rules (`registry_io`)."""
    if actor.role != Role.ADMIN:
        raise Forbidden("Only administrators add programmes to the registry.")
    values, problems = registry_io.check_programme(data, None, registry_io.active_jurisdictions())
    code = str(data.get("code") or "").strip()
    if code and db.session.scalar(select(Programme.id).where(Programme.code == code)) is not None:
        problems.append(FieldError("code", "is already the code of another programme; choose another."))
    if values is None or problems:
        raise ValidationFailed(_by_field(problems))
    programme = registry_io.new_programme(values, utcnow())
    db.session.add(programme)
    db.session.flush()
    record("programme_created", "programme", programme.id, actor=actor, detail="fields=" + ",".join(sorted(data)))
    return programme


def editable_fields(actor: User, programme: Programme) -> tuple[str, ...]:
    """What `actor` may change: administrators every field but the code; its coordinators `COORDINATOR_FIELDS`."""
    if actor.role == Role.ADMIN:
        return ADMIN_FIELDS
    if can_manage_programme(actor, programme):
        return COORDINATOR_FIELDS
    raise Forbidden("Only the programme's coordinators and administrators keep it current.")


def update_programme(
    actor: User, programme: Programme, data: Mapping[str, Any], *, expected_version: int | None
) -> list[str]:
    """Change some fields of a programme (registry format, `COLUMNS`), checked by the import's rules.

    The programme as stored, with `data` over it, is checked whole; only the fields in `data` are set.
    Returns the names of the fields changed (audited when any is).
    """
    refused = sorted(set(data) - set(editable_fields(actor, programme)))
    if refused:
        raise Forbidden("You may not change these fields of the programme: " + ", ".join(refused) + ".")
    if expected_version is not None and expected_version != programme.version:
        raise Conflict(STALE)
    stored = registry_io.export_items([programme])[0]
    # Keeping the stored jurisdiction is never refused, even when it has been deactivated since.
    jurisdictions = registry_io.active_jurisdictions() | {programme.jurisdiction_code}
    values, problems = registry_io.check_programme(stored | dict(data), programme, jurisdictions)
    if values is None or problems:
        raise ValidationFailed(_by_field(problems))
    given = {_ATTRIBUTES.get(key, key) for key in data}
    changed = registry_io.apply_values(programme, {k: v for k, v in values.items() if k in given}, utcnow())
    if changed:
        db.session.flush()
        record("programme_updated", "programme", programme.id, actor=actor, detail="fields=" + ",".join(changed))
    return changed


def _by_field(problems: Iterable[FieldError]) -> list[FieldError]:
    """A list item's problem on its list (`areas.2` → `areas`, "item 3: …"), where a form shows it."""
    out = []
    for problem in problems:
        name, _dot, index = problem.field.partition(".")
        message = f"item {int(index) + 1}: {problem.message}" if index.isdigit() else problem.message
        out.append(FieldError(name, message))
    return out


# -- coordinators ---------------------------------------------------------------------------------------------


def link_coordinator(actor: User, programme: Programme, user: User) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("Only administrators link coordinators to programmes.")
    if user.role != Role.COORDINATOR or not user.active:
        raise ValidationFailed([FieldError("user_id", "Choose an active programme coordinator account.")])
    if user.id in programme.coordinator_ids():
        return
    programme.coordinator_links.append(ProgrammeCoordinator(user_id=user.id, linked_at=utcnow()))
    db.session.flush()
    record("programme_coordinator_linked", "programme", programme.id, actor=actor, detail=f"user={user.id}")


def unlink_coordinator(actor: User, programme: Programme, user_id: int) -> None:
    if actor.role != Role.ADMIN:
        raise Forbidden("Only administrators link coordinators to programmes.")
    link = next((link for link in programme.coordinator_links if link.user_id == user_id), None)
    if link is None:
        raise ValidationFailed([FieldError("user_id", "This account is not a coordinator of the programme.")])
    programme.coordinator_links.remove(link)
    db.session.flush()
    record("programme_coordinator_unlinked", "programme", programme.id, actor=actor, detail=f"user={user_id}")


# -- referrals ------------------------------------------------------------------------------------------------


def create_referral(
    actor: User, case: Case, programme: Programme, *, at: datetime | None = None, reason: str | None = None
) -> Referral:
    """Suggest a programme for a child: the referral's first step, on the case's timeline too."""
    if not can_edit_case(actor, case):
        raise Forbidden("Only the court's clerks and administrators refer a child to a programme.")
    if programme.jurisdiction_code != case.jurisdiction_code:
        raise ValidationFailed([FieldError("programme_id", "The programme works in another jurisdiction.")])
    if not programme.active:
        raise ValidationFailed([FieldError("programme_id", "The programme is not taking referrals at present.")])
    open_one = db.session.scalar(
        select(Referral.id).where(
            Referral.case_id == case.id, Referral.programme_id == programme.id, Referral.state != State.CLOSED
        )
    )
    if open_one is not None:
        message = f"The case already has an open referral to this programme (referral {open_one})."
        raise ValidationFailed([FieldError("programme_id", message)])
    now = utcnow()
    referral = Referral(
        case=case, programme=programme, state=State.SUGGESTED, created_at=now, updated_at=now, created_by_id=actor.id
    )
    db.session.add(referral)
    db.session.flush()
    _add_step(actor, referral, State.SUGGESTED, at or now, reason)
    record("referral_created", "referral", referral.id, actor=actor, detail=f"case={case.id} programme={programme.id}")
    return referral


def change_referral(
    actor: User, referral: Referral, step: StepInput, *, at: datetime | None = None, expected_version: int | None
) -> Referral:
    """Move a referral one step on (accepting takes a place, atomically); refused steps change nothing."""
    if not can_change_referral(actor, referral):
        raise Forbidden("Only the case's court, the programme's coordinators and administrators move a referral on.")
    if expected_version is not None and expected_version != referral.version:
        raise Conflict(STALE)
    programme = referral.programme
    needs = Needs(
        programme.requires_child_consent, programme.requires_parent_consent, programme.requires_acknowledgement
    )
    problems = step_problems(referral.state, step, needs)
    if problems:
        raise ValidationFailed([FieldError(name, message) for name, message in problems])
    at = at or utcnow()
    previous = referral.steps[-1].at if referral.steps else None
    if previous is not None and at < previous:
        message = f"is before the referral's previous step ({previous.isoformat()}); steps are recorded in order."
        raise ValidationFailed([FieldError("at", message)])
    before = referral.state
    referral.state = step.target
    if step.target == State.ACCEPTED:
        referral.child_consent = step.child_consent
        referral.parent_consent = step.parent_consent
        referral.acknowledgement = step.acknowledgement
    if step.target == State.FAILED:
        referral.failure_reason = step.failure_reason
    referral.updated_at = utcnow()
    # The referral's own version first: of two people moving the same referral on, the second gets 409.
    db.session.flush()
    change = place_change(before, step.target)
    if change > 0:
        take_place(db.session, programme.id)
    elif change < 0:
        release_place(db.session, programme.id)
    _add_step(actor, referral, State(step.target), at, step.reason)
    detail = f"case={referral.case_id} programme={programme.id} from={before} to={step.target}"
    record("referral_updated", "referral", referral.id, actor=actor, detail=detail)
    return referral


def _add_step(actor: User, referral: Referral, state: State, at: datetime, reason: str | None) -> ReferralStep:
    programme = referral.programme
    details = {"programme": programme.name, "programme_code": programme.code, "state": state.value}
    if reason:
        details["reason"] = reason
    # Access was checked by the caller (a coordinator may not edit the case, but records its referral steps).
    item = {"type": "referral_updated", "at": at, "details": details}
    event = case_services.append_events(actor, referral.case, [item], path_prefix=None)[0]
    step = ReferralStep(
        referral=referral,
        state=state.value,
        at=at,
        reason=reason,
        recorded_at=utcnow(),
        recorded_by_id=actor.id,
        event_id=event.id,
    )
    db.session.add(step)
    db.session.flush()
    return step


def case_referrals(case: Case) -> list[Referral]:
    return list(
        db.session.scalars(
            select(Referral)
            .where(Referral.case_id == case.id)
            .options(selectinload(Referral.steps), selectinload(Referral.programme))
            .order_by(Referral.created_at.desc(), Referral.id.desc())
        )
    )
