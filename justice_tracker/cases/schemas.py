"""marshmallow (4) schemas for children, cases, events and the case-file format.

Loading shapes input for the services; dumping shapes the JSON API's answers.
Server-owned values (ids, versions, pseudonyms, status, custody state, timestamps)
are `dump_only`: sent in input they are unknown fields and refused with 422, so
they can never be stored from outside.

Instants are loaded only with a UTC offset (a naive instant is refused) and dumped
in the time zone set with `zone_context(...)` (the court's), UTC otherwise.

Case files (`../shared/examples/README.md`) carry each event's type-specific
fields flat next to `type` and `at`; `CaseFileEventSchema` collects them into
`details`, which the services check against the event vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from marshmallow import INCLUDE, RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema
from marshmallow.experimental.context import Context

from justice_tracker.cases.models import CaseStatus, Sex
from justice_tracker.errors import FieldError, ValidationFailed

IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "guardian_name",
    "guardian_relationship",
    "guardian_contact",
)


@contextmanager
def zone_context(time_zone: str | ZoneInfo | None) -> Iterator[None]:
    """Dump instants in `time_zone` (a court's zone) inside this block."""
    zone = ZoneInfo(time_zone) if isinstance(time_zone, str) else time_zone
    with Context({"zone": zone or UTC}):
        yield


def _current_zone() -> Any:
    return Context.get(default={}).get("zone") or UTC


# -- fields ---------------------------------------------------------------------------------------------------


# Unicode's control characters (category Cc) and surrogates (Cs), but for newline and tab: one
# regular expression instead of a category look-up per character (a case file has thousands).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


class Text(fields.String):
    """Text, stripped; control characters refused; blank optional text reads as None."""

    def __init__(self, *, max_length: int = 200, **kwargs: Any) -> None:
        metadata = {"maxLength": max_length, **(kwargs.pop("metadata", None) or {})}
        if kwargs.get("required"):
            metadata["minLength"] = 1
        kwargs.setdefault("allow_none", not kwargs.get("required", False))
        super().__init__(metadata=metadata, **kwargs)
        self.max_length = max_length

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs).replace("\r\n", "\n").strip()
        if not text:
            if self.required:
                raise ValidationError("Must not be blank.")
            return None
        control = _CONTROL.search(text)
        if control is not None:
            raise ValidationError(f"Contains a control character (U+{ord(control.group()):04X}).")
        if len(text) > self.max_length:
            raise ValidationError(f"Must be at most {self.max_length} characters (got {len(text)}).")
        return text


class JSONBool(fields.Boolean):
    """A JSON true or false: no "yes", no 1."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise ValidationError("Must be true or false.")
        return value


class JSONNumber(fields.Float):
    """A JSON number: text and true/false are refused."""

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError("Must be a number.")
        return super()._deserialize(value, attr, data, **kwargs)


class JSONInteger(fields.Integer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise ValidationError("Must be a whole number.")
        return super()._deserialize(value, attr, data, **kwargs)


class Instant(fields.AwareDateTime):
    """An ISO 8601 instant WITH its UTC offset; dumped in the zone of `zone_context`."""

    default_error_messages = {
        "invalid": "Must be an ISO 8601 date and time with a UTC offset, e.g. 2026-01-10T22:15:00-03:00.",
        "invalid_awareness": "Must carry a UTC offset (e.g. +00:00 or -03:00): a time without one is ambiguous.",
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any) -> Any:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment.astimezone(UTC)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return value.astimezone(_current_zone()).isoformat()


def _strip_upper(value: str) -> str:
    return value.strip().upper()


# -- base -----------------------------------------------------------------------------------------------------


class StrictSchema(Schema):
    """Unknown keys are refused (marshmallow's RAISE), naming the key."""

    class Meta:
        unknown = RAISE


# -- children -------------------------------------------------------------------------------------------------


class ChildSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    pseudonym = fields.String(dump_only=True)
    given_name = Text(required=True)
    family_name = Text(required=True)
    date_of_birth = fields.Date(allow_none=True, load_default=None)
    date_of_birth_estimated = JSONBool(load_default=False)
    sex = fields.String(required=True, validate=validate.OneOf([s.value for s in Sex]))
    languages = fields.List(Text(max_length=60, required=True), load_default=list, validate=validate.Length(max=20))
    guardian_name = Text()
    guardian_relationship = Text(max_length=100)
    guardian_contact = Text(max_length=300)
    registered_court_id = fields.Integer(dump_only=True)
    created_at = Instant(dump_only=True)
    version = fields.Integer(dump_only=True)


class ChildBriefSchema(StrictSchema):
    """A child as a list row names them."""

    id = fields.Integer(dump_only=True)
    pseudonym = fields.String(dump_only=True)
    given_name = fields.String(dump_only=True)
    family_name = fields.String(dump_only=True)


class ChildPseudonymSchema(ChildSchema):
    """A child as roles that never see identity would see it (pseudonym only)."""

    class Meta(StrictSchema.Meta):
        exclude = IDENTITY_FIELDS


# -- cases ----------------------------------------------------------------------------------------------------


class OffenceSchema(StrictSchema):
    description = Text(required=True, max_length=500)
    max_penalty_years = JSONNumber(allow_none=True, load_default=None, validate=validate.Range(min=0, max=200))
    offence_class = Text(max_length=40, data_key="class")


class CourtSchema(StrictSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    jurisdiction = fields.String(attribute="jurisdiction_code", dump_only=True)
    time_zone = fields.String(attribute="effective_time_zone", dump_only=True)


class LawyerSchema(StrictSchema):
    id = fields.Integer(attribute="user_id", dump_only=True)
    email = fields.Email(attribute="user.email", dump_only=True)
    display_name = fields.String(attribute="user.display_name", dump_only=True)
    assigned_at = Instant(dump_only=True)


class CaseSchema(StrictSchema):
    """A case as the API shows it (cases are created from case files: `CaseFileSchema`)."""

    id = fields.Integer(dump_only=True)
    reference = fields.String(dump_only=True)
    jurisdiction = fields.String(attribute="jurisdiction_code", dump_only=True)
    court = fields.Nested(CourtSchema, dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in CaseStatus]})
    custody_state = fields.String(dump_only=True, allow_none=True)
    custody_since = Instant(dump_only=True, allow_none=True)
    police_reference = fields.String(dump_only=True, allow_none=True)
    prosecution_reference = fields.String(dump_only=True, allow_none=True)
    court_reference = fields.String(dump_only=True, allow_none=True)
    child = fields.Nested(ChildSchema, dump_only=True)
    offences = fields.List(fields.Nested(OffenceSchema), dump_only=True)
    lawyers = fields.List(fields.Nested(LawyerSchema), dump_only=True)
    created_at = Instant(dump_only=True)
    updated_at = Instant(dump_only=True)
    version = fields.Integer(dump_only=True)


class CaseSummarySchema(CaseSchema):
    """One row of the case list (status and custody at `as_of` when the list was asked with one)."""

    child = fields.Nested(ChildBriefSchema, dump_only=True)

    class Meta(StrictSchema.Meta):
        exclude = ("offences", "lawyers")


# -- events ---------------------------------------------------------------------------------------------------


class EventSchema(StrictSchema):
    """A stored event row (originals and corrections alike)."""

    id = fields.Integer(dump_only=True)
    seq = fields.Integer(dump_only=True, metadata={"description": "Position in the order events were recorded."})
    type = fields.String(dump_only=True)
    at = Instant(dump_only=True)
    details = fields.Dict(keys=fields.String(), dump_only=True)
    recorded_at = Instant(dump_only=True)
    recorded_by_id = fields.Integer(dump_only=True, allow_none=True)
    corrects_id = fields.Integer(
        dump_only=True, allow_none=True, metadata={"description": "The event this row corrects."}
    )
    voids = fields.Boolean(dump_only=True, metadata={"description": "True: this correction removes the event."})
    correction_reason = fields.String(dump_only=True, allow_none=True)
    effective = fields.Boolean(
        dump_only=True, metadata={"description": "Stands on the timeline (not corrected, not a void)."}
    )


class EventInputSchema(StrictSchema):
    """One new event, from an integration: the case's `version` guards against lost updates."""

    type = Text(required=True, max_length=40)
    at = Instant(required=True)
    details = fields.Dict(keys=fields.String(), load_default=dict)
    version = JSONInteger(required=True, metadata={"description": "The case version the change is based on."})


class CorrectionInputSchema(StrictSchema):
    """A correction: a replacement (type, at and/or details) or a void."""

    reason = Text(required=True, max_length=2000)
    void = JSONBool(load_default=False)
    type = Text(max_length=40)
    at = Instant()
    details = fields.Dict(keys=fields.String())
    version = JSONInteger(required=True)

    @validates_schema
    def _replacement_or_void(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [name for name in ("type", "at", "details") if data.get(name) is not None]
        if data.get("void") and given:
            raise ValidationError({name: ["Must not be given when void is true."] for name in given})
        if not data.get("void") and not given:
            raise ValidationError("Give the corrected type, at or details, or set void to true.", "void")


# -- custody (dump only) --------------------------------------------------------------------------------------


class PlacementSchema(StrictSchema):
    facility = fields.String(allow_none=True)
    separated_from_adults = fields.Boolean(allow_none=True)
    start = Instant()
    end = Instant(allow_none=True)


class EpisodeSchema(StrictSchema):
    kind = fields.String(metadata={"enum": ["police_custody", "pretrial_detention", "sentenced_custody"]})
    start = Instant()
    end = Instant(allow_none=True, metadata={"description": "None: still in custody at as_of."})
    start_event_seq = fields.Integer()
    end_event_seq = fields.Integer(allow_none=True)
    facility = fields.String(allow_none=True)
    separated_from_adults = fields.Boolean(allow_none=True)
    seconds = fields.Integer(metadata={"description": "Whole seconds deprived of liberty up to as_of."})
    duration = fields.String(metadata={"description": "The same, as days, hours and minutes."})
    placements = fields.List(fields.Nested(PlacementSchema))


class CustodySchema(StrictSchema):
    in_custody = fields.Boolean()
    state = fields.String(allow_none=True)
    since = Instant(allow_none=True, metadata={"description": "Start of the unbroken custody still open at as_of."})
    episodes = fields.List(fields.Nested(EpisodeSchema))
    total_seconds = fields.Integer(metadata={"description": "Seconds deprived of liberty, all episodes, to as_of."})
    total_duration = fields.String()


class CaseDetailSchema(CaseSchema):
    """A case on one instant: its effective events up to `as_of` and the custody derived from them."""

    as_of = Instant(dump_only=True)
    known_at = Instant(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"description": "Status at as_of."})
    events = fields.List(fields.Nested(EventSchema), dump_only=True)
    custody = fields.Nested(CustodySchema, dump_only=True)


# -- case files -----------------------------------------------------------------------------------------------


class CaseFileEventSchema(Schema):
    """`{"type", "at", ...type-specific fields}`: everything but type and at becomes `details`.

    Details are checked by the services against the event vocabulary, which names
    any field that does not belong to the event's type.
    """

    class Meta:
        unknown = INCLUDE

    type = Text(required=True, max_length=40)
    at = Instant(required=True)

    @post_load
    def _split(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        details = {k: v for k, v in data.items() if k not in ("type", "at")}
        return {"type": data["type"], "at": data["at"], "details": details}


class CaseFileSchema(StrictSchema):
    """One child's case as a JSON document: what `cases import` reads and `cases export` writes."""

    reference = Text(required=True, max_length=100)
    jurisdiction = fields.String(required=True, validate=validate.Length(min=1, max=16))
    court = Text(metadata={"description": "Court name; omitted: the clerk's court, or the jurisdiction's only court."})
    court_time_zone = Text(
        max_length=64,
        metadata={"description": "IANA zone of the court when it differs from the jurisdiction's; used on creation."},
    )
    child = fields.Nested(ChildSchema, required=True)
    offences = fields.List(fields.Nested(OffenceSchema), validate=validate.Length(max=50))
    # One nested load of many items, not a list of nested loads: a fifth less time for a case file
    # of 15 events. Its messages are the list's (but a null event's: as any other that is no object).
    events = fields.Nested(
        CaseFileEventSchema,
        many=True,
        load_default=list,
        validate=validate.Length(max=2000),
        error_messages={"type": "Not a valid list."},
    )
    police_reference = Text(max_length=100)
    prosecution_reference = Text(max_length=100)
    court_reference = Text(max_length=100)
    lawyers = fields.List(fields.Email(), load_default=list, validate=validate.Length(max=20))
    expect = fields.Dict(
        load_only=True, metadata={"description": "Expected deadlines at an instant (accepted, not stored)."}
    )

    @post_load
    def _normalise(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["jurisdiction"] = _strip_upper(data["jurisdiction"])
        data.pop("expect", None)
        return data


# -- loading helpers ------------------------------------------------------------------------------------------


def flatten_errors(messages: Any, prefix: str = "") -> list[FieldError]:
    """marshmallow's nested error dicts as dotted paths: `{"events": {3: {"at": [...]}}}` → `events.3.at`."""
    found: list[FieldError] = []
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = (prefix or "_schema") if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
            found += flatten_errors(value, path)
    elif isinstance(messages, list | tuple):
        for item in messages:
            if isinstance(item, Mapping | list | tuple):
                found += flatten_errors(item, prefix)
            else:
                found.append(FieldError(prefix or "_schema", str(item)))
    else:
        found.append(FieldError(prefix or "_schema", str(messages)))
    return found


def load(schema: Schema, data: Any) -> Any:
    """Load `data` with `schema`, or raise ValidationFailed naming every bad field by its dotted path."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationFailed(flatten_errors(exc.messages)) from None
