"""The referral state machine: every legal step allowed, every illegal one refused with a clear message."""

from __future__ import annotations

import itertools

import pytest

from justice_tracker.programmes.referrals import (
    STATES,
    TRANSITIONS,
    Needs,
    State,
    StepInput,
    place_change,
    step_problems,
)
from justice_tracker.timeline.vocabulary import EVENT_TYPES, REFERRAL_STATES

# What each legal step needs to be taken (a reason, a failure reason, consent).
FILLED = {
    State.ACCEPTED: {"child_consent": True},
    State.DECLINED: {"reason": "The family declined"},
    State.FAILED: {"failure_reason": "did_not_attend"},
    State.CLOSED: {"reason": "Withdrawn"},
}
LEGAL = [(a, b) for a, targets in TRANSITIONS.items() for b in targets]
ILLEGAL = [(a, b) for a, b in itertools.product(State, State) if b not in TRANSITIONS[a]]


def test_the_timeline_vocabulary_names_the_same_states():
    assert REFERRAL_STATES == STATES
    assert EVENT_TYPES["referral_updated"].spec("state").choices == STATES


def test_the_path_of_the_issue_is_legal():
    path = ["suggested", "offered", "accepted", "started", "completed", "closed"]
    assert all(State(b) in TRANSITIONS[State(a)] for a, b in itertools.pairwise(path))
    assert State.DECLINED in TRANSITIONS[State.OFFERED] and State.FAILED in TRANSITIONS[State.STARTED]


@pytest.mark.parametrize(("current", "target"), LEGAL, ids=[f"{a}->{b}" for a, b in LEGAL])
def test_every_legal_step_is_allowed_when_filled_in(current, target):
    assert step_problems(current, StepInput(target, **FILLED.get(target, {})), Needs()) == []


@pytest.mark.parametrize(("current", "target"), ILLEGAL, ids=[f"{a}->{b}" for a, b in ILLEGAL])
def test_every_illegal_step_is_refused_naming_what_is_possible(current, target):
    problems = step_problems(current, StepInput(target, **FILLED.get(target, {})), Needs())
    assert len(problems) == 1
    field, message = problems[0]
    assert field == "state"
    if TRANSITIONS[current]:
        assert message.startswith(f"a referral that is {current} cannot become {target}; it can become ")
        assert all(s.value in message for s in TRANSITIONS[current])
    else:
        assert message == "the referral is closed: it cannot change any more"


def test_an_unknown_state_is_refused():
    assert step_problems("offered", StepInput("teleported"), Needs())[0][0] == "state"


@pytest.mark.parametrize(
    ("needs", "given", "missing"),
    [
        (Needs(), {}, ["child_consent"]),
        (Needs(), {"child_consent": False}, ["child_consent"]),
        (Needs(child_consent=False), {}, []),
        (Needs(parent_consent=True), {"child_consent": True}, ["parent_consent"]),
        (Needs(acknowledgement=True), {"child_consent": True}, ["acknowledgement"]),
        (Needs(True, True, True), {}, ["child_consent", "parent_consent", "acknowledgement"]),
        (Needs(True, True, True), {"child_consent": True, "parent_consent": True, "acknowledgement": True}, []),
    ],
)
def test_accepting_needs_what_the_programme_asks(needs, given, missing):
    problems = step_problems("offered", StepInput("accepted", **given), needs)
    assert [field for field, _m in problems] == missing
    assert all("admission of guilt" in m for f, m in problems if f == "acknowledgement")


@pytest.mark.parametrize(
    ("current", "step", "field"),
    [
        ("offered", StepInput("declined"), "reason"),
        ("offered", StepInput("declined", reason="   "), "reason"),
        ("started", StepInput("failed"), "failure_reason"),
        ("started", StepInput("failed", failure_reason="bad luck"), "failure_reason"),
        ("suggested", StepInput("closed"), "reason"),
        ("accepted", StepInput("closed"), "reason"),
    ],
)
def test_declining_failing_and_withdrawing_need_a_reason(current, step, field):
    assert [f for f, _m in step_problems(current, step, Needs())] == [field]


@pytest.mark.parametrize("current", ["completed", "failed", "declined"])
def test_closing_after_an_outcome_needs_no_reason(current):
    assert step_problems(current, StepInput("closed"), Needs()) == []


@pytest.mark.parametrize(
    ("current", "target", "change"),
    [
        ("offered", "accepted", 1),
        ("accepted", "started", 0),
        ("started", "completed", -1),
        ("started", "failed", -1),
        ("accepted", "failed", -1),
        ("accepted", "closed", -1),
        ("offered", "declined", 0),
    ],
)
def test_places_are_taken_on_acceptance_and_given_back_after(current, target, change):
    assert place_change(current, target) == change
