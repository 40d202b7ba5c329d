"""SQLite under concurrent requests: a page that reads holds no lock, and still writes its audit row.

These run on a database file of their own, outside the rolled-back transaction that wraps the
other tests (which holds the write lock for the whole test).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select, update

from justice_tracker.audit.models import AuditEntry
from justice_tracker.audit.service import record
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.org.models import Jurisdiction
from tests.conftest import app_on


@pytest.fixture()
def own_app(tmp_path) -> Iterator[Flask]:
    app = app_on("sqlite:///" + str(tmp_path / "locking.sqlite"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture()
def other_writer(own_app: Flask) -> Iterator[sqlite3.Connection]:
    """Another worker's connection to the same file, quick to give up waiting."""
    connection = sqlite3.connect(own_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"), timeout=0.2)
    connection.isolation_level = None
    yield connection
    connection.close()


def _audit_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _write_elsewhere(connection: sqlite3.Connection) -> None:
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO jurisdictions (code, name, time_zone, active) VALUES ('ZZ', 'Test', 'UTC', 1)")
    connection.execute("COMMIT")


def test_a_get_request_reads_without_the_write_lock_and_writes_after_another_commit(own_app, other_writer):
    with own_app.test_request_context("/board", method="GET"):
        before = _audit_rows()
        db.session.scalar(select(func.count()).select_from(Case))  # the page's reads: a snapshot, no lock
        _write_elsewhere(other_writer)  # another worker commits meanwhile, without waiting for this one
        record("board_viewed", "board", None, detail="test")
        db.session.commit()  # upgrading the overtaken snapshot would fail here at once
        assert _audit_rows() == before + 1


def test_a_plain_update_in_a_get_request_also_writes_after_another_commit(own_app, other_writer):
    with own_app.test_request_context("/board", method="GET"):
        db.session.scalar(select(func.count()).select_from(Case))
        _write_elsewhere(other_writer)
        db.session.execute(update(Jurisdiction).where(Jurisdiction.code == "ZZ").values(name="Renamed"))
        db.session.commit()
        assert db.session.scalar(select(Jurisdiction.name).where(Jurisdiction.code == "ZZ")) == "Renamed"


def test_a_post_request_holds_the_write_lock_from_its_first_read(own_app, other_writer):
    with own_app.test_request_context("/cases", method="POST"):
        db.session.scalar(select(func.count()).select_from(Case))
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            _write_elsewhere(other_writer)
        db.session.rollback()
