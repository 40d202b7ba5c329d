"""Calendar arithmetic: exact hours, local days, working days, month ends and leap days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from justice_tracker.rules.calendar import LocalCalendar, due_after
from justice_tracker.rules.model import Duration, Exclusion, Expiry, Unit

LONDON = LocalCalendar("Europe/London", "GB", "ENG")
SAO_PAULO = LocalCalendar("America/Sao_Paulo", "BR")
KOLKATA = LocalCalendar("Asia/Kolkata", "IN")
NAIROBI = LocalCalendar("Africa/Nairobi", "KE")
UTC_CALENDAR = LocalCalendar("UTC")
LASPO = frozenset({Exclusion.SUNDAY, Exclusion.CHRISTMAS_DAY, Exclusion.GOOD_FRIDAY})

ZONES = [
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "America/Santiago",  # changes at midnight
    "America/Sao_Paulo",
    "America/New_York",
    "Australia/Lord_Howe",  # half-hour daylight saving
    "Pacific/Chatham",  # +12:45 / +13:45
    "Asia/Kolkata",
    "Africa/Nairobi",
]
HOLIDAY_CALENDARS = [("GB", "ENG"), ("BR", None), ("IN", None), ("FR", None), ("KE", None), ("ZA", None), ("CO", None)]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def hours(amount: int) -> Duration:
    return Duration(amount, Unit.HOURS)


# hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected_local"),
    [
        pytest.param(
            "2026-03-28T12:00:00+00:00", "2026-03-29T13:00:00+01:00", id="spring forward: 24 h ends 13:00 BST"
        ),
        pytest.param("2026-10-24T12:00:00+01:00", "2026-10-25T11:00:00+00:00", id="fall back: 24 h ends 11:00 GMT"),
    ],
)
def test_24_hours_across_a_dst_change_is_86400_seconds(start: str, expected_local: str) -> None:
    due = due_after(LONDON, at(start), hours(24))
    assert due.at == at(expected_local)
    assert (due.at - at(start)).total_seconds() == 86_400
    assert due.local_date is None


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param(
            "2026-04-04T10:00:00+01:00", "2026-04-06T10:00:00+01:00", id="LASPO s.97 Saturday arrest skips Sunday"
        ),
        pytest.param("2026-04-02T20:00:00+01:00", "2026-04-04T20:00:00+01:00", id="LASPO s.97 Good Friday excluded"),
        pytest.param("2026-12-24T18:00:00+00:00", "2026-12-26T18:00:00+00:00", id="LASPO s.97 Christmas Day excluded"),
        pytest.param(
            "2026-03-01T15:00:00+00:00", "2026-03-03T00:00:00+00:00", id="LASPO s.97 Sunday arrest: clock starts Monday"
        ),
        pytest.param(
            "2026-03-02T09:00:00+00:00", "2026-03-03T09:00:00+00:00", id="LASPO s.97 weekday arrest: plain 24 h"
        ),
        pytest.param(
            "2027-12-24T22:00:00+00:00",
            "2027-12-27T22:00:00+00:00",
            id="LASPO s.97 Christmas on a Saturday, then Sunday",
        ),
    ],
)
def test_laspo_s97_excludes_sundays_christmas_and_good_friday(start: str, expected: str) -> None:
    assert due_after(LONDON, at(start), hours(24), exclusions=LASPO).at == at(expected)


def test_journey_time_is_added_to_an_hour_limit() -> None:
    start = at("2026-02-02T09:00:00+05:30")
    due = due_after(
        KOLKATA, start, hours(24), exclusions=frozenset({Exclusion.JOURNEY_TIME}), journey=timedelta(hours=3)
    )
    assert due.at == at("2026-02-03T12:00:00+05:30")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        pytest.param(
            "2026-06-05T10:00:00+03:00",
            "2026-06-08T23:59:59.999999+03:00",
            id="KE art.49(1)(f) Saturday → end of Monday",
        ),
        pytest.param(
            "2026-06-03T10:00:00+03:00", "2026-06-04T10:00:00+03:00", id="KE art.49(1)(f) court day: exact 24 h"
        ),
        pytest.param(
            "2026-12-24T09:00:00+03:00",
            "2026-12-28T23:59:59.999999+03:00",
            id="KE art.49(1)(f) Christmas → next court day",
        ),
    ],
)
def test_hour_limit_ending_on_a_non_court_day_moves_to_end_of_next_court_day(start: str, expected: str) -> None:
    due = due_after(NAIROBI, at(start), hours(24), expiry=Expiry.NEXT_WORKING_DAY)
    assert due.at == at(expected)


# days ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "first_day_counts", "expected"),
    [
        pytest.param(
            "2026-01-12T10:00:00-03:00", 45, False, date(2026, 2, 26), id="ECA 45 dias corridos, first day not counted"
        ),
        pytest.param("2026-01-12T10:00:00-03:00", 45, True, date(2026, 2, 25), id="45 days, first day counted"),
        pytest.param("2026-01-12T23:30:00-03:00", 1, False, date(2026, 1, 13), id="local date decides, not UTC"),
        pytest.param("2028-02-20T08:00:00-03:00", 10, False, date(2028, 3, 1), id="leap February has 29 days"),
    ],
)
def test_calendar_days_are_counted_on_the_local_calendar(
    start: str, amount: int, first_day_counts: bool, expected: date
) -> None:
    due = due_after(SAO_PAULO, at(start), Duration(amount, Unit.CALENDAR_DAYS), first_day_counts=first_day_counts)
    assert due.local_date == expected
    assert due.at == datetime.combine(expected + timedelta(days=1), datetime.min.time(), SAO_PAULO.zone).astimezone(
        UTC
    ) - timedelta(microseconds=1)


def test_a_day_limit_is_due_at_the_last_microsecond_of_the_local_day() -> None:
    due = due_after(SAO_PAULO, at("2026-01-12T10:00:00-03:00"), Duration(45, Unit.CALENDAR_DAYS))
    assert due.at.astimezone(SAO_PAULO.zone).isoformat() == "2026-02-26T23:59:59.999999-03:00"


@pytest.mark.parametrize(
    ("start", "amount", "closures", "expected"),
    [
        pytest.param(
            "2026-12-24T12:00:00+00:00", 2, (), date(2026, 12, 30), id="Christmas, weekend and Boxing Day skipped"
        ),
        pytest.param(
            "2026-12-24T12:00:00+00:00", 2, (date(2026, 12, 29),), date(2026, 12, 31), id="court closure skipped"
        ),
        pytest.param("2026-04-02T12:00:00+01:00", 1, (), date(2026, 4, 7), id="Good Friday to Easter Monday skipped"),
        pytest.param("2026-03-06T12:00:00+00:00", 5, (), date(2026, 3, 13), id="one working week"),
    ],
)
def test_working_days_skip_weekends_holidays_and_closures(
    start: str, amount: int, closures: tuple[date, ...], expected: date
) -> None:
    calendar = LocalCalendar("Europe/London", "GB", "ENG", closures)
    assert due_after(calendar, at(start), Duration(amount, Unit.WORKING_DAYS)).local_date == expected


@pytest.mark.parametrize(
    ("remand", "expected"),
    [
        pytest.param("2026-01-03T11:00:00+00:00", date(2026, 2, 27), id="CTL reg.2 day 56 a Saturday → Friday"),
        pytest.param("2026-01-04T11:00:00+00:00", date(2026, 2, 27), id="CTL reg.2 day 56 a Sunday → Friday"),
        pytest.param("2026-02-06T11:00:00+00:00", date(2026, 4, 2), id="CTL reg.2 day 56 Good Friday → Thursday"),
        pytest.param("2026-02-09T11:00:00+00:00", date(2026, 4, 2), id="CTL reg.2 day 56 Easter Monday → Thursday"),
        pytest.param(
            "2025-10-30T11:00:00+00:00", date(2025, 12, 24), id="CTL reg.2 day 56 Christmas Day → 24 December"
        ),
        pytest.param("2026-01-05T11:00:00+00:00", date(2026, 3, 2), id="CTL reg.2 day 56 a Monday stays"),
    ],
)
def test_custody_time_limit_ending_on_a_non_working_day_ends_on_the_preceding_working_day(
    remand: str, expected: date
) -> None:
    due = due_after(LONDON, at(remand), Duration(56, Unit.CALENDAR_DAYS), expiry=Expiry.PRECEDING_WORKING_DAY)
    assert due.local_date == expected


# months and years ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "limit", "expected"),
    [
        pytest.param(date(2026, 1, 31), Duration(1, Unit.MONTHS), date(2026, 2, 28), id="31 Jan + 1 month = 28 Feb"),
        pytest.param(
            date(2028, 1, 31), Duration(1, Unit.MONTHS), date(2028, 2, 29), id="31 Jan + 1 month = 29 Feb (leap)"
        ),
        pytest.param(date(2026, 3, 31), Duration(1, Unit.MONTHS), date(2026, 4, 30), id="31 Mar + 1 month = 30 Apr"),
        pytest.param(date(2025, 11, 30), Duration(3, Unit.MONTHS), date(2026, 2, 28), id="30 Nov + 3 months = 28 Feb"),
        pytest.param(
            date(2027, 11, 30), Duration(3, Unit.MONTHS), date(2028, 2, 29), id="30 Nov + 3 months = 29 Feb (leap)"
        ),
        pytest.param(date(2026, 8, 31), Duration(6, Unit.MONTHS), date(2027, 2, 28), id="31 Aug + 6 months = 28 Feb"),
        pytest.param(date(2028, 2, 29), Duration(1, Unit.YEARS), date(2029, 2, 28), id="29 Feb + 1 year = 28 Feb"),
        pytest.param(date(2028, 2, 29), Duration(4, Unit.YEARS), date(2032, 2, 29), id="29 Feb + 4 years = 29 Feb"),
        pytest.param(date(2026, 2, 2), Duration(4, Unit.MONTHS), date(2026, 6, 2), id="JJ Act s.14(2) 4 months"),
        pytest.param(date(2026, 1, 15), Duration(12, Unit.MONTHS), date(2027, 1, 15), id="12 months = 1 year"),
    ],
)
def test_months_follow_relativedelta_clamped_to_the_month_end(start: date, limit: Duration, expected: date) -> None:
    start_instant = datetime.combine(start, datetime.min.time(), UTC).replace(hour=12)
    assert due_after(UTC_CALENDAR, start_instant, limit).local_date == expected


def test_a_month_limit_whose_first_day_counts_ends_a_day_earlier() -> None:
    due = due_after(UTC_CALENDAR, at("2026-01-15T12:00:00+00:00"), Duration(1, Unit.MONTHS), first_day_counts=True)
    assert due.local_date == date(2026, 2, 14)


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_after(UTC_CALENDAR, datetime(2026, 1, 1), hours(1))


# properties ---------------------------------------------------------------------------

instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 12, 31), timezones=st.just(UTC))
# The holidays package knows every calendar used here from 2001 to 2035.
holiday_instants = st.datetimes(
    min_value=datetime(2001, 1, 1), max_value=datetime(2034, 10, 31), timezones=st.just(UTC)
)


@settings(max_examples=150, deadline=None)
@given(start=instants, zone=st.sampled_from(ZONES), other=st.sampled_from(ZONES), amount=st.integers(1, 400))
def test_hour_limits_are_exact_in_every_time_zone(start: datetime, zone: str, other: str, amount: int) -> None:
    due = due_after(LocalCalendar(zone), start.astimezone(ZoneInfo(zone)), hours(amount))
    assert due.at - start == timedelta(hours=amount)
    assert due.at == due_after(LocalCalendar(other), start, hours(amount)).at


@settings(max_examples=150, deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), zone=st.sampled_from(ZONES))
def test_end_of_day_is_the_last_instant_of_the_local_day(day: date, zone: str) -> None:
    calendar = LocalCalendar(zone)
    end = calendar.end_of_day(day)
    assert calendar.local_date(end) == day
    assert calendar.local_date(end + timedelta(microseconds=1)) == day + timedelta(days=1)
    assert calendar.local_date(calendar.start_of_day(day)) == day
    assert calendar.local_date(calendar.start_of_day(day) - timedelta(microseconds=1)) == day - timedelta(days=1)


@settings(max_examples=100, deadline=None)
@given(
    start=holiday_instants,
    amount=st.integers(1, 60),
    country=st.sampled_from(HOLIDAY_CALENDARS),
    closures=st.lists(st.dates(min_value=date(2001, 1, 1), max_value=date(2035, 6, 30)), max_size=5),
)
def test_working_days_never_end_on_a_weekend_holiday_or_closure(
    start: datetime, amount: int, country: tuple[str, str | None], closures: list[date]
) -> None:
    calendar = LocalCalendar("UTC", *country, closures)
    due = due_after(calendar, start, Duration(amount, Unit.WORKING_DAYS))
    assert due.local_date is not None
    public = holidays.country_holidays(country[0], subdiv=country[1])
    assert due.local_date.weekday() < 5
    assert due.local_date not in public
    assert due.local_date not in closures
    between = (start.date() + timedelta(days=offset) for offset in range(1, (due.local_date - start.date()).days + 1))
    assert sum(1 for day in between if calendar.is_working_day(day)) == amount


@settings(max_examples=150, deadline=None)
@given(start=instants, zone=st.sampled_from(ZONES), amount=st.integers(1, 400))
def test_calendar_days_land_on_the_local_date_plus_the_limit(start: datetime, zone: str, amount: int) -> None:
    calendar = LocalCalendar(zone)
    due = due_after(calendar, start, Duration(amount, Unit.CALENDAR_DAYS))
    assert due.local_date == calendar.local_date(start) + timedelta(days=amount)
    assert due.at == calendar.end_of_day(due.local_date)


@settings(max_examples=150, deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)), months=st.integers(1, 48))
def test_months_keep_the_day_or_clamp_to_the_month_end(day: date, months: int) -> None:
    start = datetime.combine(day, datetime.min.time(), UTC)
    due = due_after(UTC_CALENDAR, start, Duration(months, Unit.MONTHS)).local_date
    assert due is not None
    assert (due.year * 12 + due.month) - (day.year * 12 + day.month) == months
    assert due.day == day.day or (due.day < day.day and (due + timedelta(days=1)).day == 1)
