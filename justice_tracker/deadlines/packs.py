"""The rule packs the application runs on, loaded and validated once at start-up.

They are the packs shipped in `justice_tracker/rules/packs/`, or those of the folder
named by the `RULE_PACK_DIR` setting (`JT_RULE_PACK_DIR`), for an installation that
reviews and pins its own copies.

An invalid pack stops the application from starting (`InvalidPackError` names the
file, rule and field): a wrong limit must never be applied silently.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import select

from justice_tracker.db import db
from justice_tracker.deadlines.models import CalendarClosure
from justice_tracker.rules.loader import load_all
from justice_tracker.rules.model import RulePack

EXTENSION_KEY = "rule_packs"


def init_packs(app: Flask) -> None:
    directory = app.config.get("RULE_PACK_DIR")
    app.extensions[EXTENSION_KEY] = load_all(Path(directory)) if directory else load_all()


def all_packs() -> dict[str, RulePack]:
    return current_app.extensions[EXTENSION_KEY]


def pack_for(jurisdiction_code: str) -> RulePack | None:
    return all_packs().get(jurisdiction_code)


def closures_for(jurisdiction_code: str) -> list[date]:
    return list(
        db.session.scalars(select(CalendarClosure.day).where(CalendarClosure.jurisdiction_code == jurisdiction_code))
    )
