"""Pages of a child's record: finding a child by name, registering, showing and editing one, opening a case.

The routes belong to the `cases` blueprint (`views.bp`), which imports this module.
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from justice_tracker.audit.service import record
from justice_tracker.auth.access import access, can_edit_child, can_view_case
from justice_tracker.auth.models import Role
from justice_tracker.cases import queries, services
from justice_tracker.cases.forms import CaseForm, ChildEditForm, ChildForm, FindChildForm, expected_version
from justice_tracker.cases.models import Child
from justice_tracker.cases.page_support import (
    EDITORS,
    READERS,
    Refusal,
    child_age,
    create_or_problems,
    form_problems,
    lawyer_choices,
    load_child,
    problem_fields,
    record_rejected,
    record_viewed,
    save_or_explain,
    set_version,
)
from justice_tracker.cases.views import bp
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.errors import Forbidden
from justice_tracker.org.models import Court
from justice_tracker.web.templating import render_audited


@bp.route("/children/find", methods=["GET", "POST"])
@access(*READERS)
def find_child():
    """Find a child by name. A POST, so that the name stays out of URLs, logs and history."""
    form = FindChildForm()
    results: list[Child] | None = None
    more = False
    status = 200
    if form.validate_on_submit():
        results, more = queries.find_children(g.user, form.name.data or "")
        record("child_search", "child", None, detail=f"results={len(results)}{'+' if more else ''}")
        db.session.commit()
    elif request.method == "POST":
        status = 422
    visible = {child.id: [c for c in child.cases if can_view_case(g.user, c)] for child in results or []}
    return (
        render_template(
            "cases/find_child.html",
            form=form,
            results=results,
            more=more,
            visible=visible,
            problems=form_problems(form),
        ),
        status,
    )


# -- children -------------------------------------------------------------------------------------------------


@bp.route("/children/new", methods=["GET", "POST"])
@access(*EDITORS)
def new_child():
    form = ChildForm()
    status, extra = 200, []
    if form.validate_on_submit():
        child, extra = create_or_problems(form, lambda: services.register_child(g.user, form.child_data()))
        if child is not None:
            flash(_("The child is registered. Now open a case for them."), "info")
            return redirect(url_for("cases.new_case", child_id=child.id))
    if request.method == "POST":
        status = 422
    return render_template("cases/child_form.html", form=form, child=None, problems=form_problems(form, extra)), status


@bp.route("/children/<int:child_id>")
@access(*READERS)
def child(child_id: int):
    found = load_child(child_id)
    cases = sorted((c for c in found.cases if can_view_case(g.user, c)), key=lambda c: c.created_at, reverse=True)
    record_viewed("child", found.id, "child")
    return render_audited(
        "cases/child.html",
        child=found,
        cases=cases,
        age=child_age(found.date_of_birth, utcnow().date()),
        can_edit=can_edit_child(g.user, found),
        can_open_case=g.user.role in EDITORS and can_edit_child(g.user, found),
    )


def _child_initial(found: Child) -> dict[str, Any]:
    names = ("given_name", "family_name", "date_of_birth", "date_of_birth_estimated", "sex")
    names += ("guardian_name", "guardian_relationship", "guardian_contact")
    return {name: getattr(found, name) for name in names} | {"languages": ", ".join(found.languages or [])}


@bp.route("/children/<int:child_id>/edit", methods=["GET", "POST"])
@access(*EDITORS)
def edit_child(child_id: int):
    found = load_child(child_id, edit=True)
    if request.method == "GET":
        form = ChildEditForm(formdata=None, data=_child_initial(found))
        set_version(form, found.version)
        record_viewed("child", found.id, "edit")
        db.session.commit()
        return render_template("cases/child_form.html", form=form, child=found, problems=[])
    form = ChildEditForm()

    def save() -> None:
        services.update_child(g.user, found, form.child_data(), expected_version=expected_version(form.version.data))
        db.session.flush()

    outcome = save_or_explain(form, found, save, rejected="child_update_rejected")
    if isinstance(outcome, Refusal):
        page = render_template(
            "cases/child_form.html", form=form, child=found, problems=outcome.problems, conflict=outcome.conflict
        )
        return page, outcome.status
    flash(_("The child's record is saved."), "info")
    return redirect(url_for("cases.child", child_id=found.id))


# -- opening a case -------------------------------------------------------------------------------------------


def _court_label(court: Court) -> str:
    return f"{court.name} — {court.jurisdiction.name} ({court.effective_time_zone})"


@bp.route("/children/<int:child_id>/cases/new", methods=["GET", "POST"])
@access(*EDITORS)
def new_case(child_id: int):
    found = load_child(child_id, edit=True)
    form = CaseForm()
    form.lawyer_ids.choices = lawyer_choices()
    clerk_court = g.user.court if g.user.role == Role.CLERK else None
    if g.user.role == Role.CLERK:
        del form.court
    else:
        form.court.choices = [SelectChoice(value=c.id, label=_court_label(c)) for c in queries.active_courts()]
    status, extra = 200, []
    if request.method == "POST" and "add_offence" in request.form:
        if len(form.offences.entries) < form.offences.max_entries:
            form.offences.append_entry()
    elif form.validate_on_submit():
        court = clerk_court if clerk_court is not None else db.session.get(Court, form.court.data)
        if court is None:
            raise Forbidden(_("Your account is not attached to a court."))
        case, extra = create_or_problems(form, lambda: services.open_case(g.user, found, form.case_data(), court=court))
        if case is not None:
            flash(_("The case is open. Record what has happened so far."), "info")
            return redirect(url_for("cases.show", case_id=case.id))
        status = 422
    elif request.method == "POST":
        status = 422
    if request.method == "GET":
        record_viewed("child", found.id, "new_case")
    elif status != 200:
        record_rejected("case_create_rejected", "child", found.id, problem_fields(form, extra))
    db.session.commit()
    return (
        render_template(
            "cases/case_form.html",
            form=form,
            child=found,
            clerk_court=clerk_court,
            problems=form_problems(form, extra),
        ),
        status,
    )
