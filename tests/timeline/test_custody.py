"""Custody episodes derived from events, and time deprived of liberty."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from justice_tracker.timeline.custody import (
    CustodyEpisode,
    CustodyKind,
    Placement,
    derive_episodes,
    in_custody,
    total_seconds,
)
from justice_tracker.timeline.facts import TimelineEvent

POLICE, PRETRIAL, SENTENCED = CustodyKind.POLICE, CustodyKind.PRETRIAL, CustodyKind.SENTENCED
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
HOUR = 3600


def h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def ev(key: str, type_: str, hours: float, **details: Any) -> TimelineEvent:
    return TimelineEvent(key, type_, h(hours), details)


def shape(episodes: list[CustodyEpisode]) -> list[tuple[CustodyKind, datetime, datetime | None, str, str | None]]:
    return [(e.kind, e.start, e.end, e.start_key, e.end_key) for e in episodes]


SCENARIOS = [
    pytest.param(
        [ev("a", "apprehended", 0), ev("r", "released", 10)],
        None,
        [(POLICE, h(0), h(10), "a", "r")],
        id="police-then-release",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("p", "pretrial_detention_ordered", 20), ev("r", "released", 100)],
        None,
        [(POLICE, h(0), h(20), "a", "p"), (PRETRIAL, h(20), h(100), "p", "r")],
        id="police-then-remand",
    ),
    pytest.param(
        [ev("r", "released", 100), ev("p", "pretrial_detention_ordered", 20), ev("a", "apprehended", 0)],
        None,
        [(POLICE, h(0), h(20), "a", "p"), (PRETRIAL, h(20), h(100), "p", "r")],
        id="input-order-does-not-matter",
    ),
    pytest.param(
        [
            ev("a", "apprehended", 0),
            ev("p", "pretrial_detention_ordered", 20),
            ev("j", "adjudicated", 150, finding="responsible"),
            ev("s", "sentenced", 200, custodial=True, measure="Internment"),
            ev("r", "released", 500),
        ],
        None,
        [(POLICE, h(0), h(20), "a", "p"), (PRETRIAL, h(20), h(200), "p", "s"), (SENTENCED, h(200), h(500), "s", "r")],
        id="police-pretrial-sentence",
    ),
    pytest.param(
        [ev("p", "pretrial_detention_ordered", 0), ev("s", "sentenced", 50, custodial=False, measure="Probation")],
        None,
        [(PRETRIAL, h(0), None, "p", None)],
        id="non-custodial-sentence-does-not-free-the-child",
    ),
    pytest.param(
        [
            ev("a", "apprehended", 0),
            ev("b", "released", 10, kind="bail"),
            ev("p", "pretrial_detention_ordered", 50),
            ev("r", "released", 80),
        ],
        None,
        [(POLICE, h(0), h(10), "a", "b"), (PRETRIAL, h(50), h(80), "p", "r")],
        id="remand-after-bail",
    ),
    pytest.param(
        [ev("s", "sentenced", 5, custodial=True, measure="Internment")],
        None,
        [(SENTENCED, h(5), None, "s", None)],
        id="custodial-sentence-from-liberty",
    ),
    pytest.param(
        [ev("r", "released", 0), ev("a", "apprehended", 5)],
        None,
        [(POLICE, h(5), None, "a", None)],
        id="release-while-free-ignored",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("a2", "apprehended", 5), ev("r", "released", 10)],
        None,
        [(POLICE, h(0), h(10), "a", "r")],
        id="second-apprehension-while-held-ignored",
    ),
    pytest.param([ev("t", "transferred", 0, facility="X")], None, [], id="transfer-while-free-ignored"),
    pytest.param([ev("c", "charged", 0), ev("hh", "hearing_held", 2)], None, [], id="no-custody-events"),
    pytest.param(
        [ev("a", "apprehended", 0), ev("r", "released", 0)],
        None,
        [(POLICE, h(0), h(0), "a", "r")],
        id="same-instant-zero-length",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("p", "pretrial_detention_ordered", 20), ev("r", "released", 100)],
        h(50),
        [(POLICE, h(0), h(20), "a", "p"), (PRETRIAL, h(20), None, "p", None)],
        id="as-of-reconstructs-open-episode",
    ),
    pytest.param(
        [ev("a", "apprehended", 0), ev("r", "released", 10)],
        h(10),
        [(POLICE, h(0), h(10), "a", "r")],
        id="as-of-includes-event-at-as-of",
    ),
    pytest.param([ev("a", "apprehended", 0), ev("r", "released", 10)], h(-1), [], id="as-of-before-everything"),
]


@pytest.mark.parametrize(("events", "as_of", "expected"), SCENARIOS)
def test_derive_episodes(events: list[TimelineEvent], as_of: datetime | None, expected: list[tuple[Any, ...]]) -> None:
    assert shape(derive_episodes(events, as_of)) == expected


def test_placements_follow_transfers() -> None:
    episodes = derive_episodes(
        [
            ev("a", "apprehended", 0, facility="Station", separated_from_adults=True),
            ev("t1", "transferred", 5, facility="Cells", separated_from_adults=False),
            ev("t2", "transferred", 8, facility="Youth home", separated_from_adults=True),
            ev("r", "released", 10, kind="to_parents"),
        ]
    )
    assert len(episodes) == 1
    assert episodes[0].placements == (
        Placement("Station", True, h(0), h(5)),
        Placement("Cells", False, h(5), h(8)),
        Placement("Youth home", True, h(8), h(10)),
    )
    assert episodes[0].facility == "Youth home"
    assert episodes[0].separated_from_adults is False


@pytest.mark.parametrize(
    ("flags", "expected"),
    [((True, True), True), ((True, None), None), ((None, False), False), ((None,), None), ((False, True), False)],
    ids=["all-separated", "one-unknown", "unknown-and-mixed-with-adults", "only-unknown", "once-with-adults"],
)
def test_separated_from_adults_is_false_if_any_placement_was_not(
    flags: tuple[bool | None, ...], expected: bool | None
) -> None:
    events = [ev("a", "apprehended", 0, facility="F0", **_separated(flags[0]))]
    events += [
        ev(f"t{i}", "transferred", i, facility=f"F{i}", **_separated(flag)) for i, flag in enumerate(flags[1:], 1)
    ]
    (episode,) = derive_episodes(events)
    assert len(episode.placements) == len(flags)
    assert episode.separated_from_adults is expected


def _separated(flag: bool | None) -> dict[str, bool]:
    return {} if flag is None else {"separated_from_adults": flag}


@pytest.mark.parametrize(
    ("sentence_details", "facility", "separated"),
    [
        ({}, "Youth centre", True),
        ({"facility": "Prison wing"}, "Prison wing", None),
        ({"facility": "Prison wing", "separated_from_adults": False}, "Prison wing", False),
        ({"separated_from_adults": False}, "Youth centre", False),
    ],
    ids=[
        "carries-current-placement",
        "named-facility",
        "named-facility-and-separation",
        "carried-facility-new-separation",
    ],
)
def test_custodial_sentence_facility(sentence_details: dict[str, Any], facility: str, separated: bool | None) -> None:
    events = [
        ev("p", "pretrial_detention_ordered", 0, facility="Youth centre", separated_from_adults=True),
        ev("s", "sentenced", 10, custodial=True, measure="Internment", **sentence_details),
    ]
    pretrial, sentence = derive_episodes(events)
    assert pretrial.facility == "Youth centre"
    assert (sentence.kind, sentence.facility, sentence.separated_from_adults) == (SENTENCED, facility, separated)


def test_custodial_sentence_from_liberty_has_no_facility_unless_named() -> None:
    (episode,) = derive_episodes([ev("s", "sentenced", 0, custodial=True, measure="m")])
    assert episode.facility is None


EPISODE = CustodyEpisode(POLICE, h(10), h(20), "a", "r", (Placement(None, None, h(10), h(20)),))
OPEN = CustodyEpisode(PRETRIAL, h(10), None, "p", None, (Placement(None, None, h(10), None),))


@pytest.mark.parametrize(
    ("episode", "as_of", "seconds", "is_open"),
    [
        (EPISODE, h(5), 0, False),
        (EPISODE, h(10), 0, True),
        (EPISODE, h(15), 5 * HOUR, True),
        (EPISODE, h(15) + timedelta(seconds=1.9), 5 * HOUR + 1, True),
        (EPISODE, h(20), 10 * HOUR, False),
        (EPISODE, h(1000), 10 * HOUR, False),
        (OPEN, h(5), 0, False),
        (OPEN, h(1010), 1000 * HOUR, True),
    ],
    ids=["before", "at-start", "middle", "fraction-floored", "at-end", "long-after", "open-before", "open-later"],
)
def test_seconds_and_is_open(episode: CustodyEpisode, as_of: datetime, seconds: int, is_open: bool) -> None:
    assert episode.seconds(as_of) == seconds
    assert isinstance(episode.seconds(as_of), int)
    assert episode.is_open(as_of) is is_open


def test_naive_as_of_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        EPISODE.seconds(datetime(2024, 3, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        derive_episodes([], datetime(2024, 3, 1))


REMAND = [ev("a", "apprehended", 0), ev("p", "pretrial_detention_ordered", 20), ev("r", "released", 100)]


@pytest.mark.parametrize(
    ("at", "expected_key"),
    [(h(-1), None), (h(0), "a"), (h(19.5), "a"), (h(20), "p"), (h(99.9), "p"), (h(100), None)],
    ids=["before", "at-apprehension", "in-police", "at-remand", "in-detention", "at-release"],
)
def test_in_custody(at: datetime, expected_key: str | None) -> None:
    episode = in_custody(derive_episodes(REMAND), at)
    assert (episode.start_key if episode else None) == expected_key


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(h(-5), 0), (h(10), 10 * HOUR), (h(60), 60 * HOUR), (h(100), 100 * HOUR), (h(5000), 100 * HOUR)],
    ids=["before", "in-police", "in-detention", "at-release", "long-after"],
)
def test_total_seconds(as_of: datetime, expected: int) -> None:
    assert total_seconds(derive_episodes(REMAND), as_of) == expected


def test_returned_instants_are_utc() -> None:
    sao_paulo = ZoneInfo("America/Sao_Paulo")
    start = datetime(2024, 5, 1, 22, 0, tzinfo=sao_paulo)
    (episode,) = derive_episodes(
        [TimelineEvent("a", "apprehended", start), TimelineEvent("r", "released", start + timedelta(hours=3))]
    )
    for moment in (episode.start, episode.end, episode.placements[0].start, episode.placements[0].end):
        assert moment is not None and moment.tzinfo is UTC
    assert episode.start == datetime(2024, 5, 2, 1, 0, tzinfo=UTC)


LONDON = ZoneInfo("Europe/London")
SAO_PAULO = ZoneInfo("America/Sao_Paulo")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (datetime(2024, 3, 30, 12, tzinfo=LONDON), datetime(2024, 3, 31, 12, tzinfo=LONDON), 23 * HOUR),
        (datetime(2024, 10, 26, 12, tzinfo=LONDON), datetime(2024, 10, 27, 12, tzinfo=LONDON), 25 * HOUR),
        (datetime(2018, 11, 3, 12, tzinfo=SAO_PAULO), datetime(2018, 11, 4, 12, tzinfo=SAO_PAULO), 23 * HOUR),
        (datetime(2019, 2, 16, 12, tzinfo=SAO_PAULO), datetime(2019, 2, 17, 12, tzinfo=SAO_PAULO), 25 * HOUR),
    ],
    ids=["london-spring-forward", "london-fall-back", "sao-paulo-spring-forward", "sao-paulo-fall-back"],
)
def test_wall_clock_noon_to_noon_across_dst_counts_real_hours(start: datetime, end: datetime, expected: int) -> None:
    events = [TimelineEvent("a", "apprehended", start), TimelineEvent("r", "released", end)]
    assert total_seconds(derive_episodes(events), end) == expected


@settings(max_examples=50, deadline=None)
@given(
    st.sampled_from([LONDON, SAO_PAULO]),
    st.datetimes(min_value=datetime(2018, 10, 1), max_value=datetime(2019, 11, 30)),
)
def test_twenty_four_hours_is_86400_seconds_whatever_the_clocks_do(tz: ZoneInfo, local_start: datetime) -> None:
    start = local_start.replace(tzinfo=tz)
    end = (start.astimezone(UTC) + timedelta(days=1)).astimezone(tz)
    events = [TimelineEvent("a", "apprehended", start), TimelineEvent("r", "released", end)]
    assert total_seconds(derive_episodes(events), end + timedelta(days=3)) == 86400


# Custody-relevant events at distinct minutes; the first is always an apprehension.
_STEP = st.one_of(
    st.just(("released", {"kind": "bail"})),
    st.just(("pretrial_detention_ordered", {"facility": "YDC"})),
    st.just(("apprehended", {})),
    st.just(("transferred", {"facility": "Other"})),
    st.booleans().map(lambda c: ("sentenced", {"custodial": c, "measure": "m"})),
    st.just(("hearing_held", {})),
)


@st.composite
def timelines(draw: st.DrawFn) -> list[TimelineEvent]:
    minutes = draw(st.lists(st.integers(1, 60 * 24 * 120), unique=True, max_size=12))
    steps = draw(st.lists(_STEP, min_size=len(minutes), max_size=len(minutes)))
    events = [TimelineEvent("e0", "apprehended", T0)]
    events += [
        TimelineEvent(f"e{i}", type_, T0 + timedelta(minutes=m), details)
        for i, (m, (type_, details)) in enumerate(zip(minutes, steps, strict=True), 1)
    ]
    return events


_AS_OF = st.integers(-60, 60 * 24 * 150).map(lambda m: T0 + timedelta(minutes=m))


@settings(max_examples=60, deadline=None)
@given(timelines(), st.data())
def test_episodes_do_not_depend_on_input_order(events: list[TimelineEvent], data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(events))
    as_of = data.draw(_AS_OF)
    assert derive_episodes(shuffled) == derive_episodes(events)
    assert total_seconds(derive_episodes(shuffled, as_of), as_of) == total_seconds(
        derive_episodes(events, as_of), as_of
    )


@settings(max_examples=60, deadline=None)
@given(timelines(), _AS_OF)
def test_total_is_sum_of_episodes_and_bounded_by_time_since_apprehension(
    events: list[TimelineEvent], as_of: datetime
) -> None:
    episodes = derive_episodes(events, as_of)
    total = total_seconds(episodes, as_of)
    assert total == sum(e.seconds(as_of) for e in episodes)
    first_apprehension = min(e.at for e in events if e.type == "apprehended")
    assert 0 <= total <= max(0, (as_of - first_apprehension) // timedelta(seconds=1))


@settings(max_examples=60, deadline=None)
@given(timelines(), _AS_OF)
def test_past_state_reconstruction_agrees_with_full_history(events: list[TimelineEvent], as_of: datetime) -> None:
    assert total_seconds(derive_episodes(events, as_of), as_of) == total_seconds(derive_episodes(events), as_of)
    assert all(e.start <= as_of for e in derive_episodes(events, as_of))


@settings(max_examples=60, deadline=None)
@given(timelines())
def test_episodes_never_overlap_and_placements_tile_them(events: list[TimelineEvent]) -> None:
    episodes = derive_episodes(events)
    for earlier, later in pairwise(episodes):
        assert earlier.end is not None and earlier.end <= later.start
    for episode in episodes:
        assert episode.placements[0].start == episode.start
        assert episode.placements[-1].end == episode.end
        for before, after in pairwise(episode.placements):
            assert before.end == after.start
