"""Test fixtures: one migrated database per run, one rolled-back transaction per test.

The database is SQLite in a temporary folder, or `TEST_DATABASE_URL` when set
(PostgreSQL in CI). The schema is built by the real migrations. Each test runs
inside a transaction that is rolled back at the end; the application's own
commits become savepoints, so each test leaves the database as it found it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import orm
from sqlalchemy.engine import make_url

from justice_tracker import create_app
from justice_tracker.auth import passwords
from justice_tracker.auth.models import Role, User
from justice_tracker.auth.sessions import SESSION_KEY, digest
from justice_tracker.cases import services
from justice_tracker.cases.models import Case, Child
from justice_tracker.db import db
from justice_tracker.demo import COURTS
from justice_tracker.extensions import limiter
from justice_tracker.org.models import Court
from tests import failing_routes

TEST_PASSWORD = "correct horse battery staple 42"
REAL_NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def _database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")


def separate_database_url(tmp_path: Path, suffix: str) -> str:
    """A database of a test's own, outside the rolled-back transaction that wraps the others.

    A SQLite file in `tmp_path`, or `<test database>_<suffix>` on the PostgreSQL server of
    `TEST_DATABASE_URL` (created if missing): for tests that must commit, or run migrations.
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return "sqlite:///" + str(tmp_path / f"{suffix}.sqlite")
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def app_on(url: str) -> Flask:
    """The application on a database of a test's own (see `separate_database_url`), emptied first."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "tests-of-their-own-" + "x" * 32})
    reset_database(app)
    return app


def reset_database(app: Flask) -> None:
    """Drop everything (tables, triggers, Alembic's version) so that migrations start clean."""
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()


class Clock:
    """A settable clock: `clock.now` is what the application sees as now."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def clock() -> Clock:
    return Clock(REAL_NOW)


def _fresh_request_globals() -> None:
    """Start every test request with an empty `g`.

    Tests keep an application context open (for factories and direct service calls);
    Flask then reuses it for the test client's requests, so `g` would otherwise carry
    one request's CSRF token or user into the next, which never happens in production.
    """
    for key in list(g):
        g.pop(key)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory, clock: Clock) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "SECRET_KEY": "test-secret-key-" + "x" * 32,
            "CLOCK": clock,
            "RATELIMIT_STORAGE_URI": "memory://",
            # Tests change the registry between two looks at one scope (tests/oversight/test_cache.py).
            "OVERSIGHT_CACHE_SECONDS": 0,
        }
    )
    failing_routes.register(app)
    app.before_request_funcs.setdefault(None, []).insert(0, _fresh_request_globals)
    reset_database(app)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield app


@pytest.fixture(autouse=True)
def _transaction(request: pytest.FixtureRequest, clock: Clock) -> Iterator[None]:
    """Wrap each test that uses the app in a transaction rolled back afterwards."""
    clock.now = REAL_NOW
    if "app" not in request.fixturenames:
        yield
        return
    app: Flask = request.getfixturevalue("app")
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = orm.scoped_session(  # type: ignore[misc]
            orm.sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=original.registry.scopefunc,  # type: ignore[attr-defined]
        )
        limiter.reset()
        try:
            yield
        finally:
            db.session.remove()
            db.session = original  # type: ignore[misc]
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture()
def ctx(app: Flask) -> Iterator[None]:
    """An application context for tests that call services directly."""
    with app.test_request_context():
        yield


@pytest.fixture(scope="session")
def password_hash(app: Flask) -> str:
    with app.app_context():
        return passwords.hash_password(TEST_PASSWORD)


# -- factories ------------------------------------------------------------------------------------------------


class Factory:
    """Builds test data through the real services, as an administrator would.

    Each builder commits (a savepoint release inside the test's transaction), so that
    a request that fails and rolls back cannot take the test's data with it.
    """

    def __init__(self, app: Flask, password_hash: str) -> None:
        self.app = app
        self.password_hash = password_hash
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def court(self, jurisdiction: str = "GB-EAW", name: str | None = None, time_zone: str | None = None) -> Court:
        court = Court(name=name or f"Test court {self._next()}", jurisdiction_code=jurisdiction, time_zone=time_zone)
        db.session.add(court)
        db.session.commit()
        return court

    def user(self, role: Role | str = Role.CLERK, court: Court | None = None, email: str | None = None) -> User:
        n = self._next()
        if role == Role.CLERK and court is None:
            court = self.court()
        now = datetime.now(UTC)
        user = User(
            email=email or f"{role}{n}@example.test",
            display_name=f"Test {role} {n}",
            role=str(role),
            court_id=court.id if court else None,
            password_hash=self.password_hash,
            active=True,
            created_at=now,
            password_changed_at=now,
        )
        db.session.add(user)
        db.session.commit()
        return user

    def admin(self) -> User:
        return self.user(Role.ADMIN)

    def child(self, court: Court | None = None, **fields: Any) -> Child:
        data = {
            "given_name": "Testchild",
            "family_name": f"Family{self._next()}",
            "date_of_birth": date(2010, 5, 14),
            "date_of_birth_estimated": False,
            "sex": "F",
            "languages": ["en"],
        } | fields
        child = services.register_child(self.admin(), data, court=court)
        db.session.commit()
        return child

    def case(
        self,
        court: Court | None = None,
        child: Child | None = None,
        lawyers: list[User] | None = None,
        events: list[tuple[str, datetime, dict[str, Any]]] | None = None,
        **fields: Any,
    ) -> Case:
        court = court or self.court()
        child = child or self.child(court=court)
        data = {
            "reference": f"CASE-{self._next()}",
            "offences": [{"description": "theft", "max_penalty_years": 4.0}],
            "lawyer_ids": [lawyer.id for lawyer in lawyers or []],
        } | fields
        admin = self.admin()
        case = services.open_case(admin, child, data, court=court)
        if events:
            items = [{"type": t, "at": at, "details": d} for t, at, d in events]
            services.record_events(admin, case, items, path_prefix="events.")
        db.session.commit()
        return case


@pytest.fixture()
def make(app: Flask, password_hash: str, ctx: None) -> Factory:
    return Factory(app, password_hash)


@pytest.fixture()
def demo_org(make: Factory) -> list[Court]:
    """Just what `demo generate` needs from `demo load`: the demo courts, the administrator and the two lawyers."""
    courts = [make.court(jurisdiction=code, name=name) for name, code, _tz in COURTS]
    make.user(Role.ADMIN, email="admin@demo.test")
    make.user(Role.LAWYER, email="lawyer@demo.test")
    make.user(Role.LAWYER, email="lawyer2@demo.test")
    return courts


# -- clients --------------------------------------------------------------------------------------------------


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    """Give `client` a real server-side session for `user` (the login form is tested on its own)."""
    from justice_tracker.auth.models import LoginSession
    from justice_tracker.clock import utcnow

    token = f"test-session-{user.id}-{os.urandom(8).hex()}"
    now = utcnow()
    db.session.add(LoginSession(token_hash=digest(token), user_id=user.id, created_at=now, last_seen_at=now))
    db.session.commit()
    with client.session_transaction() as sess:
        sess[SESSION_KEY] = token
    return client


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def client_for(app: Flask, make: Factory) -> Callable[[User], FlaskClient]:
    def build(user: User) -> FlaskClient:
        return sign_in(app.test_client(), user)

    return build


def csrf_token(client: FlaskClient, path: str = "/login") -> str:
    """Fetch a page and read its CSRF token, as a browser form would carry it."""
    import re

    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert found, f"no CSRF token on {path}"
    return found.group(1)
