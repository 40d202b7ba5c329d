"""Typed rule packs, the case facts the engine reads, and the deadlines it returns.

Statuses. A rule gives one of: pending, at_risk, met, met_late, breached,
not_applicable. Rules whose source is only secondary or unchecked (verification S
or U) or whose force is advisory are *advisory*: they are computed exactly like
binding rules and may be pending, at_risk, met or met_late, but a limit they set is
never reported as `breached`; where a binding rule would be breached, an advisory
one is `advisory_unmet`. So a query for `breached` can never pick up an advisory
rule, and `Deadline.is_breach` is False for every advisory deadline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from justice_tracker.timeline.facts import ChildFacts


class Kind(StrEnum):
    DEADLINE = "deadline"
    RECURRING = "recurring"
    MAXIMUM_DURATION = "maximum_duration"
    PROHIBITION = "prohibition"
    SAFEGUARD = "safeguard"


class Unit(StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"
    YEARS = "years"


DAY_UNITS = frozenset({Unit.CALENDAR_DAYS, Unit.WORKING_DAYS})
CALENDAR_UNITS = DAY_UNITS | {Unit.MONTHS, Unit.YEARS}


class Verification(StrEnum):
    PRIMARY = "P"
    VERBATIM = "V"
    SECONDARY = "S"
    UNVERIFIED = "U"


ADVISORY_LEVELS = frozenset({Verification.SECONDARY, Verification.UNVERIFIED})


class Force(StrEnum):
    BINDING = "binding"
    INTERNATIONAL_STANDARD = "international_standard"
    ADVISORY = "advisory"


class ConsequenceKind(StrEnum):
    RELEASE = "release"
    DISMISSAL = "dismissal"
    TERMINATION = "termination"
    DIRECTORY = "directory"
    LAPSE = "lapse"
    ADVISORY = "advisory"
    UNSPECIFIED = "unspecified"


class Status(StrEnum):
    PENDING = "pending"
    AT_RISK = "at_risk"
    MET = "met"
    MET_LATE = "met_late"
    BREACHED = "breached"
    ADVISORY_UNMET = "advisory_unmet"
    NOT_APPLICABLE = "not_applicable"


class CustodyState(StrEnum):
    """A custody state a rule can start from; `any_custody` is any deprivation of liberty."""

    POLICE = "police_custody"
    PRETRIAL = "pretrial_detention"
    SENTENCED = "sentenced_custody"
    ANY = "any_custody"


class Occurrence(StrEnum):
    """Whether a rule runs once, from the first start, or again from each start."""

    FIRST = "first"
    EACH = "each"


class Expiry(StrEnum):
    """What happens to a limit that ends on a day that is not a working day."""

    UNCHANGED = "unchanged"
    PRECEDING_WORKING_DAY = "preceding_working_day"
    NEXT_WORKING_DAY = "next_working_day"


class Exclusion(StrEnum):
    """Periods left out of a count: whole local days of a kind, or the child's journey time."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"
    CHRISTMAS_DAY = "christmas_day"
    GOOD_FRIDAY = "good_friday"
    PUBLIC_HOLIDAYS = "public_holidays"
    JOURNEY_TIME = "journey_time"


WEEKDAY_EXCLUSIONS = (
    Exclusion.MONDAY,
    Exclusion.TUESDAY,
    Exclusion.WEDNESDAY,
    Exclusion.THURSDAY,
    Exclusion.FRIDAY,
    Exclusion.SATURDAY,
    Exclusion.SUNDAY,
)
WORKING_DAY_EXCLUSIONS = frozenset({Exclusion.SATURDAY, Exclusion.SUNDAY, Exclusion.PUBLIC_HOLIDAYS})


class AgeAt(StrEnum):
    """When an age band is read: the offence date, the start of the clock, or its end (or now)."""

    OFFENCE = "offence"
    START = "start"
    END = "end"


class OffenceMatch(StrEnum):
    ANY = "any"
    ALL = "all"


class Circumstance(StrEnum):
    """What makes a state prohibited, beyond the rule's conditions."""

    NOT_SEPARATED_FROM_ADULTS = "not_separated_from_adults"


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: Unit

    @property
    def normalised(self) -> Duration:
        """The same length in the smallest unit of its family: years become months."""
        return Duration(self.amount * 12, Unit.MONTHS) if self.unit is Unit.YEARS else self

    def compatible(self, other: Duration) -> bool:
        return self.normalised.unit is other.normalised.unit

    def __add__(self, other: Duration) -> Duration:
        if not self.compatible(other):
            raise ValueError(f"cannot add {other.unit} to {self.unit}")
        return Duration(self.normalised.amount + other.normalised.amount, self.normalised.unit)

    def __sub__(self, other: Duration) -> Duration:
        return self + Duration(-other.amount, other.unit)


@dataclass(frozen=True)
class EventMatch:
    """An event type, optionally narrowed by its details (each field: one of the listed values)."""

    event: str
    where: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Start:
    """What starts a rule's clock: entering a custody state, or an event (optionally after another)."""

    state: CustodyState | None = None
    event: EventMatch | None = None
    preceded_by: EventMatch | None = None


@dataclass(frozen=True)
class Conditions:
    """When a rule applies. Ages are completed years, both bounds inclusive."""

    age_min: int | None = None
    age_max: int | None = None
    age_at: AgeAt = AgeAt.START
    offences: OffenceMatch = OffenceMatch.ANY
    offence_classes: frozenset[str] | None = None
    not_offence_classes: frozenset[str] = frozenset()
    penalty_years_min: float | None = None
    penalty_years_max: float | None = None
    penalty_years_below: float | None = None
    offence_date_from: date | None = None
    offence_date_before: date | None = None

    # What the conditions read is asked of every case: worked out on first use and kept
    # (a cached_property writes the instance's __dict__, so a frozen dataclass allows it).
    @cached_property
    def reads_age(self) -> bool:
        return self.age_min is not None or self.age_max is not None

    @cached_property
    def selects_offences(self) -> bool:
        """Whether some offence of the case must have a given class or penalty."""
        return (
            self.offence_classes is not None
            or self.penalty_years_min is not None
            or self.penalty_years_max is not None
            or self.penalty_years_below is not None
        )

    @cached_property
    def reads_offences(self) -> bool:
        return self.selects_offences or bool(self.not_offence_classes)

    @cached_property
    def reads_offence_date(self) -> bool:
        return self.offence_date_from is not None or self.offence_date_before is not None


@dataclass(frozen=True)
class Extension:
    """One way a limit can be extended: by whom, by how much each time, how often, up to what total."""

    authority: str
    citation: str
    verification: Verification
    amount: Duration | None = None
    max_count: int | None = None
    up_to: Duration | None = None
    conditions: Conditions = field(default_factory=Conditions)


@dataclass(frozen=True)
class Consequence:
    kind: ConsequenceKind
    text: str


DEFAULT_WARNING_FRACTION = 0.25


@dataclass(frozen=True)
class WarningWindow:
    """How long before the due instant a deadline turns at_risk: a fraction of the limit, or a duration."""

    fraction: float | None = DEFAULT_WARNING_FRACTION
    before: Duration | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: Kind
    start: Start
    citation: str
    source_url: str
    verification: Verification
    force: Force
    consequence: Consequence
    met_by: tuple[EventMatch, ...] = ()
    limit: Duration | None = None
    first_limit: Duration | None = None
    not_before: Duration | None = None
    occurrence: Occurrence = Occurrence.FIRST
    exclusions: frozenset[Exclusion] = frozenset()
    first_day_counts: bool = False
    expiry: Expiry = Expiry.UNCHANGED
    conditions: Conditions = field(default_factory=Conditions)
    when: Circumstance | None = None
    extensions: tuple[Extension, ...] = ()
    warning: WarningWindow = field(default_factory=WarningWindow)

    @property
    def advisory(self) -> bool:
        return self.verification in ADVISORY_LEVELS or self.force is Force.ADVISORY


@dataclass(frozen=True)
class RulePack:
    code: str
    name: str
    instruments: tuple[str, ...]
    version_date: date
    time_zone: str
    holiday_country: str | None
    rules: tuple[Rule, ...]
    subdivision: str | None = None
    minimum_age_criminal_responsibility: int | None = None
    age_of_majority: int | None = None

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


@dataclass(frozen=True)
class OffenceFacts:
    """One offence charged: its maximum penalty in years (0 for a fine only) and its class in the pack's terms."""

    max_penalty_years: float | None = None
    offence_class: str | None = None


@dataclass(frozen=True)
class CaseFacts:
    child: ChildFacts
    offences: Sequence[OffenceFacts] = ()
    offence_date: date | None = None


@dataclass(frozen=True)
class Deadline:
    """What one rule says about one case at `as_of` (one per start for rules that restart)."""

    rule_id: str
    kind: Kind
    title: str
    citation: str
    source_url: str
    verification: Verification
    force: Force
    advisory: bool
    status: Status
    explanation: str
    consequence: str
    consequence_kind: ConsequenceKind
    due: datetime | None = None
    due_local_date: date | None = None
    start_key: str | None = None
    met_by_key: str | None = None
    start_at: datetime | None = None
    met_at: datetime | None = None
    # For a limit not yet met: from when it is at risk, so a stored deadline's status
    # can be read at any later instant without running the engine again.
    at_risk_from: datetime | None = None
    extended_by: int = 0

    @property
    def is_breach(self) -> bool:
        return self.status is Status.BREACHED

    def but(self, changes: Mapping[str, Any]) -> Deadline:
        """A copy with `changes` made, as `dataclasses.replace` makes it, `changes` naming only fields.

        The engine builds every deadline of a rule from one template, and a frozen
        dataclass's __init__ (one object.__setattr__ per field, 20 fields) was a large
        share of its time: the copy takes the template's values as a whole.
        """
        copy = object.__new__(type(self))
        values = self.__dict__.copy()
        values.update(changes)
        object.__setattr__(copy, "__dict__", values)
        return copy
