"""Helpers shared by the page tests (no tests here): CSRF tokens, posting forms, counting rows."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import g
from flask.testing import FlaskClient
from sqlalchemy import func, select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.db import db

SUMMER = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)  # 10:00 in London (BST)


def token(client: FlaskClient, path: str = "/cases") -> str:
    """The session's CSRF token, read from a page as a browser form would carry it."""
    cached = getattr(client, "_csrf", None)
    if cached:
        return cached
    # The test's own app context (the `ctx` fixture) is reused by every request, so
    # Flask-WTF's per-request cache in `g` would hand the previous client's token out.
    g.pop("csrf_token", None)
    html = client.get(path).get_data(as_text=True)
    found = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert found, f"no CSRF token on {path}"
    client._csrf = found.group(1)  # type: ignore[attr-defined]
    return found.group(1)


def post(client: FlaskClient, url: str, data: dict[str, Any] | list[tuple[str, Any]], **kwargs: Any):
    items = list(data.items()) if isinstance(data, dict) else list(data)
    items.append(("csrf_token", token(client)))
    form: dict[str, list[Any]] = {}
    for key, value in items:
        form.setdefault(key, []).extend(value if isinstance(value, list) else [value])
    return client.post(url, data=form, **kwargs)


def count(model: Any, *where: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def audits(action: str | None = None, object_id: Any = None) -> list[AuditEntry]:
    db.session.expire_all()
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action is not None:
        stmt = stmt.where(AuditEntry.action == action)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == str(object_id))
    return list(db.session.scalars(stmt))


def text(response) -> str:
    return response.get_data(as_text=True)


def form_version(html: str) -> str:
    found = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert found, "no version field on the page"
    return found.group(1)


def post_event(
    client: FlaskClient,
    case_id: int,
    type_name: str,
    at: str,
    details: dict[str, Any] | None = None,
    *,
    offset: str = "",
    version: str | None = None,
):
    """Fill in and send the event form as a clerk would: open it, then submit it."""
    url = f"/cases/{case_id}/events/new?type={type_name}"
    if version is None:
        page = client.get(url)
        assert page.status_code == 200, text(page)
        version = form_version(text(page))
    data = {"at": at, "utc_offset": offset, "version": version}
    data |= {f"details-{name}": value for name, value in (details or {}).items()}
    return post(client, url, data)
