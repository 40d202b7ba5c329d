"""Calendar arithmetic for legal limits: when a limit that starts at an instant falls due.

Conventions (the law in a pack can override the ones marked *):

- Hour limits are exact instants: UTC arithmetic, so 24 h across a daylight-saving
  change is still 86,400 s. Excluded days (LASPO 2012 s. 97: Sundays, Christmas Day,
  Good Friday) are whole local days during which the clock stops; journey time
  (JJ Act 2015 s. 10(1)) is added to the limit.
- Day, working-day, month and year limits are counted on the pack's local calendar.
  * The day of the start is not counted (dies a quo non computatur): a 45-day limit
  from 12 January falls due on 26 February. With `first_day_counts` it is day one.
  Working days skip Saturdays, Sundays, the pack's public holidays and the court
  closure days passed in.
- Months and years add as `dateutil.relativedelta` does: the same day-of-month, clamped to
  the month's last day, so 31 January + 1 month is 28 February (29 in a leap year),
  29 February + 1 year is 28 February, and 30 November + 3 months is 28/29 February.
- A day-based limit is due at the end of its local due day: the last microsecond
  before the next local midnight (23:59:59.999999 in the usual case), so an event
  at any time on the due day is in time and `met_at <= due` is the one test used
  for every unit.
- * A limit that ends on a day that is not a working day keeps its date, or moves to
  the end of the preceding working day (England's custody time limits, reg. 2(4)–(5))
  or of the next one (Kenya, art. 49(1)(f): the next court day).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays
from dateutil.easter import easter

from justice_tracker.rules.model import (
    DAY_UNITS,
    WEEKDAY_EXCLUSIONS,
    WORKING_DAY_EXCLUSIONS,
    Duration,
    Exclusion,
    Expiry,
    Unit,
)

_DAY = timedelta(days=1)
_TICK = timedelta(microseconds=1)


@cache
def _public_holidays(country: str, subdivision: str | None) -> holidays.HolidayBase:
    # Years are filled in lazily on lookup, so one object serves every year asked about.
    return holidays.country_holidays(country, subdiv=subdivision)


class LocalCalendar:
    """A jurisdiction's time zone, public holidays and court closure days.

    The engine keeps one per pack (and set of closure days) for the life of the
    process, so what it works out per local day is remembered: the same due days,
    midnights and holidays come up case after case.
    """

    def __init__(
        self,
        time_zone: str | ZoneInfo,
        holiday_country: str | None = None,
        subdivision: str | None = None,
        closures: Iterable[date] = (),
    ) -> None:
        self.zone = time_zone if isinstance(time_zone, ZoneInfo) else ZoneInfo(time_zone)
        self._holidays = _public_holidays(holiday_country, subdivision) if holiday_country else None
        self._closures = frozenset(closures)
        self._midnights: dict[date, datetime] = {}
        self._holiday_days: dict[date, bool] = {}

    def local_date(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()

    def start_of_day(self, day: date) -> datetime:
        """The first instant of the local day, in UTC.

        fold=0 gives the earlier reading of a wall time the clocks showed twice and,
        for midnight skipped by a spring-forward (Chile), the instant of the change.
        """
        midnight = self._midnights.get(day)
        if midnight is None:
            midnight = self._midnights[day] = datetime.combine(day, time(0), self.zone).astimezone(UTC)
        return midnight

    def end_of_day(self, day: date) -> datetime:
        return self.start_of_day(day + _DAY) - _TICK

    def is_public_holiday(self, day: date) -> bool:
        known = self._holiday_days.get(day)
        if known is None:
            known = self._holiday_days[day] = day in self._closures or (
                self._holidays is not None and day in self._holidays
            )
        return known

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_public_holiday(day)

    def is_excluded(self, day: date, exclusions: Iterable[Exclusion]) -> bool:
        return any(_EXCLUDES[exclusion](self, day) for exclusion in exclusions if exclusion in _EXCLUDES)

    def working_day_from(self, day: date, step: int) -> date:
        """`day` itself if it is a working day, else the nearest one in the direction of `step` (+1 or -1)."""
        while not self.is_working_day(day):
            day += step * _DAY
        return day


def _weekday_test(weekday: int) -> Callable[[LocalCalendar, date], bool]:
    return lambda calendar, day: day.weekday() == weekday


_EXCLUDES: dict[Exclusion, Callable[[LocalCalendar, date], bool]] = {
    **{exclusion: _weekday_test(number) for number, exclusion in enumerate(WEEKDAY_EXCLUSIONS)},
    Exclusion.CHRISTMAS_DAY: lambda calendar, day: (day.month, day.day) == (12, 25),
    # Western Easter: the Good Friday of the common-law and Gregorian calendars.
    Exclusion.GOOD_FRIDAY: lambda calendar, day: day == easter(day.year) - 2 * _DAY,
    Exclusion.PUBLIC_HOLIDAYS: LocalCalendar.is_public_holiday,
}


class Due(NamedTuple):
    """When a limit falls due: an instant (UTC) and, for day-based limits, the local due date.

    A named tuple: the engine makes several per case, and a frozen dataclass costs more to build.
    """

    at: datetime
    local_date: date | None = None


def due_after(
    calendar: LocalCalendar,
    start: datetime,
    limit: Duration,
    *,
    first_day_counts: bool = False,
    exclusions: frozenset[Exclusion] = frozenset(),
    expiry: Expiry = Expiry.UNCHANGED,
    journey: timedelta = timedelta(0),
) -> Due:
    """The instant a limit of `limit` that starts at `start` falls due (see the module docstring)."""
    plan = DuePlan(limit, first_day_counts=first_day_counts, exclusions=exclusions, expiry=expiry)
    return plan.due(calendar, start, journey)


class DuePlan:
    """`due_after` for one limit and its options, worked out once: the engine keeps one per
    rule's limit and asks it of every case.

    A day-based limit's due day depends only on the local day it starts and the
    calendar, so each (calendar, start day) is worked out once: the same days come
    up case after case.
    """

    __slots__ = ("_by_day", "_day_exclusions", "_exact", "_expiry", "_first_day_counts", "_hours", "_limit", "_skipped")

    def __init__(
        self,
        limit: Duration,
        *,
        first_day_counts: bool = False,
        exclusions: frozenset[Exclusion] = frozenset(),
        expiry: Expiry = Expiry.UNCHANGED,
    ) -> None:
        self._limit = limit
        self._first_day_counts = first_day_counts
        self._expiry = expiry
        self._hours = timedelta(hours=limit.amount) if limit.unit is Unit.HOURS else None
        self._day_exclusions = _day_exclusions(exclusions)
        # Most hour limits skip no day and end where they end: plain UTC arithmetic.
        self._exact = not self._day_exclusions and expiry is Expiry.UNCHANGED
        skipped = exclusions | WORKING_DAY_EXCLUSIONS if limit.unit is Unit.WORKING_DAYS else exclusions
        self._skipped = _day_exclusions(skipped)
        self._by_day: dict[tuple[LocalCalendar, date], Due] = {}

    def due(self, calendar: LocalCalendar, start: datetime, journey: timedelta = timedelta(0)) -> Due:
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError("limits start at a timezone-aware instant")
        start = start.astimezone(UTC)
        if self._hours is not None:
            if self._exact:
                return Due(start + (self._hours + journey))
            at = _add_hours(calendar, start, self._hours + journey, self._day_exclusions)
            return _adjust_instant(calendar, at, self._expiry)
        key = (calendar, calendar.local_date(start))
        due = self._by_day.get(key)
        if due is None:
            due = self._by_day[key] = self._due_from_day(calendar, key[1])
        return due

    def _due_from_day(self, calendar: LocalCalendar, local_start: date) -> Due:
        limit = self._limit
        if limit.unit in DAY_UNITS:
            day = _count_days(calendar, local_start, limit.amount, self._first_day_counts, self._skipped)
        else:
            months = limit.amount * 12 if limit.unit is Unit.YEARS else limit.amount
            day = add_months(local_start, months)
            if self._first_day_counts:
                day -= _DAY
        day = _adjust_day(calendar, day, self._expiry)
        return Due(calendar.end_of_day(day), day)


def add_months(day: date, months: int) -> date:
    """`day` plus `months`, as `dateutil.relativedelta(months=…)` adds them (the day clamped to the month's end).

    Written out because relativedelta builds and normalises an object per call, a
    large share of a case's evaluation.
    """
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _add_hours(
    calendar: LocalCalendar, start: datetime, length: timedelta, day_exclusions: frozenset[Exclusion]
) -> datetime:
    if not day_exclusions:
        return start + length
    # The clock runs only on days not excluded: walk local day by local day.
    moment, remaining = start, length
    while True:
        day = calendar.local_date(moment)
        next_midnight = calendar.start_of_day(day + _DAY)
        if not calendar.is_excluded(day, day_exclusions):
            if remaining <= next_midnight - moment:
                return moment + remaining
            remaining -= next_midnight - moment
        moment = next_midnight


def _day_exclusions(exclusions: frozenset[Exclusion]) -> frozenset[Exclusion]:
    """The exclusions that leave out whole days (journey time is added to a limit instead)."""
    return frozenset(exclusion for exclusion in exclusions if exclusion in _EXCLUDES)


def _count_days(
    calendar: LocalCalendar, start: date, amount: int, first_day_counts: bool, day_exclusions: frozenset[Exclusion]
) -> date:
    day = start if first_day_counts else start + _DAY
    if not day_exclusions and amount >= 1:
        # Every day counts: the due day is simply the amount-th day.
        return day + (amount - 1) * _DAY
    counted = 0
    while True:
        if not calendar.is_excluded(day, day_exclusions):
            counted += 1
            if counted == amount:
                return day
        day += _DAY


def _adjust_day(calendar: LocalCalendar, day: date, expiry: Expiry) -> date:
    if expiry is Expiry.PRECEDING_WORKING_DAY:
        return calendar.working_day_from(day, -1)
    if expiry is Expiry.NEXT_WORKING_DAY:
        return calendar.working_day_from(day, +1)
    return day


def _adjust_instant(calendar: LocalCalendar, at: datetime, expiry: Expiry) -> Due:
    if expiry is Expiry.UNCHANGED:
        return Due(at)
    day = calendar.local_date(at)
    if calendar.is_working_day(day):
        return Due(at)
    moved = _adjust_day(calendar, day, expiry)
    return Due(calendar.end_of_day(moved))
