"""marshmallow schemas: strict input, dotted error paths, case-file events split into details."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from marshmallow import ValidationError

from justice_tracker.cases.schemas import (
    CaseFileSchema,
    ChildSchema,
    CorrectionInputSchema,
    EventInputSchema,
    EventSchema,
    flatten_errors,
    load,
    zone_context,
)
from justice_tracker.errors import FieldError, ValidationFailed

CHILD = {"given_name": " Ana ", "family_name": "Example", "date_of_birth": "2010-05-14", "sex": "F"}


def _file(**changes):
    return {"reference": "R-1", "jurisdiction": "br", "child": dict(CHILD), "events": []} | changes


def _paths(schema, data) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        load(schema, data)
    return caught.value.as_dict()


def test_flatten_errors_gives_dotted_paths():
    messages = {
        "events": {3: {"at": ["bad"], "_schema": ["whole event"]}},
        "child": {"date_of_birth": ["no"]},
        "_schema": ["top"],
    }
    assert flatten_errors(messages) == [
        FieldError("events.3.at", "bad"),
        FieldError("events.3", "whole event"),
        FieldError("child.date_of_birth", "no"),
        FieldError("_schema", "top"),
    ]


def test_a_case_file_loads_with_events_split_into_details():
    data = _file(
        events=[{"type": "released", "at": "2026-01-10T22:15:00-03:00", "kind": "bail", "note": "n"}],
        offences=[{"description": "theft", "max_penalty_years": 4, "class": "petty"}],
        expect={"as_of": "whatever"},
    )
    loaded = load(CaseFileSchema(), data)
    assert loaded["jurisdiction"] == "BR"
    assert loaded["child"]["given_name"] == "Ana"
    assert loaded["child"]["date_of_birth"] == date(2010, 5, 14)
    assert loaded["offences"] == [{"description": "theft", "max_penalty_years": 4.0, "offence_class": "petty"}]
    assert loaded["events"] == [
        {"type": "released", "at": datetime(2026, 1, 11, 1, 15, tzinfo=UTC), "details": {"kind": "bail", "note": "n"}}
    ]
    assert "expect" not in loaded


@pytest.mark.parametrize(
    ("data", "path", "words"),
    [
        (_file(events=[{"type": "apprehended", "at": "2026-01-10T22:15:00"}]), "events.0.at", "UTC offset"),
        (_file(events=[{"type": "apprehended", "at": 1767000000}]), "events.0.at", "ISO 8601"),
        (_file(events=[{"at": "2026-01-10T22:15:00Z"}]), "events.0.type", "required"),
        (_file(status="open"), "status", "Unknown field"),
        (_file(custody_state="police_custody"), "custody_state", "Unknown field"),
        (_file(child=CHILD | {"version": 2}), "child.version", "Unknown field"),
        (_file(child=CHILD | {"given_name": "   "}), "child.given_name", "blank"),
        (_file(child=CHILD | {"given_name": "a\x00b"}), "child.given_name", "control character"),
        (_file(child=CHILD | {"date_of_birth_estimated": "yes"}), "child.date_of_birth_estimated", "true or false"),
        (_file(offences=[{"description": "x", "max_penalty_years": True}]), "offences.0.max_penalty_years", "number"),
        (_file(offences=[{"description": "x", "max_penalty_years": -1}]), "offences.0.max_penalty_years", "greater"),
        (_file(lawyers=["not-an-email"]), "lawyers.0", "email"),
        (_file(reference="x" * 101), "reference", "at most 100"),
        (_file(child="Ana"), "child", "Invalid input type"),
    ],
)
def test_bad_case_files_name_the_field(data, path, words):
    errors = _paths(CaseFileSchema(), data)
    assert path in errors, errors
    assert any(words.lower() in m.lower() for m in errors[path]), errors


def test_event_input_and_corrections():
    loaded = load(EventInputSchema(), {"type": "released", "at": "2026-01-10T10:00:00Z", "version": 3})
    assert loaded == {"type": "released", "at": datetime(2026, 1, 10, 10, tzinfo=UTC), "details": {}, "version": 3}
    assert "version" in _paths(EventInputSchema(), {"type": "x", "at": "2026-01-10T10:00:00Z", "version": True})
    assert load(CorrectionInputSchema(), {"reason": "dup", "void": True, "version": 1})["void"] is True
    assert "void" in _paths(CorrectionInputSchema(), {"reason": "r", "version": 1})
    assert "details" in _paths(CorrectionInputSchema(), {"reason": "r", "void": True, "details": {}, "version": 1})
    assert "reason" in _paths(CorrectionInputSchema(), {"reason": " ", "void": True, "version": 1})


def test_instants_are_dumped_in_the_zone_of_the_context():
    event = {"id": 1, "type": "apprehended", "at": datetime(2026, 1, 11, 1, 15, tzinfo=UTC), "details": {}}
    with zone_context("America/Sao_Paulo"):
        assert EventSchema().dump(event)["at"] == "2026-01-10T22:15:00-03:00"
    assert EventSchema().dump(event)["at"] == "2026-01-11T01:15:00+00:00"


def test_child_schema_refuses_server_fields_and_defaults_the_rest():
    loaded = ChildSchema().load(CHILD | {"guardian_name": "  "})
    assert loaded["guardian_name"] is None
    assert loaded["languages"] == [] and loaded["date_of_birth_estimated"] is False
    with pytest.raises(ValidationError) as caught:
        ChildSchema().load(CHILD | {"pseudonym": "C-AAAA-BBBB", "registered_court_id": 1})
    assert set(caught.value.messages) == {"pseudonym", "registered_court_id"}
