"""The audit table is append-only in the database itself (SECURITY.md 19)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from justice_tracker.audit.models import AuditEntry
from justice_tracker.db import db


def _entry() -> AuditEntry:
    entry = AuditEntry(at=datetime.now(UTC), actor_role="system", action="test", object_type="x", outcome="success")
    db.session.add(entry)
    db.session.flush()
    return entry


@pytest.mark.parametrize(
    "statement",
    [
        pytest.param("UPDATE audit_log SET action = 'forged' WHERE id = :id", id="update"),
        pytest.param("DELETE FROM audit_log WHERE id = :id", id="delete"),
    ],
)
def test_database_refuses_update_and_delete(ctx, statement):
    entry = _entry()
    nested = db.session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        db.session.execute(sa.text(statement), {"id": entry.id})
    nested.rollback()
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.id == entry.id)) == "test"
