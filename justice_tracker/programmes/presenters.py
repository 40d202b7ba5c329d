"""What pages and answers show of programmes: a case's referrals and alternatives, outcomes as cells.

Plain data for templates and the API; nothing here reads the request or writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case, Event
from justice_tracker.cases.timeline import as_timeline, effective_events
from justice_tracker.programmes import last_resort
from justice_tracker.programmes.models import Referral
from justice_tracker.programmes.referrals import HOLDS_PLACE, allowed
from justice_tracker.programmes.services import Outcomes, case_referrals, child_summary, suggestions_for
from justice_tracker.programmes.suggestions import Suggestion, stage_of
from justice_tracker.programmes.vocabulary import stage_label

SHOWN_ALTERNATIVES = 8


@dataclass
class CasePanel:
    """The case page's programmes section: referral history, current programme, last-resort warnings."""

    referrals: list[Referral]
    current: Referral | None
    unconsidered: list[Event]
    stage: str


def case_panel(case: Case) -> CasePanel:
    referrals = case_referrals(case)
    current = next((r for r in referrals if r.state in HOLDS_PLACE), None)
    standing = effective_events(case.events)
    timeline = as_timeline(standing)
    gaps = {event.key for event in last_resort.unconsidered(timeline)}
    return CasePanel(referrals, current, [e for e in standing if e.key in gaps], stage_label(stage_of(timeline)))


@dataclass
class AlternativesPanel:
    """On the form of a detention (or of the diversion_considered it needs): what could be used instead."""

    detention_type: str | None
    stage: str
    suggestions: list[Suggestion]
    considered: list[Event]
    ruled_out: int

    @property
    def stage_words(self) -> str:
        return stage_label(self.stage)


def alternatives_panel(case: Case, type_name: str, for_type: str | None = None) -> AlternativesPanel | None:
    """None for event types the last-resort rule does not concern."""
    if last_resort.stage_for(type_name) is not None:
        detention = type_name
    elif type_name == last_resort.CONSIDERED:
        detention = for_type if last_resort.stage_for(for_type or "") is not None else None
    else:
        return None
    standing = effective_events(case.events)
    stage = last_resort.stage_for(detention or "") or stage_of(as_timeline(standing))
    found = suggestions_for(case, stage=stage)
    eligible = [s for s in found if s.eligible]
    considered = [e for e in standing if e.type == last_resort.CONSIDERED]
    return AlternativesPanel(detention, stage, eligible[:SHOWN_ALTERNATIVES], considered, len(found) - len(eligible))


def alternatives_text(panel: AlternativesPanel) -> str:
    """A draft for the diversion_considered form: one line per eligible alternative, the reason to fill in."""
    return "\n".join(f"- {s.programme.name} ({s.programme.provider}): not used because " for s in panel.suggestions)


def next_states(referral: Referral) -> list[str]:
    return [state.value for state in allowed(referral.state)]


def referral_payload(referral: Referral) -> dict[str, Any]:
    """A referral as `ReferralSchema` dumps it: the child only as pseudonym, age band, offence classes, languages."""
    summary = child_summary(referral.case)
    return {
        "id": referral.id,
        "case_id": referral.case_id,
        "programme": referral.programme,
        "state": referral.state,
        "next_states": next_states(referral),
        "child": summary,
        "child_consent": referral.child_consent,
        "parent_consent": referral.parent_consent,
        "acknowledgement": referral.acknowledgement,
        "failure_reason": referral.failure_reason,
        "steps": list(referral.steps),
        "created_at": referral.created_at,
        "updated_at": referral.updated_at,
        "version": referral.version,
    }


def outcome_cells(outcomes: Outcomes, user: User, threshold: int) -> dict[str, Any]:
    """Outcomes as shown to `user`: for oversight, counts from 1 to threshold-1 become None (shown "<threshold")."""
    hide = user.role == Role.OVERSIGHT

    def cell(count: int) -> int | None:
        return None if hide and 0 < count < threshold else count

    median = outcomes.median_days_to_start
    if hide and outcomes.starts < threshold:
        median = None
    return {
        "referrals": cell(outcomes.referrals),
        "starts": cell(outcomes.starts),
        "completions": cell(outcomes.completions),
        "failures": {reason: cell(count) for reason, count in sorted(outcomes.failures.items())},
        "new_apprehensions": cell(outcomes.new_apprehensions),
        "median_days_to_start": median,
        "suppressed_below": threshold if hide else None,
    }
