"""Bridges stored event rows and the pure timeline: corrections applied, custody derived."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from justice_tracker.cases.models import Case
from justice_tracker.timeline.custody import CustodyEpisode, derive_episodes
from justice_tracker.timeline.facts import ChildFacts, TimelineEvent


class StoredEvent(Protocol):
    """An event row: an `Event` or a plain row of its columns (bulk reads skip the ORM)."""

    @property
    def id(self) -> int: ...
    @property
    def seq(self) -> int: ...
    @property
    def type(self) -> str: ...
    @property
    def at(self) -> datetime: ...
    @property
    def details(self) -> dict[str, Any] | None: ...
    @property
    def corrects_id(self) -> int | None: ...
    @property
    def voids(self) -> bool: ...


E = TypeVar("E", bound=StoredEvent)


def effective_events(events: Iterable[E]) -> list[E]:
    """The events that stand: neither superseded by a correction nor a voiding correction.

    A correction replaces the event it points at (and may itself be corrected later);
    a voiding correction removes it from the timeline. Originals stay stored and visible.
    """
    rows = list(events)
    superseded = {e.corrects_id for e in rows if e.corrects_id is not None}
    return [e for e in rows if e.id not in superseded and not e.voids]


def as_timeline(events: Iterable[StoredEvent]) -> list[TimelineEvent]:
    # The key is the event's sequence number, as `Event.key` gives it.
    return [TimelineEvent(key=str(e.seq), type=e.type, at=e.at, details=dict(e.details or {})) for e in events]


def child_facts(case: Case) -> ChildFacts:
    return ChildFacts(case.child.date_of_birth, case.child.date_of_birth_estimated)


def episodes(case: Case, as_of: datetime | None = None) -> list[CustodyEpisode]:
    return derive_episodes(as_timeline(effective_events(case.events)), as_of)


def custody_run_start(found: Sequence[CustodyEpisode], as_of: datetime) -> CustodyEpisode | None:
    """The first episode of the unbroken custody that is still open at `as_of`, if any."""
    if not found or not found[-1].is_open(as_of):
        return None
    first = found[-1]
    for previous in reversed(found[:-1]):
        if previous.end != first.start:
            break
        first = previous
    return first
