"""The facts the pure timeline functions work on: a child's effective events.

An effective event is what stands after corrections are applied (see
`justice_tracker.cases`): the persistence layer turns rows into these, so that
validation, custody derivation and the rules engine never see the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class TimelineEvent:
    """One dated stage. `at` is timezone-aware; `key` identifies it to the caller."""

    key: str
    type: str
    at: datetime
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("TimelineEvent.at must be timezone-aware")


@dataclass(frozen=True)
class ChildFacts:
    """What the timeline needs to know about the child: never identity."""

    date_of_birth: date | None
    date_of_birth_estimated: bool = False


def chronological(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Events by instant; events at the same instant keep the order they were given in."""
    # sorted() is stable, which is what makes the tie-break the caller's order.
    return sorted(events, key=lambda event: event.at)
