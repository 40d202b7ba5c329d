"""Whether a case stands closed: closed by `case_closed`, reopened by a remitted appeal."""

from __future__ import annotations

from collections.abc import Iterable

from justice_tracker.timeline.facts import TimelineEvent, chronological

# A remitted appeal sends the case back for a new decision, so it is open again.
REOPENING_APPEAL_OUTCOMES = frozenset({"remitted"})


def reopens(event: TimelineEvent) -> bool:
    return event.type == "appeal_decided" and event.details.get("outcome") in REOPENING_APPEAL_OUTCOMES


def is_closed(events: Iterable[TimelineEvent]) -> bool:
    closed = False
    for event in chronological(events):
        if event.type == "case_closed":
            closed = True
        elif reopens(event):
            closed = False
    return closed
