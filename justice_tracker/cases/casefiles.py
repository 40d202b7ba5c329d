"""Case files: one child's case as a JSON document, imported and exported whole.

The format is `../shared/examples/README.md`'s, loaded by `CaseFileSchema`.

Import is
- all-or-nothing: it runs in a savepoint; any problem (a bad field, a bad event,
  a timeline that does not hang together) undoes everything it did and raises
  `ValidationFailed` naming the field by its path in the file (`events.3.kind`);
- idempotent: a case is identified by its court and reference. Importing a file
  again creates nothing: events already recorded (same type and instant; also when
  they have since been corrected or voided in the application, whose correction
  wins) are skipped, new ones are appended and validated together with the stored
  ones, lawyers not yet assigned are added. A file that contradicts the stored case (a
  different child, different offences or references, an event of the same type and
  instant with different details) is a `Conflict`: change the case in the
  application, with a correction, rather than by re-importing.
- A new case always registers a new child: children are never matched by name,
  because merging two children's records would be far worse than a duplicate.
- A case file is a record of what happened: pre-trial detention or a custodial
  sentence in it without a `diversion_considered` before it is imported, with a
  warning (`ImportResult.warnings`) rather than refused as a form or the API would
  refuse it (`programmes.last_resort`). The case page shows the same warning.

Export writes the same format: the *effective* timeline only (what stands after
corrections), each instant in the court's local offset, so export → import gives
the same case. Corrections and voided events are not exported: a case file states
the case, the history of how the record was corrected stays in the application
(`GET /api/v1/cases/<id>/events`) and its audit log.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from justice_tracker.audit.service import record
from justice_tracker.auth.access import can_edit_case
from justice_tracker.auth.models import Role, User
from justice_tracker.cases import services
from justice_tracker.cases.models import Case, Child
from justice_tracker.cases.schemas import CaseFileSchema, load
from justice_tracker.cases.timeline import as_timeline, effective_events
from justice_tracker.db import db
from justice_tracker.errors import Conflict, FieldError, Forbidden, ValidationFailed
from justice_tracker.org.models import Court, Jurisdiction
from justice_tracker.programmes import last_resort
from justice_tracker.timeline.details import clean_details

if TYPE_CHECKING:
    from justice_tracker.cases.batch_import import ImportedCase

IDENTITY_KEYS = ("given_name", "family_name", "date_of_birth", "date_of_birth_estimated", "sex")
REFERENCE_KEYS = ("police_reference", "prosecution_reference", "court_reference")
_EVENT_PATH = re.compile(r"^events\.(\d+)\.(?:details\.)?")
_STORED_EVENT_PATH = re.compile(r"^event (\d+)\.")


@dataclass
class ImportResult:
    case: Case
    created: bool
    events_added: int = 0
    lawyers_added: int = 0
    skipped_events: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.created or bool(self.events_added or self.lawyers_added)


def import_case_file(actor: User, data: Any) -> tuple[Case, bool]:
    """Import one case file; return the case and whether it was created."""
    result = import_case_file_detailed(actor, data)
    return result.case, result.created


def import_case_file_detailed(actor: User, data: Any, *, schema: CaseFileSchema | None = None) -> ImportResult:
    """`schema`: a `CaseFileSchema` to load with (a command importing many files makes one)."""
    if actor.role not in (Role.ADMIN, Role.CLERK):
        raise Forbidden("Only clerks and administrators import case files.")
    loaded = load(schema or CaseFileSchema(), data)
    with db.session.begin_nested():
        court = _court(actor, loaded)
        lawyer_ids = _lawyer_ids(loaded["lawyers"])
        existing = db.session.scalar(
            select(Case).where(Case.court_id == court.id, Case.reference == loaded["reference"])
        )
        if existing is None:
            result = _create(actor, court, loaded, lawyer_ids)
        else:
            result = _update(actor, existing, loaded, lawyer_ids)
        record("case_imported", "case", result.case.id, actor=actor, detail=_imported_detail(result))
    return result


def _imported_detail(result: ImportResult | ImportedCase) -> str:
    return (
        f"created={int(result.created)} events_added={result.events_added} "
        f"events_skipped={len(result.skipped_events)} lawyers_added={result.lawyers_added} "
        f"last_resort_warnings={len(result.warnings)}"
    )


def _court(actor: User, loaded: Mapping[str, Any]) -> Court:
    name, create, creating = _court_target(actor, loaded)
    court = services.resolve_court(actor, loaded["jurisdiction"], name, create=create)
    zone = loaded.get("court_time_zone")
    if zone:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationFailed([FieldError("court_time_zone", f"Unknown time zone {zone!r}.")]) from None
        if creating and zone != court.jurisdiction.time_zone:
            # Only a court this import creates takes the file's zone: an existing court's is the administrator's.
            court.time_zone = zone
            db.session.flush()
    return court


def _court_target(actor: User, loaded: Mapping[str, Any]) -> tuple[str | None, bool, bool]:
    """The court name a file goes to, whether the actor may create it, and whether importing would create it."""
    code, name = loaded["jurisdiction"], loaded.get("court")
    create = actor.role == Role.ADMIN
    if create and not name:
        name = _default_court_name(code)
    creating = create and bool(name) and db.session.scalar(select(Court.id).where(Court.name == name)) is None
    return name, create, creating


def _default_court_name(code: str) -> str | None:
    """A file that names no court goes to the jurisdiction's only court; with none, a court is made for it."""
    jurisdiction = db.session.get(Jurisdiction, code)
    if jurisdiction is None:
        return None  # resolve_court names the unknown jurisdiction
    courts = db.session.scalars(select(Court.name).where(Court.jurisdiction_code == code, Court.active.is_(True))).all()
    if len(courts) == 1:
        return courts[0]
    if not courts:
        return f"{jurisdiction.name} — imported cases"
    return None  # several: resolve_court asks for the court to be named


def _lawyer_ids(emails: Sequence[str]) -> list[int]:
    ids: list[int] = []
    errors: list[FieldError] = []
    for index, email in enumerate(emails):
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
        if user is None or user.role != Role.LAWYER or not user.active:
            errors.append(FieldError(f"lawyers.{index}", "No active lawyer account has this e-mail address."))
        elif user.id not in ids:
            ids.append(user.id)
    if errors:
        raise ValidationFailed(errors)
    return ids


def _create(actor: User, court: Court, loaded: Mapping[str, Any], lawyer_ids: list[int]) -> ImportResult:
    try:
        child = services.register_child(actor, loaded["child"], court=court)
    except ValidationFailed as exc:
        raise ValidationFailed([FieldError(f"child.{e.field}", e.message) for e in exc.errors]) from None
    case_data = {
        "reference": loaded["reference"],
        "offences": loaded.get("offences") or [],
        "lawyer_ids": lawyer_ids,
        **{key: loaded.get(key) for key in REFERENCE_KEYS},
    }
    case = services.open_case(actor, child, case_data, court=court)
    events = loaded["events"]
    warnings = _record(actor, case, events, list(range(len(events)))) if events else []
    return ImportResult(case=case, created=True, events_added=len(events), warnings=warnings)


def _update(actor: User, case: Case, loaded: Mapping[str, Any], lawyer_ids: list[int]) -> ImportResult:
    if not can_edit_case(actor, case):
        raise Forbidden("You cannot change this case.")
    _same_child(case.child, loaded["child"], case.reference)
    _same_case(case, loaded)
    tz = ZoneInfo(case.time_zone)
    standing = {(e.type, e.at.astimezone(UTC)): e for e in effective_events(case.events)}
    # Rows already corrected or voided in the application: the correction wins over the file.
    history = {(e.type, e.at.astimezone(UTC)) for e in case.events}
    new_indices: list[int] = []
    skipped: list[int] = []
    file_index_of_seq: dict[int, int] = {}
    for index, item in enumerate(loaded["events"]):
        key = (item["type"], item["at"].astimezone(UTC))
        twin = standing.get(key)
        if twin is None:
            (skipped if key in history else new_indices).append(index)
            continue
        cleaned, problems = clean_details(item["type"], item["details"], tz=tz)
        if problems:
            raise ValidationFailed([FieldError(f"events.{index}.{p.field}", p.message) for p in problems])
        if cleaned != dict(twin.details or {}):
            raise Conflict(
                f"events.{index}: a {item['type']} event at this instant is already recorded with other details "
                f"(event {twin.seq}); correct it in the application instead of re-importing."
            )
        skipped.append(index)
        file_index_of_seq[twin.seq] = index
    warnings = []
    if new_indices:
        warnings = _record(actor, case, [loaded["events"][i] for i in new_indices], new_indices, file_index_of_seq)
    lawyers_added = 0
    for lawyer_id in lawyer_ids:
        if lawyer_id not in case.lawyer_ids():
            services.assign_lawyer(actor, case, lawyer_id, expected_version=None)
            lawyers_added += 1
    return ImportResult(
        case=case,
        created=False,
        events_added=len(new_indices),
        lawyers_added=lawyers_added,
        skipped_events=skipped,
        warnings=warnings,
    )


def _same_child(child: Child, given: Mapping[str, Any], reference: str) -> None:
    differing = [key for key in IDENTITY_KEYS if getattr(child, key) != given.get(key)]
    if differing:
        # Field names only: the message must not repeat identity values.
        raise Conflict(
            f"The case {reference} already exists in this court for another child (differs in: {', '.join(differing)})."
        )


def _same_case(case: Case, loaded: Mapping[str, Any]) -> None:
    differing = [key for key in REFERENCE_KEYS if loaded.get(key) and loaded[key] != getattr(case, key)]
    if "offences" in loaded and _offences(loaded["offences"]) != [
        (o.description, o.offence_class, o.max_penalty_years) for o in case.offences
    ]:
        differing.append("offences")
    if differing:
        raise Conflict(
            f"The case {case.reference} already exists in this court with other {', '.join(differing)}; "
            "change the case in the application."
        )


def _offences(items: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            o["description"],
            o.get("offence_class"),
            None if o.get("max_penalty_years") is None else float(o["max_penalty_years"]),
        )
        for o in items
    ]


def _record(
    actor: User,
    case: Case,
    items: Sequence[Mapping[str, Any]],
    indices: Sequence[int],
    file_index_of_seq: Mapping[int, int] | None = None,
) -> list[str]:
    """Record events, naming errors by the event's index in the file and its field as the file spells it.

    Returns a warning for each new detention with no alternatives considered before it.
    """
    try:
        events = services.record_events(actor, case, items, path_prefix="events.")
    except ValidationFailed as exc:
        errors = [FieldError(_file_path(e.field, indices, file_index_of_seq or {}), e.message) for e in exc.errors]
        raise ValidationFailed(errors) from None
    index_of_key = {event.key: indices[position] for position, event in enumerate(events)}
    gaps = last_resort.unconsidered(as_timeline(effective_events(case.events)), index_of_key)
    return [f"events.{index_of_key[event.key]}: {last_resort.message(event.type)}" for event in gaps]


def _file_path(path: str, indices: Sequence[int], file_index_of_seq: Mapping[int, int]) -> str:
    # Type-specific fields sit flat in a case file: `events.3.details.kind` is `events.3.kind` there.
    found = _EVENT_PATH.match(path)
    if found is not None:
        position = int(found.group(1))
        index = indices[position] if position < len(indices) else position
        return f"events.{index}." + path[found.end() :]
    # A stored event the new ones contradict ("event 4.type"): named by its place in the file when it is there.
    stored = _STORED_EVENT_PATH.match(path)
    if stored is not None and int(stored.group(1)) in file_index_of_seq:
        return f"events.{file_index_of_seq[int(stored.group(1))]}." + path[stored.end() :]
    return path


# -- export ---------------------------------------------------------------------------------------------------


def export_case_file(case: Case) -> dict[str, Any]:
    """The case as a case file: effective events only, instants in the court's local offset."""
    tz = ZoneInfo(case.time_zone)
    child = case.child
    out: dict[str, Any] = {
        "reference": case.reference,
        "jurisdiction": case.jurisdiction_code,
        "court": case.court.name,
    }
    if case.court.time_zone and case.court.time_zone != case.court.jurisdiction.time_zone:
        out["court_time_zone"] = case.court.time_zone
    out["child"] = {
        "given_name": child.given_name,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else None,
        "date_of_birth_estimated": bool(child.date_of_birth_estimated),
        "sex": child.sex,
        "languages": list(child.languages or []),
    }
    for key in ("guardian_name", "guardian_relationship", "guardian_contact"):
        if getattr(child, key):
            out["child"][key] = getattr(child, key)
    for key in REFERENCE_KEYS:
        if getattr(case, key):
            out[key] = getattr(case, key)
    out["offences"] = [_offence(o) for o in case.offences]
    events = sorted(effective_events(case.events), key=lambda e: (e.at, e.seq))
    out["events"] = [{"type": e.type, "at": e.at.astimezone(tz).isoformat(), **dict(e.details or {})} for e in events]
    out["lawyers"] = sorted(link.user.email for link in case.lawyers)
    return out


def _offence(offence: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"description": offence.description, "max_penalty_years": offence.max_penalty_years}
    if offence.offence_class:
        item["class"] = offence.offence_class
    return item


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_name(case: Case) -> str:
    """A safe file name for a case: from its reference (never the child's name)."""
    stem = _UNSAFE.sub("_", case.reference).strip("._")[:100]
    return f"{stem or f'case-{case.id}'}.json"
