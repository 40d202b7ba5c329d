"""Programme forms: administrators add and edit every field, coordinators what describes their programme.

Both are checked by the registry import's rules (`registry_io.check_programme`), show each error
next to its field, keep what was typed, refuse a stale form with 409 and audit field names only.
"""

from __future__ import annotations

import html as html_module
import re

import pytest

from justice_tracker.auth.models import Role
from justice_tracker.db import db
from justice_tracker.errors import Forbidden
from justice_tracker.org.models import Jurisdiction
from justice_tracker.programmes import registry_io, services
from justice_tracker.programmes.models import Programme
from tests.cases.test_pages_support import audits, count, form_version, post, text

FULL = {
    "code": "GB-NEW-1",
    "name": "Riverside mentoring",
    "provider": "Riverside Trust",
    "type": "mentoring",
    "stages": ["pre_charge_diversion", "aftercare"],
    "jurisdiction": "GB-EAW",
    "contact": "01632 960000",
    "description": "Weekly sessions with a trained mentor.",
    "languages": "en, cy",
    "areas": "Northbridge\nSouthbridge",
    "cost": "contribution",
    "min_age": "12",
    "max_age": "17",
    "offence_classes": "summary, either_way",
    "excluded_offence_classes": "indictable",
    "max_penalty_years": "7.5",
    "requires_acknowledgement": "y",
    "requires_child_consent": "y",
    "requires_parent_consent": "y",
    "exclusions": "current violence\nactive gang membership",
    "places": "10",
    "enrolled": "3",
    "waiting_list": "2",
    "wait_days": "14",
    "active": "y",
}


def _fresh(programme_id: int) -> Programme:
    db.session.expire_all()
    return db.session.get(Programme, programme_id)


def _error(html: str, field: str) -> str:
    """The error shown next to a field (its `<p class="error" id="…-error">`)."""
    found = re.search(rf'<p class="error" id="{field}-error">([^<]*)</p>', html)
    assert found, f"no error next to {field}"
    return html_module.unescape(found.group(1))


def _edit(client, programme: Programme, data: dict, version: str | None = None):
    url = f"/programmes/{programme.id}/edit"
    version = version if version is not None else form_version(text(client.get(url)))
    return post(client, url, data | {"version": version})


@pytest.fixture()
def admin(make):
    return make.admin()


@pytest.fixture()
def admin_client(admin, client_for):
    return client_for(admin)


@pytest.fixture()
def coordinated(make, registry, client_for):
    programme = registry.programme(places=5, enrolled=2, contact="old contact", min_age=10, max_age=17)
    coordinator = make.user(Role.COORDINATOR)
    registry.link(programme, coordinator)
    return programme, coordinator, client_for(coordinator)


# -- administrators -------------------------------------------------------------------------------------------


def test_an_administrator_adds_a_programme_with_every_field(admin_client):
    page = text(admin_client.get("/programmes"))
    assert 'href="/programmes/new"' in page
    form = text(admin_client.get("/programmes/new"))
    assert 'name="code"' in form and 'name="requires_acknowledgement"' in form

    response = post(admin_client, "/programmes/new", FULL)
    assert response.status_code == 302, text(response)
    programme = db.session.query(Programme).filter_by(code="GB-NEW-1").one()
    assert response.headers["Location"].endswith(f"/programmes/{programme.id}")
    assert (programme.name, programme.provider, programme.type) == (
        "Riverside mentoring",
        "Riverside Trust",
        "mentoring",
    )
    assert programme.stages == ["pre_charge_diversion", "aftercare"] and programme.jurisdiction_code == "GB-EAW"
    assert (programme.contact, programme.description) == ("01632 960000", "Weekly sessions with a trained mentor.")
    assert (programme.languages, programme.areas, programme.cost) == (
        ["en", "cy"],
        ["Northbridge", "Southbridge"],
        "contribution",
    )
    assert (programme.min_age, programme.max_age, programme.max_penalty_years) == (12, 17, 7.5)
    assert (programme.offence_classes, programme.excluded_offence_classes) == (
        ["summary", "either_way"],
        ["indictable"],
    )
    assert programme.requires_acknowledgement and programme.requires_child_consent and programme.requires_parent_consent
    assert programme.exclusions == ["current violence", "active gang membership"]
    assert (programme.places, programme.enrolled, programme.waiting_list, programme.wait_days) == (10, 3, 2, 14)
    assert programme.active

    entry = audits("programme_created", programme.id)[-1]
    assert entry.detail.startswith("fields=") and "Riverside" not in entry.detail and "GB-NEW-1" not in entry.detail


def test_blank_optional_fields_take_the_imports_defaults(admin_client):
    required = {key: FULL[key] for key in ("code", "name", "provider", "type", "stages", "jurisdiction", "places")}
    assert post(admin_client, "/programmes/new", required | {"cost": "free"}).status_code == 302
    programme = db.session.query(Programme).filter_by(code="GB-NEW-1").one()
    assert (programme.enrolled, programme.waiting_list, programme.min_age, programme.contact) == (0, 0, None, None)
    assert (programme.areas, programme.exclusions, programme.active) == ([], [], False)  # an unticked box is "no"


def test_errors_show_next_to_their_fields_and_the_form_keeps_what_was_typed(admin_client, registry):
    registry.programme(code="TAKEN-1")
    bad = FULL | {
        "code": "TAKEN-1",
        "name": " ",
        "min_age": "15",
        "max_age": "12",
        "stages": [],
        "places": "-1",
        "max_penalty_years": "lots",
        "areas": "Northbridge\n" + "x" * 101,
        "description": "Kept <as typed>",
    }
    response = post(admin_client, "/programmes/new", bad)
    html = text(response)
    # First what cannot be read as a number…
    assert response.status_code == 422 and count(Programme) == 1
    assert "Nothing was saved" in html
    assert _error(html, "max_penalty_years") == "Not a valid float value."
    assert 'value="Riverside Trust"' in html and "Kept &lt;as typed&gt;" in html and 'value="15"' in html

    # …then the registry's rules, each next to its field, with what was typed kept.
    response = post(admin_client, "/programmes/new", bad | {"max_penalty_years": "7"})
    html = text(response)
    assert response.status_code == 422 and count(Programme) == 1
    assert _error(html, "code") == "is already the code of another programme; choose another."
    assert _error(html, "name") == "Must not be blank."
    assert _error(html, "stages") == "Length must be between 1 and 4."
    assert _error(html, "places") == "Must be greater than or equal to 0 and less than or equal to 100000."
    assert _error(html, "areas") == "item 2: Must be at most 100 characters (got 101)."
    assert 'value="Riverside Trust"' in html and "Kept &lt;as typed&gt;" in html and 'value="7"' in html
    rejected = audits("programme_create_rejected")[-1]
    assert rejected.outcome == "failure" and rejected.detail == "fields=areas,code,name,places,stages"

    fixed = bad | {"max_penalty_years": "7", "code": "NEW-2", "name": "Named", "stages": ["aftercare"], "places": "4"}
    response = post(admin_client, "/programmes/new", fixed | {"areas": "Northbridge"})
    assert response.status_code == 422 and _error(text(response), "max_age") == "Must not be below min_age."
    assert post(admin_client, "/programmes/new", fixed | {"areas": "", "max_age": "17"}).status_code == 302
    assert count(Programme) == 2


IMPORT_COLUMNS = (*registry_io.REQUIRED_COLUMNS, "enrolled", "min_age", "max_age")


def _import_errors(admin, values: dict) -> dict[str, str]:
    row = FULL | {"stages": "aftercare"} | values
    text_ = ",".join(IMPORT_COLUMNS) + "\n" + ",".join(row[key] for key in IMPORT_COLUMNS) + "\n"
    with pytest.raises(registry_io.RegistryImportFailed) as failed:
        registry_io.import_registry(admin, registry_io.read_csv(text_))
    return {e.field: e.message for e in failed.value.rows}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"type": "juggling"}, "type"),
        ({"min_age": "9", "max_age": "8"}, "max_age"),
        ({"jurisdiction": "ZZ"}, "jurisdiction"),
        ({"places": "2", "enrolled": "3"}, "enrolled"),
        ({"places": "100001"}, "places"),
        ({"code": "no spaces"}, "code"),
    ],
)
def test_the_form_and_the_import_apply_the_same_rules(admin, admin_client, values, field):
    """One set of rules: what the import says of a value is what the form says of it."""
    imported = _import_errors(admin, values)
    response = post(admin_client, "/programmes/new", FULL | {"stages": ["aftercare"]} | values)
    assert response.status_code == 422 and count(Programme) == 0
    assert _error(text(response), field) == imported[field]


def test_an_administrator_edits_every_field_but_the_code(admin_client, registry):
    programme = registry.programme(enrolled=1)
    form = text(admin_client.get(f"/programmes/{programme.id}/edit"))
    assert 'name="code"' not in form and programme.code in form and 'name="min_age"' in form
    response = _edit(admin_client, programme, {key: value for key, value in FULL.items() if key != "code"})
    assert response.status_code == 302, text(response)
    saved = _fresh(programme.id)
    assert saved.code == programme.code and saved.name == "Riverside mentoring"
    assert (saved.min_age, saved.exclusions, saved.places, saved.enrolled) == (
        12,
        FULL["exclusions"].split("\n"),
        10,
        3,
    )
    assert saved.requires_parent_consent and saved.max_penalty_years == 7.5 and saved.version == 2
    detail = audits("programme_updated", programme.id)[-1].detail
    assert detail.startswith("fields=") and "min_age" in detail and "name" in detail and "Riverside" not in detail

    # clearing optional values, and a blank count keeps the stored count
    blanked = ("min_age", "contact", "exclusions", "enrolled", "requires_parent_consent")
    cleared = {key: value for key, value in FULL.items() if key != "code"} | dict.fromkeys(blanked, "")
    assert _edit(admin_client, programme, cleared).status_code == 302
    saved = _fresh(programme.id)
    assert (saved.min_age, saved.contact, saved.exclusions, saved.enrolled) == (None, None, [], 3)
    assert not saved.requires_parent_consent
    # a code sent anyway is not a field of the edit form: it is ignored
    assert _edit(admin_client, programme, cleared | {"code": "OTHER"}).status_code == 302
    assert _fresh(programme.id).code == programme.code


def test_a_stale_form_is_409_and_changes_nothing(admin_client, registry):
    programme = registry.programme(name="Before")
    stale = form_version(text(admin_client.get(f"/programmes/{programme.id}/edit")))
    data = {key: value for key, value in FULL.items() if key != "code"}
    assert _edit(admin_client, programme, data | {"name": "First"}, stale).status_code == 302
    response = _edit(admin_client, programme, data | {"name": "Second"}, stale)
    assert response.status_code == 409 and "changed by someone else" in text(response)
    assert _fresh(programme.id).name == "First"
    assert 'value="Second"' in text(response)  # what was typed is kept, with the current version
    assert form_version(text(response)) == str(_fresh(programme.id).version)
    assert audits("programme_update_rejected", programme.id)[-1].detail == "fields=version"


def test_a_deactivated_jurisdiction_can_be_kept_but_not_chosen(admin_client, registry):
    programme = registry.programme(jurisdiction_code="KE")
    db.session.get(Jurisdiction, "KE").active = False
    db.session.commit()
    data = {key: value for key, value in FULL.items() if key != "code"}
    assert _edit(admin_client, programme, data | {"jurisdiction": "KE", "name": "Kept"}).status_code == 302
    assert _fresh(programme.id).name == "Kept"
    response = post(admin_client, "/programmes/new", FULL | {"jurisdiction": "KE"})
    assert response.status_code == 422 and _error(text(response), "jurisdiction") == "unknown jurisdiction 'KE'"


# -- coordinators ---------------------------------------------------------------------------------------------


def test_a_coordinator_edits_what_describes_their_programme(coordinated):
    programme, _coordinator, client = coordinated
    page = text(client.get(f"/programmes/{programme.id}"))
    assert f'href="/programmes/{programme.id}/edit"' in page
    form = text(client.get(f"/programmes/{programme.id}/edit"))
    assert all(f'name="{name}"' in form for name in services.COORDINATOR_FIELDS)
    assert not any(f'name="{name}"' in form for name in set(services.ADMIN_FIELDS) - set(services.COORDINATOR_FIELDS))
    assert "kept by the administrators" in form

    data = {
        "contact": "new contact",
        "description": "Now on Saturdays too.",
        "languages": "en, pl",
        "areas": "Northbridge",
        "cost": "free",
        "places": "8",
        "enrolled": "2",
        "waiting_list": "4",
        "wait_days": "",
        "active": "y",
        # eligibility is not on the coordinator's form: sent anyway, it is ignored
        "min_age": "3",
        "name": "Renamed",
    }
    assert _edit(client, programme, data).status_code == 302
    saved = _fresh(programme.id)
    assert (saved.contact, saved.description, saved.languages, saved.areas) == (
        "new contact",
        "Now on Saturdays too.",
        ["en", "pl"],
        ["Northbridge"],
    )
    assert (saved.places, saved.waiting_list, saved.min_age, saved.name) == (8, 4, 10, programme.name)
    detail = audits("programme_updated", programme.id)[-1].detail
    assert detail == "fields=areas,contact,description,languages,places,waiting_list"

    response = _edit(client, programme, data | {"places": "1"})
    assert response.status_code == 422 and _error(text(response), "enrolled") == "Cannot be more than the places (1)."


def test_eligibility_is_the_administrators(coordinated):
    programme, coordinator, _client = coordinated
    with pytest.raises(Forbidden):
        services.update_programme(coordinator, programme, {"min_age": 3}, expected_version=None)
    with pytest.raises(Forbidden):
        services.create_programme(coordinator, {"code": "X"})
    db.session.rollback()
    assert _fresh(programme.id).min_age == 10


def test_a_coordinator_gets_403_on_other_programmes_and_on_adding_one(coordinated, registry):
    _programme, _coordinator, client = coordinated
    other = registry.programme(contact="theirs")
    assert client.get(f"/programmes/{other.id}/edit").status_code == 403
    response = post(client, f"/programmes/{other.id}/edit", {"contact": "mine now", "version": str(other.version)})
    assert response.status_code == 403 and _fresh(other.id).contact == "theirs"
    assert f'href="/programmes/{other.id}/edit"' not in text(client.get(f"/programmes/{other.id}"))
    assert client.get("/programmes/new").status_code == 403
    assert post(client, "/programmes/new", FULL).status_code == 403


@pytest.mark.parametrize("role", [Role.CLERK, Role.LAWYER, Role.OVERSIGHT])
def test_other_roles_cannot_add_or_edit(make, registry, client_for, role):
    programme = registry.programme()
    client = client_for(make.user(role))
    assert client.get(f"/programmes/{programme.id}/edit").status_code == 403
    assert client.get("/programmes/new").status_code == 403
    assert 'href="/programmes/new"' not in text(client.get("/programmes"))
