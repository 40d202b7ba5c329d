"""marshmallow (4) schemas of the registry, suggestions and referrals.

`ProgrammeSchema` is both the registry's exchange format (what `flask programmes
import` reads and `export` writes, as JSON or CSV columns) and the API's answer.
Suggestion and referral schemas dump the pure engine's dataclasses and the rows;
the input schemas refuse unknown keys (422), so server-owned values (state held,
capacity counts of a referral, versions) cannot be set from outside.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from justice_tracker.cases.schemas import Instant, JSONBool, JSONInteger, JSONNumber, StrictSchema, Text
from justice_tracker.programmes.eligibility import Verdict
from justice_tracker.programmes.referrals import STATES
from justice_tracker.programmes.vocabulary import COSTS, FAILURE_REASONS, PROGRAMME_TYPES, STAGES, restrictiveness

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", error="Use letters, digits, '.', '_' and '-' only.")


def _texts(max_length: int, max_items: int) -> fields.List:
    return fields.List(
        Text(max_length=max_length, required=True), load_default=list, validate=validate.Length(max=max_items)
    )


def _count(**kwargs: Any) -> JSONInteger:
    return JSONInteger(validate=validate.Range(min=0, max=100_000), **kwargs)


class ProgrammeSchema(StrictSchema):
    """A programme of the registry (eligibility as data, capacity now)."""

    id = fields.Integer(dump_only=True)
    code = Text(required=True, max_length=40, validate=CODE, metadata={"description": "The registry's stable key."})
    name = Text(required=True)
    provider = Text(required=True)
    type = fields.String(required=True, validate=validate.OneOf(list(PROGRAMME_TYPES)))
    stages = fields.List(
        fields.String(validate=validate.OneOf(list(STAGES))), required=True, validate=validate.Length(min=1, max=4)
    )
    jurisdiction = fields.String(attribute="jurisdiction_code", required=True, validate=validate.Length(min=1, max=16))
    areas = _texts(100, 50)
    languages = _texts(60, 20)
    cost = fields.String(load_default="free", validate=validate.OneOf(list(COSTS)))
    contact = Text(max_length=300)
    description = Text(max_length=4000)
    min_age = JSONInteger(allow_none=True, load_default=None, validate=validate.Range(min=0, max=30))
    max_age = JSONInteger(allow_none=True, load_default=None, validate=validate.Range(min=0, max=30))
    offence_classes = _texts(40, 30)
    excluded_offence_classes = _texts(40, 30)
    max_penalty_years = JSONNumber(allow_none=True, load_default=None, validate=validate.Range(min=0, max=200))
    requires_acknowledgement = JSONBool(
        load_default=False, metadata={"description": "Of responsibility: never an admission of guilt."}
    )
    requires_child_consent = JSONBool(load_default=True)
    requires_parent_consent = JSONBool(load_default=False)
    exclusions = _texts(200, 20)
    places = _count(required=True)
    enrolled = _count(allow_none=True, load_default=None, metadata={"description": "Omitted: kept as it is."})
    waiting_list = _count(allow_none=True, load_default=None, metadata={"description": "Omitted: kept as it is."})
    wait_days = _count(allow_none=True, load_default=None)
    active = JSONBool(load_default=True)
    free_places = fields.Integer(dump_only=True)
    updated_at = Instant(dump_only=True)
    version = fields.Integer(dump_only=True)

    @validates_schema
    def _ranges(self, data: dict[str, Any], **kwargs: Any) -> None:
        low, high = data.get("min_age"), data.get("max_age")
        if low is not None and high is not None and low > high:
            raise ValidationError("Must not be below min_age.", "max_age")
        enrolled, places = data.get("enrolled"), data.get("places")
        if enrolled is not None and places is not None and enrolled > places:
            raise ValidationError(f"Cannot be more than the places ({places}).", "enrolled")


class OutcomesSchema(Schema):
    """What became of a programme's referrals. Oversight sees counts from 1 to the threshold as null."""

    referrals = fields.Integer(allow_none=True)
    starts = fields.Integer(allow_none=True)
    completions = fields.Integer(allow_none=True)
    failures = fields.Dict(keys=fields.String(), values=fields.Integer(allow_none=True))
    new_apprehensions = fields.Integer(allow_none=True, metadata={"description": "Apprehended again while enrolled."})
    median_days_to_start = fields.Float(allow_none=True, metadata={"description": "From the first step to the start."})
    suppressed_below = fields.Integer(allow_none=True, metadata={"description": "Set when small counts are hidden."})


class ProgrammeDetailSchema(ProgrammeSchema):
    """A programme with the outcomes of its referrals."""

    outcomes = fields.Nested(OutcomesSchema, dump_only=True)


# -- suggestions ----------------------------------------------------------------------------------------------


class ReasonSchema(Schema):
    topic = fields.String(
        metadata={
            "enum": [
                "active",
                "jurisdiction",
                "stage",
                "age",
                "offence",
                "area",
                "language",
                "capacity",
                "requirements",
                "exclusions",
            ]
        }
    )
    verdict = fields.String(
        metadata={
            "enum": [v.value for v in Verdict],
            "description": "fits; against (lowers the rank); excludes (rules it out); check (a person must check).",
        }
    )
    text = fields.String()


class ScorePartSchema(Schema):
    points = fields.Integer()
    text = fields.String()


class SuggestedProgrammeSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()
    provider = fields.String()
    type = fields.String()
    restrictiveness = fields.Function(lambda p: restrictiveness(p.type), metadata={"description": "1 (least) to 5."})
    places = fields.Integer()
    enrolled = fields.Integer()
    free_places = fields.Integer()
    waiting_list = fields.Integer()
    wait_days = fields.Integer(allow_none=True)


class SuggestionSchema(Schema):
    rank = fields.Integer()
    eligible = fields.Boolean(metadata={"description": "False: ruled out; still listed with the reasons."})
    score = fields.Integer()
    programme = fields.Nested(SuggestedProgrammeSchema)
    reasons = fields.List(fields.Nested(ReasonSchema))
    score_parts = fields.List(fields.Nested(ScorePartSchema), attribute="parts")


class SuggestionListSchema(Schema):
    """Ranked suggestions for a case, with how the order is made."""

    case_id = fields.Integer()
    stage = fields.String(metadata={"enum": list(STAGES)})
    order = fields.String(metadata={"description": "How the list is ordered, in words."})
    items = fields.List(fields.Nested(SuggestionSchema))


# -- referrals ------------------------------------------------------------------------------------------------


class ReferralChildSchema(Schema):
    """The child as a referral shows them: pseudonym, age band, offence classes, languages. Never more."""

    pseudonym = fields.String()
    age_band = fields.String()
    offence_classes = fields.List(fields.String())
    languages = fields.List(fields.String())


class ReferralStepSchema(Schema):
    state = fields.String(metadata={"enum": list(STATES)})
    at = Instant()
    reason = fields.String(allow_none=True)
    recorded_at = Instant()
    event_id = fields.Integer(allow_none=True, metadata={"description": "The timeline event recording the step."})


class ProgrammeRefSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name = fields.String()


class ReferralSchema(Schema):
    """A referral and its steps."""

    id = fields.Integer()
    case_id = fields.Integer()
    programme = fields.Nested(ProgrammeRefSchema)
    state = fields.String(metadata={"enum": list(STATES)})
    next_states = fields.List(fields.String(), metadata={"description": "The steps it can take next."})
    child = fields.Nested(ReferralChildSchema)
    child_consent = fields.Boolean(allow_none=True)
    parent_consent = fields.Boolean(allow_none=True)
    acknowledgement = fields.Boolean(allow_none=True)
    failure_reason = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(ReferralStepSchema))
    created_at = Instant()
    updated_at = Instant()
    version = fields.Integer(metadata={"description": "Send it as `version` with the next step."})


class ReferralListSchema(Schema):
    items = fields.List(fields.Nested(ReferralSchema))
    total = fields.Integer()


class ReferralInputSchema(StrictSchema):
    """Refer a child: the programme (of the case's jurisdiction), optionally when and why."""

    programme_id = JSONInteger(required=True)
    at = Instant(metadata={"description": "When it was suggested; default now."})
    reason = Text(max_length=1000)


class ReferralStepInputSchema(StrictSchema):
    """One step of a referral; `version` is the referral's, as last read (else 409)."""

    state = fields.String(required=True, validate=validate.OneOf(STATES))
    at = Instant(metadata={"description": "When the step happened; default now."})
    reason = Text(max_length=1000, metadata={"description": "Required to decline or withdraw."})
    failure_reason = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(list(FAILURE_REASONS)))
    child_consent = JSONBool(allow_none=True, load_default=None, metadata={"description": "Recorded on acceptance."})
    parent_consent = JSONBool(allow_none=True, load_default=None)
    acknowledgement = JSONBool(
        allow_none=True, load_default=None, metadata={"description": "Of responsibility, never of guilt."}
    )
    version = JSONInteger(required=True)
