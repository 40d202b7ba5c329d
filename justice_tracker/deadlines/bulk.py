"""Stored deadlines for many cases at once: `flask deadlines refresh`, closure days, `demo generate`.

The rows are those `service.recompute` stores for one case, built from plain column reads. Per
batch of cases, the computed rows are compared with the stored ones, column by column as the
database holds them, and only the cases whose rows differ are rewritten (one DELETE and one
multi-row INSERT, or COPY on PostgreSQL); the others keep their rows and get the new
`computed_at` with one UPDATE. The stored state is exactly what rewriting every case would give
(ids apart), but a refresh where little changed inserts few rows: inserting every row was most of
what the parent process did (bench/RESULTS.md has the profiles).

A large refresh runs in worker processes (one per core). Each reads its batch in a read-only
connection of its own, evaluates and compares it, and sends back only what must be written; this
process writes that, one batch at a time.
"""

from __future__ import annotations

import json
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
from sqlalchemy import Connection, Engine, Text, cast, column, delete, insert, select, table, update
from sqlalchemy.engine import Dialect

from justice_tracker.cases.models import Case, Child, Event, Offence
from justice_tracker.cases.timeline import as_timeline, effective_events
from justice_tracker.db import db, read_only_engine
from justice_tracker.deadlines.models import CalendarClosure, CaseDeadline
from justice_tracker.deadlines.packs import all_packs
from justice_tracker.deadlines.service import evaluate_standing, row_values
from justice_tracker.rules.loader import load_all
from justice_tracker.rules.model import CaseFacts, OffenceFacts, RulePack
from justice_tracker.timeline.facts import ChildFacts

BATCH = 1000
# Below this many cases, starting worker processes costs more than it saves.
PARALLEL_FROM = 5000

_TABLE = CaseDeadline.__table__
# Every column a refresh writes, in the table's order (the id is the database's).
_WRITTEN = tuple(c.name for c in _TABLE.columns if c.name != "id")
_COMPUTED_AT = _WRITTEN.index("computed_at")
_CASE_ID = _WRITTEN.index("case_id")
# What decides whether a stored row is still right: all but `computed_at`, which every row gets anew.
_COMPARED = _WRITTEN[:_COMPUTED_AT] + _WRITTEN[_COMPUTED_AT + 1 :]
# The same table with untyped columns: values come back exactly as stored, with no result processing.
_RAW = table(_TABLE.name, *(column(name) for name in _COMPARED))

BoundRow = tuple[Any, ...]


class StoredEventRow(NamedTuple):
    """An event's columns, as the timeline bridge reads them."""

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


@dataclass(frozen=True)
class BatchChanges:
    """What refreshing one batch writes (picklable: the workers send it back)."""

    case_ids: list[int]
    # The cases whose stored rows differ from the computed ones: all their rows are replaced.
    replaced: list[int]
    # The new rows of those cases, as bound values in `_WRITTEN` order.
    rows: list[BoundRow]
    # Each case's (case version, child version) when it was read, before its events.
    versions: dict[int, tuple[int, int]]


def refresh_all(now: datetime, *, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every case's stored deadlines (after a pack update); returns the number of cases.

    `progress` runs after each batch is written (the CLI commits there). From `PARALLEL_FROM`
    cases on, worker processes read the cases in connections of their own, so they see only
    what is committed: call it with nothing pending.
    """
    ids = list(db.session.scalars(select(Case.id).order_by(Case.id)))
    if len(ids) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        _refresh_in_workers(ids, now, progress)
    else:
        refresh_cases(ids, now, progress=progress)
    return len(ids)


def refresh_cases(case_ids: Sequence[int], now: datetime, *, progress: Callable[[int], None] | None = None) -> None:
    """Make the stored deadlines of these cases what the engine gives at `now` (in this session)."""
    closures, packs = _closures(), all_packs()
    db.session.flush()  # the reads go straight to the session's connection
    for first in range(0, len(case_ids), BATCH):
        chunk = list(case_ids[first : first + BATCH])
        # Asked for per batch: `progress` may have committed, and the next transaction has its own.
        _apply(batch_changes(db.session.connection(), chunk, now, closures, packs), now, progress)


def _refresh_in_workers(ids: list[int], now: datetime, progress: Callable[[int], None] | None) -> None:
    closures = _closures()
    # Nothing is pending (see `refresh_all`): end the transaction, which holds SQLite's write lock,
    # rather than keep the web application from writing while the workers start.
    db.session.commit()
    directory = current_app.config.get("RULE_PACK_DIR")
    url = db.engine.url.render_as_string(hide_password=False)
    # spawn, not fork: a forked child would share this process's database connections.
    context = multiprocessing.get_context("spawn")
    workers = max(2, os.cpu_count() or 2)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(directory, url)) as pool:
        pending: deque[Future[BatchChanges]] = deque()
        for first in range(0, len(ids), BATCH):
            pending.append(pool.submit(_changes_in_worker, ids[first : first + BATCH], now, closures))
            # A few batches ahead keep the workers busy; more would only hold their rows in memory.
            if len(pending) > 2 * workers:
                _apply(pending.popleft().result(), now, progress)
        while pending:
            _apply(pending.popleft().result(), now, progress)


@dataclass(frozen=True)
class _Worker:
    packs: dict[str, RulePack]
    engine: Engine


_worker: _Worker | None = None


def _start_worker(directory: str | None, url: str) -> None:
    global _worker  # one per worker process, set once by the pool's initializer
    _worker = _Worker(load_all(Path(directory)) if directory else load_all(), read_only_engine(url))


def _changes_in_worker(case_ids: list[int], now: datetime, closures: dict[str, list[date]]) -> BatchChanges:
    assert _worker is not None, "the pool's initializer sets the worker up"
    with _worker.engine.connect() as connection:
        return batch_changes(connection, case_ids, now, closures, _worker.packs)


def batch_changes(
    connection: Connection,
    case_ids: list[int],
    now: datetime,
    closures: dict[str, list[date]],
    packs: dict[str, RulePack],
) -> BatchChanges:
    """Evaluate these cases and compare with their stored rows: what must be written (no writing here)."""
    versions = _versions(connection, case_ids)
    stored = _stored_rows(connection, case_ids)
    bind = _binder(connection.dialect)
    computed: dict[int, list[BoundRow]] = defaultdict(list)
    for row in compute_rows(_read(connection, case_ids), now, closures, packs):
        computed[row["case_id"]].append(bind(row))
    replaced = [
        case_id
        for case_id in case_ids
        if [_compared(row) for row in computed.get(case_id, [])] != stored.get(case_id, [])
    ]
    rows = [row for case_id in replaced for row in computed.get(case_id, [])]
    return BatchChanges(case_ids, replaced, rows, versions)


def _versions(connection: Connection, case_ids: list[int], *, lock: bool = False) -> dict[int, tuple[int, int]]:
    """Each case's version and its child's: any change that moves a case's deadlines bumps one of them."""
    stmt = select(Case.id, Case.version, Child.version).join(Child, Case.child_id == Child.id)
    stmt = stmt.where(Case.id.in_(case_ids))
    if lock:
        stmt = stmt.with_for_update(of=Case)
    return {case_id: (case_version, child_version) for case_id, case_version, child_version in connection.execute(stmt)}


def compute_rows(
    inputs: Sequence[CaseInput], now: datetime, closures: dict[str, list[date]], packs: dict[str, RulePack]
) -> list[dict[str, Any]]:
    """The stored rows of these cases' deadlines at `now`, as `service.row_values` gives them."""
    rows: list[dict[str, Any]] = []
    for case in inputs:
        pack = packs.get(case.jurisdiction_code)
        if pack is None:
            continue
        timeline = as_timeline(effective_events(case.events))
        found = evaluate_standing(pack, case.facts, timeline, now, closures.get(case.jurisdiction_code, []))
        rows += [row_values(case.case_id, case.court_id, pack, i, d, now) for i, d in enumerate(found)]
    return rows


def _binder(dialect: Dialect) -> Callable[[dict[str, Any]], BoundRow]:
    """Turns a row into the values the driver is given, as SQLAlchemy would bind them on an INSERT.

    These are what the database stores, so they compare exactly with the stored values read raw.
    """
    processors = [(name, _TABLE.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in _WRITTEN]
    processed = [(i, _remembering(process)) for i, (_name, process) in enumerate(processors) if process is not None]

    def bind(row: dict[str, Any]) -> BoundRow:
        values = [row[name] for name in _WRITTEN]
        for i, process in processed:
            values[i] = process(values[i])
        return tuple(values)

    return bind


def _remembering(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`process`, computed once per distinct value: a batch's rows repeat their pack version, flags,
    `computed_at` and many instants, and binding instants was a fifth of a worker's time."""
    seen: dict[Any, Any] = {}

    def remembered(value: Any) -> Any:
        if value not in seen:
            seen[value] = process(value)
        return seen[value]

    return remembered


def _compared(row: BoundRow) -> BoundRow:
    return row[:_COMPUTED_AT] + row[_COMPUTED_AT + 1 :]


def _stored_rows(connection: Connection, case_ids: list[int]) -> dict[int, list[BoundRow]]:
    stored: dict[int, list[BoundRow]] = defaultdict(list)
    for row in connection.execute(
        select(*_RAW.c).where(_RAW.c.case_id.in_(case_ids)).order_by(_RAW.c.case_id, _RAW.c.position)
    ).all():
        stored[row.case_id].append(tuple(row))
    return stored


def _apply(changes: BatchChanges, now: datetime, progress: Callable[[int], None] | None) -> None:
    """Write a batch's changes, except for cases changed since they were read.

    Such a case had its deadlines recomputed in the very transaction that changed it, from newer
    events than the ones evaluated here: writing these would put stale limits back. Its row lock
    (PostgreSQL; SQLite's write lock is already held) keeps it unchanged until this commits.
    """
    current = _versions(db.session.connection(), changes.case_ids, lock=True)
    fresh = {case_id for case_id in changes.case_ids if current.get(case_id) == changes.versions.get(case_id)}
    replaced = {case_id for case_id in changes.replaced if case_id in fresh}
    if replaced:
        db.session.execute(delete(CaseDeadline).where(CaseDeadline.case_id.in_(replaced)))
    kept = [case_id for case_id in changes.case_ids if case_id in fresh and case_id not in replaced]
    if kept:
        db.session.execute(update(CaseDeadline).where(CaseDeadline.case_id.in_(kept)).values(computed_at=now))
    _insert(db.session.connection(), [row for row in changes.rows if row[_CASE_ID] in fresh])
    if progress is not None:
        progress(len(changes.case_ids))


def _insert(connection: Connection, rows: list[BoundRow]) -> None:
    """Insert rows of bound values: COPY on PostgreSQL (psycopg), an executemany INSERT otherwise.

    The values are already bound (`_binder`), so they go to the driver as they are; COPY costs a
    third of an INSERT per row (see `cases.batch_import`).
    """
    if not rows:
        return
    dialect = connection.dialect
    raw = connection.connection.dbapi_connection
    assert raw is not None
    if (dialect.name, dialect.driver) == ("postgresql", "psycopg"):
        preparer = dialect.identifier_preparer
        names = ", ".join(preparer.quote(name) for name in _WRITTEN)
        with raw.cursor() as cursor, cursor.copy(f"COPY {preparer.format_table(_TABLE)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = insert(_TABLE).compile(dialect=dialect, column_keys=list(_WRITTEN))
    assert statement.positiontup == list(_WRITTEN), "a positional driver, given the columns in `_WRITTEN` order"
    connection.exec_driver_sql(str(statement), rows)


def _closures() -> dict[str, list[date]]:
    found: dict[str, list[date]] = defaultdict(list)
    for code, day in db.session.execute(select(CalendarClosure.jurisdiction_code, CalendarClosure.day)):
        found[code].append(day)
    return dict(found)


def _read(connection: Connection, case_ids: list[int]) -> list[CaseInput]:
    # Each result is fetched whole (`.all()`): row by row, psycopg's fetch was a tenth of a worker's time.
    heads = connection.execute(
        select(Case.id, Case.jurisdiction_code, Case.court_id, Child.date_of_birth, Child.date_of_birth_estimated)
        .join(Child, Case.child_id == Child.id)
        .where(Case.id.in_(case_ids))
        .order_by(Case.id)
    ).all()
    offences: dict[int, list[OffenceFacts]] = defaultdict(list)
    for case_id, penalty, offence_class in connection.execute(
        select(Offence.case_id, Offence.max_penalty_years, Offence.offence_class)
        .where(Offence.case_id.in_(case_ids))
        .order_by(Offence.case_id, Offence.position)
    ).all():
        offences[case_id].append(OffenceFacts(penalty, offence_class))
    events: dict[int, list[StoredEventRow]] = defaultdict(list)
    # The details as their JSON text, each distinct text decoded once: a registry's events repeat
    # a few thousand texts, and decoding each event's was a tenth of a worker's time.
    details: dict[str | None, Any] = {}
    for case_id, event_id, seq, type_, at, text, corrects_id, voids in connection.execute(
        select(
            Event.case_id,
            Event.id,
            Event.seq,
            Event.type,
            Event.at,
            cast(Event.details, Text),
            Event.corrects_id,
            Event.voids,
        )
        .where(Event.case_id.in_(case_ids))
        .order_by(Event.case_id, Event.seq)
    ).all():
        if text not in details:
            details[text] = None if text is None else json.loads(text)
        events[case_id].append(StoredEventRow(event_id, seq, type_, at, details[text], corrects_id, voids))
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
