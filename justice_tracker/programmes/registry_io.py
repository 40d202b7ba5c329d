"""The registry as CSV or JSON: the directories NGOs and ministries already keep, in and out.

The format is `ProgrammeSchema`'s fields (`COLUMNS`). In CSV, lists are separated
by ";" and yes/no columns read yes, no, true, false, 1 or 0; in JSON the file is an
array of objects. Programmes are matched by `code`.

Import is
- all-or-nothing: every row is read and checked before anything is written; any
  bad row fails the whole file, and each problem names its line and field;
- idempotent: importing the same file again changes nothing (rows whose values are
  already those of the file are not touched);
- careful with live counts: a blank `enrolled` or `waiting_list` keeps the count the
  coordinators keep; every other field takes the file's value (omitted: the default).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select

from justice_tracker.audit.service import record
from justice_tracker.auth.models import Role, User
from justice_tracker.cases.schemas import flatten_errors
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.errors import FieldError, Forbidden, ValidationFailed
from justice_tracker.org.models import Jurisdiction
from justice_tracker.programmes.models import Programme
from justice_tracker.programmes.schemas import ProgrammeSchema

COLUMNS = (
    "code",
    "name",
    "provider",
    "type",
    "stages",
    "jurisdiction",
    "areas",
    "languages",
    "cost",
    "contact",
    "description",
    "min_age",
    "max_age",
    "offence_classes",
    "excluded_offence_classes",
    "max_penalty_years",
    "requires_acknowledgement",
    "requires_child_consent",
    "requires_parent_consent",
    "exclusions",
    "places",
    "enrolled",
    "waiting_list",
    "wait_days",
    "active",
)
REQUIRED_COLUMNS = ("code", "name", "provider", "type", "stages", "jurisdiction", "places")
LIST_COLUMNS = frozenset({"stages", "areas", "languages", "offence_classes", "excluded_offence_classes", "exclusions"})
BOOL_COLUMNS = frozenset({"requires_acknowledgement", "requires_child_consent", "requires_parent_consent", "active"})
INT_COLUMNS = frozenset({"min_age", "max_age", "places", "enrolled", "waiting_list", "wait_days"})
LIVE_COUNTS = ("enrolled", "waiting_list")
SEPARATOR = ";"
MAX_ROWS = 5000
_TRUE, _FALSE = frozenset({"yes", "true", "1"}), frozenset({"no", "false", "0"})


@dataclass(frozen=True)
class Row:
    line: int
    data: dict[str, Any]


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, field {self.field}: {self.message}"


class RegistryImportFailed(ValidationFailed):
    """Nothing was imported; `rows` says what is wrong, line by line."""

    def __init__(self, rows: Sequence[RowError]) -> None:
        super().__init__([FieldError(f"line {e.line}.{e.field}", e.message) for e in rows], "Nothing was imported.")
        self.rows = list(rows)


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


# -- reading --------------------------------------------------------------------------------------------------


def read(text: str, fmt: str) -> list[Row]:
    return read_json(text) if fmt == "json" else read_csv(text)


def read_csv(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [name.strip() for name in reader.fieldnames or []]
    errors = [
        RowError(1, name or "(blank)", f"is not a column of the registry (columns: {', '.join(COLUMNS)})")
        for name in header
        if name not in COLUMNS
    ]
    errors += [RowError(1, name, "this column is required") for name in REQUIRED_COLUMNS if name not in header]
    if errors:
        raise RegistryImportFailed(errors)
    rows: list[Row] = []
    for raw in reader:
        line = reader.line_num
        if None in raw:
            errors.append(RowError(line, "row", "has more cells than the header has columns"))
            continue
        data: dict[str, Any] = {}
        for key, value in raw.items():
            text_value = (value or "").strip()
            if text_value:
                try:
                    data[key.strip()] = _cell(key.strip(), text_value)
                except ValueError as exc:
                    errors.append(RowError(line, key.strip(), str(exc)))
        rows.append(Row(line, data))
    if errors:
        raise RegistryImportFailed(errors)
    return rows


def _cell(column: str, value: str) -> Any:
    if column in LIST_COLUMNS:
        return [item.strip() for item in value.split(SEPARATOR) if item.strip()]
    if column in BOOL_COLUMNS:
        word = value.lower()
        if word not in _TRUE | _FALSE:
            raise ValueError(f"must be yes or no (got {value[:20]!r})")
        return word in _TRUE
    if column in INT_COLUMNS:
        if not (value.isascii() and value.isdigit() and len(value) <= 9):
            raise ValueError(f"must be a whole number (got {value[:20]!r})")
        return int(value)
    if column == "max_penalty_years":
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"must be a number of years (got {value[:20]!r})") from None
    return value


def read_json(text: str) -> list[Row]:
    """A JSON array of programme objects; each row's line is where its object starts."""
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    if not text.startswith("[", position):
        raise RegistryImportFailed([RowError(_line(text, position), "file", "must be a JSON array of programmes")])
    rows: list[Row] = []
    position = _skip(text, position + 1)
    while not text.startswith("]", position):
        line = _line(text, position)
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise RegistryImportFailed([RowError(exc.lineno, "file", f"is not valid JSON: {exc.msg}")]) from None
        if not isinstance(value, dict):
            raise RegistryImportFailed([RowError(line, "row", "must be an object")])
        rows.append(Row(line, value))
        position = _skip(text, position)
        if text.startswith(",", position):
            position = _skip(text, position + 1)
        elif not text.startswith("]", position):
            raise RegistryImportFailed([RowError(_line(text, position), "file", "expected ',' or ']'")])
    if text[position + 1 :].strip():
        raise RegistryImportFailed([RowError(_line(text, position + 1), "file", "has text after the array")])
    return rows


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n\ufeff":
        position += 1
    if position >= len(text):
        raise RegistryImportFailed([RowError(_line(text, position), "file", "ends before the array does")])
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


# -- checking and importing -----------------------------------------------------------------------------------


def active_jurisdictions() -> set[str]:
    return {code for code, active in db.session.execute(select(Jurisdiction.code, Jurisdiction.active)) if active}


def check_programme(
    raw: Mapping[str, Any], current: Programme | None, jurisdictions: Collection[str]
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """The registry's one set of rules for a programme: the import checks each row with it, the forms what they save.

    `raw` is in the registry's format (`COLUMNS`, JSON values); a blank (None) required value is missing.
    `current` is the stored programme it describes, if any: its enrolled count stands when `enrolled`
    is blank. Returns the values as `ProgrammeSchema` loads them (None when it refuses them) and the
    problems, each naming its field.
    """
    given = {key: value for key, value in raw.items() if not (value is None and key in REQUIRED_COLUMNS)}
    try:
        data = ProgrammeSchema().load(given)
    except ValidationError as exc:
        return None, flatten_errors(exc.messages)
    problems: list[FieldError] = []
    if data["jurisdiction_code"] not in jurisdictions:
        problems.append(FieldError("jurisdiction", f"unknown jurisdiction {data['jurisdiction_code']!r}"))
    enrolled = data["enrolled"] if data["enrolled"] is not None else (current.enrolled if current else 0)
    if enrolled > data["places"]:
        problems.append(FieldError("places", f"fewer than the {enrolled} children enrolled"))
    return data, problems


def new_programme(values: Mapping[str, Any], now: datetime) -> Programme:
    """A programme from checked values; blank live counts start at 0."""
    return Programme(**{"enrolled": 0, "waiting_list": 0, **_settable(values)}, updated_at=now)


def apply_values(programme: Programme, values: Mapping[str, Any], now: datetime) -> list[str]:
    """Set the checked values that differ (a blank live count keeps the count); the names of those changed."""
    settable = _settable(values)
    changed = sorted(key for key, value in settable.items() if getattr(programme, key) != value)
    for key in changed:
        setattr(programme, key, settable[key])
    if changed:
        programme.updated_at = now
    return changed


def _settable(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if not (key in LIVE_COUNTS and value is None)}


def _check(rows: Sequence[Row], existing: dict[str, Programme]) -> list[tuple[Row, dict[str, Any]]]:
    if len(rows) > MAX_ROWS:
        raise RegistryImportFailed([RowError(rows[MAX_ROWS].line, "row", f"a file holds at most {MAX_ROWS} rows")])
    jurisdictions = active_jurisdictions()
    errors: list[RowError] = []
    loaded: list[tuple[Row, dict[str, Any]]] = []
    first_line: dict[str, int] = {}
    for row in rows:
        data, problems = check_programme(row.data, existing.get(str(row.data.get("code", "")).strip()), jurisdictions)
        errors += [RowError(row.line, e.field, e.message) for e in problems]
        if data is None:
            continue
        code = data["code"]
        if code in first_line:
            errors.append(RowError(row.line, "code", f"repeats the code of line {first_line[code]}"))
        first_line.setdefault(code, row.line)
        loaded.append((row, data))
    if errors:
        raise RegistryImportFailed(errors)
    return loaded


def import_registry(actor: User, rows: Sequence[Row]) -> ImportSummary:
    """Create or update every programme of the file, or none (RegistryImportFailed names each problem)."""
    if actor.role != Role.ADMIN:
        raise Forbidden("Only administrators import the registry.")
    codes = [str(row.data.get("code", "")).strip() for row in rows]
    existing = {p.code: p for p in db.session.scalars(select(Programme).where(Programme.code.in_(codes)))}
    loaded = _check(rows, existing)
    created = updated = 0
    now = utcnow()
    with db.session.begin_nested():
        for _row, data in loaded:
            programme = existing.get(data["code"])
            if programme is None:
                db.session.add(new_programme(data, now))
                created += 1
            elif apply_values(programme, data, now):
                updated += 1
        db.session.flush()
    summary = ImportSummary(created, updated, len(loaded) - created - updated)
    detail = f"created={summary.created} updated={summary.updated} unchanged={summary.unchanged}"
    record("registry_imported", "programme", None, actor=actor, detail=detail)
    return summary


# -- export ---------------------------------------------------------------------------------------------------


def export_items(programmes: Iterable[Programme]) -> list[dict[str, Any]]:
    return ProgrammeSchema(only=COLUMNS).dump(list(programmes), many=True)


def to_json(items: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(items), ensure_ascii=False, indent=2) + "\n"


def to_csv(items: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        writer.writerow({key: _csv_value(item.get(key)) for key in COLUMNS})
    return out.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return SEPARATOR.join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
