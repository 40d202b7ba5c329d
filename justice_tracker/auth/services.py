"""Account verbs: authenticate, create users, change passwords, enable and disable.

Services take the acting user, flush, and never commit: the request or CLI command does.
"""

from __future__ import annotations

from sqlalchemy import func, select

from justice_tracker.audit.service import record
from justice_tracker.auth import passwords
from justice_tracker.auth.models import Role, User
from justice_tracker.auth.sessions import end_other_sessions
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.errors import FieldError, ValidationFailed
from justice_tracker.org.models import Court


def normalise_email(email: str) -> str:
    return email.strip().casefold()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user when email and password match an active account; the same work either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        passwords.burn_verification_time(password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def create_user(
    actor: User | None,
    *,
    email: str,
    display_name: str,
    role: str,
    password: str,
    court: Court | None = None,
) -> User:
    errors = []
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        errors.append(FieldError("email", "Enter a valid email address."))
    elif find_user_by_email(email) is not None:
        errors.append(FieldError("email", "A user with this email already exists."))
    if role not in set(Role):
        errors.append(FieldError("role", f"Unknown role; choose one of {', '.join(Role)}."))
    if role == Role.CLERK and court is None:
        errors.append(FieldError("court", "A clerk belongs to a court."))
    try:
        passwords.check_policy(password, email=email)
    except passwords.PasswordPolicyError as exc:
        errors.append(FieldError("password", str(exc)))
    if errors:
        raise ValidationFailed(errors)
    now = utcnow()
    user = User(
        email=email,
        display_name=display_name.strip() or email,
        role=role,
        court_id=court.id if court else None,
        password_hash=passwords.hash_password(password),
        active=True,
        created_at=now,
        password_changed_at=now,
    )
    db.session.add(user)
    db.session.flush()
    record("user_created", "user", user.id, actor=actor, detail=f"role={role}")
    return user


def change_password(actor: User, current: str, new: str, *, keep_session: object | None) -> None:
    if not passwords.verify_password(actor.password_hash, current):
        raise ValidationFailed([FieldError("current_password", "The current password is not right.")])
    try:
        passwords.check_policy(new, email=actor.email)
    except passwords.PasswordPolicyError as exc:
        raise ValidationFailed([FieldError("new_password", str(exc))]) from exc
    actor.password_hash = passwords.hash_password(new)
    actor.password_changed_at = utcnow()
    end_other_sessions(actor, keep_session, "password_changed")  # type: ignore[arg-type]
    record("password_changed", "user", actor.id, actor=actor)


def set_active(actor: User, user: User, active: bool) -> None:
    user.active = active
    if not active:
        end_other_sessions(user, None, "user_disabled")
    record("user_enabled" if active else "user_disabled", "user", user.id, actor=actor)
