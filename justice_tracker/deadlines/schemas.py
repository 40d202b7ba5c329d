"""marshmallow (4) schemas for deadlines as the JSON API answers them (dump only).

One schema dumps both what the engine returns live (`rules.model.Deadline`) and a
stored row (`models.CaseDeadline`): they carry the same attribute names. Instants
are given twice where a clerk reads them: in UTC (`due`) and in the court's local
offset (`due_local`, through `cases.schemas.zone_context`). `due_local_date` is the
local day a day-counted limit (calendar days, working days, months) ends on; it is
null for hour limits.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from marshmallow import Schema, fields

from justice_tracker.cases.models import CaseStatus
from justice_tracker.cases.schemas import CaseDetailSchema, Instant
from justice_tracker.rules.model import ConsequenceKind, Force, Kind, Status, Verification


class UTCInstant(fields.AwareDateTime):
    """An instant dumped in UTC (`2026-01-12T01:15:00+00:00`), whatever the court's zone."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="iso", **kwargs)

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        return value.astimezone(UTC).isoformat()


def _enum(values: Any, description: str) -> dict[str, Any]:
    return {"enum": [v.value for v in values], "description": description}


class DeadlineSchema(Schema):
    """What one rule of the case's rule pack says about the case at `as_of`."""

    rule_id = fields.String(dump_only=True, metadata={"description": "Stable id of the rule in its pack."})
    kind = fields.String(dump_only=True, metadata=_enum(Kind, "The rule's kind."))
    title = fields.String(dump_only=True)
    citation = fields.String(dump_only=True, metadata={"description": "The legal source of the limit."})
    source_url = fields.String(dump_only=True)
    verification = fields.String(
        dump_only=True,
        metadata=_enum(Verification, "P primary text, V verbatim copy, S secondary source, U unverified."),
    )
    force = fields.String(dump_only=True, metadata=_enum(Force, "Binding law, international standard or advisory."))
    advisory = fields.Boolean(
        dump_only=True,
        metadata={"description": "Advisory rules (S or U verification, or advisory force) are never breached."},
    )
    status = fields.String(
        dump_only=True,
        metadata=_enum(Status, "At as_of; an advisory limit that has passed is advisory_unmet, never breached."),
    )
    explanation = fields.String(dump_only=True, metadata={"description": "One line a clerk can read."})
    consequence = fields.String(dump_only=True, metadata={"description": "What the law says happens on breach."})
    consequence_kind = fields.String(dump_only=True, metadata=_enum(ConsequenceKind, "The consequence's kind."))
    due = UTCInstant(dump_only=True, allow_none=True, metadata={"description": "Due instant, in UTC."})
    due_local = Instant(
        attribute="due",
        dump_only=True,
        allow_none=True,
        metadata={"description": "The same instant in the court's local offset."},
    )
    due_local_date = fields.Date(
        dump_only=True,
        allow_none=True,
        metadata={"description": "Local day a day, working-day or month limit ends on; null for hour limits."},
    )
    at_risk_from = UTCInstant(
        dump_only=True, allow_none=True, metadata={"description": "From when an unmet limit is at risk, in UTC."}
    )
    start_at = UTCInstant(dump_only=True, allow_none=True, metadata={"description": "When the clock started, in UTC."})
    met_at = UTCInstant(dump_only=True, allow_none=True, metadata={"description": "When the limit was met, in UTC."})
    start_key = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "`seq` of the event that started the clock."}
    )
    met_by_key = fields.String(
        dump_only=True, allow_none=True, metadata={"description": "`seq` of the event that met the limit."}
    )
    extended_by = fields.Integer(
        dump_only=True, metadata={"description": "Lawful extensions applied to the limit (by events naming it)."}
    )


class PackRefSchema(Schema):
    """The rule pack (and its version) that gave a deadline."""

    code = fields.String(dump_only=True)
    version_date = fields.Date(dump_only=True)


class DeadlineCaseSchema(Schema):
    """The case a listed deadline belongs to: ids and the child's pseudonym, never a name."""

    id = fields.Integer(dump_only=True)
    reference = fields.String(dump_only=True)
    court_id = fields.Integer(dump_only=True)
    jurisdiction = fields.String(dump_only=True)
    status = fields.String(
        dump_only=True, metadata={"enum": [s.value for s in CaseStatus], "description": "The case's status now."}
    )
    child_pseudonym = fields.String(dump_only=True)


class BoardDeadlineSchema(DeadlineSchema):
    """A stored deadline as a board lists it: its status at `as_of`, with its case and pack."""

    case = fields.Nested(DeadlineCaseSchema, dump_only=True)
    pack = fields.Nested(PackRefSchema, dump_only=True)
    computed_at = UTCInstant(
        dump_only=True, metadata={"description": "When the row was last recomputed (with the case's last change)."}
    )


class CaseImportedSchema(CaseDetailSchema):
    """A case as `POST /cases` answers it: the case now, with the deadlines computed now."""

    pack = fields.Nested(
        PackRefSchema, dump_only=True, allow_none=True, metadata={"description": "Null: no rule pack, no deadlines."}
    )
    deadlines = fields.List(
        fields.Nested(DeadlineSchema),
        dump_only=True,
        metadata={"description": "As GET /cases/{case_id}/deadlines gives them at as_of (now)."},
    )
    warnings = fields.List(
        fields.String(),
        dump_only=True,
        metadata={
            "description": "Imported, but worth a look: e.g. detention with no alternatives considered before it "
            "(`events.N: …`)."
        },
    )
