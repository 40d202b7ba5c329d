"""Case verbs: register a child, open a case, record and correct events, assign lawyers.

Every function takes the acting user, checks what only the domain can check
(references, courts, the timeline as a whole), writes its audit row, flushes and
never commits. Input has already been shaped by the marshmallow schemas.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm.attributes import flag_modified

from justice_tracker.audit.service import record
from justice_tracker.auth.access import can_edit_case, can_edit_child
from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case, CaseLawyer, CaseStatus, Child, Event, Offence
from justice_tracker.cases.timeline import as_timeline, child_facts, custody_run_start, effective_events
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines import service as deadlines
from justice_tracker.errors import Conflict, FieldError, Forbidden, ValidationFailed
from justice_tracker.org.models import Court, Jurisdiction
from justice_tracker.oversight import episodes as custody_store
from justice_tracker.programmes import last_resort
from justice_tracker.timeline.custody import derive_episodes
from justice_tracker.timeline.details import clean_details
from justice_tracker.timeline.facts import TimelineEvent
from justice_tracker.timeline.status import is_closed
from justice_tracker.timeline.validation import validate_timeline

# Events written by a workflow, which stays their source of truth.
WORKFLOW_EVENTS = {
    "referral_updated": "This entry records a referral step; change the referral on the programme page instead.",
}
PSEUDONYM_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"


def new_pseudonym() -> str:
    body = "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(8))
    return f"C-{body[:4]}-{body[4:]}"


def _check_version(obj: Case | Child, expected: int | None) -> None:
    if expected is not None and expected != obj.version:
        raise Conflict("This record was changed by someone else since you opened it; reload it and try again.")


# -- children -------------------------------------------------------------------------------------------------


def register_child(actor: User, data: Mapping[str, Any], *, court: Court | None = None) -> Child:
    if actor.role not in (Role.ADMIN, Role.CLERK):
        raise Forbidden("Only clerks and administrators register children.")
    _check_birth_date(data.get("date_of_birth"))
    child = Child(
        pseudonym=new_pseudonym(),
        given_name=data["given_name"],
        family_name=data["family_name"],
        date_of_birth=data.get("date_of_birth"),
        date_of_birth_estimated=bool(data.get("date_of_birth_estimated", False)),
        sex=data["sex"],
        languages=list(data.get("languages") or []),
        guardian_name=data.get("guardian_name"),
        guardian_relationship=data.get("guardian_relationship"),
        guardian_contact=data.get("guardian_contact"),
        registered_court_id=(court.id if court else actor.court_id),
        created_at=utcnow(),
        created_by_id=actor.id,
    )
    db.session.add(child)
    db.session.flush()
    record("child_created", "child", child.id, actor=actor)
    return child


def update_child(actor: User, child: Child, data: Mapping[str, Any], *, expected_version: int | None) -> Child:
    if not can_edit_child(actor, child):
        raise Forbidden("You cannot change this child's record.")
    _check_version(child, expected_version)
    _check_birth_date(data.get("date_of_birth", child.date_of_birth))
    changed = sorted(k for k, v in data.items() if getattr(child, k) != v)
    for key in changed:
        setattr(child, key, data[key])
    if changed:
        db.session.flush()
        _revalidate_cases(child)
        for case in child.cases:
            deadlines.recompute(case, utcnow())
            custody_store.rebuild(case)  # the age band at each episode's start follows the birth date
        record("child_updated", "child", child.id, actor=actor, detail="fields=" + ",".join(changed))
    return child


def _check_birth_date(dob: date | None) -> None:
    if dob is not None and dob > utcnow().date() + timedelta(days=1):
        raise ValidationFailed([FieldError("date_of_birth", "The date of birth is in the future.")])


def _revalidate_cases(child: Child) -> None:
    """A new birth date must still come before every recorded event."""
    for case in child.cases:
        _validate(case, as_timeline(effective_events(case.events)), path_prefix=None)


# -- cases ----------------------------------------------------------------------------------------------------


def resolve_court(actor: User, jurisdiction_code: str, court_name: str | None, *, create: bool = False) -> Court:
    jurisdiction = db.session.get(Jurisdiction, jurisdiction_code)
    if jurisdiction is None or not jurisdiction.active:
        raise ValidationFailed([FieldError("jurisdiction", f"Unknown jurisdiction {jurisdiction_code!r}.")])
    if actor.role == Role.CLERK:
        court = actor.court
        if court is None or (court_name and court_name != court.name):
            raise ValidationFailed([FieldError("court", "A clerk can open cases only in their own court.")])
    elif court_name:
        court = db.session.scalar(select(Court).where(Court.name == court_name))
        if court is None and create:
            court = Court(name=court_name, jurisdiction_code=jurisdiction.code, active=True)
            db.session.add(court)
            db.session.flush()
            record("court_created", "court", court.id, actor=actor, detail="created by case import")
        if court is None:
            raise ValidationFailed([FieldError("court", f"Unknown court {court_name!r}.")])
    else:
        courts = db.session.scalars(
            select(Court).where(Court.jurisdiction_code == jurisdiction.code, Court.active.is_(True)).order_by(Court.id)
        ).all()
        if len(courts) != 1:
            raise ValidationFailed([FieldError("court", "Name the court: the jurisdiction has several or none.")])
        court = courts[0]
    if court.jurisdiction_code != jurisdiction.code:
        raise ValidationFailed([FieldError("court", "The court belongs to another jurisdiction.")])
    if not court.active:
        raise ValidationFailed([FieldError("court", "The court is no longer active.")])
    return court


def open_case(actor: User, child: Child, data: Mapping[str, Any], *, court: Court) -> Case:
    if actor.role not in (Role.ADMIN, Role.CLERK) or (actor.role == Role.CLERK and court.id != actor.court_id):
        raise Forbidden("Only the court's clerks and administrators open cases.")
    reference = data["reference"].strip()
    if db.session.scalar(select(Case.id).where(Case.court_id == court.id, Case.reference == reference)):
        raise ValidationFailed([FieldError("reference", "This court already has a case with this reference.")])
    now = utcnow()
    case = Case(
        reference=reference,
        child=child,
        jurisdiction_code=court.jurisdiction_code,
        court=court,
        status=CaseStatus.OPEN,
        police_reference=data.get("police_reference"),
        prosecution_reference=data.get("prosecution_reference"),
        court_reference=data.get("court_reference"),
        created_at=now,
        updated_at=now,
        created_by_id=actor.id,
    )
    for position, offence in enumerate(data.get("offences") or []):
        case.offences.append(
            Offence(
                position=position,
                description=offence["description"],
                offence_class=offence.get("offence_class"),
                max_penalty_years=offence.get("max_penalty_years"),
            )
        )
    db.session.add(case)
    db.session.flush()
    for lawyer_id in data.get("lawyer_ids") or []:
        _link_lawyer(case, _lawyer(lawyer_id), now)
    deadlines.recompute(case, now)
    record("case_created", "case", case.id, actor=actor, detail=f"child={child.pseudonym}")
    return case


def _lawyer(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.LAWYER or not user.active:
        raise ValidationFailed([FieldError("lawyer_ids", f"User {user_id} is not an active lawyer.")])
    return user


def _link_lawyer(case: Case, lawyer: User, now: datetime) -> None:
    if lawyer.id not in case.lawyer_ids():
        case.lawyers.append(CaseLawyer(user_id=lawyer.id, assigned_at=now))


def assign_lawyer(actor: User, case: Case, lawyer_id: int, *, expected_version: int | None) -> None:
    _require_edit(actor, case)
    _check_version(case, expected_version)
    _link_lawyer(case, _lawyer(lawyer_id), utcnow())
    _touch(case)
    record("lawyer_assigned", "case", case.id, actor=actor, detail=f"lawyer={lawyer_id}")


def remove_lawyer(actor: User, case: Case, lawyer_id: int, *, expected_version: int | None) -> None:
    _require_edit(actor, case)
    _check_version(case, expected_version)
    link = next((link for link in case.lawyers if link.user_id == lawyer_id), None)
    if link is None:
        raise ValidationFailed([FieldError("lawyer_id", "This lawyer is not assigned to the case.")])
    case.lawyers.remove(link)
    _touch(case)
    record("lawyer_removed", "case", case.id, actor=actor, detail=f"lawyer={lawyer_id}")


def update_references(actor: User, case: Case, data: Mapping[str, Any], *, expected_version: int | None) -> None:
    _require_edit(actor, case)
    _check_version(case, expected_version)
    changed = sorted(k for k, v in data.items() if getattr(case, k) != v)
    for key in changed:
        setattr(case, key, data[key])
    _touch(case)
    record("case_updated", "case", case.id, actor=actor, detail="fields=" + ",".join(changed))


def _require_edit(actor: User, case: Case) -> None:
    if not can_edit_case(actor, case):
        raise Forbidden("You cannot change this case.")


def _touch(case: Case) -> None:
    # Any change to a case goes through its version column, so two saves from the
    # same version cannot both win (the second gets StaleDataError → 409).
    case.updated_at = utcnow()
    flag_modified(case, "updated_at")  # an unchanged instant (frozen clock) must still bump the version
    db.session.flush()


# -- events ---------------------------------------------------------------------------------------------------


def record_event(
    actor: User,
    case: Case,
    *,
    type: str,
    at: datetime,
    details: Mapping[str, Any] | None = None,
    expected_version: int | None,
) -> Event:
    """Record one event from a form or the API: detention needs alternatives considered first (last resort)."""
    _check_version(case, expected_version)
    item = {"type": type, "at": at, "details": details or {}}
    return record_events(actor, case, [item], path_prefix=None, require_diversion=True)[0]


def record_events(
    actor: User,
    case: Case,
    items: Sequence[Mapping[str, Any]],
    *,
    path_prefix: str | None,
    require_diversion: bool = False,
) -> list[Event]:
    """Append events (one from a form, many from a case file): all are stored, or none.

    Error paths name the event by its position under `path_prefix` (`events.3.at`),
    or by field alone when `path_prefix` is None (a single event from a form).
    With `require_diversion`, pre-trial detention or a custodial sentence without a
    `diversion_considered` at or before it is refused (`programmes.last_resort`);
    a case file of past events is imported with a warning instead.
    """
    _require_edit(actor, case)
    return append_events(actor, case, items, path_prefix=path_prefix, require_diversion=require_diversion)


def append_events(
    actor: User,
    case: Case,
    items: Sequence[Mapping[str, Any]],
    *,
    path_prefix: str | None,
    require_diversion: bool = False,
) -> list[Event]:
    """`record_events` without the case-editing check, for a domain service that made its own
    (a programme coordinator recording a referral step on the child's timeline)."""
    tz = ZoneInfo(case.time_zone)
    pending: list[TimelineEvent] = []
    errors: list[FieldError] = []
    for index, item in enumerate(items):
        cleaned, problems = clean_details(item["type"], item.get("details") or {}, tz=tz)
        errors += [FieldError(_path(path_prefix, index, p.field), p.message) for p in problems]
        pending.append(TimelineEvent(key=f"{NEW}{index}", type=item["type"], at=item["at"], details=cleaned))
    if errors:
        raise ValidationFailed(errors)
    standing = as_timeline(effective_events(case.events))
    _validate(case, standing + pending, path_prefix=path_prefix)
    _check_extensions(case, standing + pending, pending, path_prefix)
    if require_diversion:
        _check_last_resort(standing + pending, pending, path_prefix)
    now, first_seq = utcnow(), _next_seq(case)
    events = [
        Event(
            case=case,
            seq=first_seq + offset,
            type=item.type,
            at=item.at,
            details=dict(item.details),
            recorded_at=now,
            recorded_by_id=actor.id,
        )
        for offset, item in enumerate(pending)
    ]
    db.session.add_all(events)
    db.session.flush()
    _after_timeline_change(case)
    for event in events:
        record("event_recorded", "case", case.id, actor=actor, detail=f"event={event.seq} type={event.type}")
    return events


def _check_extensions(
    case: Case, timeline: list[TimelineEvent], new: list[TimelineEvent], path_prefix: str | None
) -> None:
    """An extension naming a rule may go only as far as the rule pack allows."""
    errors = [
        FieldError(_path(path_prefix, int(event.key[len(NEW) :]), "rule"), problem)
        for event in new
        for problem in deadlines.extension_problems(case, timeline, [event])
    ]
    if errors:
        raise ValidationFailed(errors)


def _check_last_resort(timeline: list[TimelineEvent], new: list[TimelineEvent], path_prefix: str | None) -> None:
    """Detention is a last resort: a `diversion_considered` must stand at or before each new detention."""
    gaps = last_resort.unconsidered(timeline, {event.key for event in new})
    if gaps:
        raise ValidationFailed(
            [
                FieldError(
                    last_resort.FIELD
                    if path_prefix is None
                    else f"{path_prefix}{event.key[len(NEW) :]}.{last_resort.FIELD}",
                    last_resort.message(event.type),
                )
                for event in gaps
            ]
        )


def correct_event(
    actor: User,
    case: Case,
    original: Event,
    *,
    reason: str,
    void: bool = False,
    type: str | None = None,
    at: datetime | None = None,
    details: Mapping[str, Any] | None = None,
    expected_version: int | None,
) -> Event:
    """Record a correction pointing at `original`: a replacement, or a void when `void`."""
    _require_edit(actor, case)
    _check_version(case, expected_version)
    if original.case_id != case.id:
        raise ValidationFailed([FieldError("corrects", "The event belongs to another case.")])
    if original not in effective_events(case.events):
        raise ValidationFailed(
            [FieldError("corrects", "This event has already been corrected; correct the latest version.")]
        )
    if original.type in WORKFLOW_EVENTS:
        # These mirror another record (a referral's steps): change that record instead.
        raise ValidationFailed([FieldError("corrects", WORKFLOW_EVENTS[original.type])])
    if not reason or not reason.strip():
        raise ValidationFailed([FieldError("reason", "Say why the event is corrected.")])
    new_type = type or original.type
    new_at = at or original.at
    cleaned: dict[str, Any] = {}
    if not void:
        source = details if details is not None else original.details
        cleaned, problems = clean_details(new_type, source, tz=ZoneInfo(case.time_zone))
        if problems:
            raise ValidationFailed([FieldError(_path(None, 0, p.field), p.message) for p in problems])
    remaining = [e for e in effective_events(case.events) if e.id != original.id]
    candidate = as_timeline(remaining)
    if not void:
        candidate.append(TimelineEvent(key=f"{NEW}0", type=new_type, at=new_at, details=cleaned))
    _validate(case, candidate, path_prefix=None)
    if not void and not last_resort.is_last_resort(original.type, original.details or {}):
        # A correction that turns an event into detention meets the last-resort rule as a new one would.
        _check_last_resort(candidate, candidate[-1:], None)
    correction = Event(
        case=case,
        seq=_next_seq(case),
        type=new_type if not void else original.type,
        at=new_at if not void else original.at,
        details=cleaned if not void else dict(original.details or {}),
        recorded_at=utcnow(),
        recorded_by_id=actor.id,
        corrects_id=original.id,
        voids=void,
        correction_reason=reason.strip(),
    )
    db.session.add(correction)
    db.session.flush()
    _after_timeline_change(case)
    record(
        "event_corrected", "case", case.id, actor=actor, detail=f"event={original.seq} by={correction.seq} void={void}"
    )
    return correction


NEW = "new"


def _path(prefix: str | None, index: int, field: str) -> str:
    field_path = field if field in ("type", "at") else f"details.{field}"
    return field_path if prefix is None else f"{prefix}{index}.{field_path}"


def _next_seq(case: Case) -> int:
    current = db.session.scalar(select(func.max(Event.seq)).where(Event.case_id == case.id)) if case.id else None
    return (current or 0) + 1


def _validate(case: Case, events: list[TimelineEvent], *, path_prefix: str | None) -> None:
    tolerance = timedelta(minutes=current_app.config["EVENT_FUTURE_TOLERANCE_MINUTES"])
    problems = validate_timeline(
        events, child_facts(case), now=utcnow(), tz=ZoneInfo(case.time_zone), future_tolerance=tolerance
    )
    if problems:
        raise ValidationFailed(
            [FieldError(_problem_path(p.event_key, p.field, path_prefix), p.message) for p in problems]
        )


def _problem_path(key: str | None, field: str, path_prefix: str | None) -> str:
    if key is not None and key.startswith(NEW):
        return _path(path_prefix, int(key[len(NEW) :]), field)
    # A stored event that the new one contradicts: name it by its number on the timeline.
    return f"event {key}.{field}" if key is not None else field


def _after_timeline_change(case: Case) -> None:
    db.session.refresh(case, ["events"])
    _touch(case)
    refresh_derived(case, utcnow())


def refresh_derived(case: Case, now: datetime) -> None:
    """Everything derived from the case's effective timeline (its events already loaded):
    custody state and since when, open or closed, stored deadlines and stored custody episodes."""
    refresh_state(case, now)
    deadlines.recompute(case, now)
    custody_store.rebuild(case)


def refresh_state(case: Case, now: datetime) -> None:
    """The case's custody state, since when, and whether it is open or closed."""
    timeline = as_timeline(effective_events(case.events))
    found = derive_episodes(timeline, now)
    run = custody_run_start(found, now)
    case.custody_state = found[-1].kind.value if run else None
    case.custody_since = run.start if run else None
    case.status = CaseStatus.CLOSED if is_closed(timeline) else CaseStatus.OPEN
