"""Deadlines for a case: computed live (case page, API with `as_of`) or stored (boards, digests).

`recompute` runs in the same transaction as every change to a case's events,
child or offences, so the stored rows never disagree with the timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete

from justice_tracker.cases.models import Case
from justice_tracker.cases.timeline import as_timeline, child_facts, effective_events
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.deadlines.packs import closures_for, pack_for
from justice_tracker.rules.engine import evaluate
from justice_tracker.rules.extensions import EXTENSION_EVENTS, check_extension
from justice_tracker.rules.model import CaseFacts, Deadline, Kind, OffenceFacts, RulePack, Status
from justice_tracker.timeline.facts import TimelineEvent

OPEN_STATUSES = frozenset({Status.PENDING, Status.AT_RISK, Status.BREACHED, Status.ADVISORY_UNMET})


def case_facts(case: Case) -> CaseFacts:
    offences = [OffenceFacts(o.max_penalty_years, o.offence_class) for o in case.offences]
    return CaseFacts(child=child_facts(case), offences=offences)


def evaluate_case(case: Case, as_of: datetime, events: Sequence[TimelineEvent] | None = None) -> list[Deadline]:
    """Every deadline of the case at `as_of`, from its effective timeline (or `events`)."""
    pack = pack_for(case.jurisdiction_code)
    if pack is None:
        return []
    timeline = list(events) if events is not None else as_timeline(effective_events(case.events))
    return evaluate_standing(pack, case_facts(case), timeline, as_of, closures_for(case.jurisdiction_code))


def evaluate_standing(
    pack: RulePack, facts: CaseFacts, timeline: Sequence[TimelineEvent], as_of: datetime, closures: Sequence[date]
) -> list[Deadline]:
    """The engine over the events that had happened by `as_of`."""
    standing = [e for e in timeline if e.at <= as_of]
    return evaluate(facts, standing, pack, as_of, closures=closures)


def extension_problems(case: Case, timeline: Sequence[TimelineEvent], new: Iterable[TimelineEvent]) -> list[str]:
    """Why any new extension event naming a rule goes beyond what the pack allows."""
    pack = pack_for(case.jurisdiction_code)
    problems: list[str] = []
    for event in new:
        rule_id = event.details.get("rule") if event.type in EXTENSION_EVENTS else None
        if not rule_id:
            continue
        if pack is None:
            problems.append(f"no rule pack for {case.jurisdiction_code}: a named rule cannot be extended")
            continue
        problems += check_extension(pack, rule_id, timeline, event, case=case_facts(case))
    return problems


def recompute(case: Case, now: datetime) -> list[CaseDeadline]:
    """Replace the case's stored deadlines with what the engine gives now."""
    db.session.execute(delete(CaseDeadline).where(CaseDeadline.case_id == case.id))
    pack = pack_for(case.jurisdiction_code)
    if pack is None:
        return []
    found = evaluate_case(case, now)
    rows = [CaseDeadline(**row_values(case.id, case.court_id, pack, i, d, now)) for i, d in enumerate(found)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def row_values(
    case_id: int, court_id: int | None, pack: RulePack, position: int, d: Deadline, now: datetime
) -> dict[str, Any]:
    """The stored row of one deadline, as column values."""
    is_open = d.status in OPEN_STATUSES and d.due is not None and d.met_at is None
    at_risk_from = d.at_risk_from
    if is_open and (at_risk_from is None or d.kind is Kind.PROHIBITION):
        at_risk_from = d.due
    return {
        "case_id": case_id,
        "court_id": court_id,
        "position": position,
        "pack_code": pack.code,
        "pack_version": pack.version_date,
        "rule_id": d.rule_id,
        "kind": d.kind.value,
        "title": d.title[:300],
        "citation": d.citation[:300],
        "source_url": d.source_url[:500],
        "verification": d.verification.value,
        "force": d.force.value,
        "advisory": d.advisory,
        "status": d.status.value,
        "open": is_open,
        "due": d.due,
        "due_local_date": d.due_local_date,
        "at_risk_from": at_risk_from,
        "start_at": d.start_at,
        "met_at": d.met_at,
        "start_key": d.start_key,
        "met_by_key": d.met_by_key,
        "explanation": d.explanation,
        "consequence": d.consequence,
        "consequence_kind": d.consequence_kind.value,
        "extended_by": d.extended_by,
        "computed_at": now,
    }
