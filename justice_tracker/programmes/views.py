"""HTML pages of the registry, of a case's suggestions and of referrals.

- `/programmes`: the registry, for every signed-in role (no child data in it); a
  coordinator finds their own programmes first (it is their landing page).
- `/programmes/<id>`: one programme; its coordinators and administrators also see
  its referrals (pseudonym, age band, offence class) and keep its capacity current.
- `/programmes/new`, `/programmes/<id>/edit`: administrators add a programme and edit
  every field of it but its code; its coordinators edit what describes it and its
  capacity, never who it takes (`services.COORDINATOR_FIELDS`). Both are checked by
  the registry import's rules.
- `/cases/<id>/suggestions`: ranked, explained suggestions for a case, and referring.
- `/referrals/<id>`: a referral's steps and its next step.

Each view loads, checks access to the record, acts through the services, commits
once and writes its audit row (ids only).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms.fields.choices import SelectChoice

from justice_tracker.audit.service import record
from justice_tracker.auth.access import access, can_edit_case
from justice_tracker.auth.models import Role, User
from justice_tracker.cases.forms import OFFENCE_CLASSES, LocalTimeError
from justice_tracker.cases.models import Case
from justice_tracker.cases.page_support import (
    EDITORS,
    READERS,
    Problem,
    Refusal,
    attach_errors,
    conflict_message,
    form_problems,
    get_row,
    load_case,
    problem_fields,
    record_rejected,
    record_viewed,
    set_version,
)
from justice_tracker.db import db
from justice_tracker.errors import Conflict, Forbidden, ValidationFailed
from justice_tracker.org.models import Jurisdiction
from justice_tracker.programmes import services
from justice_tracker.programmes.access import (
    can_change_referral,
    can_manage_programme,
    can_view_referral,
    coordinated_ids,
)
from justice_tracker.programmes.forms import (
    CapacityForm,
    CoordinatorForm,
    ProgrammeDetailsForm,
    ProgrammeForm,
    ReferForm,
    StepForm,
)
from justice_tracker.programmes.models import Programme, Referral
from justice_tracker.programmes.presenters import next_states, outcome_cells
from justice_tracker.programmes.referrals import State, StepInput, is_open
from justice_tracker.programmes.suggestions import ORDER_EXPLANATION, completion_rate
from justice_tracker.programmes.vocabulary import FAILURE_REASONS, PROGRAMME_TYPES, STAGES, stage_label, type_label

bp = Blueprint("programmes", __name__)
T = TypeVar("T")

REFERRAL_READERS = (Role.ADMIN, Role.CLERK, Role.LAWYER, Role.COORDINATOR)
REFERRAL_MOVERS = (Role.ADMIN, Role.CLERK, Role.COORDINATOR)


def _programme(programme_id: int, *, manage: bool = False) -> Programme:
    programme = get_row(Programme, programme_id)
    if programme is None:
        abort(404)
    if manage and not can_manage_programme(g.user, programme):
        raise Forbidden(_("Only the programme's coordinators and administrators keep it current."))
    return programme


def _referral(referral_id: int, *, change: bool = False) -> Referral:
    referral = get_row(Referral, referral_id)
    if referral is None:
        abort(404)
    if not can_view_referral(g.user, referral):
        raise Forbidden(_("This referral is not one you can see."))
    if change and not can_change_referral(g.user, referral):
        raise Forbidden(_("You can read this referral but not move it on."))
    return referral


def _choice(name: str, allowed: Any) -> str | None:
    value = request.args.get(name, "")
    return value if value in allowed else None


# -- the registry ---------------------------------------------------------------------------------------------


@bp.route("/programmes")
@access()
def index():
    jurisdiction = request.args.get("jurisdiction", "").strip().upper()[:16]
    kind, stage = _choice("type", PROGRAMME_TYPES), _choice("stage", STAGES)
    stmt = select(Programme).order_by(Programme.jurisdiction_code, Programme.name)
    if jurisdiction:
        stmt = stmt.where(Programme.jurisdiction_code == jurisdiction)
    if kind:
        stmt = stmt.where(Programme.type == kind)
    rows = [p for p in db.session.scalars(stmt) if stage is None or stage in (p.stages or [])]
    mine_ids = coordinated_ids(g.user)
    mine = [p for p in db.session.scalars(select(Programme).order_by(Programme.name)) if p.id in mine_ids]
    open_counts = dict(
        db.session.execute(
            select(Referral.programme_id, func.count(Referral.id))
            .where(Referral.programme_id.in_(mine_ids), Referral.state != State.CLOSED)
            .group_by(Referral.programme_id)
        ).all()
    )
    counts = services.finished_counts(p.id for p in rows)
    rates = {p.id: completion_rate(services.programme_facts(p, counts.get(p.id))) for p in rows}
    jurisdictions = sorted({code for (code,) in db.session.execute(select(Programme.jurisdiction_code).distinct())})
    return render_template(
        "programmes/index.html",
        rows=rows,
        mine=mine,
        open_counts=open_counts,
        rates=rates,
        jurisdictions=jurisdictions,
        filters={"jurisdiction": jurisdiction, "type": kind or "", "stage": stage or ""},
        types=PROGRAMME_TYPES,
        stages=STAGES,
    )


def _render_programme(
    programme: Programme, *, status: int = 200, form: CapacityForm | None = None, problems: list[Problem] | None = None
):
    user: User = g.user
    manage = can_manage_programme(user, programme)
    referrals = []
    if manage:
        referrals = list(
            db.session.scalars(
                select(Referral)
                .where(Referral.programme_id == programme.id)
                .options(selectinload(Referral.case).selectinload(Case.child), selectinload(Referral.steps))
                .order_by(Referral.updated_at.desc(), Referral.id.desc())
            )
        )
        if form is None:
            form = CapacityForm(formdata=None, obj=programme)
            set_version(form, programme.version)
    coordinator_form = None
    if user.role == Role.ADMIN:
        coordinator_form = CoordinatorForm(formdata=None)
        linked = programme.coordinator_ids()
        candidates = db.session.scalars(
            select(User).where(User.role == Role.COORDINATOR, User.active.is_(True)).order_by(User.display_name)
        )
        coordinator_form.user_id.choices = [(u.id, u.display_name) for u in candidates if u.id not in linked]
    threshold = current_app.config["SMALL_CELL_THRESHOLD"]
    return (
        render_template(
            "programmes/show.html",
            programme=programme,
            manage=manage,
            referrals=[(r, services.child_summary(r.case)) for r in referrals],
            outcomes=outcome_cells(services.outcomes(programme), user, threshold),
            failure_words=FAILURE_REASONS,
            form=form,
            coordinator_form=coordinator_form,
            problems=problems or [],
        ),
        status,
    )


@bp.route("/programmes/<int:programme_id>")
@access()
def show(programme_id: int):
    programme = _programme(programme_id)
    page = _render_programme(programme)
    if can_manage_programme(g.user, programme):
        # The page lists children referred to the programme: their pseudonyms are a view of their records.
        record("programme_viewed", "programme", programme.id, detail="page=show referrals=listed")
        db.session.commit()
    return page


@bp.route("/programmes/<int:programme_id>/capacity", methods=["POST"])
@access(Role.COORDINATOR, Role.ADMIN)
def capacity(programme_id: int):
    programme = _programme(programme_id, manage=True)
    form = CapacityForm()
    outcome = _update(form, programme)
    if isinstance(outcome, Refusal):
        return _render_programme(programme, status=outcome.status, form=form, problems=outcome.problems)
    flash(_("The programme's capacity is saved."), "info")
    return redirect(url_for("programmes.show", programme_id=programme.id, _anchor="capacity"))


# -- adding and editing a programme ---------------------------------------------------------------------------


def _submit(form: Any, save: Callable[[], T], programme: Programme | None, *, rejected: str) -> T | Refusal:
    """Validate `form` and run `save`, committing once: what it returned, or why nothing of it was kept.

    A refusal writes one `rejected` audit row naming the fields at fault (`version` on a
    conflict, after which the form carries the programme's current version).
    """
    status, extra = 422, []
    if form.validate_on_submit():
        try:
            result = save()
        except (Conflict, StaleDataError):
            db.session.rollback()
            status, extra = 409, [Problem(_("Programme"), conflict_message())]
            if programme is not None:
                set_version(form, programme.version)
        except ValidationFailed as exc:
            db.session.rollback()
            extra = attach_errors(form, exc)
        else:
            db.session.commit()
            return result
    fields = ["version"] if status == 409 else problem_fields(form, [])
    record_rejected(rejected, "programme", programme.id if programme is not None else None, fields)
    db.session.commit()
    return Refusal(status, form_problems(form, extra), None)


def _update(form: CapacityForm | ProgrammeDetailsForm, programme: Programme) -> list[str] | Refusal:
    """Save the fields of `form` (those the user may change, else 403) to the programme: the names of those changed."""
    return _submit(
        form,
        lambda: services.update_programme(
            g.user, programme, form.programme_data(), expected_version=form.expected_version()
        ),
        programme,
        rejected="programme_update_rejected",
    )


def _jurisdiction_choices(programme: Programme | None) -> list[SelectChoice]:
    """Active jurisdictions, and the programme's own even if it has been deactivated since."""
    keep = programme.jurisdiction_code if programme is not None else None
    rows = db.session.scalars(
        select(Jurisdiction)
        .where(or_(Jurisdiction.active.is_(True), Jurisdiction.code == keep))
        .order_by(Jurisdiction.code)
    )
    return [SelectChoice(j.code, f"{j.code} — {j.name}") for j in rows]


def _programme_form(programme: Programme | None) -> ProgrammeDetailsForm:
    """Administrators get every field (the code only when adding); a coordinator, the fields coordinators keep."""
    initial = ProgrammeDetailsForm.initial(programme) if programme is not None else None
    if g.user.role != Role.ADMIN:
        return ProgrammeDetailsForm(data=initial)
    form = ProgrammeForm(data=initial)
    form.set_choices(_jurisdiction_choices(programme))
    if programme is not None:
        del form.code  # the registry's stable key: imports and exports match programmes by it
    return form


def _render_form(
    form: ProgrammeDetailsForm, programme: Programme | None, *, status: int = 200, problems: list[Problem] | None = None
):
    return (
        render_template(
            "programmes/form.html",
            form=form,
            programme=programme,
            problems=problems or [],
            offence_classes=OFFENCE_CLASSES,
        ),
        status,
    )


@bp.route("/programmes/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def new():
    form = _programme_form(None)
    if not form.is_submitted():
        return _render_form(form, None)
    outcome = _submit(
        form,
        lambda: services.create_programme(g.user, form.programme_data()),
        None,
        rejected="programme_create_rejected",
    )
    if isinstance(outcome, Refusal):
        return _render_form(form, None, status=outcome.status, problems=outcome.problems)
    flash(_("The programme is added to the registry."), "info")
    return redirect(url_for("programmes.show", programme_id=outcome.id))


@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@access(Role.ADMIN, Role.COORDINATOR)
def edit(programme_id: int):
    programme = _programme(programme_id, manage=True)
    form = _programme_form(programme)
    if not form.is_submitted():
        set_version(form, programme.version)
        return _render_form(form, programme)
    outcome = _update(form, programme)
    if isinstance(outcome, Refusal):
        return _render_form(form, programme, status=outcome.status, problems=outcome.problems)
    flash(_("The programme is saved.") if outcome else _("Nothing was changed."), "info")
    return redirect(url_for("programmes.show", programme_id=programme.id))


@bp.route("/programmes/<int:programme_id>/coordinators", methods=["POST"])
@access(Role.ADMIN)
def link_coordinator(programme_id: int):
    programme = _programme(programme_id)
    form = CoordinatorForm()
    form.user_id.choices = [(u.id, u.display_name) for u in db.session.scalars(select(User))]
    user = db.session.get(User, form.user_id.data) if form.validate_on_submit() else None
    if user is None:
        abort(400, description=_("Choose a coordinator account."))
    try:
        services.link_coordinator(g.user, programme, user)
    except ValidationFailed as exc:
        db.session.rollback()
        abort(422, description="; ".join(e.message for e in exc.errors))
    db.session.commit()
    flash(_("The coordinator is linked to the programme."), "info")
    return redirect(url_for("programmes.show", programme_id=programme.id, _anchor="coordinators"))


@bp.route("/programmes/<int:programme_id>/coordinators/<int:user_id>/remove", methods=["POST"])
@access(Role.ADMIN)
def unlink_coordinator(programme_id: int, user_id: int):
    programme = _programme(programme_id)  # the CSRF token is checked before every state-changing request
    try:
        services.unlink_coordinator(g.user, programme, user_id)
    except ValidationFailed as exc:
        db.session.rollback()
        abort(422, description="; ".join(e.message for e in exc.errors))
    db.session.commit()
    flash(_("The coordinator is no longer linked to the programme."), "info")
    return redirect(url_for("programmes.show", programme_id=programme.id, _anchor="coordinators"))


# -- a case's suggestions and referring -----------------------------------------------------------------------


def _render_suggestions(case: Case, *, status: int = 200, problem: str | None = None):
    stage = _choice("stage", STAGES)
    found = services.suggestions_for(case, stage=stage)
    return (
        render_template(
            "programmes/suggestions.html",
            case=case,
            suggestions=found,
            stage=stage or services.case_facts(case).stage,
            stages=STAGES,
            order=ORDER_EXPLANATION,
            editable=can_edit_case(g.user, case),
            open_ids={r.programme_id for r in services.case_referrals(case) if is_open(r.state)},
            refer_form=ReferForm(formdata=None),
            problem=problem,
        ),
        status,
    )


@bp.route("/cases/<int:case_id>/suggestions")
@access(*READERS)
def case_suggestions(case_id: int):
    case = load_case(case_id)
    record_viewed("case", case.id, "suggestions")
    db.session.commit()
    return _render_suggestions(case)


@bp.route("/cases/<int:case_id>/referrals", methods=["POST"])
@access(*EDITORS)
def refer(case_id: int):
    case = load_case(case_id, edit=True)
    form = ReferForm()
    if not form.validate_on_submit():
        abort(400, description=_("Choose a programme from the list."))
    programme = get_row(Programme, form.programme_id.data or 0)
    if programme is None:
        abort(404)
    try:
        referral = services.create_referral(g.user, case, programme, reason=form.reason.data or None)
    except ValidationFailed as exc:
        db.session.rollback()
        record_rejected("referral_rejected", "case", case.id, [e.field for e in exc.errors])
        db.session.commit()
        return _render_suggestions(case, status=422, problem="; ".join(e.message for e in exc.errors))
    db.session.commit()
    flash(_("The programme is suggested for the child; the referral is on the case's timeline."), "info")
    return redirect(url_for("programmes.referral", referral_id=referral.id))


# -- a referral -----------------------------------------------------------------------------------------------


def _render_referral(
    referral: Referral,
    *,
    form: StepForm | None = None,
    status: int = 200,
    problems: list[Problem] | None = None,
    conflict: str | None = None,
):
    movable = can_change_referral(g.user, referral) and bool(next_states(referral))
    if movable and form is None:
        form = StepForm(formdata=None)
        form.set_states(referral.state)
        set_version(form, referral.version)
    return (
        render_template(
            "programmes/referral.html",
            referral=referral,
            child=services.child_summary(referral.case),
            tz_name=referral.case.time_zone,
            form=form if movable else None,
            problems=problems or [],
            conflict=conflict,
            case_link=can_edit_case(g.user, referral.case) or g.user.role == Role.LAWYER,
            failure_words=FAILURE_REASONS,
        ),
        status,
    )


@bp.route("/referrals/<int:referral_id>")
@access(*REFERRAL_READERS)
def referral(referral_id: int):
    found = _referral(referral_id)
    record("referral_viewed", "referral", found.id, detail=f"case={found.case_id} programme={found.programme_id}")
    db.session.commit()
    return _render_referral(found)


@bp.route("/referrals/<int:referral_id>/steps", methods=["POST"])
@access(*REFERRAL_MOVERS)
def step(referral_id: int):
    found = _referral(referral_id, change=True)
    form = StepForm()
    form.set_states(found.state)
    status, extra, conflict = 422, [], None
    if form.validate_on_submit():
        try:
            at = form.at_utc(ZoneInfo(found.case.time_zone))
            step = StepInput(
                target=form.state.data or "",
                reason=form.reason.data or None,
                failure_reason=form.failure_reason.data or None,
                child_consent=bool(form.child_consent.data),
                parent_consent=bool(form.parent_consent.data),
                acknowledgement=bool(form.acknowledgement.data),
            )
            services.change_referral(g.user, found, step, at=at, expected_version=form.expected_version())
        except LocalTimeError:
            db.session.rollback()
        except (Conflict, StaleDataError) as exc:
            db.session.rollback()
            status = 409
            conflict = exc.message if isinstance(exc, Conflict) and exc.message != services.STALE else None
            conflict = conflict or conflict_message()
            set_version(form, found.version)
        except ValidationFailed as exc:
            db.session.rollback()
            extra = attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The referral's step is recorded, also on the case's timeline."), "info")
            return redirect(url_for("programmes.referral", referral_id=found.id))
    record_rejected(
        "referral_step_rejected", "referral", found.id, ["version"] if conflict else problem_fields(form, extra)
    )
    db.session.commit()
    form.set_states(found.state)
    return _render_referral(found, form=form, status=status, problems=form_problems(form, extra), conflict=conflict)


# -- template words -------------------------------------------------------------------------------------------


def _words(value: str | None) -> str:
    text = (value or "").replace("_", " ")
    return text[:1].upper() + text[1:]


bp.add_app_template_filter(type_label, "programme_type")
bp.add_app_template_filter(stage_label, "stage_label")
bp.add_app_template_filter(_words, "words")
