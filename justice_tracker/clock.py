"""The application's clock: one place to ask the time, so that tests can freeze it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Now, timezone-aware in UTC; `app.config["CLOCK"]` (a callable) overrides it."""
    if has_app_context():
        clock: Callable[[], datetime] | None = current_app.config.get("CLOCK")
        if clock is not None:
            return clock().astimezone(UTC)
    return datetime.now(UTC)
