"""Logs hold no password, token or child's identity, and user text cannot forge lines (SECURITY.md 20)."""

from __future__ import annotations

from justice_tracker.auth.models import Role
from tests.conftest import csrf_token
from tests.failing_routes import SECRET_NAME

SECRET_PASSWORD = "never log this passphrase"


def test_failed_login_and_database_error_log_nothing_identifying(app, make, client_for, capfd):
    client = app.test_client()
    client.post(
        "/login", data={"email": "x@example.test", "password": SECRET_PASSWORD, "csrf_token": csrf_token(client)}
    )
    assert client_for(make.user(Role.ADMIN)).get("/testing/duplicate-child").status_code == 500
    out, err = capfd.readouterr()
    logged = out + err
    assert "unhandled error" in logged  # the failure itself was logged...
    assert "IntegrityError" in logged
    assert SECRET_NAME not in logged  # ...without the child's name
    assert SECRET_PASSWORD not in logged


def test_newlines_in_user_input_cannot_forge_log_lines(app, capfd):
    with app.test_request_context():
        app.logger.warning("user typed %s", "harmless\nERROR [forged] admin deleted everything")
    _out, err = capfd.readouterr()
    lines = [line for line in err.splitlines() if "user typed" in line or "forged" in line]
    assert len(lines) == 1 and "\\n" in lines[0]
