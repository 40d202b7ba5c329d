"""Generic error pages with a request id; production refuses unsafe settings (SECURITY.md 21, 30)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from justice_tracker import create_app
from justice_tracker.auth.models import Role
from justice_tracker.cases.models import Child
from justice_tracker.config import InsecureConfigError
from justice_tracker.db import db


def test_exception_gives_generic_page_with_request_id_and_no_partial_write(app, make, client_for):
    client = client_for(make.user(Role.ADMIN))
    before = db.session.scalar(select(func.count()).select_from(Child))
    response = client.get("/testing/partial-write-then-crash")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert response.headers["X-Request-Id"] in body
    assert "Traceback" not in body and "SELECT" not in body and "secret internal" not in body
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Child)) == before


def test_api_exception_is_json_with_request_id(app, make, client_for):
    client = client_for(make.user(Role.ADMIN))
    response = client.get("/api/v1/testing/crash")
    assert response.status_code == 500
    assert response.get_json()["error"]["request_id"] == response.headers["X-Request-Id"]


def test_exception_in_an_access_check_denies(app, make, client_for, monkeypatch):
    from justice_tracker.web import security

    def broken(*_args, **_kwargs):
        raise RuntimeError("access check failed")

    monkeypatch.setattr(security, "rule_for", broken)
    response = client_for(make.user(Role.ADMIN)).get("/admin/")
    assert response.status_code >= 400
    assert response.status_code == 500 and b"Users and roles" not in response.data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"SECRET_KEY": None}, "SECRET_KEY", id="missing secret"),
        pytest.param({"SECRET_KEY": "changeme"}, "SECRET_KEY", id="weak secret"),
        pytest.param({"SECRET_KEY": "a" * 40}, "SECRET_KEY", id="low-entropy secret"),
        pytest.param({"DEBUG": True}, "debug", id="debug on"),
        pytest.param({"ALLOW_SQLITE_IN_PRODUCTION": False}, "PostgreSQL", id="sqlite in production"),
    ],
)
def test_production_refuses_unsafe_settings(overrides, message):
    settings = {
        "ENV_NAME": "production",
        "SECRET_KEY": "Zx9-" + "qwertyuiopasdfghjklzxcvbnm1234567890",
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "ALLOW_SQLITE_IN_PRODUCTION": True,
    } | overrides
    with pytest.raises(InsecureConfigError, match=message):
        create_app(settings)
