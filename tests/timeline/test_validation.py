"""validate_timeline: dates, order of stages and custody state of a child's timeline."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from justice_tracker.timeline.facts import ChildFacts, TimelineEvent
from justice_tracker.timeline.validation import validate_timeline

LONDON = ZoneInfo("Europe/London")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
NOW = T0 + timedelta(days=400)
CHILD = ChildFacts(date(2008, 5, 1))


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def ev(key: str, type_: str, hours: float, **details: Any) -> TimelineEvent:
    return TimelineEvent(key, type_, h(hours), details)


def found(
    events: list[TimelineEvent], child: ChildFacts = CHILD, tz: ZoneInfo = LONDON, **kw: Any
) -> list[tuple[str | None, str]]:
    return [(p.event_key, p.field) for p in validate_timeline(events, child, now=kw.pop("now", NOW), tz=tz, **kw)]


RESPONSIBLE = {"finding": "responsible"}
CUSTODIAL = {"custodial": True, "measure": "Internment"}

# A complete, coherent path: no problems at all.
GOOD_PATH = [
    ev("1", "apprehended", 0, facility="Station"),
    ev("2", "parent_notified", 1),
    ev("3", "custody_extended", 20, legal_basis="s. 5"),
    ev("4", "brought_before_authority", 22, authority="Judge"),
    ev("5", "pretrial_detention_ordered", 23, facility="YDC"),
    ev("6", "detention_reviewed", 300, outcome="continued"),
    ev("7", "transferred", 310, facility="Other YDC"),
    ev("8", "adjudicated", 600, **RESPONSIBLE),
    ev("9", "sentenced", 700, **CUSTODIAL),
    ev("10", "detention_reviewed", 900, outcome="continued"),
    ev("11", "case_closed", 1000),
    ev("12", "transferred", 1100, facility="Open unit"),
    ev("13", "released", 2000, kind="unconditional"),
    ev("14", "aftercare_started", 2001),
    ev("15", "appeal_filed", 2002),
]

CASES = [
    pytest.param(GOOD_PATH, [], id="coherent-path"),
    pytest.param(list(reversed(GOOD_PATH)), [], id="coherent-path-given-backwards"),
    pytest.param([ev("r", "released", 0, kind="bail")], [("r", "type")], id="release-without-custody"),
    pytest.param(
        [ev("r", "released", 0), ev("a", "apprehended", 5)], [("r", "type")], id="release-before-apprehension"
    ),
    pytest.param(
        [ev("a", "apprehended", 5), ev("r", "released", 0)],
        [("r", "type")],
        id="release-before-apprehension-given-in-reverse",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("r", "released", 2), ev("r2", "released", 3)],
        [("r2", "type")],
        id="second-release",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("d", "detention_reviewed", 2)], [("d", "type")], id="review-in-police-custody"
    ),
    pytest.param([ev("d", "detention_reviewed", 2)], [("d", "type")], id="review-while-free"),
    pytest.param(
        [ev("p", "pretrial_detention_ordered", 0), ev("d", "detention_reviewed", 2)], [], id="review-in-pretrial"
    ),
    pytest.param(
        [
            ev("s", "adjudicated", 0, **RESPONSIBLE),
            ev("c", "sentenced", 1, **CUSTODIAL),
            ev("d", "detention_reviewed", 2),
        ],
        [],
        id="review-in-sentenced-custody",
    ),
    pytest.param([ev("x", "custody_extended", 0, legal_basis="b")], [("x", "type")], id="extension-while-free"),
    pytest.param(
        [ev("a", "apprehended", 0), ev("r", "released", 1), ev("x", "custody_extended", 2)],
        [("x", "type")],
        id="extension-after-release",
    ),
    pytest.param([ev("t", "transferred", 0, facility="F")], [("t", "type")], id="transfer-while-free"),
    pytest.param([ev("s", "sentenced", 0, **CUSTODIAL)], [("s", "type")], id="sentence-without-finding"),
    pytest.param(
        [ev("s", "sentenced", 0, **CUSTODIAL), ev("j", "adjudicated", 1, **RESPONSIBLE)],
        [("s", "type")],
        id="sentence-before-finding",
    ),
    pytest.param(
        [ev("j", "adjudicated", 0, finding="not_responsible"), ev("s", "sentenced", 1, custodial=False, measure="m")],
        [("s", "type")],
        id="sentence-after-acquittal",
    ),
    pytest.param(
        [ev("j", "adjudicated", 0, **RESPONSIBLE), ev("s", "sentenced", 1, custodial=False, measure="m")],
        [],
        id="sentence-after-finding",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("a2", "apprehended", 1)], [("a2", "type")], id="second-apprehension-in-custody"
    ),
    pytest.param(
        [ev("p", "pretrial_detention_ordered", 0, facility="F"), ev("a", "apprehended", 1)],
        [("a", "type")],
        id="apprehension-in-detention",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("r", "released", 1), ev("a2", "apprehended", 50)],
        [],
        id="re-apprehension-after-release",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("p", "pretrial_detention_ordered", 1, facility="F")],
        [],
        id="remand-from-police-custody",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("r", "released", 1), ev("p", "pretrial_detention_ordered", 50, facility="F")],
        [],
        id="remand-after-bail",
    ),
    pytest.param(
        [ev("h1", "hearing_held", 5, purpose="x"), ev("h2", "hearing_held", 5, purpose="x")],
        [("h2", "type")],
        id="duplicate",
    ),
    pytest.param(
        [ev("h1", "hearing_held", 5, purpose="x"), ev("h2", "hearing_held", 5, purpose="y")],
        [],
        id="same-instant-different-details",
    ),
    pytest.param([ev("h1", "hearing_held", 5), ev("h2", "hearing_held", 6)], [], id="same-details-different-instant"),
    pytest.param([ev("h1", "hearing_held", 5), ev("c1", "charged", 5)], [], id="same-instant-different-type"),
    pytest.param(
        [ev("h1", "hearing_held", 5), TimelineEvent("h2", "hearing_held", h(5).astimezone(SAO_PAULO))],
        [("h2", "type")],
        id="duplicate-written-in-another-offset",
    ),
    pytest.param([ev("c", "case_closed", 0), ev("x", "hearing_held", 1)], [("x", "type")], id="hearing-after-closure"),
    pytest.param([ev("c", "case_closed", 0), ev("c2", "case_closed", 1)], [("c2", "type")], id="closed-twice"),
    pytest.param([ev("c", "case_closed", 0), ev("x", "hearing_held", 0)], [], id="same-instant-as-closure"),
    pytest.param(
        [
            ev("c", "case_closed", 0),
            ev("f", "appeal_filed", 1),
            ev("d", "appeal_decided", 2, outcome="dismissed"),
            ev("k", "aftercare_started", 3),
            ev("r", "referral_updated", 4, programme="Aftercare mentoring", state="started"),
        ],
        [],
        id="appeal-aftercare-and-referral-after-closure",
    ),
    pytest.param(
        [ev("c", "case_closed", 0), ev("r", "released", 1)],
        [("r", "type"), ("r", "type")],
        id="release-while-free-after-closure",
    ),
    pytest.param(
        [
            ev("c", "case_closed", 0),
            ev("d", "appeal_decided", 1, outcome="remitted"),
            ev("x", "hearing_held", 2),
            ev("c2", "case_closed", 3),
            ev("y", "hearing_held", 4),
        ],
        [("y", "type")],
        id="remitted-appeal-reopens-until-next-closure",
    ),
]


@pytest.mark.parametrize(("events", "expected"), CASES)
def test_timeline_checks(events: list[TimelineEvent], expected: list[tuple[str, str]]) -> None:
    assert found(events) == expected


@pytest.mark.parametrize(
    ("child", "at", "tz", "expected"),
    [
        (ChildFacts(date(2008, 5, 1)), datetime(2008, 4, 30, 12, tzinfo=UTC), LONDON, [("e", "at")]),
        (ChildFacts(date(2008, 5, 1)), datetime(2008, 5, 1, 0, tzinfo=UTC), LONDON, []),
        (ChildFacts(date(2008, 5, 1)), datetime(2008, 4, 30, 23, 30, tzinfo=UTC), LONDON, []),
        (ChildFacts(date(2008, 5, 1)), datetime(2008, 5, 1, 1, 0, tzinfo=UTC), SAO_PAULO, [("e", "at")]),
        (ChildFacts(date(2008, 5, 1), True), datetime(2007, 6, 1, 12, tzinfo=UTC), LONDON, []),
        # 2008 is a leap year: 2007-05-01 is exactly 366 days before 2008-05-01.
        (ChildFacts(date(2008, 5, 1), True), datetime(2007, 5, 1, 12, tzinfo=UTC), LONDON, []),
        (ChildFacts(date(2008, 5, 1), True), datetime(2007, 4, 30, 12, tzinfo=UTC), LONDON, [("e", "at")]),
        (ChildFacts(None), datetime(1990, 1, 1, tzinfo=UTC), LONDON, []),
    ],
    ids=[
        "day-before-birth",
        "day-of-birth",
        "utc-eve-is-local-birthday",
        "utc-birthday-is-local-eve",
        "estimate-under-a-year-before",
        "estimate-366-days-before",
        "estimate-367-days-before",
        "no-date-of-birth",
    ],
)
def test_event_before_birth(child: ChildFacts, at: datetime, tz: ZoneInfo, expected: list[tuple[str, str]]) -> None:
    assert found([TimelineEvent("e", "charged", at)], child, tz) == expected


@pytest.mark.parametrize(
    ("offset", "tolerance", "expected"),
    [
        (timedelta(minutes=4), None, []),
        (timedelta(minutes=5), None, []),
        (timedelta(minutes=6), None, [("e", "at")]),
        (timedelta(days=30), None, [("e", "at")]),
        (timedelta(minutes=6), timedelta(minutes=10), []),
        (timedelta(seconds=1), timedelta(0), [("e", "at")]),
    ],
    ids=["within-tolerance", "at-tolerance", "beyond-tolerance", "next-month", "wider-tolerance", "no-tolerance"],
)
def test_event_in_the_future(offset: timedelta, tolerance: timedelta | None, expected: list[tuple[str, str]]) -> None:
    now = datetime(2024, 6, 1, 12, tzinfo=UTC)
    kw = {} if tolerance is None else {"future_tolerance": tolerance}
    assert found([TimelineEvent("e", "charged", now + offset)], now=now, **kw) == expected


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        validate_timeline([], CHILD, now=datetime(2024, 1, 1), tz=LONDON)


@pytest.mark.parametrize(
    ("events", "fragments"),
    [
        ([ev("r", "released", 0)], ["release", "not in custody"]),
        ([ev("a", "apprehended", 0), ev("d", "detention_reviewed", 1)], ["detention review", "in police custody"]),
        ([ev("s", "sentenced", 0, **CUSTODIAL)], ["sentence", "finding of responsibility"]),
        ([ev("h1", "hearing_held", 5), ev("h2", "hearing_held", 5)], ["repeats event h1"]),
        ([ev("c", "case_closed", 0), ev("x", "charged", 1)], ["after the case was closed (event c)"]),
        (
            [TimelineEvent("e", "charged", datetime(2000, 1, 1, tzinfo=UTC))],
            ["2000-01-01", "before the child's date of birth"],
        ),
    ],
    ids=["release", "review", "sentence", "duplicate", "closure", "birth"],
)
def test_messages_say_what_is_wrong(events: list[TimelineEvent], fragments: list[str]) -> None:
    (problem,) = validate_timeline(events, CHILD, now=NOW, tz=LONDON)
    for fragment in fragments:
        assert fragment in problem.message
    assert str(problem).startswith(f"event {problem.event_key} ({problem.event_type}): field '{problem.field}': ")


def test_birth_message_does_not_disclose_the_date_of_birth() -> None:
    (problem,) = validate_timeline(
        [TimelineEvent("e", "charged", datetime(2000, 1, 1, tzinfo=UTC))], CHILD, now=NOW, tz=LONDON
    )
    assert CHILD.date_of_birth is not None and CHILD.date_of_birth.isoformat() not in str(problem)


def test_same_instant_events_keep_input_order() -> None:
    apprehended, released = ev("a", "apprehended", 0), ev("r", "released", 0)
    assert found([apprehended, released]) == []
    assert found([released, apprehended]) == [("r", "type")]


_TYPES = st.sampled_from(
    [
        ("apprehended", {}),
        ("released", {"kind": "bail"}),
        ("pretrial_detention_ordered", {"facility": "F"}),
        ("detention_reviewed", {"outcome": "continued"}),
        ("transferred", {"facility": "G"}),
        ("custody_extended", {"legal_basis": "b"}),
        ("adjudicated", RESPONSIBLE),
        ("sentenced", CUSTODIAL),
        ("hearing_held", {}),
        ("case_closed", {}),
        ("appeal_filed", {}),
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 24 * 400), _TYPES), max_size=12, unique_by=lambda t: t[0]), st.randoms())
def test_problems_do_not_depend_on_input_order(
    steps: list[tuple[int, tuple[str, dict[str, Any]]]], rnd: random.Random
) -> None:
    events = [ev(f"e{i}", type_, hours, **details) for i, (hours, (type_, details)) in enumerate(steps)]
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert validate_timeline(shuffled, CHILD, now=NOW, tz=LONDON) == validate_timeline(
        events, CHILD, now=NOW, tz=LONDON
    )
