"""`flask cases import FILE...` and `flask cases export`.

The commands act as the first active administrator (the audit log names them).
Each imported file is its own transaction: committed when it imports cleanly,
rolled back otherwise, so one bad file never leaves half a case behind.
Exported files are named by the case reference, never by the child's name, and
are readable by their owner only: they hold a child's identity.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from justice_tracker.audit.service import record
from justice_tracker.cases.casefiles import export_case_file, file_name, import_case_file_detailed
from justice_tracker.cases.models import Case
from justice_tracker.cli import system_actor
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.service import evaluate_case
from justice_tracker.errors import DomainError, ValidationFailed
from justice_tracker.org.models import Court
from justice_tracker.rules.model import Status

cases_cli = AppGroup("cases", help="Import and export case files (JSON).")


@cases_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def import_command(files: tuple[Path, ...]) -> None:
    """Import case files; importing a file again creates nothing new."""
    actor = system_actor()
    failed = 0
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            click.echo(f"{path}: cannot read a JSON document: {exc}", err=True)
            failed += 1
            continue
        try:
            result = import_case_file_detailed(actor, data)
            db.session.commit()
        except ValidationFailed as exc:
            db.session.rollback()
            for error in exc.errors:
                click.echo(f"{path}: {error.field}: {error.message}", err=True)
            failed += 1
            continue
        except DomainError as exc:
            db.session.rollback()
            click.echo(f"{path}: {exc.message}", err=True)
            failed += 1
            continue
        case = result.case
        if result.created:
            outcome = f"created case {case.id} ({case.reference}) with {result.events_added} events"
        elif result.changed:
            outcome = (
                f"updated case {case.id} ({case.reference}): {result.events_added} events "
                f"and {result.lawyers_added} lawyers added"
            )
        else:
            outcome = f"unchanged case {case.id} ({case.reference})"
        click.echo(f"{path}: {outcome}; {_deadline_counts(case)}")
        for warning in result.warnings:
            click.echo(f"{path}: warning: {warning}", err=True)
    if failed:
        click.echo(f"{failed} of {len(files)} files not imported.", err=True)
        sys.exit(1)


@cases_cli.command("export")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write one FILE per case into (created if missing). Without it: one case to standard output.",
)
@click.option("--court", "courts", multiple=True, help="Only cases of this court (name or id); repeatable.")
@click.argument("references", nargs=-1)
def export_command(out_dir: Path | None, courts: tuple[str, ...], references: tuple[str, ...]) -> None:
    """Export cases as case files (all cases, or those with the given REFERENCEs)."""
    actor = system_actor()
    stmt = select(Case).order_by(Case.court_id, Case.reference, Case.id)
    if courts:
        stmt = stmt.where(Case.court_id.in_([_court(value).id for value in courts]))
    if references:
        stmt = stmt.where(Case.reference.in_(references))
    cases = db.session.scalars(stmt).all()
    missing = sorted(set(references) - {c.reference for c in cases})
    if missing:
        raise click.ClickException(f"no case with reference: {', '.join(missing)}")
    if not cases:
        raise click.ClickException("no case to export")
    if out_dir is None:
        if len(cases) != 1:
            raise click.ClickException(f"{len(cases)} cases match: give --out DIR to write one file per case")
        document = export_case_file(cases[0])
        record("case_exported", "case", cases[0].id, actor=actor, detail="cli stdout")
        db.session.commit()
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for case in cases:
        name = file_name(case)
        if name in used:
            name = f"{name.removesuffix('.json')}-case{case.id}.json"
        used.add(name)
        _write_private(out_dir / name, json.dumps(export_case_file(case), ensure_ascii=False, indent=2) + "\n")
        record("case_exported", "case", case.id, actor=actor, detail=f"cli file={name}")
        click.echo(f"{out_dir / name}: case {case.id} ({case.reference})")
    db.session.commit()


def _deadline_counts(case: Case) -> str:
    """The case's breached and at-risk deadlines now (advisory limits passed are never breaches)."""
    found = Counter(d.status for d in evaluate_case(case, utcnow()))
    return f"deadlines now: {found[Status.BREACHED]} breached, {found[Status.AT_RISK]} at risk"


def _court(value: str) -> Court:
    court = db.session.get(Court, int(value)) if value.isdigit() else None
    court = court or db.session.scalar(select(Court).where(Court.name == value))
    if court is None:
        raise click.ClickException(f"no court {value!r}")
    return court


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
