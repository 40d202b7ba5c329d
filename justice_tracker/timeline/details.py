"""Checking and normalising one event's type-specific details against the vocabulary."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from justice_tracker.timeline.problems import TimelineProblem
from justice_tracker.timeline.vocabulary import EVENT_TYPES, FieldKind, FieldSpec

# The strings HTML forms post for checkboxes, selects and radio buttons. "off" is
# not posted by browsers but is the obvious counterpart of "on" in hand-made forms.
_TRUE_WORDS = frozenset({"true", "on", "yes", "1"})
_FALSE_WORDS = frozenset({"false", "off", "no", "0"})

# Bounded so that int() never meets Python's digit limit on hostile input.
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)

_ALLOWED_CONTROLS = frozenset("\n\t")
_ECHO_LIMIT = 40


class _Invalid(Exception):
    """A value that cannot be cleaned; the message is shown to the person who typed it."""


def clean_details(
    event_type: str,
    raw: Mapping[str, Any],
    *,
    tz: ZoneInfo,
    event_key: str | None = None,
) -> tuple[dict[str, Any], list[TimelineProblem]]:
    """Check `raw` details of an `event_type` event; return the cleaned details and every problem found.

    Cleaning never stops at the first problem, so a form can show all of them at
    once. Blank optional values (None, "" or whitespace) are dropped; INSTANT values
    are stored as "YYYY-MM-DDTHH:MM:SSZ", naive ones read as wall-clock time in `tz`.
    `event_key`, when given, is copied into the problems.
    """
    kind = EVENT_TYPES.get(event_type)
    if kind is None:
        known = ", ".join(sorted(EVENT_TYPES))
        message = f"unknown event type {_echo(event_type)}; known types: {known}"
        return {}, [TimelineProblem(event_key, "type", message, None)]

    def problem(field: str, message: str) -> TimelineProblem:
        return TimelineProblem(event_key, field, message, event_type)

    cleaned: dict[str, Any] = {}
    problems: list[TimelineProblem] = []
    for spec in kind.fields:
        value = raw.get(spec.name)
        if _is_blank(value):
            if spec.required:
                problems.append(problem(spec.name, f"is required ({spec.label})"))
            continue
        try:
            cleaned_value = _CLEANERS[spec.kind](spec, value, tz)
        except _Invalid as exc:
            problems.append(problem(spec.name, str(exc)))
            continue
        if spec.required and cleaned_value == []:
            problems.append(problem(spec.name, f"is required ({spec.label}): give at least one"))
            continue
        cleaned[spec.name] = cleaned_value

    known_fields = ", ".join(f.name for f in kind.fields) or "none"
    for name in raw:
        if not isinstance(name, str) or kind.spec(name) is None:
            field = name if isinstance(name, str) else repr(name)
            problems.append(problem(field, f"is not a field of {event_type} events (known fields: {known_fields})"))
    return cleaned, problems


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _echo(value: Any) -> str:
    # Only short excerpts go into messages: details may hold personal information.
    text = repr(value)
    return text if len(text) <= _ECHO_LIMIT else text[: _ECHO_LIMIT - 1] + "…"


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _clean_text(spec: FieldSpec, value: Any, tz: ZoneInfo) -> str:
    if not isinstance(value, str):
        raise _Invalid(f"must be text, not {_kind_of(value)}")
    return _clean_text_value(value, spec.max_length)


def _clean_text_value(value: str, max_length: int) -> str:
    # Textareas post "\r\n"; one line-break convention keeps lengths and comparisons honest.
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and char not in _ALLOWED_CONTROLS:
            raise _Invalid(f"contains a control character (U+{ord(char):04X}); only line breaks and tabs are allowed")
        if category == "Cs":
            raise _Invalid(f"contains an invalid character (lone surrogate U+{ord(char):04X})")
    if len(text) > max_length:
        raise _Invalid(f"must be at most {max_length} characters (got {len(text)})")
    return text


def _clean_choice(spec: FieldSpec, value: Any, tz: ZoneInfo) -> str:
    choices = ", ".join(spec.choices)
    if not isinstance(value, str):
        raise _Invalid(f"must be one of: {choices} (got {_kind_of(value)})")
    choice = value.strip()
    if choice not in spec.choices:
        raise _Invalid(f"must be one of: {choices} (got {_echo(choice)})")
    return choice


def _clean_integer(spec: FieldSpec, value: Any, tz: ZoneInfo) -> int:
    if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
        # Forms post numbers as text; only plain decimal integers are read.
        number = int(value.strip())
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise _Invalid(f"must be a whole number (got {_echo(value) if isinstance(value, str) else _kind_of(value)})")
    low, high = spec.minimum, spec.maximum
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            raise _Invalid(f"must be between {low} and {high} (got {number})")
        if low is not None:
            raise _Invalid(f"must be at least {low} (got {number})")
        raise _Invalid(f"must be at most {high} (got {number})")
    return number


def _clean_boolean(spec: FieldSpec, value: Any, tz: ZoneInfo) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
        raise _Invalid(f"must be yes or no (true/false, on/off, 1/0) (got {_echo(value)})")
    raise _Invalid(f"must be yes or no (true or false), not {_kind_of(value)}")


def _clean_text_list(spec: FieldSpec, value: Any, tz: ZoneInfo) -> list[str]:
    if isinstance(value, str):
        items: list[Any] = value.split(",")
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise _Invalid(f"must be a list of text or comma-separated text, not {_kind_of(value)}")
    cleaned: list[str] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, str):
            raise _Invalid(f"item {position} must be text, not {_kind_of(item)}")
        try:
            text = _clean_text_value(item, spec.max_length)
        except _Invalid as exc:
            raise _Invalid(f"item {position} {exc}") from None
        if not text or text in cleaned:
            continue
        if spec.choices and text not in spec.choices:
            raise _Invalid(f"item {position} must be one of: {', '.join(spec.choices)} (got {_echo(text)})")
        cleaned.append(text)
    return cleaned


def _clean_instant(spec: FieldSpec, value: Any, tz: ZoneInfo) -> str:
    example = "e.g. 2024-03-01T14:30 or 2024-03-01T14:30:00+01:00"
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        raise _Invalid(f"must include a time of day, {example}")
    elif isinstance(value, str):
        text = value.strip()
        try:
            date.fromisoformat(text)
        except ValueError:
            pass
        else:
            raise _Invalid(f"must include a time of day, {example} (got {_echo(text)})")
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise _Invalid(f"must be a date and time in ISO 8601 format, {example} (got {_echo(text)})") from None
    else:
        raise _Invalid(f"must be a date and time in ISO 8601 format, not {_kind_of(value)}")
    try:
        if moment.tzinfo is None or moment.utcoffset() is None:
            moment = _localise(moment, tz)
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        raise _Invalid("is out of the range of representable dates") from None
    return in_utc.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _localise(naive: datetime, tz: ZoneInfo) -> datetime:
    """Read a wall-clock time in `tz`, refusing times the clock skipped or showed twice.

    Guessing would silently move a recorded instant by an hour; the person entering
    it knows which one they meant and can give the offset.
    """
    earlier = naive.replace(tzinfo=tz, fold=0)
    later = naive.replace(tzinfo=tz, fold=1)
    if earlier.utcoffset() == later.utcoffset():
        return earlier
    shown = naive.isoformat(timespec="minutes")
    if earlier.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise _Invalid(f"{shown} does not exist in {tz} (the clocks went forward); give the UTC offset")
    raise _Invalid(f"{shown} happened twice in {tz} (the clocks went back); give the UTC offset")


_CLEANERS: dict[FieldKind, Callable[[FieldSpec, Any, ZoneInfo], Any]] = {
    FieldKind.TEXT: _clean_text,
    FieldKind.CHOICE: _clean_choice,
    FieldKind.INTEGER: _clean_integer,
    FieldKind.BOOLEAN: _clean_boolean,
    FieldKind.TEXT_LIST: _clean_text_list,
    FieldKind.INSTANT: _clean_instant,
}
