"""The referral state machine: which step may follow which, and what each step needs.

    suggested → offered → accepted → started → completed → closed
                        ↘ declined → closed      ↘ failed → closed
    suggested, offered and accepted may also be closed directly (withdrawn), and an
    accepted place may fail before it starts (the child never came).

A referral holds a place in its programme while it is accepted or started: taking
the place (on `accepted`) respects the programme's capacity, leaving those states
gives it back. Pure Python: the services apply what this module decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from justice_tracker.programmes.vocabulary import FAILURE_REASONS


class State(StrEnum):
    SUGGESTED = "suggested"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    STARTED = "started"
    COMPLETED = "completed"
    FAILED = "failed"
    CLOSED = "closed"


STATES = tuple(s.value for s in State)

TRANSITIONS: dict[State, tuple[State, ...]] = {
    State.SUGGESTED: (State.OFFERED, State.CLOSED),
    State.OFFERED: (State.ACCEPTED, State.DECLINED, State.CLOSED),
    State.ACCEPTED: (State.STARTED, State.FAILED, State.CLOSED),
    State.DECLINED: (State.CLOSED,),
    State.STARTED: (State.COMPLETED, State.FAILED),
    State.COMPLETED: (State.CLOSED,),
    State.FAILED: (State.CLOSED,),
    State.CLOSED: (),
}
HOLDS_PLACE = frozenset({State.ACCEPTED, State.STARTED})
# Closing from these states withdraws the referral before any outcome: it needs a reason.
_WITHDRAWABLE = frozenset({State.SUGGESTED, State.OFFERED, State.ACCEPTED})


@dataclass(frozen=True)
class StepInput:
    target: str
    reason: str | None = None
    failure_reason: str | None = None
    child_consent: bool | None = None
    parent_consent: bool | None = None
    acknowledgement: bool | None = None


@dataclass(frozen=True)
class Needs:
    """What the programme asks before a place is accepted."""

    child_consent: bool = True
    parent_consent: bool = False
    acknowledgement: bool = False


def allowed(current: str) -> tuple[State, ...]:
    return TRANSITIONS.get(State(current), ()) if current in STATES else ()


def is_open(state: str) -> bool:
    return state != State.CLOSED


def place_change(current: str, target: str) -> int:
    """+1 when the step takes a place in the programme, -1 when it gives one back, else 0."""
    before, after = State(current) in HOLDS_PLACE, State(target) in HOLDS_PLACE
    return int(after) - int(before)


def _words(states: tuple[State, ...]) -> str:
    names = [s.value for s in states]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def step_problems(current: str, step: StepInput, needs: Needs) -> list[tuple[str, str]]:
    """(field, message) for every reason the step cannot be taken; empty when it can."""
    if step.target not in STATES:
        return [("state", f"must be one of: {', '.join(STATES)} (got {step.target[:40]!r})")]
    target, now = State(step.target), State(current)
    if target not in TRANSITIONS[now]:
        if not TRANSITIONS[now]:
            return [("state", f"the referral is {now.value}: it cannot change any more")]
        return [
            (
                "state",
                f"a referral that is {now.value} cannot become {target.value}; "
                f"it can become {_words(TRANSITIONS[now])}",
            )
        ]
    problems: list[tuple[str, str]] = []
    if target is State.ACCEPTED:
        if needs.child_consent and step.child_consent is not True:
            problems.append(("child_consent", "the child's consent must be recorded before a place is accepted"))
        if needs.parent_consent and step.parent_consent is not True:
            problems.append(("parent_consent", "this programme needs a parent's consent, recorded before acceptance"))
        if needs.acknowledgement and step.acknowledgement is not True:
            problems.append(
                (
                    "acknowledgement",
                    "this programme needs the child to acknowledge responsibility "
                    "(an acknowledgement, never an admission of guilt)",
                )
            )
    if target is State.DECLINED and not (step.reason or "").strip():
        problems.append(("reason", "say who declined and why"))
    if target is State.FAILED and step.failure_reason not in FAILURE_REASONS:
        problems.append(("failure_reason", f"choose why the referral failed: {', '.join(FAILURE_REASONS)}"))
    if target is State.CLOSED and now in _WITHDRAWABLE and not (step.reason or "").strip():
        problems.append(("reason", f"say why a referral that is {now.value} is closed (withdrawn)"))
    return problems
