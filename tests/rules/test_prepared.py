"""What the engine works out once and keeps (per pack, rule, calendar or start day) gives what working it
out afresh for each case gives."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from justice_tracker.rules.calendar import DuePlan, LocalCalendar, add_months, due_after
from justice_tracker.rules.clocks import EventQuery, Timeline
from justice_tracker.rules.engine import evaluate
from justice_tracker.rules.loader import load_pack
from justice_tracker.rules.model import Duration, EventMatch, Expiry, Status, Unit
from justice_tracker.timeline.custody import CustodyTracker
from justice_tracker.timeline.facts import TimelineEvent
from justice_tracker.timeline.vocabulary import EVENT_TYPES, CustodyEffect
from tests.rules.support import case, instant, offence, pack, timeline

HELD = [
    ("apprehended", "2026-03-02T10:00+00:00", {"facility": "Station", "separated_from_adults": True}),
    ("brought_before_authority", "2026-03-03T09:00+00:00"),
    ("pretrial_detention_ordered", "2026-03-03T10:00+00:00", {"facility": "YOI", "separated_from_adults": True}),
]


@settings(max_examples=200, deadline=None)
@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)), months=st.integers(-60, 120))
def test_add_months_is_relativedelta(day: date, months: int) -> None:
    assert add_months(day, months) == day + relativedelta(months=months)


def test_a_due_plan_remembers_due_days_per_calendar() -> None:
    plain = LocalCalendar("Europe/London", "GB", "ENG")
    closed = LocalCalendar("Europe/London", "GB", "ENG", [date(2026, 4, 24)])
    limit = Duration(3, Unit.CALENDAR_DAYS)
    plan = DuePlan(limit, expiry=Expiry.PRECEDING_WORKING_DAY)
    start = datetime(2026, 4, 21, 9, tzinfo=UTC)
    for calendar in (plain, closed, plain, closed):
        assert plan.due(calendar, start) == due_after(calendar, start, limit, expiry=Expiry.PRECEDING_WORKING_DAY)
    assert plan.due(plain, start).local_date == date(2026, 4, 24)
    assert plan.due(closed, start).local_date == date(2026, 4, 23)


def test_closure_days_passed_with_a_case_apply_to_that_case_only() -> None:
    facts = case(offences=[offence(0.5, "summary")])
    events = timeline([HELD[2]])
    as_of = instant("2026-04-20T12:00+01:00")
    gb = pack("GB-EAW")
    plain = evaluate(facts, events, gb, as_of)
    # Day 56 of the custody time limit falls on 28 April; closing the court that day moves it earlier.
    closed = evaluate(facts, events, gb, as_of, closures=[date(2026, 4, 28)])
    assert evaluate(facts, events, gb, as_of) == plain
    assert closed != plain


def test_a_pack_changed_or_loaded_again_is_not_confused_with_the_one_before() -> None:
    facts = case()
    events = timeline(HELD)
    as_of = instant("2026-03-05T12:00+00:00")
    first = load_pack("GB-EAW")
    again = load_pack("GB-EAW")
    assert evaluate(facts, events, first, as_of) == evaluate(facts, events, again, as_of)
    renamed = dataclasses.replace(
        first, rules=tuple(dataclasses.replace(rule, title=f"{rule.title} (renamed)") for rule in first.rules)
    )
    assert all(d.title.endswith("(renamed)") for d in evaluate(facts, events, renamed, as_of))


def test_a_deadline_copy_is_what_dataclasses_replace_gives() -> None:
    deadline = evaluate(case(), timeline(HELD), pack("GB-EAW"), instant("2026-03-05T12:00+00:00"))[0]
    changes = {"status": Status.MET_LATE, "explanation": "changed", "extended_by": 2}
    assert deadline.but(changes) == dataclasses.replace(deadline, **changes)
    assert vars(deadline.but(changes)).keys() == vars(deadline).keys()


def test_only_event_types_with_a_custody_effect_change_custody() -> None:
    """The timeline gives the custody tracker only the events with a custody effect: the others must change nothing."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    for name, kind in EVENT_TYPES.items():
        if kind.custody_effect is not CustodyEffect.NONE:
            continue
        for held in (False, True):
            tracker, without = CustodyTracker(), CustodyTracker()
            if held:
                apprehended = TimelineEvent("1", "apprehended", at, {"facility": "Station"})
                tracker.apply(apprehended)
                without.apply(apprehended)
            tracker.apply(TimelineEvent("2", name, at + timedelta(hours=1), {"custodial": True, "facility": "X"}))
            assert tracker.episodes() == without.episodes(), name


def test_events_at_one_instant_are_ordered_by_key_numbers() -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC)
    events = [TimelineEvent(key, "charged", at) for key in ("e10", "e9", "e1")]
    events.append(TimelineEvent("e0", "charged", at - timedelta(hours=1)))
    assert [e.key for e in Timeline(events, at).events] == ["e0", "e1", "e9", "e10"]


def test_a_prepared_query_finds_what_its_matches_find() -> None:
    events = timeline(
        [
            ("hearing_held", "2026-01-05T10:00+00:00", {"purpose": "first_appearance"}),
            ("charged", "2026-01-06T10:00+00:00"),
            ("hearing_held", "2026-01-07T10:00+00:00", {"purpose": "Trial"}),
        ]
    )
    known = Timeline(events, instant("2026-02-01T00:00+00:00"))
    wanted = (EventMatch("hearing_held", {"purpose": ("trial",)}), EventMatch("charged"))
    assert [e.key for e in known.all(EventQuery(wanted))] == [e.key for e in known.all(wanted)] == ["e2", "e3"]
    after = instant("2026-01-06T12:00+00:00")
    assert known.first(EventQuery(wanted), after=after) == known.first(wanted, after=after) == events[2]
