"""`flask cases import FILE|DIR|@LIST...` and `flask cases export`.

The commands act as the first active administrator (the audit log names them).

Import is all-or-nothing per file: nothing of a file that fails stays, and a bad file never
takes a good one with it. Files go in groups of `GROUP`, one transaction and one commit per
group (a commit per file was a tenth of the time of a large import):
- the group's files are read and checked first (`batch_import.prepare_new_case`); those that
  create a new case in an existing court and pass every check are written together
  (`batch_import.write_new_cases`: the services' rows, in multi-row inserts) in one savepoint,
  once every check has passed. Should that write fail, the savepoint is rolled back and each
  of those files is imported again on its own, as below;
- any other file (about an existing case, creating a court, refused...) goes through the
  services (`casefiles.import_case_file_detailed`) in a savepoint of its own: a refused file
  rolls back alone and is reported with its path and field;
- should a group's commit fail, the group is rolled back and its files imported again one by
  one, each committed on its own.
Files keep their order: a file about a case an earlier file creates sees it. A group's lines
are printed once it is committed, so "created" is only said of a stored case; each file not
imported is named on the error output, and the command then exits 1. Importing the same files
again creates nothing. (bench/bench_import.py times 10,000 files.)

Exported files are named by the case reference, never by the child's name, and
are readable by their owner only: they hold a child's identity.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from justice_tracker.audit.service import record
from justice_tracker.cases.batch_import import (
    ImportBatch,
    ImportedCase,
    PreparedCase,
    prepare_new_case,
    write_new_cases,
)
from justice_tracker.cases.casefiles import ImportResult, export_case_file, file_name, import_case_file_detailed
from justice_tracker.cases.models import Case
from justice_tracker.cli import system_actor
from justice_tracker.clock import utcnow
from justice_tracker.db import db, refresh_statistics
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.deadlines.queries import status_at
from justice_tracker.errors import DomainError, ValidationFailed
from justice_tracker.org.models import Court
from justice_tracker.rules.model import Status

cases_cli = AppGroup("cases", help="Import and export case files (JSON).")

GROUP = 200  # files per transaction and commit
BULK = 1000  # from this many files on, the import ends by refreshing the planner statistics


@dataclass
class _Outcome:
    """What the command says of one file: what became of it and its deadlines now (its stdout line),
    or why it was not imported; warnings and errors go to the error output."""

    path: Path
    said: str | None = None
    case_id: int | None = None
    statuses: Sequence[str] | None = None  # of the case's deadlines now; None: to be read from the stored rows
    errors: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.said is None

    @property
    def line(self) -> str | None:
        return None if self.said is None else f"{self.path}: {self.said}; {_deadline_counts(self.statuses or ())}"


@cases_cli.command("import")
@click.argument("sources", nargs=-1, required=True)
def import_command(sources: tuple[str, ...]) -> None:
    """Import case files; importing a file again creates nothing new.

    Each SOURCE is a case file, a folder (its *.json files, in name order), or @LIST: a
    text file naming one case file per line (for more files than a command line holds).
    Each file is all-or-nothing; files are committed in groups of 200, and each gets its
    line on standard output once its group is committed. A file not imported is named on
    the error output with its problems, and the command then exits 1.
    """
    paths = _expand(sources)
    batch = ImportBatch(system_actor())
    failed = 0
    for first in range(0, len(paths), GROUP):
        for outcome in _import_group(batch, _prepare_group(batch, paths[first : first + GROUP])):
            if outcome.line is not None:
                click.echo(outcome.line)
            for line in outcome.errors:
                click.echo(line, err=True)
            failed += outcome.failed
    if len(paths) >= BULK:
        refresh_statistics()
    if failed:
        click.echo(f"{failed} of {len(paths)} files not imported.", err=True)
        sys.exit(1)


def _expand(sources: Sequence[str]) -> list[Path]:
    paths: list[Path] = []
    for source in sources:
        if source.startswith("@"):
            listed = Path(source[1:])
            try:
                names = listed.read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError) as exc:
                raise click.ClickException(f"cannot read the list of files {listed}: {exc}") from exc
            paths += [Path(name.strip()) for name in names if name.strip()]
        elif Path(source).is_dir():
            found = sorted(p for p in Path(source).iterdir() if p.suffix == ".json" and p.is_file())
            if not found:
                raise click.ClickException(f"no case file (*.json) in the folder {source}")
            paths += found
        else:
            paths.append(Path(source))
    return paths


@dataclass
class _Item:
    """One file: its document (or why it cannot be read) and, for the short road, its checked case."""

    path: Path
    data: Any = None
    error: str | None = None
    prepared: PreparedCase | None = None


def _prepare_group(batch: ImportBatch, paths: Sequence[Path]) -> list[_Item]:
    """Read a group of files and check each for the short road (`prepare_new_case`); write nothing."""
    items = [_Item(path, *_read(path)) for path in paths]
    batch.expect(item.data for item in items if item.error is None)
    for item in items:
        if item.error is None:
            item.prepared = prepare_new_case(batch, item.data)
    return items


def _read(path: Path) -> tuple[Any, str | None]:
    try:
        return json.loads(path.read_text(encoding="utf-8")), None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"{path}: cannot read a JSON document: {exc}"


def _import_group(batch: ImportBatch, items: Sequence[_Item]) -> list[_Outcome]:
    """Import a group of files in one transaction, each all-or-nothing; commit; say what became of each."""
    try:
        outcomes = _import_items(batch, items)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        batch.rolled_back()
        outcomes = [_import_alone(batch, item) for item in items]
    else:
        batch.committed()
    return outcomes


def _import_items(batch: ImportBatch, items: Sequence[_Item]) -> list[_Outcome]:
    outcomes: dict[int, _Outcome] = {}
    pending: list[tuple[int, PreparedCase]] = []
    claimed: set[tuple[int, str]] = set()

    def write_pending() -> None:
        if not pending:
            return
        try:
            with db.session.begin_nested():
                written = write_new_cases(batch, [prepared for _, prepared in pending])
        except SQLAlchemyError:
            # Not a file's fault as far as the checks can tell (another writer?): each on its own.
            for index, _ in pending:
                outcomes[index] = _through_services(batch, items[index].path, items[index].data)
        else:
            for (index, _), imported in zip(pending, written, strict=True):
                outcomes[index] = _created(items[index].path, imported)
        pending.clear()
        claimed.clear()

    for index, item in enumerate(items):
        if item.error is not None:
            outcomes[index] = _Outcome(item.path, errors=[item.error])
            continue
        prepared = item.prepared
        key = (prepared.draft.court_id, prepared.loaded["reference"]) if prepared is not None else None
        if prepared is not None and key not in claimed and not batch.created_here(*key):
            pending.append((index, prepared))
            claimed.add(key)
            continue
        write_pending()  # in file order: this file may be about a case an earlier one creates
        outcomes[index] = _through_services(batch, item.path, item.data)
    write_pending()
    return _with_statuses([outcomes[index] for index in range(len(items))])


def _import_alone(batch: ImportBatch, item: _Item) -> _Outcome:
    """One file in its own transaction (after a group failed to commit)."""
    if item.error is not None:
        return _Outcome(item.path, errors=[item.error])
    try:
        [outcome] = _with_statuses([_through_services(batch, item.path, item.data)])
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        batch.rolled_back()
        return _Outcome(item.path, errors=[f"{item.path}: not imported: database error: {type(exc).__name__}"])
    batch.committed()
    return outcome


def _through_services(batch: ImportBatch, path: Path, data: Any) -> _Outcome:
    """Import one file with the services, in a savepoint (`import_case_file_detailed` opens it)."""
    try:
        result = import_case_file_detailed(batch.actor, data, schema=batch.schema)
    except ValidationFailed as exc:
        return _Outcome(path, errors=[f"{path}: {error.field}: {error.message}" for error in exc.errors])
    except DomainError as exc:
        return _Outcome(path, errors=[f"{path}: {exc.message}"])
    batch.forget()  # it may have created a court
    case = result.case
    batch.remember(case.court_id, case.reference)
    if result.created:
        said = f"created case {case.id} ({case.reference}) with {result.events_added} events"
    elif result.changed:
        said = (
            f"updated case {case.id} ({case.reference}): {result.events_added} events "
            f"and {result.lawyers_added} lawyers added"
        )
    else:
        said = f"unchanged case {case.id} ({case.reference})"
    return _Outcome(path, said, case.id, errors=_warnings(path, result))


def _created(path: Path, imported: ImportedCase) -> _Outcome:
    said = f"created case {imported.case_id} ({imported.reference}) with {imported.events_added} events"
    return _Outcome(path, said, imported.case_id, imported.deadline_statuses, _warnings(path, imported))


def _warnings(path: Path, result: ImportResult | ImportedCase) -> list[str]:
    return [f"{path}: warning: {warning}" for warning in result.warnings]


def _with_statuses(outcomes: list[_Outcome]) -> list[_Outcome]:
    """Each imported case's deadline statuses now, from its stored deadlines (`deadlines.queries.status_at`)."""
    unknown = {o.case_id for o in outcomes if o.said is not None and o.statuses is None}
    found: dict[int, list[str]] = {case_id: [] for case_id in unknown}
    if unknown:
        stored = select(CaseDeadline.case_id, status_at(utcnow())).where(CaseDeadline.case_id.in_(unknown))
        for case_id, status in db.session.execute(stored):
            found[case_id].append(status)
    for outcome in outcomes:
        if outcome.said is not None and outcome.statuses is None:
            outcome.statuses = found[outcome.case_id]
    return outcomes


def _deadline_counts(statuses: Sequence[str]) -> str:
    """The case's breached and at-risk deadlines now (advisory limits passed are never breaches)."""
    found = Counter(statuses)
    return f"deadlines now: {found[Status.BREACHED.value]} breached, {found[Status.AT_RISK.value]} at risk"


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
