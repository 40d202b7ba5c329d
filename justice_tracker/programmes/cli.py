"""`flask programmes import FILE` and `flask programmes export`: the registry as CSV or JSON.

The commands act as the first active administrator (the audit log names them).
An import is all-or-nothing: one bad row and nothing is written, and every problem
is printed with its line and field.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from justice_tracker.audit.service import record
from justice_tracker.cli import system_actor
from justice_tracker.db import db
from justice_tracker.errors import DomainError, ValidationFailed
from justice_tracker.programmes import registry_io
from justice_tracker.programmes.models import Programme

programmes_cli = AppGroup("programmes", help="The registry of alternatives to detention (CSV or JSON).")
FORMATS = click.Choice(["csv", "json"])


def _format(path: Path, given: str | None) -> str:
    return given or ("json" if path.suffix.lower() == ".json" else "csv")


@programmes_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=FORMATS, help="Default: from the file's extension (.json, else CSV).")
def import_command(file: Path, fmt: str | None) -> None:
    """Create or update the programmes of FILE (matched by code); nothing at all when a row is bad."""
    actor = system_actor()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{file}: cannot read the file: {exc}") from exc
    try:
        summary = registry_io.import_registry(actor, registry_io.read(text, _format(file, fmt)))
        db.session.commit()
    except ValidationFailed as exc:
        db.session.rollback()
        rows = getattr(exc, "rows", None) or exc.errors
        for problem in rows:
            click.echo(f"{file}: {problem}", err=True)
        click.echo(f"{file}: nothing was imported.", err=True)
        sys.exit(1)
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(f"{file}: {exc.message}") from exc
    click.echo(f"{file}: {summary.created} created, {summary.updated} updated, {summary.unchanged} unchanged")


@programmes_cli.command("export")
@click.option("--format", "fmt", type=FORMATS, default="csv", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file (default: stdout).")
@click.option("--jurisdiction", help="Only this jurisdiction's programmes (a code such as BR).")
def export_command(fmt: str, out: Path | None, jurisdiction: str | None) -> None:
    """Write the registry in the format `import` reads."""
    stmt = select(Programme).order_by(Programme.jurisdiction_code, Programme.code)
    if jurisdiction:
        stmt = stmt.where(Programme.jurisdiction_code == jurisdiction.strip().upper())
    items = registry_io.export_items(db.session.scalars(stmt))
    text = registry_io.to_json(items) if fmt == "json" else registry_io.to_csv(items)
    record("registry_exported", "programme", None, actor=system_actor(), detail=f"rows={len(items)} format={fmt}")
    db.session.commit()
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"{len(items)} programmes written to {out}", err=True)
