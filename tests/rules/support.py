"""Builders shared by the rules tests: timelines from short tuples, case facts, one rule's deadlines."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from justice_tracker.rules.engine import evaluate
from justice_tracker.rules.loader import load_pack
from justice_tracker.rules.model import CaseFacts, Deadline, OffenceFacts, RulePack
from justice_tracker.timeline.facts import ChildFacts, TimelineEvent

# (type, ISO instant with offset) or (type, ISO instant, details)
EventSpec = tuple[str, str] | tuple[str, str, dict[str, Any]]


@cache
def pack(code: str) -> RulePack:
    return load_pack(code)


def instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, f"{text} needs an offset"
    return moment


def timeline(specs: Iterable[EventSpec]) -> list[TimelineEvent]:
    """Events keyed e1, e2, … in the order given."""
    return [
        TimelineEvent(f"e{number}", spec[0], instant(spec[1]), spec[2] if len(spec) > 2 else {})
        for number, spec in enumerate(specs, start=1)
    ]


def offence(years: float | None = None, cls: str | None = None) -> OffenceFacts:
    return OffenceFacts(max_penalty_years=years, offence_class=cls)


def case(
    born: str | None = "2010-06-15",
    offences: Sequence[OffenceFacts] = (),
    *,
    estimated: bool = False,
    offence_date: str | None = None,
) -> CaseFacts:
    child = ChildFacts(date.fromisoformat(born) if born else None, estimated)
    return CaseFacts(child, tuple(offences), date.fromisoformat(offence_date) if offence_date else None)


def deadlines(
    code: str, rule_id: str, facts: CaseFacts, specs: Iterable[EventSpec], as_of: str, **kwargs: Any
) -> list[Deadline]:
    """The deadlines one rule gives (all of the pack is evaluated, as the application does)."""
    assert pack(code).rule(rule_id) is not None, f"{code} has no rule {rule_id}"
    found = evaluate(facts, timeline(specs), pack(code), instant(as_of), **kwargs)
    return [deadline for deadline in found if deadline.rule_id == rule_id]


def only(code: str, rule_id: str, facts: CaseFacts, specs: Iterable[EventSpec], as_of: str, **kwargs: Any) -> Deadline:
    found = deadlines(code, rule_id, facts, specs, as_of, **kwargs)
    assert len(found) == 1, [d.explanation for d in found]
    return found[0]
