"""Administration: users and roles, courts, facilities, jurisdictions, court closure days and API tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from justice_tracker.admin.forms import (
    ClosureForm,
    CourtForm,
    FacilityForm,
    JurisdictionForm,
    TokenForm,
    UserEditForm,
    UserForm,
)
from justice_tracker.audit.service import record
from justice_tracker.auth.access import access
from justice_tracker.auth.models import ApiToken, Role, User
from justice_tracker.auth.services import create_user, set_active
from justice_tracker.auth.sessions import create_api_token
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.closures import add_closure, remove_closure
from justice_tracker.deadlines.models import CalendarClosure
from justice_tracker.errors import ValidationFailed
from justice_tracker.org import services as org_services
from justice_tracker.org.models import Court, Facility, Jurisdiction

bp = Blueprint("admin", __name__, url_prefix="/admin")

NO_COURT = 0


def _court_choices() -> list[tuple[int, str]]:
    courts = db.session.scalars(select(Court).order_by(Court.name)).all()
    return [(NO_COURT, _("— none —")), *((c.id, c.name) for c in courts)]


def _jurisdiction_choices() -> list[tuple[str, str]]:
    rows = db.session.scalars(select(Jurisdiction).order_by(Jurisdiction.code)).all()
    return [(j.code, f"{j.code} — {j.name}") for j in rows]


def _show_errors(form: Any, exc: ValidationFailed) -> None:
    for field, messages in exc.as_dict().items():
        target = getattr(form, field, None)
        if target is not None:
            target.errors = list(messages)
        else:
            flash(f"{field}: {'; '.join(messages)}", "error")


@bp.route("/")
@access(Role.ADMIN)
def index():
    return render_template("admin/index.html")


# -- users ----------------------------------------------------------------------------------------------------


@bp.route("/users")
@access(Role.ADMIN)
def users():
    rows = db.session.scalars(select(User).order_by(User.role, User.email)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
@access(Role.ADMIN)
def new_user():
    form = UserForm()
    form.court_id.choices = _court_choices()
    if form.validate_on_submit():
        court = db.session.get(Court, form.court_id.data) if form.court_id.data else None
        try:
            user = create_user(
                g.user,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                role=form.role.data or "",
                password=form.password.data or "",
                court=court,
            )
        except ValidationFailed as exc:
            db.session.rollback()
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("User %(email)s created.", email=user.email), "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/form.html", form=form, title=_("New user"))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@access(Role.ADMIN)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserEditForm(obj=user)
    form.court_id.choices = _court_choices()
    if form.validate_on_submit():
        court_id = form.court_id.data or None
        if form.role.data == Role.CLERK and court_id is None:
            form.court_id.errors = [_("A clerk belongs to a court.")]
        elif user.id == g.user.id and (not form.active.data or form.role.data != Role.ADMIN):
            flash(_("You cannot disable yourself or remove your own administrator role."), "error")
        else:
            changed = [k for k in ("display_name", "role") if getattr(user, k) != getattr(form, k).data]
            user.display_name, user.role, user.court_id = form.display_name.data, form.role.data, court_id
            if user.active != form.active.data:
                set_active(g.user, user, bool(form.active.data))
            record("user_updated", "user", user.id, detail=",".join(changed))
            db.session.commit()
            flash(_("User saved."), "info")
            return redirect(url_for("admin.users"))
    if not form.is_submitted():
        form.court_id.data = user.court_id or NO_COURT
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()
    return render_template(
        "admin/user.html", form=form, subject=user, tokens=tokens, token_form=TokenForm(), title=user.email
    )


@bp.route("/users/<int:user_id>/tokens", methods=["POST"])
@access(Role.ADMIN)
def new_token(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = TokenForm()
    if not form.validate_on_submit():
        flash(_("Say what the token is for."), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    row, secret = create_api_token(user, form.name.data or "")
    record("api_token_created", "user", user.id, detail=f"token={row.prefix}")
    db.session.commit()
    return render_template("admin/token_created.html", subject=user, secret=secret)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@access(Role.ADMIN)
def revoke_token(token_id: int):
    row = db.session.get(ApiToken, token_id) or abort(404)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record("api_token_revoked", "user", row.user_id, detail=f"token={row.prefix}")
        db.session.commit()
    flash(_("Token revoked."), "info")
    return redirect(url_for("admin.edit_user", user_id=row.user_id))


# -- reference data -------------------------------------------------------------------------------------------

REFERENCE = {
    "courts": (Court, CourtForm, ("name", "jurisdiction_code", "time_zone", "area", "active")),
    "facilities": (
        Facility,
        FacilityForm,
        (
            "name",
            "jurisdiction_code",
            "kind",
            "separated_from_adults",
            "capacity",
            "complaints_mechanism",
            "area",
            "active",
        ),
    ),
    "jurisdictions": (Jurisdiction, JurisdictionForm, ("code", "name", "time_zone", "active")),
}


def _reference(kind: str) -> tuple[Any, Any, tuple[str, ...]]:
    if kind not in REFERENCE:
        abort(404)
    return REFERENCE[kind]


@bp.route("/<any(courts, facilities, jurisdictions):kind>")
@access(Role.ADMIN)
def reference_list(kind: str):
    model, _form, columns = _reference(kind)
    order = model.code if model is Jurisdiction else model.name
    rows = db.session.scalars(select(model).order_by(order)).all()
    return render_template("admin/reference_list.html", kind=kind, rows=rows, columns=columns)


@bp.route("/<any(courts, facilities, jurisdictions):kind>/new", methods=["GET", "POST"])
@bp.route("/<any(courts, facilities, jurisdictions):kind>/<key>", methods=["GET", "POST"])
@access(Role.ADMIN)
def reference_edit(kind: str, key: str | None = None):
    model, form_class, columns = _reference(kind)
    obj = None
    if key is not None:
        obj = db.session.get(model, key if model is Jurisdiction else _int_or_404(key)) or abort(404)
    form = form_class(obj=obj)
    if hasattr(form, "jurisdiction_code"):
        form.jurisdiction_code.choices = _jurisdiction_choices()
    if obj is not None and model is Jurisdiction:
        del form.code  # a jurisdiction's code is its identity: cases and rule packs refer to it
    if form.validate_on_submit():
        data = {c: getattr(form, c).data for c in columns if hasattr(form, c)}
        if "time_zone" in data:
            data["time_zone"] = data["time_zone"] or None
        try:
            org_services.save(g.user, model, obj, data)
        except ValidationFailed as exc:
            db.session.rollback()
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("admin.reference_list", kind=kind))
    return render_template("admin/form.html", form=form, title=_("Edit") if obj else _("New"), kind=kind)


def _int_or_404(key: str) -> int:
    if not key.isdigit():
        abort(404)
    return int(key)


# -- court closure days ---------------------------------------------------------------------------------------


@bp.route("/closures", methods=["GET", "POST"])
@access(Role.ADMIN)
def closures():
    choices = _jurisdiction_choices()
    codes = [code for code, _label in choices]
    form = ClosureForm()
    form.jurisdiction_code.choices = choices
    selected = request.args.get("jurisdiction") or (codes[0] if codes else None)
    if selected is not None and selected not in codes:
        abort(404)
    if form.validate_on_submit():
        code = selected = form.jurisdiction_code.data or ""
        try:
            _closure, count = add_closure(g.user, code, form.day.data, form.reason.data or "")
        except ValidationFailed as exc:
            db.session.rollback()
            _show_errors(form, exc)
        else:
            db.session.commit()
            flash(_("Closure day added; deadlines of %(count)d case(s) recomputed.", count=count), "info")
            return redirect(url_for("admin.closures", jurisdiction=code))
    elif not form.is_submitted():
        form.jurisdiction_code.data = selected
    rows = db.session.scalars(
        select(CalendarClosure).where(CalendarClosure.jurisdiction_code == selected).order_by(CalendarClosure.day)
    ).all()
    return render_template("admin/closures.html", form=form, rows=rows, jurisdictions=choices, selected=selected)


@bp.route("/closures/<int:closure_id>/delete", methods=["POST"])
@access(Role.ADMIN)
def delete_closure(closure_id: int):
    closure = db.session.get(CalendarClosure, closure_id) or abort(404)
    code = closure.jurisdiction_code
    count = remove_closure(g.user, closure)
    db.session.commit()
    flash(_("Closure day removed; deadlines of %(count)d case(s) recomputed.", count=count), "info")
    return redirect(url_for("admin.closures", jurisdiction=code))
