"""POST /api/v1/cases: whole case files, all-or-nothing and idempotent; GET .../export round trip."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from justice_tracker.auth.models import Role
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from tests.api.helpers import EXAMPLE_NAMES, EXAMPLE_PARAMS, EXAMPLES_DIR, SHARED_EXAMPLES_DIR, example, row_counts


def test_examples_match_the_shared_copies():
    if not SHARED_EXAMPLES_DIR.is_dir():
        pytest.skip("../shared/examples is not next to the project")
    shared = sorted(p.name for p in SHARED_EXAMPLES_DIR.glob("*.json"))
    assert shared == EXAMPLE_NAMES
    for name in shared:
        assert (SHARED_EXAMPLES_DIR / name).read_bytes() == (EXAMPLES_DIR / name).read_bytes()


@pytest.mark.parametrize("name", EXAMPLE_PARAMS)
def test_each_example_imports_once_and_a_second_post_changes_nothing(make, api_for, name):
    api = api_for(make.admin())
    data = example(name)

    first = api.post("/api/v1/cases", data)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["reference"] == data["reference"]
    assert body["jurisdiction"] == data["jurisdiction"]
    assert [e["type"] for e in body["events"]] == [e["type"] for e in data["events"]]
    # Instants come back in the court's offset, exactly as the file wrote them.
    assert [e["at"] for e in body["events"]] == [e["at"] for e in data["events"]]
    assert body["child"]["given_name"] == data["child"]["given_name"]
    assert first.headers["Location"].endswith(f"/api/v1/cases/{body['id']}")
    counts = row_counts()

    second = api.post("/api/v1/cases", data)
    assert second.status_code == 200, second.get_json()
    assert second.get_json()["id"] == body["id"]
    assert second.headers["X-Events-Added"] == "0"
    after = row_counts()
    assert after.pop("audit_log") == counts.pop("audit_log") + 1  # the re-import itself is audited
    assert after == counts


def test_new_events_in_a_known_file_are_appended(make, api_for):
    api = api_for(make.admin())
    data = example("in_inquiry_extension.json")
    assert api.post("/api/v1/cases", data).status_code == 201
    data["events"].append({"type": "hearing_held", "at": "2026-03-02T11:00:00+05:30", "purpose": "inquiry"})
    response = api.post("/api/v1/cases", data)
    assert response.status_code == 200
    assert response.headers["X-Events-Added"] == "1"
    assert [e["type"] for e in response.get_json()["events"]][-1] == "hearing_held"


def test_a_file_whose_last_event_is_bad_stores_nothing(make, api_for):
    api = api_for(make.admin())
    data = example("br_presentation_and_internment.json")
    data["events"].append({"type": "released", "at": "2026-02-20T10:00:00-03:00", "kind": "sideways"})
    before = row_counts()
    response = api.post("/api/v1/cases", data)
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert list(fields) == ["events.4.kind"]
    assert "must be one of" in fields["events.4.kind"][0]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("event", "path", "words"),
    [
        ({"type": "apprehended", "at": "2009-01-01T10:00:00-03:00"}, "events.0.at", "before the child's date of birth"),
        ({"type": "apprehended", "at": "2026-07-01T10:00:00-03:00"}, "events.0.at", "in the future"),
        ({"type": "released", "at": "2026-01-10T10:00:00-03:00", "kind": "bail"}, "events.0.type", "not in custody"),
        ({"type": "apprehended", "at": "2026-01-10T10:00:00"}, "events.0.at", "UTC offset"),
        ({"type": "apprehended", "at": "10/01/2026"}, "events.0.at", "ISO 8601"),
        ({"type": "teleported", "at": "2026-01-10T10:00:00Z"}, "events.0.type", "unknown event type"),
        ({"type": "apprehended", "at": "2026-01-10T10:00:00Z", "colour": "red"}, "events.0.colour", "not a field"),
        ({"type": "released", "at": "2026-01-10T10:00:00Z"}, "events.0.kind", "is required"),
    ],
)
def test_bad_events_are_refused_with_their_path(make, api_for, event, path, words):
    api = api_for(make.admin())
    data = example("br_presentation_and_internment.json")
    data["events"] = [event]
    before = row_counts()
    response = api.post("/api/v1/cases", data)
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert path in fields, fields
    assert any(words in message for message in fields[path]), fields
    assert row_counts() == before


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d.update(status="closed"), "status"),
        (lambda d: d.update(id=7), "id"),
        (lambda d: d["child"].update(pseudonym="C-AAAA-BBBB"), "child.pseudonym"),
        (lambda d: d["child"].update(nickname="x"), "child.nickname"),
        (lambda d: d["offences"][0].update(severity="high"), "offences.0.severity"),
        (lambda d: d["child"].update(sex="female"), "child.sex"),
        (lambda d: d["child"].update(date_of_birth="2030-01-01"), "child.date_of_birth"),
        (lambda d: d.pop("reference"), "reference"),
        (lambda d: d.update(jurisdiction="XX"), "jurisdiction"),
        (lambda d: d.update(lawyers=["nobody@example.test"]), "lawyers.0"),
    ],
)
def test_bad_case_fields_are_refused_naming_the_field(make, api_for, change, path):
    api = api_for(make.admin())
    data = example("intl_late_first_appearance.json")
    change(data)
    before = row_counts()
    response = api.post("/api/v1/cases", data)
    assert response.status_code == 422, response.get_json()
    assert path in response.get_json()["error"]["fields"], response.get_json()
    assert row_counts() == before


def test_body_must_be_json(make, api_for):
    api = api_for(make.admin())
    response = api.client.post("/api/v1/cases", data="reference=x", headers=api.headers)
    assert response.status_code == 400
    assert "body" in response.get_json()["error"]["fields"]
    response = api.post("/api/v1/cases", [1, 2])
    assert response.status_code == 422


def test_expect_is_accepted_and_not_stored(make, api_for):
    api = api_for(make.admin())
    response = api.post("/api/v1/cases", example("br_presentation_and_internment.json"))
    assert response.status_code == 201
    assert "expect" not in response.get_json()


def test_a_clerk_imports_into_their_own_court_only(make, api_for):
    court = make.court("IN", name="Juvenile Justice Board — example")
    clerk = make.user(Role.CLERK, court=court)
    api = api_for(clerk)
    data = example("in_inquiry_extension.json")
    assert api.post("/api/v1/cases", data).status_code == 201

    data = example("in_inquiry_extension.json") | {"court": "Another board", "reference": "EX-IN-002"}
    before = row_counts()
    response = api.post("/api/v1/cases", data)
    assert response.status_code == 422
    assert "court" in response.get_json()["error"]["fields"]
    assert row_counts() == before


def test_a_different_child_under_a_known_reference_is_a_conflict(make, api_for):
    api = api_for(make.admin())
    data = example("br_presentation_and_internment.json")
    assert api.post("/api/v1/cases", data).status_code == 201
    data["child"]["date_of_birth"] = "2011-05-14"
    before = row_counts()
    response = api.post("/api/v1/cases", data)
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    assert "date_of_birth" in message and "2011" not in message and "Exemplo" not in message
    assert row_counts() == before


def test_lawyers_and_coordinators_cannot_post_case_files(make, api_for):
    for role in (Role.LAWYER, Role.OVERSIGHT, Role.COORDINATOR):
        response = api_for(make.user(role)).post("/api/v1/cases", example("intl_late_first_appearance.json"))
        assert response.status_code == 403, role


def test_export_then_import_gives_the_same_case(make, api_for):
    court = make.court("BR", name="Vara de Manaus", time_zone="America/Manaus")
    lawyer = make.user(Role.LAWYER)
    case = make.case(
        court=court,
        lawyers=[lawyer],
        police_reference="BO-123",
        events=[
            ("apprehended", datetime(2026, 5, 1, 10, tzinfo=UTC), {"facility": "Delegacia", "by": "PM"}),
            ("brought_before_authority", datetime(2026, 5, 1, 20, tzinfo=UTC), {"authority": "MP"}),
            ("pretrial_detention_ordered", datetime(2026, 5, 2, 10, tzinfo=UTC), {"facility": "Unit A"}),
            ("hearing_scheduled", datetime(2026, 5, 3, 10, tzinfo=UTC), {"hearing_at": "2026-06-20T14:00:00Z"}),
            ("child_heard", datetime(2026, 5, 4, 10, tzinfo=UTC), {"present": ["lawyer", "parent"]}),
        ],
    )
    api = api_for(make.admin())
    exported = api.get(f"/api/v1/cases/{case.id}/export")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == f'attachment; filename="{case.reference}.json"'
    document = exported.get_json()
    assert document["court_time_zone"] == "America/Manaus"
    assert document["events"][0]["at"] == "2026-05-01T06:00:00-04:00"  # Manaus local offset
    assert document["lawyers"] == [lawyer.email]

    document["court"] = "Vara de Manaus — cópia"
    imported = api.post("/api/v1/cases", document)
    assert imported.status_code == 201, imported.get_json()
    again = api.get(f"/api/v1/cases/{imported.get_json()['id']}/export").get_json()
    assert again == document
    db.session.expire_all()
    copy = db.session.get(Case, imported.get_json()["id"])
    assert copy.court.time_zone == "America/Manaus"
    assert copy.custody_state == "pretrial_detention"


def test_corrected_events_are_exported_as_they_stand(make, api_for):
    case = make.case(
        court=make.court("GB-EAW"),
        events=[
            ("apprehended", datetime(2026, 5, 1, 10, tzinfo=UTC), {}),
            ("released", datetime(2026, 5, 1, 12, tzinfo=UTC), {"kind": "bail"}),
        ],
    )
    api = api_for(make.admin())
    released = case.events[1]
    response = api.post(
        f"/api/v1/cases/{case.id}/events/{released.id}/corrections",
        {"reason": "wrong kind", "details": {"kind": "to_parents"}, "version": case.version},
    )
    assert response.status_code == 201, response.get_json()
    document = api.get(f"/api/v1/cases/{case.id}/export").get_json()
    assert [(e["type"], e.get("kind")) for e in document["events"]] == [
        ("apprehended", None),
        ("released", "to_parents"),
    ]
    # Re-importing the export into the same court changes nothing.
    response = api.post("/api/v1/cases", document)
    assert response.status_code == 200
    assert response.headers["X-Events-Added"] == "0"
    db.session.expire_all()
    assert len(db.session.scalars(select(Case).where(Case.reference == case.reference)).all()) == 1
