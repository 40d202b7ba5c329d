"""JSON endpoints of the registry, suggestions and referrals, on the `/api/v1` blueprint.

- `GET /programmes`, `GET /programmes/{id}`: the registry, for every signed-in role
  (outcome counts from 1 to the small-cell threshold are null for oversight);
- `GET /cases/{id}/suggestions`: ranked programmes with their reasons and score;
- `GET|POST /cases/{id}/referrals`, `GET /referrals`, `GET /referrals/{id}` and
  `POST /referrals/{id}/steps`: referrals and their state machine.

Referral answers carry the child only as pseudonym, age band, offence classes and
languages, whoever asks: coordinators see no more than that, and no one needs more
to follow a referral. Every answer about a child writes one audit row (ids only).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from sqlalchemy import and_, false, func, not_, select
from sqlalchemy.orm import selectinload

from justice_tracker.api import bp, params
from justice_tracker.api.views import EDIT_ROLES, MAX_PER_PAGE, RECORD_ROLES, _answer, _case, _user
from justice_tracker.audit.service import record
from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role
from justice_tracker.cases.models import Case, CaseLawyer
from justice_tracker.cases.schemas import load, zone_context
from justice_tracker.db import db
from justice_tracker.errors import Forbidden, NotFound
from justice_tracker.programmes import services
from justice_tracker.programmes.access import can_view_referral, coordinated_ids
from justice_tracker.programmes.models import Programme, Referral
from justice_tracker.programmes.presenters import outcome_cells, referral_payload
from justice_tracker.programmes.referrals import STATES, StepInput
from justice_tracker.programmes.schemas import (
    ProgrammeDetailSchema,
    ProgrammeSchema,
    ReferralInputSchema,
    ReferralSchema,
    ReferralStepInputSchema,
    SuggestionListSchema,
)
from justice_tracker.programmes.suggestions import ORDER_EXPLANATION
from justice_tracker.programmes.vocabulary import PROGRAMME_TYPES, STAGES

REFERRAL_READERS = (*RECORD_ROLES, Role.COORDINATOR)
REFERRAL_MOVERS = (*EDIT_ROLES, Role.COORDINATOR)


def _found(model: type, row_id: int, what: str) -> Any:
    row = db.session.get(model, row_id) if 0 < row_id < 2**31 else None
    if row is None:
        raise NotFound(f"No {what} has this id.")
    return row


def _referral(referral_id: int) -> Referral:
    referral = _found(Referral, referral_id, "referral")
    if not can_view_referral(_user(), referral):
        raise Forbidden("This referral is not one you can see.")
    return referral


def _referral_body(referral: Referral) -> dict[str, Any]:
    with zone_context(referral.case.time_zone):
        return ReferralSchema().dump(referral_payload(referral))


# -- the registry ---------------------------------------------------------------------------------------------


@bp.route("/programmes")
@access()
def list_programmes():
    """The registry, filtered; a programme at capacity is listed too, with its waiting list."""
    jurisdiction = params.text("jurisdiction", max_length=16)
    kind = params.choice("type", tuple(PROGRAMME_TYPES))
    stage = params.choice("stage", tuple(STAGES))
    available = params.boolean("available")
    page = params.integer("page") or 1
    per_page = params.integer("per_page", maximum=MAX_PER_PAGE) or MAX_PER_PAGE
    stmt = select(Programme)
    if jurisdiction:
        stmt = stmt.where(Programme.jurisdiction_code == jurisdiction.upper())
    if kind:
        stmt = stmt.where(Programme.type == kind)
    if available is not None:
        open_now = and_(Programme.active.is_(True), Programme.enrolled < Programme.places)
        stmt = stmt.where(open_now if available else not_(open_now))
    rows = [p for p in db.session.scalars(stmt.order_by(Programme.code)) if stage is None or stage in p.stages]
    shown = rows[(page - 1) * per_page : page * per_page]
    return _answer(
        {
            "items": ProgrammeSchema(many=True).dump(shown),
            "page": page,
            "per_page": per_page,
            "total": len(rows),
            "pages": (len(rows) + per_page - 1) // per_page,
        }
    )


@bp.route("/programmes/<int:programme_id>")
@access()
def get_programme(programme_id: int):
    """One programme, with the outcomes of its referrals."""
    programme = _found(Programme, programme_id, "programme")
    body = ProgrammeDetailSchema().dump(programme)
    threshold = current_app.config["SMALL_CELL_THRESHOLD"]
    body["outcomes"] = outcome_cells(services.outcomes(programme), _user(), threshold)
    return _answer(body)


# -- suggestions ----------------------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/suggestions")
@access(*RECORD_ROLES)
def case_suggestions(case_id: int):
    """The registry ranked for this case, each programme with the reasons it fits or not, and its score.

    Programmes of the case's jurisdiction only; those ruled out are listed after the
    others (`eligible: false`) with their reasons. `stage` asks for another stage than
    the case's own (e.g. `pretrial_alternative` before ordering detention).
    """
    stage = params.choice("stage", tuple(STAGES))
    case = _case(case_id)
    found = services.suggestions_for(case, stage=stage)
    payload = {
        "case_id": case.id,
        "stage": stage or services.case_facts(case).stage,
        "order": ORDER_EXPLANATION,
        "items": found,
    }
    record("case_viewed", "case", case.id, detail=f"api suggestions={len(found)}")
    db.session.commit()
    return _answer(SuggestionListSchema().dump(payload))


# -- referrals ------------------------------------------------------------------------------------------------


@bp.route("/cases/<int:case_id>/referrals")
@access(*RECORD_ROLES)
def case_referrals(case_id: int):
    """The case's referrals, newest first, with their steps."""
    case = _case(case_id)
    items = [_referral_body(r) for r in services.case_referrals(case)]
    record("case_referrals_viewed", "case", case.id, detail=f"api rows={len(items)}")
    db.session.commit()
    return _answer({"items": items, "total": len(items)})


@bp.route("/cases/<int:case_id>/referrals", methods=["POST"])
@access(*EDIT_ROLES)
def create_referral(case_id: int):
    """Suggest a programme for the child: a referral in state `suggested`, also on the case's timeline."""
    data = load(ReferralInputSchema(), params.json_body())
    case = _case(case_id)
    programme = _found(Programme, data["programme_id"], "programme")
    referral = services.create_referral(_user(), case, programme, at=data.get("at"), reason=data.get("reason"))
    db.session.commit()
    location = url_for("api.get_referral", referral_id=referral.id)
    return _answer(_referral_body(referral), 201, {"Location": location})


@bp.route("/referrals")
@access(*REFERRAL_READERS)
def list_referrals():
    """Referrals the caller may see: a coordinator's programmes', a clerk's court's, a lawyer's clients'."""
    user = _user()
    state = params.choice("state", STATES)
    programme_id = params.integer("programme_id")
    page = params.integer("page") or 1
    per_page = params.integer("per_page", maximum=MAX_PER_PAGE) or MAX_PER_PAGE
    stmt = select(Referral).join(Case, Case.id == Referral.case_id)
    if user.role == Role.COORDINATOR:
        stmt = stmt.where(Referral.programme_id.in_(coordinated_ids(user)))
    elif user.role == Role.CLERK:
        stmt = stmt.where(Case.court_id == user.court_id) if user.court_id else stmt.where(false())
    elif user.role == Role.LAWYER:
        stmt = stmt.where(Case.id.in_(select(CaseLawyer.case_id).where(CaseLawyer.user_id == user.id)))
    if state:
        stmt = stmt.where(Referral.state == state)
    if programme_id is not None:
        stmt = stmt.where(Referral.programme_id == programme_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.options(selectinload(Referral.steps), selectinload(Referral.programme))
        .order_by(Referral.updated_at.desc(), Referral.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    record("referrals_listed", "referral", None, detail=f"page={page} shown={len(rows)} total={total}")
    db.session.commit()
    return _answer({"items": [_referral_body(r) for r in rows], "total": total, "page": page, "per_page": per_page})


@bp.route("/referrals/<int:referral_id>")
@access(*REFERRAL_READERS)
def get_referral(referral_id: int):
    """A referral with its steps and the steps it can take next."""
    referral = _referral(referral_id)
    body = _referral_body(referral)
    record("referral_viewed", "referral", referral.id, detail="api")
    db.session.commit()
    return _answer(body)


@bp.route("/referrals/<int:referral_id>/steps", methods=["POST"])
@access(*REFERRAL_MOVERS)
def referral_step(referral_id: int):
    """Move a referral one step on (422 names what is missing; 409 when the place is gone or it changed).

    Accepting takes a place in the programme atomically: when two callers take the
    last place at once, one is answered 201 and the other 409, and nothing of the
    second is stored. Each step is recorded on the case's timeline as `referral_updated`.
    """
    data = load(ReferralStepInputSchema(), params.json_body())
    referral = _referral(referral_id)
    step = StepInput(
        target=data["state"],
        reason=data.get("reason"),
        failure_reason=data.get("failure_reason"),
        child_consent=data.get("child_consent"),
        parent_consent=data.get("parent_consent"),
        acknowledgement=data.get("acknowledgement"),
    )
    services.change_referral(_user(), referral, step, at=data.get("at"), expected_version=data["version"])
    db.session.commit()
    return _answer(_referral_body(referral), 201)
