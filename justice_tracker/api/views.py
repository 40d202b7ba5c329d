"""JSON endpoints of `/api/v1`.

Each view: load and check the input, load the record, check access to it, act
through the services, write the audit row, commit once. Record endpoints are for
the roles that work on cases (admin, clerk, lawyer); oversight and programme
coordinators are refused (403, audited) because these answers carry identity.
Time-dependent answers take `as_of` (an instant on the timeline; default now);
`known_at` restricts them to what had been recorded by then.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, jsonify, url_for
from sqlalchemy import false, func, select
from sqlalchemy.orm import selectinload

from justice_tracker.api import bp, params
from justice_tracker.api.deadlines import deadline_items, pack_ref
from justice_tracker.api.openapi import build_document
from justice_tracker.api.payloads import (
    case_detail,
    case_state,
    case_summary,
    child_payload,
    event_history,
    event_payload,
)
from justice_tracker.audit.service import record
from justice_tracker.auth.access import access, can_view_case, can_view_child
from justice_tracker.auth.models import Role, User
from justice_tracker.cases import services
from justice_tracker.cases.casefiles import export_case_file, file_name, import_case_file_detailed
from justice_tracker.cases.models import Case, CaseLawyer, CaseStatus, Child, Event
from justice_tracker.cases.schemas import ChildSchema, CorrectionInputSchema, EventInputSchema, load
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.errors import Forbidden, NotFound
from justice_tracker.org.models import Court

RECORD_ROLES = (Role.ADMIN, Role.CLERK, Role.LAWYER)
EDIT_ROLES = (Role.ADMIN, Role.CLERK)
MAX_PER_PAGE = 100

bp.register_error_handler(params.BadParameter, params.bad_parameter_answer)


def _user() -> User:
    return g.user


def _answer(payload: Any, status: int = 200, headers: dict[str, str] | None = None):
    response = jsonify(payload)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _case(case_id: int) -> Case:
    # An id no integer column holds is simply not found (PostgreSQL would refuse to compare it: a 500).
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None:
        raise NotFound("No case has this id.")
    if not can_view_case(_user(), case):
        raise Forbidden("This case is not one you can see.")
    return case


# -- who am I -------------------------------------------------------------------------------------------------


@bp.route("/me")
@access()
def me():
    """The signed-in user (or the owner of the API token)."""
    user = _user()
    court = {"id": user.court.id, "name": user.court.name} if user.court else None
    return _answer(
        {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "role": user.role,
            "court": court,
            "authenticated_by": g.get("auth_method"),
        }
    )


@bp.route("/openapi.json")
@access()
def openapi():
    """This API described as an OpenAPI 3.1 document."""
    return _answer(build_document(current_app))


# -- cases ----------------------------------------------------------------------------------------------------


@bp.route("/cases")
@access(*RECORD_ROLES)
def list_cases():
    """Cases the caller may see, newest change first; filters combine."""
    user = _user()
    reference = params.text("reference")
    court_id = params.integer("court_id")
    status = params.choice("status", tuple(s.value for s in CaseStatus))
    in_custody = params.boolean("in_custody")
    jurisdiction = params.text("jurisdiction", max_length=16)
    as_of = params.instant("as_of")
    page = params.integer("page") or 1
    per_page = params.integer("per_page", maximum=MAX_PER_PAGE) or min(current_app.config["PAGE_SIZE"], MAX_PER_PAGE)
    if as_of is not None and (in_custody is not None or status is not None):
        # The filters read the state stored for now; a past state is computed per case shown.
        raise params.BadParameter("as_of", "cannot be combined with the status or in_custody filters.")

    stmt = select(Case)
    if user.role == Role.CLERK:
        stmt = stmt.where(Case.court_id == user.court_id) if user.court_id else stmt.where(false())
    elif user.role == Role.LAWYER:
        stmt = stmt.where(Case.id.in_(select(CaseLawyer.case_id).where(CaseLawyer.user_id == user.id)))
    if reference:
        escaped = reference.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(Case.reference).like(f"%{escaped}%", escape="\\"))
    if court_id is not None:
        stmt = stmt.where(Case.court_id == court_id)
    if status is not None:
        stmt = stmt.where(Case.status == status)
    if in_custody is not None:
        stmt = stmt.where(Case.custody_state.is_not(None) if in_custody else Case.custody_state.is_(None))
    if jurisdiction:
        stmt = stmt.where(Case.jurisdiction_code == jurisdiction.upper())

    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.options(selectinload(Case.child), selectinload(Case.court).selectinload(Court.jurisdiction))
        .options(*([selectinload(Case.events)] if as_of is not None else []))
        .order_by(Case.updated_at.desc(), Case.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    record("cases_listed", "case", None, detail=f"page={page} per_page={per_page} shown={len(rows)} total={total}")
    db.session.commit()
    return _answer(
        {
            "items": [case_summary(case, as_of) for case in rows],
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": (total + per_page - 1) // per_page,
            "as_of": as_of.isoformat() if as_of else None,
        }
    )


@bp.route("/cases", methods=["POST"])
@access(*EDIT_ROLES)
def create_case():
    """Import a whole case file (child, case, events): all of it, or nothing.

    201 with the created case; 200 with the existing case when the file was
    imported before (new events in it are appended). Either way the answer carries
    the case's deadlines computed now (`deadlines`, as `GET /cases/{id}/deadlines`).
    """
    user = _user()
    result = import_case_file_detailed(user, params.json_body())
    db.session.commit()
    case = result.case
    now = utcnow()
    body = case_detail(case, user, case_state(case, now))
    body["pack"] = pack_ref(case)
    body["deadlines"] = deadline_items(case, now)
    body["warnings"] = result.warnings
    headers = {
        "Location": url_for("api.get_case", case_id=case.id),
        "X-Events-Added": str(result.events_added),
    }
    return _answer(body, 201 if result.created else 200, headers)


@bp.route("/cases/<int:case_id>")
@access(*RECORD_ROLES)
def get_case(case_id: int):
    """A case with its child, offences, effective events and custody, as on `as_of`."""
    as_of = params.instant("as_of") or utcnow()
    known_at = params.instant("known_at")
    case = _case(case_id)
    body = case_detail(case, _user(), case_state(case, as_of, known_at))
    detail = f"api as_of={as_of.isoformat()}" + (f" known_at={known_at.isoformat()}" if known_at else "")
    record("case_viewed", "case", case.id, detail=detail)
    db.session.commit()
    return _answer(body)


@bp.route("/cases/<int:case_id>/events")
@access(*RECORD_ROLES)
def list_events(case_id: int):
    """Every event row, corrections and the events they replace or void included, in recording order."""
    known_at = params.instant("known_at")
    case = _case(case_id)
    items = event_history(case, known_at)
    record("case_history_viewed", "case", case.id, detail=f"api rows={len(items)}")
    db.session.commit()
    return _answer({"case_id": case.id, "version": case.version, "items": items})


@bp.route("/cases/<int:case_id>/events", methods=["POST"])
@access(*EDIT_ROLES)
def add_event(case_id: int):
    """Record one event; `version` must be the case's current version (else 409)."""
    data = load(EventInputSchema(), params.json_body())
    case = _case(case_id)
    event = services.record_event(
        _user(), case, type=data["type"], at=data["at"], details=data["details"], expected_version=data["version"]
    )
    db.session.commit()
    return _answer({"event": event_payload(case, event), "case_version": case.version}, 201)


@bp.route("/cases/<int:case_id>/events/<int:event_id>/corrections", methods=["POST"])
@access(*EDIT_ROLES)
def correct_event(case_id: int, event_id: int):
    """Correct an event: a replacement (type, at, details) or a void, with a reason. The original stays."""
    data = load(CorrectionInputSchema(), params.json_body())
    case = _case(case_id)
    original = db.session.get(Event, event_id)
    if original is None or original.case_id != case.id:
        raise NotFound("This case has no event with this id.")
    correction = services.correct_event(
        _user(),
        case,
        original,
        reason=data["reason"],
        void=data["void"],
        type=data.get("type"),
        at=data.get("at"),
        details=data.get("details"),
        expected_version=data["version"],
    )
    db.session.commit()
    return _answer({"event": event_payload(case, correction), "case_version": case.version}, 201)


@bp.route("/cases/<int:case_id>/export")
@access(*RECORD_ROLES)
def export_case(case_id: int):
    """The case as a case file (the format `POST /cases` and `flask cases import` read)."""
    case = _case(case_id)
    body = export_case_file(case)
    record("case_exported", "case", case.id, detail="api")
    db.session.commit()
    return _answer(body, headers={"Content-Disposition": f'attachment; filename="{file_name(case)}"'})


# -- children -------------------------------------------------------------------------------------------------


@bp.route("/children", methods=["POST"])
@access(*EDIT_ROLES)
def create_child():
    """Register a child (a clerk's child belongs to their court)."""
    user = _user()
    data = load(ChildSchema(), params.json_body())
    child = services.register_child(user, data)
    db.session.commit()
    return _answer(child_payload(child, user), 201, {"Location": url_for("api.get_child", child_id=child.id)})


@bp.route("/children/<int:child_id>")
@access(*RECORD_ROLES)
def get_child(child_id: int):
    """A child's record and the cases of theirs the caller may see."""
    user = _user()
    child = db.session.get(Child, child_id)
    if child is None:
        raise NotFound("No child has this id.")
    if not can_view_child(user, child):
        raise Forbidden("This child's record is not one you can see.")
    body = child_payload(child, user)
    record("child_viewed", "child", child.id, detail="api")
    db.session.commit()
    return _answer(body)
