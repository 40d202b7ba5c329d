"""The deadline engine: what every rule of a pack says about one case at the instant `as_of`.

Pure: the caller passes the case's facts, its effective events, the pack, the
instant and any court closure days. Events after `as_of` are ignored, so the
deadlines of any past day can be reconstructed, and the result does not depend on
the order the events were given in (see `clocks`).

Per kind (statuses as in `model`; advisory rules say `advisory_unmet` instead of
`breached`):

- deadline: from each start (or the first, per the rule's `occurrence`), the first
  `met_by` event at or after it. Met by the due instant: met; later: met_late; not
  yet and past due: breached; within the warning window: at_risk; else pending.
  With `not_before`, an event earlier than the window opens is breached too.
- safeguard: a deadline whose `met_by` event may also come before the start; with
  no limit in the law it is met once the event is recorded and pending until then,
  never breached.
- recurring: per stretch of the state, one deadline per interval: each review met
  or met_late against the one before, then the next review due (pending, at_risk,
  breached) while the child is still held, or met/met_late by the release.
- maximum_duration: one allowance over every stretch of the state, across agencies;
  time stops counting at a `met_by` event (a trial starting). Still held: the due
  instant is when the allowance runs out; released: met, or met_late if the
  allowance was exceeded before release. Day-based allowances carry earlier
  stretches over by starting the clock earlier by the time already held.
- prohibition: breached the moment the prohibited state (or event) exists under the
  rule's conditions, and it stays breached after release (it happened); for
  separation from adults, met when every placement is recorded as separated and
  pending while any is not recorded.

A rule whose clock has not started, or whose conditions do not hold, gives one
`not_applicable` deadline saying why. Deadlines come in pack order, not-applicable
ones last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from justice_tracker.rules.calendar import Due, LocalCalendar, due_after
from justice_tracker.rules.clocks import Stretch, Timeline
from justice_tracker.rules.conditions import age_band, describe_offences, unmet_condition
from justice_tracker.rules.explain import (
    event_label,
    limit_text,
    local_time,
    rule_limit_text,
    span,
    start_noun,
    subject_noun,
)
from justice_tracker.rules.extensions import Extended, extension_events, grant
from justice_tracker.rules.model import (
    CaseFacts,
    Circumstance,
    Deadline,
    Duration,
    Exclusion,
    Kind,
    Occurrence,
    Rule,
    RulePack,
    Status,
    Unit,
)
from justice_tracker.timeline.facts import TimelineEvent

JOURNEY_DETAIL = "journey_minutes"


@dataclass(frozen=True)
class _Context:
    case: CaseFacts
    timeline: Timeline
    calendar: LocalCalendar
    as_of: datetime

    def local(self, instant: datetime | None) -> date:
        return self.calendar.local_date(instant or self.as_of)

    def due(self, rule: Rule, start: datetime, limit: Duration, journey: timedelta = timedelta(0)) -> Due:
        return due_after(
            self.calendar,
            start,
            limit,
            first_day_counts=rule.first_day_counts,
            exclusions=rule.exclusions,
            expiry=rule.expiry,
            journey=journey,
        )

    def due_text(self, due: Due) -> str:
        return f"end of {due.local_date.isoformat()}" if due.local_date else local_time(due.at, self.calendar.zone)

    def unmet(self, rule: Rule, first: Stretch, last: Stretch | None = None) -> str | None:
        end = (last or first).end
        return unmet_condition(rule.conditions, self.case, start=self.local(first.at), end=self.local(end))


def evaluate(
    case: CaseFacts,
    events: Sequence[TimelineEvent],
    pack: RulePack,
    as_of: datetime,
    *,
    closures: Iterable[date] = (),
) -> list[Deadline]:
    """Every deadline the pack's rules give for the case at `as_of` (a timezone-aware instant)."""
    if as_of.tzinfo is None or as_of.utcoffset() is None:
        raise ValueError("as_of must be timezone-aware")
    calendar = LocalCalendar(pack.zone, pack.holiday_country, pack.subdivision, closures)
    context = _Context(case, Timeline(events, as_of), calendar, as_of.astimezone(UTC))
    deadlines = [deadline for rule in pack.rules for deadline in _EVALUATORS[rule.kind](rule, context)]
    return sorted(deadlines, key=lambda deadline: deadline.status is Status.NOT_APPLICABLE)


def _result(rule: Rule, status: Status, explanation: str, **fields: Any) -> Deadline:
    advisory = rule.advisory
    if advisory and status is Status.BREACHED:
        status = Status.ADVISORY_UNMET
    note = f" (advisory, verification {rule.verification}: never counted as a breach)" if advisory else ""
    return Deadline(
        rule_id=rule.id,
        kind=rule.kind,
        title=rule.title,
        citation=rule.citation,
        source_url=rule.source_url,
        verification=rule.verification,
        force=rule.force,
        advisory=advisory,
        status=status,
        explanation=f"{explanation} — {rule.citation}{note}",
        consequence=rule.consequence.text,
        consequence_kind=rule.consequence.kind,
        **fields,
    )


def _not_applicable(rule: Rule, reason: str) -> Deadline:
    return _result(rule, Status.NOT_APPLICABLE, f"Not applicable: {reason}")


def _not_started(rule: Rule) -> Deadline:
    return _not_applicable(rule, f"no {subject_noun(rule.start)} recorded")


def _status(due: datetime, met_at: datetime | None, as_of: datetime, window: timedelta) -> Status:
    if met_at is not None:
        return Status.MET if met_at <= due else Status.MET_LATE
    if as_of > due:
        return Status.BREACHED
    return Status.AT_RISK if as_of >= due - window else Status.PENDING


def _window(rule: Rule, start: datetime, due: datetime) -> timedelta:
    before = rule.warning.before
    if before is not None:
        return timedelta(hours=before.amount) if before.unit is Unit.HOURS else timedelta(days=before.amount)
    return (due - start) * (rule.warning.fraction or 0)


def _open_text(context: _Context, due: Due, status: Status) -> str:
    """The state of a limit not yet met, in lower case: "due by …, 3 h 10 min left"."""
    if status is Status.BREACHED:
        return f"overdue by {span(context.as_of - due.at)}: due by {context.due_text(due)}"
    text = f"due by {context.due_text(due)}, {span(due.at - context.as_of)} left"
    return f"at risk: {text}" if status is Status.AT_RISK else text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _extension_text(extended: Extended) -> str:
    text = f" (extended {len(extended.granted)}×)" if extended.granted else ""
    if extended.refused:
        text += f"; {len(extended.refused)} extension(s) not allowed by the pack ignored"
    return text


# deadline and safeguard ---------------------------------------------------------------


def _per_stretch(
    rule: Rule,
    context: _Context,
    stretches: Sequence[Stretch],
    build: Callable[[Stretch, datetime | None], list[Deadline]],
) -> list[Deadline]:
    """`build` for each run of the clock whose conditions hold (with the next run's start); else why none."""
    if not stretches:
        return [_not_started(rule)]
    results: list[Deadline] = []
    reasons: list[str] = []
    for index, stretch in enumerate(stretches):
        reason = context.unmet(rule, stretch)
        if reason:
            reasons.append(reason)
            continue
        following = stretches[index + 1].at if index + 1 < len(stretches) else None
        results.extend(build(stretch, following))
    return results or [_not_applicable(rule, reasons[0])]


def _timed(rule: Rule, context: _Context) -> list[Deadline]:
    stretches = context.timeline.stretches(rule.start)
    if rule.occurrence is Occurrence.FIRST:
        stretches = stretches[:1]
    return _per_stretch(
        rule, context, stretches, lambda stretch, following: [_one_timed(rule, context, stretch, following)]
    )


def _one_timed(rule: Rule, context: _Context, stretch: Stretch, following: datetime | None) -> Deadline:
    may_precede = rule.kind is Kind.SAFEGUARD
    met = context.timeline.first(rule.met_by, after=None if may_precede else stretch.at)
    fields: dict[str, Any] = {
        "start_key": stretch.key,
        "start_at": stretch.at,
        "met_by_key": met.key if met else None,
        "met_at": met.at if met else None,
    }
    noun = start_noun(rule.start)
    if rule.limit is None:
        if met is None:
            wanted = " or ".join(event_label(match.event).lower() for match in rule.met_by)
            return _result(rule, Status.PENDING, f"Not recorded yet ({wanted}); the law sets no time limit", **fields)
        return _result(rule, Status.MET, f"{_met_text(met, stretch, noun)}; the law sets no time limit", **fields)

    extended = grant(
        rule, extension_events(context.timeline, rule, stretch.at, following), context.case, context.local(stretch.at)
    )
    limit = extended.limit(rule.limit)
    journey = _journey(rule, met)
    due = context.due(rule, stretch.at, limit, journey)
    window = _window(rule, stretch.at, due.at)
    status = _status(due.at, met.at if met else None, context.as_of, window)
    limit_words = f"limit {rule_limit_text(rule, limit)}{_extension_text(extended)}"
    if journey:
        limit_words += f", plus {span(journey)} journey time"
    if met is None:
        explanation = f"{_upper_first(_open_text(context, due, status))}; {limit_words} from {noun}"
    elif _too_early(rule, context, stretch, met):
        assert rule.not_before is not None
        status = Status.BREACHED
        too_early = f"earlier than the {limit_text(rule.not_before)} the law requires"
        explanation = f"{_met_text(met, stretch, noun)}: {too_early}; {limit_words}"
    else:
        late = f", {span(met.at - due.at)} late" if status is Status.MET_LATE else ""
        explanation = f"{_met_text(met, stretch, noun)}{late}; {limit_words}"
    return _result(
        rule,
        status,
        explanation,
        due=due.at,
        due_local_date=due.local_date,
        at_risk_from=due.at - window,
        extended_by=len(extended.granted),
        **fields,
    )


def _met_text(met: TimelineEvent, stretch: Stretch, noun: str) -> str:
    if met.at < stretch.at:
        return f"{event_label(met.type)} {span(stretch.at - met.at)} before {noun}"
    return f"{event_label(met.type)} {span(met.at - stretch.at)} after {noun}"


def _journey(rule: Rule, met: TimelineEvent | None) -> timedelta:
    if met is None or Exclusion.JOURNEY_TIME not in rule.exclusions:
        return timedelta(0)
    minutes = met.details.get(JOURNEY_DETAIL)
    valid = isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0
    return timedelta(minutes=minutes) if valid else timedelta(0)


def _too_early(rule: Rule, context: _Context, stretch: Stretch, met: TimelineEvent) -> bool:
    if rule.not_before is None:
        return False
    opens = context.due(rule, stretch.at, rule.not_before)
    # A window of days opens at the start of its first day; one of hours, at the instant.
    earliest = context.calendar.start_of_day(opens.local_date) if opens.local_date else opens.at
    return met.at < earliest


# recurring ------------------------------------------------------------------------------


def _recurring(rule: Rule, context: _Context) -> list[Deadline]:
    stretches = context.timeline.stretches(rule.start)
    return _per_stretch(rule, context, stretches, lambda stretch, _: _cycles(rule, context, stretch))


def _cycles(rule: Rule, context: _Context, stretch: Stretch) -> list[Deadline]:
    assert rule.limit is not None
    reviews = [e for e in context.timeline.all(rule.met_by, after=stretch.at, before=stretch.end) if e.at > stretch.at]
    anchor_at, anchor_key, anchor_noun = stretch.at, stretch.key, start_noun(rule.start)
    interval = rule.first_limit or rule.limit
    results = []
    for review in reviews:
        due = context.due(rule, anchor_at, interval)
        status = Status.MET if review.at <= due.at else Status.MET_LATE
        late = f", {span(review.at - due.at)} late" if status is Status.MET_LATE else ""
        done = f"{event_label(review.type)} {span(review.at - anchor_at)} after {anchor_noun}{late}"
        explanation = f"{done}; at least every {limit_text(interval)}"
        results.append(_cycle(rule, status, explanation, due, anchor_key, anchor_at, review.key, review.at))
        anchor_at, anchor_key, anchor_noun, interval = review.at, review.key, "the previous review", rule.limit
    due = context.due(rule, anchor_at, interval)
    every = f"at least every {limit_text(interval)} from {anchor_noun}"
    if stretch.end is not None:
        status = Status.MET if stretch.end <= due.at else Status.MET_LATE
        late = f", {span(stretch.end - due.at)} after the next review was due" if status is Status.MET_LATE else ""
        explanation = f"Custody ended {span(stretch.end - anchor_at)} after {anchor_noun}{late}; {every}"
        results.append(_cycle(rule, status, explanation, due, anchor_key, anchor_at, stretch.end_key, stretch.end))
    else:
        window = _window(rule, anchor_at, due.at)
        status = _status(due.at, None, context.as_of, window)
        explanation = f"Next review {_open_text(context, due, status)}; {every}"
        results.append(_cycle(rule, status, explanation, due, anchor_key, anchor_at, None, None, due.at - window))
    return results


def _cycle(
    rule: Rule,
    status: Status,
    explanation: str,
    due: Due,
    start_key: str,
    start_at: datetime,
    met_by_key: str | None,
    met_at: datetime | None,
    at_risk_from: datetime | None = None,
) -> Deadline:
    return _result(
        rule,
        status,
        explanation,
        due=due.at,
        due_local_date=due.local_date,
        at_risk_from=at_risk_from,
        start_key=start_key,
        start_at=start_at,
        met_by_key=met_by_key,
        met_at=met_at,
    )


# maximum duration -------------------------------------------------------------------------


def _maximum(rule: Rule, context: _Context) -> list[Deadline]:
    assert rule.limit is not None
    stretches = context.timeline.stretches(rule.start)
    if not stretches:
        return [_not_started(rule)]
    first = stretches[0]
    reason = context.unmet(rule, first, stretches[-1])
    if reason:
        return [_not_applicable(rule, reason)]
    stop = context.timeline.first(rule.met_by, after=first.at) if rule.met_by else None
    extended = grant(
        rule, extension_events(context.timeline, rule, first.at, None), context.case, context.local(first.at)
    )
    limit = extended.limit(rule.limit)
    # A stretch that starts at the stop (a trial opening as detention is ordered) counts for nothing.
    counted = [stretch for stretch in stretches if stop is None or stretch.at <= stop.at]
    held = timedelta(0)
    exceeded: Due | None = None
    for stretch in counted:
        end = min(t for t in (stretch.end, stop.at if stop else None, context.as_of) if t is not None)
        # Starting the clock earlier by the time already held carries earlier stretches over.
        clock_start = stretch.at - held
        due = context.due(rule, clock_start, limit)
        if exceeded is None and end > due.at:
            exceeded = due
        held += end - stretch.at

    last = counted[-1]
    noun = subject_noun(rule.start)
    episodes = f" over {len(counted)} stretches" if len(counted) > 1 else ""
    limit_words = f"limit {rule_limit_text(rule, limit)}{_extension_text(extended)}"
    fields: dict[str, Any] = {"start_key": first.key, "start_at": first.at, "extended_by": len(extended.granted)}
    if last.end is None and stop is None:
        window = _window(rule, clock_start, due.at)
        status = _status(due.at, None, context.as_of, window)
        explanation = f"Held {span(held)} in {noun}{episodes}; {_open_text(context, due, status)}; {limit_words}"
        at_risk_from = due.at - window
        return [
            _result(
                rule,
                status,
                explanation,
                due=due.at,
                due_local_date=due.local_date,
                at_risk_from=at_risk_from,
                **fields,
            )
        ]
    fields.update(met_by_key=stop.key if stop else last.end_key, met_at=stop.at if stop else last.end)
    if exceeded is None:
        explanation = f"Held {span(held)} in {noun}{episodes}, within the limit; {limit_words}"
        return [_result(rule, Status.MET, explanation, **fields)]
    explanation = (
        f"Held {span(held)} in {noun}{episodes}: beyond the limit due by {context.due_text(exceeded)}; {limit_words}"
    )
    return [_result(rule, Status.MET_LATE, explanation, due=exceeded.at, due_local_date=exceeded.local_date, **fields)]


# prohibition --------------------------------------------------------------------------------


def _prohibition(rule: Rule, context: _Context) -> list[Deadline]:
    stretches = context.timeline.stretches(rule.start)
    return _per_stretch(rule, context, stretches, lambda stretch, _: [_prohibited(rule, context, stretch)])


def _prohibited(rule: Rule, context: _Context, stretch: Stretch) -> Deadline:
    zone = context.calendar.zone
    what = subject_noun(rule.start)
    fields: dict[str, Any] = {"start_key": stretch.key, "start_at": stretch.at}
    ended = f" (ended {local_time(stretch.end, zone)})" if stretch.end else ""
    if rule.when is Circumstance.NOT_SEPARATED_FROM_ADULTS:
        with_adults = stretch.first_held_with_adults
        if with_adults is not None:
            explanation = f"Held with adults in {what} from {local_time(with_adults, zone)}{ended}"
            return _result(rule, Status.BREACHED, explanation, due=with_adults, **fields)
        if stretch.separation_unknown:
            explanation = f"Not recorded whether every place of {what} separates the child from adults"
            return _result(rule, Status.PENDING, explanation, **fields)
        return _result(rule, Status.MET, f"Held apart from adults throughout {what}", **fields)
    why = []
    if rule.conditions.reads_age:
        why.append(f"children {age_band(rule.conditions)}")
    if rule.conditions.selects_offences:
        why.append(f"where {describe_offences(rule.conditions)}")
    explanation = (
        f"{_upper_first(what)} from {local_time(stretch.at, zone)}{ended}: prohibited for {' '.join(why) or 'everyone'}"
    )
    return _result(rule, Status.BREACHED, explanation, due=stretch.at, **fields)


_EVALUATORS = {
    Kind.DEADLINE: _timed,
    Kind.SAFEGUARD: _timed,
    Kind.RECURRING: _recurring,
    Kind.MAXIMUM_DURATION: _maximum,
    Kind.PROHIBITION: _prohibition,
}
