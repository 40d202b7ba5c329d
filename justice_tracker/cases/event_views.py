"""Pages that write a case's timeline: recording an event and correcting (or voiding) a recorded one.

The routes belong to the `cases` blueprint (`views.bp`), which imports this module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from justice_tracker.auth.access import access
from justice_tracker.cases import services
from justice_tracker.cases.forms import EventForm, details_initial, event_form_class, event_type_choices, to_local_input
from justice_tracker.cases.models import Case, Event
from justice_tracker.cases.page_support import (
    EDITORS,
    Problem,
    Refusal,
    get_row,
    load_case,
    record_viewed,
    save_or_explain,
    set_version,
)
from justice_tracker.cases.presenters import detail_items
from justice_tracker.cases.timeline import effective_events
from justice_tracker.cases.views import bp
from justice_tracker.db import db
from justice_tracker.errors import FieldError, ValidationFailed
from justice_tracker.programmes.presenters import AlternativesPanel, alternatives_panel, alternatives_text
from justice_tracker.timeline.details import clean_details
from justice_tracker.timeline.vocabulary import EVENT_TYPES, EventType

RECENT_EVENTS = 5


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
    alternatives: AlternativesPanel | None = None,
):
    return (
        render_template(
            template,
            case=case,
            alternatives=alternatives,
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
    case = load_case(case_id, edit=True)
    type_name = request.args.get("type", "")
    event_type = EVENT_TYPES.get(type_name)
    if event_type is None:
        problems = []
        if type_name or request.method == "POST":
            problems = [Problem(_("Type of event"), _("Choose a type of event from the list."), "#type")]
        record_viewed("case", case.id, "new_event")
        db.session.commit()
        return _render_event_form(case, None, status=400 if problems else 200, problems=problems)
    form_class = event_form_class(event_type, ZoneInfo(case.time_zone))
    # Detention is a last resort: its form (and that of the diversion_considered it needs) shows the alternatives.
    alternatives = alternatives_panel(case, event_type.name, request.args.get("for"))
    if request.method == "GET":
        draft = alternatives_text(alternatives) if alternatives and event_type.name == "diversion_considered" else ""
        form = form_class(formdata=None, data={"details": {"alternatives": draft}} if draft else None)
        set_version(form, case.version)
        record_viewed("case", case.id, "new_event", f" type={event_type.name}")
        db.session.commit()
        return _render_event_form(
            case, form, status=200, problems=[], chosen=event_type.name, alternatives=alternatives
        )

    form = form_class()

    def save() -> Event:
        assert form.at_utc is not None
        return services.record_event(
            g.user,
            case,
            type=event_type.name,
            at=form.at_utc,
            details=form.details_data(),
            expected_version=form.expected_version(),
        )

    outcome = save_or_explain(form, case, save, rejected="event_rejected")
    if isinstance(outcome, Refusal):
        return _render_event_form(
            case,
            form,
            status=outcome.status,
            problems=outcome.problems,
            chosen=event_type.name,
            conflict=outcome.conflict,
            alternatives=alternatives,
        )
    flash(_("The event is recorded."), "info")
    return redirect(url_for("cases.show", case_id=case.id, _anchor=f"event-{outcome.seq}"))


def _unchanged(original: Event, event_type: EventType, at: datetime, details: dict[str, Any], tz: ZoneInfo) -> bool:
    if event_type.name != original.type or at != original.at:
        return False
    cleaned, problems = clean_details(event_type.name, details, tz=tz)
    return not problems and cleaned == dict(original.details or {})


@bp.route("/cases/<int:case_id>/events/<int:event_id>/correct", methods=["GET", "POST"])
@access(*EDITORS)
def correct_event(case_id: int, event_id: int):
    case = load_case(case_id, edit=True)
    original = get_row(Event, event_id)
    if original is None or original.case_id != case.id or original.voids:
        abort(404)
    tz = ZoneInfo(case.time_zone)
    if original not in effective_events(case.events):
        record_viewed("case", case.id, "correct_event", f" event={original.seq}")
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
        set_version(form, case.version)
        record_viewed("case", case.id, "correct_event", f" event={original.seq}")
        db.session.commit()
        return _render_event_form(case, form, status=200, problems=[], **render)

    form = form_class()
    outcome = save_or_explain(
        form,
        case,
        lambda: _apply_correction(case, original, form, event_type, tz),
        rejected="event_correction_rejected",
    )
    if isinstance(outcome, Refusal):
        return _render_event_form(
            case, form, status=outcome.status, problems=outcome.problems, conflict=outcome.conflict, **render
        )
    flash(_("The correction is recorded; the original stays visible in the history."), "info")
    anchor = original.seq if outcome.voids else outcome.seq
    return redirect(url_for("cases.show", case_id=case.id, _anchor=f"event-{anchor}"))


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
