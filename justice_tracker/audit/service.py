"""Writing audit rows. Callers pass identifiers and field names, never identity values."""

from __future__ import annotations

from flask import g, has_request_context

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import User
from justice_tracker.clock import utcnow
from justice_tracker.db import db

SYSTEM_ROLE = "system"


def record(
    action: str,
    object_type: str,
    object_id: object | None = None,
    *,
    actor: User | None = None,
    outcome: str = "success",
    detail: str | None = None,
) -> AuditEntry:
    """Add one audit row to the current transaction (it commits with the change it records)."""
    if actor is None and has_request_context():
        actor = g.get("user")
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_role=actor.role if actor is not None else SYSTEM_ROLE,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        outcome=outcome,
        request_id=g.get("request_id") if has_request_context() else None,
        detail=_one_line(detail)[:500] if detail else None,
    )
    db.session.add(entry)
    return entry


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")
