"""The `flask` commands: users, tokens and demo data."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from justice_tracker.auth import passwords
from justice_tracker.auth.models import ApiToken, Role, User
from justice_tracker.cases.models import Case, Event
from justice_tracker.db import db
from justice_tracker.programmes.models import Programme, ProgrammeCoordinator, Referral
from justice_tracker.programmes.referrals import STATES
from justice_tracker.timeline.vocabulary import EVENT_TYPES


def test_users_create_prints_a_generated_password_once(app, make):
    court = make.court("IN")
    result = app.test_cli_runner().invoke(
        args=["users", "create", "clerk.cli@example.test", "--role", "clerk", "--court", court.name]
    )
    assert result.exit_code == 0, result.output
    password = result.output.split("password (shown once): ")[1].strip()
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "clerk.cli@example.test"))
    assert user.court_id == court.id
    assert passwords.verify_password(user.password_hash, password)


def test_users_create_reads_password_from_stdin(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "admin.cli@example.test", "--role", "admin", "--password-stdin"],
        input="a passphrase from standard input\n",
    )
    assert result.exit_code == 0, result.output
    assert "shown once" not in result.output
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "admin.cli@example.test"))
    assert passwords.verify_password(user.password_hash, "a passphrase from standard input")


def test_users_create_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "weak@example.test", "--role", "lawyer", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0 and "password" in result.output
    assert db.session.scalar(select(User).where(User.email == "weak@example.test")) is None


def test_tokens_create_prints_a_token_stored_hashed(app, make):
    make.user(Role.ADMIN)
    user = make.user(Role.LAWYER)
    result = app.test_cli_runner().invoke(args=["tokens", "create", user.email])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    db.session.expire_all()
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()


def test_demo_load_only_into_an_empty_database(app, ctx):
    runner = app.test_cli_runner()
    if db.session.scalar(select(func.count()).select_from(User)):
        assert "already holds data" in runner.invoke(args=["demo", "load"]).output
        return
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    cases = db.session.scalar(select(func.count()).select_from(Case))
    roles = set(db.session.scalars(select(User.role)).all())
    assert cases >= 20 and roles == {r.value for r in Role}
    assert set(db.session.scalars(select(Event.type)).all()) == set(EVENT_TYPES)
    assert len(set(db.session.scalars(select(Case.jurisdiction_code)).all())) >= 3
    programmes = db.session.scalars(select(Programme)).all()
    assert len(programmes) >= 25 and len({p.jurisdiction_code for p in programmes}) == 5
    assert sum(p.enrolled >= p.places for p in programmes) >= 5, "several programmes at capacity"
    assert set(db.session.scalars(select(Referral.state)).all()) == set(STATES), "referrals in every state"
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@demo.test"))
    assert db.session.scalar(select(func.count()).where(ProgrammeCoordinator.user_id == coordinator.id)) >= 1
    again = runner.invoke(args=["demo", "load"])
    assert "already holds data" in again.output
    assert db.session.scalar(select(func.count()).select_from(Case)) == cases
