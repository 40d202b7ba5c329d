"""Sessions really end: logout, password change, idle and absolute timeouts (SECURITY.md 4–7)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from justice_tracker.auth.models import LoginSession, Role
from justice_tracker.db import db
from tests.conftest import TEST_PASSWORD, csrf_token


def _login(client, email: str, password: str = TEST_PASSWORD):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _cookie(client) -> str:
    cookie = client.get_cookie("jt_session")
    assert cookie is not None
    return cookie.value


def test_login_sets_a_new_session_id_and_no_remember_cookie(app, make):
    user = make.user(Role.ADMIN)
    client = app.test_client()
    client.get("/login")
    before = client.get_cookie("jt_session")
    response = _login(client, user.email)
    assert response.status_code == 302
    after = _cookie(client)
    assert before is None or before.value != after
    assert client.get_cookie("remember_token") is None
    set_cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie


def test_cookie_captured_before_logout_is_refused_after(app, make):
    user = make.user(Role.ADMIN)
    client = app.test_client()
    _login(client, user.email)
    captured = _cookie(client)
    assert client.get("/admin/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    replay = app.test_client()
    replay.set_cookie("jt_session", captured)
    response = replay.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_password_change_ends_the_users_other_sessions(app, make):
    user = make.user(Role.ADMIN)
    first, second = app.test_client(), app.test_client()
    _login(first, user.email)
    _login(second, user.email)
    new_password = "a brand new passphrase ünïcode"
    response = first.post(
        "/account/password",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": new_password,
            "confirm": new_password,
            "csrf_token": csrf_token(first, "/account/password"),
        },
    )
    assert response.status_code == 302
    assert first.get("/admin/").status_code == 200
    assert second.get("/admin/").status_code == 302
    db.session.expire_all()
    reasons = db.session.scalars(select(LoginSession.end_reason).where(LoginSession.user_id == user.id)).all()
    assert "password_changed" in reasons


def test_idle_timeout_one_minute_either_side(app, make, clock):
    user = make.user(Role.ADMIN)
    idle = timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"])
    client = app.test_client()
    _login(client, user.email)
    start = clock.now
    clock.now = start + idle - timedelta(minutes=1)
    assert client.get("/admin/").status_code == 200
    clock.now = clock.now + idle + timedelta(minutes=1)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_absolute_timeout_one_minute_either_side(app, make, clock):
    user = make.user(Role.ADMIN)
    absolute = timedelta(hours=app.config["ABSOLUTE_TIMEOUT_HOURS"])
    step = timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] - 5)
    client = app.test_client()
    _login(client, user.email)
    start = clock.now
    # Stay active (never idle) until one minute before the absolute limit.
    while clock.now + step < start + absolute - timedelta(minutes=1):
        clock.now += step
        assert client.get("/admin/").status_code == 200
    clock.now = start + absolute - timedelta(minutes=1)
    assert client.get("/admin/").status_code == 200
    clock.now = start + absolute + timedelta(minutes=1)
    assert client.get("/admin/").status_code == 302


def test_disabling_a_user_takes_effect_on_the_next_request(app, make, client_for):
    user = make.user(Role.ADMIN)
    client = client_for(user)
    assert client.get("/admin/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/admin/").status_code == 302


def test_production_cookies_are_secure(app):
    from justice_tracker import create_app

    prod = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "ALLOW_SQLITE_IN_PRODUCTION": True,
        }
    )
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["SESSION_COOKIE_HTTPONLY"] is True
