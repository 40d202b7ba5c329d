"""Detention as a measure of last resort (CRC art. 37(b)): alternatives must have been considered first.

Ordering pre-trial detention, or a custodial sentence, needs a `diversion_considered`
event in the case at or before it (alternatives considered, and why each was not
used). The services refuse such an event without one when it is recorded through a
form or the API; importing a historical case file only warns (see the README).

Pure Python: no Flask, SQLAlchemy or I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from justice_tracker.programmes.vocabulary import PRE_TRIAL, SENTENCING
from justice_tracker.timeline.facts import TimelineEvent, chronological

CONSIDERED = "diversion_considered"
FIELD = "diversion_considered"
LAST_RESORT_TYPES = {"pretrial_detention_ordered": PRE_TRIAL, "sentenced": SENTENCING}


def is_last_resort(event_type: str, details: Mapping[str, Any]) -> bool:
    if event_type == "sentenced":
        return details.get("custodial") is True
    return event_type in LAST_RESORT_TYPES


def stage_for(event_type: str) -> str | None:
    """The stage whose alternatives an event of this type must consider (None: not a last-resort type)."""
    return LAST_RESORT_TYPES.get(event_type)


def unconsidered(events: Sequence[TimelineEvent], keys: Collection[str] | None = None) -> list[TimelineEvent]:
    """Last-resort events (among `keys`, or all) with no `diversion_considered` at or before them."""
    first_considered = next((e.at for e in chronological(events) if e.type == CONSIDERED), None)
    return [
        event
        for event in chronological(events)
        if (keys is None or event.key in keys)
        and is_last_resort(event.type, event.details)
        and (first_considered is None or first_considered > event.at)
    ]


def message(event_type: str) -> str:
    what = "pre-trial detention" if event_type == "pretrial_detention_ordered" else "a custodial sentence"
    return (
        f"Detention is a measure of last resort: before {what} is recorded, record a diversion_considered "
        "event for this case (the alternatives considered and why each was not used)."
    )
