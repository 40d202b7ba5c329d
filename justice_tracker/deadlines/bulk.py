"""Stored deadlines for many cases at once: `flask deadlines refresh`, closure days, `demo generate`.

The rows are those `service.recompute` stores for one case, built from plain column reads and
written with one DELETE and one multi-row INSERT per batch: loading every event as an ORM object
and flushing every deadline one by one was most of the cost of a refresh at registry size.

A large refresh also evaluates in worker processes (one per core): the engine is pure Python and
was the larger half of the remaining cost, and the workers need only each case's facts and events,
read here and sent to them, while this process reads the next batch and writes the last one
(bench/RESULTS.md has the profiles, before and after).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import delete, insert, select

from justice_tracker.cases.models import Case, Child, Event, Offence
from justice_tracker.cases.timeline import as_timeline, effective_events
from justice_tracker.db import db
from justice_tracker.deadlines.models import CalendarClosure, CaseDeadline
from justice_tracker.deadlines.packs import all_packs
from justice_tracker.deadlines.service import evaluate_standing, row_values
from justice_tracker.rules.loader import load_all
from justice_tracker.rules.model import CaseFacts, OffenceFacts, RulePack
from justice_tracker.timeline.facts import ChildFacts

BATCH = 1000
# Below this many cases, starting worker processes costs more than it saves.
PARALLEL_FROM = 5000


class StoredEventRow(NamedTuple):
    """An event's columns, as the timeline bridge reads them (picklable for the workers)."""

    id: int
    seq: int
    type: str
    at: datetime
    details: dict[str, Any] | None
    corrects_id: int | None
    voids: bool


@dataclass(frozen=True)
class CaseInput:
    """What the engine needs of one case."""

    case_id: int
    court_id: int
    jurisdiction_code: str
    facts: CaseFacts
    events: list[StoredEventRow]


def refresh_all(now: datetime, *, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every case's stored deadlines (after a pack update); returns the number of cases.

    `progress` runs after each batch is written (the CLI commits there).
    """
    ids = list(db.session.scalars(select(Case.id).order_by(Case.id)))
    if len(ids) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        _refresh_in_workers(ids, now, progress)
    else:
        refresh_cases(ids, now, progress=progress)
    return len(ids)


def refresh_cases(case_ids: Sequence[int], now: datetime, *, progress: Callable[[int], None] | None = None) -> None:
    """Replace the stored deadlines of these cases with what the engine gives at `now`."""
    closures, packs = _closures(), all_packs()
    for first in range(0, len(case_ids), BATCH):
        chunk = list(case_ids[first : first + BATCH])
        _write(chunk, compute_rows(_read(chunk), now, closures, packs), progress)


def _refresh_in_workers(ids: list[int], now: datetime, progress: Callable[[int], None] | None) -> None:
    closures = _closures()
    directory = current_app.config.get("RULE_PACK_DIR")
    # spawn, not fork: a forked child would share this process's database connections.
    context = multiprocessing.get_context("spawn")
    workers = max(2, os.cpu_count() or 2)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_load_packs, initargs=(directory,)) as pool:
        pending: deque[tuple[list[int], Future[list[dict[str, Any]]]]] = deque()
        for first in range(0, len(ids), BATCH):
            chunk = ids[first : first + BATCH]
            pending.append((chunk, pool.submit(_compute_in_worker, _read(chunk), now, closures)))
            if len(pending) > workers:
                done, future = pending.popleft()
                _write(done, future.result(), progress)
        while pending:
            done, future = pending.popleft()
            _write(done, future.result(), progress)


_WORKER_PACKS: dict[str, RulePack] = {}


def _load_packs(directory: str | None) -> None:
    _WORKER_PACKS.update(load_all(Path(directory)) if directory else load_all())


def _compute_in_worker(inputs: list[CaseInput], now: datetime, closures: dict[str, list[date]]) -> list[dict[str, Any]]:
    return compute_rows(inputs, now, closures, _WORKER_PACKS)


def compute_rows(
    inputs: Sequence[CaseInput], now: datetime, closures: dict[str, list[date]], packs: dict[str, RulePack]
) -> list[dict[str, Any]]:
    """The stored rows of these cases' deadlines at `now` (no database: it runs in the workers too)."""
    rows: list[dict[str, Any]] = []
    for case in inputs:
        pack = packs.get(case.jurisdiction_code)
        if pack is None:
            continue
        timeline = as_timeline(effective_events(case.events))
        found = evaluate_standing(pack, case.facts, timeline, now, closures.get(case.jurisdiction_code, []))
        rows += [row_values(case.case_id, case.court_id, pack, i, d, now) for i, d in enumerate(found)]
    return rows


def _write(case_ids: list[int], rows: list[dict[str, Any]], progress: Callable[[int], None] | None) -> None:
    db.session.execute(delete(CaseDeadline).where(CaseDeadline.case_id.in_(case_ids)))
    if rows:
        db.session.execute(insert(CaseDeadline.__table__), rows)
    if progress is not None:
        progress(len(case_ids))


def _closures() -> dict[str, list[date]]:
    found: dict[str, list[date]] = defaultdict(list)
    for code, day in db.session.execute(select(CalendarClosure.jurisdiction_code, CalendarClosure.day)):
        found[code].append(day)
    return dict(found)


def _read(case_ids: list[int]) -> list[CaseInput]:
    heads = db.session.execute(
        select(Case.id, Case.jurisdiction_code, Case.court_id, Child.date_of_birth, Child.date_of_birth_estimated)
        .join(Child, Case.child_id == Child.id)
        .where(Case.id.in_(case_ids))
        .order_by(Case.id)
    ).all()
    offences: dict[int, list[OffenceFacts]] = defaultdict(list)
    for case_id, penalty, offence_class in db.session.execute(
        select(Offence.case_id, Offence.max_penalty_years, Offence.offence_class)
        .where(Offence.case_id.in_(case_ids))
        .order_by(Offence.case_id, Offence.position)
    ):
        offences[case_id].append(OffenceFacts(penalty, offence_class))
    events: dict[int, list[StoredEventRow]] = defaultdict(list)
    for case_id, *columns in db.session.execute(
        select(Event.case_id, Event.id, Event.seq, Event.type, Event.at, Event.details, Event.corrects_id, Event.voids)
        .where(Event.case_id.in_(case_ids))
        .order_by(Event.case_id, Event.seq)
    ):
        events[case_id].append(StoredEventRow(*columns))
    return [
        CaseInput(
            case_id,
            court_id,
            code,
            CaseFacts(child=ChildFacts(born, estimated), offences=offences[case_id]),
            events[case_id],
        )
        for case_id, code, court_id, born, estimated in heads
    ]
