"""GET /api/v1/openapi.json: every API route, with components from the marshmallow schemas."""

from __future__ import annotations

import json
import re

from justice_tracker.api.openapi import Converter, openapi_path
from justice_tracker.cases.schemas import CaseFileSchema, ChildSchema, OffenceSchema


def _document(make, api_for):
    response = api_for(make.admin()).get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_every_api_route_and_method_is_documented(app, make, api_for):
    document = _document(make, api_for)
    registered = {
        (openapi_path(rule.rule)[0], method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in document["paths"].items() for method in item}
    assert registered == documented
    assert ("/api/v1/cases/{case_id}/events/{event_id}/corrections", "post") in documented


def test_operations_point_at_schemas_that_exist(make, api_for):
    document = _document(make, api_for)
    assert document["openapi"].startswith("3.1")
    components = document["components"]["schemas"]
    refs = set(re.findall(r'"#/components/schemas/([A-Za-z]+)"', json.dumps(document)))
    assert refs and refs <= set(components)
    create = document["paths"]["/api/v1/cases"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CaseFile"}
    assert {"201", "200", "401", "403", "409", "422"} <= set(create["responses"])
    get_case = document["paths"]["/api/v1/cases/{case_id}"]["get"]
    assert {p["name"] for p in get_case["parameters"]} == {"case_id", "as_of", "known_at"}
    assert get_case["security"] == [{"bearerAuth": []}, {"session": []}]


def test_the_case_file_component_follows_the_format(make, api_for):
    case_file = _document(make, api_for)["components"]["schemas"]["CaseFile"]
    assert case_file["additionalProperties"] is False
    assert set(case_file["required"]) == {"reference", "jurisdiction", "child"}
    assert case_file["properties"]["events"]["items"] == {"$ref": "#/components/schemas/CaseFileEvent"}
    assert case_file["properties"]["expect"]["writeOnly"] is True


def test_the_converter_maps_fields_validators_and_nulls():
    converter = Converter()
    converter.ref(ChildSchema)
    child = converter.components["Child"]
    assert child["properties"]["sex"]["enum"] == ["F", "M", "X"]
    assert child["properties"]["date_of_birth"]["type"] == ["string", "null"]
    assert child["properties"]["date_of_birth"]["format"] == "date"
    assert child["properties"]["id"]["readOnly"] is True
    assert child["properties"]["languages"]["maxItems"] == 20
    assert child["properties"]["given_name"]["minLength"] == 1
    converter.ref(OffenceSchema)
    offence = converter.components["Offence"]
    assert "class" in offence["properties"] and "offence_class" not in offence["properties"]
    assert offence["properties"]["max_penalty_years"]["maximum"] == 200
    converter.ref(CaseFileSchema)
    event = converter.components["CaseFileEvent"]
    assert event["required"] == ["type", "at"]
    assert event["properties"]["at"]["format"] == "date-time"
    assert "additionalProperties" not in event  # type-specific fields sit next to type and at
