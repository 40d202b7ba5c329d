"""The timeline as the engine sees it at `as_of`: events in a fixed order, custody stretches, clock starts.

Events are ordered by instant and then by key (numbers in keys compared as
numbers), never by the order they were given in, so that the same timeline always
gives the same deadlines. Events after `as_of` do not exist yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from justice_tracker.rules.model import CustodyState, EventMatch, Start
from justice_tracker.timeline.custody import CustodyEpisode, derive_episodes
from justice_tracker.timeline.facts import TimelineEvent

_DIGITS = re.compile(r"(\d+)")


def _natural(key: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(key) if part)


def event_order(event: TimelineEvent) -> tuple[datetime, tuple[tuple[int, int | str], ...]]:
    return event.at.astimezone(UTC), _natural(event.key)


@dataclass(frozen=True)
class Stretch:
    """One run of a rule's clock: from an event, or through contiguous custody episodes of a state."""

    at: datetime
    key: str
    episodes: tuple[CustodyEpisode, ...] = ()

    @property
    def end(self) -> datetime | None:
        return self.episodes[-1].end if self.episodes else None

    @property
    def end_key(self) -> str | None:
        return self.episodes[-1].end_key if self.episodes else None

    @property
    def first_held_with_adults(self) -> datetime | None:
        """When the child was first placed with adults during this stretch, if ever."""
        return next(
            (p.start for e in self.episodes for p in e.placements if p.separated_from_adults is False),
            None,
        )

    @property
    def separation_unknown(self) -> bool:
        return any(p.separated_from_adults is None for e in self.episodes for p in e.placements)


class Timeline:
    """The events known at `as_of`, in order, and the custody episodes they make."""

    def __init__(self, events: Iterable[TimelineEvent], as_of: datetime) -> None:
        self.as_of = as_of.astimezone(UTC)
        self.events: tuple[TimelineEvent, ...] = tuple(
            sorted((event for event in events if event.at <= self.as_of), key=event_order)
        )
        self.episodes = derive_episodes(self.events, self.as_of)
        # Positions of each type's events: a rule asks for a few types among many events.
        self._positions: dict[str, list[int]] = {}
        for index, event in enumerate(self.events):
            self._positions.setdefault(event.type, []).append(index)

    def _of_types(self, wanted: Iterable[EventMatch]) -> list[int]:
        """Positions of the events whose type any of `wanted` names, in timeline order."""
        types = {match.event for match in wanted}
        if len(types) == 1:
            return self._positions.get(types.pop(), [])
        return sorted(index for kind in types for index in self._positions.get(kind, ()))

    def stretches(self, start: Start) -> list[Stretch]:
        """Every start of a clock, in order."""
        if start.state is not None:
            return _state_stretches(self.episodes, start.state)
        assert start.event is not None
        preceding = self._of_types([start.preceded_by]) if start.preceded_by is not None else []
        return [
            Stretch(event.at.astimezone(UTC), event.key)
            for index in self._of_types([start.event])
            if matches(start.event, event := self.events[index])
            and (
                start.preceded_by is None
                or any(i < index and matches(start.preceded_by, self.events[i]) for i in preceding)
            )
        ]

    def first(
        self, wanted: Sequence[EventMatch], *, after: datetime | None = None, before: datetime | None = None
    ) -> TimelineEvent | None:
        """The first event matching any of `wanted`, at or after `after` and strictly before `before`."""
        return next(iter(self.all(wanted, after=after, before=before)), None)

    def all(
        self, wanted: Sequence[EventMatch], *, after: datetime | None = None, before: datetime | None = None
    ) -> list[TimelineEvent]:
        found = []
        for index in self._of_types(wanted):
            event = self.events[index]
            if (after is not None and event.at < after) or (before is not None and event.at >= before):
                continue
            if any(matches(match, event) for match in wanted):
                found.append(event)
        return found


def matches(match: EventMatch, event: TimelineEvent) -> bool:
    """Whether `event` is of the wanted type and each `where` field holds one of the wanted values.

    Text compares without regard to case, spacing or underscores, so a clerk's
    "Trial" matches a pack's `trial` and "preliminary assessment" matches
    `preliminary_assessment`.
    """
    if event.type != match.event:
        return False
    for name, wanted in match.where.items():
        value = event.details.get(name)
        values = value if isinstance(value, list | tuple) else (value,)
        accepted = {_normal(item) for item in wanted}
        if not any(_normal(item) in accepted for item in values):
            return False
    return True


def _normal(value: Any) -> Any:
    return " ".join(value.replace("_", " ").casefold().split()) if isinstance(value, str) else value


def _state_stretches(episodes: Sequence[CustodyEpisode], state: CustodyState) -> list[Stretch]:
    if state is not CustodyState.ANY:
        return [Stretch(e.start, e.start_key, (e,)) for e in episodes if e.kind.value == state.value]
    # Police custody that turns into pre-trial detention is one deprivation of liberty.
    stretches: list[Stretch] = []
    for episode in episodes:
        previous = stretches[-1] if stretches else None
        if previous is not None and previous.end == episode.start:
            stretches[-1] = Stretch(previous.at, previous.key, (*previous.episodes, episode))
        else:
            stretches.append(Stretch(episode.start, episode.start_key, (episode,)))
    return stretches
