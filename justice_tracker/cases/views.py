"""HTML pages for children, cases and their timelines: the `cases` blueprint, the case list, the case page
and its lawyers.

Each view loads its record, checks access to that record, acts through the
services, commits once and writes one audit row. A child's name never goes into a
URL, a flash message (the session cookie is signed, not encrypted) or an audit row.

The child pages are in `child_views`, the timeline-writing pages in `event_views`;
what they share is in `page_support`, what the case page shows in `presenters`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from justice_tracker.audit.service import record
from justice_tracker.auth.access import access, can_edit_case
from justice_tracker.cases import queries, services
from justice_tracker.cases.forms import AddLawyerForm, FindChildForm, VersionForm, expected_version
from justice_tracker.cases.models import Case, CaseStatus
from justice_tracker.cases.page_support import (
    EDITORS,
    READERS,
    child_age,
    conflict_message,
    lawyer_choices,
    load_case,
    parse_as_of,
    record_rejected,
    record_viewed,
    set_version,
)
from justice_tracker.cases.presenters import custody_word, episode_rows, timeline_rows
from justice_tracker.cases.timeline import as_timeline, custody_run_start, effective_events, episodes
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.service import evaluate_case
from justice_tracker.errors import Conflict, ValidationFailed
from justice_tracker.programmes.presenters import case_panel
from justice_tracker.timeline.custody import total_seconds
from justice_tracker.timeline.durations import days_and_hours
from justice_tracker.timeline.status import is_closed
from justice_tracker.web.templating import render_audited

bp = Blueprint("cases", __name__)


# -- list and search ------------------------------------------------------------------------------------------


@dataclass
class CaseRow:
    case: Case
    last_event: queries.EventSummary | None
    held_seconds: int | None


def _held(case: Case, now: datetime) -> int | None:
    if case.custody_state is None or case.custody_since is None:
        return None
    return max(0, int((now - case.custody_since).total_seconds()))


@bp.route("/cases")
@access(*READERS)
def index():
    jurisdictions = queries.filter_jurisdictions(g.user)
    filters = queries.CaseFilters.from_args(request.args, jurisdictions=[j.code for j in jurisdictions])
    page = queries.search_cases(g.user, filters, current_app.config["PAGE_SIZE"])
    now = utcnow()
    last = queries.last_events([case.id for case in page.items])
    rows = [CaseRow(case, last.get(case.id), _held(case, now)) for case in page.items]
    used = ",".join(filters.used) or "none"
    detail = f"results={page.total} page={page.number} filters={used} sort={filters.sort}"
    record("case_list_viewed", "case", None, detail=detail)
    return render_audited(
        "cases/index.html",
        rows=rows,
        page=page,
        filters=filters,
        courts=queries.filter_courts(g.user),
        jurisdictions=jurisdictions,
        find_form=FindChildForm(formdata=None),
    )


# -- the case page --------------------------------------------------------------------------------------------


def _as_of(case: Case) -> datetime | None:
    raw = request.args.get("as_of")
    if raw is None or raw == "":
        return None
    try:
        moment = parse_as_of(raw, ZoneInfo(case.time_zone))
    except ValueError as exc:
        abort(400, description=_("The date to reconstruct (as_of) is not valid: %(why)s", why=str(exc)))
    if moment > utcnow():
        abort(400, description=_("The date to reconstruct (as_of) is in the future: only the past can be shown."))
    return moment


def _status_at(case: Case, moment: datetime, as_of: datetime | None) -> str:
    if as_of is None:
        return case.status
    standing = [e for e in as_timeline(effective_events(case.events)) if e.at <= moment]
    return CaseStatus.CLOSED.value if is_closed(standing) else CaseStatus.OPEN.value


def _render_case(
    case: Case,
    *,
    as_of: datetime | None = None,
    status: int = 200,
    problem: str | None = None,
    add_form: AddLawyerForm | None = None,
):
    moment = as_of or utcnow()
    tz = ZoneInfo(case.time_zone)
    found = episodes(case, moment)
    run = custody_run_start(found, moment)
    editable = can_edit_case(g.user, case) and as_of is None
    if add_form is None and editable:
        add_form = AddLawyerForm(formdata=None)
        set_version(add_form, case.version)
    if add_form is not None:
        add_form.lawyer_id.choices = lawyer_choices(case.lawyer_ids())
    held = int((moment - run.start).total_seconds()) if run else None
    return (
        render_template(
            "cases/show.html",
            case=case,
            child=case.child,
            as_of=as_of,
            as_of_date=as_of.astimezone(tz).date().isoformat() if as_of else None,
            moment=moment,
            tz_name=case.time_zone,
            status=_status_at(case, moment, as_of),
            run=run,
            run_kind=custody_word(found[-1].kind.value) if run else None,
            held=held,
            held_parts=days_and_hours(held) if held is not None else None,
            episodes=episode_rows(found, moment),
            total=total_seconds(found, moment),
            rows=timeline_rows(case, as_of),
            age=child_age(case.child.date_of_birth, moment.astimezone(tz).date()),
            editable=editable,
            add_form=add_form,
            problem=problem,
            custody_word=custody_word,
            deadlines=evaluate_case(case, moment),
            programmes=case_panel(case),
        ),
        status,
    )


@bp.route("/cases/<int:case_id>")
@access(*READERS)
def show(case_id: int):
    case = load_case(case_id)
    as_of = _as_of(case)
    extra = f" as_of={as_of.strftime('%Y-%m-%dT%H:%M:%SZ')}" if as_of else ""
    record_viewed("case", case.id, "show", extra)
    page = _render_case(case, as_of=as_of)
    db.session.commit()  # after rendering, as `render_audited` explains
    return page


# -- lawyers --------------------------------------------------------------------------------------------------


def _lawyer_change(case: Case, change: Any, add_form: AddLawyerForm | None = None):
    """Run an assignment change; on failure show the case page with the reason (and 409 on a conflict)."""
    try:
        change()
    except (Conflict, StaleDataError):
        db.session.rollback()
        status, problem = 409, conflict_message()
    except ValidationFailed as exc:
        db.session.rollback()
        status, problem = 422, "; ".join(e.message for e in exc.errors)
    else:
        db.session.commit()
        return None
    record_rejected("lawyer_change_rejected", "case", case.id, ["version"] if status == 409 else ["lawyer_id"])
    db.session.commit()
    if add_form is not None:
        set_version(add_form, case.version)
    return _render_case(case, status=status, problem=problem, add_form=add_form)


@bp.route("/cases/<int:case_id>/lawyers", methods=["POST"])
@access(*EDITORS)
def add_lawyer(case_id: int):
    case = load_case(case_id, edit=True)
    form = AddLawyerForm()
    form.lawyer_id.choices = lawyer_choices(case.lawyer_ids())
    if not form.validate_on_submit():
        record_rejected("lawyer_change_rejected", "case", case.id, ["lawyer_id"])
        db.session.commit()
        set_version(form, case.version)
        return _render_case(case, status=422, problem=_("Choose a lawyer from the list."), add_form=form)

    def change() -> None:
        services.assign_lawyer(g.user, case, form.lawyer_id.data, expected_version=expected_version(form.version.data))

    failed = _lawyer_change(case, change, form)
    if failed is not None:
        return failed
    flash(_("The lawyer is assigned to the case."), "info")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="lawyers"))


@bp.route("/cases/<int:case_id>/lawyers/<int:user_id>/remove", methods=["POST"])
@access(*EDITORS)
def remove_lawyer(case_id: int, user_id: int):
    case = load_case(case_id, edit=True)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)

    def change() -> None:
        services.remove_lawyer(g.user, case, user_id, expected_version=expected_version(form.version.data))

    failed = _lawyer_change(case, change)
    if failed is not None:
        return failed
    flash(_("The lawyer is no longer assigned to the case."), "info")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="lawyers"))


# The child and event pages add their routes to `bp` when imported, and they import `bp` from this module:
# so the import comes last, once `bp` exists. Importing this module is what registers every page.
from justice_tracker.cases import child_views, event_views  # noqa: E402, F401
