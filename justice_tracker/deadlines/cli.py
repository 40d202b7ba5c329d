"""`flask rules validate|list|show` and `flask deadlines refresh|notify`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from justice_tracker.cases.models import Case
from justice_tracker.clock import utcnow
from justice_tracker.db import db, refresh_statistics
from justice_tracker.deadlines import digest
from justice_tracker.deadlines.bulk import refresh_all
from justice_tracker.deadlines.packs import all_packs
from justice_tracker.rules.loader import pack_files
from justice_tracker.rules.validate import validate_pack_files

VACUUM_FROM = 1000  # from this many cases refreshed on, the command ends by vacuuming and analysing the deadlines

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
    """Recompute every case's stored deadlines (run after a rule pack or calendar update).

    Commits after each batch of cases: SQLite has one writer, and a refresh of a national
    registry in one transaction would keep the web application from writing for minutes. A
    refresh stopped halfway leaves each case's deadlines wholly old or wholly new; run it again.
    """
    total = db.session.scalar(select(func.count()).select_from(Case)) or 0
    with click.progressbar(length=total, label="Recomputing deadlines", show_pos=True) as bar:

        def written(cases: int) -> None:
            db.session.commit()
            bar.update(cases)

        count = refresh_all(utcnow(), progress=written)
    click.echo(f"deadlines recomputed for {count} case(s)")
    if count >= VACUUM_FROM:
        # Each case's rows were rewritten or stamped: as many dead rows on PostgreSQL, which every
        # board and report then reads until vacuumed (bench/RESULTS.md: the load benchmark's p99 went
        # from 340 to 510 ms after two refreshes on a server with autovacuum off).
        refresh_statistics(("deadlines",))
        click.echo("planner statistics of the deadlines refreshed")


@deadlines_cli.command("notify")
@click.option("--dry-run", is_flag=True, help="Show who would get a digest; send nothing, record nothing.")
def notify_command(dry_run: bool) -> None:
    """Email each clerk and lawyer the breaches and at-risk deadlines new since their last digest (run from cron).

    Exits non-zero when any digest could not be sent; those users get the same
    deadlines again at the next run.
    """
    result = digest.run(utcnow(), dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        for item in result.sent:
            click.echo(
                f"would send to user {item.user.id} ({item.user.role}): "
                f"{len(item.binding)} binding, {len(item.advisory)} advisory deadline(s)"
            )
        click.echo(f"dry run: {len(result.sent)} digest(s) of {result.considered} recipient(s); nothing sent")
        return
    db.session.commit()
    for item, error in result.failed:
        click.echo(f"user {item.user.id}: digest not sent: {error}", err=True)
    click.echo(
        f"{len(result.sent)} digest(s) sent ({result.items_sent} deadline(s)), {len(result.failed)} failed, "
        f"{result.considered - len(result.sent) - len(result.failed)} recipient(s) with nothing new"
    )
    if result.failed:
        raise click.exceptions.Exit(1)
