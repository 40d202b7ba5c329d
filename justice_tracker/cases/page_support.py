"""What every page of the `cases` blueprint shares: who may use it, loading with access checks,
audit rows, the error summary of a form, the save-or-explain step of a submitted form, `?as_of=`.

The view modules (`views`, `child_views`, `event_views`) hold the routes; this module holds no route.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import abort, g, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError
from wtforms import Field, FieldList, FormField
from wtforms.fields.choices import SelectChoice

from justice_tracker.audit.service import record
from justice_tracker.auth.access import can_edit_case, can_edit_child, can_view_case, can_view_child
from justice_tracker.auth.models import Role
from justice_tracker.cases import queries
from justice_tracker.cases.forms import LocalTimeError, local_to_utc
from justice_tracker.cases.models import Case, CaseLawyer, Child
from justice_tracker.db import db
from justice_tracker.errors import Conflict, Forbidden, ValidationFailed
from justice_tracker.org.models import Court
from justice_tracker.timeline.ages import age_on

T = TypeVar("T")

READERS = (Role.CLERK, Role.LAWYER, Role.ADMIN)
EDITORS = (Role.CLERK, Role.ADMIN)
MAX_AS_OF_LENGTH = 40
MAX_ID = 2**31 - 1


def conflict_message() -> str:
    return _(
        "This record was changed by someone else since you opened the form. Nothing was saved. "
        "Check the current state shown on this page, then submit again if your change is still needed."
    )


# -- loading and access ---------------------------------------------------------------------------------------


# What every case page shows with the case, read with it rather than one query each as the template
# reaches it (the court and its jurisdiction give the time zone; the lawyers are listed by name).
CASE_PAGE_LOADS = (
    joinedload(Case.court).joinedload(Court.jurisdiction),
    joinedload(Case.child),
    selectinload(Case.lawyers).joinedload(CaseLawyer.user),
)


def get_row(model: Any, row_id: int, options: Iterable[Any] = ()) -> Any:
    """A row by primary key; an id no integer column can hold is simply not found (never a 500)."""
    if not 0 < row_id <= MAX_ID:
        return None
    return db.session.get(model, row_id, options=options)


def _load(
    model: type[T],
    row_id: int,
    *,
    edit: bool,
    checks: tuple[Any, Any],
    refusals: tuple[str, str],
    options: Iterable[Any] = (),
) -> T:
    """The row, or 404; `Forbidden` when the user may not see it, or may not change it and `edit` is asked."""
    row = get_row(model, row_id, options)
    if row is None:
        abort(404)
    (can_view, can_edit), (not_seen, read_only) = checks, refusals
    if not can_view(g.user, row):
        raise Forbidden(not_seen)
    if edit and not can_edit(g.user, row):
        raise Forbidden(read_only)
    return row


def load_case(case_id: int, *, edit: bool = False) -> Case:
    refusals = (_("You do not have access to this case."), _("You can read this case but not change it."))
    checks = (can_view_case, can_edit_case)
    return _load(Case, case_id, edit=edit, checks=checks, refusals=refusals, options=CASE_PAGE_LOADS)


def load_child(child_id: int, *, edit: bool = False) -> Child:
    refusals = (
        _("You do not have access to this child's record."),
        _("You can read this child's record but not change it."),
    )
    return _load(Child, child_id, edit=edit, checks=(can_view_child, can_edit_child), refusals=refusals)


def record_viewed(kind: str, object_id: int, page: str, extra: str = "") -> None:
    record(f"{kind}_viewed", kind, object_id, detail=f"page={page}{extra}")


def record_rejected(action: str, kind: str, object_id: int | None, problems: Iterable[str]) -> None:
    names = ",".join(sorted(set(problems)))[:300] or "form"
    record(action, kind, object_id, outcome="failure", detail=f"fields={names}")


# -- small things more than one page shows --------------------------------------------------------------------


def child_age(dob: date | None, on: date) -> int | None:
    if dob is None or on < dob:
        return None
    return age_on(dob, on)


def lawyer_choices(exclude: Iterable[int] = ()) -> list[SelectChoice]:
    skip = set(exclude)
    lawyers = queries.active_lawyers()
    return [SelectChoice(value=lawyer_id, label=name) for lawyer_id, name in lawyers if lawyer_id not in skip]


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
            labels = {
                "type": _("Type of event"),
                "corrects": _("Event corrected"),
                "court": _("Court"),
                "diversion_considered": _("Alternatives to detention"),
            }
            extra.append(Problem(labels.get(err.field, err.field), err.message))
    return extra


def problem_fields(form: Any, extra: list[Problem]) -> list[str]:
    """Field names (never values) of the problems on a form, for the audit row."""
    names = []
    for f in form:
        if isinstance(f, FormField):
            names += [f"details.{sub.name.split('-', 1)[-1]}" for sub in f.form if sub.errors]
        elif f.errors:
            names.append(f.name)
    return names + ["timeline" for _p in extra]


def set_version(form: Any, version: int) -> None:
    form.version.data = str(version)
    form.version.raw_data = [str(version)]


# -- saving a submitted form ----------------------------------------------------------------------------------


def create_or_problems(form: Any, create: Callable[[], T]) -> tuple[T | None, list[Problem]]:
    """Run `create` and commit: (what it made, []); or, when the services refuse it, roll back: (None, problems).

    The problems are those of the services' errors that belong to no field of `form`.
    """
    try:
        made = create()
    except ValidationFailed as exc:
        db.session.rollback()
        return None, attach_errors(form, exc)
    db.session.commit()
    return made, []


@dataclass(frozen=True)
class Refusal:
    """Why a submitted form was not saved: what its page shows again, and with which status."""

    status: int  # 409 when someone else changed the record since the form was opened, else 422
    problems: list[Problem]
    conflict: str | None


def save_or_explain(form: Any, owner: Case | Child, save: Callable[[], T], *, rejected: str) -> T | Refusal:
    """Validate `form` and run `save`; commit and return what it returned, or a `Refusal`.

    On a refusal nothing of `save` is kept, and one `rejected` audit row on `owner`
    names the fields at fault (`version` on a conflict, after which the form carries
    the current version). A service error naming a stored event links to it when
    `owner` is a case.
    """
    case = owner if isinstance(owner, Case) else None
    status, extra, conflict = 422, [], None
    if form.validate_on_submit():
        try:
            result = save()
        except (Conflict, StaleDataError):
            db.session.rollback()
            status, conflict = 409, conflict_message()
            set_version(form, owner.version)
        except ValidationFailed as exc:
            db.session.rollback()
            extra = attach_errors(form, exc, case)
        else:
            db.session.commit()
            return result
    problems = form_problems(form, extra)
    kind = "case" if case is not None else "child"
    record_rejected(rejected, kind, owner.id, ["version"] if conflict else problem_fields(form, extra))
    db.session.commit()
    return Refusal(status, problems, conflict)


# -- ?as_of= --------------------------------------------------------------------------------------------------


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
