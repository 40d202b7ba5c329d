"""Justice Tracker: follows each child's path through the justice system.

`create_app()` is the application factory used by `flask --app justice_tracker`,
`wsgi.py` (gunicorn) and the tests. It is imported lazily so that the pure
packages (`justice_tracker.rules`, `justice_tracker.timeline`) load without Flask.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    from justice_tracker.app import create_app as factory

    return factory(overrides)
