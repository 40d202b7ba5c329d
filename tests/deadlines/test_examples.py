"""The worked cases of ../shared/examples/cases through the real import and API path.

Each case file is imported (by `POST /api/v1/cases` with an administrator's API
token, or by `flask cases import`), then `GET /api/v1/cases/<id>/deadlines?as_of=`
at the file's `expect.as_of` must give every expected deadline: picked by
`citation_contains` (the first deadline whose citation contains it) or, without
one, by its due instant; status equal; `due` equal to the minute when given as an
instant, on the same local date when given as a date.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from justice_tracker.cases.cli import cases_cli
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from tests.api.helpers import EXAMPLES_DIR, api_for  # noqa: F401 - api_for is a fixture

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_CASES = REPO_ROOT.parent / "shared" / "examples" / "cases"
CASES_DIR = SHARED_CASES if SHARED_CASES.is_dir() else EXAMPLES_DIR
CASE_FILES = sorted(CASES_DIR.glob("*.json"))


def _document(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _minute(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC).replace(second=0, microsecond=0)


def _due_matches(deadline: dict[str, Any], expected: str) -> bool:
    if "T" not in expected:  # a date: the local day the limit ends on
        local = deadline["due_local_date"] or (deadline["due_local"] or "")[:10]
        return bool(local) and date.fromisoformat(local) == date.fromisoformat(expected)
    return deadline["due"] is not None and _minute(deadline["due"]) == _minute(expected)


def _pick(deadlines: list[dict[str, Any]], expected: dict[str, Any]) -> dict[str, Any] | None:
    fragment = expected.get("citation_contains")
    if fragment:
        return next((d for d in deadlines if fragment in d["citation"]), None)
    return next((d for d in deadlines if _due_matches(d, expected["due"])), None)


def check_expectations(api: Any, case_id: int, document: dict[str, Any]) -> int:
    """Compare the API's deadlines at `expect.as_of` with every expected entry; return how many were checked."""
    expect = document["expect"]
    response = api.get(f"/api/v1/cases/{case_id}/deadlines", query_string={"as_of": expect["as_of"]})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["as_of"] == datetime.fromisoformat(expect["as_of"]).astimezone(UTC).isoformat()
    assert body["pack"]["code"] == document["jurisdiction"]
    problems = []
    for expected in expect["deadlines"]:
        found = _pick(body["deadlines"], expected)
        if found is None:
            problems.append(f"{expected}: no deadline picked")
            continue
        if found["status"] != expected["status"]:
            problems.append(f"{expected}: status {found['status']} ({found['rule_id']}: {found['explanation']})")
        if "due" in expected and not _due_matches(found, expected["due"]):
            problems.append(f"{expected}: due {found['due']} / {found['due_local_date']} ({found['rule_id']})")
    assert not problems, "\n".join(problems)
    return len(expect["deadlines"])


@pytest.fixture()
def cli(app):
    if "cases" not in app.cli.commands:
        app.cli.add_command(cases_cli)
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["cases", *map(str, args)])


def test_the_worked_cases_are_there():
    assert len(CASE_FILES) >= 3, CASES_DIR
    for path in CASE_FILES:
        assert _document(path)["expect"]["deadlines"], path.name


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_worked_case_through_post_and_the_api(make, api_for, path):  # noqa: F811
    document = _document(path)
    api = api_for(make.admin())
    response = api.post("/api/v1/cases", document)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["reference"] == document["reference"]
    assert created["deadlines"], "POST /cases answers with the deadlines"
    assert check_expectations(api, created["id"], document) == len(document["expect"]["deadlines"])
    # Posting the same file again changes nothing, and the answer still holds.
    again = api.post("/api/v1/cases", document)
    assert again.status_code == 200 and again.get_json()["id"] == created["id"]
    check_expectations(api, created["id"], document)


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_worked_case_through_the_cli_and_the_api(make, api_for, cli, path):  # noqa: F811
    document = _document(path)
    api = api_for(make.admin())
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if line.startswith(f"{path}: created case"))
    case_id = db.session.scalar(select(Case.id).where(Case.reference == document["reference"]))
    assert f"created case {case_id} " in line
    check_expectations(api, case_id, document)

    # The CLI's counts are those of the deadlines now.
    counts = re.search(r"deadlines now: (\d+) breached, (\d+) at risk", line)
    assert counts, line
    now = api.get(f"/api/v1/cases/{case_id}/deadlines").get_json()["counts"]
    assert (int(counts[1]), int(counts[2])) == (now.get("breached", 0), now.get("at_risk", 0))
