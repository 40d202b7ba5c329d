"""Durations shown to people: days, hours and minutes, never rounded up."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from justice_tracker.timeline.durations import days_and_hours, format_duration

MINUTE, HOUR, DAY = 60, 3600, 86400


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "0 min"),
        (59, "0 min"),
        (45 * MINUTE, "45 min"),
        (HOUR, "1 h 00 min"),
        (4 * HOUR + 5 * MINUTE, "4 h 05 min"),
        (DAY - 1, "23 h 59 min"),
        (DAY, "1 day 0 h 00 min"),
        (3 * DAY + 4 * HOUR + 5 * MINUTE + 59, "3 days 4 h 05 min"),
        (45 * DAY, "45 days 0 h 00 min"),
    ],
    ids=[
        "zero",
        "under-a-minute",
        "minutes",
        "one-hour",
        "hours",
        "a-second-short-of-a-day",
        "one-day",
        "days",
        "45-days",
    ],
)
def test_format_duration(seconds: int, expected: str) -> None:
    assert format_duration(seconds) == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0, (0, 0, 0)), (DAY + HOUR + MINUTE + 1, (1, 1, 1)), (10 * DAY - 1, (9, 23, 59))],
    ids=["zero", "one-of-each", "just-under-ten-days"],
)
def test_days_and_hours(seconds: int, expected: tuple[int, int, int]) -> None:
    assert days_and_hours(seconds) == expected


@pytest.mark.parametrize(
    ("value", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError)], ids=["negative", "float", "bool"]
)
def test_bad_durations_are_refused(value: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        days_and_hours(value)  # type: ignore[arg-type]


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 10_000 * DAY))
def test_parts_recompose_to_within_a_minute_below(seconds: int) -> None:
    days, hours, minutes = days_and_hours(seconds)
    assert 0 <= hours < 24 and 0 <= minutes < 60
    shown = days * DAY + hours * HOUR + minutes * MINUTE
    assert shown <= seconds < shown + MINUTE
    match = re.fullmatch(r"(?:(\d+) days? (\d+) h (\d\d) min|(\d+) h (\d\d) min|(\d+) min)", format_duration(seconds))
    assert match is not None
    parsed = [int(g) for g in match.groups() if g is not None]
    assert parsed == [days, hours, minutes][-len(parsed) :]
    assert not any([days, hours, minutes][: 3 - len(parsed)])
