"""The API's answers: cases, events, custody and children as JSON-ready dicts.

Identity fields are left out for roles that do not see identity (`sees_identity`),
whatever the endpoint: the API never relies on a route alone to hide them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from justice_tracker.auth.access import can_view_case, sees_identity
from justice_tracker.auth.models import User
from justice_tracker.cases.models import Case, CaseStatus, Child, Event
from justice_tracker.cases.schemas import (
    IDENTITY_FIELDS,
    CaseDetailSchema,
    CaseSummarySchema,
    ChildSchema,
    EventSchema,
    zone_context,
)
from justice_tracker.cases.timeline import as_timeline, custody_run_start, effective_events
from justice_tracker.timeline.custody import CustodyEpisode, derive_episodes, total_seconds
from justice_tracker.timeline.durations import format_duration
from justice_tracker.timeline.status import is_closed


class _View:
    """An ORM object with a few extra attributes for dumping (marshmallow reads attributes)."""

    def __init__(self, obj: Any, **extra: Any) -> None:
        self._obj = obj
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)


@dataclass(frozen=True)
class CaseState:
    """A case on one instant, from the events recorded by `known_at` (all when None)."""

    as_of: datetime
    known_at: datetime | None
    events: list[Event]
    episodes: list[CustodyEpisode]

    @property
    def status(self) -> str:
        return CaseStatus.CLOSED if is_closed(as_timeline(self.events)) else CaseStatus.OPEN

    @property
    def custody_run(self) -> CustodyEpisode | None:
        return custody_run_start(self.episodes, self.as_of)


def case_state(case: Case, as_of: datetime, known_at: datetime | None = None) -> CaseState:
    rows: Iterable[Event] = case.events
    if known_at is not None:
        rows = [e for e in rows if e.recorded_at <= known_at]
    standing = sorted((e for e in effective_events(rows) if e.at <= as_of), key=lambda e: (e.at, e.seq))
    return CaseState(as_of, known_at, standing, derive_episodes(as_timeline(standing), as_of))


def _identity_exclusions(user: User, prefix: str = "") -> list[str]:
    return [] if sees_identity(user) else [f"{prefix}{name}" for name in IDENTITY_FIELDS]


def case_detail(case: Case, user: User, state: CaseState) -> dict[str, Any]:
    run = state.custody_run
    custody = {
        "in_custody": run is not None,
        "state": state.episodes[-1].kind.value if run is not None else None,
        "since": run.start if run is not None else None,
        "episodes": [_episode(e, state.as_of) for e in state.episodes],
        "total_seconds": total_seconds(state.episodes, state.as_of),
    }
    custody["total_duration"] = format_duration(custody["total_seconds"])
    view = _View(
        case,
        as_of=state.as_of,
        known_at=state.known_at,
        status=state.status,
        custody_state=custody["state"],
        custody_since=custody["since"],
        events=[_View(e, effective=True) for e in state.events],
        custody=custody,
    )
    schema = CaseDetailSchema(exclude=_identity_exclusions(user, "child."))
    with zone_context(case.time_zone):
        return schema.dump(view)


def _episode(episode: CustodyEpisode, as_of: datetime) -> dict[str, Any]:
    seconds = episode.seconds(as_of)
    return {
        "kind": episode.kind.value,
        "start": episode.start,
        "end": episode.end,
        "start_event_seq": int(episode.start_key),
        "end_event_seq": int(episode.end_key) if episode.end_key is not None else None,
        "facility": episode.facility,
        "separated_from_adults": episode.separated_from_adults,
        "seconds": seconds,
        "duration": format_duration(seconds),
        "placements": [vars(p) for p in episode.placements],
    }


def case_summary(case: Case, as_of: datetime | None) -> dict[str, Any]:
    obj: Any = case
    if as_of is not None:
        state = case_state(case, as_of)
        run = state.custody_run
        obj = _View(
            case,
            status=state.status,
            custody_state=state.episodes[-1].kind.value if run is not None else None,
            custody_since=run.start if run is not None else None,
        )
    with zone_context(case.time_zone):
        return CaseSummarySchema().dump(obj)


def event_history(case: Case, known_at: datetime | None) -> list[dict[str, Any]]:
    rows = [e for e in case.events if known_at is None or e.recorded_at <= known_at]
    standing = {e.id for e in effective_events(rows)}
    with zone_context(case.time_zone):
        return EventSchema(many=True).dump([_View(e, effective=e.id in standing) for e in rows])


def event_payload(case: Case, event: Event) -> dict[str, Any]:
    standing = {e.id for e in effective_events(case.events)}
    with zone_context(case.time_zone):
        return EventSchema().dump(_View(event, effective=event.id in standing))


def child_payload(child: Child, user: User) -> dict[str, Any]:
    with zone_context(None):
        out = ChildSchema(exclude=_identity_exclusions(user)).dump(child)
    visible = [c for c in child.cases if can_view_case(user, c)]
    out["cases"] = [{"id": c.id, "reference": c.reference, "court": c.court.name, "status": c.status} for c in visible]
    return out
