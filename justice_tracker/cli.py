"""`flask` commands: users, API tokens and demo data. Each command commits once."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from justice_tracker.audit.service import record
from justice_tracker.auth import passwords
from justice_tracker.auth.models import Role, User
from justice_tracker.auth.services import create_user, find_user_by_email
from justice_tracker.auth.sessions import create_api_token
from justice_tracker.db import db, refresh_statistics
from justice_tracker.errors import ValidationFailed
from justice_tracker.org.models import Court

users_cli = AppGroup("users", help="Manage user accounts.")
tokens_cli = AppGroup("tokens", help="Manage API tokens for integrations.")
demo_cli = AppGroup("demo", help="Synthetic demonstration data.")
db_stats_cli = AppGroup("statistics", help="The database query planner's statistics.")


def system_actor() -> User:
    """The administrator on whose behalf a command acts (the first active one)."""
    admin = db.session.scalar(
        select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id).limit(1)
    )
    if admin is None:
        raise click.ClickException("create an administrator first: flask users create EMAIL --role admin")
    return admin


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--court", "court_name", help="The court of a clerk (its exact name).")
@click.option("--name", "display_name", default="", help="Display name (defaults to the email).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, role: str, court_name: str | None, display_name: str, password_stdin: bool) -> None:
    """Create a user. Prints a generated password once, unless --password-stdin is given."""
    court = None
    if court_name:
        court = db.session.scalar(select(Court).where(Court.name == court_name))
        if court is None:
            raise click.ClickException(f"unknown court: {court_name}")
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else passwords.generate_password()
    actor = db.session.scalar(select(User).where(User.role == Role.ADMIN, User.active.is_(True)).limit(1))
    try:
        user = create_user(actor, email=email, display_name=display_name, role=role, password=password, court=court)
    except ValidationFailed as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {user.role} {user.email} (id {user.id})")
    if not password_stdin:
        click.echo(f"password (shown once): {password}")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="integration", help="What the token is for.")
def create_token_command(email: str, name: str) -> None:
    """Create an API token for a user and print it once."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        raise click.ClickException(f"no active user {email}")
    row, secret = create_api_token(user, name)
    record("api_token_created", "user", user.id, actor=system_actor(), detail=f"token={row.prefix}")
    db.session.commit()
    click.echo(secret)


@demo_cli.command("load")
@click.option("--if-empty/--always", default=True, help="Load only into an empty database (default).")
def demo_load_command(if_empty: bool) -> None:
    """Load synthetic demo data: courts, users of every role, children and cases."""
    from justice_tracker.demo import DEMO_PASSWORD, database_is_empty, load_demo

    if if_empty and not database_is_empty():
        click.echo("database already holds data: demo not loaded")
        return
    summary = load_demo()
    db.session.commit()
    click.echo(summary)
    click.echo(f"demo password for every demo user: {DEMO_PASSWORD}")


@demo_cli.command("generate")
@click.option("--cases", "count", type=click.IntRange(min=1), required=True, help="How many cases to generate.")
@click.option("--seed", type=click.IntRange(min=0), default=1, show_default=True, help="Same seed, same registry.")
def demo_generate_command(count: int, seed: int) -> None:
    """Generate a synthetic registry of many cases over the demo courts (after `demo load`), for scale tests."""
    from justice_tracker.clock import utcnow
    from justice_tracker.demo_generate import GenerationError, generate

    now = utcnow().replace(second=0, microsecond=0)

    # A commit per batch bounds SQLite's write-ahead log (100,000 cases in one transaction grew it
    # past 400 MB) and keeps what was generated if the command is stopped.
    def written(cases: int) -> None:
        db.session.commit()
        bar.update(cases)

    try:
        with click.progressbar(length=count, label="Generating cases", show_pos=True) as bar:
            generate(count, seed=seed, now=now, progress=written)
    except GenerationError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    refresh_statistics()
    click.echo(f"generated {count} case(s) from seed {seed}")


@db_stats_cli.command("analyze")
def analyze_command() -> None:
    """Refresh the query planner's statistics (after a bulk load or an upgrade that adds indexes)."""
    refresh_statistics()
    click.echo("planner statistics refreshed")


def register_commands(app: Flask) -> None:
    from justice_tracker.cases.cli import cases_cli
    from justice_tracker.deadlines.cli import deadlines_cli, rules_cli
    from justice_tracker.documents.cli import documents_cli
    from justice_tracker.oversight.cli import oversight_cli
    from justice_tracker.programmes.cli import programmes_cli

    groups = (
        users_cli,
        tokens_cli,
        demo_cli,
        db_stats_cli,
        cases_cli,
        rules_cli,
        deadlines_cli,
        programmes_cli,
        documents_cli,
        oversight_cli,
    )
    for group in groups:
        app.cli.add_command(group)
