"""Template helpers: local times in a case's zone, durations, the CSRF token, the user; rendering read pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, g, render_template
from flask_babel import get_locale

from justice_tracker.auth.access import sees_identity
from justice_tracker.db import db
from justice_tracker.timeline.durations import format_duration
from justice_tracker.timeline.vocabulary import EVENT_TYPES


def local_time(value: datetime | None, tz_name: str = "UTC", fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An instant as wall time in `tz_name`, with the zone's abbreviation so it is unambiguous."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(tz_name))
    return f"{local.strftime(fmt)} {local.tzname()}"


def event_label(name: str) -> str:
    found = EVENT_TYPES.get(name)
    return found.label if found else name


def init_templating(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["duration"] = format_duration
    app.jinja_env.filters["event_label"] = event_label
    app.jinja_env.globals["sees_identity"] = sees_identity
    app.jinja_env.globals["get_locale"] = get_locale

    @app.context_processor
    def _user() -> dict[str, object]:
        return {"user": g.get("user")}


def render_audited(template: str, **context: Any) -> str:
    """Render a read page, then commit the audit row the view recorded for it.

    Committing first would expire every row the view loaded, and the template would reload
    each one on first use: one query per row shown (the scale benchmark found it on the board).
    The audit row waits for the commit rather than go out with the template's first query: on
    SQLite, a page's first write takes the database's write lock, and rendering need not hold it.
    """
    with db.session.no_autoflush:
        page = render_template(template, **context)
    db.session.commit()
    return page
