"""`flask documents render CASE_REF… --kind KIND --out FILE|DIR`: case documents as PDF files.

The command acts as the first active administrator (the audit log names them, one row
per document). One case and one kind write FILE; several cases or kinds write one
file per document into the folder DIR, named `<case reference>-<kind>.pdf` (never the
child's name), readable by their owner only, with a progress bar. A document over the
rendering limits is reported and skipped; the command then exits with status 1.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import false, or_, select

from justice_tracker.auth.models import User
from justice_tracker.cases.models import Case
from justice_tracker.cli import system_actor
from justice_tracker.db import db
from justice_tracker.documents import service
from justice_tracker.documents.child import LANGUAGES
from justice_tracker.documents.engine import RenderFailed
from justice_tracker.org.models import Court

documents_cli = AppGroup("documents", help="Render case documents (PDF).")


def _court(value: str) -> Court:
    """A court by its exact name or its id."""
    by_id = Court.id == int(value) if value.isdigit() else false()
    court = db.session.scalar(select(Court).where(or_(Court.name == value, by_id)).limit(1))
    if court is None:
        raise click.ClickException(f"no court {value!r}")
    return court


def _cases(references: tuple[str, ...], court: Court | None) -> list[Case]:
    stmt = select(Case).order_by(Case.reference, Case.id)
    if court is not None:
        stmt = stmt.where(Case.court_id == court.id)
    if references:
        stmt = stmt.where(Case.reference.in_(references))
    elif court is None:
        raise click.ClickException("name at least one CASE_REF, or --court for all the cases of a court")
    cases = list(db.session.scalars(stmt))
    missing = sorted(set(references) - {c.reference for c in cases})
    if missing:
        raise click.ClickException(f"no case with reference: {', '.join(missing)}")
    found = [c.reference for c in cases]
    twice = sorted({r for r in found if found.count(r) > 1})
    if twice:
        raise click.ClickException(f"reference used in several courts: {', '.join(twice)}; give --court")
    return cases


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _render_all(
    actor: User, jobs: Iterable[tuple[Case, str]], out: Path, as_of: datetime | None, lang: str | None
) -> int:
    """Render each (case, kind), commit its audit row, write its file; the number that failed."""
    failed = 0
    for case, kind in jobs:
        try:
            rendered = service.render_document(actor, case, kind, via="cli", as_of=as_of, lang=lang)
        except RenderFailed as exc:
            db.session.commit()
            click.echo(f"\n{case.reference} {kind}: {exc.message}", err=True)
            failed += 1
            continue
        db.session.commit()
        target = out / rendered.filename if out.is_dir() else out
        _write_private(target, rendered.pdf)
    return failed


@documents_cli.command("render")
@click.argument("references", nargs=-1)
@click.option("--kind", "kinds", multiple=True, required=True, type=click.Choice(service.KINDS), help="Repeatable.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="FILE for one document, else a folder.")
@click.option("--court", "court_name", help="Court (name or id) of the cases; alone, all its cases.")
@click.option("--as-of", "as_of_text", help="Print the cases as they stood then (ISO 8601 with offset).")
@click.option("--lang", type=click.Choice(LANGUAGES), help="Language of the child-friendly summary.")
def render_command(
    references: tuple[str, ...],
    kinds: tuple[str, ...],
    out: Path,
    court_name: str | None,
    as_of_text: str | None,
    lang: str | None,
) -> None:
    """Render KIND documents of the cases CASE_REF… (or of every case of --court)."""
    actor = system_actor()
    as_of = None
    if as_of_text:
        try:
            as_of = datetime.fromisoformat(as_of_text)
            if as_of.tzinfo is None:
                raise ValueError("give a UTC offset")
            as_of = service.past_instant(as_of.astimezone(UTC))
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--as-of") from None
    jobs = [(case, kind) for case in _cases(references, _court(court_name) if court_name else None) for kind in kinds]
    if len(jobs) > 1 or out.is_dir():
        out.mkdir(parents=True, exist_ok=True)
    # Templates use the request-bound helpers (translations, locale) that pages use.
    with current_app.test_request_context():
        if len(jobs) == 1:
            failed = _render_all(actor, jobs, out, as_of, lang)
        else:
            with click.progressbar(jobs, label="Rendering documents", show_pos=True) as bar:
                failed = _render_all(actor, bar, out, as_of, lang)
    click.echo(f"{len(jobs) - failed} document(s) written to {out}")
    if failed:
        click.echo(f"{failed} of {len(jobs)} document(s) not rendered.", err=True)
        sys.exit(1)
