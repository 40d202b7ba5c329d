"""Court closure days: adding or removing one recomputes the deadlines it can move (flush, audit)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from justice_tracker.audit.service import record
from justice_tracker.auth.models import User
from justice_tracker.cases.models import Case
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.bulk import refresh_cases
from justice_tracker.deadlines.models import CalendarClosure, CaseDeadline
from justice_tracker.errors import FieldError, ValidationFailed

# A closure day D moves a limit that ends on D (to a preceding or next working day) or lengthens a
# working-day count running over D. A deadline whose stored due instant is more than this before D
# cannot move, whether the closure is added or removed; its case is not recomputed.
REACH = timedelta(days=31)


def recompute_for_closure(jurisdiction_code: str, day: date) -> int:
    """Recompute the stored deadlines of the jurisdiction's cases a closure on `day` can change.

    Cases are chosen in SQL and recomputed in bulk; returns how many were recomputed.
    """
    cutoff = datetime.combine(day - REACH, time(0), UTC)
    ids = list(
        db.session.scalars(
            select(Case.id)
            .where(
                Case.jurisdiction_code == jurisdiction_code,
                Case.id.in_(select(CaseDeadline.case_id).where(CaseDeadline.due >= cutoff)),
            )
            .order_by(Case.id)
        )
    )
    refresh_cases(ids, utcnow())
    return len(ids)


def add_closure(actor: User, jurisdiction_code: str, day: date, reason: str) -> tuple[CalendarClosure, int]:
    """Add a closure day; returns it and the number of cases whose deadlines were recomputed."""
    taken = FieldError("day", f"This day is already a closure day of {jurisdiction_code}.")
    exists = select(CalendarClosure.id).where(
        CalendarClosure.jurisdiction_code == jurisdiction_code, CalendarClosure.day == day
    )
    if db.session.scalar(exists) is not None:
        raise ValidationFailed([taken])
    closure = CalendarClosure(jurisdiction_code=jurisdiction_code, day=day, reason=reason.strip())
    try:
        # Two administrators adding the same day at once: the unique constraint decides.
        with db.session.begin_nested():
            db.session.add(closure)
    except IntegrityError as exc:
        raise ValidationFailed([taken]) from exc
    count = recompute_for_closure(jurisdiction_code, day)
    detail = f"jurisdiction={jurisdiction_code} day={day.isoformat()} cases_recomputed={count}"
    record("calendar_closure_added", "calendar_closure", closure.id, actor=actor, detail=detail)
    return closure, count


def remove_closure(actor: User, closure: CalendarClosure) -> int:
    code, day, closure_id = closure.jurisdiction_code, closure.day, closure.id
    db.session.delete(closure)
    db.session.flush()
    count = recompute_for_closure(code, day)
    detail = f"jurisdiction={code} day={day.isoformat()} cases_recomputed={count}"
    record("calendar_closure_removed", "calendar_closure", closure_id, actor=actor, detail=detail)
    return count
