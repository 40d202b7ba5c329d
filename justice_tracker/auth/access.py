"""Access rules: every route declares who may reach it, and per-record checks.

`@access(...)` marks a view; `enforce_route_access` (run before every request)
refuses anything whose endpoint declares no rule, so a new route cannot be
forgotten. Per-record rules (`can_view_case`...) are pure functions of the user
and the record, asked again on every request so that removing a lawyer from a
case or disabling a user takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from justice_tracker.auth.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

RECORD_ROLES = frozenset({Role.ADMIN, Role.CLERK, Role.LAWYER})
ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset[str] = ALL_ROLES


def access(*roles: Role, public: bool = False) -> Callable[[F], F]:
    """Declare who may call a view: `@access(public=True)`, `@access()` (any signed-in
    user) or `@access(Role.CLERK, Role.ADMIN)`."""
    rule = AccessRule(public=public, roles=frozenset(roles) if roles else ALL_ROLES)

    def mark(view: F) -> F:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return mark


def rule_for(view: Callable[..., Any] | None) -> AccessRule | None:
    return getattr(view, "access_rule", None)


def can_view_case(user: User, case: Any) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.CLERK:
        return user.court_id is not None and case.court_id == user.court_id
    if user.role == Role.LAWYER:
        return user.id in case.lawyer_ids()
    return False


def can_edit_case(user: User, case: Any) -> bool:
    """Lawyers read their clients' cases; only the court's clerks and admins record events."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.CLERK and user.court_id is not None and case.court_id == user.court_id


def can_view_child(user: User, child: Any) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.CLERK and user.court_id is not None and child.registered_court_id == user.court_id:
        return True
    return any(can_view_case(user, case) for case in child.cases)


def can_edit_child(user: User, child: Any) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.CLERK or user.court_id is None:
        return False
    return child.registered_court_id == user.court_id or any(c.court_id == user.court_id for c in child.cases)


def sees_identity(user: User) -> bool:
    return user.role in RECORD_ROLES
