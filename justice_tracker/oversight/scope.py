"""What an oversight report covers: the census instant, the period, and the jurisdiction, court or facility.

The same parameters serve the pages, the exports, the PDF and the API:

- `as_of`: the census instant ("children held now" means held then); not in the future;
  default now.
- `from`, `to`: the period [from, to) in which flows (admissions, releases, breaches...) are
  counted; `to` is at most `as_of`; default the 12 months up to `as_of`.
- `jurisdiction` (code), `court` (id), `facility` (id): narrow every count; default everything.

A date alone (`2026-03-31`) is read in the jurisdiction's time zone (UTC without one): as the
start of that day for `from`, and as the end of that day for `to` and `as_of`. An instant
carries its offset. The period is at most `MAX_MONTHS` long.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from justice_tracker.db import db
from justice_tracker.org.models import Court, Facility, Jurisdiction

MAX_MONTHS = 120
DEFAULT_PERIOD = relativedelta(months=12)  # the period when `from` is not given: the 12 months to its end
MAX_TEXT = 40


class ScopeError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Scope:
    """The census instant, the period [start, end), the place (jurisdiction code, court and facility ids)."""

    as_of: datetime
    start: datetime
    end: datetime
    time_zone: str = "UTC"  # the jurisdiction's, for dates alone and calendar months
    jurisdiction: str | None = None
    court_id: int | None = None
    facility_id: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def days(self) -> float:
        return (self.end - self.start).total_seconds() / 86400

    def args(self) -> dict[str, str]:
        """Query-string arguments that give this scope back (instants in UTC)."""
        values = {
            "as_of": _iso(self.as_of),
            "from": _iso(self.start),
            "to": _iso(self.end),
            "jurisdiction": self.jurisdiction,
            "court": str(self.court_id) if self.court_id is not None else None,
            "facility": str(self.facility_id) if self.facility_id is not None else None,
        }
        return {k: v for k, v in values.items() if v is not None}

    def describe(self) -> str:
        """For audit rows: the scope with ids only."""
        return " ".join(f"{k}={v}" for k, v in self.args().items())

    def months(self) -> list[tuple[str, datetime, datetime]]:
        """(label YYYY-MM, start, end) of each calendar month (in the scope's zone) within the period, clipped."""
        out = []
        local = self.start.astimezone(self.zone)
        month = datetime(local.year, local.month, 1, tzinfo=self.zone)
        while month.astimezone(UTC) < self.end:
            following = month + relativedelta(months=1)
            start = max(month.astimezone(UTC), self.start)
            end = min(following.astimezone(UTC), self.end)
            out.append((month.strftime("%Y-%m"), start, end))
            month = following
        return out


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(raw: str, zone: ZoneInfo, *, end_of_day: bool, name: str) -> datetime:
    text = raw.strip()
    if len(text) > MAX_TEXT:
        raise ScopeError(name, "is too long.")
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            if day.year < 1900 or day.year > 9000:
                raise ScopeError(name, "give a date after 1900.")
            if end_of_day:
                return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
            return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except (ValueError, OverflowError):
        raise ScopeError(name, "give a date (YYYY-MM-DD) or an instant with its offset (2026-03-31T12:00Z).") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ScopeError(name, "an instant needs its UTC offset, e.g. 2026-03-31T12:00:00Z.")
    if moment.year < 1900:
        raise ScopeError(name, "give a date after 1900.")
    return moment.astimezone(UTC)


def _int(raw: str | None, name: str) -> int | None:
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise ScopeError(name, "must be a whole number (an id).")
    return int(text)


def _within_day(moment: datetime, raw: str, limit: datetime) -> datetime:
    """A date alone whose end is later than `limit` on that same day means "up to `limit`" (today: now)."""
    if len(raw.strip()) == 10 and limit < moment <= limit + timedelta(days=1):
        return limit
    return moment


def _within(model: type[Court] | type[Facility], ident: int | None, name: str, jurisdiction: Any) -> Any:
    """The court or facility asked for, which must exist and belong to the jurisdiction asked for (if any)."""
    if ident is None:
        return None
    found = db.session.get(model, ident)
    if found is None:
        raise ScopeError(name, f"unknown {name} id.")
    if jurisdiction is not None and found.jurisdiction_code != jurisdiction.code:
        raise ScopeError(name, f"the {name} belongs to another jurisdiction.")
    return found


def parse_scope(args: Mapping[str, Any], now: datetime) -> Scope:
    """Read and check the parameters; `ScopeError` names the first one that cannot be used."""
    jurisdiction = None
    code = (args.get("jurisdiction") or "").strip()
    if code:
        jurisdiction = db.session.get(Jurisdiction, code[:16])
        if jurisdiction is None:
            raise ScopeError("jurisdiction", "unknown jurisdiction code.")
    court = _within(Court, _int(args.get("court"), "court"), "court", jurisdiction)
    jurisdiction = court.jurisdiction if court is not None else jurisdiction
    facility = _within(Facility, _int(args.get("facility"), "facility"), "facility", jurisdiction)
    jurisdiction = facility.jurisdiction if facility is not None else jurisdiction
    zone_name = jurisdiction.time_zone if jurisdiction is not None else "UTC"
    zone = ZoneInfo(zone_name)
    as_of = now
    if args.get("as_of"):
        as_of = _within_day(_parse(args["as_of"], zone, end_of_day=True, name="as_of"), args["as_of"], now)
    if as_of > now:
        raise ScopeError("as_of", "is in the future: oversight counts what has happened.")
    end = as_of
    if args.get("to"):
        end = _within_day(_parse(args["to"], zone, end_of_day=True, name="to"), args["to"], as_of)
    if end > as_of:
        raise ScopeError("to", "must not be after as_of (the period ends by the census instant).")
    start = end - DEFAULT_PERIOD
    if args.get("from"):
        start = _parse(args["from"], zone, end_of_day=False, name="from")
    if start >= end:
        raise ScopeError("from", "must be before to.")
    if start < end - relativedelta(months=MAX_MONTHS):
        raise ScopeError("from", f"the period is at most {MAX_MONTHS} months long.")
    return Scope(
        as_of=as_of,
        start=start,
        end=end,
        jurisdiction=jurisdiction.code if jurisdiction is not None else None,
        court_id=court.id if court is not None else None,
        facility_id=facility.id if facility is not None else None,
        time_zone=zone_name,
    )


def scope_choices() -> dict[str, list[Any]]:
    """What the filter form offers: jurisdictions, courts and facilities (names are reference data)."""
    return {
        "jurisdictions": list(db.session.scalars(select(Jurisdiction).order_by(Jurisdiction.name))),
        "courts": list(db.session.scalars(select(Court).order_by(Court.name))),
        "facilities": list(db.session.scalars(select(Facility).order_by(Facility.name))),
    }
