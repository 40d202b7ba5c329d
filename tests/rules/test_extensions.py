"""Extensions: granted only as far as the pack allows; refusals are explained and ignored by the engine."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from justice_tracker.rules.extensions import check_extension
from justice_tracker.rules.model import CaseFacts, Status
from justice_tracker.timeline.facts import TimelineEvent
from tests.rules.support import EventSpec, case, instant, offence, only, pack, timeline

INQUIRY = "in-jja-14-inquiry-4m"
PACE = "gb-pace-41-detention-without-charge-24h"
GAV = "fr-cpp-garde-a-vue-24h"
PETTY = case("2009-08-01", [offence(2, "petty")])
IN_START: list[EventSpec] = [
    ("apprehended", "2026-02-02T09:00+05:30"),
    ("brought_before_authority", "2026-02-02T17:30+05:30", {"authority": "JJB"}),
]


def extension(rule: str, at: str, key: str = "new", **size: int) -> TimelineEvent:
    return TimelineEvent(key, "custody_extended", instant(at), {"legal_basis": "order", "rule": rule, **size})


def extended(rule: str, at: str, **size: int) -> EventSpec:
    details: dict[str, Any] = {"legal_basis": "order", "rule": rule, **size}
    return ("custody_extended", at, details)


def check(
    code: str, rule: str, specs: list[EventSpec], new: TimelineEvent, facts: CaseFacts | None = None
) -> list[str]:
    return check_extension(pack(code), rule, timeline(specs), new, case=facts)


def test_the_inquiry_is_extended_once_by_two_months() -> None:
    events = [*IN_START, extended(INQUIRY, "2026-05-25T11:00+05:30", extension_months=2)]
    deadline = only("IN", INQUIRY, PETTY, events, "2026-06-10T12:00+05:30")
    assert (deadline.status, deadline.due_local_date, deadline.extended_by) == (Status.PENDING, date(2026, 8, 2), 1)
    assert "limit 4 months + 2 months extension (extended 1×)" in deadline.explanation


def test_an_extension_without_a_size_takes_the_size_the_pack_gives() -> None:
    events = [*IN_START, extended(INQUIRY, "2026-05-25T11:00+05:30")]
    assert only("IN", INQUIRY, PETTY, events, "2026-07-01T12:00+05:30").due_local_date == date(2026, 8, 2)


def test_a_second_inquiry_extension_is_refused_and_ignored() -> None:
    events = [*IN_START, extended(INQUIRY, "2026-05-25T11:00+05:30", extension_months=2)]
    problems = check("IN", INQUIRY, events, extension(INQUIRY, "2026-07-25T11:00+05:30", extension_months=1))
    assert problems == [
        "Juvenile Justice Board, for reasons recorded in writing (JJ Act 2015, s. 14(2) proviso): "
        "already granted 1 time(s); allowed 1"
    ]
    events.append(extended(INQUIRY, "2026-07-25T11:00+05:30", extension_months=1))
    deadline = only("IN", INQUIRY, PETTY, events, "2026-08-03T12:00+05:30")
    assert (deadline.status, deadline.extended_by) == (Status.BREACHED, 1)
    assert "1 extension(s) not allowed by the pack ignored" in deadline.explanation


@pytest.mark.parametrize(
    ("size", "message"),
    [
        pytest.param({"extension_months": 3}, "asks for 3 months; at most 2 months each time", id="too long"),
        pytest.param({"extension_days": 30}, "give the extension in months (a limit of 4 months)", id="wrong unit"),
        pytest.param({"extension_days": 3, "extension_months": 1}, "in one unit only", id="two sizes"),
    ],
)
def test_an_inquiry_extension_of_the_wrong_size_is_refused(size: dict[str, int], message: str) -> None:
    problems = check("IN", INQUIRY, IN_START, extension(INQUIRY, "2026-05-25T11:00+05:30", **size))
    assert len(problems) == 1
    assert message in problems[0]


def test_a_rule_the_law_does_not_let_extend() -> None:
    events: list[EventSpec] = [("pretrial_detention_ordered", "2026-01-12T10:00-03:00", {"facility": "U"})]
    rule = "br-eca-108-provisional-internment-45d"
    new = extension(rule, "2026-02-20T10:00-03:00", extension_days=10)
    assert check("BR", rule, events, new) == [
        "Provisional internment (before sentence) at most 45 days, not extendable (ECA (Lei 8.069/1990) art. 108) "
        "cannot be extended"
    ]
    deadline = only(
        "BR",
        rule,
        case(),
        [*events, extended(rule, "2026-02-20T10:00-03:00", extension_days=10)],
        "2026-03-05T12:00-03:00",
    )
    assert (deadline.status, deadline.extended_by) == (Status.BREACHED, 0)


def test_an_unknown_rule_or_a_limit_not_started_cannot_be_extended() -> None:
    assert check("IN", "in-nothing", IN_START, extension("in-nothing", "2026-05-25T11:00+05:30")) == [
        "pack IN has no rule 'in-nothing'"
    ]
    problems = check("IN", INQUIRY, IN_START[:1], extension(INQUIRY, "2026-02-02T10:00+05:30"))
    assert len(problems) == 1
    assert "has not started" in problems[0]


def test_pace_superintendent_to_36_hours_then_warrants_to_96_hours_in_all() -> None:
    facts = case(offences=[offence(7, "either_way")])
    events: list[EventSpec] = [("apprehended", "2026-03-01T10:00+00:00")]
    assert check("GB-EAW", PACE, events, extension(PACE, "2026-03-02T09:00+00:00"), facts) == []
    events.append(extended(PACE, "2026-03-02T09:00+00:00"))
    assert check("GB-EAW", PACE, events, extension(PACE, "2026-03-02T21:00+00:00", extension_hours=36), facts) == []
    events.append(extended(PACE, "2026-03-02T21:00+00:00", extension_hours=36))
    refused = check("GB-EAW", PACE, events, extension(PACE, "2026-03-04T08:00+00:00", extension_hours=30), facts)
    assert refused == [
        "Superintendent (indictable offence) (PACE 1984, s. 42): already granted 1 time(s); allowed 1; "
        "would make the limit 102 h; at most 36 h in all",
        "Magistrates' court (warrant of further detention, or its extension) (PACE 1984, ss. 43–44): "
        "would make the limit 102 h; at most 96 h in all",
    ]
    deadline = only("GB-EAW", PACE, facts, events, "2026-03-03T12:00+00:00")
    assert (deadline.due, deadline.extended_by) == (instant("2026-03-04T10:00+00:00"), 2)


def test_pace_extension_needs_an_indictable_offence_when_the_case_is_known() -> None:
    summary = case(offences=[offence(0.5, "summary")])
    events: list[EventSpec] = [("apprehended", "2026-03-01T10:00+00:00")]
    new = extension(PACE, "2026-03-02T09:00+00:00")
    assert check("GB-EAW", PACE, events, new) == []  # conditions unchecked without the case
    problems = check("GB-EAW", PACE, events, new, summary)
    assert all("applies to an offence class either_way or indictable" in problem for problem in problems)
    deadline = only(
        "GB-EAW", PACE, summary, [*events, extended(PACE, "2026-03-02T09:00+00:00")], "2026-03-02T12:00+00:00"
    )
    assert (deadline.status, deadline.extended_by) == (Status.BREACHED, 0)


@pytest.mark.parametrize(
    ("born", "years", "allowed"),
    [
        pytest.param("2011-06-15", 3, False, id="CJPM L413-10 under 16, offence under 5 years: refused"),
        pytest.param("2011-06-15", 5, True, id="CJPM L413-10 under 16, offence of 5 years: allowed"),
        pytest.param("2009-06-15", 3, True, id="CPP art.63 aged 16: allowed"),
    ],
)
def test_garde_a_vue_extension_depends_on_age_and_penalty(born: str, years: int, allowed: bool) -> None:
    events: list[EventSpec] = [("apprehended", "2026-03-01T08:00+01:00")]
    new = extension(GAV, "2026-03-02T07:00+01:00", extension_hours=24)
    problems = check("FR", GAV, events, new, case(born, [offence(years, "delit")]))
    assert (problems == []) is allowed


def test_a_garde_a_vue_is_extended_only_once() -> None:
    facts = case("2009-06-15", [offence(3, "delit")])
    events: list[EventSpec] = [("apprehended", "2026-03-01T08:00+01:00"), extended(GAV, "2026-03-02T07:00+01:00")]
    problems = check("FR", GAV, events, extension(GAV, "2026-03-02T20:00+01:00", extension_hours=12), facts)
    assert any("already granted 1 time(s); allowed 1" in problem for problem in problems)


def test_a_new_arrest_gets_its_own_extensions() -> None:
    facts = case("2009-06-15", [offence(3, "delit")])
    events: list[EventSpec] = [
        ("apprehended", "2026-03-01T08:00+01:00"),
        extended(GAV, "2026-03-02T07:00+01:00"),
        ("released", "2026-03-02T20:00+01:00", {"kind": "conditions"}),
        ("apprehended", "2026-04-01T08:00+02:00"),
    ]
    assert check("FR", GAV, events, extension(GAV, "2026-04-02T07:00+02:00"), facts) == []


def test_pre_trial_detention_for_a_crime_is_extended_to_two_years_at_most() -> None:
    facts = case("2009-01-15", [offence(20, "crime")])
    rule = "fr-cjpm-pretrial-crime-16-plus-1y"
    events: list[EventSpec] = [
        ("pretrial_detention_ordered", "2026-03-01T12:00+01:00", {"facility": "EPM"}),
        extended(rule, "2027-02-20T12:00+01:00", extension_months=6),
        extended(rule, "2027-08-20T12:00+02:00", extension_months=6),
    ]
    refused = check("FR", rule, events, extension(rule, "2028-02-20T12:00+01:00", extension_months=6), facts)
    assert refused == [
        "Juge des libertés et de la détention (CJPM art. L433-5): "
        "would make the limit 30 months; at most 2 years in all"
    ]
    deadline = only("FR", rule, facts, events, "2027-08-21T12:00+02:00")
    assert (deadline.status, deadline.due_local_date, deadline.extended_by) == (Status.PENDING, date(2028, 3, 1), 2)


def test_colombian_internment_extended_by_one_month() -> None:
    rule = "co-cia-181-preventive-internment-4m"
    events: list[EventSpec] = [
        ("pretrial_detention_ordered", "2026-03-01T10:00-05:00", {"facility": "CAE"}),
        extended(rule, "2026-06-20T10:00-05:00", extension_months=1),
    ]
    deadline = only("CO", rule, case(), events, "2026-07-05T12:00-05:00")
    assert (deadline.status, deadline.due_local_date) == (Status.AT_RISK, date(2026, 8, 1))
