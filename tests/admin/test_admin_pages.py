"""Administrators manage users, roles, courts, facilities, jurisdictions and API tokens."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import func, select

from justice_tracker.auth.models import ApiToken, Role, User
from justice_tracker.db import db
from justice_tracker.org.models import Court, Facility, Jurisdiction
from tests.conftest import csrf_token


def _post(client, path: str, data: dict):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


def test_admin_creates_a_clerk_of_a_court(make, client_for):
    court = make.court("BR")
    client = client_for(make.user(Role.ADMIN))
    response = _post(
        client,
        "/admin/users/new",
        {
            "email": "New.Clerk@Example.test",
            "display_name": "New Clerk",
            "role": "clerk",
            "court_id": str(court.id),
            "password": "a fine long passphrase",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    user = db.session.scalar(select(User).where(User.email == "new.clerk@example.test"))
    assert user is not None and user.role == "clerk" and user.court_id == court.id
    assert user.password_hash.startswith("$argon2id$")


def test_bad_user_form_keeps_input_and_names_the_field(make, client_for):
    client = client_for(make.user(Role.ADMIN))
    count = db.session.scalar(select(func.count()).select_from(User))
    response = _post(
        client,
        "/admin/users/new",
        {
            "email": "kept@example.test",
            "display_name": "Kept Name",
            "role": "clerk",
            "court_id": "0",
            "password": "short",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="kept@example.test"' in html and 'value="Kept Name"' in html
    assert "A clerk belongs to a court" in html and "at least 12 characters" in html
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(User)) == count


def test_admin_disables_a_user_and_changes_a_role(make, client_for):
    target = make.user(Role.LAWYER)
    client = client_for(make.user(Role.ADMIN))
    response = _post(
        client, f"/admin/users/{target.id}", {"display_name": "Renamed", "role": "oversight", "court_id": "0"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    changed = db.session.get(User, target.id)
    assert (changed.display_name, changed.role, changed.active) == ("Renamed", "oversight", False)


def test_admin_manages_courts_facilities_and_jurisdictions(make, client_for):
    client = client_for(make.user(Role.ADMIN))
    assert (
        _post(
            client,
            "/admin/jurisdictions/new",
            {"code": "XX-TE", "name": "Testland", "time_zone": "Africa/Accra", "active": "y"},
        ).status_code
        == 302
    )
    assert (
        _post(
            client,
            "/admin/courts/new",
            {"name": "Testland Youth Court", "jurisdiction_code": "XX-TE", "time_zone": "", "active": "y"},
        ).status_code
        == 302
    )
    assert (
        _post(
            client,
            "/admin/facilities/new",
            {
                "name": "Testland Remand Home",
                "jurisdiction_code": "XX-TE",
                "kind": "remand_home",
                "capacity": "12",
                "active": "y",
            },
        ).status_code
        == 302
    )
    db.session.expire_all()
    court = db.session.scalar(select(Court).where(Court.name == "Testland Youth Court"))
    assert court.effective_time_zone == "Africa/Accra"
    facility = db.session.scalar(select(Facility).where(Facility.name == "Testland Remand Home"))
    assert facility.separated_from_adults is False and facility.capacity == 12
    assert db.session.get(Jurisdiction, "XX-TE").name == "Testland"
    listing = client.get("/admin/courts").get_data(as_text=True)
    assert "Testland Youth Court" in listing


def test_unknown_time_zone_is_refused(make, client_for):
    client = client_for(make.user(Role.ADMIN))
    response = _post(client, "/admin/jurisdictions/new", {"code": "YY", "name": "Nowhere", "time_zone": "Mars/Base"})
    assert response.status_code == 200 and "Unknown time zone" in response.get_data(as_text=True)
    assert db.session.get(Jurisdiction, "YY") is None


def test_api_token_is_shown_once_and_stored_hashed(make, client_for):
    target = make.user(Role.CLERK)
    client = client_for(make.user(Role.ADMIN))
    response = _post(client, f"/admin/users/{target.id}/tokens", {"name": "court system"})
    secret = re.search(r"(jt_[0-9a-f]{8}_[\w-]+)", response.get_data(as_text=True)).group(1)
    db.session.expire_all()
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == target.id))
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get(f"/admin/users/{target.id}").get_data(as_text=True)
    api = client.application.test_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    _post(client, f"/admin/tokens/{row.id}/revoke", {})
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_non_admins_get_403_on_admin_pages(make, client_for):
    for role in (Role.CLERK, Role.LAWYER, Role.OVERSIGHT, Role.COORDINATOR):
        assert client_for(make.user(role)).get("/admin/users").status_code == 403
