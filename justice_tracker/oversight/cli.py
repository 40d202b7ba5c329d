"""`flask oversight refresh`: rebuild every case's stored custody episodes (after the migration that adds them)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.oversight.episodes import refresh_all

oversight_cli = AppGroup("oversight", help="Oversight aggregates.")


@oversight_cli.command("refresh")
def refresh_command() -> None:
    """Rebuild every case's stored custody episodes and placements from its effective timeline."""
    total = db.session.scalar(select(func.count()).select_from(Case)) or 0
    with click.progressbar(length=total, label="Rebuilding custody episodes", show_pos=True) as bar:
        count = refresh_all(progress=bar.update)
    db.session.commit()
    click.echo(f"custody episodes rebuilt for {count} case(s)")
