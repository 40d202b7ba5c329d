"""Detention as a last resort: the alternatives on the form, and a diversion_considered required before it.

Recorded one by one (form, API) a detention without one is refused, 422 naming
`diversion_considered`; a case file of past events imports with a warning instead.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from justice_tracker.auth.models import Role
from justice_tracker.cases import services as case_services
from justice_tracker.cases.models import Case, Event
from justice_tracker.db import db
from justice_tracker.errors import ValidationFailed
from justice_tracker.programmes.last_resort import unconsidered
from justice_tracker.timeline.facts import TimelineEvent
from tests.api.helpers import EXAMPLES_DIR, example, row_counts
from tests.cases.test_pages_support import post_event, text
from tests.programmes.conftest import APPREHENDED, MAY10, MAY12

CONSIDERED = {"outcome": "not_diverted", "reasons": "The programme is full", "alternatives": "- Mentoring: full"}
RESPONSIBLE = ("adjudicated", MAY10, {"finding": "responsible"})


def _ev(key: str, kind: str, day: int, **details) -> TimelineEvent:
    return TimelineEvent(key, kind, datetime(2026, 5, day, 9, tzinfo=UTC), details)


@pytest.mark.parametrize(
    ("events", "gaps"),
    [
        ([_ev("1", "pretrial_detention_ordered", 2)], ["1"]),
        ([_ev("1", "diversion_considered", 1), _ev("2", "pretrial_detention_ordered", 2)], []),
        ([_ev("1", "diversion_considered", 2), _ev("2", "pretrial_detention_ordered", 2)], []),
        ([_ev("1", "pretrial_detention_ordered", 2), _ev("2", "diversion_considered", 3)], ["1"]),
        ([_ev("1", "sentenced", 2, custodial=True)], ["1"]),
        ([_ev("1", "sentenced", 2, custodial=False)], []),
        ([_ev("1", "apprehended", 1), _ev("2", "custody_extended", 2)], []),
        ([_ev("1", "pretrial_detention_ordered", 2), _ev("2", "sentenced", 3, custodial=True)], ["1", "2"]),
    ],
    ids=["none", "before", "same-instant", "after", "custodial", "non-custodial", "police-custody", "both"],
)
def test_which_detentions_lack_a_consideration(events, gaps):
    assert [e.key for e in unconsidered(events)] == gaps


def _events(case_id: int) -> list[Event]:
    db.session.expire_all()
    return list(db.session.scalars(select(Event).where(Event.case_id == case_id).order_by(Event.seq)))


def test_the_service_refuses_detention_without_alternatives_considered(make, case):
    admin = make.admin()
    with pytest.raises(ValidationFailed) as refused:
        case_services.record_event(
            admin,
            case,
            type="pretrial_detention_ordered",
            at=MAY12,
            details={"facility": "Unit"},
            expected_version=None,
        )
    assert [e.field for e in refused.value.errors] == ["diversion_considered"]
    assert "last resort" in refused.value.errors[0].message
    db.session.rollback()
    case_services.record_event(
        admin, case, type="diversion_considered", at=MAY10, details=CONSIDERED, expected_version=None
    )
    event = case_services.record_event(
        admin, case, type="pretrial_detention_ordered", at=MAY12, details={"facility": "Unit"}, expected_version=None
    )
    assert event.type == "pretrial_detention_ordered"


def test_a_custodial_sentence_needs_it_a_non_custodial_one_does_not(make, court):
    admin = make.admin()
    case = make.case(court=court, events=[RESPONSIBLE])
    custodial = {"custodial": True, "measure": "Detention"}
    with pytest.raises(ValidationFailed, match="custodial sentence"):
        case_services.record_event(admin, case, type="sentenced", at=MAY12, details=custodial, expected_version=None)
    db.session.rollback()
    case = db.session.get(Case, case.id)
    measure = {"custodial": False, "measure": "Referral order"}
    assert case_services.record_event(admin, case, type="sentenced", at=MAY12, details=measure, expected_version=None)


def test_a_correction_into_detention_meets_the_rule_too(make, court):
    admin = make.admin()
    case = make.case(court=court, events=[APPREHENDED, ("charged", MAY12, {})])
    charged = _events(case.id)[-1]
    with pytest.raises(ValidationFailed) as refused:
        case_services.correct_event(
            admin,
            case,
            charged,
            reason="It was a remand",
            type="pretrial_detention_ordered",
            details={"facility": "Unit"},
            expected_version=None,
        )
    assert [e.field for e in refused.value.errors] == ["diversion_considered"]


def test_the_api_answers_422_naming_the_field_and_stores_nothing(make, case, api_for):
    api = api_for(make.admin())
    body = {"type": "pretrial_detention_ordered", "at": "2026-05-12T10:00:00+01:00", "details": {"facility": "Unit"}}
    before = row_counts()
    response = api.post(f"/api/v1/cases/{case.id}/events", body | {"version": case.version})
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert list(fields) == ["diversion_considered"] and "alternatives considered" in fields["diversion_considered"][0]
    assert row_counts() == before


def test_the_form_shows_eligible_alternatives_and_refuses_without_a_consideration(
    make, registry, client_for, clerk, case
):
    registry.programme(name="Northbridge Mentoring", areas=["Northbridge"])
    registry.programme(name="Too Young Club", max_age=12)
    client = client_for(clerk)
    page = text(client.get(f"/cases/{case.id}/events/new?type=pretrial_detention_ordered"))
    assert "Detention is a measure of last resort" in page
    assert "Northbridge Mentoring" in page and "Too Young Club" not in page
    assert "1 more ruled out" in page
    assert f"/cases/{case.id}/events/new?type=diversion_considered&amp;for=pretrial_detention_ordered" in page

    response = post_event(client, case.id, "pretrial_detention_ordered", "2026-05-20T10:00", {"facility": "Unit"})
    assert response.status_code == 422
    html = text(response)
    assert "Alternatives to detention" in html and "record a diversion_considered event" in html
    assert [e.type for e in _events(case.id)] == ["apprehended"]

    draft = text(client.get(f"/cases/{case.id}/events/new?type=diversion_considered&for=pretrial_detention_ordered"))
    assert re.search(r"- Northbridge Mentoring \(Test provider\): not used because", draft)
    considered = {"outcome": "not_diverted", "reasons": "Refused by the child", "alternatives": "- Mentoring: refused"}
    assert post_event(client, case.id, "diversion_considered", "2026-05-19T10:00", considered).status_code == 302
    after = text(client.get(f"/cases/{case.id}/events/new?type=pretrial_detention_ordered"))
    assert "Refused by the child" in after and "No consideration of alternatives" not in after
    response = post_event(client, case.id, "pretrial_detention_ordered", "2026-05-20T10:00", {"facility": "Unit"})
    assert response.status_code == 302, text(response)


def test_a_case_file_of_past_events_imports_with_a_warning(make, api_for, client_for):
    admin = make.admin()
    response = api_for(admin).post("/api/v1/cases", example("br_presentation_and_internment.json"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["warnings"] == [
        "events.3: Detention is a measure of last resort: before pre-trial detention is recorded, record a "
        "diversion_considered event for this case (the alternatives considered and why each was not used)."
    ]
    page = text(client_for(admin).get(f"/cases/{body['id']}"))
    assert "no consideration of alternatives (diversion considered) is recorded before" in page


def test_the_cli_prints_the_warning_and_imports(make, app):
    make.admin()
    result = app.test_cli_runner().invoke(
        args=["cases", "import", str(EXAMPLES_DIR / "br_presentation_and_internment.json")]
    )
    assert result.exit_code == 0, result.output
    assert (
        "created case" in result.output and "warning: events.3: Detention is a measure of last resort" in result.output
    )


def test_other_roles_never_reach_the_form(make, client_for, case):
    for role in (Role.LAWYER, Role.COORDINATOR, Role.OVERSIGHT):
        response = client_for(make.user(role)).get(f"/cases/{case.id}/events/new?type=pretrial_detention_ordered")
        assert response.status_code == 403
