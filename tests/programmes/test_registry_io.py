"""Registry import and export (CSV and JSON): all-or-nothing, each problem with its line and field, idempotent."""

from __future__ import annotations

import csv
import json

import pytest
from sqlalchemy import select

from justice_tracker.auth.models import Role
from justice_tracker.db import db
from justice_tracker.errors import Forbidden
from justice_tracker.programmes import registry_io
from justice_tracker.programmes.models import Programme
from justice_tracker.programmes.registry_io import RegistryImportFailed, import_registry, read_csv, read_json
from tests.api.helpers import row_counts

HEADER = "code,name,provider,type,stages,jurisdiction,areas,languages,min_age,max_age,places,enrolled,active"
GOOD_CSV = (
    HEADER + "\n"
    "BR-X-1,Círculos,ONG Exemplo,restorative_justice_conference,pre_charge_diversion;pretrial_alternative,BR,"
    "Porto Claro,pt;es,12,17,10,4,yes\n"
    'IN-X-2,"Counselling, Riverside",Centre,counselling_therapy,aftercare,IN,,hi,7,17,5,,no\n'
)
JSON_ITEMS = [
    {"code": "KE-X-1", "name": "Panel", "provider": "County", "type": "family_group_conference",
     "stages": ["pre_charge_diversion"], "jurisdiction": "KE", "places": 3},
    {"code": "KE-X-2", "name": "Mentors", "provider": "NGO", "type": "mentoring",
     "stages": ["aftercare"], "jurisdiction": "KE", "places": 8, "enrolled": 8, "waiting_list": 2, "wait_days": 20},
]  # fmt: skip


def _programmes() -> dict[str, Programme]:
    db.session.expire_all()
    return {p.code: p for p in db.session.scalars(select(Programme))}


@pytest.fixture()
def cli(app, make):
    make.admin()
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["programmes", *map(str, args)])


def test_a_csv_file_imports_with_lists_booleans_and_blank_counts(make, cli, tmp_path):
    path = tmp_path / "registry.csv"
    path.write_text(GOOD_CSV, encoding="utf-8")
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "2 created, 0 updated, 0 unchanged" in result.output
    found = _programmes()
    br = found["BR-X-1"]
    assert (br.stages, br.areas, br.languages) == (
        ["pre_charge_diversion", "pretrial_alternative"],
        ["Porto Claro"],
        ["pt", "es"],
    )
    assert (br.min_age, br.max_age, br.places, br.enrolled, br.active) == (12, 17, 10, 4, True)
    assert found["IN-X-2"].name == "Counselling, Riverside" and found["IN-X-2"].enrolled == 0
    assert found["IN-X-2"].active is False and found["IN-X-2"].requires_child_consent is True


def test_importing_the_same_file_twice_leaves_the_same_rows(make, cli, tmp_path):
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(JSON_ITEMS), encoding="utf-8")
    assert cli("import", path).exit_code == 0
    counts, versions = row_counts(), {c: p.version for c, p in _programmes().items()}
    again = cli("import", path)
    assert again.exit_code == 0 and "0 created, 0 updated, 2 unchanged" in again.output
    assert row_counts() == counts | {"audit_log": counts["audit_log"] + 1}  # the import itself is audited
    assert {c: p.version for c, p in _programmes().items()} == versions


def test_blank_live_counts_keep_what_the_coordinators_keep(make, cli, tmp_path):
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(JSON_ITEMS), encoding="utf-8")
    cli("import", path)
    changed = [dict(JSON_ITEMS[1], name="Mentors renamed", enrolled=None, waiting_list=None)]
    path.write_text(json.dumps(changed), encoding="utf-8")
    assert "0 created, 1 updated" in cli("import", path).output
    mentors = _programmes()["KE-X-2"]
    assert (mentors.name, mentors.enrolled, mentors.waiting_list) == ("Mentors renamed", 8, 2)


BAD_CSV_ROWS = [
    pytest.param("type", "dance_class", 3, "type", "Must be one of", id="unknown-type"),
    pytest.param("stages", "trial", 3, "stages.0", "Must be one of", id="unknown-stage"),
    pytest.param("places", "ten", 3, "places", "whole number", id="places-not-a-number"),
    pytest.param("active", "maybe", 3, "active", "yes or no", id="bad-boolean"),
    pytest.param("jurisdiction", "XX", 3, "jurisdiction", "unknown jurisdiction", id="unknown-jurisdiction"),
    pytest.param("enrolled", "99", 3, "enrolled", "more than the places", id="more-enrolled-than-places"),
    pytest.param("max_age", "5", 3, "max_age", "below min_age", id="age-range-upside-down"),
    pytest.param("code", "BR-X-1", 3, "code", "repeats the code of line 2", id="duplicate-code"),
    pytest.param("name", "", 3, "name", "required", id="missing-name"),
]


@pytest.mark.parametrize(("column", "value", "line", "field", "words"), BAD_CSV_ROWS)
def test_a_bad_last_row_fails_the_file_naming_line_and_field_and_nothing_changes(
    make, cli, tmp_path, column, value, line, field, words
):
    rows = GOOD_CSV.splitlines()
    header = rows[0].split(",")
    last = dict(zip(header, next(csv.reader([rows[2]])), strict=True))
    last[column] = value
    rows[2] = ",".join(f'"{last[h]}"' for h in header)
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    before = row_counts()
    result = cli("import", path)
    assert result.exit_code == 1
    assert f"line {line}, field {field}: " in result.output and words in result.output, result.output
    assert "nothing was imported" in result.output
    assert row_counts() == before


def test_every_problem_is_reported_at_once(make):
    rows = read_json(
        '[\n  {"code": "A", "name": "A", "provider": "P", "type": "mentoring",\n'
        '   "stages": ["aftercare"], "jurisdiction": "KE", "places": -1},\n'
        '  {"code": "B", "provider": "P", "type": "nope", "stages": ["aftercare"], "jurisdiction": "KE",'
        ' "places": 1, "colour": "red"}\n]'
    )
    assert [r.line for r in rows] == [2, 4]
    with pytest.raises(RegistryImportFailed) as failed:
        import_registry(make.admin(), rows)
    found = {(e.line, e.field) for e in failed.value.rows}
    assert found == {(2, "places"), (4, "name"), (4, "type"), (4, "colour")}
    assert "line 4, field colour: Unknown field." in [str(e) for e in failed.value.rows]


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("{}", 1, "file"),
        ('[\n {"code": "A"},\n 42\n]', 3, "row"),
        ('[\n {"code": "A"}\n {"code": "B"}]', 3, "file"),
        ('[\n {"code": "A",,}\n]', 2, "file"),
        ("[", 1, "file"),
    ],
    ids=["not-an-array", "not-an-object", "missing-comma", "broken-json", "unfinished"],
)
def test_unreadable_json_names_the_line(text, line, field):
    with pytest.raises(RegistryImportFailed) as failed:
        read_json(text)
    assert (failed.value.rows[0].line, failed.value.rows[0].field) == (line, field)


def test_csv_headers_are_checked_before_the_rows():
    with pytest.raises(RegistryImportFailed) as failed:
        read_csv("code,name,colour\nA,B,red\n")
    fields = {(e.line, e.field) for e in failed.value.rows}
    assert (1, "colour") in fields and (1, "provider") in fields and (1, "places") in fields


def test_export_then_import_gives_the_same_registry(make, cli, tmp_path, registry):
    registry.programme(
        code="GB-RT-1", areas=["Northbridge", "Southbridge"], exclusions=["current violence"], max_penalty_years=5.5
    )
    registry.programme(code="GB-RT-2", contact=None, description="Line one, with a comma\nline two")
    for fmt in ("csv", "json"):
        out = tmp_path / f"registry.{fmt}"
        result = cli("export", "--format", fmt, "--out", out)
        assert result.exit_code == 0, result.output
        counts = row_counts()
        again = cli("import", out)
        assert "0 created, 0 updated, 2 unchanged" in again.output, (fmt, again.output)
        assert row_counts()["programmes"] == counts["programmes"]
    exported = json.loads((tmp_path / "registry.json").read_text(encoding="utf-8"))
    assert list(exported[0]) == list(registry_io.COLUMNS)
    assert "GB-RT-1,Test programme" in (tmp_path / "registry.csv").read_text(encoding="utf-8")


def test_only_administrators_import(make):
    with pytest.raises(Forbidden):
        import_registry(make.user(Role.COORDINATOR), read_csv(GOOD_CSV))
