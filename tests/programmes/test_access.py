"""Who sees what (SECURITY.md 1–4, 18): one table of role × endpoint → status, and what a coordinator never sees."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import Role
from justice_tracker.db import db
from justice_tracker.programmes import services
from justice_tracker.programmes.referrals import StepInput
from tests.cases.test_pages_support import post, text
from tests.programmes.conftest import SECRET_OFFENCE


@pytest.fixture()
def world(make, registry, court, clerk, case):
    lawyer = make.user(Role.LAWYER)
    mine, other = registry.programme(name="Linked programme"), registry.programme(name="Other programme")
    coordinator, stranger = make.user(Role.COORDINATOR), make.user(Role.COORDINATOR)
    registry.link(mine, coordinator)
    registry.link(other, stranger)
    lawyered = make.case(
        court=court, lawyers=[lawyer], offences=[{"description": SECRET_OFFENCE, "offence_class": "summary"}]
    )
    referral = services.create_referral(clerk, lawyered, mine)
    services.change_referral(clerk, referral, StepInput("offered"), expected_version=None)
    elsewhere = services.create_referral(clerk, case, other)
    db.session.commit()
    return {
        "admin": make.admin(),
        "clerk": clerk,
        "other_clerk": make.user(Role.CLERK),
        "lawyer": lawyer,
        "other_lawyer": make.user(Role.LAWYER),
        "coordinator": coordinator,
        "stranger": stranger,
        "oversight": make.user(Role.OVERSIGHT),
        "case": lawyered,
        "mine": mine,
        "other": other,
        "referral": referral,
        "elsewhere": elsewhere,
    }


WHO = ["admin", "clerk", "other_clerk", "lawyer", "other_lawyer", "coordinator", "stranger", "oversight"]
# endpoint → expected status per user of WHO
TABLE = {
    "/cases/{case}/suggestions": [200, 200, 403, 200, 403, 403, 403, 403],
    "/api/v1/cases/{case}/suggestions": [200, 200, 403, 200, 403, 403, 403, 403],
    "/api/v1/cases/{case}/referrals": [200, 200, 403, 200, 403, 403, 403, 403],
    "/referrals/{referral}": [200, 200, 403, 200, 403, 200, 403, 403],
    "/api/v1/referrals/{referral}": [200, 200, 403, 200, 403, 200, 403, 403],
    "/api/v1/referrals": [200, 200, 200, 200, 200, 200, 200, 403],
    "/programmes": [200] * 8,
    "/programmes/{mine}": [200] * 8,
    "/api/v1/programmes/{mine}": [200] * 8,
}


@pytest.mark.parametrize("endpoint", list(TABLE))
def test_role_by_endpoint(make, client_for, api_for, world, endpoint):
    url = endpoint.format(case=world["case"].id, referral=world["referral"].id, mine=world["mine"].id)
    for who, expected in zip(WHO, TABLE[endpoint], strict=True):
        client = api_for(world[who]) if url.startswith("/api/") else client_for(world[who])
        before = _denied()
        response = client.get(url)
        assert response.status_code == expected, (who, url, response.status_code)
        if expected == 403:
            assert _denied() == before + 1, "every refusal is audited"


def _denied() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "denied")) or 0


@pytest.mark.parametrize("who", ["lawyer", "oversight", "stranger", "other_clerk"])
def test_only_the_court_and_the_programme_move_a_referral_on(make, api_for, world, who):
    referral = world["referral"]
    response = api_for(world[who]).post(
        f"/api/v1/referrals/{referral.id}/steps", {"state": "declined", "reason": "No", "version": referral.version}
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(type(referral), referral.id).state == "offered"


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 302), ("admin", 302)] + [(w, 403) for w in ("stranger", "clerk", "lawyer", "oversight")],
)
def test_capacity_is_kept_by_the_programmes_coordinators(client_for, world, who, status):
    programme = world["mine"]
    data = {"places": "9", "enrolled": "1", "waiting_list": "0", "wait_days": "", "active": "y"}
    response = post(
        client_for(world[who]), f"/programmes/{programme.id}/capacity", data | {"version": programme.version}
    )
    assert response.status_code == status
    db.session.expire_all()
    assert db.session.get(type(programme), programme.id).places == (9 if status == 302 else 5)


def test_a_coordinator_lists_only_referrals_to_their_programmes(api_for, world):
    body = api_for(world["coordinator"]).get("/api/v1/referrals").get_json()
    assert [item["id"] for item in body["items"]] == [world["referral"].id]
    assert body["total"] == 1
    assert api_for(world["stranger"]).get("/api/v1/referrals").get_json()["items"][0]["id"] == world["elsewhere"].id


def test_a_coordinator_sees_no_name_birth_date_or_charge(client_for, api_for, world):
    child = world["case"].child
    coordinator = world["coordinator"]
    programme_page = text(client_for(coordinator).get(f"/programmes/{world['mine'].id}"))
    referral_page = text(client_for(coordinator).get(f"/referrals/{world['referral'].id}"))
    answer = json.dumps(
        api_for(coordinator).get(f"/api/v1/referrals/{world['referral'].id}").get_json(), ensure_ascii=False
    )
    for shown in (programme_page, referral_page, answer):
        assert child.pseudonym in shown and "summary" in shown
        assert "16–17" in shown
        for secret in (child.given_name, child.family_name, child.date_of_birth.isoformat(), SECRET_OFFENCE):
            assert secret not in shown
    assert f"/cases/{world['case'].id}" not in referral_page, "no link to a case page a coordinator cannot open"
    assert "Save the capacity" in programme_page
    other_page = text(client_for(coordinator).get(f"/programmes/{world['other'].id}"))
    assert "Save the capacity" not in other_page and "Referrals to this programme" not in other_page


def test_unlinking_a_coordinator_takes_effect_on_the_next_request(client_for, world):
    client = client_for(world["coordinator"])
    url = f"/referrals/{world['referral'].id}"
    assert client.get(url).status_code == 200
    admin = client_for(world["admin"])
    response = post(admin, f"/programmes/{world['mine'].id}/coordinators/{world['coordinator'].id}/remove", {})
    assert response.status_code == 302
    assert client.get(url).status_code == 403


def test_a_coordinator_lands_on_the_programmes(client_for, world):
    response = client_for(world["coordinator"]).get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/programmes")
    assert "Linked programme" in text(client_for(world["coordinator"]).get("/programmes"))


def test_oversight_sees_outcomes_with_small_counts_suppressed(api_for, world):
    url = f"/api/v1/programmes/{world['mine'].id}"
    seen = api_for(world["oversight"]).get(url).get_json()["outcomes"]
    assert seen["referrals"] is None and seen["suppressed_below"] == 5
    assert seen["starts"] == 0, "zero is not a small cell"
    admin = api_for(world["admin"]).get(url).get_json()["outcomes"]
    assert admin["referrals"] == 1 and admin["suppressed_below"] is None
