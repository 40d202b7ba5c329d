"""Administration pages of the oversight reference data: child populations (the indicators' denominators),
policy facts (indicators 12 to 15) and facility inspections (the register feeding indicator 12)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from justice_tracker.admin.views import _show_errors as show_errors
from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.errors import ValidationFailed
from justice_tracker.org.models import Facility, FacilityInspection, Jurisdiction
from justice_tracker.oversight import register
from justice_tracker.oversight.forms import InspectionForm, PolicyFactForm, PopulationForm
from justice_tracker.oversight.indicators import INDICATORS, POLICY_ANSWERS
from justice_tracker.oversight.models import ChildPopulation, PolicyFact

bp = Blueprint("register", __name__, url_prefix="/admin")


def _jurisdictions() -> list[tuple[str, str]]:
    return [
        (j.code, f"{j.code} — {j.name}") for j in db.session.scalars(select(Jurisdiction).order_by(Jurisdiction.code))
    ]


# page → (saved message, heading of the form)
PAGES = {
    "populations": (_l("Child population saved."), _l("Add or replace a figure")),
    "policy": (_l("Policy fact saved."), _l("Record or replace a fact")),
    "inspections": (_l("Inspection recorded."), _l("Record an inspection")),
}


def _form_page(page: str, form: Any, save: Callable[..., object], heading: str, **context: Any):
    """Save the submitted form with `save(**its fields)`: commit and redirect back with a message, or show
    the page again with each problem next to its field."""
    message, form_heading = PAGES[page]
    if form.validate_on_submit():
        fields = {name: value for name, value in form.data.items() if name != "csrf_token"}
        try:
            save(**fields)
        except ValidationFailed as exc:
            db.session.rollback()
            show_errors(form, exc)
        else:
            db.session.commit()
            flash(str(message), "info")
            return redirect(request.path)
    template = f"oversight/admin/{page}.html"
    return render_template(template, form=form, heading=heading, form_heading=form_heading, **context)


@bp.route("/populations", methods=["GET", "POST"])
@access(Role.ADMIN)
def populations():
    form = PopulationForm()
    form.jurisdiction_code.choices = _jurisdictions()
    order = (ChildPopulation.jurisdiction_code, ChildPopulation.area, ChildPopulation.year)
    rows = db.session.scalars(select(ChildPopulation).order_by(*order)).all()
    return _form_page("populations", form, partial(register.save_population, g.user), _("Child populations"), rows=rows)


@bp.route("/populations/<int:population_id>/delete", methods=["POST"])
@access(Role.ADMIN)
def delete_population(population_id: int):
    row = db.session.get(ChildPopulation, population_id) or abort(404)
    register.delete_population(g.user, row)
    db.session.commit()
    flash(_("Child population removed."), "info")
    return redirect(url_for("register.populations"))


@bp.route("/policy", methods=["GET", "POST"])
@access(Role.ADMIN)
def policy():
    form = PolicyFactForm()
    form.jurisdiction_code.choices = _jurisdictions()
    if not form.is_submitted():
        form.recorded_on.data = utcnow().date()
    facts = db.session.scalars(select(PolicyFact).order_by(PolicyFact.jurisdiction_code, PolicyFact.indicator)).all()
    names = {i.number: i.name for i in INDICATORS}
    save = partial(register.save_policy_fact, g.user)
    heading = _("Policy indicators 12 to 15")
    return _form_page("policy", form, save, heading, rows=facts, names=names, answers=POLICY_ANSWERS)


@bp.route("/facilities/<int:facility_id>/inspections", methods=["GET", "POST"])
@access(Role.ADMIN)
def inspections(facility_id: int):
    facility = db.session.get(Facility, facility_id) or abort(404)
    save = partial(register.add_inspection, g.user, facility)
    heading = _("Inspections of %(name)s", name=facility.name)
    return _form_page("inspections", InspectionForm(), save, heading, facility=facility)


@bp.route("/inspections/<int:inspection_id>/delete", methods=["POST"])
@access(Role.ADMIN)
def delete_inspection(inspection_id: int):
    row = db.session.get(FacilityInspection, inspection_id) or abort(404)
    facility_id = row.facility_id
    register.delete_inspection(g.user, row)
    db.session.commit()
    flash(_("Inspection removed."), "info")
    return redirect(url_for("register.inspections", facility_id=facility_id))
