"""Whether a child's timeline hangs together: dates, order of stages and custody state.

Details of each event are not re-checked here: that is `details.clean_details`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from justice_tracker.timeline.custody import CustodyKind, CustodyTracker
from justice_tracker.timeline.facts import ChildFacts, TimelineEvent, chronological
from justice_tracker.timeline.problems import TimelineProblem
from justice_tracker.timeline.status import reopens

# An estimated date of birth can be off by about a year either way.
ESTIMATE_MARGIN = timedelta(days=366)

# Appeals, aftercare and referrals to programmes (aftercare ones above all) legitimately happen after a
# case is closed.
ALLOWED_AFTER_CLOSURE = frozenset({"appeal_filed", "appeal_decided", "aftercare_started", "referral_updated"})
# Closing a case does not free a child serving a sentence: the end of that custody
# must still be recordable.
_CUSTODY_CONTINUATION = frozenset({"released", "transferred", "detention_reviewed"})

_DETENTION = frozenset({CustodyKind.PRETRIAL, CustodyKind.SENTENCED})
_KIND_WORDS = {
    CustodyKind.POLICE: "police custody",
    CustodyKind.PRETRIAL: "pre-trial detention",
    CustodyKind.SENTENCED: "sentenced custody",
}


def validate_timeline(
    events: Sequence[TimelineEvent],
    child: ChildFacts,
    *,
    now: datetime,
    tz: ZoneInfo,
    future_tolerance: timedelta = timedelta(minutes=5),
) -> list[TimelineProblem]:
    """Every problem with the timeline, in chronological order of the events concerned.

    Events are taken in order of `at`; events at the same instant keep the order
    they were given in, which is the only way the input order matters.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    latest = now + future_tolerance
    problems: list[TimelineProblem] = []
    tracker = CustodyTracker()
    responsible_found = False
    closed_by: TimelineEvent | None = None
    seen: dict[tuple[str, datetime], list[TimelineEvent]] = {}

    for event in chronological(events):

        def report(field: str, message: str, event: TimelineEvent = event) -> None:
            problems.append(TimelineProblem(event.key, field, message, event.type))

        state = tracker.current
        birth_message = _before_birth(event, child, tz)
        if birth_message:
            report("at", birth_message)
        if event.at > latest:
            report("at", f"is in the future ({_local(event.at, tz)}); only what has happened can be recorded")

        same_moment = seen.setdefault((event.type, event.at.astimezone(UTC)), [])
        twin = next((e for e in same_moment if dict(e.details) == dict(event.details)), None)
        if twin is not None:
            report("type", f"repeats event {twin.key}: same type, time and details")
        same_moment.append(event)

        custody_message = _custody_conflict(event, state)
        if custody_message:
            report("type", custody_message)

        if event.type == "sentenced" and not responsible_found:
            report(
                "type", "records a sentence, but no finding of responsibility (adjudicated 'responsible') precedes it"
            )

        if closed_by is not None and event.at > closed_by.at and not _allowed_after_closure(event, state):
            report(
                "type",
                f"comes after the case was closed (event {closed_by.key}); only an appeal, an appeal decision, "
                "aftercare, a referral to a programme or the end of a custodial sentence may follow a closed case",
            )

        tracker.apply(event)
        if event.type == "adjudicated" and event.details.get("finding") == "responsible":
            responsible_found = True
        elif event.type == "case_closed" and closed_by is None:
            closed_by = event
        elif reopens(event):
            closed_by = None
    return problems


def _before_birth(event: TimelineEvent, child: ChildFacts, tz: ZoneInfo) -> str | None:
    # The birth date is a local calendar date, so the event is compared by its local day.
    if child.date_of_birth is None:
        return None
    day = event.at.astimezone(tz).date()
    if child.date_of_birth_estimated:
        if day < child.date_of_birth - ESTIMATE_MARGIN:
            return f"is on {day.isoformat()}, more than a year before the child's estimated date of birth"
        return None
    if day < child.date_of_birth:
        return f"is on {day.isoformat()}, before the child's date of birth"
    return None


def _custody_conflict(event: TimelineEvent, state: CustodyKind | None) -> str | None:
    if event.type == "apprehended" and state is not None:
        return f"records an apprehension, but the child is already in {_KIND_WORDS[state]} at this time"
    if event.type in ("released", "custody_extended", "transferred") and state is None:
        what = {"released": "a release", "custody_extended": "a custody extension", "transferred": "a transfer"}
        return f"records {what[event.type]}, but the child is not in custody at this time"
    if event.type == "detention_reviewed" and state not in _DETENTION:
        where = "free" if state is None else f"in {_KIND_WORDS[state]}"
        return (
            f"records a detention review, but the child is {where}, "
            "not in pre-trial detention or sentenced custody, at this time"
        )
    return None


def _allowed_after_closure(event: TimelineEvent, state: CustodyKind | None) -> bool:
    if event.type in ALLOWED_AFTER_CLOSURE:
        return True
    return event.type in _CUSTODY_CONTINUATION and state is not None


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="minutes")
