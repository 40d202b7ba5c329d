"""`flask` commands: users, tokens, demo data and case files."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    pass
