"""The database handle, the declarative base and column types shared by every model."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, MetaData, create_engine, event, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC and always returned timezone-aware.

    SQLite has no time zone type, so values are stored there as naive UTC; PostgreSQL
    gets `timestamptz`. Naive input is refused: an instant without an offset is a bug.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("naive datetime refused: instants must carry a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class JSONDict(TypeDecorator[dict[str, Any]]):
    """A JSON object column (details of an event, small structured values)."""

    impl = JSON
    cache_ok = True


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


SQLITE_MMAP_BYTES = 1 << 30


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT and emits BEGIN late; let
    # SQLAlchemy drive transactions (see the SQLAlchemy "pysqlite serializable" recipe).
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Readers never wait for a writer, nor a writer for readers: with the default rollback
        # journal, two gunicorn workers saw "database is locked" under the load benchmark.
        cursor.execute("PRAGMA journal_mode=WAL")
        # Pages read through the OS cache in place, not copied into SQLite's 2 MB page cache:
        # the oversight year at 100,000 cases re-read a third of its pages, and took 20 % longer.
        cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()


# Per connection of the application, whatever the server's configuration (bench/RESULTS.md, *Boards*):
POSTGRESQL_SETTINGS = {
    # No parallel query: on a server of a few cores answering many short requests, PostgreSQL
    # started two worker processes for a lawyer's board (a 1 ms query) and took 7 ms; the
    # workers only compete with the other requests for the cores.
    "max_parallel_workers_per_gather": "0",
    # An index look-up costed as on solid-state storage or a cached database, not on a spinning
    # disk (the default, 4): the lawyer's board then reads its 418 cases by key, not by hashing
    # the registry's 20,000 open cases (1.1 ms against 5.8 ms at 100,000 cases).
    "random_page_cost": "1.1",
}


@event.listens_for(Engine, "connect")
def _postgresql_settings(dbapi_connection: Any, connection_record: Any) -> None:
    if type(dbapi_connection).__module__.startswith("psycopg"):
        with dbapi_connection.cursor() as cursor:
            for name, value in POSTGRESQL_SETTINGS.items():
                cursor.execute(f"SET {name} = {value}")
        dbapi_connection.commit()  # session settings, kept once committed


# The execution option that marks an engine's connections as only reading (`read_only_engine`).
READ_ONLY = "justice_tracker_read_only"


# Set on a SQLite connection whose transaction began deferred and has not written yet.
_DEFERRED = "justice_tracker_deferred"


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn: Any) -> None:
    # A transaction that may write after reading begins IMMEDIATE: a deferred one whose snapshot
    # another connection's commit has overtaken cannot become a writer, and fails at once with
    # "database is locked" whatever the busy timeout; taking the write lock at BEGIN makes it wait
    # its turn instead. But the lock is then held for the whole transaction, and under load the
    # application's pages ran one at a time (bench/RESULTS.md, HTTP). So GET and HEAD requests,
    # and connections that never write, begin deferred: they read a snapshot without the lock,
    # and the first write of a GET request (its audit row, a session's last use) starts a
    # transaction of its own (`_write_after_reading`).
    if conn.dialect.name != "sqlite":
        return
    deferred = bool(conn.get_execution_options().get(READ_ONLY)) or _reading_request()
    conn.info[_DEFERRED] = deferred
    conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def _reading_request() -> bool:
    return has_request_context() and request.method in ("GET", "HEAD")


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@event.listens_for(Engine, "before_cursor_execute")
def _write_after_reading(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> None:
    """Before a deferred SQLite transaction writes: end its reading, and write in one that holds the lock.

    What a GET request writes (its audit row, a session's last use) depends on nothing it read
    in the same transaction, so ending the snapshot loses nothing; upgrading it in place could
    fail at once (see `_sqlite_begin`), and a transaction that begins with the lock waits its turn.
    Done here, under the ORM, so that a flush and a plain `execute(update(…))` are treated alike.
    """
    if conn.dialect.name != "sqlite" or not conn.info.get(_DEFERRED):
        return
    if not statement.lstrip()[:7].upper().startswith(_WRITES):
        return
    # Within a savepoint the transaction cannot end here (nothing a GET request does uses one).
    if not conn.in_nested_transaction():
        cursor.execute("COMMIT")
        cursor.execute("BEGIN IMMEDIATE")
        conn.info[_DEFERRED] = False


def read_only_engine(url: str) -> Engine:
    """An engine outside the Flask application for a process that only reads (the refresh's workers).

    Its SQLite transactions begin deferred, reading a snapshot without the write lock. Its
    connections refuse to write (`query_only` on SQLite, READ ONLY transactions on PostgreSQL), so
    that a write through it fails at once instead of racing the process that writes.
    """
    engine = create_engine(url, hide_parameters=True)
    if engine.dialect.name == "postgresql":
        return engine.execution_options(postgresql_readonly=True, **{READ_ONLY: True})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_query_only)
    return engine.execution_options(**{READ_ONLY: True})


def _sqlite_query_only(dbapi_connection: Any, connection_record: Any) -> None:
    # A write would otherwise wait for the write lock (the busy timeout) before failing.
    dbapi_connection.execute("PRAGMA query_only = ON")


def refresh_statistics(tables: Sequence[str] = ()) -> None:
    """The planner's statistics of `tables` (or all) refreshed; run after a bulk load, outside any transaction.

    Without them the planners guess: PostgreSQL servers run with autovacuum off never analyse a
    freshly loaded table, and SQLite keeps no statistics until asked. At 100,000 generated cases
    the lawyer board on SQLite walked every open deadline of the registry instead of the lawyer's
    150 cases, and the clerk board on PostgreSQL took a second, until the tables were analysed.
    PostgreSQL also gets VACUUM: a bulk load that updates what it inserted (as deriving each
    case's state does) leaves a dead row per update, which every scan reads until vacuumed.
    """
    db.session.commit()
    quoted = [db.engine.dialect.identifier_preparer.quote(table) for table in tables]
    if db.engine.dialect.name != "postgresql":
        for name in quoted or [""]:  # SQLite analyses one table at a time, or the whole database
            db.session.execute(text(f"ANALYZE {name}".strip()))
        db.session.commit()
        return
    names = ", ".join(quoted)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Outside any transaction, as VACUUM must be. No truncation of empty trailing pages: it needs
        # each table's exclusive lock, and waited behind every open transaction that had touched it.
        conn.exec_driver_sql(f"VACUUM (ANALYZE, TRUNCATE false) {names}".strip())
