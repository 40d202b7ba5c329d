"""Custody episodes derived from a timeline, and the time a child was deprived of liberty.

All instants returned are UTC and all arithmetic is done in UTC, so a change of
daylight-saving time never lengthens or shortens a stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from justice_tracker.timeline.facts import TimelineEvent, chronological

_SECOND = timedelta(seconds=1)


class CustodyKind(StrEnum):
    POLICE = "police_custody"
    PRETRIAL = "pretrial_detention"
    SENTENCED = "sentenced_custody"


@dataclass(frozen=True)
class Placement:
    """Where the child was held, from `start` until `end` (None: still there)."""

    facility: str | None
    separated_from_adults: bool | None
    start: datetime
    end: datetime | None


@dataclass(frozen=True)
class CustodyEpisode:
    """One uninterrupted stretch of one kind of custody: [start, end)."""

    kind: CustodyKind
    start: datetime
    end: datetime | None
    start_key: str
    end_key: str | None
    placements: tuple[Placement, ...]

    def seconds(self, as_of: datetime) -> int:
        """Whole seconds deprived of liberty in this episode up to `as_of` (0 if it starts later)."""
        _require_aware(as_of)
        stop = as_of if self.end is None else min(self.end, as_of)
        if stop <= self.start:
            return 0
        return (stop - self.start) // _SECOND

    def is_open(self, as_of: datetime) -> bool:
        """Whether the child is in this episode at the instant `as_of`."""
        _require_aware(as_of)
        return self.start <= as_of and (self.end is None or as_of < self.end)

    @property
    def facility(self) -> str | None:
        """The current facility, or the last one if the episode has ended."""
        return self.placements[-1].facility if self.placements else None

    @property
    def separated_from_adults(self) -> bool | None:
        """False if the child was ever held with adults in this episode; None if not known for every placement."""
        flags = [p.separated_from_adults for p in self.placements]
        if False in flags:
            return False
        if not flags or None in flags:
            return None
        return True


@dataclass
class _OpenEpisode:
    kind: CustodyKind
    start: datetime
    start_key: str
    placements: list[Placement]
    facility: str | None
    separated: bool | None
    placement_start: datetime

    def close_placement(self, at: datetime | None) -> None:
        self.placements.append(Placement(self.facility, self.separated, self.placement_start, at))


class CustodyTracker:
    """Reads a timeline one event at a time, in chronological order, and keeps the custody state.

    Shared by `derive_episodes` and timeline validation so that both agree on what
    custody state each event happened in. Events that make no sense in the current
    state (a release while free, a transfer while free, a second apprehension while
    held) change nothing: validation reports them, and the time counted stays the
    time the child was actually held.
    """

    def __init__(self) -> None:
        self._episodes: list[CustodyEpisode] = []
        self._open: _OpenEpisode | None = None

    @property
    def current(self) -> CustodyKind | None:
        return self._open.kind if self._open else None

    def apply(self, event: TimelineEvent) -> None:
        at = event.at.astimezone(UTC)
        details = event.details
        if event.type == "apprehended":
            if self._open is None:
                self._start(CustodyKind.POLICE, event.key, at, _facility(details), _separated(details))
        elif event.type == "pretrial_detention_ordered":
            self._end(event.key, at)
            self._start(CustodyKind.PRETRIAL, event.key, at, _facility(details), _separated(details))
        elif event.type == "sentenced":
            if details.get("custodial") is True:
                self._start_sentence(event.key, at, details)
        elif event.type == "transferred":
            if self._open is not None:
                self._open.close_placement(at)
                self._open.facility = _facility(details)
                self._open.separated = _separated(details)
                self._open.placement_start = at
        elif event.type == "released":
            self._end(event.key, at)

    def episodes(self) -> list[CustodyEpisode]:
        """Every episode so far; the last one has no end if the child is still held."""
        if self._open is None:
            return list(self._episodes)
        current = self._open
        placements = (
            *current.placements,
            Placement(current.facility, current.separated, current.placement_start, None),
        )
        return [*self._episodes, CustodyEpisode(current.kind, current.start, None, current.start_key, None, placements)]

    def _start(self, kind: CustodyKind, key: str, at: datetime, facility: str | None, separated: bool | None) -> None:
        self._open = _OpenEpisode(kind, at, key, [], facility, separated, at)

    def _start_sentence(self, key: str, at: datetime, details: Mapping[str, Any]) -> None:
        # A custodial sentence usually keeps the child where they already are, so the
        # current placement carries over unless the sentence names a facility.
        facility, separated = _facility(details), _separated(details)
        if facility is None and self._open is not None:
            facility = self._open.facility
            if "separated_from_adults" not in details:
                separated = self._open.separated
        self._end(key, at)
        self._start(CustodyKind.SENTENCED, key, at, facility, separated)

    def _end(self, key: str, at: datetime) -> None:
        current = self._open
        if current is None:
            return
        current.close_placement(at)
        self._episodes.append(
            CustodyEpisode(current.kind, current.start, at, current.start_key, key, tuple(current.placements))
        )
        self._open = None


def derive_episodes(events: Iterable[TimelineEvent], as_of: datetime | None = None) -> list[CustodyEpisode]:
    """Custody episodes in chronological order, from the events known at `as_of` (all events if None).

    Events after `as_of` are ignored, so the custody state on any past day can be
    reconstructed: an episode that ended after `as_of` is open at `as_of`.
    """
    if as_of is not None:
        _require_aware(as_of)
    tracker = CustodyTracker()
    for event in chronological(events):
        if as_of is not None and event.at > as_of:
            break
        tracker.apply(event)
    return tracker.episodes()


def total_seconds(episodes: Iterable[CustodyEpisode], as_of: datetime) -> int:
    """Whole seconds deprived of liberty up to `as_of`, across all episodes and agencies."""
    # Episodes never overlap, so a plain sum counts no second twice.
    return sum(episode.seconds(as_of) for episode in episodes)


def in_custody(episodes: Iterable[CustodyEpisode], at: datetime) -> CustodyEpisode | None:
    """The episode the child is in at the instant `at`, or None if free."""
    return next((episode for episode in episodes if episode.is_open(at)), None)


def _facility(details: Mapping[str, Any]) -> str | None:
    value = details.get("facility")
    return value if isinstance(value, str) and value.strip() else None


def _separated(details: Mapping[str, Any]) -> bool | None:
    value = details.get("separated_from_adults")
    return value if isinstance(value, bool) else None


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("custody arithmetic needs a timezone-aware datetime")
