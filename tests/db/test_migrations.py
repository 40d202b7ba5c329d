"""Migrations build exactly the models' schema, and go down and up again (SECURITY.md 28).

Runs on a database of its own (a temporary SQLite file, or `<test db>_migrations` on
PostgreSQL) so that it never disturbs the suite's database.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade

from justice_tracker import ROOT
from justice_tracker.db import db
from tests.conftest import app_on, separate_database_url


@pytest.fixture()
def fresh_app(tmp_path) -> Iterator[Flask]:
    app = app_on(separate_database_url(tmp_path, "migrations"))
    yield app
    with app.app_context():
        db.engine.dispose()


def _tables(app: Flask) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_there_is_one_head():
    from alembic.config import Config

    config = Config(str(ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_downgrade_upgrade(fresh_app):
    with fresh_app.app_context():
        upgrade()
    tables = _tables(fresh_app)
    assert {"children", "cases", "events", "audit_log", "users"} <= tables
    with fresh_app.app_context():
        downgrade(revision="base")
    assert _tables(fresh_app) <= {"alembic_version"}
    with fresh_app.app_context():
        upgrade()
    assert _tables(fresh_app) == tables


def test_migrations_match_the_models(fresh_app):
    with fresh_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_audit_guard_survives_the_round_trip(fresh_app):
    with fresh_app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        with db.engine.connect() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO audit_log (at, actor_role, action, object_type, outcome) "
                    "VALUES (CURRENT_TIMESTAMP, 's', 'a', 'o', 'ok')"
                )
            )
            conn.commit()
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                conn.execute(sa.text("DELETE FROM audit_log"))
            conn.rollback()
