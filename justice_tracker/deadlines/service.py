"""Deadlines for a case: computed live (case page, API with `as_of`) or stored (boards, digests).

`recompute` runs in the same transaction as every change to a case's events,
child or offences, so the stored rows never disagree with the timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import delete, select

from justice_tracker.cases.models import Case
from justice_tracker.cases.timeline import as_timeline, child_facts, effective_events
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.deadlines.packs import closures_for, pack_for
from justice_tracker.rules.engine import evaluate
from justice_tracker.rules.extensions import EXTENSION_EVENTS, check_extension
from justice_tracker.rules.model import CaseFacts, Deadline, Kind, OffenceFacts, Status
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
    standing = [e for e in timeline if e.at <= as_of]
    return evaluate(case_facts(case), standing, pack, as_of, closures=closures_for(case.jurisdiction_code))


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
    rows = [
        _row(case, pack.code, pack.version_date, position, d, now)
        for position, d in enumerate(evaluate_case(case, now))
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def _row(case: Case, pack_code: str, pack_version: date, position: int, d: Deadline, now: datetime) -> CaseDeadline:
    is_open = d.status in OPEN_STATUSES and d.due is not None and d.met_at is None
    at_risk_from = d.at_risk_from
    if is_open and (at_risk_from is None or d.kind is Kind.PROHIBITION):
        at_risk_from = d.due
    return CaseDeadline(
        case_id=case.id,
        court_id=case.court_id,
        position=position,
        pack_code=pack_code,
        pack_version=pack_version,
        rule_id=d.rule_id,
        kind=d.kind.value,
        title=d.title[:300],
        citation=d.citation[:300],
        source_url=d.source_url[:500],
        verification=d.verification.value,
        force=d.force.value,
        advisory=d.advisory,
        status=d.status.value,
        open=is_open,
        due=d.due,
        due_local_date=d.due_local_date,
        at_risk_from=at_risk_from,
        start_at=d.start_at,
        met_at=d.met_at,
        start_key=d.start_key,
        met_by_key=d.met_by_key,
        explanation=d.explanation,
        consequence=d.consequence,
        consequence_kind=d.consequence_kind.value,
        extended_by=d.extended_by,
        computed_at=now,
    )


def refresh_all(now: datetime, *, batch: int = 200, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every case's stored deadlines (after a pack update); returns the number of cases."""
    ids = list(db.session.scalars(select(Case.id).order_by(Case.id)))
    for start in range(0, len(ids), batch):
        for case in db.session.scalars(select(Case).where(Case.id.in_(ids[start : start + batch]))):
            recompute(case, now)
        if progress is not None:
            progress(len(ids[start : start + batch]))
    return len(ids)
