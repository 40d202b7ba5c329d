"""Ages in completed years, birthdays (29 February included) and the presumption of childhood."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from justice_tracker.timeline.ages import age_on, birthday_in_year, date_reaching_age, is_child_on

LEAP_DAY_2008 = date(2008, 2, 29)


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        (date(2010, 6, 15), date(2010, 6, 15), 0),
        (date(2010, 6, 15), date(2028, 6, 14), 17),
        (date(2010, 6, 15), date(2028, 6, 15), 18),
        (date(2010, 12, 31), date(2011, 1, 1), 0),
        (date(2010, 1, 1), date(2010, 12, 31), 0),
        (LEAP_DAY_2008, date(2009, 2, 28), 0),
        (LEAP_DAY_2008, date(2009, 3, 1), 1),
        (LEAP_DAY_2008, date(2012, 2, 28), 3),
        (LEAP_DAY_2008, date(2012, 2, 29), 4),
        (LEAP_DAY_2008, date(2026, 2, 28), 17),
        (LEAP_DAY_2008, date(2026, 3, 1), 18),
    ],
    ids=[
        "day-of-birth",
        "eve-of-18th",
        "18th-birthday",
        "new-year-after-december-birth",
        "end-of-first-year",
        "leap-born-28-feb-common-year",
        "leap-born-1-march-common-year",
        "leap-born-28-feb-leap-year",
        "leap-born-29-feb-leap-year",
        "leap-born-eve-of-18th",
        "leap-born-18th",
    ],
)
def test_age_on(dob: date, on: date, expected: int) -> None:
    assert age_on(dob, on) == expected


def test_age_before_birth_is_refused() -> None:
    with pytest.raises(ValueError, match="before the date of birth"):
        age_on(date(2010, 6, 15), date(2010, 6, 14))


@pytest.mark.parametrize(
    ("dob", "year", "expected"),
    [
        (LEAP_DAY_2008, 2009, date(2009, 3, 1)),
        (LEAP_DAY_2008, 2012, date(2012, 2, 29)),
        (LEAP_DAY_2008, 2100, date(2100, 3, 1)),
        (LEAP_DAY_2008, 2000, date(2000, 2, 29)),
        (date(2007, 2, 28), 2008, date(2008, 2, 28)),
        (date(2007, 3, 1), 2008, date(2008, 3, 1)),
    ],
    ids=["common-year", "leap-year", "century-not-leap", "400-year-leap", "28-feb-born", "1-march-born"],
)
def test_birthday_in_year(dob: date, year: int, expected: date) -> None:
    assert birthday_in_year(dob, year) == expected


@pytest.mark.parametrize(
    ("dob", "age", "expected"),
    [
        (date(2010, 6, 15), 0, date(2010, 6, 15)),
        (date(2010, 6, 15), 18, date(2028, 6, 15)),
        (LEAP_DAY_2008, 18, date(2026, 3, 1)),
        (LEAP_DAY_2008, 16, date(2024, 2, 29)),
    ],
    ids=["zero", "eighteen", "leap-born-in-common-year", "leap-born-in-leap-year"],
)
def test_date_reaching_age(dob: date, age: int, expected: date) -> None:
    assert date_reaching_age(dob, age) == expected


def test_negative_age_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        date_reaching_age(date(2010, 1, 1), -1)


@pytest.mark.parametrize(
    ("dob", "estimated", "on", "majority", "expected"),
    [
        (date(2008, 6, 15), False, date(2026, 6, 14), 18, True),
        (date(2008, 6, 15), False, date(2026, 6, 15), 18, False),
        (date(2008, 6, 15), True, date(2026, 6, 15), 18, True),
        (date(2008, 6, 15), True, date(2027, 6, 14), 18, True),
        (date(2008, 6, 15), True, date(2027, 6, 15), 18, False),
        (date(2008, 6, 15), False, date(2025, 6, 15), 17, False),
        (date(2008, 6, 15), True, date(2007, 1, 1), 18, True),
        (LEAP_DAY_2008, False, date(2026, 2, 28), 18, True),
        (LEAP_DAY_2008, False, date(2026, 3, 1), 18, False),
    ],
    ids=[
        "exact-eve-of-majority",
        "exact-majority",
        "estimated-at-majority-still-child",
        "estimated-eve-of-majority-plus-one",
        "estimated-majority-plus-one",
        "other-age-of-majority",
        "estimated-before-estimated-birth",
        "leap-born-28-feb",
        "leap-born-1-march",
    ],
)
def test_is_child_on(dob: date, estimated: bool, on: date, majority: int, expected: bool) -> None:
    assert is_child_on(dob, estimated, on, majority) is expected


_LEAP_YEARS = st.integers(1904, 2096).filter(calendar.isleap)


@settings(max_examples=80, deadline=None)
@given(_LEAP_YEARS, st.integers(1, 120))
def test_leap_day_births_age_on_1_march_in_common_years(birth_year: int, age: int) -> None:
    dob = date(birth_year, 2, 29)
    year = birth_year + age
    birthday = date(year, 2, 29) if calendar.isleap(year) else date(year, 3, 1)
    assert date_reaching_age(dob, age) == birthday
    assert age_on(dob, birthday) == age
    assert age_on(dob, birthday - timedelta(days=1)) == age - 1


@settings(max_examples=80, deadline=None)
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.integers(0, 100))
def test_age_goes_up_exactly_on_the_day_reached(dob: date, age: int) -> None:
    reached = date_reaching_age(dob, age)
    assert age_on(dob, reached) == age
    if age:
        assert age_on(dob, reached - timedelta(days=1)) == age - 1


@settings(max_examples=80, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31)), st.integers(0, 40 * 366))
def test_estimated_birth_never_makes_an_adult_of_someone_exact_birth_calls_a_child(dob: date, days: int) -> None:
    on = dob + timedelta(days=days)
    if is_child_on(dob, False, on):
        assert is_child_on(dob, True, on)
