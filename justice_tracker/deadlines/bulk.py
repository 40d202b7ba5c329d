"""Stored deadlines for many cases at once: `flask deadlines refresh`, closure days, `demo generate`.

The rows are those `service.recompute` stores for one case, built from plain column reads and
written with one DELETE and one multi-row INSERT per batch. Loading every event as an ORM object
and flushing every deadline one by one was most of the cost of a refresh at registry size
(bench/RESULTS.md has the profile, before and after).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select

from justice_tracker.cases.models import Case, Child, Event, Offence
from justice_tracker.cases.timeline import as_timeline, effective_events
from justice_tracker.db import db
from justice_tracker.deadlines.models import CalendarClosure, CaseDeadline
from justice_tracker.deadlines.packs import all_packs
from justice_tracker.deadlines.service import evaluate_standing, row_values
from justice_tracker.rules.model import CaseFacts, OffenceFacts
from justice_tracker.timeline.facts import ChildFacts

BATCH = 1000


def refresh_all(now: datetime, *, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every case's stored deadlines (after a pack update); returns the number of cases."""
    ids = list(db.session.scalars(select(Case.id).order_by(Case.id)))
    refresh_cases(ids, now, progress=progress)
    return len(ids)


def refresh_cases(case_ids: Sequence[int], now: datetime, *, progress: Callable[[int], None] | None = None) -> None:
    """Replace the stored deadlines of these cases with what the engine gives at `now`."""
    closures = _closures()
    for first in range(0, len(case_ids), BATCH):
        chunk = list(case_ids[first : first + BATCH])
        rows = _rows(chunk, now, closures)
        db.session.execute(delete(CaseDeadline).where(CaseDeadline.case_id.in_(chunk)))
        if rows:
            db.session.execute(insert(CaseDeadline.__table__), rows)
        if progress is not None:
            progress(len(chunk))


def _closures() -> dict[str, list[date]]:
    found: dict[str, list[date]] = defaultdict(list)
    for code, day in db.session.execute(select(CalendarClosure.jurisdiction_code, CalendarClosure.day)):
        found[code].append(day)
    return found


def _rows(case_ids: list[int], now: datetime, closures: dict[str, list[date]]) -> list[dict[str, Any]]:
    packs = all_packs()
    heads = db.session.execute(
        select(Case.id, Case.jurisdiction_code, Case.court_id, Child.date_of_birth, Child.date_of_birth_estimated)
        .join(Child, Case.child_id == Child.id)
        .where(Case.id.in_(case_ids))
    ).all()
    offences: dict[int, list[OffenceFacts]] = defaultdict(list)
    for case_id, penalty, offence_class in db.session.execute(
        select(Offence.case_id, Offence.max_penalty_years, Offence.offence_class)
        .where(Offence.case_id.in_(case_ids))
        .order_by(Offence.case_id, Offence.position)
    ):
        offences[case_id].append(OffenceFacts(penalty, offence_class))
    events: dict[int, list[Any]] = defaultdict(list)
    for row in db.session.execute(
        select(Event.case_id, Event.id, Event.seq, Event.type, Event.at, Event.details, Event.corrects_id, Event.voids)
        .where(Event.case_id.in_(case_ids))
        .order_by(Event.case_id, Event.seq)
    ):
        events[row.case_id].append(row)
    rows: list[dict[str, Any]] = []
    for case_id, code, court_id, born, estimated in heads:
        pack = packs.get(code)
        if pack is None:
            continue
        facts = CaseFacts(child=ChildFacts(born, estimated), offences=offences[case_id])
        timeline = as_timeline(effective_events(events[case_id]))
        found = evaluate_standing(pack, facts, timeline, now, closures[code])
        rows += [row_values(case_id, court_id, pack, position, d, now) for position, d in enumerate(found)]
    return rows
