"""SQL expressions the oversight aggregates need, written once for SQLite and PostgreSQL.

- `epoch(x)`: seconds since 1970 of an instant (durations are differences of two);
- `greatest(a, b)` / `least(a, b)`: GREATEST/LEAST on PostgreSQL, the scalar MAX/MIN on SQLite;
- `utc_date(x)`: the UTC calendar day of an instant;
- `effective(Event)`: the events that stand after corrections (`cases.timeline.effective_events`);
- `age_at(born, on)`: completed years, with a 29 February birthday reached on 1 March in
  common years (as `timeline.ages.age_on`);
- `at(moment)`: a Python instant as a bound parameter of the instant column type.

SQLite stores instants as naive UTC text of one fixed format, so comparisons, MAX and MIN
on it are chronological; `julianday` reads it for arithmetic.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Date, Float, Integer, and_, case, exists, extract, func, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.functions import FunctionElement, ReturnTypeFromArgs

from justice_tracker.cases.models import Event
from justice_tracker.db import UTCDateTime

SECONDS_PER_DAY = 86400.0


def _function(name: str, kind: Any, default: str, sqlite: str) -> type[FunctionElement[Any]]:
    """A one-argument SQL function written `default` (PostgreSQL) or `sqlite`, `{}` standing for the argument."""
    function = type(name, (FunctionElement,), {"type": kind, "inherit_cache": True, "name": name})
    compiles(function)(lambda element, compiler, **kw: default.format(compiler.process(element.clauses, **kw)))
    compiles(function, "sqlite")(lambda element, compiler, **kw: sqlite.format(compiler.process(element.clauses, **kw)))
    return function


epoch = _function(
    "epoch", Float(), "CAST(EXTRACT(EPOCH FROM {}) AS DOUBLE PRECISION)", "((julianday({}) - 2440587.5) * 86400.0)"
)
utc_date = _function("utc_date", Date(), "CAST(({} AT TIME ZONE 'UTC') AS DATE)", "date({})")


class greatest(ReturnTypeFromArgs[Any]):
    inherit_cache = True


class least(ReturnTypeFromArgs[Any]):
    inherit_cache = True


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: Any, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


def at(moment: datetime) -> ColumnElement[datetime]:
    return literal(moment, UTCDateTime())


def seconds_between(start: Any, end: Any) -> ColumnElement[float]:
    return epoch(end) - epoch(start)


def days_between(start: Any, end: Any) -> ColumnElement[float]:
    return (epoch(end) - epoch(start)) / SECONDS_PER_DAY


def overlap_seconds(start: Any, end: Any, period_start: datetime, period_end: datetime) -> ColumnElement[float]:
    """Seconds of [start, end) (end NULL: still running) inside [period_start, period_end); may be negative."""
    stop = least(func.coalesce(end, at(period_end)), at(period_end))
    return epoch(stop) - epoch(greatest(start, at(period_start)))


def open_at(start: Any, end: Any, moment: datetime) -> ColumnElement[bool]:
    """[start, end) contains `moment` (end NULL: still running)."""
    return and_(start <= at(moment), (end.is_(None)) | (end > at(moment)))


def effective(event: Any = Event) -> ColumnElement[bool]:
    """The event stands: it is not a voiding correction and no correction points at it."""
    correction = aliased(Event)
    return and_(event.voids.is_(False), ~exists().where(correction.corrects_id == event.id))


def instant_text(moment: datetime) -> str:
    """An instant as event details store them ("YYYY-MM-DDTHH:MM:SSZ"), which sorts chronologically."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def age_at(born: Any, on: Any) -> ColumnElement[int]:
    """Completed years on the UTC day of the instant `on`, for a date of birth `born`."""
    day = utc_date(on)
    years = extract("year", day) - extract("year", born)
    before_birthday = extract("month", day) * 100 + extract("day", day) < (
        extract("month", born) * 100 + extract("day", born)
    )
    return (years - case((before_birthday, 1), else_=0)).cast(Integer)
