"""Referrals through the services and the API: steps on the timeline, capacity, refusals that change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import Role
from justice_tracker.cases import services as case_services
from justice_tracker.cases.models import Case, Event
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.errors import Conflict, Forbidden, ValidationFailed
from justice_tracker.programmes import services
from justice_tracker.programmes.models import Programme, Referral, ReferralStep
from justice_tracker.programmes.referrals import StepInput
from tests.api.helpers import row_counts

CONSENT = {"child_consent": True}


def _fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def _referral_events(case_id: int) -> list[Event]:
    db.session.expire_all()
    stmt = select(Event).where(Event.case_id == case_id, Event.type == "referral_updated").order_by(Event.seq)
    return list(db.session.scalars(stmt))


def _offered(clerk, case, programme) -> Referral:
    referral = services.create_referral(clerk, case, programme)
    services.change_referral(clerk, referral, StepInput("offered"), expected_version=None)
    db.session.commit()
    return referral


def test_every_step_is_dated_audited_and_on_the_case_timeline(make, registry, clerk, case):
    programme = registry.programme(places=3, enrolled=1)
    referral = services.create_referral(clerk, case, programme, reason="Fits the child")
    for target, extra in [
        ("offered", {}),
        ("accepted", CONSENT),
        ("started", {}),
        ("completed", {}),
        ("closed", {}),
    ]:
        services.change_referral(clerk, referral, StepInput(target, **extra), expected_version=None)
        if target == "accepted":
            assert _fresh(Programme, programme.id).enrolled == 2, "accepting takes a place"
        referral = _fresh(Referral, referral.id)
    db.session.commit()
    referral = _fresh(Referral, referral.id)
    assert referral.state == "closed" and referral.child_consent is True
    assert [s.state for s in referral.steps] == ["suggested", "offered", "accepted", "started", "completed", "closed"]
    events = _referral_events(case.id)
    assert [e.details["state"] for e in events] == [s.state for s in referral.steps]
    assert [s.event_id for s in referral.steps] == [e.id for e in events]
    assert events[0].details == {
        "programme": programme.name,
        "programme_code": programme.code,
        "state": "suggested",
        "reason": "Fits the child",
    }
    assert _fresh(Programme, programme.id).enrolled == 1, "completing gives the place back"
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "referral", AuditEntry.object_id == str(referral.id))
    ).all()
    assert actions == ["referral_created"] + ["referral_updated"] * 5


def test_the_last_place_is_taken_once_the_second_gets_409_and_nothing_changes(make, registry, clerk, court):
    programme = registry.programme(places=1, enrolled=0, waiting_list=2)
    first = _offered(clerk, make.case(court=court), programme)
    second_case = make.case(court=court)
    second = _offered(clerk, second_case, programme)
    services.change_referral(clerk, first, StepInput("accepted", **CONSENT), expected_version=None)
    db.session.commit()
    events_before = len(_referral_events(second_case.id))
    with pytest.raises(Conflict, match=r"no free place: 1 of 1 places are taken and 2 children are waiting"):
        services.change_referral(
            clerk, _fresh(Referral, second.id), StepInput("accepted", **CONSENT), expected_version=None
        )
    db.session.rollback()
    assert _fresh(Referral, second.id).state == "offered"
    assert _fresh(Programme, programme.id).enrolled == 1
    assert len(_referral_events(second_case.id)) == events_before


def test_a_programme_at_capacity_can_still_be_suggested_and_offered(registry, clerk, case):
    programme = registry.programme(places=2, enrolled=2)
    referral = _offered(clerk, case, programme)
    assert _fresh(Referral, referral.id).state == "offered"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (["offered", "accepted", "failed"], 0),
        (["offered", "accepted", "closed"], 0),
        (["offered", "declined"], 0),
        (["offered", "accepted", "started"], 1),
    ],
)
def test_places_come_back_when_a_referral_stops_holding_one(registry, clerk, case, path, expected):
    programme = registry.programme(places=1)
    referral = services.create_referral(clerk, case, programme)
    extras = {"accepted": CONSENT, "failed": {"failure_reason": "withdrew"}}
    extras |= {"closed": {"reason": "Case withdrawn"}, "declined": {"reason": "Family declined"}}
    for target in path:
        services.change_referral(clerk, referral, StepInput(target, **extras.get(target, {})), expected_version=None)
    db.session.commit()
    assert _fresh(Programme, programme.id).enrolled == expected


def test_illegal_steps_through_the_api_are_422_and_change_nothing(registry, clerk, case, api_for):
    programme = registry.programme()
    referral = services.create_referral(clerk, case, programme)
    db.session.commit()
    api = api_for(clerk)
    version = _fresh(Referral, referral.id).version
    for state in ("accepted", "started", "completed", "failed", "declined", "suggested"):
        before = row_counts()
        response = api.post(f"/api/v1/referrals/{referral.id}/steps", {"state": state, "version": version})
        assert response.status_code == 422, (state, response.get_json())
        message = response.get_json()["error"]["fields"]["state"][0]
        assert message == f"a referral that is suggested cannot become {state}; it can become offered or closed"
        assert row_counts() == before
    assert _fresh(Referral, referral.id).state == "suggested"


def test_steps_that_miss_what_they_need_name_the_field(registry, clerk, case, api_for):
    programme = registry.programme(requires_parent_consent=True)
    referral = _offered(clerk, case, programme)
    api = api_for(clerk)
    url = f"/api/v1/referrals/{referral.id}/steps"
    version = _fresh(Referral, referral.id).version
    response = api.post(url, {"state": "accepted", "child_consent": True, "version": version})
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"parent_consent"}
    response = api.post(url, {"state": "declined", "version": version})
    assert response.get_json()["error"]["fields"] == {"reason": ["say who declined and why"]}
    response = api.post(url, {"state": "accepted", "child_consent": True, "parent_consent": True, "version": version})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["state"] == "accepted" and body["next_states"] == ["started", "failed", "closed"]
    assert _fresh(Programme, programme.id).enrolled == 1


def test_a_stale_version_is_409_and_a_step_before_the_last_is_422(registry, clerk, case, api_for):
    referral = services.create_referral(clerk, case, registry.programme())
    db.session.commit()
    api = api_for(clerk)
    url = f"/api/v1/referrals/{referral.id}/steps"
    stale = _fresh(Referral, referral.id).version
    assert api.post(url, {"state": "offered", "version": stale}).status_code == 201
    response = api.post(url, {"state": "accepted", "child_consent": True, "version": stale})
    assert response.status_code == 409
    assert _fresh(Referral, referral.id).state == "offered"
    earlier = (utcnow() - timedelta(days=3)).isoformat()
    current = _fresh(Referral, referral.id).version
    response = api.post(url, {"state": "closed", "reason": "Withdrawn", "at": earlier, "version": current})
    assert response.status_code == 422 and "previous step" in response.get_json()["error"]["fields"]["at"][0]


def test_refusals_when_referring(make, registry, clerk, case):
    programme = registry.programme()
    services.create_referral(clerk, case, programme)
    db.session.commit()
    with pytest.raises(ValidationFailed, match="already has an open referral"):
        services.create_referral(clerk, case, programme)
    with pytest.raises(ValidationFailed, match="another jurisdiction"):
        services.create_referral(clerk, case, registry.programme(jurisdiction_code="BR"))
    with pytest.raises(ValidationFailed, match="not taking referrals"):
        services.create_referral(clerk, case, registry.programme(active=False))
    with pytest.raises(Forbidden):
        services.create_referral(make.user(Role.CLERK), case, registry.programme())
    with pytest.raises(Forbidden):
        services.create_referral(make.user(Role.LAWYER), case, registry.programme())


def test_coordinators_move_their_programmes_referrals_only(make, registry, clerk, case):
    mine, theirs = registry.programme(), registry.programme()
    coordinator = make.user(Role.COORDINATOR)
    registry.link(mine, coordinator)
    own = services.create_referral(clerk, case, mine)
    other = services.create_referral(clerk, case, theirs)
    db.session.commit()
    services.change_referral(coordinator, own, StepInput("offered"), expected_version=None)
    db.session.commit()
    assert _fresh(Referral, own.id).state == "offered"
    assert _referral_events(case.id)[-1].recorded_by_id == coordinator.id
    with pytest.raises(Forbidden):
        services.change_referral(coordinator, _fresh(Referral, other.id), StepInput("offered"), expected_version=None)


def test_referral_steps_may_follow_a_closed_case(make, registry, clerk, court):
    closed = make.case(court=court, events=[("case_closed", utcnow() - timedelta(days=2), {})])
    referral = services.create_referral(clerk, closed, registry.programme(stages=["aftercare"]))
    services.change_referral(clerk, referral, StepInput("offered"), expected_version=None)
    db.session.commit()
    assert _fresh(Case, closed.id).status == "closed"
    assert [e.details["state"] for e in _referral_events(closed.id)] == ["suggested", "offered"]


def test_outcomes_count_starts_completions_failures_and_new_apprehensions(make, registry, clerk, court):
    programme = registry.programme(places=10)
    now = utcnow()
    paths = [
        ["offered", "accepted", "started", "completed"],
        ["offered", "accepted", "started", "failed"],
        ["offered", "declined"],
    ]
    extras = {"accepted": CONSENT, "failed": {"failure_reason": "new_offence"}, "declined": {"reason": "No"}}
    cases = []
    for index, path in enumerate(paths):
        case = make.case(court=court)
        cases.append(case)
        referral = services.create_referral(clerk, case, programme, at=now - timedelta(days=20))
        for offset, target in enumerate(path, start=1):
            at = now - timedelta(days=20 - offset * (index + 1))
            step = StepInput(target, **extras.get(target, {}))
            services.change_referral(clerk, referral, step, at=at, expected_version=None)
    # The child of the failed referral was apprehended again while enrolled.
    case_services.record_event(clerk, cases[1], type="apprehended", at=now - timedelta(days=13), expected_version=None)
    db.session.commit()
    result = services.outcomes(_fresh(Programme, programme.id))
    assert (result.referrals, result.starts, result.completions) == (3, 2, 1)
    assert result.failures == {"new_offence": 1}
    assert result.new_apprehensions == 1
    assert result.median_days_to_start == 4.5  # 3 and 6 days from suggestion to start
    assert services.finished_counts([programme.id]) == {programme.id: (1, 1)}


def test_referral_steps_table_and_referrals_stay_in_step(registry, clerk, case):
    referral = services.create_referral(clerk, case, registry.programme())
    db.session.commit()
    count = db.session.scalar(
        select(func.count()).select_from(ReferralStep).where(ReferralStep.referral_id == referral.id)
    )
    assert count == 1
