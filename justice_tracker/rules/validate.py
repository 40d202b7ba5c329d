"""Checking rule-pack data and turning it into the typed model, in one pass.

Parsing and validation are the same walk over the data, so whatever validates
loads, and every problem found names the file, the rule id and the field. A pack
with any problem is not built: the application must refuse it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
import yaml

from justice_tracker.rules.model import (
    CALENDAR_UNITS,
    WEEKDAY_EXCLUSIONS,
    AgeAt,
    Circumstance,
    Conditions,
    Consequence,
    ConsequenceKind,
    CustodyState,
    Duration,
    EventMatch,
    Exclusion,
    Expiry,
    Extension,
    Force,
    Kind,
    Occurrence,
    OffenceMatch,
    Rule,
    RulePack,
    Start,
    Unit,
    Verification,
    WarningWindow,
)
from justice_tracker.timeline.vocabulary import EVENT_TYPES, FieldKind, FieldSpec

E = TypeVar("E", bound=StrEnum)

PACK_CODE = re.compile(r"[A-Z]{2,4}(-[A-Z]{2,4})?")
RULE_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_AGE = 30

_PACK_REQUIRED = ("code", "name", "instruments", "version_date", "time_zone", "holiday_country", "rules")
_PACK_OPTIONAL = ("subdivision", "minimum_age_criminal_responsibility", "age_of_majority")

_RULE_REQUIRED = ("id", "title", "kind", "start", "citation", "source_url", "verification", "force", "consequence")
_TIMING = ("limit", "unit", "exclusions", "first_day_counts", "expiry_on_non_working_day", "warning")
_KIND_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.DEADLINE: ("met_by", *_TIMING, "not_before", "occurrence", "extensions", "conditions"),
    Kind.SAFEGUARD: ("met_by", *_TIMING, "occurrence", "conditions"),
    Kind.RECURRING: ("met_by", *_TIMING, "first_limit", "conditions"),
    Kind.MAXIMUM_DURATION: ("met_by", *_TIMING, "extensions", "conditions"),
    Kind.PROHIBITION: ("when", "conditions"),
}
_KIND_REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.DEADLINE: ("met_by", "limit", "unit"),
    Kind.SAFEGUARD: ("met_by",),
    Kind.RECURRING: ("met_by", "limit", "unit"),
    Kind.MAXIMUM_DURATION: ("limit", "unit"),
    Kind.PROHIBITION: (),
}
_STATE_ONLY = frozenset({Kind.RECURRING, Kind.MAXIMUM_DURATION})
_CONDITION_KEYS = (
    "age_min",
    "age_max",
    "age_at",
    "offences",
    "offence_classes",
    "not_offence_classes",
    "penalty_years_min",
    "penalty_years_max",
    "penalty_years_below",
    "offence_date_from",
    "offence_date_before",
)
_EXTENSION_KEYS = ("authority", "citation", "verification", "amount", "unit", "max_count", "up_to", "conditions")
_WARNING_UNITS = frozenset({Unit.HOURS, Unit.CALENDAR_DAYS})


@dataclass(frozen=True)
class PackProblem:
    """One thing wrong with a pack: where (file, rule id, field) and what."""

    source: str
    rule_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"rule {self.rule_id}: " if self.rule_id else ""
        return f"{self.source}: {where}{self.field}: {self.message}"


class InvalidPackError(ValueError):
    """A pack that must not be used; `problems` says why."""

    def __init__(self, problems: Iterable[PackProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid rule pack:\n" + "\n".join(f"  {problem}" for problem in self.problems))


class _Reader:
    """Collects problems while reading one pack; each helper returns None for a value it rejects."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[PackProblem] = []
        self.rule_id: str | None = None

    def problem(self, field: str, message: str) -> None:
        # One problem per field is enough to act on: "is required" need not be followed by "must be text".
        if not any(p.rule_id == self.rule_id and p.field == field for p in self.problems):
            self.problems.append(PackProblem(self.source, self.rule_id, field, message))

    def mapping(
        self, field: str, value: Any, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.problem(field or "(whole)", f"must be a mapping, not {_kind_of(value)}")
            return None
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                self.problem(_join(field, str(key)), f"is not a known field here (known: {', '.join(allowed)})")
        for key in required:
            if key not in value:
                self.problem(_join(field, key), "is required")
        return value

    def text(self, field: str, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self.problem(field, "must be non-empty text")
            return None
        return value.strip()

    def choice(self, field: str, value: Any, enum: type[E]) -> E | None:
        try:
            return enum(value)
        except ValueError:
            self.problem(field, f"must be one of: {', '.join(member.value for member in enum)} (got {value!r})")
            return None

    def integer(self, field: str, value: Any, minimum: int, maximum: int | None = None) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(field, f"must be a whole number of at least {minimum} (got {value!r})")
            return None
        if maximum is not None and value > maximum:
            self.problem(field, f"must be at most {maximum} (got {value!r})")
            return None
        return value

    def number(self, field: str, value: Any) -> float | None:
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            self.problem(field, f"must be a number of at least 0 (got {value!r})")
            return None
        return float(value)

    def boolean(self, field: str, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self.problem(field, f"must be true or false (got {value!r})")
            return None
        return value

    def day(self, field: str, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.problem(field, f"must be a date YYYY-MM-DD (got {value!r})")
        return None

    def texts(self, field: str, value: Any) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not value:
            self.problem(field, "must be a non-empty list")
            return None
        items = [self.text(f"{field}[{index}]", item) for index, item in enumerate(value)]
        return tuple(item for item in items if item is not None) if None not in items else None

    def age(self, field: str, value: Any) -> int | None:
        return None if value is None else self.integer(field, value, 0, MAX_AGE)


def parse_pack_data(data: Any, *, source: str) -> tuple[RulePack | None, list[PackProblem]]:
    """Build the pack from decoded YAML; None and the problems if anything is wrong."""
    reader = _Reader(source)
    top = reader.mapping("", data, (*_PACK_REQUIRED, *_PACK_OPTIONAL), _PACK_REQUIRED)
    if top is None:
        return None, reader.problems
    code = reader.text("code", top.get("code"))
    if code is not None and not PACK_CODE.fullmatch(code):
        reader.problem("code", f"must look like BR or GB-EAW (got {code!r})")
    time_zone = _time_zone(reader, top.get("time_zone"))
    country, subdivision = _holiday_calendar(reader, top.get("holiday_country"), top.get("subdivision"))
    rules = _rules(reader, top.get("rules"))
    pack = RulePack(
        code=code or "",
        name=reader.text("name", top.get("name")) or "",
        instruments=reader.texts("instruments", top.get("instruments")) or (),
        version_date=reader.day("version_date", top.get("version_date")) or date.min,
        time_zone=time_zone or "",
        holiday_country=country,
        subdivision=subdivision,
        minimum_age_criminal_responsibility=reader.age(
            "minimum_age_criminal_responsibility", top.get("minimum_age_criminal_responsibility")
        ),
        age_of_majority=reader.age("age_of_majority", top.get("age_of_majority")),
        rules=rules,
    )
    return (None if reader.problems else pack), reader.problems


def validate_pack_data(data: Any, *, source: str) -> list[PackProblem]:
    """Every problem with decoded pack data (empty when the pack is valid)."""
    return parse_pack_data(data, source=source)[1]


def read_pack_file(path: Path) -> tuple[RulePack | None, list[PackProblem]]:
    """Read and check one pack file; its name must be its code in lower case (`gb-eaw.yaml` for GB-EAW)."""
    source = path.name
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506 - safe loader subclass
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [PackProblem(source, None, "file", f"cannot be read: {exc}")]
    pack, problems = parse_pack_data(data, source=source)
    code = data.get("code") if isinstance(data, Mapping) else None
    if isinstance(code, str) and path.stem != code.lower():
        problem = PackProblem(
            source, None, "code", f"{code!r} does not match the file name (expected {path.stem}.yaml)"
        )
        return None, [*problems, problem]
    return pack, problems


def validate_pack_files(paths: Iterable[Path]) -> list[PackProblem]:
    """Every problem in the given pack files."""
    return [problem for path in paths for problem in read_pack_file(Path(path))[1]]


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys, which plain YAML would silently overwrite."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    for key in keys:
        if keys.count(key) > 1:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", node.start_mark)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _time_zone(reader: _Reader, value: Any) -> str | None:
    name = reader.text("time_zone", value)
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        reader.problem("time_zone", f"is not an IANA time zone (got {name!r})")
        return None
    return name


def _holiday_calendar(reader: _Reader, country: Any, subdivision: Any) -> tuple[str | None, str | None]:
    if country is None:
        if subdivision is not None:
            reader.problem("subdivision", "needs a holiday_country")
        return None, None
    supported = holidays.list_supported_countries()
    if country not in supported:
        reader.problem("holiday_country", f"is not a country of the holidays package (got {country!r})")
        return None, None
    if subdivision is not None and subdivision not in supported[country]:
        known = ", ".join(supported[country]) or "none"
        reader.problem("subdivision", f"is not a subdivision of {country} (known: {known}; got {subdivision!r})")
        return country, None
    return country, subdivision


def _rules(reader: _Reader, value: Any) -> tuple[Rule, ...]:
    if not isinstance(value, list) or not value:
        reader.problem("rules", "must be a non-empty list")
        return ()
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, raw in enumerate(value):
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        reader.rule_id = rule_id if isinstance(rule_id, str) and rule_id else f"rules[{index}]"
        if reader.rule_id in seen:
            reader.problem("id", "is used by another rule of this pack")
        seen.add(reader.rule_id)
        rule = _rule(reader, raw)
        if rule is not None:
            rules.append(rule)
    reader.rule_id = None
    return tuple(rules)


def _rule(reader: _Reader, value: Any) -> Rule | None:
    before = len(reader.problems)
    if not isinstance(value, Mapping):
        reader.problem("(whole)", f"must be a mapping, not {_kind_of(value)}")
        return None
    kind = reader.choice("kind", value.get("kind"), Kind)
    if kind is None:
        return None
    raw = reader.mapping("", value, (*_RULE_REQUIRED, *_KIND_FIELDS[kind]), (*_RULE_REQUIRED, *_KIND_REQUIRED[kind]))
    if raw is None:
        return None
    if not RULE_ID.fullmatch(str(raw.get("id"))):
        reader.problem("id", f"must be lower-case words joined by hyphens (got {raw.get('id')!r})")
    start = _start(reader, raw.get("start"), kind)
    unit = reader.choice("unit", raw["unit"], Unit) if "unit" in raw else None
    if ("limit" in raw) != ("unit" in raw):
        reader.problem("limit", "limit and unit go together")
    limit = _amount(reader, "limit", raw.get("limit"), unit) if "limit" in raw else None
    exclusions = _exclusions(reader, raw.get("exclusions", []), kind, unit)
    if "first_day_counts" in raw and unit not in CALENDAR_UNITS:
        reader.problem("first_day_counts", "applies to day, month and year limits only")
    conditions = _conditions(reader, "conditions", raw.get("conditions", {}), start)
    extensions = tuple(
        _extension(reader, f"extensions[{index}]", item, limit)
        for index, item in enumerate(_list(reader, "extensions", raw.get("extensions", [])))
    )
    rule = Rule(
        id=str(raw.get("id")),
        title=reader.text("title", raw.get("title")) or "",
        kind=kind,
        start=start or Start(),
        citation=reader.text("citation", raw.get("citation")) or "",
        source_url=_url(reader, raw.get("source_url")),
        verification=reader.choice("verification", raw.get("verification"), Verification) or Verification.UNVERIFIED,
        force=reader.choice("force", raw.get("force"), Force) or Force.ADVISORY,
        consequence=_consequence(reader, raw.get("consequence")),
        met_by=tuple(
            _event_match(reader, f"met_by[{index}]", item) or EventMatch("")
            for index, item in enumerate(_list(reader, "met_by", raw.get("met_by", []), required="met_by" in raw))
        ),
        limit=limit,
        first_limit=_amount(reader, "first_limit", raw["first_limit"], unit) if "first_limit" in raw else None,
        not_before=_not_before(reader, raw.get("not_before"), limit),
        occurrence=reader.choice("occurrence", raw.get("occurrence", "first"), Occurrence) or Occurrence.FIRST,
        exclusions=exclusions,
        first_day_counts=reader.boolean("first_day_counts", raw.get("first_day_counts", False)) or False,
        expiry=reader.choice("expiry_on_non_working_day", raw.get("expiry_on_non_working_day", "unchanged"), Expiry)
        or Expiry.UNCHANGED,
        conditions=conditions,
        when=_when(reader, raw.get("when"), start),
        extensions=tuple(extension for extension in extensions if extension is not None),
        warning=_warning(reader, raw.get("warning")),
    )
    return rule if len(reader.problems) == before else None


def _list(reader: _Reader, field: str, value: Any, required: bool = False) -> list[Any]:
    if not isinstance(value, list) or (required and not value):
        reader.problem(field, "must be a non-empty list" if required else "must be a list")
        return []
    return value


def _url(reader: _Reader, value: Any) -> str:
    url = reader.text("source_url", value) or ""
    if url and not url.startswith("https://"):
        reader.problem("source_url", f"must be an https:// address (got {url!r})")
    return url


def _amount(reader: _Reader, field: str, value: Any, unit: Unit | None) -> Duration | None:
    amount = reader.integer(field, value, 1)
    return Duration(amount, unit) if amount is not None and unit is not None else None


def _duration(reader: _Reader, field: str, value: Any, units: Iterable[Unit] = tuple(Unit)) -> Duration | None:
    raw = reader.mapping(field, value, ("amount", "unit"), ("amount", "unit"))
    if raw is None or "unit" not in raw:
        return None
    unit = reader.choice(_join(field, "unit"), raw["unit"], Unit)
    if unit is not None and unit not in units:
        reader.problem(_join(field, "unit"), f"must be one of: {', '.join(units)} (got {unit})")
        return None
    return _amount(reader, _join(field, "amount"), raw.get("amount"), unit)


def _same_family(reader: _Reader, field: str, duration: Duration | None, limit: Duration | None) -> Duration | None:
    if duration is not None and limit is not None and not duration.compatible(limit):
        reader.problem(field, f"is in {duration.unit}, which cannot be added to a limit in {limit.unit}")
        return None
    return duration


def _not_before(reader: _Reader, value: Any, limit: Duration | None) -> Duration | None:
    if value is None:
        return None
    earliest = _duration(reader, "not_before", value)
    if (
        earliest is not None
        and limit is not None
        and earliest.compatible(limit)
        and earliest.normalised.amount >= limit.normalised.amount
    ):
        reader.problem("not_before", "must be shorter than the limit")
    return earliest


def _start(reader: _Reader, value: Any, kind: Kind) -> Start | None:
    if isinstance(value, str):
        value = {"state": value} if value in CustodyState._value2member_map_ else {"event": value}
    raw = reader.mapping("start", value, ("event", "state", "where", "preceded_by"))
    if raw is None:
        return None
    if ("event" in raw) == ("state" in raw):
        reader.problem("start", "names either an event or a custody state")
        return None
    if "state" in raw:
        if "where" in raw or "preceded_by" in raw:
            reader.problem("start", "a custody state takes no where or preceded_by")
        state = reader.choice("start.state", raw["state"], CustodyState)
        return Start(state=state) if state else None
    if kind in _STATE_ONLY:
        reader.problem("start", f"a {kind} rule starts from a custody state, not an event")
    event = _event_match(reader, "start", {key: raw[key] for key in ("event", "where") if key in raw})
    preceded_by = _event_match(reader, "start.preceded_by", raw["preceded_by"]) if "preceded_by" in raw else None
    return Start(event=event, preceded_by=preceded_by) if event else None


def _event_match(reader: _Reader, field: str, value: Any) -> EventMatch | None:
    if isinstance(value, str):
        value = {"event": value}
    raw = reader.mapping(field, value, ("event", "where"), ("event",))
    if raw is None or "event" not in raw:
        return None
    name = raw["event"]
    event_type = EVENT_TYPES.get(name) if isinstance(name, str) else None
    if event_type is None:
        reader.problem(_join(field, "event"), f"is not an event of the vocabulary or a custody state (got {name!r})")
        return None
    where_raw = reader.mapping(_join(field, "where"), raw.get("where", {}), [spec.name for spec in event_type.fields])
    where: dict[str, tuple[Any, ...]] = {}
    for key, wanted in (where_raw or {}).items():
        spec = event_type.spec(key)
        if spec is not None:
            values = tuple(wanted) if isinstance(wanted, list) else (wanted,)
            if all(_fits(reader, _join(field, f"where.{key}"), spec, item) for item in values) and values:
                where[key] = values
    return EventMatch(name, where)


def _fits(reader: _Reader, field: str, spec: FieldSpec, value: Any) -> bool:
    if spec.kind is FieldKind.BOOLEAN:
        ok, expected = isinstance(value, bool), "true or false"
    elif spec.kind is FieldKind.INTEGER:
        ok, expected = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    elif spec.choices:
        ok, expected = value in spec.choices, f"one of: {', '.join(spec.choices)}"
    else:
        ok, expected = isinstance(value, str) and bool(value.strip()), "non-empty text"
    if not ok:
        reader.problem(field, f"must be {expected} (got {value!r})")
    return ok


def _exclusions(reader: _Reader, value: Any, kind: Kind, unit: Unit | None) -> frozenset[Exclusion]:
    items = {
        reader.choice(f"exclusions[{index}]", item, Exclusion)
        for index, item in enumerate(_list(reader, "exclusions", value))
    }
    exclusions = frozenset(item for item in items if item is not None)
    if not exclusions:
        return exclusions
    if unit not in (Unit.HOURS, Unit.CALENDAR_DAYS, Unit.WORKING_DAYS):
        reader.problem("exclusions", "apply to hour and day limits only")
    if Exclusion.JOURNEY_TIME in exclusions and (unit is not Unit.HOURS or kind not in (Kind.DEADLINE, Kind.SAFEGUARD)):
        reader.problem("exclusions", "journey_time applies to hour limits of deadlines and safeguards only")
    if exclusions.issuperset(WEEKDAY_EXCLUSIONS):
        reader.problem("exclusions", "exclude every day of the week: the limit would never end")
    return exclusions


def _conditions(reader: _Reader, field: str, value: Any, start: Start | None) -> Conditions:
    raw = reader.mapping(field, value, _CONDITION_KEYS)
    if raw is None:
        return Conditions()

    def read(key: str, parse: Callable[[str, Any], Any]) -> Any:
        return parse(_join(field, key), raw[key]) if raw.get(key) is not None else None

    age_min = read("age_min", reader.age)
    age_max = read("age_max", reader.age)
    if age_min is not None and age_max is not None and age_min > age_max:
        reader.problem(_join(field, "age_max"), f"is below age_min ({age_max} < {age_min})")
    age_at = read("age_at", lambda f, v: reader.choice(f, v, AgeAt)) or AgeAt.START
    if age_at is AgeAt.END and (start is None or start.state is None):
        reader.problem(_join(field, "age_at"), "end needs a rule that starts from a custody state")
    classes = read("offence_classes", reader.texts)
    return Conditions(
        age_min=age_min,
        age_max=age_max,
        age_at=age_at,
        offences=read("offences", lambda f, v: reader.choice(f, v, OffenceMatch)) or OffenceMatch.ANY,
        offence_classes=frozenset(classes) if classes is not None else None,
        not_offence_classes=frozenset(read("not_offence_classes", reader.texts) or ()),
        penalty_years_min=read("penalty_years_min", reader.number),
        penalty_years_max=read("penalty_years_max", reader.number),
        penalty_years_below=read("penalty_years_below", reader.number),
        offence_date_from=read("offence_date_from", reader.day),
        offence_date_before=read("offence_date_before", reader.day),
    )


def _when(reader: _Reader, value: Any, start: Start | None) -> Circumstance | None:
    if value is None:
        return None
    when = reader.choice("when", value, Circumstance)
    if when is not None and (start is None or start.state is None):
        reader.problem("when", f"{when} needs a rule that starts from a custody state")
    return when


def _extension(reader: _Reader, field: str, value: Any, limit: Duration | None) -> Extension | None:
    raw = reader.mapping(field, value, _EXTENSION_KEYS, ("authority", "citation", "verification"))
    if raw is None:
        return None
    before = len(reader.problems)
    unit = reader.choice(_join(field, "unit"), raw["unit"], Unit) if "unit" in raw else None
    if ("amount" in raw) != ("unit" in raw):
        reader.problem(_join(field, "amount"), "amount and unit go together")
    amount = _amount(reader, _join(field, "amount"), raw["amount"], unit) if "amount" in raw else None
    up_to = _duration(reader, _join(field, "up_to"), raw["up_to"]) if "up_to" in raw else None
    if amount is None and up_to is None:
        reader.problem(field, "needs an amount, an up_to total, or both: an extension must have a size")
    amount = _same_family(reader, _join(field, "amount"), amount, limit)
    up_to = _same_family(reader, _join(field, "up_to"), up_to, limit)
    if up_to is not None and limit is not None and up_to.normalised.amount <= limit.normalised.amount:
        reader.problem(_join(field, "up_to"), "must be longer than the limit it extends")
    extension = Extension(
        authority=reader.text(_join(field, "authority"), raw.get("authority")) or "",
        citation=reader.text(_join(field, "citation"), raw.get("citation")) or "",
        verification=reader.choice(_join(field, "verification"), raw.get("verification"), Verification)
        or Verification.UNVERIFIED,
        amount=amount,
        max_count=reader.integer(_join(field, "max_count"), raw["max_count"], 1) if "max_count" in raw else None,
        up_to=up_to,
        conditions=_conditions(reader, _join(field, "conditions"), raw.get("conditions", {}), None),
    )
    return extension if len(reader.problems) == before else None


def _consequence(reader: _Reader, value: Any) -> Consequence:
    raw = reader.mapping("consequence", value, ("kind", "text"), ("kind", "text")) or {}
    return Consequence(
        kind=reader.choice("consequence.kind", raw.get("kind"), ConsequenceKind) or ConsequenceKind.UNSPECIFIED,
        text=reader.text("consequence.text", raw.get("text")) or "",
    )


def _warning(reader: _Reader, value: Any) -> WarningWindow:
    if value is None:
        return WarningWindow()
    raw = reader.mapping("warning", value, ("fraction", "amount", "unit"))
    if raw is None:
        return WarningWindow()
    if "fraction" in raw:
        fraction = raw["fraction"]
        if len(raw) > 1:
            reader.problem("warning", "give a fraction or an amount and unit, not both")
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 < fraction < 1:
            reader.problem("warning.fraction", f"must be a number between 0 and 1 (got {fraction!r})")
            return WarningWindow()
        return WarningWindow(fraction=float(fraction))
    return WarningWindow(fraction=None, before=_duration(reader, "warning", raw, _WARNING_UNITS))


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _kind_of(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__
