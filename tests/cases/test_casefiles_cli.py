"""`flask cases import FILE...` and `flask cases export`."""

from __future__ import annotations

import json
import stat

import pytest
from sqlalchemy import select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.cases.cli import cases_cli
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from tests.api.helpers import EXAMPLE_PARAMS, EXAMPLES_DIR, example, row_counts


@pytest.fixture()
def cli(app):
    if "cases" not in app.cli.commands:
        app.cli.add_command(cases_cli)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["cases", *map(str, args)])


def _write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", EXAMPLE_PARAMS)
def test_each_example_imports_then_is_unchanged(make, cli, name):
    make.admin()
    first = cli("import", EXAMPLES_DIR / name)
    assert first.exit_code == 0, first.output
    assert "created case" in first.output
    counts = row_counts()
    second = cli("import", EXAMPLES_DIR / name)
    assert second.exit_code == 0, second.output
    assert "unchanged case" in second.output
    after = row_counts()
    assert after.pop("audit_log") == counts.pop("audit_log") + 1
    assert after == counts


def test_one_bad_file_is_rolled_back_and_reported_the_others_are_imported(make, cli, tmp_path):
    make.admin()
    bad = example("br_presentation_and_internment.json")
    bad["events"][3]["facility"] = ""  # required for pre-trial detention
    bad_path = _write(tmp_path, "bad.json", bad)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    before = row_counts()
    result = cli("import", bad_path, EXAMPLES_DIR / "in_inquiry_extension.json", broken)
    assert result.exit_code == 1
    assert f"{bad_path}: events.3.facility: is required" in result.stderr
    assert f"{broken}: cannot read a JSON document" in result.stderr
    assert "in_inquiry_extension.json: created case" in result.stdout
    db.session.expire_all()
    assert db.session.scalars(select(Case.reference)).all() == ["EX-IN-001"]
    after = row_counts()
    assert after["cases"] == before["cases"] + 1 and after["events"] == before["events"] + 3


def test_import_needs_an_administrator(cli):
    result = cli("import", EXAMPLES_DIR / "in_inquiry_extension.json")
    assert result.exit_code != 0
    assert "create an administrator first" in result.output


def test_export_writes_one_private_file_per_case_named_by_reference(make, cli, tmp_path):
    make.admin()
    assert cli("import", EXAMPLES_DIR / "br_presentation_and_internment.json").exit_code == 0
    assert cli("import", EXAMPLES_DIR / "in_inquiry_extension.json").exit_code == 0
    out = tmp_path / "out"
    result = cli("export", "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["EX-BR-001.json", "EX-IN-001.json"]
    written = json.loads((out / "EX-BR-001.json").read_text(encoding="utf-8"))
    original = example("br_presentation_and_internment.json")
    assert written["events"] == original["events"]
    assert written["child"]["family_name"] == "Um"
    assert stat.S_IMODE((out / "EX-BR-001.json").stat().st_mode) == 0o600
    db.session.expire_all()
    exported = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case_exported")).all()
    assert len(exported) == 2 and all("Um" not in (e.detail or "") for e in exported)


def test_export_of_one_reference_goes_to_stdout_and_round_trips(make, cli, tmp_path):
    make.admin()
    cli("import", EXAMPLES_DIR / "in_inquiry_extension.json")
    result = cli("export", "EX-IN-001")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["reference"] == "EX-IN-001"
    copy = _write(tmp_path, "copy.json", document | {"court": "Another board"})
    imported = cli("import", copy)
    assert imported.exit_code == 0, imported.output
    again = cli("export", "--court", "Another board", "EX-IN-001")
    assert json.loads(again.stdout) == document | {"court": "Another board"}


def test_export_refuses_unknown_references_and_ambiguous_stdout(make, cli):
    make.admin()
    assert "no case with reference: NOPE" in cli("export", "NOPE").output
    cli("import", EXAMPLES_DIR / "in_inquiry_extension.json")
    cli("import", EXAMPLES_DIR / "br_presentation_and_internment.json")
    result = cli("export")
    assert result.exit_code != 0 and "--out" in result.output
    assert "no court" in cli("export", "--court", "Nowhere").output
