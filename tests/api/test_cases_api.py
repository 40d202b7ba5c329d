"""Case, event, child and list endpoints: access per record, audit, as_of, versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import ApiToken, Role
from justice_tracker.cases.models import Case, Event
from justice_tracker.db import db
from tests.api.helpers import example, row_counts

T = datetime(2026, 5, 1, 10, tzinfo=UTC)


def _audit(action: str, object_id: object = None, outcome: str = "success") -> list[AuditEntry]:
    db.session.expire_all()
    stmt = select(AuditEntry).where(AuditEntry.action == action, AuditEntry.outcome == outcome)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == str(object_id))
    return list(db.session.scalars(stmt))


@pytest.fixture()
def held(make):
    """A case in pre-trial detention since 2026-05-02 (apprehended 2026-05-01 10:00 UTC)."""
    court = make.court("GB-EAW")
    lawyer = make.user(Role.LAWYER)
    case = make.case(
        court=court,
        lawyers=[lawyer],
        events=[
            ("apprehended", T, {}),
            ("brought_before_authority", datetime(2026, 5, 1, 20, tzinfo=UTC), {"authority": "Youth court"}),
            ("pretrial_detention_ordered", datetime(2026, 5, 2, 10, tzinfo=UTC), {"facility": "Unit A"}),
        ],
    )
    return {"court": court, "lawyer": lawyer, "case": case}


# -- authentication and tokens ---------------------------------------------------------------------------------


def test_without_a_token_the_api_answers_401(client, held):
    for url in ("/api/v1/cases", f"/api/v1/cases/{held['case'].id}", "/api/v1/me", "/api/v1/openapi.json"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.get_json()["error"]["code"] == 401
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer jt_0000_not-a-real-token"})
    assert response.status_code == 401


def test_tokens_are_stored_hashed(make, api_for):
    api = api_for(make.admin())
    assert api.get("/api/v1/me").status_code == 200
    db.session.expire_all()
    for row in db.session.scalars(select(ApiToken)):
        values = [str(getattr(row, column.key)) for column in ApiToken.__table__.columns]
        assert not any(api.secret in value or api.secret.split("_", 2)[2] in value for value in values)


def test_me_describes_the_token_owner(make, api_for):
    court = make.court("FR")
    clerk = make.user(Role.CLERK, court=court)
    body = api_for(clerk).get("/api/v1/me").get_json()
    assert body == {
        "id": clerk.id,
        "email": clerk.email,
        "display_name": clerk.display_name,
        "role": "clerk",
        "court": {"id": court.id, "name": court.name},
        "authenticated_by": "token",
    }


def test_session_posts_need_csrf_but_token_posts_do_not(make, client_for, api_for, held):
    admin = make.admin()
    body = {"type": "detention_reviewed", "at": "2026-05-10T10:00:00+00:00", "details": {"outcome": "continued"}}
    body["version"] = held["case"].version
    response = client_for(admin).post(f"/api/v1/cases/{held['case'].id}/events", json=body)
    assert response.status_code == 400
    assert api_for(admin).post(f"/api/v1/cases/{held['case'].id}/events", body).status_code == 201


# -- per-record access ---------------------------------------------------------------------------------------


def test_a_lawyer_sees_their_case_and_is_refused_another_with_an_audit_row(make, api_for, held):
    other = make.case(court=held["court"])
    api = api_for(held["lawyer"])
    assert api.get(f"/api/v1/cases/{held['case'].id}").status_code == 200
    denied_before = len(_audit("access_denied", "api.get_case", outcome="denied"))
    response = api.get(f"/api/v1/cases/{other.id}")
    assert response.status_code == 403
    assert "Testchild" not in response.get_data(as_text=True)
    denied = _audit("access_denied", "api.get_case", outcome="denied")
    assert len(denied) == denied_before + 1
    assert denied[-1].actor_id == held["lawyer"].id
    for url in (
        f"/api/v1/cases/{other.id}/events",
        f"/api/v1/cases/{other.id}/export",
        f"/api/v1/children/{other.child_id}",
    ):
        assert api.get(url).status_code == 403, url


def test_a_lawyer_reads_but_cannot_record_events(api_for, held):
    case = held["case"]
    body = {"type": "detention_reviewed", "at": "2026-05-10T10:00:00Z", "details": {"outcome": "continued"}}
    response = api_for(held["lawyer"]).post(f"/api/v1/cases/{case.id}/events", body | {"version": case.version})
    assert response.status_code == 403


def test_a_clerk_sees_only_their_courts_cases(make, api_for, held):
    own = api_for(make.user(Role.CLERK, court=held["court"]))
    stranger = api_for(make.user(Role.CLERK, court=make.court("GB-EAW")))
    assert own.get(f"/api/v1/cases/{held['case'].id}").status_code == 200
    assert stranger.get(f"/api/v1/cases/{held['case'].id}").status_code == 403
    assert stranger.get("/api/v1/cases").get_json()["total"] == 0
    assert own.get("/api/v1/cases").get_json()["total"] == 1


@pytest.mark.parametrize("role", [Role.OVERSIGHT, Role.COORDINATOR])
def test_oversight_and_coordinators_get_403_on_every_record_endpoint(make, api_for, held, role):
    api = api_for(make.user(role))
    case = held["case"]
    event = case.events[0]
    for method, url in [
        ("get", "/api/v1/cases"),
        ("get", f"/api/v1/cases/{case.id}"),
        ("get", f"/api/v1/cases/{case.id}/events"),
        ("get", f"/api/v1/cases/{case.id}/export"),
        ("get", f"/api/v1/children/{case.child_id}"),
        ("post", f"/api/v1/cases/{case.id}/events"),
        ("post", f"/api/v1/cases/{case.id}/events/{event.id}/corrections"),
        ("post", "/api/v1/children"),
    ]:
        response = getattr(api, method)(url) if method == "get" else api.post(url, {})
        assert response.status_code == 403, url
        assert "Testchild" not in response.get_data(as_text=True)


def test_unknown_records_are_404(make, api_for):
    api = api_for(make.admin())
    assert api.get("/api/v1/cases/999999").status_code == 404
    assert api.get("/api/v1/children/999999").status_code == 404


# -- reading a case ------------------------------------------------------------------------------------------


def test_reading_a_case_returns_custody_and_writes_one_audit_row(make, api_for, held, clock):
    case = held["case"]
    api = api_for(make.admin())
    before = len(_audit("case_viewed", case.id))
    body = api.get(f"/api/v1/cases/{case.id}").get_json()
    assert len(_audit("case_viewed", case.id)) == before + 1
    assert body["child"]["given_name"] == "Testchild"
    assert body["offences"] == [{"description": "theft", "max_penalty_years": 4.0, "class": None}]
    assert body["lawyers"][0]["id"] == held["lawyer"].id
    assert body["version"] == case.version
    assert [e["type"] for e in body["events"]] == [
        "apprehended",
        "brought_before_authority",
        "pretrial_detention_ordered",
    ]
    custody = body["custody"]
    assert custody["in_custody"] is True
    assert custody["state"] == "pretrial_detention"
    assert [e["kind"] for e in custody["episodes"]] == ["police_custody", "pretrial_detention"]
    assert custody["episodes"][0]["seconds"] == 24 * 3600
    assert custody["episodes"][0]["end"] == "2026-05-02T11:00:00+01:00"  # London summer time
    assert custody["total_seconds"] == int((clock.now - T).total_seconds())
    assert custody["since"] == "2026-05-01T11:00:00+01:00"


def test_as_of_reconstructs_a_past_day(make, api_for):
    api = api_for(make.admin())
    case_id = api.post("/api/v1/cases", example("br_presentation_and_internment.json")).get_json()["id"]

    day_one = api.get(f"/api/v1/cases/{case_id}", query_string={"as_of": "2026-01-11T12:00:00-03:00"}).get_json()
    assert day_one["as_of"] == "2026-01-11T12:00:00-03:00"
    assert [e["type"] for e in day_one["events"]] == ["apprehended", "parent_notified"]
    assert day_one["custody"]["state"] == "police_custody"
    assert day_one["custody"]["total_seconds"] == 13 * 3600 + 45 * 60
    assert day_one["custody_state"] == "police_custody"

    as_of = datetime.fromisoformat("2026-03-05T12:00:00-03:00")
    march = api.get(f"/api/v1/cases/{case_id}", query_string={"as_of": as_of.isoformat()}).get_json()
    assert march["custody"]["state"] == "pretrial_detention"
    apprehended = datetime.fromisoformat("2026-01-10T22:15:00-03:00")
    assert march["custody"]["total_seconds"] == int((as_of - apprehended).total_seconds())

    before = api.get(f"/api/v1/cases/{case_id}", query_string={"as_of": "2026-01-01T00:00:00Z"}).get_json()
    assert before["events"] == [] and before["custody"]["total_seconds"] == 0
    assert before["custody"]["in_custody"] is False


def test_as_of_accepts_an_unencoded_plus_offset(make, api_for, held):
    api = api_for(make.admin())
    response = api.get(f"/api/v1/cases/{held['case'].id}?as_of=2026-05-01T12:00:00+01:00")
    assert response.status_code == 200
    assert response.get_json()["custody"]["total_seconds"] == 3600


@pytest.mark.parametrize("value", ["yesterday", "2026-05-01", "2026-05-01T12:00:00", "2026-13-01T00:00:00Z"])
def test_an_invalid_as_of_is_400_naming_it(make, api_for, held, value):
    response = api_for(make.admin()).get(f"/api/v1/cases/{held['case'].id}", query_string={"as_of": value})
    assert response.status_code == 400
    assert list(response.get_json()["error"]["fields"]) == ["as_of"]


def test_known_at_shows_what_was_recorded_by_then(make, api_for, held, clock):
    case = held["case"]
    api = api_for(make.admin())
    recorded = clock.now
    clock.now = datetime(2026, 6, 2, 12, tzinfo=UTC)
    body = {"type": "released", "at": "2026-06-02T09:00:00Z", "details": {"kind": "bail"}, "version": case.version}
    assert api.post(f"/api/v1/cases/{case.id}/events", body).status_code == 201
    now = api.get(f"/api/v1/cases/{case.id}").get_json()
    assert now["custody"]["in_custody"] is False
    then = api.get(
        f"/api/v1/cases/{case.id}", query_string={"known_at": recorded.isoformat(), "as_of": clock.now.isoformat()}
    ).get_json()
    assert then["custody"]["in_custody"] is True
    assert len(then["events"]) == 3


# -- recording and correcting events -------------------------------------------------------------------------


def test_recording_an_event_bumps_the_version_and_a_stale_version_is_409(make, api_for, held, clock):
    case = held["case"]
    api = api_for(make.user(Role.CLERK, court=held["court"]))
    version = api.get(f"/api/v1/cases/{case.id}").get_json()["version"]
    clock.now += timedelta(minutes=1)  # services bump the version through updated_at: let the clock move
    body = {"type": "detention_reviewed", "at": "2026-05-10T10:00:00Z", "details": {"outcome": "continued"}}
    first = api.post(f"/api/v1/cases/{case.id}/events", body | {"version": version})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["case_version"] > version
    assert first.get_json()["event"]["effective"] is True
    before = row_counts()
    body = {"type": "hearing_held", "at": "2026-05-11T10:00:00Z", "details": {}, "version": version}
    stale = api.post(f"/api/v1/cases/{case.id}/events", body)
    assert stale.status_code == 409
    assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"type": "released", "at": "2026-05-10T10:00:00Z", "details": {}}, "details.kind"),
        ({"type": "released", "at": "2026-05-10T10:00:00", "details": {"kind": "bail"}}, "at"),
        ({"type": "apprehended", "at": "2026-05-10T10:00:00Z", "details": {}}, "type"),
        ({"type": "hearing_held", "at": "2026-05-10T10:00:00Z", "details": {}, "id": 3}, "id"),
        ({"type": "hearing_held", "at": "2026-05-10T10:00:00Z", "details": {}, "version": "1"}, "version"),
        ({"type": "hearing_held", "at": "2026-05-10T10:00:00Z", "details": {}, "version": None}, "version"),
    ],
)
def test_a_bad_event_is_422_with_its_field(make, api_for, held, body, path):
    case = held["case"]
    body = {"version": case.version} | body
    if body["version"] is None:
        del body["version"]
    api = api_for(make.admin())
    before = row_counts()
    response = api.post(f"/api/v1/cases/{case.id}/events", body)
    assert response.status_code == 422, response.get_json()
    assert path in response.get_json()["error"]["fields"], response.get_json()
    assert row_counts() == before


def test_a_void_correction_keeps_the_original_in_the_history(make, api_for, held, clock):
    case = held["case"]
    api = api_for(make.admin())
    version = case.version
    body = {"type": "hearing_held", "at": "2026-05-12T10:00:00Z", "details": {}, "version": version}
    clock.now += timedelta(minutes=1)
    created = api.post(f"/api/v1/cases/{case.id}/events", body).get_json()
    assert created["case_version"] > version
    clock.now += timedelta(minutes=1)
    event_id = created["event"]["id"]
    url = f"/api/v1/cases/{case.id}/events/{event_id}/corrections"

    refused = api.post(url, {"reason": "x", "void": True, "type": "charged", "version": created["case_version"]})
    assert refused.status_code == 422
    assert "type" in refused.get_json()["error"]["fields"]
    assert api.post(url, {"reason": "never happened", "void": True, "version": version}).status_code == 409

    voided = api.post(url, {"reason": "never happened", "void": True, "version": created["case_version"]})
    assert voided.status_code == 201, voided.get_json()
    assert voided.get_json()["event"]["corrects_id"] == event_id
    assert voided.get_json()["event"]["voids"] is True

    history = api.get(f"/api/v1/cases/{case.id}/events").get_json()["items"]
    by_id = {e["id"]: e for e in history}
    assert by_id[event_id]["effective"] is False
    assert by_id[voided.get_json()["event"]["id"]]["correction_reason"] == "never happened"
    assert "hearing_held" not in [e["type"] for e in api.get(f"/api/v1/cases/{case.id}").get_json()["events"]]
    assert len(_audit("case_history_viewed", case.id)) == 1


def test_correcting_an_event_of_another_case_is_404(make, api_for, held):
    other = make.case(court=held["court"], events=[("apprehended", T, {})])
    case = held["case"]
    url = f"/api/v1/cases/{case.id}/events/{other.events[0].id}/corrections"
    response = api_for(make.admin()).post(url, {"reason": "x", "void": True, "version": case.version})
    assert response.status_code == 404


def test_export_is_audited(make, api_for, held):
    api = api_for(held["lawyer"])
    assert api.get(f"/api/v1/cases/{held['case'].id}/export").status_code == 200
    assert len(_audit("case_exported", held["case"].id)) == 1


# -- the case list -------------------------------------------------------------------------------------------


def test_the_list_filters_and_pages(make, api_for, held):
    free = make.case(court=held["court"], reference="FREE-1")
    french = make.case(court=make.court("FR"), reference="FR-1")
    api = api_for(make.admin())

    def ids(**query):
        response = api.get("/api/v1/cases", query_string=query)
        assert response.status_code == 200, response.get_json()
        return {item["id"] for item in response.get_json()["items"]}

    assert ids(in_custody="true") == {held["case"].id}
    assert free.id in ids(in_custody="false")
    assert ids(reference="free") == {free.id}
    assert ids(court_id=held["court"].id) == {held["case"].id, free.id}
    assert ids(jurisdiction="fr") == {french.id}
    assert ids(status="closed") == set()
    page = api.get("/api/v1/cases", query_string={"per_page": 1, "page": 2}).get_json()
    assert len(page["items"]) == 1 and page["total"] >= 3 and page["per_page"] == 1
    item = api.get("/api/v1/cases", query_string={"reference": held["case"].reference}).get_json()["items"][0]
    assert set(item["child"]) == {"id", "pseudonym", "given_name", "family_name"}
    past = api.get("/api/v1/cases", query_string={"reference": held["case"].reference, "as_of": "2026-04-01T00:00:00Z"})
    assert past.get_json()["items"][0]["custody_state"] is None
    assert len(_audit("cases_listed")) >= 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"per_page": 101}, "per_page"),
        ({"page": 0}, "page"),
        ({"court_id": "one"}, "court_id"),
        ({"in_custody": "perhaps"}, "in_custody"),
        ({"status": "pending"}, "status"),
        ({"as_of": "2026-01-01T00:00:00Z", "in_custody": "true"}, "as_of"),
    ],
)
def test_bad_list_parameters_are_400_naming_them(make, api_for, query, field):
    response = api_for(make.admin()).get("/api/v1/cases", query_string=query)
    assert response.status_code == 400
    assert list(response.get_json()["error"]["fields"]) == [field]


def test_a_lawyer_lists_only_their_clients(make, api_for, held):
    make.case(court=held["court"])
    body = api_for(held["lawyer"]).get("/api/v1/cases").get_json()
    assert [item["id"] for item in body["items"]] == [held["case"].id]


# -- children ------------------------------------------------------------------------------------------------


def test_a_clerk_registers_and_reads_a_child(make, api_for):
    court = make.court("IN")
    api = api_for(make.user(Role.CLERK, court=court))
    body = {"given_name": "Asha", "family_name": "Example", "date_of_birth": "2011-02-03", "sex": "F"}
    created = api.post("/api/v1/children", body)
    assert created.status_code == 201, created.get_json()
    child = created.get_json()
    assert child["registered_court_id"] == court.id
    assert child["pseudonym"].startswith("C-")
    read = api.get(f"/api/v1/children/{child['id']}")
    assert read.status_code == 200
    assert read.get_json()["given_name"] == "Asha"
    assert len(_audit("child_viewed", child["id"])) == 1
    assert api.post("/api/v1/children", body | {"pseudonym": "C-XXXX-YYYY"}).status_code == 422
    assert api.post("/api/v1/children", body | {"date_of_birth_estimated": "yes"}).status_code == 422
    stranger = api_for(make.user(Role.CLERK, court=make.court("IN")))
    assert stranger.get(f"/api/v1/children/{child['id']}").status_code == 403


def test_case_reads_do_not_change_the_case(make, api_for, held):
    api = api_for(make.admin())
    case = held["case"]
    version = case.version
    for url in (f"/api/v1/cases/{case.id}", f"/api/v1/cases/{case.id}/events", f"/api/v1/cases/{case.id}/export"):
        assert api.get(url).status_code == 200
    db.session.expire_all()
    assert db.session.get(Case, case.id).version == version
    assert db.session.scalar(select(func.count()).select_from(Event).where(Event.case_id == case.id)) == 3


def test_payloads_leave_identity_out_for_roles_that_do_not_see_it(make, held):
    from justice_tracker.api.payloads import case_detail, case_state, child_payload

    oversight = make.user(Role.OVERSIGHT)
    case = held["case"]
    body = case_detail(case, oversight, case_state(case, datetime(2026, 6, 1, tzinfo=UTC)))
    assert "given_name" not in body["child"] and "date_of_birth" not in body["child"]
    assert body["child"]["pseudonym"] == case.child.pseudonym
    child = child_payload(case.child, oversight)
    assert "family_name" not in child and child["cases"] == []
