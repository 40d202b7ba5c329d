"""The timeline as the engine sees it at `as_of`: events in a fixed order, custody stretches, clock starts.

Events are ordered by instant and then by key (numbers in keys compared as
numbers), never by the order they were given in, so that the same timeline always
gives the same deadlines. Events after `as_of` do not exist yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from itertools import pairwise
from operator import lt
from typing import Any, NamedTuple

from justice_tracker.rules.model import CustodyState, EventMatch, Start
from justice_tracker.timeline.custody import CustodyEpisode, CustodyTracker
from justice_tracker.timeline.facts import TimelineEvent
from justice_tracker.timeline.vocabulary import EVENT_TYPES, CustodyEffect

_DIGITS = re.compile(r"(\d+)")
_CUSTODY_TYPES = frozenset(name for name, kind in EVENT_TYPES.items() if kind.custody_effect is not CustodyEffect.NONE)


def _natural(key: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(key) if part)


def event_order(event: TimelineEvent) -> tuple[datetime, tuple[tuple[int, int | str], ...]]:
    return event.at.astimezone(UTC), _natural(event.key)


def _in_order(events: list[TimelineEvent]) -> tuple[TimelineEvent, ...]:
    """The events in `event_order`; the keys are compared only between events at the same instant."""
    instants = [event.at.astimezone(UTC) for event in events]
    # Timelines mostly arrive in order already.
    if all(map(lt, instants, instants[1:])):
        return tuple(events)
    order = sorted(range(len(events)), key=instants.__getitem__)
    if any(instants[one] == instants[two] for one, two in pairwise(order)):
        return tuple(sorted(events, key=event_order))
    return tuple(events[index] for index in order)


class Stretch(NamedTuple):
    """One run of a rule's clock: from an event, or through contiguous custody episodes of a state.

    A named tuple: the engine makes one per start of every clock of every case.
    """

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
        self.events: tuple[TimelineEvent, ...] = _in_order([event for event in events if event.at <= self.as_of])
        # In one pass over the events: the positions of each type's events (a rule asks for
        # a few types among many events), and the custody episodes they make.
        self._positions: dict[str, list[int]] = {}
        tracker = CustodyTracker()
        for index, event in enumerate(self.events):
            positions = self._positions.get(event.type)
            if positions is None:
                self._positions[event.type] = [index]
            else:
                positions.append(index)
            # Only events with a custody effect change custody: the tracker ignores the rest.
            if event.type in _CUSTODY_TYPES:
                tracker.apply(event)
        # As `derive_episodes` gives them, without sorting the events again.
        self.episodes = tracker.episodes()

    def has(self, event_type: str) -> bool:
        """Whether any event of the type is known."""
        return event_type in self._positions

    def stretches(self, start: Start) -> list[Stretch]:
        """Every start of a clock, in order."""
        if start.state is not None:
            return _state_stretches(self.episodes, start.state)
        assert start.event is not None
        preceding = self._positions.get(start.preceded_by.event, []) if start.preceded_by is not None else []
        events = self.events
        return [
            Stretch(events[index].at.astimezone(UTC), events[index].key)
            for index in self._positions.get(start.event.event, [])
            # Events are found by type: one without `where` matches as it is.
            if (not start.event.where or matches(start.event, events[index]))
            and (
                start.preceded_by is None
                or any(i < index and matches(start.preceded_by, self.events[i]) for i in preceding)
            )
        ]

    def first(
        self,
        wanted: Sequence[EventMatch] | EventQuery,
        *,
        after: datetime | None = None,
        before: datetime | None = None,
    ) -> TimelineEvent | None:
        """The first event matching any of `wanted`, at or after `after` and strictly before `before`."""
        found = self._select(_query(wanted), after, before, only_first=True)
        return found[0] if found else None

    def all(
        self,
        wanted: Sequence[EventMatch] | EventQuery,
        *,
        after: datetime | None = None,
        before: datetime | None = None,
    ) -> list[TimelineEvent]:
        return self._select(_query(wanted), after, before, only_first=False)

    def _select(
        self, query: EventQuery, after: datetime | None, before: datetime | None, *, only_first: bool
    ) -> list[TimelineEvent]:
        types = query.types
        if len(types) == 1:
            positions = self._positions.get(types[0], [])
        else:
            positions = []
            for kind in types:
                positions += self._positions.get(kind, ())
            positions.sort()
        events = self.events
        found = []
        for index in positions:
            event = events[index]
            if (after is not None and event.at < after) or (before is not None and event.at >= before):
                continue
            if query.plain or any(matches(match, event) for match in query.matches):
                found.append(event)
                if only_first:
                    break
        return found


class EventQuery:
    """What a rule looks for (events matching any of some `EventMatch`es), worked out once.

    The engine prepares one per rule and asks it of every case; `Timeline.first` and
    `Timeline.all` also take the matches as they are.
    """

    __slots__ = ("matches", "plain", "types")

    def __init__(self, wanted: Iterable[EventMatch]) -> None:
        self.matches = tuple(wanted)
        self.types = tuple(dict.fromkeys(match.event for match in self.matches))
        # Without `where`, an event of a wanted type matches as it is.
        self.plain = not any(match.where for match in self.matches)


def _query(wanted: Sequence[EventMatch] | EventQuery) -> EventQuery:
    return wanted if isinstance(wanted, EventQuery) else EventQuery(wanted)


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
        # The states share their names with the kinds of custody.
        kind = state.value
        return [Stretch(e.start, e.start_key, (e,)) for e in episodes if e.kind == kind]
    # Police custody that turns into pre-trial detention is one deprivation of liberty.
    stretches: list[Stretch] = []
    for episode in episodes:
        previous = stretches[-1] if stretches else None
        if previous is not None and previous.end == episode.start:
            stretches[-1] = Stretch(previous.at, previous.key, (*previous.episodes, episode))
        else:
            stretches.append(Stretch(episode.start, episode.start_key, (episode,)))
    return stretches
