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

What does not depend on the case is worked out once per pack and kept for the life
of the process (`_Pack`, `_Rule`): each rule's deadline template and fixed words,
the events it looks for, how its limits fall due, and the pack's calendars. A bulk
refresh evaluates every case of a registry against a dozen packs, so that work was
most of the engine's time when it was done per case. The deadline of a clock that
never started is the same object for every case (deadlines are frozen).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from justice_tracker.rules.calendar import Due, DuePlan, LocalCalendar
from justice_tracker.rules.clocks import EventQuery, Stretch, Timeline
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
from justice_tracker.rules.extensions import EXTENSION_EVENTS, Extended, extension_matches, grant
from justice_tracker.rules.model import (
    AgeAt,
    CaseFacts,
    Circumstance,
    Deadline,
    Duration,
    Exclusion,
    Kind,
    Occurrence,
    Rule,
    RulePack,
    Start,
    Status,
    Unit,
)
from justice_tracker.timeline.facts import TimelineEvent

JOURNEY_DETAIL = "journey_minutes"
_NO_TIME = timedelta(0)


class _Rule:
    """What the engine works out once per rule of a pack rather than once per case: the
    deadline every result is copied from, the fixed words, the events it looks for."""

    __slots__ = (
        "_plans",
        "adds_journey",
        "conditional",
        "evaluate",
        "extends",
        "limit_words",
        "may_precede",
        "met_by",
        "not_started",
        "prohibited_for",
        "reads_end",
        "rule",
        "start_index",
        "start_noun",
        "subject_noun",
        "suffix",
        "template",
        "warning_before",
        "warning_fraction",
    )

    def __init__(self, rule: Rule, start_index: int) -> None:
        self.rule = rule
        # Rules with equal starts share an index: a case's stretches are found once per start.
        self.start_index = start_index
        self.evaluate = _EVALUATORS[rule.kind]
        self.template = Deadline(
            rule_id=rule.id,
            kind=rule.kind,
            title=rule.title,
            citation=rule.citation,
            source_url=rule.source_url,
            verification=rule.verification,
            force=rule.force,
            advisory=rule.advisory,
            status=Status.NOT_APPLICABLE,
            explanation="",
            consequence=rule.consequence.text,
            consequence_kind=rule.consequence.kind,
        )
        note = f" (advisory, verification {rule.verification}: never counted as a breach)" if rule.advisory else ""
        self.suffix = f" — {rule.citation}{note}"
        self.start_noun = start_noun(rule.start)
        self.subject_noun = subject_noun(rule.start)
        self.limit_words = rule_limit_text(rule, rule.limit) if rule.limit is not None else ""
        self.met_by = EventQuery(rule.met_by)
        # A safeguard is met by an event even before its start.
        self.may_precede = rule.kind is Kind.SAFEGUARD
        self.adds_journey = Exclusion.JOURNEY_TIME in rule.exclusions
        self.prohibited_for = _prohibited_for(rule)
        self.warning_before = _warning_before(rule)
        self.warning_fraction = rule.warning.fraction or 0
        # The due plans of the rule's own limits; an extended limit's is made when needed.
        own = (rule.limit, rule.first_limit, rule.not_before)
        self._plans = [(limit, self._new_plan(limit)) for limit in own if limit is not None]
        self.extends = EventQuery(extension_matches(rule))
        conditions = rule.conditions
        self.conditional = conditions.reads_age or conditions.reads_offences or conditions.reads_offence_date
        self.reads_end = conditions.reads_age and conditions.age_at is AgeAt.END
        self.not_started = _not_applicable(self, f"no {self.subject_noun} recorded")

    def plan(self, limit: Duration) -> DuePlan:
        """How `limit` (the rule's, its first or minimum one, or one extended) falls due under the rule's options."""
        for known, plan in self._plans:
            if known is limit:
                return plan
        return self._new_plan(limit)

    def _new_plan(self, limit: Duration) -> DuePlan:
        rule = self.rule
        return DuePlan(limit, first_day_counts=rule.first_day_counts, exclusions=rule.exclusions, expiry=rule.expiry)

    def limit_text(self, limit: Duration) -> str:
        """`rule_limit_text` of the limit as extended (the rule's own, worded once, when not extended)."""
        return self.limit_words if limit is self.rule.limit else rule_limit_text(self.rule, limit)


class _Pack:
    """A pack's rules as the engine runs them, and its calendars (one per set of closure days)."""

    __slots__ = ("_calendars", "pack", "rules", "starts")

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        starts: list[Start] = []
        rules = []
        for rule in pack.rules:
            if rule.start not in starts:
                starts.append(rule.start)
            rules.append(_Rule(rule, starts.index(rule.start)))
        self.rules = tuple(rules)
        self.starts = tuple(starts)
        self._calendars: dict[frozenset[date], LocalCalendar] = {}

    def calendar(self, closures: Iterable[date]) -> LocalCalendar:
        days = frozenset(closures)
        calendar = self._calendars.get(days)
        if calendar is None:
            if len(self._calendars) >= _MAX_CALENDARS:
                self._calendars.clear()
            pack = self.pack
            calendar = LocalCalendar(pack.zone, pack.holiday_country, pack.subdivision, days)
            self._calendars[days] = calendar
        return calendar


# Packs are known by identity: a RulePack cannot be hashed (its rules hold dicts). The
# entry keeps the pack alive, so its id is not reused while the entry exists.
_PACKS: dict[int, _Pack] = {}
_MAX_PACKS = 256
_MAX_CALENDARS = 64


def _prepared(pack: RulePack) -> _Pack:
    prepared = _PACKS.get(id(pack))
    if prepared is None or prepared.pack is not pack:
        if len(_PACKS) >= _MAX_PACKS:
            _PACKS.clear()
        prepared = _PACKS[id(pack)] = _Pack(pack)
    return prepared


class _Context:
    """One case at one instant: its facts, its timeline and the pack's calendar."""

    __slots__ = ("_local_dates", "_stretches", "as_of", "calendar", "case", "extended", "timeline")

    def __init__(self, case: CaseFacts, timeline: Timeline, pack: _Pack, closures: Iterable[date]) -> None:
        self.case = case
        self.timeline = timeline
        self.calendar = pack.calendar(closures)
        self.as_of = timeline.as_of
        # Every rule asks for its stretches first; rules with equal starts share them.
        self._stretches = [timeline.stretches(start) for start in pack.starts]
        self._local_dates: dict[datetime | None, date] = {}
        # Most cases have no extension to look for.
        self.extended = any(map(timeline.has, EXTENSION_EVENTS))

    def stretches(self, prepared: _Rule) -> list[Stretch]:
        """Every start of the rule's clock (a list shared by the rules with this start: do not change it)."""
        return self._stretches[prepared.start_index]

    def local(self, instant: datetime | None) -> date:
        found = self._local_dates.get(instant)
        if found is None:
            found = self._local_dates[instant] = self.calendar.local_date(instant or self.as_of)
        return found

    def due(self, prepared: _Rule, start: datetime, limit: Duration, journey: timedelta = timedelta(0)) -> Due:
        return prepared.plan(limit).due(self.calendar, start, journey)

    def due_text(self, due: Due) -> str:
        return f"end of {due.local_date.isoformat()}" if due.local_date else local_time(due.at, self.calendar.zone)

    def unmet(self, prepared: _Rule, first: Stretch, last: Stretch | None = None) -> str | None:
        if not prepared.conditional:
            return None
        start = self.local(first.at)
        # The end is read only for an age at the end of the clock; otherwise any date does.
        end = self.local((last or first).end) if prepared.reads_end else start
        return unmet_condition(prepared.rule.conditions, self.case, start=start, end=end)


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
    prepared = _prepared(pack)
    context = _Context(case, Timeline(events, as_of), prepared, closures)
    applying: list[Deadline] = []
    not_applying: list[Deadline] = []
    for rule in prepared.rules:
        if not context.stretches(rule):
            # A clock that never started: the same deadline for every case.
            not_applying.append(rule.not_started)
            continue
        for deadline in rule.evaluate(rule, context):
            (not_applying if deadline.status is Status.NOT_APPLICABLE else applying).append(deadline)
    return applying + not_applying


def _result(prepared: _Rule, status: Status, explanation: str, fields: dict[str, Any] | None = None) -> Deadline:
    """The rule's deadline with this status and explanation and `fields` (the dict is used up)."""
    if status is Status.BREACHED and prepared.rule.advisory:
        status = Status.ADVISORY_UNMET
    if fields is None:
        fields = {}
    fields["status"] = status
    fields["explanation"] = explanation + prepared.suffix
    return prepared.template.but(fields)


def _not_applicable(prepared: _Rule, reason: str) -> Deadline:
    return _result(prepared, Status.NOT_APPLICABLE, f"Not applicable: {reason}")


def _status(due: datetime, met_at: datetime | None, as_of: datetime, window: timedelta) -> Status:
    if met_at is not None:
        return Status.MET if met_at <= due else Status.MET_LATE
    if as_of > due:
        return Status.BREACHED
    return Status.AT_RISK if as_of >= due - window else Status.PENDING


def _window(prepared: _Rule, start: datetime, due: datetime) -> timedelta:
    if prepared.warning_before is not None:
        return prepared.warning_before
    return (due - start) * prepared.warning_fraction


def _warning_before(rule: Rule) -> timedelta | None:
    """A warning window of a fixed length, if the rule gives one (else a fraction of the limit)."""
    before = rule.warning.before
    if before is None:
        return None
    return timedelta(hours=before.amount) if before.unit is Unit.HOURS else timedelta(days=before.amount)


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


def _limit(prepared: _Rule, context: _Context, start: datetime, before: datetime | None) -> tuple[Duration, str, int]:
    """The limit of this run of the rule's clock with the extensions granted in it, in words
    ("limit 24 h + 12 h extension (extended 1×)"), and how many were granted."""
    assert prepared.rule.limit is not None
    # Most cases have no extension to look at.
    events = context.timeline.all(prepared.extends, after=start, before=before) if context.extended else []
    if not events:
        return prepared.rule.limit, f"limit {prepared.limit_words}", 0
    extended = grant(prepared.rule, events, context.case, context.local(start))
    limit = extended.limit(prepared.rule.limit)
    return limit, f"limit {prepared.limit_text(limit)}{_extension_text(extended)}", len(extended.granted)


# deadline and safeguard ---------------------------------------------------------------


def _per_stretch(
    prepared: _Rule,
    context: _Context,
    stretches: Sequence[Stretch],
    build: Callable[[Stretch, datetime | None], list[Deadline]],
) -> list[Deadline]:
    """`build` for each run of the clock whose conditions hold (with the next run's start); else why none."""
    if not stretches:
        return [prepared.not_started]
    results: list[Deadline] = []
    reasons: list[str] = []
    for index, stretch in enumerate(stretches):
        reason = context.unmet(prepared, stretch)
        if reason:
            reasons.append(reason)
            continue
        following = stretches[index + 1].at if index + 1 < len(stretches) else None
        results.extend(build(stretch, following))
    return results or [_not_applicable(prepared, reasons[0])]


def _timed(prepared: _Rule, context: _Context) -> list[Deadline]:
    stretches = context.stretches(prepared)
    if prepared.rule.occurrence is Occurrence.FIRST:
        stretches = stretches[:1]
    return _per_stretch(
        prepared, context, stretches, lambda stretch, following: [_one_timed(prepared, context, stretch, following)]
    )


def _one_timed(prepared: _Rule, context: _Context, stretch: Stretch, following: datetime | None) -> Deadline:
    rule = prepared.rule
    start_at = stretch.at
    met = context.timeline.first(prepared.met_by, after=None if prepared.may_precede else start_at)
    met_at = met.at if met else None
    noun = prepared.start_noun
    if rule.limit is None:
        fields = {
            "start_key": stretch.key,
            "start_at": start_at,
            "met_by_key": met.key if met else None,
            "met_at": met_at,
        }
        if met is None:
            wanted = " or ".join(event_label(match.event).lower() for match in rule.met_by)
            explanation = f"Not recorded yet ({wanted}); the law sets no time limit"
            return _result(prepared, Status.PENDING, explanation, fields)
        return _result(prepared, Status.MET, f"{_met_text(met, stretch, noun)}; the law sets no time limit", fields)

    limit, limit_words, extended_by = _limit(prepared, context, start_at, following)
    journey = _journey(rule, met) if prepared.adds_journey else _NO_TIME
    due = context.due(prepared, start_at, limit, journey)
    due_at = due.at
    window = _window(prepared, start_at, due_at)
    status = _status(due_at, met_at, context.as_of, window)
    if journey:
        limit_words += f", plus {span(journey)} journey time"
    if met is None:
        explanation = f"{_upper_first(_open_text(context, due, status))}; {limit_words} from {noun}"
    elif _too_early(prepared, context, stretch, met):
        assert rule.not_before is not None
        status = Status.BREACHED
        too_early = f"earlier than the {limit_text(rule.not_before)} the law requires"
        explanation = f"{_met_text(met, stretch, noun)}: {too_early}; {limit_words}"
    else:
        late = f", {span(met_at - due_at)} late" if status is Status.MET_LATE else ""
        explanation = f"{_met_text(met, stretch, noun)}{late}; {limit_words}"
    fields = {
        "due": due_at,
        "due_local_date": due.local_date,
        "at_risk_from": due_at - window,
        "extended_by": extended_by,
        "start_key": stretch.key,
        "start_at": start_at,
        "met_by_key": met.key if met else None,
        "met_at": met_at,
    }
    return _result(prepared, status, explanation, fields)


def _met_text(met: TimelineEvent, stretch: Stretch, noun: str) -> str:
    if met.at < stretch.at:
        return f"{event_label(met.type)} {span(stretch.at - met.at)} before {noun}"
    return f"{event_label(met.type)} {span(met.at - stretch.at)} after {noun}"


def _journey(rule: Rule, met: TimelineEvent | None) -> timedelta:
    if met is None or Exclusion.JOURNEY_TIME not in rule.exclusions:
        return _NO_TIME
    minutes = met.details.get(JOURNEY_DETAIL)
    valid = isinstance(minutes, int) and not isinstance(minutes, bool) and minutes > 0
    return timedelta(minutes=minutes) if valid else _NO_TIME


def _too_early(prepared: _Rule, context: _Context, stretch: Stretch, met: TimelineEvent) -> bool:
    not_before = prepared.rule.not_before
    if not_before is None:
        return False
    opens = context.due(prepared, stretch.at, not_before)
    # A window of days opens at the start of its first day; one of hours, at the instant.
    earliest = context.calendar.start_of_day(opens.local_date) if opens.local_date else opens.at
    return met.at < earliest


# recurring ------------------------------------------------------------------------------


def _recurring(prepared: _Rule, context: _Context) -> list[Deadline]:
    stretches = context.stretches(prepared)
    return _per_stretch(prepared, context, stretches, lambda stretch, _: _cycles(prepared, context, stretch))


def _cycles(prepared: _Rule, context: _Context, stretch: Stretch) -> list[Deadline]:
    rule = prepared.rule
    assert rule.limit is not None
    recorded = context.timeline.all(prepared.met_by, after=stretch.at, before=stretch.end)
    reviews = [e for e in recorded if e.at > stretch.at]
    anchor_at, anchor_key, anchor_noun = stretch.at, stretch.key, prepared.start_noun
    interval = rule.first_limit or rule.limit
    results = []
    for review in reviews:
        due = context.due(prepared, anchor_at, interval)
        status = Status.MET if review.at <= due.at else Status.MET_LATE
        late = f", {span(review.at - due.at)} late" if status is Status.MET_LATE else ""
        done = f"{event_label(review.type)} {span(review.at - anchor_at)} after {anchor_noun}{late}"
        explanation = f"{done}; at least every {limit_text(interval)}"
        results.append(_cycle(prepared, status, explanation, due, anchor_key, anchor_at, review.key, review.at))
        anchor_at, anchor_key, anchor_noun, interval = review.at, review.key, "the previous review", rule.limit
    due = context.due(prepared, anchor_at, interval)
    every = f"at least every {limit_text(interval)} from {anchor_noun}"
    if stretch.end is not None:
        status = Status.MET if stretch.end <= due.at else Status.MET_LATE
        late = f", {span(stretch.end - due.at)} after the next review was due" if status is Status.MET_LATE else ""
        explanation = f"Custody ended {span(stretch.end - anchor_at)} after {anchor_noun}{late}; {every}"
        results.append(_cycle(prepared, status, explanation, due, anchor_key, anchor_at, stretch.end_key, stretch.end))
    else:
        window = _window(prepared, anchor_at, due.at)
        status = _status(due.at, None, context.as_of, window)
        explanation = f"Next review {_open_text(context, due, status)}; {every}"
        results.append(_cycle(prepared, status, explanation, due, anchor_key, anchor_at, None, None, due.at - window))
    return results


def _cycle(
    prepared: _Rule,
    status: Status,
    explanation: str,
    due: Due,
    start_key: str,
    start_at: datetime,
    met_by_key: str | None,
    met_at: datetime | None,
    at_risk_from: datetime | None = None,
) -> Deadline:
    fields = {
        "due": due.at,
        "due_local_date": due.local_date,
        "at_risk_from": at_risk_from,
        "start_key": start_key,
        "start_at": start_at,
        "met_by_key": met_by_key,
        "met_at": met_at,
    }
    return _result(prepared, status, explanation, fields)


# maximum duration -------------------------------------------------------------------------


def _maximum(prepared: _Rule, context: _Context) -> list[Deadline]:
    rule = prepared.rule
    assert rule.limit is not None
    stretches = context.stretches(prepared)
    if not stretches:
        return [prepared.not_started]
    first = stretches[0]
    reason = context.unmet(prepared, first, stretches[-1])
    if reason:
        return [_not_applicable(prepared, reason)]
    stop = context.timeline.first(prepared.met_by, after=first.at) if rule.met_by else None
    limit, limit_words, extended_by = _limit(prepared, context, first.at, None)
    # A stretch that starts at the stop (a trial opening as detention is ordered) counts for nothing.
    counted = [stretch for stretch in stretches if stop is None or stretch.at <= stop.at]
    held = timedelta(0)
    exceeded: Due | None = None
    for stretch in counted:
        end = min(t for t in (stretch.end, stop.at if stop else None, context.as_of) if t is not None)
        # Starting the clock earlier by the time already held carries earlier stretches over.
        clock_start = stretch.at - held
        due = context.due(prepared, clock_start, limit)
        if exceeded is None and end > due.at:
            exceeded = due
        held += end - stretch.at

    last = counted[-1]
    noun = prepared.subject_noun
    episodes = f" over {len(counted)} stretches" if len(counted) > 1 else ""
    fields: dict[str, Any] = {"start_key": first.key, "start_at": first.at, "extended_by": extended_by}
    if last.end is None and stop is None:
        window = _window(prepared, clock_start, due.at)
        status = _status(due.at, None, context.as_of, window)
        explanation = f"Held {span(held)} in {noun}{episodes}; {_open_text(context, due, status)}; {limit_words}"
        fields.update(due=due.at, due_local_date=due.local_date, at_risk_from=due.at - window)
        return [_result(prepared, status, explanation, fields)]
    fields.update(met_by_key=stop.key if stop else last.end_key, met_at=stop.at if stop else last.end)
    if exceeded is None:
        explanation = f"Held {span(held)} in {noun}{episodes}, within the limit; {limit_words}"
        return [_result(prepared, Status.MET, explanation, fields)]
    explanation = (
        f"Held {span(held)} in {noun}{episodes}: beyond the limit due by {context.due_text(exceeded)}; {limit_words}"
    )
    return [
        _result(
            prepared,
            Status.MET_LATE,
            explanation,
            {**fields, "due": exceeded.at, "due_local_date": exceeded.local_date},
        )
    ]


# prohibition --------------------------------------------------------------------------------


def _prohibition(prepared: _Rule, context: _Context) -> list[Deadline]:
    stretches = context.stretches(prepared)
    return _per_stretch(prepared, context, stretches, lambda stretch, _: [_prohibited(prepared, context, stretch)])


def _prohibited(prepared: _Rule, context: _Context, stretch: Stretch) -> Deadline:
    what = prepared.subject_noun
    fields: dict[str, Any] = {"start_key": stretch.key, "start_at": stretch.at}
    if prepared.rule.when is Circumstance.NOT_SEPARATED_FROM_ADULTS:
        with_adults = stretch.first_held_with_adults
        if with_adults is not None:
            explanation = (
                f"Held with adults in {what} from {_local_time(context, with_adults)}{_ended(context, stretch)}"
            )
            fields["due"] = with_adults
            return _result(prepared, Status.BREACHED, explanation, fields)
        if stretch.separation_unknown:
            explanation = f"Not recorded whether every place of {what} separates the child from adults"
            return _result(prepared, Status.PENDING, explanation, fields)
        return _result(prepared, Status.MET, f"Held apart from adults throughout {what}", fields)
    explanation = (
        f"{_upper_first(what)} from {_local_time(context, stretch.at)}{_ended(context, stretch)}: "
        f"prohibited for {prepared.prohibited_for}"
    )
    fields["due"] = stretch.at
    return _result(prepared, Status.BREACHED, explanation, fields)


def _ended(context: _Context, stretch: Stretch) -> str:
    return f" (ended {_local_time(context, stretch.end)})" if stretch.end else ""


def _local_time(context: _Context, instant: datetime) -> str:
    return local_time(instant, context.calendar.zone)


def _prohibited_for(rule: Rule) -> str:
    """Whom a prohibition protects: "children aged 11 or under", "everyone"."""
    why = []
    if rule.conditions.reads_age:
        why.append(f"children {age_band(rule.conditions)}")
    if rule.conditions.selects_offences:
        why.append(f"where {describe_offences(rule.conditions)}")
    return " ".join(why) or "everyone"


_EVALUATORS: dict[Kind, Callable[[_Rule, _Context], list[Deadline]]] = {
    Kind.DEADLINE: _timed,
    Kind.SAFEGUARD: _timed,
    Kind.RECURRING: _recurring,
    Kind.MAXIMUM_DURATION: _maximum,
    Kind.PROHIBITION: _prohibition,
}
