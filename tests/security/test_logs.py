"""Logs hold no password, token or child's identity, and user text cannot forge lines (SECURITY.md 20)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Blueprint
from sqlalchemy.exc import IntegrityError

from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role
from justice_tracker.cases.models import Child
from justice_tracker.db import db
from tests.conftest import csrf_token

SECRET_NAME = "Zebediah-Unloggable"
SECRET_PASSWORD = "never log this passphrase"

leaky = Blueprint("leaky", __name__)


@leaky.route("/leaky/<int:n>")
@access()
def duplicate_child(n: int):
    for _ in range(2):
        db.session.add(
            Child(
                pseudonym=f"C-DUPL-{n:04d}",
                given_name=SECRET_NAME,
                family_name=SECRET_NAME,
                sex="F",
                languages=[],
                created_at=datetime.now(UTC),
            )
        )
    db.session.flush()
    return "unreachable"


@pytest.fixture()
def leaky_app(app):
    if "leaky" not in app.blueprints:
        app.register_blueprint(leaky)
    return app


def test_failed_login_and_database_error_log_nothing_identifying(leaky_app, make, client_for, capfd):
    client = leaky_app.test_client()
    client.post(
        "/login", data={"email": "x@example.test", "password": SECRET_PASSWORD, "csrf_token": csrf_token(client)}
    )
    admin_client = client_for(make.user(Role.ADMIN))
    with pytest.raises(IntegrityError):
        # Outside a request the error surfaces; inside one it is logged. Check both paths.
        with leaky_app.test_request_context():
            db.session.add_all(
                [
                    Child(
                        pseudonym="C-DUPL-9999",
                        given_name=SECRET_NAME,
                        family_name="x",
                        sex="F",
                        languages=[],
                        created_at=datetime.now(UTC),
                    )
                    for _ in range(2)
                ]
            )
            db.session.flush()
    db.session.rollback()
    assert admin_client.get("/leaky/1").status_code == 500
    out, err = capfd.readouterr()
    logged = out + err
    assert "unhandled error" in logged  # the failure itself was logged...
    assert SECRET_NAME not in logged  # ...without the child's name
    assert SECRET_PASSWORD not in logged


def test_newlines_in_user_input_cannot_forge_log_lines(app, capfd):
    with app.test_request_context():
        app.logger.warning("user typed %s", "harmless\nERROR [forged] admin deleted everything")
    _out, err = capfd.readouterr()
    lines = [line for line in err.splitlines() if "user typed" in line or "forged" in line]
    assert len(lines) == 1 and "\\n" in lines[0]
