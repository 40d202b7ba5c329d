"""Many case files in one command (`flask cases import`): new cases written together.

Importing a file through the services (`casefiles.import_case_file_detailed`) costs tens of
milliseconds: each verb flushes, reloads and recomputes the case's stored deadlines and custody
episodes after every step (twice for a new case).
A command importing thousands of files takes a shorter road for the common case, a file that creates
a new case in an existing court and passes every check:

- `prepare_new_case` runs the services' own checks on it (the schema, the child's birth date, each
  event's details, the timeline as a whole, extensions) and derives what the services derive (custody
  state and status, deadlines from the engine, last-resort warnings), writing nothing;
- `write_new_cases` then writes the rows the services would write (the child, the case, offences,
  lawyers, events, stored deadlines and custody episodes, and the same audit rows) for many files at
  once, with multi-row inserts.

Any other file (an existing case, a new court, a refused file, one without events) goes through
`import_case_file_detailed`, so what is refused, and how it is reported, is the services' decision.
Nothing is written for a file until every check passed; the caller wraps `write_new_cases` in a
savepoint and, should it fail, imports those files again one by one (tests/cases/test_casefiles_batch.py
checks that both roads store the same rows).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import g, has_request_context
from sqlalchemy import Table, func, select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import Role, User
from justice_tracker.cases import services
from justice_tracker.cases.casefiles import (
    REFERENCE_KEYS,
    _court_target,
    _imported_detail,
)
from justice_tracker.cases.models import Case, CaseLawyer, CaseStatus, Child, Event, Offence
from justice_tracker.cases.schemas import CaseFileSchema, load
from justice_tracker.cases.timeline import as_timeline, effective_events
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.deadlines.packs import closures_for, pack_for
from justice_tracker.deadlines.service import case_facts, evaluate_standing, row_values
from justice_tracker.errors import ValidationFailed
from justice_tracker.oversight import episodes as custody_store
from justice_tracker.oversight.models import StoredEpisode, StoredPlacement
from justice_tracker.programmes import last_resort
from justice_tracker.rules.model import Deadline
from justice_tracker.timeline.details import clean_details
from justice_tracker.timeline.facts import TimelineEvent


@dataclass(frozen=True)
class _CourtInfo:
    """An existing court, as a file's case would be opened in it."""

    id: int
    jurisdiction_code: str
    time_zone: str


@dataclass
class _DraftChild:
    """What the derivations read of a `Child` (the engine its birth date, the custody episodes its sex)."""

    date_of_birth: date | None
    date_of_birth_estimated: bool
    sex: str


@dataclass
class _DraftOffence:
    position: int
    description: str
    offence_class: str | None
    max_penalty_years: float | None


@dataclass
class _DraftEvent:
    """An event row before it is stored (`cases.timeline.StoredEvent`)."""

    seq: int
    type: str
    at: datetime
    details: dict[str, Any]
    id: int | None = None
    corrects_id: int | None = None
    voids: bool = False

    @property
    def key(self) -> str:
        return str(self.seq)


@dataclass
class _DraftCase:
    """A new case before it has ids: what the services' checks and derivations read of a `Case`."""

    court_id: int
    jurisdiction_code: str
    time_zone: str
    child: _DraftChild
    offences: list[_DraftOffence]
    events: list[_DraftEvent]
    id: int | None = None
    child_id: int | None = None
    status: str = CaseStatus.OPEN
    custody_state: str | None = None
    custody_since: datetime | None = None


@dataclass
class PreparedCase:
    """A file checked by `prepare_new_case`, ready for `write_new_cases`."""

    loaded: dict[str, Any]
    draft: _DraftCase
    lawyer_ids: list[int]
    deadlines: list[Deadline]
    warnings: list[str]
    now: datetime
    pseudonym: str


@dataclass
class ImportedCase:
    """A case written by `write_new_cases` (what `ImportResult` says of a created case)."""

    case_id: int
    reference: str
    events_added: int
    warnings: list[str]
    deadline_statuses: list[str]
    created: bool = True
    changed: bool = True
    lawyers_added: int = 0
    skipped_events: list[int] = field(default_factory=list)


class ImportBatch:
    """What a command importing many files reads once: courts as files name them, lawyers by e-mail,
    closure days and facilities. `forget` drops it all: after any file imported through the services
    (it may have created a court) and at each commit, so nothing is trusted for long."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.schema = CaseFileSchema()
        self._asked: set[str] = set()
        self._stored: set[tuple[int, str]] = set()
        # Cases this batch has written: since the last commit, and committed.
        self._uncommitted: set[tuple[int, str]] = set()
        self._created: set[tuple[int, str]] = set()
        self.forget()

    def expect(self, documents: Iterable[Any]) -> None:
        """Read at once which of these documents' references are stored, and in which courts."""
        references = {
            d["reference"].replace("\r\n", "\n").strip()  # as `schemas.Text` reads it
            for d in documents
            if isinstance(d, Mapping) and isinstance(d.get("reference"), str)
        }
        self._asked = references
        stored = select(Case.court_id, Case.reference).where(Case.reference.in_(references))
        self._stored = {(court_id, ref) for court_id, ref in db.session.execute(stored)} if references else set()

    def case_exists(self, court_id: int, reference: str) -> bool:
        if self.created_here(court_id, reference):
            return True
        if reference in self._asked:
            return (court_id, reference) in self._stored
        found = db.session.scalar(select(Case.id).where(Case.court_id == court_id, Case.reference == reference))
        return found is not None

    def remember(self, court_id: int, reference: str) -> None:
        """A case this batch has just written (so that a later file about it is an update)."""
        self._uncommitted.add((court_id, reference))

    def created_here(self, court_id: int, reference: str) -> bool:
        return (court_id, reference) in self._uncommitted or (court_id, reference) in self._created

    def committed(self) -> None:
        self._created |= self._uncommitted
        self._uncommitted.clear()
        self.forget()

    def rolled_back(self) -> None:
        self._uncommitted.clear()
        self.forget()

    def forget(self) -> None:
        self._courts: dict[tuple[Any, ...], _CourtInfo | None] = {}
        self._lawyers: dict[str, int | None] = {}
        self._closures: dict[str, list[date]] = {}
        self._facilities: dict[str, dict[str | None, int]] = {}

    def court(self, loaded: Mapping[str, Any]) -> _CourtInfo | None:
        """The existing court the file goes to; None when importing it would create one, or refuse it."""
        key = (loaded["jurisdiction"], loaded.get("court"), loaded.get("court_time_zone"))
        if key not in self._courts:
            self._courts[key] = self._existing_court(loaded)
        return self._courts[key]

    def _existing_court(self, loaded: Mapping[str, Any]) -> _CourtInfo | None:
        name, _create, creating = _court_target(self.actor, loaded)
        if creating:
            return None
        try:
            court = services.resolve_court(self.actor, loaded["jurisdiction"], name, create=False)
            if loaded.get("court_time_zone"):
                ZoneInfo(loaded["court_time_zone"])
        except (ValidationFailed, ZoneInfoNotFoundError, ValueError):
            return None
        return _CourtInfo(court.id, court.jurisdiction_code, court.effective_time_zone)

    def lawyer_ids(self, emails: Sequence[str]) -> list[int] | None:
        """`_lawyer_ids`, or None when an address is not an active lawyer's."""
        ids: list[int] = []
        for email in emails:
            key = email.strip().lower()
            if key not in self._lawyers:
                user = db.session.scalar(select(User).where(func.lower(User.email) == key))
                self._lawyers[key] = user.id if user and user.role == Role.LAWYER and user.active else None
            found = self._lawyers[key]
            if found is None:
                return None
            if found not in ids:
                ids.append(found)
        return ids

    def closures(self, code: str) -> list[date]:
        if code not in self._closures:
            self._closures[code] = closures_for(code)
        return self._closures[code]

    def facilities(self, code: str) -> dict[str | None, int]:
        if code not in self._facilities:
            self._facilities[code] = custody_store.facility_ids(code)
        return self._facilities[code]


def prepare_new_case(batch: ImportBatch, data: Any) -> PreparedCase | None:
    """Check a file that creates a new case in an existing court, as the services would; write nothing.

    None: the file is not such a file, or something in it is refused. Import it with
    `import_case_file_detailed`, which decides and names every problem.
    """
    if batch.actor.role not in (Role.ADMIN, Role.CLERK):
        return None
    try:
        loaded = load(batch.schema, data)
    except ValidationFailed:
        return None
    court = batch.court(loaded) if loaded["events"] else None
    lawyer_ids = batch.lawyer_ids(loaded["lawyers"]) if court is not None else None
    if court is None or lawyer_ids is None or batch.case_exists(court.id, loaded["reference"]):
        return None
    child = loaded["child"]
    offences = [
        _DraftOffence(position, o["description"], o.get("offence_class"), o.get("max_penalty_years"))
        for position, o in enumerate(loaded.get("offences") or [])
    ]
    draft = _DraftCase(
        court_id=court.id,
        jurisdiction_code=court.jurisdiction_code,
        time_zone=court.time_zone,
        child=_DraftChild(child.get("date_of_birth"), bool(child.get("date_of_birth_estimated", False)), child["sex"]),
        offences=offences,
        events=[],
    )
    tz = ZoneInfo(court.time_zone)
    pending: list[TimelineEvent] = []
    for index, item in enumerate(loaded["events"]):
        cleaned, problems = clean_details(item["type"], item.get("details") or {}, tz=tz)
        if problems:
            return None
        pending.append(TimelineEvent(key=f"{services.NEW}{index}", type=item["type"], at=item["at"], details=cleaned))
    case = cast(Case, draft)
    try:
        # The services' own checks (`register_child`, `append_events`), on the draft.
        services._check_birth_date(child.get("date_of_birth"))
        services._validate(case, pending, path_prefix="events.")
        services._check_extensions(case, pending, pending, "events.")
    except ValidationFailed:
        return None
    now = utcnow()
    draft.events = [
        _DraftEvent(seq=seq, type=e.type, at=e.at, details=dict(e.details)) for seq, e in enumerate(pending, start=1)
    ]
    # What the services derive after appending the events (`refresh_derived`); episodes when written.
    services.refresh_state(case, now)
    timeline = as_timeline(effective_events(draft.events))
    pack = pack_for(draft.jurisdiction_code)
    closures = batch.closures(draft.jurisdiction_code)
    found = evaluate_standing(pack, case_facts(case), timeline, now, closures) if pack is not None else []
    index_of_key = {event.key: seq - 1 for seq, event in enumerate(draft.events, start=1)}
    gaps = last_resort.unconsidered(timeline, index_of_key)
    warnings = [f"events.{index_of_key[event.key]}: {last_resort.message(event.type)}" for event in gaps]
    return PreparedCase(loaded, draft, lawyer_ids, found, warnings, now, services.new_pseudonym())


def write_new_cases(batch: ImportBatch, prepared: Sequence[PreparedCase]) -> list[ImportedCase]:
    """Write the prepared files' cases with multi-row inserts: the rows and audit entries the services write.

    Flushes, never commits. Run it in a savepoint: if it fails, nothing of any of the files remains.
    """
    if not prepared:
        return []
    actor = batch.actor
    actor_id, actor_role = actor.id, actor.role
    session = db.session
    session.flush()  # the rows below go straight to the connection
    # Plain multi-row inserts, then the new ids read back by each row's unique key: with psycopg,
    # INSERT … RETURNING over many rows cost three times a plain executemany (and COPY returns nothing).
    children = Child.__table__
    _insert(children, [_child_row(p, actor_id) for p in prepared])
    pseudonyms = [p.pseudonym for p in prepared]
    id_of_child = dict(
        session.execute(select(children.c.pseudonym, children.c.id).where(children.c.pseudonym.in_(pseudonyms))).all()
    )
    child_ids = [id_of_child[pseudonym] for pseudonym in pseudonyms]
    cases = Case.__table__
    _insert(cases, [_case_row(p, child_id, actor_id) for p, child_id in zip(prepared, child_ids, strict=True)])
    # Each new child has one case: this one.
    id_of_case = dict(
        session.execute(select(cases.c.child_id, cases.c.id).where(cases.c.child_id.in_(child_ids))).all()
    )
    case_ids = [id_of_case[child_id] for child_id in child_ids]
    offences, lawyers, events, deadlines, audit, episodes = [], [], [], [], [], []
    imported: list[ImportedCase] = []
    for p, child_id, case_id in zip(prepared, child_ids, case_ids, strict=True):
        draft, now = p.draft, p.now
        draft.id, draft.child_id = case_id, child_id
        offences += [
            {
                "case_id": case_id,
                "position": o.position,
                "description": o.description,
                "offence_class": o.offence_class,
                "max_penalty_years": o.max_penalty_years,
            }
            for o in draft.offences
        ]
        lawyers += [{"case_id": case_id, "user_id": user_id, "assigned_at": now} for user_id in p.lawyer_ids]
        events += [
            {
                "case_id": case_id,
                "seq": e.seq,
                "type": e.type,
                "at": e.at,
                "details": e.details,
                "recorded_at": now,
                "recorded_by_id": actor_id,
                "corrects_id": None,
                "voids": False,
                "correction_reason": None,
            }
            for e in draft.events
        ]
        pack = pack_for(draft.jurisdiction_code)
        if pack is not None:
            deadlines += [row_values(case_id, draft.court_id, pack, i, d, now) for i, d in enumerate(p.deadlines)]
        result = ImportedCase(
            case_id=case_id,
            reference=p.loaded["reference"],
            events_added=len(draft.events),
            warnings=p.warnings,
            deadline_statuses=[d.status.value for d in p.deadlines],
        )
        entry = _audit_rows(actor_id, actor_role, now)
        audit += [
            entry("child_created", "child", child_id),
            entry("case_created", "case", case_id, f"child={p.pseudonym}"),
            *(entry("event_recorded", "case", case_id, f"event={e.seq} type={e.type}") for e in draft.events),
            entry("case_imported", "case", case_id, _imported_detail(result)),
        ]
        stored = custody_store.store(cast(Case, draft), batch.facilities(draft.jurisdiction_code))
        for episode in stored:
            session.expunge(episode)  # and its placements (cascade): written below as rows, not flushed
        episodes += stored
        batch.remember(draft.court_id, result.reference)
        imported.append(result)
    for table, rows in (
        (Offence.__table__, offences),
        (CaseLawyer.__table__, lawyers),
        (Event.__table__, events),
        (CaseDeadline.__table__, deadlines),
        (AuditEntry.__table__, audit),
    ):
        _insert(table, rows)
    _insert_episodes(episodes)
    return imported


def _insert_episodes(episodes: Sequence[StoredEpisode]) -> None:
    """Write the custody episodes `episodes.store` built (taken out of the session) with multi-row inserts.

    (Flushing them as objects, each episode then its placements, cost more than all the other rows.)
    """
    if not episodes:
        return
    table = StoredEpisode.__table__
    _insert(table, [_columns(episode, _EPISODE_COLUMNS) for episode in episodes])
    new_cases = {episode.case_id for episode in episodes}
    id_of = {
        (case_id, position): episode_id
        for episode_id, case_id, position in db.session.execute(
            select(table.c.id, table.c.case_id, table.c.position).where(table.c.case_id.in_(new_cases))
        )
    }
    placements = [
        _columns(placement, _PLACEMENT_COLUMNS) | {"episode_id": id_of[(episode.case_id, episode.position)]}
        for episode in episodes
        for placement in episode.placements
    ]
    _insert(StoredPlacement.__table__, placements)


def _insert(table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows (all with the same keys, and only those columns) straight through the driver:
    COPY on PostgreSQL (psycopg), one executemany INSERT otherwise (SQLite).

    Each value goes through its column type's bind processor, as SQLAlchemy would bind it, so the
    rows are the same. With psycopg, COPY costs a third of one INSERT per row, here and in the
    server; with sqlite3, going past `Connection.execute` saves its per-row parameter building
    (a tenth of writing a file's rows).
    """
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    names = list(rows[0])
    bind = _binder(table, names, dialect)
    preparer = dialect.identifier_preparer
    target = f"{preparer.format_table(table)} ({', '.join(preparer.quote(name) for name in names)})"
    raw = connection.connection.dbapi_connection
    assert raw is not None
    if (dialect.name, dialect.driver) == ("postgresql", "psycopg"):
        sql = f"COPY {target} FROM STDIN"
        with _as_sqlalchemy_error(sql, dialect), raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(bind(row))
        return
    assert dialect.paramstyle == "qmark", "sqlite3's placeholders"
    # Names from the table's metadata, quoted; every value a parameter.
    sql = f"INSERT INTO {target} VALUES ({', '.join('?' for _ in names)})"  # noqa: S608
    values = [bind(row) for row in rows]
    cursor = raw.cursor()
    try:
        with _as_sqlalchemy_error(sql, dialect):
            cursor.executemany(sql, values)
    finally:
        cursor.close()


def _binder(table: Table, names: Sequence[str], dialect: Dialect) -> Callable[[Mapping[str, Any]], list[Any]]:
    """A row's values in `names` order, each through its column type's bind processor.

    A file's rows repeat its instant of import (`now`) dozens of times: each column processes a
    value object once.
    """
    processed: list[tuple[int, Callable[[Any], Any], dict[int, tuple[Any, Any]]]] = []
    for position, name in enumerate(names):
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processed.append((position, process, {}))

    def bind(row: Mapping[str, Any]) -> list[Any]:
        values = [row[name] for name in names]
        for position, process, seen in processed:
            value = values[position]
            if value is not None:
                # By identity, and holding the value, so that no other object can take its id meanwhile.
                found = seen.get(id(value))
                if found is None:
                    found = seen[id(value)] = (value, process(value))
                values[position] = found[1]
        return values

    return bind


@contextmanager
def _as_sqlalchemy_error(sql: str, dialect: Dialect) -> Iterator[None]:
    """A driver error, raised as SQLAlchemy raises it for an INSERT: the caller's savepoint and fallbacks apply."""
    try:
        yield
    except dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(sql, None, exc, dialect.loaded_dbapi.Error, dialect=dialect) from exc


_EPISODE_COLUMNS = tuple(c.key for c in StoredEpisode.__table__.columns if c.key != "id")
_PLACEMENT_COLUMNS = tuple(c.key for c in StoredPlacement.__table__.columns if c.key not in ("id", "episode_id"))


def _columns(row: Any, keys: Sequence[str]) -> dict[str, Any]:
    return {key: getattr(row, key) for key in keys}


def _child_row(p: PreparedCase, actor_id: int) -> dict[str, Any]:
    """The row `services.register_child` writes."""
    child = p.loaded["child"]
    return {
        "pseudonym": p.pseudonym,
        "given_name": child["given_name"],
        "family_name": child["family_name"],
        "date_of_birth": child.get("date_of_birth"),
        "date_of_birth_estimated": bool(child.get("date_of_birth_estimated", False)),
        "sex": child["sex"],
        "languages": list(child.get("languages") or []),
        "guardian_name": child.get("guardian_name"),
        "guardian_relationship": child.get("guardian_relationship"),
        "guardian_contact": child.get("guardian_contact"),
        "registered_court_id": p.draft.court_id,
        "created_at": p.now,
        "created_by_id": actor_id,
        "version": 1,
    }


def _case_row(p: PreparedCase, child_id: int, actor_id: int) -> dict[str, Any]:
    """The row `services.open_case` then `services.append_events` leave."""
    draft = p.draft
    return {
        "reference": p.loaded["reference"],
        "child_id": child_id,
        "jurisdiction_code": draft.jurisdiction_code,
        "court_id": draft.court_id,
        "status": CaseStatus(draft.status).value,
        **{key: p.loaded.get(key) for key in REFERENCE_KEYS},
        "custody_state": draft.custody_state,
        "custody_since": draft.custody_since,
        "created_at": p.now,
        "updated_at": p.now,
        "created_by_id": actor_id,
        # As the services leave it: inserted (1), touched when its events are appended (2), then its
        # custody state and status written (3, even when they are what the insert gave).
        "version": 3,
    }


def _audit_rows(actor_id: int, actor_role: str, now: datetime) -> Any:
    """Audit rows as `audit.service.record` writes them."""
    request_id = g.get("request_id") if has_request_context() else None

    def entry(action: str, object_type: str, object_id: int, detail: str | None = None) -> dict[str, Any]:
        return {
            "at": now,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "outcome": "success",
            "request_id": request_id,
            "detail": detail.replace("\r", "\\r").replace("\n", "\\n")[:500] if detail else None,
        }

    return entry
