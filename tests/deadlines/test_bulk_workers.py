"""The refresh in worker processes, which read the cases in read-only connections of their own.

Workers see only committed rows, so these tests run on a database of their own (a temporary
SQLite file, or `<test db>_workers` on PostgreSQL) where they can commit, like
tests/db/test_migrations.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import delete, select, update

from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case
from justice_tracker.db import db, read_only_engine
from justice_tracker.deadlines import bulk, cli
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.deadlines.service import recompute
from justice_tracker.demo import COURTS
from justice_tracker.demo_generate import LAWYERS, generate
from justice_tracker.org.models import Court
from tests.conftest import REAL_NOW, app_on, separate_database_url

COLUMNS = [c for c in CaseDeadline.__table__.columns if c.name != "id"]


@pytest.fixture()
def registry(tmp_path) -> Iterator[Flask]:
    """A migrated database of its own with the demo courts and users and 30 generated cases, committed."""
    app = app_on(separate_database_url(tmp_path, "workers"))
    with app.app_context():
        upgrade()
        db.session.add_all(Court(name=name, jurisdiction_code=code) for name, code, _tz in COURTS)
        db.session.add_all(
            User(
                email=email,
                display_name=email,
                role=str(role),
                password_hash="never signs in",
                created_at=REAL_NOW,
                password_changed_at=REAL_NOW,
            )
            for email, role in [("admin@demo.test", Role.ADMIN), *((lawyer, Role.LAWYER) for lawyer in LAWYERS)]
        )
        db.session.commit()
        generate(30, seed=6, now=REAL_NOW, batch=30)
        db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def _stored() -> list[tuple]:
    db.session.expire_all()
    return sorted(tuple(row) for row in db.session.execute(select(*COLUMNS)))


def test_the_refresh_in_worker_processes_matches_the_per_case_recompute(registry, monkeypatch):
    later = REAL_NOW + timedelta(days=2)
    with registry.app_context():
        for case in db.session.scalars(select(Case)):
            recompute(case, later)
        db.session.commit()
        expected = _stored()
        # Put the stored rows out of date in several ways, and commit: the workers read committed rows.
        cases = sorted(db.session.scalars(select(Case.id)))
        db.session.execute(update(CaseDeadline).where(CaseDeadline.case_id == cases[0]).values(status="met"))
        db.session.execute(delete(CaseDeadline).where(CaseDeadline.case_id.in_(cases[5:12])))
        db.session.execute(update(CaseDeadline).values(computed_at=REAL_NOW))
        db.session.commit()

        monkeypatch.setattr(bulk, "PARALLEL_FROM", 1)
        monkeypatch.setattr(bulk, "BATCH", 7)  # several batches in flight at once
        batches: list[int] = []
        assert bulk.refresh_all(later, progress=lambda n: (batches.append(n), db.session.commit())) == 30
        assert batches == [7, 7, 7, 7, 2]
        assert _stored() == expected


def test_a_read_only_connection_reads_while_another_holds_the_write_lock(registry):
    with registry.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
        db.session.execute(update(CaseDeadline).values(computed_at=datetime(2030, 1, 1, tzinfo=UTC)))
        # This session's transaction is open and has written (on SQLite: BEGIN IMMEDIATE, the write lock).
        reader = read_only_engine(url)
        try:
            with reader.connect() as connection:
                assert connection.scalar(select(sa.func.count()).select_from(Case)) == 30
                # It sees the committed rows, not the writer's pending ones.
                assert connection.scalar(select(sa.func.max(CaseDeadline.computed_at))) < datetime(
                    2030, 1, 1, tzinfo=UTC
                )
                with pytest.raises(sa.exc.DBAPIError):
                    connection.execute(delete(CaseDeadline))
        finally:
            reader.dispose()
            db.session.rollback()


def _dead_rows_and_statistics() -> tuple[int, bool]:
    """Dead rows left in the deadlines table (PostgreSQL; 0 on SQLite) and whether it has statistics."""
    if db.engine.dialect.name == "postgresql":
        db.session.commit()  # a new snapshot of the server's counters
        query = "SELECT n_dead_tup, last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'deadlines'"
        dead, vacuumed = db.session.execute(sa.text(query)).one()
        return dead, vacuumed
    stat = db.session.execute(sa.text("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
    found = stat and db.session.execute(sa.text("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'deadlines'")).all()
    return 0, bool(found)


def test_a_large_refresh_ends_by_vacuuming_and_analysing_the_deadlines(registry, monkeypatch):
    monkeypatch.setattr(cli, "VACUUM_FROM", 30)
    with registry.app_context():
        assert _dead_rows_and_statistics()[1] is False
        # Every stored row goes stale: the refresh rewrites or stamps each one, leaving a dead row each.
        db.session.execute(update(CaseDeadline).values(status="met"))
        db.session.commit()
        db.session.remove()
        result = registry.test_cli_runner().invoke(args=["deadlines", "refresh"])
        assert result.exit_code == 0, result.output
        assert "planner statistics of the deadlines refreshed" in result.output
        assert _dead_rows_and_statistics() == (0, True)
        monkeypatch.setattr(cli, "VACUUM_FROM", 31)  # fewer cases than that: no vacuum
        result = registry.test_cli_runner().invoke(args=["deadlines", "refresh"])
        assert result.exit_code == 0 and "planner statistics" not in result.output
