"""The registry, suggestions and referrals through /api/v1, and their OpenAPI description."""

from __future__ import annotations

from justice_tracker.auth.models import Role
from justice_tracker.db import db
from justice_tracker.programmes.models import Referral
from tests.api.helpers import row_counts


def test_suggestions_carry_rank_eligibility_reasons_and_score(make, registry, api_for, clerk, case):
    registry.programme(name="Mentoring", areas=["Northbridge"])
    registry.programme(name="Full placement", type="foster_shelter_placement", places=2, enrolled=2, waiting_list=1)
    registry.programme(name="Sentencing only", stages=["sentencing_alternative"])
    registry.programme(name="Elsewhere", jurisdiction_code="FR")
    response = api_for(clerk).get(f"/api/v1/cases/{case.id}/suggestions")
    assert response.status_code == 200
    body = response.get_json()
    assert body["case_id"] == case.id and body["stage"] == "pre_charge_diversion"
    assert "least restrictive" in body["order"]
    assert [(i["rank"], i["programme"]["name"], i["eligible"]) for i in body["items"]] == [
        (1, "Mentoring", True),
        (2, "Full placement", True),
        (3, "Sentencing only", False),
    ], "programmes of other jurisdictions are not listed"
    mentoring, placement, sentencing = body["items"]
    assert mentoring["score"] == sum(p["points"] for p in mentoring["score_parts"]) == 110
    assert {"topic": "area", "verdict": "fits", "text": "serves Northbridge"} in mentoring["reasons"]
    assert placement["programme"]["restrictiveness"] == 5 and placement["programme"]["free_places"] == 0
    assert {"topic": "capacity", "verdict": "against", "text": "at capacity (2 of 2); 1 on the waiting list"} in (
        placement["reasons"]
    )
    assert [r["verdict"] for r in sentencing["reasons"] if r["topic"] == "stage"] == ["excludes"]

    other_stage = api_for(clerk).get(f"/api/v1/cases/{case.id}/suggestions?stage=sentencing_alternative").get_json()
    assert other_stage["stage"] == "sentencing_alternative" and other_stage["items"][0]["programme"]["name"] == (
        "Sentencing only"
    )
    bad = api_for(clerk).get(f"/api/v1/cases/{case.id}/suggestions?stage=trial")
    assert bad.status_code == 400 and "stage" in bad.get_json()["error"]["fields"]


def test_the_registry_is_listed_filtered_and_read(make, registry, api_for):
    free = registry.programme(name="Free", code="GB-FREE", languages=["en", "pl"])
    registry.programme(name="Full", code="GB-FULL", places=1, enrolled=1, type="supervision")
    registry.programme(name="Closed", code="GB-SHUT", active=False)
    registry.programme(name="Brazil", code="BR-ONE", jurisdiction_code="BR", stages=["aftercare"])
    api = api_for(make.user(Role.OVERSIGHT))

    def codes(query: str) -> list[str]:
        response = api.get(f"/api/v1/programmes{query}")
        assert response.status_code == 200, response.get_json()
        return [item["code"] for item in response.get_json()["items"]]

    assert codes("") == ["BR-ONE", "GB-FREE", "GB-FULL", "GB-SHUT"]
    assert codes("?jurisdiction=br") == ["BR-ONE"]
    assert codes("?available=true") == ["BR-ONE", "GB-FREE"]
    assert codes("?available=false&jurisdiction=GB-EAW") == ["GB-FULL", "GB-SHUT"]
    assert codes("?type=supervision") == ["GB-FULL"]
    assert codes("?stage=aftercare") == ["BR-ONE"]
    assert codes("?per_page=2&page=2") == ["GB-FULL", "GB-SHUT"]
    assert api.get("/api/v1/programmes?type=x%27--").status_code == 400
    detail = api.get(f"/api/v1/programmes/{free.id}").get_json()
    assert detail["languages"] == ["en", "pl"] and detail["free_places"] == 5 and detail["jurisdiction"] == "GB-EAW"
    assert detail["outcomes"]["referrals"] == 0
    assert api.get("/api/v1/programmes/99999999").status_code == 404


def test_referring_through_the_api(make, registry, api_for, clerk, case):
    programme = registry.programme()
    api = api_for(clerk)
    response = api.post(f"/api/v1/cases/{case.id}/referrals", {"programme_id": programme.id, "reason": "Fits"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/referrals/{body['id']}")
    assert body["state"] == "suggested" and body["next_states"] == ["offered", "closed"]
    assert body["child"]["offence_classes"] == ["either_way"] and "given_name" not in str(body)
    assert [s["state"] for s in body["steps"]] == ["suggested"] and body["steps"][0]["event_id"]
    listed = api.get(f"/api/v1/cases/{case.id}/referrals").get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]

    before = row_counts()
    owned = api.post(f"/api/v1/cases/{case.id}/referrals", {"programme_id": programme.id, "state": "started"})
    assert owned.status_code == 422 and "state" in owned.get_json()["error"]["fields"], "server-owned fields refused"
    missing = api.post(f"/api/v1/cases/{case.id}/referrals", {"programme_id": 99999999})
    assert missing.status_code == 404
    assert row_counts() == before
    refused = api_for(make.user(Role.LAWYER)).post(f"/api/v1/cases/{case.id}/referrals", {"programme_id": 1})
    assert refused.status_code == 403


def test_a_coordinator_records_an_outcome_through_the_api(make, registry, api_for, clerk, case):
    programme = registry.programme()
    coordinator = make.user(Role.COORDINATOR)
    registry.link(programme, coordinator)
    created = api_for(clerk).post(f"/api/v1/cases/{case.id}/referrals", {"programme_id": programme.id}).get_json()
    api = api_for(coordinator)
    url = f"/api/v1/referrals/{created['id']}/steps"
    version = created["version"]
    for body in (
        {"state": "offered"},
        {"state": "accepted", "child_consent": True},
        {"state": "started", "at": "2026-06-01T14:00:00+02:00"},
        {"state": "failed", "failure_reason": "moved_away", "reason": "The family moved"},
    ):
        response = api.post(url, body | {"version": version})
        assert response.status_code == 201, (body, response.get_json())
        version = response.get_json()["version"]
    db.session.expire_all()
    referral = db.session.get(Referral, created["id"])
    assert referral.state == "failed" and referral.failure_reason == "moved_away"
    assert referral.steps[-1].recorded_by_id == coordinator.id
    listed = api.get("/api/v1/referrals?state=failed").get_json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]
    assert api.get("/api/v1/referrals?state=nope").status_code == 400


def test_openapi_documents_the_new_routes_with_their_schemas(make, api_for):
    document = api_for(make.admin()).get("/api/v1/openapi.json").get_json()
    paths = document["paths"]
    suggestions = paths["/api/v1/cases/{case_id}/suggestions"]["get"]
    assert suggestions["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SuggestionList"
    }
    assert [p["name"] for p in suggestions["parameters"]] == ["case_id", "stage"]
    step = paths["/api/v1/referrals/{referral_id}/steps"]["post"]
    assert {"201", "409", "422"} <= set(step["responses"])
    assert step["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ReferralStepInput"
    }
    components = document["components"]["schemas"]
    assert components["ReferralStepInput"]["additionalProperties"] is False
    assert "excludes" in components["Reason"]["properties"]["verdict"]["enum"]
    assert set(components["Programme"]["required"]) >= {"code", "name", "type", "stages", "jurisdiction", "places"}
    assert {"/api/v1/programmes", "/api/v1/referrals", "/api/v1/cases/{case_id}/referrals"} <= set(paths)


def test_ids_beyond_any_integer_column_are_not_found(make, api_for):
    api = api_for(make.admin())
    for url in (
        "/api/v1/cases/99999999999/suggestions",
        "/api/v1/referrals/99999999999",
        "/api/v1/programmes/2147483648",
    ):
        assert api.get(url).status_code == 404, url
