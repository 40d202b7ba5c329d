"""Login answers, throttling and password rules (SECURITY.md 10–12)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from justice_tracker.auth import passwords
from justice_tracker.auth.models import Role, User
from justice_tracker.db import db
from tests.conftest import TEST_PASSWORD, csrf_token


def _attempt(client, email: str, password: str, address: str = "127.0.0.1"):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def test_known_and_unknown_usernames_get_the_same_answer(app, make):
    user = make.user(Role.CLERK)
    wrong = _attempt(app.test_client(), user.email, "not the right password at all")
    unknown = _attempt(app.test_client(), "nobody@example.test", "not the right password at all")
    assert wrong.status_code == unknown.status_code == 200
    strip = lambda html: html.replace(user.email, "").replace("nobody@example.test", "")  # noqa: E731
    assert b"not recognised" in wrong.data
    assert (
        strip(wrong.get_data(as_text=True)).split("csrf_token")[0]
        == strip(unknown.get_data(as_text=True)).split("csrf_token")[0]
    )


def test_failed_logins_for_one_username_are_throttled_from_any_address(app, make):
    user = make.user(Role.CLERK)
    limit = int(app.config["LOGIN_LIMIT_PER_USERNAME"].split()[0])
    statuses = [
        _attempt(app.test_client(), user.email, "wrong password number x", address=f"10.0.0.{i}").status_code
        for i in range(limit + 1)
    ]
    assert statuses[:limit] == [200] * limit
    assert statuses[limit] == 429
    # Even the right password is refused while the username is throttled.
    assert _attempt(app.test_client(), user.email, TEST_PASSWORD, address="10.0.1.1").status_code == 429


def test_unknown_username_is_throttled_the_same_way(app):
    limit = int(app.config["LOGIN_LIMIT_PER_USERNAME"].split()[0])
    statuses = [
        _attempt(app.test_client(), "ghost@example.test", "whatever wrong pw").status_code for _ in range(limit + 1)
    ]
    assert statuses[-1] == 429


def test_successful_login_is_not_counted(app, make):
    user = make.user(Role.CLERK)
    limit = int(app.config["LOGIN_LIMIT_PER_USERNAME"].split()[0])
    for _ in range(limit + 1):
        assert _attempt(app.test_client(), user.email, TEST_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        pytest.param("short pass", False, id="fewer than 12 characters"),
        pytest.param("elevenchars", False, id="11 characters"),
        pytest.param("password1234", False, id="common password"),
        pytest.param("aaaaaaaaaaaaaaaa", False, id="one repeated character"),
        pytest.param("twelve chars", True, id="12 characters with a space"),
        pytest.param("mon mot de passe très long", True, id="passphrase with accents"),
        pytest.param("пароль из нескольких слов", True, id="cyrillic passphrase"),
        pytest.param("x" * 3 + "y" * 3 + "z" * 3 + "w" * 3 + " tail" * 100, True, id="long passphrase"),
    ],
)
def test_password_policy(app, password, accepted):
    with app.app_context():
        if accepted:
            passwords.check_policy(password)
        else:
            with pytest.raises(passwords.PasswordPolicyError):
                passwords.check_policy(password)


def test_no_truncation_of_long_passwords(app):
    with app.app_context():
        base = "a long passphrase " * 10
        stored = passwords.hash_password(base + "one")
        assert passwords.verify_password(stored, base + "one")
        assert not passwords.verify_password(stored, base + "two")


def test_hashes_are_argon2id_with_64_mib_and_3_passes(app):
    with app.app_context():
        stored = passwords.hash_password("some passphrase here")
    assert stored.startswith("$argon2id$")
    params = dict(p.split("=") for p in stored.split("$")[3].split(","))
    assert int(params["m"]) >= 65536 and int(params["t"]) >= 3


def test_weaker_hash_is_upgraded_at_next_login(app, make):
    user = make.user(Role.CLERK)
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(TEST_PASSWORD)
    db.session.commit()
    assert _attempt(app.test_client(), user.email, TEST_PASSWORD).status_code == 302
    db.session.expire_all()
    upgraded = db.session.scalar(select(User.password_hash).where(User.id == user.id))
    assert "m=65536" in upgraded and "t=3" in upgraded
