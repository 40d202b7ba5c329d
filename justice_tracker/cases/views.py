"""HTML pages for children, cases and their timelines.

Each view loads its record, checks access to that record, acts through the
services, commits once and writes one audit row. A child's name never goes into a
URL, a flash message (the session cookie is signed, not encrypted) or an audit row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError
from wtforms import Field, FieldList, FormField
from wtforms.fields.choices import SelectChoice

from justice_tracker.audit.service import record
from justice_tracker.auth.access import (
    access,
    can_edit_case,
    can_edit_child,
    can_view_case,
    can_view_child,
)
from justice_tracker.auth.models import Role
from justice_tracker.cases import queries, services
from justice_tracker.cases.forms import (
    AddLawyerForm,
    CaseForm,
    ChildEditForm,
    ChildForm,
    EventForm,
    FindChildForm,
    LocalTimeError,
    VersionForm,
    details_initial,
    event_form_class,
    event_type_choices,
    expected_version,
    humanize,
    local_to_utc,
    to_local_input,
)
from justice_tracker.cases.models import Case, CaseStatus, Child, Event
from justice_tracker.cases.timeline import as_timeline, custody_run_start, effective_events, episodes
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.service import evaluate_case
from justice_tracker.errors import Conflict, FieldError, Forbidden, ValidationFailed
from justice_tracker.org.models import Court
from justice_tracker.timeline.ages import age_on
from justice_tracker.timeline.custody import CustodyEpisode, CustodyKind, total_seconds
from justice_tracker.timeline.details import clean_details
from justice_tracker.timeline.durations import days_and_hours
from justice_tracker.timeline.status import is_closed
from justice_tracker.timeline.vocabulary import EVENT_TYPES, EventType, FieldKind
from justice_tracker.web.templating import local_time

bp = Blueprint("cases", __name__)

READERS = (Role.CLERK, Role.LAWYER, Role.ADMIN)
EDITORS = (Role.CLERK, Role.ADMIN)
MAX_AS_OF_LENGTH = 40
RECENT_EVENTS = 5
MAX_ID = 2**31 - 1


def conflict_message() -> str:
    return _(
        "This record was changed by someone else since you opened the form. Nothing was saved. "
        "Check the current state shown on this page, then submit again if your change is still needed."
    )


# -- loading and access ---------------------------------------------------------------------------------------


def _get(model: Any, row_id: int) -> Any:
    """A row by primary key; an id no integer column can hold is simply not found (never a 500)."""
    if not 0 < row_id <= MAX_ID:
        return None
    return db.session.get(model, row_id)


def _case(case_id: int, *, edit: bool = False) -> Case:
    case = _get(Case, case_id)
    if case is None:
        abort(404)
    if not can_view_case(g.user, case):
        raise Forbidden(_("You do not have access to this case."))
    if edit and not can_edit_case(g.user, case):
        raise Forbidden(_("You can read this case but not change it."))
    return case


def _child(child_id: int, *, edit: bool = False) -> Child:
    child = _get(Child, child_id)
    if child is None:
        abort(404)
    if not can_view_child(g.user, child):
        raise Forbidden(_("You do not have access to this child's record."))
    if edit and not can_edit_child(g.user, child):
        raise Forbidden(_("You can read this child's record but not change it."))
    return child


def _viewed(kind: str, object_id: int, page: str, extra: str = "") -> None:
    record(f"{kind}_viewed", kind, object_id, detail=f"page={page}{extra}")


def _rejected(action: str, kind: str, object_id: int, problems: Iterable[str]) -> None:
    names = ",".join(sorted(set(problems)))[:300] or "form"
    record(action, kind, object_id, outcome="failure", detail=f"fields={names}")


# -- form errors ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One line of the error summary at the top of a form; `href` leads to the field."""

    label: str
    message: str
    href: str | None = None


def _walk(fields: Iterable[Field], prefix: str, out: list[Problem]) -> None:
    for f in fields:
        if isinstance(f, FormField):
            _walk(f.form, prefix, out)
        elif isinstance(f, FieldList):
            for index, entry in enumerate(f.entries, start=1):
                inner = f"{prefix}{f.label.text} {index}: "
                _walk(entry.form if isinstance(entry, FormField) else [entry], inner, out)
            first = f.entries[0] if f.entries else None
            anchor = None
            if isinstance(first, FormField):
                anchor = "#" + next(iter(first.form)).id
            out.extend(Problem(str(f.label.text), m, anchor) for m in f.errors if isinstance(m, str))
        elif f.type == "CSRFTokenField":
            out.extend(Problem(_("Form"), str(m)) for m in f.errors)
        else:
            out.extend(Problem(prefix + str(f.label.text), str(m), "#" + f.id) for m in f.errors)


def form_problems(form: Any, extra: Iterable[Problem] = ()) -> list[Problem]:
    out: list[Problem] = []
    if form is not None:
        _walk(form, "", out)
    return out + list(extra)


def _field_at(form: Any, path: str) -> Field | None:
    if path.startswith("details.") and isinstance(getattr(form, "details", None), FormField):
        return form.details.form._fields.get(path.removeprefix("details."))
    return form._fields.get(path)


def attach_errors(form: Any, exc: ValidationFailed, case: Case | None = None) -> list[Problem]:
    """Put each service error next to its field; return those that belong to no field.

    `event N.field` names a stored event the new one contradicts: it links to that
    event on the case page.
    """
    extra: list[Problem] = []
    for err in exc.errors:
        target = _field_at(form, err.field)
        if target is not None and not isinstance(target, FormField | FieldList):
            target.errors = [*target.errors, err.message]
            continue
        if err.field.startswith("event ") and case is not None:
            key, _dot, field_name = err.field.removeprefix("event ").partition(".")
            label = _("Recorded event #%(n)s (%(field)s)", n=key, field=field_name)
            extra.append(Problem(label, err.message, url_for("cases.show", case_id=case.id, _anchor=f"event-{key}")))
        else:
            labels = {"type": _("Type of event"), "corrects": _("Event corrected"), "court": _("Court")}
            extra.append(Problem(labels.get(err.field, err.field), err.message))
    return extra


def _set_version(form: Any, version: int) -> None:
    form.version.data = str(version)
    form.version.raw_data = [str(version)]


# -- list and search ------------------------------------------------------------------------------------------


@dataclass
class CaseRow:
    case: Case
    last_event: Event | None
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
    rows = []
    for case in page.items:
        standing = effective_events(case.events)
        last = max(standing, key=lambda e: (e.at, e.seq), default=None)
        rows.append(CaseRow(case, last, _held(case, now)))
    used = ",".join(filters.used) or "none"
    detail = f"results={page.total} page={page.number} filters={used} sort={filters.sort}"
    record("case_list_viewed", "case", None, detail=detail)
    db.session.commit()
    return render_template(
        "cases/index.html",
        rows=rows,
        page=page,
        filters=filters,
        courts=queries.filter_courts(g.user),
        jurisdictions=jurisdictions,
        find_form=FindChildForm(formdata=None),
    )


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
        try:
            child = services.register_child(g.user, form.child_data())
        except ValidationFailed as exc:
            db.session.rollback()
            extra = attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The child is registered. Now open a case for them."), "info")
            return redirect(url_for("cases.new_case", child_id=child.id))
    if request.method == "POST":
        status = 422
    return render_template("cases/child_form.html", form=form, child=None, problems=form_problems(form, extra)), status


def _age(dob: date | None, on: date) -> int | None:
    if dob is None or on < dob:
        return None
    return age_on(dob, on)


@bp.route("/children/<int:child_id>")
@access(*READERS)
def child(child_id: int):
    found = _child(child_id)
    cases = sorted((c for c in found.cases if can_view_case(g.user, c)), key=lambda c: c.created_at, reverse=True)
    _viewed("child", found.id, "child")
    db.session.commit()
    return render_template(
        "cases/child.html",
        child=found,
        cases=cases,
        age=_age(found.date_of_birth, utcnow().date()),
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
    found = _child(child_id, edit=True)
    if request.method == "GET":
        form = ChildEditForm(formdata=None, data=_child_initial(found))
        _set_version(form, found.version)
        _viewed("child", found.id, "edit")
        db.session.commit()
        return render_template("cases/child_form.html", form=form, child=found, problems=[])
    form = ChildEditForm()
    status, extra, conflict = 422, [], False
    if form.validate_on_submit():
        try:
            services.update_child(
                g.user, found, form.child_data(), expected_version=expected_version(form.version.data)
            )
            db.session.flush()
        except (Conflict, StaleDataError):
            db.session.rollback()
            status, conflict = 409, True
            _set_version(form, found.version)
        except ValidationFailed as exc:
            db.session.rollback()
            extra = attach_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The child's record is saved."), "info")
            return redirect(url_for("cases.child", child_id=found.id))
    problems = form_problems(form, extra)
    _rejected("child_update_rejected", "child", found.id, ["version"] if conflict else _problem_fields(form, extra))
    db.session.commit()
    return (
        render_template(
            "cases/child_form.html",
            form=form,
            child=found,
            problems=problems,
            conflict=conflict_message() if conflict else None,
        ),
        status,
    )


# -- opening a case -------------------------------------------------------------------------------------------


def _court_label(court: Court) -> str:
    return f"{court.name} — {court.jurisdiction.name} ({court.effective_time_zone})"


def _lawyer_choices(exclude: Iterable[int] = ()) -> list[SelectChoice]:
    skip = set(exclude)
    return [
        SelectChoice(value=lawyer.id, label=lawyer.display_name)
        for lawyer in queries.active_lawyers()
        if lawyer.id not in skip
    ]


@bp.route("/children/<int:child_id>/cases/new", methods=["GET", "POST"])
@access(*EDITORS)
def new_case(child_id: int):
    found = _child(child_id, edit=True)
    form = CaseForm()
    form.lawyer_ids.choices = _lawyer_choices()
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
        try:
            case = services.open_case(g.user, found, form.case_data(), court=court)
        except ValidationFailed as exc:
            db.session.rollback()
            extra = attach_errors(form, exc)
            status = 422
        else:
            db.session.commit()
            flash(_("The case is open. Record what has happened so far."), "info")
            return redirect(url_for("cases.show", case_id=case.id))
    elif request.method == "POST":
        status = 422
    if request.method == "GET":
        _viewed("child", found.id, "new_case")
    elif status != 200:
        _rejected("case_create_rejected", "child", found.id, _problem_fields(form, extra))
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


# -- the case page --------------------------------------------------------------------------------------------


@dataclass
class DetailItem:
    label: str
    value: str


@dataclass
class TimelineRow:
    event: Event
    details: list[DetailItem]
    state: str  # "effective", "superseded" or "voided"
    corrected_by: Event | None
    corrects: Event | None


@dataclass
class EpisodeRow:
    episode: CustodyEpisode
    seconds: int
    facilities: list[str]


def _instant_text(value: Any, tz_name: str) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return local_time(moment, tz_name)


def detail_items(event: Event, tz_name: str) -> list[DetailItem]:
    kind = EVENT_TYPES.get(event.type)
    details = event.details or {}
    if kind is None:
        return [DetailItem(str(k), str(v)) for k, v in details.items()]
    items = []
    for spec in kind.fields:
        value = details.get(spec.name)
        if value is None or value == []:
            continue
        if spec.kind == FieldKind.BOOLEAN:
            text = _("yes") if value else _("no")
        elif spec.kind == FieldKind.CHOICE:
            text = _(humanize(str(value)))
        elif spec.kind == FieldKind.TEXT_LIST:
            text = ", ".join(_(humanize(str(v))) if spec.choices else str(v) for v in value)
        elif spec.kind == FieldKind.INSTANT:
            text = _instant_text(value, tz_name)
        else:
            text = str(value)
        items.append(DetailItem(_(spec.label), text))
    return items


def timeline_rows(case: Case, as_of: datetime | None) -> list[TimelineRow]:
    """Every stored event in order, originals kept: superseded and voided ones marked, with their correction."""
    rows = sorted(case.events, key=lambda e: (e.at, e.seq))
    correction_of = {e.corrects_id: e for e in rows if e.corrects_id is not None}
    standing = {e.id for e in effective_events(rows)}
    out = []
    for event in rows:
        if event.voids or (as_of is not None and event.at > as_of):
            continue
        corrected_by = correction_of.get(event.id)
        if event.id in standing:
            state = "effective"
        else:
            state = "voided" if corrected_by is not None and corrected_by.voids else "superseded"
        out.append(TimelineRow(event, detail_items(event, case.time_zone), state, corrected_by, event.corrects))
    return out


def episode_rows(found: list[CustodyEpisode], moment: datetime) -> list[EpisodeRow]:
    rows = []
    for episode in found:
        names: list[str] = []
        for placement in episode.placements:
            name = placement.facility or _("not recorded")
            if not names or names[-1] != name:
                names.append(name)
        rows.append(EpisodeRow(episode, episode.seconds(moment), names))
    return rows


CUSTODY_WORDS = {
    CustodyKind.POLICE.value: _l("Police custody"),
    CustodyKind.PRETRIAL.value: _l("Pre-trial detention"),
    CustodyKind.SENTENCED.value: _l("Sentenced custody"),
}


def custody_word(kind: str | None) -> str:
    word = CUSTODY_WORDS.get(kind or "")
    return str(word) if word is not None else _("Not in custody")


def parse_as_of(raw: str, tz: ZoneInfo) -> datetime:
    """`?as_of=`: an ISO 8601 instant; a date alone means the end of that day in the court's zone."""
    text = raw.strip()
    if not text or len(text) > MAX_AS_OF_LENGTH:
        raise ValueError(_("Give the date as an ISO 8601 instant, for example 2026-05-01T12:00Z."))
    if len(text) == 10:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("Give the date as YYYY-MM-DD or an ISO 8601 instant.")) from None
        if day.year < 1900 or day >= date.max:
            raise ValueError(_("Give a date after 1900."))
        midnight = datetime.combine(day + timedelta(days=1), time(0))
        return midnight.replace(tzinfo=tz, fold=0).astimezone(UTC) - timedelta(seconds=1)
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise ValueError(_("Give the date as an ISO 8601 instant, for example 2026-05-01T12:00Z.")) from None
    if moment.tzinfo is None:
        try:
            return local_to_utc(moment, tz)
        except LocalTimeError as exc:
            raise ValueError(str(exc)) from None
    if moment.year < 1900:
        raise ValueError(_("Give a date after 1900."))
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(_("The date is out of range.")) from None


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
        _set_version(add_form, case.version)
    if add_form is not None:
        add_form.lawyer_id.choices = _lawyer_choices(case.lawyer_ids())
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
            age=_age(case.child.date_of_birth, moment.astimezone(tz).date()),
            editable=editable,
            add_form=add_form,
            problem=problem,
            custody_word=custody_word,
            deadlines=evaluate_case(case, moment),
        ),
        status,
    )


@bp.route("/cases/<int:case_id>")
@access(*READERS)
def show(case_id: int):
    case = _case(case_id)
    as_of = _as_of(case)
    extra = f" as_of={as_of.strftime('%Y-%m-%dT%H:%M:%SZ')}" if as_of else ""
    _viewed("case", case.id, "show", extra)
    db.session.commit()
    return _render_case(case, as_of=as_of)


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
    _rejected("lawyer_change_rejected", "case", case.id, ["version"] if status == 409 else ["lawyer_id"])
    db.session.commit()
    if add_form is not None:
        _set_version(add_form, case.version)
    return _render_case(case, status=status, problem=problem, add_form=add_form)


@bp.route("/cases/<int:case_id>/lawyers", methods=["POST"])
@access(*EDITORS)
def add_lawyer(case_id: int):
    case = _case(case_id, edit=True)
    form = AddLawyerForm()
    form.lawyer_id.choices = _lawyer_choices(case.lawyer_ids())
    if not form.validate_on_submit():
        _rejected("lawyer_change_rejected", "case", case.id, ["lawyer_id"])
        db.session.commit()
        _set_version(form, case.version)
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
    case = _case(case_id, edit=True)
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


# -- recording and correcting events --------------------------------------------------------------------------


def _recent(case: Case) -> list[Event]:
    standing = sorted(effective_events(case.events), key=lambda e: (e.at, e.seq))
    return standing[-RECENT_EVENTS:]


def _render_event_form(
    case: Case,
    form: EventForm | None,
    *,
    status: int,
    problems: list[Problem],
    chosen: str = "",
    original: Event | None = None,
    conflict: str | None = None,
    template: str = "cases/event_form.html",
):
    return (
        render_template(
            template,
            case=case,
            form=form,
            chosen=chosen,
            type_choices=event_type_choices(),
            tz_name=case.time_zone,
            problems=problems,
            conflict=conflict,
            recent=_recent(case),
            original=original,
            original_details=detail_items(original, case.time_zone) if original is not None else [],
        ),
        status,
    )


@bp.route("/cases/<int:case_id>/events/new", methods=["GET", "POST"])
@access(*EDITORS)
def new_event(case_id: int):
    case = _case(case_id, edit=True)
    type_name = request.args.get("type", "")
    event_type = EVENT_TYPES.get(type_name)
    if event_type is None:
        problems = []
        if type_name or request.method == "POST":
            problems = [Problem(_("Type of event"), _("Choose a type of event from the list."), "#type")]
        _viewed("case", case.id, "new_event")
        db.session.commit()
        return _render_event_form(case, None, status=400 if problems else 200, problems=problems)
    form_class = event_form_class(event_type, ZoneInfo(case.time_zone))
    if request.method == "GET":
        form = form_class(formdata=None)
        _set_version(form, case.version)
        _viewed("case", case.id, "new_event", f" type={event_type.name}")
        db.session.commit()
        return _render_event_form(case, form, status=200, problems=[], chosen=event_type.name)

    form = form_class()
    status, extra, conflict = 422, [], None
    if form.validate_on_submit():
        assert form.at_utc is not None
        try:
            event = services.record_event(
                g.user,
                case,
                type=event_type.name,
                at=form.at_utc,
                details=form.details_data(),
                expected_version=form.expected_version(),
            )
        except (Conflict, StaleDataError):
            db.session.rollback()
            status, conflict = 409, conflict_message()
            _set_version(form, case.version)
        except ValidationFailed as exc:
            db.session.rollback()
            extra = attach_errors(form, exc, case)
        else:
            db.session.commit()
            flash(_("The event is recorded."), "info")
            return redirect(url_for("cases.show", case_id=case.id, _anchor=f"event-{event.seq}"))
    problems = form_problems(form, extra)
    _rejected("event_rejected", "case", case.id, ["version"] if conflict else _problem_fields(form, extra))
    db.session.commit()
    return _render_event_form(case, form, status=status, problems=problems, chosen=event_type.name, conflict=conflict)


def _problem_fields(form: Any, extra: list[Problem]) -> list[str]:
    """Field names (never values) of the problems on a form, for the audit row."""
    names = []
    for f in form:
        if isinstance(f, FormField):
            names += [f"details.{sub.name.split('-', 1)[-1]}" for sub in f.form if sub.errors]
        elif f.errors:
            names.append(f.name)
    return names + ["timeline" for _p in extra]


def _unchanged(original: Event, event_type: EventType, at: datetime, details: dict[str, Any], tz: ZoneInfo) -> bool:
    if event_type.name != original.type or at != original.at:
        return False
    cleaned, problems = clean_details(event_type.name, details, tz=tz)
    return not problems and cleaned == dict(original.details or {})


@bp.route("/cases/<int:case_id>/events/<int:event_id>/correct", methods=["GET", "POST"])
@access(*EDITORS)
def correct_event(case_id: int, event_id: int):
    case = _case(case_id, edit=True)
    original = _get(Event, event_id)
    if original is None or original.case_id != case.id or original.voids:
        abort(404)
    tz = ZoneInfo(case.time_zone)
    if original not in effective_events(case.events):
        _viewed("case", case.id, "correct_event", f" event={original.seq}")
        db.session.commit()
        problem = Problem(
            _("Event corrected"),
            _("This event has already been corrected or voided: correct the version that stands now."),
            url_for("cases.show", case_id=case.id, _anchor=f"event-{original.seq}"),
        )
        return _render_event_form(
            case, None, status=409, problems=[problem], original=original, template="cases/correct_form.html"
        )
    event_type = EVENT_TYPES.get(request.args.get("type", "")) or EVENT_TYPES.get(original.type)
    if event_type is None:
        abort(400, description=_("This event's type is no longer in the vocabulary."))
    form_class = event_form_class(event_type, tz, correction=True)
    render = {"chosen": event_type.name, "original": original, "template": "cases/correct_form.html"}

    if request.method == "GET":
        naive, offset = to_local_input(original.at, tz)
        data = {
            "at": naive,
            "utc_offset": offset,
            "mode": "replace",
            "details": details_initial(event_type, original.details or {}, tz),
        }
        form = form_class(formdata=None, data=data)
        _set_version(form, case.version)
        _viewed("case", case.id, "correct_event", f" event={original.seq}")
        db.session.commit()
        return _render_event_form(case, form, status=200, problems=[], **render)

    form = form_class()
    status, extra, conflict = 422, [], None
    if form.validate_on_submit():
        try:
            correction = _apply_correction(case, original, form, event_type, tz)
        except (Conflict, StaleDataError):
            db.session.rollback()
            status, conflict = 409, conflict_message()
            _set_version(form, case.version)
        except ValidationFailed as exc:
            db.session.rollback()
            extra = attach_errors(form, exc, case)
        else:
            db.session.commit()
            flash(_("The correction is recorded; the original stays visible in the history."), "info")
            anchor = original.seq if correction.voids else correction.seq
            return redirect(url_for("cases.show", case_id=case.id, _anchor=f"event-{anchor}"))
    problems = form_problems(form, extra)
    _rejected("event_correction_rejected", "case", case.id, ["version"] if conflict else _problem_fields(form, extra))
    db.session.commit()
    return _render_event_form(case, form, status=status, problems=problems, conflict=conflict, **render)


def _apply_correction(case: Case, original: Event, form: Any, event_type: EventType, tz: ZoneInfo) -> Event:
    version = form.expected_version()
    reason = form.reason.data or ""
    if form.voids:
        return services.correct_event(g.user, case, original, reason=reason, void=True, expected_version=version)
    at = form.at_utc
    assert at is not None
    # The form shows minutes: an unchanged time keeps the original's seconds.
    if at == original.at.replace(second=0, microsecond=0):
        at = original.at
    details = form.details_data()
    if _unchanged(original, event_type, at, details, tz):
        message = _("The corrected values are the same as the original: change something, or choose to void it.")
        raise ValidationFailed([FieldError("corrects", message)])
    return services.correct_event(
        g.user,
        case,
        original,
        reason=reason,
        type=event_type.name,
        at=at,
        details=details,
        expected_version=version,
    )
