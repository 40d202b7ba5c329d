"""Many case files in one command: the short road for new cases (`prepare_new_case`, `write_new_cases`)
stores exactly what the services store, and `flask cases import` keeps each file all-or-nothing."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import Role
from justice_tracker.cases import cli as cases_cli_module
from justice_tracker.cases.batch_import import ImportBatch, prepare_new_case, write_new_cases
from justice_tracker.cases.casefiles import import_case_file_detailed
from justice_tracker.cases.cli import cases_cli
from justice_tracker.cases.models import Case, CaseLawyer, Child, Event, Offence
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.deadlines.service import evaluate_case
from justice_tracker.demo_generate import JURISDICTIONS, build_case
from justice_tracker.oversight.models import StoredEpisode, StoredPlacement
from justice_tracker.rules.model import Status
from tests.api.helpers import EXAMPLE_PARAMS, example, row_counts
from tests.conftest import REAL_NOW

SEED = 4242


@pytest.fixture()
def cli(app):
    if "cases" not in app.cli.commands:
        app.cli.add_command(cases_cli)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["cases", *map(str, args)])


@pytest.fixture()
def courts(make):
    """One court per demo jurisdiction, and the generator's lawyers."""
    make.user(Role.LAWYER, email="lawyer@demo.test")
    make.user(Role.LAWYER, email="lawyer2@demo.test")
    return {code: make.court(code, name=f"Batch court {code}") for code in JURISDICTIONS}


def generated(courts: dict[str, Any], index: int, reference: str | None = None) -> dict[str, Any]:
    """A realistic case file from the synthetic generator (as bench/bench_import.py writes them)."""
    spec = build_case(SEED, index, REAL_NOW)
    court = courts[spec.jurisdiction_code]
    tz = ZoneInfo(court.effective_time_zone)
    child = {k: v for k, v in spec.child.items() if v is not None}
    return {
        "reference": reference or f"BATCH-{index:04d}",
        "jurisdiction": spec.jurisdiction_code,
        "court": court.name,
        "child": child | {"date_of_birth": spec.child["date_of_birth"].isoformat()},
        "offences": [
            {"description": o["description"], "class": o["offence_class"], "max_penalty_years": o["max_penalty_years"]}
            for o in spec.offences
        ],
        "events": [{"type": kind, "at": at.astimezone(tz).isoformat(), **details} for kind, at, details in spec.events],
        "lawyers": ["lawyer@demo.test", "lawyer2@demo.test"][: index % 3],
    }


def _rows(table: Any, where: Any, drop: tuple[str, ...]) -> list[dict[str, Any]]:
    found = db.session.execute(select(table).where(where).order_by(table.c.id)).mappings()
    return [{k: v for k, v in row.items() if k not in drop} for row in found]


def snapshot(case_id: int) -> dict[str, Any]:
    """Every row stored for a case, without ids, reference and pseudonym (which differ between two imports)."""
    db.session.expire_all()
    cases, children = Case.__table__, Child.__table__
    case = db.session.execute(select(cases).where(cases.c.id == case_id)).mappings().one()
    child = db.session.execute(select(children).where(children.c.id == case["child_id"])).mappings().one()
    audit = AuditEntry.__table__
    about = or_(
        and_(audit.c.object_type == "case", audit.c.object_id == str(case_id)),
        and_(audit.c.object_type == "child", audit.c.object_id == str(child["id"])),
    )
    entries = _rows(audit, about, ("id", "object_id"))
    for entry in entries:
        entry["detail"] = (entry["detail"] or "").replace(child["pseudonym"], "PSEUDONYM")
    own = ("id", "case_id")
    return {
        "case": {k: v for k, v in case.items() if k not in ("id", "child_id", "reference")},
        "child": {k: v for k, v in child.items() if k not in ("id", "pseudonym")},
        "offences": _rows(Offence.__table__, Offence.__table__.c.case_id == case_id, own),
        "lawyers": _rows(CaseLawyer.__table__, CaseLawyer.__table__.c.case_id == case_id, own),
        "events": _rows(Event.__table__, Event.__table__.c.case_id == case_id, own),
        "deadlines": _rows(CaseDeadline.__table__, CaseDeadline.__table__.c.case_id == case_id, own),
        "episodes": _rows(StoredEpisode.__table__, StoredEpisode.__table__.c.case_id == case_id, (*own, "child_id")),
        "placements": _rows(
            StoredPlacement.__table__, StoredPlacement.__table__.c.case_id == case_id, (*own, "episode_id")
        ),
        "audit": entries,
    }


def _both_roads(admin: Any, document: dict[str, Any]) -> None:
    through_services = import_case_file_detailed(admin, document)
    db.session.commit()
    copy = document | {"reference": document["reference"] + "-short"}
    batch = ImportBatch(admin)
    batch.expect([copy])
    prepared = prepare_new_case(batch, copy)
    assert prepared is not None
    [written] = write_new_cases(batch, [prepared])
    db.session.commit()
    assert written.events_added == through_services.events_added
    assert written.warnings == through_services.warnings
    expected, got = snapshot(through_services.case.id), snapshot(written.case_id)
    for key in expected:
        assert got[key] == expected[key], key
    assert got["events"] and got["audit"]


@pytest.mark.parametrize("name", EXAMPLE_PARAMS)
def test_the_short_road_stores_what_the_services_store_for_each_example(make, name):
    # The first import creates the example's court; the copy then takes the short road into it.
    _both_roads(make.admin(), example(name))


def test_the_short_road_stores_what_the_services_store_for_a_child_released_at_once(make):
    document = example("br_presentation_and_internment.json")
    document["events"] = [
        *document["events"][:2],
        {"type": "released", "at": "2026-01-11T00:10:00-03:00", "kind": "to_parents"},
    ]
    _both_roads(make.admin(), document)


@pytest.mark.parametrize("index", range(12))
def test_the_short_road_stores_what_the_services_store_for_generated_cases(make, courts, index):
    _both_roads(make.admin(), generated(courts, index))


def test_files_the_short_road_does_not_take(make, courts):
    admin = make.admin()
    batch = ImportBatch(admin)
    good = generated(courts, 1)
    assert prepare_new_case(batch, good) is not None
    assert prepare_new_case(batch, good | {"court": "A court not yet registered"}) is None  # import creates it
    assert prepare_new_case(batch, good | {"events": []}) is None
    assert prepare_new_case(batch, good | {"lawyers": ["nobody@example.test"]}) is None
    assert prepare_new_case(batch, good | {"reference": ""}) is None
    late = json.loads(json.dumps(good))
    late["events"][1]["at"] = "2001-01-01T00:00:00+00:00"  # before the apprehension, before birth
    assert prepare_new_case(batch, late) is None
    import_case_file_detailed(admin, good)
    assert prepare_new_case(batch, good) is None  # now stored: an update
    assert prepare_new_case(ImportBatch(make.user(Role.LAWYER)), generated(courts, 2)) is None


def test_a_write_refused_by_the_database_leaves_nothing_and_the_session_usable(make, courts):
    admin = make.admin()
    document = generated(courts, 5)
    batch = ImportBatch(admin)
    prepared = prepare_new_case(batch, document)
    assert prepared is not None
    import_case_file_detailed(admin, document)  # meanwhile, the same reference in the same court
    db.session.commit()
    before = row_counts()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        write_new_cases(batch, [prepared])
    assert row_counts() == before
    again = import_case_file_detailed(admin, document)
    assert not again.changed


def _folder(tmp_path, documents: dict[str, Any]):
    folder = tmp_path / "files"
    folder.mkdir()
    for name, document in documents.items():
        (folder / name).write_text(json.dumps(document), encoding="utf-8")
    return folder


def test_a_folder_and_a_list_file_import_each_case_file(make, courts, cli, tmp_path):
    make.admin()
    folder = _folder(tmp_path, {f"{i:02d}.json": generated(courts, i) for i in range(4)})
    (folder / "notes.txt").write_text("not a case file", encoding="utf-8")
    listed = tmp_path / "more.txt"
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps(generated(courts, 9)), encoding="utf-8")
    listed.write_text(f"{extra}\n\n", encoding="utf-8")
    result = cli("import", folder, f"@{listed}")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines] == [*(str(folder / f"{i:02d}.json") for i in range(4)), str(extra)]
    assert all(": created case " in line for line in lines)
    db.session.expire_all()
    stored = set(db.session.scalars(select(Case.reference)))
    assert {"BATCH-0000", "BATCH-0001", "BATCH-0002", "BATCH-0003", "BATCH-0009"} <= stored


def test_a_missing_list_file_or_an_empty_folder_is_refused(make, cli, tmp_path):
    make.admin()
    assert "cannot read the list of files" in cli("import", f"@{tmp_path / 'nope.txt'}").output
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no case file (*.json) in the folder" in cli("import", empty).output


def test_one_bad_file_among_good_ones_is_reported_and_only_it_is_left_out(make, courts, cli, tmp_path, monkeypatch):
    make.admin()
    monkeypatch.setattr(cases_cli_module, "GROUP", 3)  # bad file in the middle of a group, and several groups
    documents = {f"{i:02d}.json": generated(courts, i) for i in range(7)}
    bad = documents["04.json"]
    bad["events"][0]["type"] = "teleported"
    folder = _folder(tmp_path, documents)
    before = row_counts()
    result = cli("import", folder)
    assert result.exit_code == 1
    assert f"{folder / '04.json'}: events.0.type: unknown event type" in result.stderr
    assert "1 of 7 files not imported." in result.stderr
    assert sum(": created case " in line for line in result.stdout.splitlines()) == 6
    assert "04.json" not in result.stdout
    db.session.expire_all()
    stored = set(db.session.scalars(select(Case.reference)))
    assert {d["reference"] for n, d in documents.items() if n != "04.json"} <= stored
    assert bad["reference"] not in stored
    after = row_counts()
    assert after["cases"] == before["cases"] + 6 and after["children"] == before["children"] + 6
    events = sum(len(d["events"]) for n, d in documents.items() if n != "04.json")
    assert after["events"] == before["events"] + events
    imported = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case_imported")).all()
    assert len(imported) == 6


def test_importing_the_same_folder_again_creates_nothing(make, courts, cli, tmp_path):
    make.admin()
    folder = _folder(tmp_path, {f"{i:02d}.json": generated(courts, i) for i in range(5)})
    assert cli("import", folder).exit_code == 0
    counts = row_counts()
    again = cli("import", folder)
    assert again.exit_code == 0, again.output
    assert all(": unchanged case " in line for line in again.stdout.splitlines())
    after = row_counts()
    assert after.pop("audit_log") == counts.pop("audit_log") + 5
    assert after == counts


def test_a_reference_twice_in_one_command_is_created_then_unchanged(make, courts, cli, tmp_path):
    make.admin()
    document = generated(courts, 3)
    folder = _folder(tmp_path, {"a.json": document, "b.json": document, "c.json": generated(courts, 4)})
    result = cli("import", folder)
    assert result.exit_code == 0, result.output
    a, b, c = result.stdout.splitlines()
    assert ": created case " in a and ": unchanged case " in b and ": created case " in c


def test_the_counts_printed_are_the_engines_now(make, courts, cli, tmp_path):
    make.admin()
    documents = {f"{i:02d}.json": generated(courts, i) for i in range(12)}
    folder = _folder(tmp_path, documents)
    first = cli("import", folder).stdout.splitlines()
    second = cli("import", folder).stdout.splitlines()  # through the services, counted from the stored rows
    db.session.expire_all()
    for name, line, again in zip(sorted(documents), first, second, strict=True):
        case = db.session.scalar(select(Case).where(Case.reference == documents[name]["reference"]))
        found = Counter(d.status for d in evaluate_case(case, utcnow()))
        expected = f"deadlines now: {found[Status.BREACHED]} breached, {found[Status.AT_RISK]} at risk"
        assert line.endswith(expected) and again.endswith(expected), (line, again, expected)


def test_when_the_grouped_write_fails_each_file_is_imported_on_its_own(make, courts, cli, tmp_path, monkeypatch):
    make.admin()

    def fail(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("simulated"))

    monkeypatch.setattr(cases_cli_module, "write_new_cases", fail)
    folder = _folder(tmp_path, {f"{i:02d}.json": generated(courts, i) for i in range(3)})
    result = cli("import", folder)
    assert result.exit_code == 0, result.output
    assert sum(": created case " in line for line in result.stdout.splitlines()) == 3


def test_when_a_group_cannot_commit_its_files_are_committed_one_by_one(make, courts, cli, tmp_path, monkeypatch):
    make.admin()
    commit = db.session.commit
    calls = []

    def first_commit_fails() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, Exception("simulated"))
        commit()

    monkeypatch.setattr(db.session, "commit", first_commit_fails, raising=False)
    folder = _folder(tmp_path, {f"{i:02d}.json": generated(courts, i) for i in range(3)})
    result = cli("import", folder)
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    assert sum(": created case " in line for line in result.stdout.splitlines()) == 3
    assert len(calls) == 4  # the group's, then one per file
    db.session.expire_all()
    assert len(db.session.scalars(select(Case).where(Case.reference.like("BATCH-%"))).all()) == 3
