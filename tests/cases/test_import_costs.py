"""What keeps `flask cases import` of thousands of files fast stays exactly what it replaced.

The application starts without WeasyPrint (only a PDF render loads it), the case-file schema's
cheaper checks refuse what the slower ones refused, and the rows written straight through the
driver are the rows SQLAlchemy writes (bench/bench_import.py times the whole command).
"""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from justice_tracker.audit.models import AuditEntry
from justice_tracker.cases.batch_import import _insert
from justice_tracker.cases.models import Child
from justice_tracker.cases.schemas import _CONTROL, CaseFileSchema, load
from justice_tracker.db import db
from justice_tracker.errors import ValidationFailed

STARTS_WITHOUT_WEASYPRINT = """
import sys
import click
from justice_tracker import create_app

app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "t" * 40})
with click.Context(app.cli) as context:
    for name in app.cli.list_commands(context):  # every command, as `flask --help` loads them
        app.cli.get_command(context, name)
print(sorted(m for m in sys.modules if m.split(".")[0] == "weasyprint"))
"""


def test_the_application_and_its_commands_start_without_weasyprint(tmp_path):
    url = f"sqlite:///{tmp_path / 'unused.sqlite'}"
    done = subprocess.run(
        [sys.executable, "-c", STARTS_WITHOUT_WEASYPRINT, url], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout


def test_control_characters_are_unicode_categories_cc_and_cs_but_newline_and_tab():
    refused = {chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) in ("Cc", "Cs")} - {"\n", "\t"}
    matched = {chr(c) for c in range(sys.maxunicode + 1) if _CONTROL.fullmatch(chr(c))}
    assert matched == refused


def _events_errors(events: object) -> dict[str, list[str]]:
    document = {"reference": "R", "jurisdiction": "KE", "child": {"given_name": "A", "family_name": "B", "sex": "F"}}
    with pytest.raises(ValidationFailed) as caught:
        load(CaseFileSchema(), document | {"events": events})
    return caught.value.as_dict()


@pytest.mark.parametrize("events", ["x", {"type": "charged"}, 3])
def test_events_that_are_not_a_list_are_refused_as_a_list_would_be(events):
    assert _events_errors(events) == {"events": ["Not a valid list."]}


def test_each_bad_event_is_named_by_its_index():
    errors = _events_errors([{"type": "charged", "at": "2026-01-10T10:00:00Z"}, 7, {"at": "2026-01-10T10:00:00"}])
    assert set(errors) == {"events.1", "events.2.type", "events.2.at"}


def _audit_rows(now: datetime) -> list[dict[str, object]]:
    # The same instant object in every row, as a file's rows share its `now`; and one other instant.
    other = now - timedelta(days=1, microseconds=7)
    return [
        {
            "at": at,
            "actor_id": None,
            "actor_role": "admin",
            "action": action,
            "object_type": "case",
            "object_id": str(index),
            "outcome": "success",
            "request_id": None,
            "detail": detail,
        }
        for index, (at, action, detail) in enumerate(
            [(now, "a", None), (other, "b", "d\n"), (now, "c", "é"), (now, "d", None)]
        )
    ]


def _stored(action_prefix: str) -> list[tuple[object, ...]]:
    table = AuditEntry.__table__
    found = db.session.execute(
        select(table.c.at, table.c.action, table.c.object_id, table.c.detail, table.c.actor_role)
        .where(table.c.action.like(f"{action_prefix}%"))
        .order_by(table.c.object_id)
    )
    return [tuple(row) for row in found]


def test_rows_written_through_the_driver_are_those_sqlalchemy_writes(app):
    now = datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    theirs = [row | {"action": f"sa-{row['action']}"} for row in _audit_rows(now)]
    ours = [row | {"action": f"jt-{row['action']}"} for row in _audit_rows(now)]
    db.session.execute(insert(AuditEntry.__table__), theirs)
    _insert(AuditEntry.__table__, ours)
    expected = [(at, action.replace("sa-", "jt-"), *rest) for at, action, *rest in _stored("sa-")]
    assert _stored("jt-") == expected
    assert len(expected) == 4 and expected[0][0] == now


def test_a_refused_row_fails_the_insert_as_sqlalchemy_would_and_the_savepoint_undoes_it(app):
    now = datetime(2026, 3, 4, tzinfo=UTC)
    child = {"given_name": "A", "family_name": "B", "sex": "F", "languages": ["en"], "created_at": now, "version": 1}
    twins = [child | {"pseudonym": "C-TWIN-0001"}, child | {"pseudonym": "C-TWIN-0001"}]
    with pytest.raises(IntegrityError), db.session.begin_nested():
        _insert(Child.__table__, twins)
    assert db.session.scalar(select(Child.id).where(Child.pseudonym == "C-TWIN-0001")) is None
