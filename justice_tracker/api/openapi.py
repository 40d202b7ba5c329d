"""The OpenAPI 3.1 document of `/api/v1`, generated from the routes and the marshmallow schemas.

Every route under `/api/v1/` in the application's URL map is listed (a route
missing from `OPERATIONS` still appears, with its docstring); request and
answer bodies come from the marshmallow schemas through a small converter to
JSON Schema (2020-12, as OpenAPI 3.1 uses).
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from marshmallow import RAISE, Schema, fields, missing, validate

from justice_tracker.auth.access import rule_for
from justice_tracker.cases import schemas as s
from justice_tracker.deadlines import schemas as ds
from justice_tracker.documents.child import LANGUAGES as CHILD_LANGUAGES
from justice_tracker.programmes import schemas as ps
from justice_tracker.programmes.referrals import STATES as REFERRAL_STATES
from justice_tracker.programmes.vocabulary import PROGRAMME_TYPES, STAGES
from justice_tracker.rules.model import Status

API_VERSION = "1.0.0"
API_PREFIX = "/api/v1/"
_CONVERTER = re.compile(r"<(?:(?P<conv>[a-z]+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
_QUOTED = re.compile(r"'([^']*)'|\"([^\"]*)\"")


@dataclass(frozen=True)
class Param:
    name: str
    schema: dict[str, Any]
    description: str


@dataclass(frozen=True)
class Op:
    response: str | dict[str, Any] | None = None
    status: int = 200
    request: str | None = None
    query: tuple[Param, ...] = ()
    errors: tuple[int, ...] = ()
    extra_responses: dict[int, str] = field(default_factory=dict)
    # The answer's media type, and what an error status means for this operation when ERROR_TEXT is too general.
    media_type: str = "application/json"
    error_text: dict[int, str] = field(default_factory=dict)


_INSTANT = {"type": "string", "format": "date-time"}
AS_OF = Param("as_of", _INSTANT, "Instant on the timeline to reconstruct (ISO 8601 with offset); default now.")
KNOWN_AT = Param("known_at", _INSTANT, "Only what had been recorded by this instant (what a user saw then).")
_PDF = {"type": "string", "contentMediaType": "application/pdf"}

# The scope every /oversight endpoint takes (justice_tracker.oversight.scope).
OVERSIGHT_SCOPE = (
    Param("as_of", _INSTANT, "Census instant (ISO 8601 with offset, or a date: its end), not future; default now."),
    Param("from", _INSTANT, "Start of the period (instant, or a date: its start); default 12 months before `to`."),
    Param("to", _INSTANT, "End of the period, excluded (instant, or a date: its end), at most `as_of` (the default)."),
    Param("jurisdiction", {"type": "string"}, "Jurisdiction code, e.g. BR."),
    Param("court", {"type": "integer"}, "Court id."),
    Param("facility", {"type": "integer"}, "Facility id."),
)

OPERATIONS: dict[str, Op] = {
    "api.me": Op(response="Me"),
    "api.openapi": Op(response={"type": "object", "description": "This document."}),
    "api.list_cases": Op(
        response="CaseList",
        errors=(400,),
        query=(
            Param("reference", {"type": "string"}, "Part of the case reference (case-insensitive)."),
            Param("court_id", {"type": "integer"}, "Court id."),
            Param("status", {"type": "string", "enum": ["open", "closed"]}, "Case status now."),
            Param("in_custody", {"type": "boolean"}, "In custody now (true) or free (false)."),
            Param("jurisdiction", {"type": "string"}, "Jurisdiction code, e.g. BR."),
            Param("as_of", _INSTANT, "Show each listed case's status and custody at this instant."),
            Param("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
            Param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Cases per page (at most 100)."),
        ),
    ),
    "api.create_case": Op(
        response="CaseImported",
        status=201,
        request="CaseFile",
        errors=(400, 409, 422),
        extra_responses={200: "The case existed: nothing was created (new events in the file were appended)."},
    ),
    "api.get_case": Op(response="CaseDetail", query=(AS_OF, KNOWN_AT), errors=(400, 404)),
    "api.list_events": Op(response="EventHistory", query=(KNOWN_AT,), errors=(400, 404)),
    "api.add_event": Op(response="EventRecorded", status=201, request="EventInput", errors=(400, 404, 409, 422)),
    "api.correct_event": Op(
        response="EventRecorded", status=201, request="CorrectionInput", errors=(400, 404, 409, 422)
    ),
    "api.export_case": Op(response="CaseFile", errors=(404,)),
    "api.case_deadlines": Op(response="CaseDeadlines", query=(AS_OF, KNOWN_AT), errors=(400, 404)),
    "api.list_deadlines": Op(
        response="DeadlineList",
        errors=(400,),
        query=(
            Param(
                "status",
                {"type": "string", "example": "breached,at_risk"},
                "Status at as_of, one or several separated by commas: " + ", ".join(x.value for x in Status) + ".",
            ),
            Param("as_of", _INSTANT, "Instant the status is computed at (ISO 8601 with offset); default now."),
            Param("jurisdiction", {"type": "string"}, "Jurisdiction code of the case, e.g. BR."),
            Param("court_id", {"type": "integer"}, "Court id."),
            Param("case_status", {"type": "string", "enum": ["open", "closed"]}, "Status of the case now."),
            Param("advisory", {"type": "boolean"}, "Only advisory rules (true) or only binding ones (false)."),
            Param("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
            Param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Deadlines per page (at most 100)."),
        ),
    ),
    "api.create_child": Op(response="ChildRecord", status=201, request="Child", errors=(400, 422)),
    "api.get_child": Op(response="ChildRecord", errors=(404,)),
    # -- documents (justice_tracker.documents.api)
    "api.case_document": Op(
        response=_PDF,
        media_type="application/pdf",
        errors=(400, 404, 422, 503),
        query=(
            Param(
                "as_of",
                _INSTANT,
                "Print the case as it stood at this instant (ISO 8601 with offset, not in the future); default now.",
            ),
            Param(
                "lang",
                {"type": "string", "enum": list(CHILD_LANGUAGES)},
                "Language of the child-friendly summary; default the child's first language that has a text, "
                "else en. Other documents are in English.",
            ),
        ),
        error_text={
            400: "`as_of` cannot be read or is in the future, or `lang` is not a language offered; `fields` names it.",
            404: "No such case, or no such kind of document.",
            422: "The document is over a rendering limit (too many events or pages); the message says which.",
            503: "The renderer is busy, or stopped a document that ran too long: try again later.",
        },
    ),
    # -- programmes and referrals (justice_tracker.programmes.api)
    "api.list_programmes": Op(
        response="ProgrammeList",
        errors=(400,),
        query=(
            Param("jurisdiction", {"type": "string"}, "Jurisdiction code, e.g. BR."),
            Param("type", {"type": "string", "enum": list(PROGRAMME_TYPES)}, "Type of programme."),
            Param("stage", {"type": "string", "enum": list(STAGES)}, "Stage the programme is offered at."),
            Param("available", {"type": "boolean"}, "A place free now (true) or not (false)."),
            Param("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
            Param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Programmes per page."),
        ),
    ),
    "api.get_programme": Op(response="ProgrammeDetail", errors=(404,)),
    "api.case_suggestions": Op(
        response="SuggestionList",
        errors=(400, 404),
        query=(Param("stage", {"type": "string", "enum": list(STAGES)}, "Another stage than the case's own."),),
    ),
    "api.case_referrals": Op(response="ReferralList", errors=(404,)),
    "api.create_referral": Op(response="Referral", status=201, request="ReferralInput", errors=(400, 404, 422)),
    "api.list_referrals": Op(
        response="ReferralList",
        errors=(400,),
        query=(
            Param("state", {"type": "string", "enum": list(REFERRAL_STATES)}, "Current state."),
            Param("programme_id", {"type": "integer"}, "Programme id."),
            Param("page", {"type": "integer", "minimum": 1, "default": 1}, "Page number."),
            Param("per_page", {"type": "integer", "minimum": 1, "maximum": 100}, "Referrals per page."),
        ),
    ),
    "api.get_referral": Op(response="Referral", errors=(404,)),
    "api.referral_step": Op(response="Referral", status=201, request="ReferralStepInput", errors=(400, 404, 409, 422)),
    # -- oversight (justice_tracker.oversight.api): de-identified aggregates, small cells hidden
    "api.oversight_dashboard": Op(response="OversightDashboard", query=OVERSIGHT_SCOPE, errors=(400,)),
    "api.oversight_indicators": Op(response="OversightIndicators", query=OVERSIGHT_SCOPE, errors=(400,)),
    "api.oversight_jdai": Op(response="OversightReport", query=OVERSIGHT_SCOPE, errors=(400,)),
    "api.oversight_table": Op(response="OversightOneTable", query=OVERSIGHT_SCOPE, errors=(400, 404)),
}

ERROR_TEXT = {
    400: "The query or body cannot be read; `fields` names the parameter.",
    401: "No valid token or session.",
    403: "The role or this record is not open to the caller (the refusal is audited).",
    404: "No such record.",
    409: "The record changed since `version` was read, or the case file contradicts the stored case.",
    422: "Invalid data; `fields` maps dotted paths (`events.3.at`) to messages. Nothing was stored.",
    503: "The service cannot answer now; try again later.",
}

SCHEMAS: tuple[type[Schema], ...] = (
    s.CaseFileSchema,
    s.CaseDetailSchema,
    s.CaseSummarySchema,
    s.CaseSchema,
    s.ChildSchema,
    s.EventSchema,
    s.EventInputSchema,
    s.CorrectionInputSchema,
    ds.DeadlineSchema,
    ds.BoardDeadlineSchema,
    ds.CaseImportedSchema,
    ps.ProgrammeSchema,
    ps.ProgrammeDetailSchema,
    ps.SuggestionListSchema,
    ps.ReferralSchema,
    ps.ReferralListSchema,
    ps.ReferralInputSchema,
    ps.ReferralStepInputSchema,
)

_STATUS_COUNTS = {
    "type": "object",
    "description": "Number of deadlines per status (statuses with none are left out).",
    "propertyNames": {"enum": [x.value for x in Status]},
    "additionalProperties": {"type": "integer"},
}

_OVERSIGHT_ROW = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "description": "Stable id of the row, e.g. court:GB-EAW:3."},
        "label": {"type": "string"},
        "level": {"type": "integer", "description": "0, or 1 for a row within the one above it."},
        "values": {"type": "object", "description": "Per column key; null when hidden or not available."},
        "suppressed": {
            "type": "object",
            "additionalProperties": {"type": "string", "enum": ["small", "hidden"]},
            "description": "Why a value is null: small (a count from 1 to threshold-1) or hidden (shown x).",
        },
    },
}
_OVERSIGHT_SCOPE = {
    "type": "object",
    "properties": {
        "as_of": {"type": "string", "format": "date-time"},
        "from": {"type": "string", "format": "date-time"},
        "to": {"type": "string", "format": "date-time"},
        "jurisdiction": {"type": ["string", "null"]},
        "court": {"type": ["integer", "null"]},
        "facility": {"type": ["integer", "null"]},
    },
}
_OVERSIGHT_TABLES = {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/OversightTable"}}
_OVERSIGHT_BASE = {"scope": _OVERSIGHT_SCOPE, "threshold": {"type": "integer"}, "generated_at": _INSTANT}
OVERSIGHT_COMPONENTS: dict[str, dict[str, Any]] = {
    "OversightTable": {
        "type": "object",
        "properties": {
            "key": {"type": "string"},
            "title": {"type": "string"},
            "row_header": {"type": "string"},
            "note": {"type": "string"},
            "columns": {"type": "array", "items": {"type": "object"}},
            "rows": {"type": "array", "items": _OVERSIGHT_ROW},
            "total": {"anyOf": [_OVERSIGHT_ROW, {"type": "null"}]},
        },
    },
    "OversightReport": {"type": "object", "properties": {**_OVERSIGHT_BASE, "tables": _OVERSIGHT_TABLES}},
    "OversightDashboard": {
        "type": "object",
        "properties": {
            **_OVERSIGHT_BASE,
            "tables": _OVERSIGHT_TABLES,
            "custody_lists": {
                "type": "array",
                "description": "Per jurisdiction, the children held at as_of, only where its count is published.",
                "items": {
                    "type": "object",
                    "properties": {
                        "jurisdiction": {"type": "string"},
                        "listed": {"type": "boolean"},
                        "children": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {"pseudonym": {"type": "string"}, "days": {"type": "integer"}},
                            },
                        },
                    },
                },
            },
        },
    },
    "OversightIndicators": {
        "type": "object",
        "properties": {
            **_OVERSIGHT_BASE,
            "tables": _OVERSIGHT_TABLES,
            "definitions": {"type": "array", "items": {"type": "object"}},
        },
    },
    "OversightOneTable": {
        "type": "object",
        "properties": {**_OVERSIGHT_BASE, "table": {"$ref": "#/components/schemas/OversightTable"}},
    },
}

EXTRA_COMPONENTS: dict[str, dict[str, Any]] = {
    "Error": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {
                    "code": {"type": "integer"},
                    "message": {"type": "string"},
                    "request_id": {"type": "string"},
                    "fields": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    },
                },
                "required": ["code", "message"],
            }
        },
        "required": ["error"],
    },
    "ProgrammeList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Programme"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
        },
    },
    "Me": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string", "format": "email"},
            "display_name": {"type": "string"},
            "role": {"type": "string", "enum": ["admin", "clerk", "lawyer", "oversight", "coordinator"]},
            "court": {
                "type": ["object", "null"],
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            },
            "authenticated_by": {"type": "string", "enum": ["token", "session"]},
        },
    },
    "CaseList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/CaseSummary"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
            "pages": {"type": "integer"},
            "as_of": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "EventHistory": {
        "type": "object",
        "properties": {
            "case_id": {"type": "integer"},
            "version": {"type": "integer"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
        },
    },
    "EventRecorded": {
        "type": "object",
        "properties": {
            "event": {"$ref": "#/components/schemas/Event"},
            "case_version": {"type": "integer", "description": "Send it as `version` with the next change."},
        },
    },
    "CaseDeadlines": {
        "type": "object",
        "properties": {
            "case_id": {"type": "integer"},
            "reference": {"type": "string"},
            "jurisdiction": {"type": "string"},
            "time_zone": {"type": "string", "description": "The court's IANA zone (`due_local` is in it)."},
            "as_of": {"type": "string", "format": "date-time"},
            "known_at": {"type": ["string", "null"], "format": "date-time"},
            "pack": {
                "anyOf": [{"$ref": "#/components/schemas/PackRef"}, {"type": "null"}],
                "description": "Null when the jurisdiction has no rule pack (then there are no deadlines).",
            },
            "counts": _STATUS_COUNTS,
            "deadlines": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Deadline"},
                "description": "In pack order, not-applicable ones last.",
            },
        },
    },
    "DeadlineList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/BoardDeadline"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer", "description": "Deadlines matching every filter."},
            "pages": {"type": "integer"},
            "as_of": {"type": "string", "format": "date-time"},
            "counts": {
                **_STATUS_COUNTS,
                "description": "Per status, among the deadlines matching every filter but status.",
            },
        },
    },
    "ChildRecord": {
        "allOf": [
            {"$ref": "#/components/schemas/Child"},
            {
                "type": "object",
                "properties": {
                    "cases": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "reference": {"type": "string"},
                                "court": {"type": "string"},
                                "status": {"type": "string"},
                            },
                        },
                    }
                },
            },
        ]
    },
    **OVERSIGHT_COMPONENTS,
}


# -- marshmallow → JSON Schema --------------------------------------------------------------------------------


def component_name(schema: type[Schema] | Schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


class Converter:
    """Turns marshmallow schemas into JSON Schema objects, collecting nested ones as components."""

    def __init__(self) -> None:
        self.components: dict[str, dict[str, Any]] = {}

    def ref(self, schema: type[Schema] | Schema) -> dict[str, Any]:
        name = component_name(schema)
        if name not in self.components:
            self.components[name] = {}  # placeholder: stops recursion on self-referencing schemas
            instance = schema() if isinstance(schema, type) else schema
            self.components[name] = self.schema(instance)
        return {"$ref": f"#/components/schemas/{name}"}

    def schema(self, schema: Schema) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, fld in schema.fields.items():
            key = fld.data_key or name
            properties[key] = self.field(fld)
            if fld.required:
                required.append(key)
        out: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            out["required"] = required
        if schema.unknown == RAISE:
            out["additionalProperties"] = False
        doc = inspect.getdoc(type(schema))
        if doc and type(schema).__doc__:
            out["description"] = doc
        return out

    def field(self, fld: fields.Field) -> dict[str, Any]:
        out = self._type(fld)
        for validator in _validators(fld):
            out.update(_validator_keywords(validator, out))
        metadata = dict(fld.metadata)
        for key in ("description", "enum", "maxLength", "minLength", "example"):
            if key in metadata:
                out[key] = metadata[key]
        if fld.dump_only:
            out["readOnly"] = True
        if fld.load_only:
            out["writeOnly"] = True
        default = fld.load_default
        if default is not missing and not callable(default) and default is not None:
            out["default"] = default
        if fld.allow_none:
            out = _nullable(out)
        return out

    def _type(self, fld: fields.Field) -> dict[str, Any]:
        if isinstance(fld, fields.Nested):
            target = self.ref(fld.schema)
            return {"type": "array", "items": target} if fld.many else target
        if isinstance(fld, fields.List):
            return {"type": "array", "items": self.field(fld.inner)}
        if isinstance(fld, fields.Dict):
            out: dict[str, Any] = {"type": "object"}
            if fld.value_field is not None:
                out["additionalProperties"] = self.field(fld.value_field)
            return out
        for cls, spec in _SIMPLE:
            if isinstance(fld, cls):
                return dict(spec)
        return {}


_SIMPLE: tuple[tuple[type[fields.Field], dict[str, Any]], ...] = (
    (fields.Email, {"type": "string", "format": "email"}),
    (fields.DateTime, {"type": "string", "format": "date-time"}),
    (fields.Date, {"type": "string", "format": "date"}),
    (fields.String, {"type": "string"}),
    (fields.Boolean, {"type": "boolean"}),
    (fields.Integer, {"type": "integer"}),
    (fields.Float, {"type": "number"}),
    (fields.Decimal, {"type": "number"}),
)


def _validators(fld: fields.Field) -> list[Any]:
    return list(getattr(fld, "validators", []) or [])


def _validator_keywords(validator: Any, current: dict[str, Any]) -> dict[str, Any]:
    if isinstance(validator, validate.OneOf):
        return {"enum": list(validator.choices)}
    if isinstance(validator, validate.Length):
        low, high = ("minItems", "maxItems") if current.get("type") == "array" else ("minLength", "maxLength")
        out: dict[str, Any] = {}
        if validator.min is not None:
            out[low] = validator.min
        if validator.max is not None:
            out[high] = validator.max
        return out
    if isinstance(validator, validate.Range):
        out = {}
        if validator.min is not None:
            out["minimum" if validator.min_inclusive else "exclusiveMinimum"] = validator.min
        if validator.max is not None:
            out["maximum" if validator.max_inclusive else "exclusiveMaximum"] = validator.max
        return out
    return {}


def _nullable(out: dict[str, Any]) -> dict[str, Any]:
    kind = out.get("type")
    if isinstance(kind, str):
        return {**out, "type": [kind, "null"]}
    if "$ref" in out:
        return {"anyOf": [out, {"type": "null"}]}
    return out


# -- the document ---------------------------------------------------------------------------------------------


def _path_schema(converter: str | None, args: str | None) -> dict[str, Any]:
    if converter == "int":
        return {"type": "integer"}
    if converter == "any" and args:
        return {"type": "string", "enum": [a or b for a, b in _QUOTED.findall(args)]}
    return {"type": "string"}


def openapi_path(rule: str) -> tuple[str, list[tuple[str, dict[str, Any]]]]:
    """`/cases/<int:case_id>` → (`/cases/{case_id}`, [("case_id", {"type": "integer"})]).

    An `any('a','b')` variable becomes a string with those values as its enum.
    """
    found: list[tuple[str, dict[str, Any]]] = []

    def replace(match: re.Match[str]) -> str:
        found.append((match.group("name"), _path_schema(match.group("conv"), match.group("args"))))
        return "{" + match.group("name") + "}"

    return _CONVERTER.sub(replace, rule), found


def _body_schema(name: str | dict[str, Any]) -> dict[str, Any]:
    return name if isinstance(name, dict) else {"$ref": f"#/components/schemas/{name}"}


def _docs(view: Any) -> tuple[str, str]:
    doc = inspect.getdoc(view) or ""
    summary, _, rest = doc.partition("\n")
    return summary.strip(), rest.strip()


def build_document(app: Flask) -> dict[str, Any]:
    converter = Converter()
    for schema in SCHEMAS:
        converter.ref(schema)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        op = OPERATIONS.get(rule.endpoint, Op())
        path, variables = openapi_path(rule.rule)
        access_rule = rule_for(view)
        public = bool(access_rule and access_rule.public)
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for method in methods:
            summary, description = _docs(view)
            operation_id = rule.endpoint.removeprefix("api.").replace(".", "_")
            if len(methods) > 1:
                operation_id += f"_{method.lower()}"
            operation: dict[str, Any] = {"operationId": operation_id, "summary": summary}
            if description:
                operation["description"] = description
            if access_rule is not None and not public:
                operation["x-roles"] = sorted(access_rule.roles)
            parameters = [
                {"name": name, "in": "path", "required": True, "schema": schema} for name, schema in variables
            ]
            parameters += [
                {"name": p.name, "in": "query", "required": False, "schema": p.schema, "description": p.description}
                for p in op.query
            ]
            if parameters:
                operation["parameters"] = parameters
            if op.request:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": _body_schema(op.request)}},
                }
            responses: dict[str, Any] = {}
            ok: dict[str, Any] = {"description": "OK" if op.status == 200 else "Created"}
            if op.response is not None:
                ok["content"] = {op.media_type: {"schema": _body_schema(op.response)}}
            responses[str(op.status)] = ok
            for status, text in op.extra_responses.items():
                responses[str(status)] = {
                    "description": text,
                    **({"content": ok["content"]} if "content" in ok else {}),
                }
            errors = set(op.errors) | (set() if public else {401, 403})
            for status in sorted(errors):
                responses[str(status)] = {
                    "description": op.error_text.get(status, ERROR_TEXT[status]),
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                }
            operation["responses"] = responses
            operation["security"] = [] if public else [{"bearerAuth": []}, {"session": []}]
            paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Justice Tracker API",
            "version": API_VERSION,
            "description": (
                "Follows each child's path through the justice system. Instants are ISO 8601 with a UTC "
                "offset (naive instants are refused) and are answered in the court's local offset. "
                "Integrations authenticate with `Authorization: Bearer <token>`."
            ),
        },
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "paths": paths,
        "components": {
            "schemas": {**converter.components, **EXTRA_COMPONENTS},
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "An API token (`jt_…`)."},
                "session": {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]},
            },
        },
    }
