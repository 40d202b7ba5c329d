"""The deadline endpoints and DeadlineSchema in the OpenAPI document."""

from __future__ import annotations

from justice_tracker.api.openapi import Converter
from justice_tracker.deadlines.schemas import BoardDeadlineSchema, DeadlineSchema
from justice_tracker.rules.model import Status
from tests.api.helpers import example


def _document(make, api_for):
    response = api_for(make.admin()).get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_deadline_routes_are_documented(make, api_for):
    document = _document(make, api_for)
    case = document["paths"]["/api/v1/cases/{case_id}/deadlines"]["get"]
    assert {p["name"] for p in case["parameters"]} == {"case_id", "as_of", "known_at"}
    assert case["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CaseDeadlines"
    }
    assert {"400", "401", "403", "404"} <= set(case["responses"])
    assert case["x-roles"] == ["admin", "clerk", "lawyer"]

    board = document["paths"]["/api/v1/deadlines"]["get"]
    assert {p["name"] for p in board["parameters"]} == {
        "status",
        "as_of",
        "jurisdiction",
        "court_id",
        "case_status",
        "advisory",
        "page",
        "per_page",
    }
    assert board["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DeadlineList"
    }
    assert board["x-roles"] == ["admin", "clerk", "lawyer"]
    status = next(p for p in board["parameters"] if p["name"] == "status")
    assert all(s.value in status["description"] for s in Status)

    created = document["paths"]["/api/v1/cases"]["post"]["responses"]["201"]["content"]["application/json"]
    assert created["schema"] == {"$ref": "#/components/schemas/CaseImported"}
    components = document["components"]["schemas"]
    imported = components["CaseImported"]
    # One object (not allOf over CaseDetail, whose additionalProperties: false would refuse `deadlines`).
    assert imported["additionalProperties"] is False
    assert set(components["CaseDetail"]["properties"]) < set(imported["properties"])
    assert imported["properties"]["deadlines"]["items"] == {"$ref": "#/components/schemas/Deadline"}
    assert imported["properties"]["pack"]["anyOf"][0]["$ref"] == "#/components/schemas/PackRef"
    assert components["DeadlineList"]["properties"]["items"]["items"] == {"$ref": "#/components/schemas/BoardDeadline"}
    assert {"Deadline", "BoardDeadline", "PackRef", "DeadlineCase", "CaseDeadlines"} <= set(components)


def test_the_deadline_component_has_every_field_read_only():
    converter = Converter()
    converter.ref(DeadlineSchema)
    deadline = converter.components["Deadline"]
    properties = deadline["properties"]
    assert set(properties) == {
        "rule_id",
        "kind",
        "title",
        "citation",
        "source_url",
        "verification",
        "force",
        "advisory",
        "status",
        "explanation",
        "consequence",
        "consequence_kind",
        "due",
        "due_local",
        "due_local_date",
        "at_risk_from",
        "start_at",
        "met_at",
        "start_key",
        "met_by_key",
        "extended_by",
    }
    assert all(p.get("readOnly") for p in properties.values())
    assert properties["status"]["enum"] == [s.value for s in Status]
    assert properties["due"] == properties["due"] | {"type": ["string", "null"], "format": "date-time"}
    assert properties["due_local_date"]["format"] == "date"
    converter.ref(BoardDeadlineSchema)
    board = converter.components["BoardDeadline"]["properties"]
    assert board["case"]["$ref"] == "#/components/schemas/DeadlineCase"
    assert "given_name" not in converter.components["DeadlineCase"]["properties"]
    assert "child_pseudonym" in converter.components["DeadlineCase"]["properties"]


def test_the_answers_have_exactly_the_documented_properties(make, api_for):
    api = api_for(make.admin())
    components = _document(make, api_for)["components"]["schemas"]
    created = api.post("/api/v1/cases", example("br_presentation_and_internment.json")).get_json()
    assert set(created) == set(components["CaseImported"]["properties"])
    assert set(created["deadlines"][0]) == set(components["Deadline"]["properties"])
    case = api.get(f"/api/v1/cases/{created['id']}/deadlines").get_json()
    assert set(case) == set(components["CaseDeadlines"]["properties"])
    board = api.get("/api/v1/deadlines").get_json()
    assert set(board) == set(components["DeadlineList"]["properties"])
    assert set(board["items"][0]) == set(components["BoardDeadline"]["properties"])
    assert set(board["items"][0]["case"]) == set(components["DeadlineCase"]["properties"])
