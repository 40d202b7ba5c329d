"""A child's age on a given day, and when an age is reached.

Pure calendar arithmetic on dates (no time zone: the caller decides which local day
an instant falls on).
"""

from __future__ import annotations

import calendar
from datetime import date


def birthday_in_year(date_of_birth: date, year: int) -> date:
    """The day in `year` on which the child's age goes up by one.

    A 29 February birthday falls on 1 March in common years: the anniversary is
    reached once February has passed. Some laws say 28 February instead; a rule pack
    may later override this, but until then one rule applies everywhere.
    """
    if date_of_birth.month == 2 and date_of_birth.day == 29 and not calendar.isleap(year):
        return date(year, 3, 1)
    return date_of_birth.replace(year=year)


def age_on(date_of_birth: date, on: date) -> int:
    """Completed years of age on the day `on`. Raises ValueError for a day before birth."""
    if on < date_of_birth:
        raise ValueError(f"{on.isoformat()} is before the date of birth")
    years = on.year - date_of_birth.year
    if on < birthday_in_year(date_of_birth, on.year):
        years -= 1
    return years


def date_reaching_age(date_of_birth: date, age: int) -> date:
    """The first day on which the child is `age` years old."""
    if age < 0:
        raise ValueError(f"age cannot be negative: {age}")
    return birthday_in_year(date_of_birth, date_of_birth.year + age)


def is_child_on(date_of_birth: date, estimated: bool, on: date, age_of_majority: int = 18) -> bool:
    """Whether the person is below the age of majority on the day `on`.

    When the date of birth is only an estimate, the law presumes the person is a
    child: they are treated as one unless, by the estimate, they are already at least
    one year past majority (age_of_majority + 1), so an estimate that is off by up to
    a year never turns a child into an adult. A day before the (estimated) birth is
    childhood: whoever existed then was certainly below majority.
    """
    if on < date_of_birth:
        return True
    threshold = age_of_majority + 1 if estimated else age_of_majority
    return age_on(date_of_birth, on) < threshold
