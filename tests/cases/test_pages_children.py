"""Registering a child, opening a case and editing a child's record through the pages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from justice_tracker.auth.models import Role
from justice_tracker.cases.models import Case, Child, Offence
from justice_tracker.db import db
from tests.cases.test_pages_support import audits, count, form_version, post, text

CHILD_FORM = {
    "given_name": "Amara",
    "family_name": "Okonkwo-Test",
    "date_of_birth": "2011-02-03",
    "date_of_birth_estimated": "y",
    "sex": "F",
    "languages": "English, Igbo, English",
    "guardian_name": "Grace Okonkwo-Test",
    "guardian_relationship": "mother",
    "guardian_contact": "+44 20 7946 0000",
}


@pytest.fixture()
def clerk(make):
    return make.user(Role.CLERK, court=make.court("GB-EAW", name="Westminster Youth Court"))


def test_clerk_registers_a_child_then_opens_a_case_through_the_pages(make, client_for, clerk):
    lawyer = make.user(Role.LAWYER)
    client = client_for(clerk)
    assert client.get("/children/new").status_code == 200

    response = post(client, "/children/new", CHILD_FORM)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "Amara" not in location and "Okonkwo" not in location
    child = db.session.scalars(select(Child).where(Child.family_name == "Okonkwo-Test")).one()
    assert location.endswith(f"/children/{child.id}/cases/new")
    assert (child.given_name, child.date_of_birth, child.date_of_birth_estimated) == ("Amara", date(2011, 2, 3), True)
    assert child.sex == "F"
    assert child.languages == ["English", "Igbo"]
    assert (child.guardian_name, child.guardian_relationship) == ("Grace Okonkwo-Test", "mother")
    assert child.registered_court_id == clerk.court_id
    assert child.pseudonym.startswith("C-")

    page = client.get(location)
    assert page.status_code == 200
    assert "Westminster Youth Court" in text(page)
    assert 'name="offences-2-description"' in text(page), "at least three offence rows"
    response = post(
        client,
        location,
        {
            "reference": "WYC-2026-001",
            "police_reference": "MPS/77",
            "prosecution_reference": "CPS/12",
            "court_reference": "F-99",
            "offences-0-description": "robbery",
            "offences-0-offence_class": "indictable",
            "offences-0-max_penalty_years": "14",
            "offences-1-description": "",
            "offences-2-description": "criminal damage",
            "offences-2-offence_class": "either_way",
            "lawyer_ids": [str(lawyer.id)],
        },
    )
    assert response.status_code == 302, text(response)
    case = db.session.scalars(select(Case).where(Case.reference == "WYC-2026-001")).one()
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    assert case.child_id == child.id and case.court_id == clerk.court_id and case.jurisdiction_code == "GB-EAW"
    assert (case.police_reference, case.prosecution_reference, case.court_reference) == ("MPS/77", "CPS/12", "F-99")
    offences = [(o.position, o.description, o.offence_class, o.max_penalty_years) for o in case.offences]
    assert offences == [(0, "robbery", "indictable", 14.0), (1, "criminal damage", "either_way", None)]
    assert case.lawyer_ids() == {lawyer.id}
    assert [a.object_id for a in audits("case_created")][-1] == str(case.id)


def test_bad_child_input_keeps_what_was_typed_and_stores_nothing(client_for, clerk):
    client = client_for(clerk)
    before = count(Child)
    response = post(client, "/children/new", CHILD_FORM | {"family_name": "  ", "date_of_birth": "2011-13-45"})
    assert response.status_code == 422
    html = text(response)
    assert 'value="Amara"' in html and 'value="2011-13-45"' in html and 'value="English, Igbo, English"' in html
    assert "Give a date as YYYY-MM-DD." in html
    assert 'href="#family_name"' in html, "the summary links to the field"
    assert count(Child) == before


def test_a_birth_date_in_the_future_is_refused_by_the_service(client_for, clerk):
    client = client_for(clerk)
    before = count(Child)
    response = post(client, "/children/new", CHILD_FORM | {"date_of_birth": "2027-01-01"})
    assert response.status_code == 422
    assert "in the future" in text(response)
    assert count(Child) == before


def test_bad_case_input_keeps_rows_and_creates_nothing(make, client_for, clerk):
    existing = make.case(court=clerk.court, reference="DUP-1")
    client = client_for(clerk)
    before = (count(Case), count(Offence))
    url = f"/children/{existing.child_id}/cases/new"
    response = post(
        client,
        url,
        {
            "reference": "DUP-1",
            "offences-0-description": "burglary",
            "offences-0-max_penalty_years": "ten",
            "offences-1-offence_class": "petty",
        },
    )
    assert response.status_code == 422
    html = text(response)
    assert 'value="burglary"' in html and 'value="ten"' in html
    assert "Describe the offence, or clear this row." in html
    assert count(Case) == before[0] and count(Offence) == before[1]

    # Only the duplicate reference is left: the service refuses it, next to the field.
    response = post(client, url, {"reference": "DUP-1", "offences-0-description": "burglary"})
    assert response.status_code == 422
    assert "already has a case with this reference" in text(response)
    assert count(Case) == before[0]


def test_add_offence_row_redisplays_the_form_without_saving(make, client_for, clerk):
    child = make.child(court=clerk.court)
    client = client_for(clerk)
    before = count(Case)
    response = post(
        client,
        f"/children/{child.id}/cases/new",
        {"reference": "R-1", "offences-0-description": "theft", "add_offence": "1"},
    )
    assert response.status_code == 200
    html = text(response)
    assert 'name="offences-3-description"' in html and 'value="theft"' in html and 'value="R-1"' in html
    assert count(Case) == before


def test_admin_chooses_the_court_and_a_clerk_cannot_open_elsewhere(make, client_for):
    court = make.court("BR", name="Vara da Infância Teste", time_zone="America/Sao_Paulo")
    admin = make.admin()
    child = make.child()
    client = client_for(admin)
    response = post(
        client,
        f"/children/{child.id}/cases/new",
        {"reference": "BR-1", "court": str(court.id), "offences-0-description": "furto"},
    )
    assert response.status_code == 302
    case = db.session.scalars(select(Case).where(Case.reference == "BR-1")).one()
    assert (case.court_id, case.jurisdiction_code, case.time_zone) == (court.id, "BR", "America/Sao_Paulo")

    response = post(client, f"/children/{child.id}/cases/new", {"reference": "BR-2", "court": "999999"})
    assert response.status_code == 422
    assert count(Case, Case.reference == "BR-2") == 0

    # A clerk of another court cannot open a case for a child they cannot edit.
    other_clerk = make.user(Role.CLERK)
    assert client_for(other_clerk).get(f"/children/{child.id}/cases/new").status_code == 403


def test_child_page_and_edit_with_version(make, client_for, clerk):
    case = make.case(court=clerk.court)
    child = case.child
    client = client_for(clerk)
    page = client.get(f"/children/{child.id}")
    assert page.status_code == 200
    assert child.display_name in text(page) and case.reference in text(page)

    edit = client.get(f"/children/{child.id}/edit")
    assert edit.status_code == 200
    version = form_version(text(edit))
    assert 'value="Testchild"' in text(edit)
    data = {
        "given_name": "Testchild",
        "family_name": child.family_name,
        "date_of_birth": "2010-05-14",
        "sex": "F",
        "languages": "en, fr",
        "guardian_contact": "new contact",
        "version": version,
    }
    response = post(client, f"/children/{child.id}/edit", data)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Child, child.id)
    assert saved.languages == ["en", "fr"] and saved.guardian_contact == "new contact"
    assert saved.version == int(version) + 1
    entry = audits("child_updated", child.id)[-1]
    assert "languages" in entry.detail and "Testchild" not in entry.detail


def test_editing_a_child_from_a_stale_version_answers_409_and_keeps_input(make, client_for, clerk):
    child = make.child(court=clerk.court)
    client = client_for(clerk)
    stale = form_version(text(client.get(f"/children/{child.id}/edit")))
    # Someone else saves first.
    other = client_for(make.user(Role.CLERK, court=clerk.court))
    data = {"given_name": "Testchild", "family_name": child.family_name, "date_of_birth": "2010-05-14", "sex": "F"}
    r = post(other, f"/children/{child.id}/edit", data | {"guardian_name": "First", "version": stale})
    assert r.status_code == 302, text(r)

    response = post(client, f"/children/{child.id}/edit", data | {"guardian_name": "Second", "version": stale})
    assert response.status_code == 409
    html = text(response)
    assert "changed by someone else" in html.lower()
    assert 'value="Second"' in html, "the user's input is kept"
    assert ">First" in html, "what is saved now is shown"
    db.session.expire_all()
    assert db.session.get(Child, child.id).guardian_name == "First"
    # The form now carries the current version: submitting again is a deliberate overwrite.
    assert form_version(html) == str(db.session.get(Child, child.id).version)


def test_lawyer_reads_their_client_but_gets_403_on_every_edit_page(make, client_for, clerk):
    lawyer = make.user(Role.LAWYER)
    mine = make.case(court=clerk.court, lawyers=[lawyer])
    other = make.case(court=clerk.court)
    client = client_for(lawyer)
    assert client.get(f"/children/{mine.child_id}").status_code == 200
    assert client.get(f"/children/{other.child_id}").status_code == 403
    for url in ("/children/new", f"/children/{mine.child_id}/edit", f"/children/{mine.child_id}/cases/new"):
        assert client.get(url).status_code == 403, url
    before = count(Child)
    assert post(client, "/children/new", CHILD_FORM).status_code == 403
    assert count(Child) == before


def test_clerk_cannot_see_a_child_of_another_court(make, client_for, clerk):
    stranger = make.case(court=make.court("GB-EAW"))
    client = client_for(clerk)
    assert client.get(f"/children/{stranger.child_id}").status_code == 403
    assert client.get(f"/children/{stranger.child_id}/edit").status_code == 403
    assert client.get("/children/999999").status_code == 404


def test_find_a_child_by_name_is_a_post_and_respects_access(make, client_for, clerk):
    mine = make.case(court=clerk.court, child=make.child(court=clerk.court, given_name="Zeynep", family_name="Kaya"))
    make.case(court=make.court("GB-EAW"), child=make.child(given_name="Zeynep", family_name="Other"))
    client = client_for(clerk)
    assert client.get("/cases?q=Zeynep").status_code == 200
    assert "Kaya" not in text(client.get("/cases?q=Zeynep")), "GET search never matches names"

    response = post(client, "/children/find", {"name": "zeynep kay"})
    assert response.status_code == 200
    html = text(response)
    assert "Zeynep Kaya" in html and f"/cases/{mine.id}" in html
    assert "Other" not in html, "a child of another court stays hidden"
    entry = audits("child_search")[-1]
    assert entry.detail == "results=1" and entry.actor_id == clerk.id

    # LIKE wildcards are taken literally.
    assert "Zeynep Kaya" not in text(post(client, "/children/find", {"name": "%%"}))
    assert post(client, "/children/find", {"name": ""}).status_code == 422
