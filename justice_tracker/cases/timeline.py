"""Bridges stored event rows and the pure timeline: corrections applied, custody derived."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from justice_tracker.cases.models import Case, Event
from justice_tracker.timeline.custody import CustodyEpisode, derive_episodes
from justice_tracker.timeline.facts import ChildFacts, TimelineEvent


def effective_events(events: Iterable[Event]) -> list[Event]:
    """The events that stand: neither superseded by a correction nor a voiding correction.

    A correction replaces the event it points at (and may itself be corrected later);
    a voiding correction removes it from the timeline. Originals stay stored and visible.
    """
    rows = list(events)
    superseded = {e.corrects_id for e in rows if e.corrects_id is not None}
    return [e for e in rows if e.id not in superseded and not e.voids]


def as_timeline(events: Iterable[Event]) -> list[TimelineEvent]:
    return [TimelineEvent(key=e.key, type=e.type, at=e.at, details=dict(e.details or {})) for e in events]


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
