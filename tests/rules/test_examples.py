"""The worked cases in ../shared/examples/cases: each `expect` entry, checked against the engine.

Events become TimelineEvents and child and offences become CaseFacts directly (the
import path is tested with the application). A deadline is picked by a fragment of
its rule's citation, or, without one, by its due instant; among the deadlines
picked, the first that applies (deadlines come in pack order, not-applicable last)
must match.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from justice_tracker.rules.engine import evaluate
from justice_tracker.rules.loader import load_pack
from justice_tracker.rules.model import CaseFacts, Deadline, OffenceFacts, Status
from justice_tracker.timeline.facts import ChildFacts, TimelineEvent

CASES = Path(__file__).parents[2].parent / "shared" / "examples" / "cases"
CASE_FILES = sorted(CASES.glob("*.json")) if CASES.is_dir() else []

pytestmark = pytest.mark.skipif(not CASES.is_dir(), reason=f"worked cases not found at {CASES}")


def case_facts(document: dict[str, Any]) -> CaseFacts:
    child = document["child"]
    born = child.get("date_of_birth")
    return CaseFacts(
        child=ChildFacts(date.fromisoformat(born) if born else None, bool(child.get("date_of_birth_estimated"))),
        offences=[OffenceFacts(o.get("max_penalty_years"), o.get("class")) for o in document.get("offences", [])],
    )


def timeline_events(document: dict[str, Any]) -> list[TimelineEvent]:
    return [
        TimelineEvent(
            key=f"event-{number}",
            type=event["type"],
            at=datetime.fromisoformat(event["at"]),
            details={name: value for name, value in event.items() if name not in ("type", "at")},
        )
        for number, event in enumerate(document["events"], start=1)
    ]


def due_matches(deadline: Deadline, expected: str, zone_name: str) -> bool:
    if "T" not in expected:
        local = deadline.due_local_date or (deadline.due and deadline.due.astimezone(ZoneInfo(zone_name)).date())
        return local == date.fromisoformat(expected)
    if deadline.due is None:
        return False
    wanted = datetime.fromisoformat(expected).astimezone(UTC)
    return deadline.due.astimezone(UTC).replace(second=0, microsecond=0) == wanted.replace(second=0, microsecond=0)


def expectations() -> list[Any]:
    params = []
    for path in CASE_FILES:
        document = json.loads(path.read_text(encoding="utf-8"))
        for index, expected in enumerate(document["expect"]["deadlines"]):
            label = expected.get("citation_contains") or expected.get("due")
            params.append(pytest.param(path, index, id=f"{path.stem} [{label}] {expected['status']}"))
    return params


@pytest.mark.parametrize(("path", "index"), expectations())
def test_worked_case_expectation(path: Path, index: int) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    pack = load_pack(document["jurisdiction"])
    expected = document["expect"]["deadlines"][index]
    found = evaluate(
        case_facts(document), timeline_events(document), pack, datetime.fromisoformat(document["expect"]["as_of"])
    )
    fragment = expected.get("citation_contains")
    if fragment:
        picked = [d for d in found if fragment in d.citation]
    else:
        picked = [d for d in found if due_matches(d, expected["due"], pack.time_zone)]
    applicable = [d for d in picked if d.status is not Status.NOT_APPLICABLE] or picked
    assert applicable, f"no deadline picked by {expected}"
    first = applicable[0]
    assert first.status == expected["status"], first.explanation
    if "due" in expected:
        assert due_matches(first, expected["due"], pack.time_zone), (first.due, first.explanation)


def test_every_worked_case_was_found() -> None:
    assert len(CASE_FILES) >= 3
