"""Deadline endpoints of `/api/v1`: one case's deadlines (live), and the deadline board (stored).

- `GET /cases/<id>/deadlines` runs the engine on the case's effective timeline at
  `as_of` (any instant, past or future; default now), optionally limited to what
  had been recorded by `known_at`. The child's facts and offences are today's.
- `GET /deadlines` lists the stored deadlines of every case the caller may see
  (a clerk's court, a lawyer's clients, everything for administrators), with each
  row's status at `as_of` computed by the database (`queries.status_at`), so that
  moving `as_of` forward turns pending into at risk into breached without any
  recomputation. Rows are recomputed with every change to a case, so an `as_of`
  before a case's last change reads today's rows, not the ones shown back then:
  use the case endpoint to reconstruct a past day.

Both are for the roles that work on cases; both are audited (ids, never names).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from flask import current_app, g, jsonify
from sqlalchemy import Select, func, literal, select
from sqlalchemy import case as sql_case

from justice_tracker.api import bp, params
from justice_tracker.audit.service import record
from justice_tracker.auth.access import access, can_view_case
from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case, CaseStatus, Child
from justice_tracker.cases.schemas import zone_context
from justice_tracker.cases.timeline import as_timeline, effective_events
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.deadlines.packs import pack_for
from justice_tracker.deadlines.queries import status_at, visible_cases
from justice_tracker.deadlines.schemas import BoardDeadlineSchema, DeadlineSchema
from justice_tracker.deadlines.service import evaluate_case
from justice_tracker.errors import Forbidden, NotFound
from justice_tracker.org.models import Court, Jurisdiction
from justice_tracker.rules.model import Status

RECORD_ROLES = (Role.ADMIN, Role.CLERK, Role.LAWYER)
MAX_PER_PAGE = 100
STATUSES = tuple(s.value for s in Status)
# Most urgent first: a binding limit passed, then one about to pass, then advisory limits passed...
URGENCY = (
    Status.BREACHED,
    Status.AT_RISK,
    Status.ADVISORY_UNMET,
    Status.PENDING,
    Status.MET_LATE,
    Status.MET,
    Status.NOT_APPLICABLE,
)


def _user() -> User:
    return g.user


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


# -- one case, live -------------------------------------------------------------------------------------------


def deadline_items(case: Case, as_of: datetime, known_at: datetime | None = None) -> list[dict[str, Any]]:
    """Every deadline the engine gives the case at `as_of` (from the events recorded by `known_at`)."""
    events = None
    if known_at is not None:
        rows = [e for e in case.events if e.recorded_at <= known_at]
        events = as_timeline(effective_events(rows))
    found = evaluate_case(case, as_of, events)
    with zone_context(case.time_zone):
        return DeadlineSchema(many=True).dump(found)


def pack_ref(case: Case) -> dict[str, str] | None:
    pack = pack_for(case.jurisdiction_code)
    return {"code": pack.code, "version_date": pack.version_date.isoformat()} if pack is not None else None


@bp.route("/cases/<int:case_id>/deadlines")
@access(*RECORD_ROLES)
def case_deadlines(case_id: int):
    """Every legal time limit of a case at `as_of`, computed live by the rule engine.

    Deadlines come in pack order, not-applicable ones last; `counts` gives the number per status.
    """
    as_of = params.instant("as_of") or utcnow()
    known_at = params.instant("known_at")
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound("No case has this id.")
    if not can_view_case(_user(), case):
        raise Forbidden("This case is not one you can see.")
    items = deadline_items(case, as_of, known_at)
    body = {
        "case_id": case.id,
        "reference": case.reference,
        "jurisdiction": case.jurisdiction_code,
        "time_zone": case.time_zone,
        "as_of": _iso(as_of),
        "known_at": _iso(known_at),
        "pack": pack_ref(case),
        "counts": dict(Counter(item["status"] for item in items)),
        "deadlines": items,
    }
    detail = f"api as_of={as_of.isoformat()}" + (f" known_at={known_at.isoformat()}" if known_at else "")
    record("case_deadlines_viewed", "case", case.id, detail=f"{detail} shown={len(items)}")
    db.session.commit()
    return jsonify(body)


# -- the board, stored ----------------------------------------------------------------------------------------


def _statuses() -> list[str] | None:
    raw = params.text("status", max_length=200)
    if raw is None:
        return None
    wanted: list[str] = []
    for word in (w.strip() for w in raw.split(",")):
        if not word:
            continue
        if word not in STATUSES:
            known = ", ".join(STATUSES)
            raise params.BadParameter("status", f"unknown status {word[:40]!r}; use one or more of: {known}.")
        if word not in wanted:
            wanted.append(word)
    if not wanted:
        raise params.BadParameter("status", f"name at least one of: {', '.join(STATUSES)}.")
    return wanted


def _board_query(user: User, as_of: datetime) -> tuple[Select, Any]:
    status_now = status_at(as_of)
    stmt = (
        select(
            CaseDeadline,
            status_now.label("status_now"),
            Case.reference,
            Case.status.label("case_status"),
            Case.jurisdiction_code,
            Child.pseudonym,
            func.coalesce(Court.time_zone, Jurisdiction.time_zone).label("time_zone"),
        )
        .join(Case, Case.id == CaseDeadline.case_id)
        .join(Child, Child.id == Case.child_id)
        .join(Court, Court.id == Case.court_id)
        .join(Jurisdiction, Jurisdiction.code == Court.jurisdiction_code)
        .where(visible_cases(user))
    )
    return stmt, status_now


@bp.route("/deadlines")
@access(*RECORD_ROLES)
def list_deadlines():
    """Stored deadlines of the cases the caller may see, with their status at `as_of`, most urgent first.

    Status is computed by the database at `as_of` (default now): breached, then at risk,
    advisory limits passed, pending, met late, met, not applicable; then by due instant.
    `counts` gives the number per status among the deadlines matching every filter but `status`.
    """
    user = _user()
    statuses = _statuses()
    as_of = params.instant("as_of") or utcnow()
    jurisdiction = params.text("jurisdiction", max_length=16)
    court_id = params.integer("court_id")
    case_status = params.choice("case_status", tuple(s.value for s in CaseStatus))
    advisory = params.boolean("advisory")
    page = params.integer("page") or 1
    per_page = params.integer("per_page", maximum=MAX_PER_PAGE) or min(current_app.config["PAGE_SIZE"], MAX_PER_PAGE)

    stmt, status_now = _board_query(user, as_of)
    if jurisdiction:
        stmt = stmt.where(Case.jurisdiction_code == jurisdiction.upper())
    if court_id is not None:
        stmt = stmt.where(CaseDeadline.court_id == court_id)
    if case_status is not None:
        stmt = stmt.where(Case.status == case_status)
    if advisory is not None:
        stmt = stmt.where(CaseDeadline.advisory.is_(advisory))

    # Per status before the status filter (a board's tabs); grouped on a subquery's column so that
    # PostgreSQL sees one expression (the CASE's bound `as_of` would otherwise differ between clauses).
    by_status = stmt.with_only_columns(status_now.label("status_now")).subquery()
    grouped = select(by_status.c.status_now, func.count()).group_by(by_status.c.status_now)
    counts: dict[str, int] = dict(db.session.execute(grouped).all())
    if statuses is not None:
        stmt = stmt.where(status_now.in_(statuses))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0

    urgency = sql_case(*((status_now == literal(s.value), i) for i, s in enumerate(URGENCY)), else_=len(URGENCY))
    rows = db.session.execute(
        stmt.order_by(
            urgency,
            CaseDeadline.due.is_(None),
            CaseDeadline.due,
            CaseDeadline.case_id,
            CaseDeadline.position,
        )
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    items = [_board_item(row) for row in rows]
    used = (
        ("status", ",".join(statuses) if statuses else None),
        ("jurisdiction", jurisdiction.upper() if jurisdiction else None),
        ("court_id", court_id),
        ("case_status", case_status),
        ("advisory", advisory),
    )
    detail = [f"api as_of={as_of.isoformat()}", *(f"{name}={value}" for name, value in used if value is not None)]
    detail += [f"page={page}", f"per_page={per_page}", f"shown={len(items)}", f"total={total}"]
    record("deadlines_listed", "deadline", None, detail=" ".join(detail))
    db.session.commit()
    return jsonify(
        {
            "items": items,
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": (total + per_page - 1) // per_page,
            "as_of": _iso(as_of),
            "counts": counts,
        }
    )


class _BoardRow:
    """A stored deadline with its status at `as_of` and its case, for dumping."""

    def __init__(self, row: Any) -> None:
        deadline: CaseDeadline = row.CaseDeadline
        self._deadline = deadline
        self.status = row.status_now
        self.case = {
            "id": deadline.case_id,
            "reference": row.reference,
            "court_id": deadline.court_id,
            "jurisdiction": row.jurisdiction_code,
            "status": row.case_status,
            "child_pseudonym": row.pseudonym,
        }
        self.pack = {"code": deadline.pack_code, "version_date": deadline.pack_version}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._deadline, name)


def _board_item(row: Any) -> dict[str, Any]:
    with zone_context(row.time_zone):
        return BoardDeadlineSchema().dump(_BoardRow(row))
