"""Server-side login sessions: started at login, ended at logout, timeout or password change.

The signed Flask cookie carries only a random session id. Because the id is looked
up on every request, a cookie captured before logout is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from justice_tracker.auth.models import ApiToken, LoginSession, User
from justice_tracker.clock import utcnow
from justice_tracker.db import db

SESSION_KEY = "sid"
TOKEN_PREFIX = "jt_"  # noqa: S105 - a public marker, not a secret
# Writing last_seen_at on every request would turn every page view into a write.
LAST_SEEN_GRANULARITY = timedelta(seconds=30)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(user: User) -> LoginSession:
    """Open a new session for `user` and put its id in a fresh cookie (new id at every login)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    row = LoginSession(token_hash=digest(token), user_id=user.id, created_at=now, last_seen_at=now)
    db.session.add(row)
    db.session.flush()
    session.clear()
    session[SESSION_KEY] = token
    return row


def end_session(row: LoginSession, reason: str) -> None:
    row.ended_at = utcnow()
    row.end_reason = reason


def current_login_session() -> LoginSession | None:
    token = session.get(SESSION_KEY)
    if not token:
        return None
    # The user comes with the session row: every request asks for both.
    return db.session.scalar(
        select(LoginSession)
        .options(joinedload(LoginSession.user))
        .where(LoginSession.token_hash == digest(token), LoginSession.ended_at.is_(None))
    )


def resolve_session_user() -> tuple[User | None, str | None]:
    """The user of the current cookie session, or None with the reason it ended."""
    row = current_login_session()
    if row is None:
        return None, ("ended" if session.get(SESSION_KEY) else None)
    now = utcnow()
    cfg = current_app.config
    reason = None
    if now - row.last_seen_at > timedelta(minutes=cfg["IDLE_TIMEOUT_MINUTES"]):
        reason = "idle_timeout"
    elif now - row.created_at > timedelta(hours=cfg["ABSOLUTE_TIMEOUT_HOURS"]):
        reason = "absolute_timeout"
    elif not row.user.active:
        reason = "user_disabled"
    if reason:
        end_session(row, reason)
        db.session.commit()
        return None, reason
    if now - row.last_seen_at >= LAST_SEEN_GRANULARITY:
        row.last_seen_at = now
        db.session.commit()
    return row.user, None


def end_other_sessions(user: User, keep: LoginSession | None, reason: str) -> None:
    stmt = (
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
    )
    if keep is not None:
        stmt = stmt.where(LoginSession.id != keep.id)
    db.session.execute(stmt)


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Return the stored token row and the secret, which is shown once and never stored."""
    prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(user_id=user.id, name=name, prefix=prefix, token_hash=digest(secret), created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    return row, secret


def resolve_token_user(header: str | None) -> User | None:
    if not header or not header.startswith("Bearer "):
        return None
    secret = header.removeprefix("Bearer ").strip()
    if not secret.startswith(TOKEN_PREFIX):
        return None
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == digest(secret), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_SEEN_GRANULARITY:
        row.last_used_at = now
        db.session.commit()
    return row.user
