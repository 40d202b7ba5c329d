"""Reading query parameters and JSON bodies; bad ones are answered 400 naming the parameter."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from flask import g, jsonify, request

from justice_tracker.db import db
from justice_tracker.errors import DomainError

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
# In a query string "+" means a space, so "…T12:00:00+01:00" sent unencoded arrives as "…T12:00:00 01:00".
_SPACED_OFFSET = re.compile(r" (\d{2}(?::?\d{2})?)$")
INSTANT_EXAMPLE = "e.g. 2026-03-05T12:00:00-03:00 or 2026-03-05T15:00:00Z"


class BadParameter(DomainError):
    """A query parameter or body that cannot be read: HTTP 400 with `fields: {name: [message]}`."""

    status = 400

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.detail = message


def bad_parameter_answer(exc: BadParameter):
    db.session.rollback()
    body = {
        "code": 400,
        "message": exc.message,
        "request_id": g.get("request_id"),
        "fields": {exc.field: [exc.detail]},
    }
    response = jsonify(error=body)
    response.status_code = 400
    return response


def instant(name: str) -> datetime | None:
    """An ISO 8601 instant with its UTC offset, in UTC; None when absent."""
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    text = _SPACED_OFFSET.sub(r"+\1", raw.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadParameter(name, f"must be an ISO 8601 instant with a UTC offset, {INSTANT_EXAMPLE}.") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadParameter(name, f"must carry a UTC offset, {INSTANT_EXAMPLE}.")
    return moment.astimezone(UTC)


def integer(name: str, default: int | None = None, *, minimum: int = 1, maximum: int | None = None) -> int | None:
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return default
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise BadParameter(name, "must be a whole number.")
    value = int(text)
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise BadParameter(name, f"must be {bounds}.")
    return value


def boolean(name: str) -> bool | None:
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    word = raw.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise BadParameter(name, "must be true or false.")


def choice(name: str, choices: tuple[str, ...]) -> str | None:
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    if raw.strip() not in choices:
        raise BadParameter(name, f"must be one of: {', '.join(choices)}.")
    return raw.strip()


def text(name: str, max_length: int = 100) -> str | None:
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    if len(raw) > max_length:
        raise BadParameter(name, f"must be at most {max_length} characters.")
    return raw.strip()


def json_body() -> Any:
    """The request's JSON document (any JSON value: the schema says what shape it must have)."""
    if not request.is_json:
        raise BadParameter("body", "send JSON with Content-Type: application/json.")
    data = request.get_json(silent=True)
    if data is None:
        raise BadParameter("body", "is not valid JSON.")
    return data
