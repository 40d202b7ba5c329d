"""Engine semantics that cut across packs: statuses, advisory rules, restarts, reviews, totals, order."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from justice_tracker.rules.engine import evaluate
from justice_tracker.rules.model import Status
from justice_tracker.rules.validate import parse_pack_data
from tests.rules.support import EventSpec, case, deadlines, instant, offence, only, pack, timeline

LONDON_CASE = case("2010-06-15", [offence(7, "either_way")])


def test_an_advisory_limit_passed_is_never_a_breach() -> None:
    deadline = only(
        "INTL",
        "intl-gc24-first-appearance-24h",
        case(),
        [("apprehended", "2026-03-01T10:00+00:00")],
        "2026-03-03T10:00+00:00",
    )
    assert deadline.advisory
    assert deadline.status is Status.ADVISORY_UNMET
    assert not deadline.is_breach
    assert "never counted as a breach" in deadline.explanation


def test_a_binding_limit_passed_is_a_breach_with_a_clerk_readable_line() -> None:
    deadline = only(
        "IN", "in-jja-10-production-24h", case(), [("apprehended", "2026-02-02T09:00+05:30")], "2026-02-03T11:30+05:30"
    )
    assert deadline.is_breach
    assert not deadline.advisory
    assert deadline.explanation == (
        "Overdue by 2 h 30 min: due by 2026-02-03 09:00 IST; limit 24 h from apprehension — JJ Act 2015, s. 10(1)"
    )


def test_the_explanation_of_a_met_limit_says_how_long_it_took() -> None:
    deadline = only(
        "IN",
        "in-jja-10-production-24h",
        case(),
        [
            ("apprehended", "2026-02-02T09:00+05:30"),
            ("brought_before_authority", "2026-02-02T17:30+05:30", {"authority": "Board"}),
        ],
        "2026-02-03T11:30+05:30",
    )
    assert deadline.explanation == (
        "Brought before a competent authority 8 h 30 min after apprehension; limit 24 h — JJ Act 2015, s. 10(1)"
    )
    assert (deadline.start_key, deadline.met_by_key) == ("e1", "e2")


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        pytest.param("2026-01-11T12:00-03:00", Status.PENDING, id="13 h 45 min in: pending"),
        pytest.param("2026-01-11T16:15-03:00", Status.AT_RISK, id="warning window opens at 18 h (a quarter of 24 h)"),
        pytest.param("2026-01-11T22:15-03:00", Status.AT_RISK, id="due instant itself: still in time"),
        pytest.param("2026-01-11T22:16-03:00", Status.BREACHED, id="one minute late"),
    ],
)
def test_status_moves_with_the_clock(as_of: str, status: Status) -> None:
    deadline = only("BR", "br-eca-175-presentation-24h", case(), [("apprehended", "2026-01-10T22:15-03:00")], as_of)
    assert deadline.status is status


def test_events_after_as_of_are_ignored() -> None:
    events: list[EventSpec] = [
        ("apprehended", "2026-01-10T22:15-03:00"),
        ("brought_before_authority", "2026-01-11T20:00-03:00", {"authority": "MP"}),
    ]
    before = only("BR", "br-eca-175-presentation-24h", case(), events, "2026-01-11T19:00-03:00")
    after = only("BR", "br-eca-175-presentation-24h", case(), events, "2026-01-11T21:00-03:00")
    assert (before.status, before.met_by_key) == (Status.AT_RISK, None)
    assert (after.status, after.met_by_key) == (Status.MET, "e2")


def test_each_apprehension_restarts_a_per_arrest_limit() -> None:
    found = deadlines(
        "BR",
        "br-eca-175-presentation-24h",
        case(),
        [
            ("apprehended", "2026-01-10T22:15-03:00"),
            ("released", "2026-01-11T02:00-03:00", {"kind": "to_parents"}),
            ("apprehended", "2026-02-01T08:00-03:00"),
        ],
        "2026-02-02T12:00-03:00",
    )
    assert [(d.start_key, d.status) for d in found] == [("e1", Status.MET), ("e3", Status.BREACHED)]


def test_rules_that_do_not_apply_come_last_and_say_why() -> None:
    found = evaluate(
        case(None),
        timeline([("apprehended", "2026-03-01T10:00+00:00")]),
        pack("GB-EAW"),
        instant("2026-03-01T11:00+00:00"),
    )
    statuses = [d.status for d in found]
    first_not_applicable = statuses.index(Status.NOT_APPLICABLE)
    assert all(s is Status.NOT_APPLICABLE for s in statuses[first_not_applicable:])
    cypa = next(d for d in found if d.rule_id == "gb-cypa-50-under-10")
    assert cypa.explanation.startswith(
        "Not applicable: applies to children aged 9 or under; date of birth not recorded"
    )
    ctl = next(d for d in found if d.rule_id == "gb-ctl-summary-56d")
    assert ctl.explanation.startswith("Not applicable: no pre-trial detention recorded")


def test_every_rule_of_a_pack_gives_at_least_one_deadline() -> None:
    for code in ("INTL", "BR", "IN", "FR", "GB-EAW", "CA", "CO", "ZA", "PH", "UG", "KE", "CL", "PE"):
        found = evaluate(case(), [], pack(code), instant("2026-03-01T11:00+00:00"))
        assert {d.rule_id for d in found} == {rule.id for rule in pack(code).rules}
        assert all(d.status is Status.NOT_APPLICABLE for d in found)


def test_a_naive_as_of_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(case(), [], pack("BR"), datetime(2026, 1, 1))


# recurring ----------------------------------------------------------------------------


def test_pace_reviews_give_one_deadline_per_interval_and_the_next_one_due() -> None:
    found = deadlines(
        "GB-EAW",
        "gb-pace-40-reviews",
        LONDON_CASE,
        [
            ("apprehended", "2026-03-01T00:00+00:00"),
            ("detention_reviewed", "2026-03-01T05:00+00:00", {"outcome": "continued"}),
            ("detention_reviewed", "2026-03-01T15:00+00:00", {"outcome": "continued"}),
        ],
        "2026-03-01T20:00+00:00",
    )
    assert [(d.status, d.due, d.start_key, d.met_by_key) for d in found] == [
        (Status.MET, instant("2026-03-01T06:00+00:00"), "e1", "e2"),
        (Status.MET_LATE, instant("2026-03-01T14:00+00:00"), "e2", "e3"),
        (Status.PENDING, instant("2026-03-02T00:00+00:00"), "e3", None),
    ]
    assert found[1].explanation.startswith("Detention reviewed 10 h 00 min after the previous review, 1 h 00 min late")
    assert found[2].explanation.startswith("Next review due by 2026-03-02 00:00 GMT, 4 h 00 min left")


def test_release_closes_the_review_cycle() -> None:
    found = deadlines(
        "GB-EAW",
        "gb-pace-40-reviews",
        LONDON_CASE,
        [("apprehended", "2026-03-01T00:00+00:00"), ("released", "2026-03-01T07:00+00:00", {"kind": "bail"})],
        "2026-03-02T00:00+00:00",
    )
    assert [(d.status, d.met_by_key) for d in found] == [(Status.MET_LATE, "e2")]


# maximum duration -----------------------------------------------------------------------


def test_maximum_duration_sums_every_stretch_of_the_state() -> None:
    events: list[EventSpec] = [
        ("pretrial_detention_ordered", "2026-01-12T10:00-03:00", {"facility": "A"}),
        ("released", "2026-02-01T10:00-03:00", {"kind": "conditions"}),
        ("pretrial_detention_ordered", "2026-03-01T10:00-03:00", {"facility": "B"}),
    ]
    deadline = only("BR", "br-eca-108-provisional-internment-45d", case(), events, "2026-03-10T12:00-03:00")
    # 20 days already held: the clock runs as if started on 9 February, so 45 days end on 26 March.
    assert (deadline.status, deadline.due_local_date) == (Status.PENDING, date(2026, 3, 26))
    assert "over 2 stretches" in deadline.explanation


def test_maximum_duration_exceeded_then_released_is_met_late() -> None:
    events: list[EventSpec] = [
        ("pretrial_detention_ordered", "2026-01-12T10:00-03:00", {"facility": "A"}),
        ("released", "2026-03-01T10:00-03:00", {"kind": "conditions"}),
    ]
    deadline = only("BR", "br-eca-108-provisional-internment-45d", case(), events, "2026-03-10T12:00-03:00")
    assert (deadline.status, deadline.due_local_date, deadline.met_by_key) == (Status.MET_LATE, date(2026, 2, 26), "e2")


def test_custody_time_limit_stops_counting_when_the_trial_starts() -> None:
    events: list[EventSpec] = [
        ("pretrial_detention_ordered", "2026-01-05T11:00+00:00", {"facility": "YOI"}),
        ("hearing_held", "2026-02-20T10:00+00:00", {"purpose": "  TRIAL "}),
    ]
    deadline = only(
        "GB-EAW", "gb-ctl-summary-56d", case(offences=[offence(0.5, "summary")]), events, "2026-06-01T12:00+01:00"
    )
    assert (deadline.status, deadline.met_by_key) == (Status.MET, "e2")


# prohibitions ------------------------------------------------------------------------------


def test_a_transfer_to_an_adult_facility_is_flagged_from_the_transfer() -> None:
    events: list[EventSpec] = [
        ("apprehended", "2026-03-01T10:00+00:00", {"separated_from_adults": True}),
        ("transferred", "2026-03-01T18:00+00:00", {"facility": "Adult remand wing", "separated_from_adults": False}),
        ("released", "2026-03-02T10:00+00:00", {"kind": "bail"}),
    ]
    deadline = only("INTL", "intl-crc-37c-separation", case(), events, "2026-03-03T10:00+00:00")
    assert (deadline.status, deadline.due) == (Status.BREACHED, instant("2026-03-01T18:00+00:00"))
    assert deadline.explanation.startswith("Held with adults in custody from 2026-03-01 18:00 UTC (ended 2026-03-02")


def test_police_custody_turning_into_detention_is_one_stretch_of_custody() -> None:
    events: list[EventSpec] = [
        ("apprehended", "2026-03-01T10:00+00:00", {"separated_from_adults": True}),
        ("pretrial_detention_ordered", "2026-03-02T10:00+00:00", {"facility": "H", "separated_from_adults": False}),
    ]
    found = deadlines("INTL", "intl-crc-37c-separation", case(), events, "2026-03-03T10:00+00:00")
    assert [(d.status, d.start_key, d.due) for d in found] == [
        (Status.BREACHED, "e1", instant("2026-03-02T10:00+00:00"))
    ]


# safeguards -------------------------------------------------------------------------------------


def test_a_safeguard_may_be_met_before_its_start() -> None:
    events: list[EventSpec] = [
        ("social_worker_notified", "2026-03-02T09:00+02:00"),
        ("apprehended", "2026-03-02T10:00+02:00"),
    ]
    deadline = only("ZA", "za-cja-20-4-probation-officer-24h", case(), events, "2026-03-04T10:00+02:00")
    assert deadline.status is Status.MET
    assert deadline.explanation.startswith("Social worker or probation officer notified 1 h 00 min before apprehension")


# order independence ----------------------------------------------------------------------------

RICH_TIMELINE: list[EventSpec] = [
    ("apprehended", "2026-03-01T10:00+00:00", {"separated_from_adults": True}),
    ("parent_notified", "2026-03-01T10:30+00:00"),
    ("detention_reviewed", "2026-03-01T15:00+00:00", {"outcome": "continued"}),
    (
        "custody_extended",
        "2026-03-02T09:00+00:00",
        {"legal_basis": "s. 42", "rule": "gb-pace-41-detention-without-charge-24h"},
    ),
    ("charged", "2026-03-02T12:00+00:00"),
    ("brought_before_authority", "2026-03-02T12:00+00:00", {"authority": "Youth court"}),
    ("pretrial_detention_ordered", "2026-03-02T15:00+00:00", {"facility": "YOI", "separated_from_adults": True}),
    ("transferred", "2026-03-10T15:00+00:00", {"facility": "Adult wing", "separated_from_adults": False}),
    ("hearing_adjourned", "2026-03-20T10:00+00:00", {"reason": "witness"}),
    ("hearing_held", "2026-04-20T10:00+01:00", {"purpose": "trial"}),
    ("released", "2026-04-20T10:00+01:00", {"kind": "bail"}),
    ("apprehended", "2026-05-02T10:00+01:00"),
]


@settings(max_examples=40, deadline=None)
@given(order=st.permutations(range(len(RICH_TIMELINE))))
def test_results_do_not_depend_on_the_order_events_are_given(order: list[int]) -> None:
    events = timeline(RICH_TIMELINE)
    shuffled = [events[index] for index in order]
    as_of = instant("2026-05-03T12:00+01:00")
    for code in ("GB-EAW", "INTL"):
        assert evaluate(LONDON_CASE, shuffled, pack(code), as_of) == evaluate(LONDON_CASE, events, pack(code), as_of)


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(min_value=0, max_value=len(RICH_TIMELINE)))
def test_the_state_on_a_past_day_is_reconstructed_from_the_events_known_then(cut: int) -> None:
    events = timeline(RICH_TIMELINE)
    known = events[:cut]
    as_of = events[cut - 1].at if cut else instant("2026-03-01T09:00+00:00")
    # Every event after the cut happens later (or at the same instant: keep those too).
    known += [e for e in events[cut:] if e.at <= as_of]
    assert evaluate(LONDON_CASE, events, pack("GB-EAW"), as_of) == evaluate(LONDON_CASE, known, pack("GB-EAW"), as_of)


def test_a_trial_opening_as_detention_is_ordered_leaves_nothing_to_count() -> None:
    events: list[EventSpec] = [
        ("pretrial_detention_ordered", "2026-01-05T11:00+00:00", {"facility": "YOI"}),
        ("hearing_held", "2026-01-05T11:00+00:00", {"purpose": "trial"}),
    ]
    deadline = only(
        "GB-EAW", "gb-ctl-summary-56d", case(offences=[offence(0.5, "summary")]), events, "2026-06-01T12:00+01:00"
    )
    assert deadline.status is Status.MET
    assert deadline.explanation.startswith(
        "Held 0 min in pre-trial detention, within the limit; limit 56 calendar days"
    )


def test_a_rule_may_warn_a_fixed_time_before_it_falls_due() -> None:
    data = yaml.safe_load(
        """
        code: XX
        name: Test
        instruments: [Test Act]
        version_date: 2026-01-01
        time_zone: UTC
        holiday_country: null
        rules:
          - id: xx-two-hours-warning
            title: Before a judge within 24 hours
            kind: deadline
            start: apprehended
            met_by: [brought_before_authority]
            limit: 24
            unit: hours
            warning: {amount: 2, unit: hours}
            consequence: {kind: unspecified, text: None stated.}
            citation: Test Act s. 1
            source_url: https://example.org/act
            verification: P
            force: binding
        """
    )
    test_pack, problems = parse_pack_data(data, source="xx.yaml")
    assert problems == [] and test_pack is not None
    events = timeline([("apprehended", "2026-03-01T10:00+00:00")])
    statuses = [
        evaluate(case(), events, test_pack, instant(at))[0].status
        for at in ("2026-03-02T07:59+00:00", "2026-03-02T08:00+00:00")
    ]
    assert statuses == [Status.PENDING, Status.AT_RISK]
