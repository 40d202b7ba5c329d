"""The words of a deadline: limits, spans, local due times and what started a clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from justice_tracker.rules.model import WEEKDAY_EXCLUSIONS, CustodyState, Duration, Exclusion, Rule, Start, Unit
from justice_tracker.timeline.durations import format_duration
from justice_tracker.timeline.vocabulary import EVENT_TYPES

_UNIT_WORDS = {
    Unit.HOURS: ("h", "h"),
    Unit.CALENDAR_DAYS: ("calendar day", "calendar days"),
    Unit.WORKING_DAYS: ("working day", "working days"),
    Unit.MONTHS: ("month", "months"),
    Unit.YEARS: ("year", "years"),
}

# What a clock runs from, as the object of "after …" or "from …".
_EVENT_NOUNS = {
    "apprehended": "apprehension",
    "brought_before_authority": "first appearance",
    "pretrial_detention_ordered": "the detention order",
    "charged": "the charges",
    "hearing_held": "the hearing",
    "hearing_adjourned": "the adjournment",
    "adjudicated": "the finding",
    "released": "release",
    "sentenced": "sentence",
}
_STATE_NOUNS = {
    CustodyState.POLICE: "police custody",
    CustodyState.PRETRIAL: "pre-trial detention",
    CustodyState.SENTENCED: "sentenced custody",
    CustodyState.ANY: "custody",
}
_EXCLUSION_WORDS = {
    **{day: f"{day.value.capitalize()}s" for day in WEEKDAY_EXCLUSIONS},
    Exclusion.CHRISTMAS_DAY: "Christmas Day",
    Exclusion.GOOD_FRIDAY: "Good Friday",
    Exclusion.PUBLIC_HOLIDAYS: "public holidays",
}


def limit_text(limit: Duration) -> str:
    one, many = _UNIT_WORDS[limit.unit]
    return f"{limit.amount} {one if limit.amount == 1 else many}"


def rule_limit_text(rule: Rule, limit: Duration) -> str:
    """The limit as applied, with extensions and exclusions: "4 months + 2 months extension"."""
    assert rule.limit is not None
    text = limit_text(rule.limit)
    if limit != rule.limit:
        text += f" + {limit_text(limit - rule.limit)} extension"
    # Journey time is shown with the journey recorded, not as a standing exclusion.
    excluded = [_EXCLUSION_WORDS[exclusion] for exclusion in sorted(rule.exclusions) if exclusion in _EXCLUSION_WORDS]
    if excluded:
        text += f" ({', '.join(excluded)} excluded)"
    return text


def span(length: timedelta) -> str:
    """A span of time, floored to the minute (never shown as reaching a limit it has not reached)."""
    return _duration_text(max(0, int(length.total_seconds())))


# The same spans (hours and minutes after an event) come up case after case.
_duration_text = lru_cache(maxsize=16384)(format_duration)


def local_time(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def start_noun(start: Start) -> str:
    """What starts the clock, as in "24 h after apprehension" or "from the start of police custody"."""
    if start.state is not None:
        return f"the start of {_STATE_NOUNS[start.state]}"
    assert start.event is not None
    return _EVENT_NOUNS.get(start.event.event) or f"'{event_label(start.event.event).lower()}'"


def subject_noun(start: Start) -> str:
    """What a rule is about, as in "held 3 days in pre-trial detention" or "no apprehended event recorded"."""
    if start.state is not None:
        return _STATE_NOUNS[start.state]
    assert start.event is not None
    return f"'{event_label(start.event.event).lower()}' event"


def event_label(event_type: str) -> str:
    known = EVENT_TYPES.get(event_type)
    return known.label if known else event_type
