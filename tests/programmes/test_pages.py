"""The programme pages: registry, suggestions, referring, a referral's steps, capacity, the case page's section."""

from __future__ import annotations

import re

from justice_tracker.auth.models import Role
from justice_tracker.db import db
from justice_tracker.programmes import services
from justice_tracker.programmes.models import Programme, Referral
from justice_tracker.programmes.referrals import StepInput
from tests.cases.test_pages_support import audits, form_version, post, text


def _fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def test_the_registry_lists_and_filters(make, registry, client_for):
    registry.programme(name="Mentoring North", type="mentoring")
    registry.programme(name="Shelter South", type="foster_shelter_placement", enrolled=5, waiting_list=3, wait_days=20)
    registry.programme(name="Brazilian circle", jurisdiction_code="BR")
    client = client_for(make.user(Role.LAWYER))
    page = text(client.get("/programmes"))
    assert all(name in page for name in ("Mentoring North", "Shelter South", "Brazilian circle"))
    assert "At capacity" in page and "3 waiting, about 20 days' wait" in page
    filtered = text(client.get("/programmes?jurisdiction=GB-EAW&type=mentoring"))
    assert "Mentoring North" in filtered and "Shelter South" not in filtered and "Brazilian circle" not in filtered
    assert client.get("/programmes?type=%27%3B+DROP&stage=nope").status_code == 200


def test_suggestions_page_explains_the_order_and_refers(make, registry, client_for, clerk, case):
    registry.programme(name="Placement", type="foster_shelter_placement")
    registry.programme(name="Mentoring", type="mentoring")
    registry.programme(name="For little ones", max_age=11)
    client = client_for(clerk)
    page = text(client.get(f"/cases/{case.id}/suggestions"))
    assert page.index("Mentoring") < page.index("Placement") < page.index("For little ones")
    assert "Score 110" in page and "50 (restrictiveness 1 of 5 (mentoring))" in page
    assert "ruled out" in page and "takes ages 10 to 11; the child is 16" in page
    assert audits("case_viewed", case.id)[-1].detail == "page=suggestions"

    mentoring = next(p for p in db.session.query(Programme) if p.name == "Mentoring")
    response = post(client, f"/cases/{case.id}/referrals", {"programme_id": str(mentoring.id)})
    assert response.status_code == 302
    referral = db.session.query(Referral).one()
    assert response.headers["Location"].endswith(f"/referrals/{referral.id}")
    again = post(client, f"/cases/{case.id}/referrals", {"programme_id": str(mentoring.id)})
    assert again.status_code == 422 and "already has an open referral" in text(again)
    assert "An open referral to this programme exists" in text(client.get(f"/cases/{case.id}/suggestions"))


def test_a_lawyer_reads_suggestions_but_cannot_refer(make, registry, client_for, court):
    lawyer = make.user(Role.LAWYER)
    case = make.case(court=court, lawyers=[lawyer])
    programme = registry.programme()
    client = client_for(lawyer)
    page = text(client.get(f"/cases/{case.id}/suggestions"))
    assert programme.name in page and "Suggest this programme" not in page
    assert post(client, f"/cases/{case.id}/referrals", {"programme_id": str(programme.id)}).status_code == 403


def _step(client, referral_id: int, data: dict) -> object:
    url = f"/referrals/{referral_id}"
    version = form_version(text(client.get(url)))
    return post(client, f"{url}/steps", {"version": version, "at": "", "failure_reason": ""} | data)


def test_steps_through_the_page_with_errors_next_to_their_fields(make, registry, client_for, clerk, case):
    programme = registry.programme(places=1, requires_acknowledgement=True)
    referral = services.create_referral(clerk, case, programme)
    services.change_referral(clerk, referral, StepInput("offered"), expected_version=None)
    db.session.commit()
    client = client_for(clerk)
    page = text(client.get(f"/referrals/{referral.id}"))
    assert '<option value="accepted">' in page and '<option value="started">' not in page

    response = _step(client, referral.id, {"state": "accepted", "child_consent": "y"})
    assert response.status_code == 422
    assert 'id="acknowledgement-error"' in text(response) and "never an admission of guilt" in text(response)
    assert _fresh(Referral, referral.id).state == "offered"
    assert audits("referral_step_rejected", referral.id)[-1].detail == "fields=acknowledgement"

    response = _step(client, referral.id, {"state": "completed"})
    assert response.status_code == 422 and "Not a valid choice" in text(response)

    response = _step(client, referral.id, {"state": "accepted", "child_consent": "y", "acknowledgement": "y"})
    assert response.status_code == 302
    assert _fresh(Referral, referral.id).state == "accepted" and _fresh(Programme, programme.id).enrolled == 1
    case_page = text(client.get(f"/cases/{case.id}"))
    assert "Current programme:" in case_page and programme.name in case_page
    assert "Suggested" in case_page and "Accepted" in case_page
    assert "Referral to a programme" in case_page, "the steps are on the timeline"


def test_accepting_a_full_programme_on_the_page_is_409_with_the_reason(make, registry, client_for, clerk, case):
    programme = registry.programme(places=1, enrolled=1, waiting_list=4)
    referral = services.create_referral(clerk, case, programme)
    services.change_referral(clerk, referral, StepInput("offered"), expected_version=None)
    db.session.commit()
    response = _step(client_for(clerk), referral.id, {"state": "accepted", "child_consent": "y"})
    assert response.status_code == 409
    assert "no free place: 1 of 1 places are taken and 4 children are waiting" in text(response)
    assert _fresh(Referral, referral.id).state == "offered"


def test_a_step_from_a_stale_page_is_409(make, registry, client_for, clerk, case):
    referral = services.create_referral(clerk, case, registry.programme())
    db.session.commit()
    client = client_for(clerk)
    stale = form_version(text(client.get(f"/referrals/{referral.id}")))
    services.change_referral(clerk, _fresh(Referral, referral.id), StepInput("offered"), expected_version=None)
    db.session.commit()
    response = post(
        client,
        f"/referrals/{referral.id}/steps",
        {"version": stale, "state": "closed", "reason": "x", "failure_reason": ""},
    )
    assert response.status_code == 409 and "changed by someone else" in text(response).lower()
    assert _fresh(Referral, referral.id).state == "offered"


def test_capacity_from_a_stale_form_is_409_and_bad_counts_422(make, registry, client_for):
    programme = registry.programme(places=5, enrolled=2)
    coordinator = make.user(Role.COORDINATOR)
    registry.link(programme, coordinator)
    client = client_for(coordinator)
    url = f"/programmes/{programme.id}"
    stale = form_version(text(client.get(url)))
    data = {"places": "6", "enrolled": "2", "waiting_list": "1", "wait_days": "14", "active": "y"}
    assert post(client, f"{url}/capacity", data | {"version": stale}).status_code == 302
    saved = _fresh(Programme, programme.id)
    assert (saved.places, saved.waiting_list, saved.wait_days) == (6, 1, 14)
    response = post(client, f"{url}/capacity", data | {"version": stale, "places": "7"})
    assert response.status_code == 409 and _fresh(Programme, programme.id).places == 6
    fresh = form_version(text(client.get(url)))
    response = post(client, f"{url}/capacity", data | {"version": fresh, "enrolled": "9"})
    assert response.status_code == 422 and "Cannot be more than the places (6)." in text(response)
    response = post(client, f"{url}/capacity", data | {"version": fresh, "places": "-1"})
    assert response.status_code == 422 and _fresh(Programme, programme.id).places == 6


def test_an_administrator_links_coordinators(make, registry, client_for):
    programme = registry.programme()
    coordinator = make.user(Role.COORDINATOR)
    client = client_for(make.admin())
    page = text(client.get(f"/programmes/{programme.id}"))
    assert re.search(rf'<option value="{coordinator.id}">', page)
    assert post(client, f"/programmes/{programme.id}/coordinators", {"user_id": str(coordinator.id)}).status_code == 302
    assert _fresh(Programme, programme.id).coordinator_ids() == {coordinator.id}
    clerk = make.user(Role.CLERK)
    assert post(client, f"/programmes/{programme.id}/coordinators", {"user_id": str(clerk.id)}).status_code == 422
    assert audits("programme_coordinator_linked", programme.id)[-1].detail == f"user={coordinator.id}"


def test_an_administrator_sets_a_courts_area_and_suggestions_use_it(make, registry, client_for, court, clerk, case):
    registry.programme(name="Southbridge only", areas=["Southbridge"])
    client = client_for(make.admin())
    data = {"name": court.name, "jurisdiction_code": "GB-EAW", "time_zone": "", "area": "  Southbridge ", "active": "y"}
    assert post(client, f"/admin/courts/{court.id}", data).status_code == 302
    assert _fresh(type(court), court.id).area == "Southbridge"
    page = text(client_for(clerk).get(f"/cases/{case.id}/suggestions"))
    assert "serves Southbridge" in page and "not Northbridge" not in page
    assert post(client, f"/admin/courts/{court.id}", data | {"area": " "}).status_code == 302
    assert _fresh(type(court), court.id).area is None
    assert "the court&#39;s area is not recorded" in text(client_for(clerk).get(f"/cases/{case.id}/suggestions"))


def test_script_in_registry_fields_is_inert_text(make, registry, client_for, clerk, case):
    payload = '<script>alert("x")</script>'
    programme = registry.programme(name=payload, provider=payload, areas=[payload], exclusions=[payload])
    client = client_for(clerk)
    for url in ("/programmes", f"/programmes/{programme.id}", f"/cases/{case.id}/suggestions"):
        html = text(client.get(url))
        assert payload not in html and "&lt;script&gt;" in html, url
