"""Administrators keep the indicators' reference data: child populations, policy facts, the facility register."""

from __future__ import annotations

from sqlalchemy import select

from justice_tracker.db import db
from justice_tracker.org import services as org_services
from justice_tracker.org.models import Facility, FacilityInspection
from justice_tracker.oversight.models import ChildPopulation, PolicyFact, StoredPlacement
from tests.conftest import csrf_token
from tests.oversight.test_pages import audit_rows


def _post(client, path: str, data: dict, page: str | None = None):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page or path)})


def test_a_population_is_added_then_replaced_for_the_same_area_and_year(world, client_for):
    client = client_for(world.admin)
    form = {"jurisdiction_code": "BR", "area": " Centro ", "year": "2026", "population": "12000", "age_from": "0"}
    form |= {"age_to": "17", "source": "IBGE estimate"}
    assert _post(client, "/admin/populations", form).status_code == 302
    assert _post(client, "/admin/populations", form | {"population": "13000"}).status_code == 302
    db.session.expire_all()
    rows = db.session.scalars(select(ChildPopulation).where(ChildPopulation.area == "Centro")).all()
    assert [(r.jurisdiction_code, r.year, r.population) for r in rows] == [("BR", 2026, 13000)]
    assert [a.action for a in audit_rows("child_population_created")] == ["child_population_created"]
    page = client.get("/admin/populations").get_data(as_text=True)
    assert "13000" in page and "IBGE estimate" in page
    response = _post(client, f"/admin/populations/{rows[0].id}/delete", {}, page="/admin/populations")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ChildPopulation, rows[0].id) is None


def test_a_bad_population_names_its_field_and_stores_nothing(world, client_for):
    client = client_for(world.admin)
    form = {"jurisdiction_code": "BR", "year": "1800", "population": "0", "age_from": "0", "age_to": "17"}
    response = _post(client, "/admin/populations", form)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Number must be between 1950 and 2200" in html
    db.session.expire_all()
    assert db.session.scalar(select(ChildPopulation).where(ChildPopulation.year == 1800)) is None


def test_policy_facts_are_recorded_per_jurisdiction_and_shown_to_oversight(world, client_for):
    client = client_for(world.admin)
    form = {"jurisdiction_code": "BR", "indicator": "15", "answer": "partial", "recorded_on": "2026-05-01"}
    assert _post(client, "/admin/policy", form | {"note": "Plan drafted, not adopted"}).status_code == 302
    db.session.expire_all()
    fact = db.session.scalar(select(PolicyFact).where(PolicyFact.jurisdiction_code == "BR"))
    assert (fact.indicator, fact.answer, fact.note) == (15, "partial", "Plan drafted, not adopted")
    body = client_for(world.oversight).get("/api/v1/oversight/tables/policy").get_json()
    row = next(r for r in body["table"]["rows"] if r["id"] == "jurisdiction:BR")
    assert row["values"]["i15"] == "Partly (2026-05-01): Plan drafted, not adopted"


def test_inspections_are_dated_and_feed_indicator_12(world, client_for):
    client = client_for(world.admin)
    cells = world.facilities.cells
    path = f"/admin/facilities/{cells.id}/inspections"
    form = {"inspected_on": "2026-03-01", "inspector": "National preventive mechanism", "independent": "y"}
    assert _post(client, path, form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Facility, cells.id).inspections[0].inspector == "National preventive mechanism"
    body = client_for(world.oversight).get("/api/v1/oversight/indicators", query_string={"jurisdiction": "GB-EAW"})
    row = next(r for r in body.get_json()["tables"]["indicators"]["rows"] if r["id"] == "indicator:12")
    assert (row["values"]["count"], row["values"]["base"], row["values"]["value"]) == (2, 2, 100.0)
    inspection = db.session.scalar(select(FacilityInspection).where(FacilityInspection.facility_id == cells.id))
    assert _post(client, f"/admin/inspections/{inspection.id}/delete", {}, page=path).status_code == 302
    future = _post(client, path, form | {"inspected_on": "2099-01-01"})
    assert "The day is in the future" in future.get_data(as_text=True)


def test_the_facility_form_keeps_the_register_fields(world, client_for):
    client = client_for(world.admin)
    home = world.facilities.home
    form = {"name": home.name, "jurisdiction_code": "GB-EAW", "kind": "remand_home", "separated_from_adults": "y"}
    form |= {"capacity": "30", "complaints_mechanism": "no", "area": "North", "active": "y"}
    assert _post(client, f"/admin/facilities/{home.id}", form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Facility, home.id)
    assert (saved.kind, saved.capacity, saved.complaints_mechanism, saved.area) == ("remand_home", 30, False, "North")
    listing = client.get("/admin/facilities").get_data(as_text=True)
    assert f"/admin/facilities/{home.id}/inspections" in listing


def test_renaming_a_facility_keeps_the_stored_placements_matched(world):
    cells = world.facilities.cells

    def linked() -> set[int | None]:
        db.session.expire_all()
        names = select(StoredPlacement.facility_id).where(StoredPlacement.facility_name == "Cells B (test)")
        return set(db.session.scalars(names))

    assert linked() == {cells.id}
    org_services.save(world.admin, Facility, cells, {"name": "Renamed cells"})
    assert linked() == {None}
    other = org_services.save(
        world.admin, Facility, None, {"name": "cells b (TEST)", "jurisdiction_code": "GB-EAW", "kind": "other"}
    )
    assert linked() == {other.id}
