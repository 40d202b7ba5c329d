"""Extensions of a limit: which `custody_extended` / `limit_extended` events a pack allows, and why others are refused.

An extension event names the rule it extends in its `rule` detail and may state its
size in `extension_hours`, `extension_days` or `extension_months` (days are the
rule's kind of day: calendar or working). Without a size it is the size the pack
gives, or whatever is left up to the pack's `up_to` total ("may extend to 36 h").
Each of a rule's extension kinds is tried in pack order; the first whose
conditions, count, size and total all allow the event takes it.

The engine and `check_extension` (which the application calls before storing an
event) share this code, so an extension the application accepted is one the engine
applies, and one it would refuse is ignored by the engine and said so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from justice_tracker.rules.clocks import Stretch, Timeline
from justice_tracker.rules.conditions import unmet_condition
from justice_tracker.rules.explain import limit_text
from justice_tracker.rules.model import (
    CaseFacts,
    Duration,
    EventMatch,
    Extension,
    Kind,
    Occurrence,
    Rule,
    RulePack,
    Unit,
)
from justice_tracker.timeline.facts import TimelineEvent

# `custody_extended` extends a custody limit; `limit_extended` any other (an inquiry, a trial window).
EXTENSION_EVENTS = ("custody_extended", "limit_extended")
_SIZE_FIELDS = {"extension_hours": Unit.HOURS, "extension_days": Unit.CALENDAR_DAYS, "extension_months": Unit.MONTHS}


@dataclass(frozen=True)
class Granted:
    key: str
    size: Duration
    extension: Extension


@dataclass(frozen=True)
class Extended:
    """The extensions granted within one run of a rule's clock, and the events refused."""

    granted: tuple[Granted, ...] = ()
    refused: tuple[str, ...] = ()

    def limit(self, base: Duration) -> Duration:
        total = base
        for grant in self.granted:
            total = total + grant.size
        return total


def extension_events(timeline: Timeline, rule: Rule, after: datetime, before: datetime | None) -> list[TimelineEvent]:
    return timeline.all(extension_matches(rule), after=after, before=before)


def extension_matches(rule: Rule) -> tuple[EventMatch, ...]:
    """The events that extend `rule`: the engine asks for them once per pack, not once per case."""
    return tuple(EventMatch(name, {"rule": (rule.id,)}) for name in EXTENSION_EVENTS)


def grant(rule: Rule, events: Sequence[TimelineEvent], case: CaseFacts | None, on: date) -> Extended:
    """Apply extension events in order; `on` is the local date whose age and offence facts count."""
    granted: list[Granted] = []
    refused: list[str] = []
    for event in events:
        outcome = try_extend(rule, granted, event, case, on)
        if isinstance(outcome, Granted):
            granted.append(outcome)
        else:
            refused.append(event.key)
    return Extended(tuple(granted), tuple(refused))


def try_extend(
    rule: Rule, granted: Sequence[Granted], event: TimelineEvent, case: CaseFacts | None, on: date
) -> Granted | list[str]:
    """The grant this event makes, or why the pack does not allow it (conditions unchecked without `case`)."""
    if rule.limit is None or not rule.extensions:
        return [f"{rule.title} ({rule.citation}) cannot be extended"]
    requested = _requested_size(event, rule.limit)
    if isinstance(requested, str):
        return [requested]
    current = Extended(tuple(granted)).limit(rule.limit)
    problems = []
    for extension in rule.extensions:
        reasons = _refusals(extension, granted, requested, current, case, on)
        if not reasons:
            size = requested or extension.amount or _remaining(extension, current)
            assert size is not None
            return Granted(event.key, size, extension)
        problems.append(f"{extension.authority} ({extension.citation}): {'; '.join(reasons)}")
    return problems


def check_extension(
    pack: RulePack,
    rule_id: str,
    events: Sequence[TimelineEvent],
    new_event: TimelineEvent,
    *,
    case: CaseFacts | None = None,
) -> list[str]:
    """Why `new_event` may not extend rule `rule_id`, given the case's other events (empty: allowed).

    Pass `case` so that extensions limited by age or offence (France's garde à vue
    under 16) are checked too; without it those conditions are not checked here,
    and the engine, which has the facts, ignores an extension they forbid.
    """
    rule = pack.rule(rule_id)
    if rule is None:
        return [f"pack {pack.code} has no rule {rule_id!r}"]
    timeline = Timeline([e for e in events if e.key != new_event.key], new_event.at)
    stretch = running_stretch(rule, timeline, new_event.at)
    if stretch is None:
        return [f"{rule.title}: its limit has not started by {new_event.at.isoformat()}; nothing to extend"]
    on = stretch.at.astimezone(pack.zone).date()
    prior = grant(rule, extension_events(timeline, rule, stretch.at, None), case, on)
    outcome = try_extend(rule, prior.granted, new_event, case, on)
    return [] if isinstance(outcome, Granted) else outcome


def running_stretch(rule: Rule, timeline: Timeline, at: datetime) -> Stretch | None:
    """The run of the rule's clock that an extension at `at` belongs to."""
    started = [stretch for stretch in timeline.stretches(rule.start) if stretch.at <= at]
    if not started:
        return None
    # A maximum duration is one allowance over every episode; a first-only deadline runs once.
    if rule.kind is Kind.MAXIMUM_DURATION or rule.occurrence is Occurrence.FIRST:
        return started[0]
    return started[-1]


def _requested_size(event: TimelineEvent, limit: Duration) -> Duration | str | None:
    sizes = [(name, unit) for name, unit in _SIZE_FIELDS.items() if event.details.get(name) is not None]
    if not sizes:
        return None
    if len(sizes) > 1:
        return "give the extension's size in one unit only"
    name, unit = sizes[0]
    amount = event.details[name]
    if unit is Unit.CALENDAR_DAYS and limit.unit is Unit.WORKING_DAYS:
        unit = Unit.WORKING_DAYS
    size = Duration(int(amount), unit)
    if not size.compatible(limit) or size.amount < 1:
        return f"give the extension in {limit.normalised.unit.value.replace('_', ' ')} (a limit of {limit_text(limit)})"
    return size


def _refusals(
    extension: Extension,
    granted: Sequence[Granted],
    requested: Duration | None,
    current: Duration,
    case: CaseFacts | None,
    on: date,
) -> list[str]:
    reasons = []
    if case is not None:
        unmet = unmet_condition(extension.conditions, case, start=on, end=on)
        if unmet:
            reasons.append(unmet)
    used = sum(1 for g in granted if g.extension is extension)
    if extension.max_count is not None and used >= extension.max_count:
        reasons.append(f"already granted {used} time(s); allowed {extension.max_count}")
    size = requested or extension.amount or _remaining(extension, current)
    if size is None or size.amount <= 0:
        reasons.append(f"the limit is already at its maximum of {limit_text(current)}")
        return reasons
    if extension.amount is not None and size.normalised.amount > extension.amount.normalised.amount:
        reasons.append(f"asks for {limit_text(size)}; at most {limit_text(extension.amount)} each time")
    total = current + size
    if extension.up_to is not None and total.normalised.amount > extension.up_to.normalised.amount:
        reasons.append(f"would make the limit {limit_text(total)}; at most {limit_text(extension.up_to)} in all")
    return reasons


def _remaining(extension: Extension, current: Duration) -> Duration | None:
    return extension.up_to - current if extension.up_to is not None else None
