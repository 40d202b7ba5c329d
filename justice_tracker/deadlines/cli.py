"""`flask rules validate|list|show` and `flask deadlines refresh`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from justice_tracker.cases.models import Case
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.packs import all_packs
from justice_tracker.deadlines.service import refresh_all
from justice_tracker.rules.loader import pack_files
from justice_tracker.rules.validate import validate_pack_files

rules_cli = AppGroup("rules", help="Rule packs: the legal time limits of each jurisdiction.")
deadlines_cli = AppGroup("deadlines", help="Stored deadlines and their notifications.")


@rules_cli.command("validate")
@click.argument("packs", nargs=-1)
def validate_command(packs: tuple[str, ...]) -> None:
    """Check pack files (codes such as GB-EAW, or paths; all shipped packs by default)."""
    shipped = {path.stem.upper(): path for path in pack_files()}
    paths = []
    for item in packs or tuple(shipped):
        path = Path(item) if Path(item).exists() else shipped.get(item.upper())
        if path is None:
            raise click.ClickException(f"no pack file or shipped pack named {item}")
        paths.append(path)
    problems = validate_pack_files(paths)
    for problem in problems:
        click.echo(f"{problem.source}: rule {problem.rule_id or '-'}: {problem.field}: {problem.message}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in {len(paths)} pack(s)")
    click.echo(f"{len(paths)} pack(s) valid")


@rules_cli.command("list")
def list_command() -> None:
    """List the loaded packs with their version dates and rule counts."""
    for code, pack in sorted(all_packs().items()):
        binding = sum(not rule.advisory for rule in pack.rules)
        click.echo(
            f"{code:8} {pack.version_date.isoformat()}  {len(pack.rules):3} rules ({binding} binding)  {pack.name}"
        )


@rules_cli.command("show")
@click.argument("code")
def show_command(code: str) -> None:
    """Print one pack's rules with their limits, citations and verification levels."""
    pack = all_packs().get(code.upper())
    if pack is None:
        raise click.ClickException(f"no pack {code}; see `flask rules list`")
    click.echo(f"{pack.code} — {pack.name} (version {pack.version_date.isoformat()}, time zone {pack.time_zone})")
    for rule in pack.rules:
        limit = f"{rule.limit.amount} {rule.limit.unit}" if rule.limit else "no number"
        force = "advisory" if rule.advisory else "binding"
        click.echo(f"- {rule.id} [{rule.kind}, {limit}, {rule.verification}, {force}]")
        click.echo(f"    {rule.title}")
        click.echo(f"    {rule.citation} <{rule.source_url}>")


@deadlines_cli.command("refresh")
def refresh_command() -> None:
    """Recompute every case's stored deadlines (run after a rule pack or calendar update)."""
    total = db.session.scalar(select(func.count()).select_from(Case)) or 0
    with click.progressbar(length=total, label="Recomputing deadlines", show_pos=True) as bar:
        count = refresh_all(utcnow(), progress=bar.update)
    db.session.commit()
    click.echo(f"deadlines recomputed for {count} case(s)")
