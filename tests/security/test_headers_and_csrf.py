"""Response headers and CSRF refusal (SECURITY.md 8–9)."""

from __future__ import annotations

from sqlalchemy import func, select

from justice_tracker.auth.models import Role, User
from justice_tracker.db import db


def test_every_response_carries_the_security_headers(client):
    for path in ("/login", "/health", "/no-such-page"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Request-Id"]


def test_authenticated_pages_are_not_cached(make, client_for):
    client = client_for(make.user(Role.ADMIN))
    assert client.get("/admin/users").headers["Cache-Control"] == "no-store"


def test_hsts_only_in_production(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


def test_state_change_without_csrf_token_is_refused_and_changes_nothing(make, client_for):
    admin = make.user(Role.ADMIN)
    client = client_for(admin)
    count = db.session.scalar(select(func.count()).select_from(User))
    response = client.post(
        "/admin/users/new",
        data={
            "email": "new@example.test",
            "display_name": "N",
            "role": "lawyer",
            "court_id": "0",
            "password": "a very good passphrase",
        },
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == count


def test_logout_without_csrf_token_is_refused(make, client_for):
    client = client_for(make.user(Role.ADMIN))
    assert client.post("/logout").status_code == 400
    assert client.get("/admin/").status_code == 200
