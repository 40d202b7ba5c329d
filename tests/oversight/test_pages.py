"""The oversight pages, files and API: who may see them, what they show, what they never show, and the audit."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import Role
from justice_tracker.db import db
from justice_tracker.org.models import Facility
from justice_tracker.oversight.layout import Names
from justice_tracker.oversight.report import collect
from justice_tracker.oversight.suppression import HIDDEN, is_small
from justice_tracker.oversight.tables import problem_of, protect_tables
from tests.documents.conftest import pdf_text
from tests.oversight.conftest import DELEGACIA, SCOPE, SECRET_NAME, at
from tests.oversight.test_suppression import derivable, pinned_by_one_equation

PERIOD = {"from": "2026-01-01", "to": "2026-05-31", "as_of": "2026-06-01"}
PAGES = ["/oversight/", "/oversight/indicators", "/oversight/jdai"]


def audit_rows(action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def identities(world) -> list[str]:
    """What must never leave in an aggregate: names, birth dates (and pseudonyms, outside the list)."""
    children = [case.child for case in vars(world.cases).values()]
    return [SECRET_NAME] + [c.family_name for c in children] + [c.date_of_birth.isoformat() for c in children]


@pytest.mark.parametrize("path", PAGES)
def test_oversight_and_administrators_see_the_pages_and_each_view_is_audited(world, client_for, path):
    for user in (world.oversight, world.admin):
        before = len(audit_rows("oversight_viewed"))
        response = client_for(user).get(path, query_string=PERIOD)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "&lt;5" in html
        for secret in identities(world):
            assert secret not in html
        rows = audit_rows("oversight_viewed")
        assert len(rows) == before + 1
        assert rows[-1].actor_id == user.id and rows[-1].object_type == "aggregate"
        assert rows[-1].detail.startswith(
            f"view={path.strip('/').split('/')[-1] or 'dashboard'}".replace("oversight", "dashboard")
        )
        assert "from=2026-01-01" in rows[-1].detail and SECRET_NAME not in rows[-1].detail


@pytest.mark.parametrize("role", [Role.CLERK, Role.LAWYER, Role.COORDINATOR])
def test_other_roles_are_refused_everything(world, make, client_for, api_for, role):
    user = make.user(role, court=world.courts.a) if role == Role.CLERK else make.user(role)
    client = client_for(user)
    for path in [*PAGES, "/oversight/tables/held_by_kind.csv", "/oversight/export.xlsx", "/oversight/report.pdf"]:
        assert client.get(path).status_code == 403, path
    assert api_for(user).get("/api/v1/oversight/dashboard").status_code == 403
    assert client.get("/admin/populations").status_code == 403


def test_the_dashboard_shows_small_counts_hidden_and_no_child_of_a_small_jurisdiction(world, client_for):
    html = client_for(world.oversight).get("/oversight/", query_string=PERIOD).get_data(as_text=True)
    assert "Not listed: too few children" in html
    for case in vars(world.cases).values():
        assert case.child.pseudonym not in html
    assert "<svg" in html and "<script" not in html and "style=" not in html


def test_a_jurisdiction_with_enough_children_held_is_listed_by_pseudonym(world, make, client_for, api_for, app):
    # Five more children held in Brazil like C4: at the Delegacia, never presented, no hearing.
    extra = [
        make.case(
            court=world.courts.c, reference=f"C{n}", events=[("apprehended", at(5, 30, n), {"facility": DELEGACIA})]
        )
        for n in range(8, 13)
    ]
    app.config["SMALL_CELL_THRESHOLD"] = 3
    try:
        query = PERIOD | {"jurisdiction": "BR"}
        body = api_for(world.oversight).get("/api/v1/oversight/dashboard", query_string=query).get_json()
        html = client_for(world.oversight).get("/oversight/", query_string=query).get_data(as_text=True)
    finally:
        app.config["SMALL_CELL_THRESHOLD"] = 5
    held = body["tables"]["held_by_court"]
    assert [(row["id"], row["values"]["held"]) for row in held["rows"] if row["level"] == 0] == [("jurisdiction:BR", 6)]
    (listing,) = body["custody_lists"]
    assert listing["jurisdiction"] == "BR" and listing["listed"]
    assert {child["pseudonym"] for child in listing["children"]} == {
        case.child.pseudonym for case in [world.cases.c4, *extra]
    }
    assert all(set(child) == {"pseudonym", "days"} for child in listing["children"])
    # Whole days since their custody began: C4 on 05-20 10:00 (12), the others on 05-30 (2).
    assert sorted(child["days"] for child in listing["children"]) == [2, 2, 2, 2, 2, 12]
    assert world.cases.c4.child.pseudonym in html and SECRET_NAME not in html
    assert f"{world.cases.c4.child.pseudonym}</span> — 12 days" in html
    assert f"{extra[0].child.pseudonym}</span> — 2 days" in html


def test_every_listed_jurisdiction_has_its_count_published(world, api_for):
    body = api_for(world.oversight).get("/api/v1/oversight/dashboard", query_string=PERIOD).get_json()
    counts = {row["id"]: row["values"]["held"] for row in body["tables"]["held_by_court"]["rows"]}
    for listing in body["custody_lists"]:
        count = counts[f"jurisdiction:{listing['jurisdiction']}"]
        assert listing["listed"] == (count is not None)
        assert len(listing["children"]) == (count or 0)


def test_the_api_hides_small_values_and_says_why(world, api_for):
    body = api_for(world.oversight).get("/api/v1/oversight/dashboard", query_string=PERIOD).get_json()
    assert body["threshold"] == 5
    total = body["tables"]["held_by_kind"]["total"]
    assert total["values"]["held"] is None and total["suppressed"]["held"] == "small"
    assert body["scope"]["from"].startswith("2026-01-01") and body["scope"]["to"].startswith("2026-06-01")
    text = str(body)
    for secret in identities(world):
        assert secret not in text


def test_the_indicator_and_jdai_endpoints_and_one_table(world, api_for):
    api = api_for(world.admin)
    indicators = api.get("/api/v1/oversight/indicators", query_string=PERIOD | {"jurisdiction": "GB-EAW"}).get_json()
    assert [d["number"] for d in indicators["definitions"]] == list(range(1, 16))
    assert indicators["scope"]["jurisdiction"] == "GB-EAW"
    jdai = api.get("/api/v1/oversight/jdai", query_string=PERIOD).get_json()
    assert "jdai_sex" in jdai["tables"] and "referrals_area" in jdai["tables"]
    one = api.get("/api/v1/oversight/tables/trends", query_string=PERIOD).get_json()
    assert [row["label"] for row in one["table"]["rows"]][:2] == ["2026-01", "2026-02"]
    assert api.get("/api/v1/oversight/tables/nothing").status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": "2099-01-01T00:00:00Z"}, "as_of"),
        ({"from": "2026-05-01", "to": "2026-04-01"}, "from"),
        ({"jurisdiction": "XX' OR 1=1--"}, "jurisdiction"),
        ({"court": "1; DROP TABLE cases"}, "court"),
        ({"facility": "99999"}, "facility"),
        ({"from": "1990-01-01"}, "from"),
    ],
)
def test_bad_parameters_are_answered_400_naming_them(world, api_for, query, field):
    response = api_for(world.oversight).get("/api/v1/oversight/dashboard", query_string=query)
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_bad_parameters_on_a_page_are_said_and_ignored(world, client_for):
    response = client_for(world.oversight).get("/oversight/", query_string={"as_of": "nonsense", "court": "x"})
    assert response.status_code == 200
    assert "The default was used instead" in response.get_data(as_text=True)


def test_every_table_exports_as_csv_and_excel(world, client_for):
    client = client_for(world.oversight)
    response = client.get("/oversight/tables/held_by_court.csv", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:2] == ["Court", "Children held"]
    assert rows[-1][0] == "All courts" and rows[-1][1] == "<5"
    response = client.get("/oversight/export.xlsx", query_string=PERIOD)
    workbook = load_workbook(io.BytesIO(response.data))
    assert "held_by_kind" in workbook.sheetnames and "indicators" in workbook.sheetnames
    assert workbook.properties.creator == "Justice Tracker"
    cells = [c.value for row in workbook["held_by_kind"].iter_rows() for c in row]
    assert "<5" in cells
    exports = audit_rows("oversight_viewed")[-2:]
    assert [e.detail.split()[1] for e in exports] == ["via=export", "via=export"]


def test_names_that_look_like_formulas_stay_text_in_every_file(world, client_for):
    facility = world.facilities.home
    facility.name = '=HYPERLINK("http://example.invalid","x")'
    db.session.commit()
    client = client_for(world.admin)
    text = client.get("/oversight/tables/facility_register.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    workbook = load_workbook(io.BytesIO(client.get("/oversight/tables/facility_register.xlsx").data))
    sheet = workbook["facility_register"]
    found = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert found and all(c.data_type == "s" for c in found)


def test_the_pdf_report_has_the_charts_the_indicators_and_their_definitions(world, client_for):
    before = len(audit_rows("oversight_report_rendered"))
    response = client_for(world.oversight).get("/oversight/report.pdf", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith('oversight-all-20260101-20260601.pdf"')
    text = pdf_text(response.data)
    assert "Detention audit and juvenile justice indicators" in text
    assert "Children in pre-sentence detention" in text and "per 100,000 child population" in text
    assert "<5" in text
    for secret in identities(world):
        assert secret not in text
    for case in vars(world.cases).values():
        assert case.child.pseudonym not in text
    assert len(audit_rows("oversight_report_rendered")) == before + 1


def test_no_hidden_value_of_a_whole_report_can_be_worked_out(world):
    """Every table of a real report, protected together: the attacks of test_suppression find nothing."""
    tables, computed = collect(SCOPE, Names.load())
    problem = problem_of(tables, 5, equations=computed.equations, unpublished=computed.unpublished)
    marks = protect_tables(tables, 5, equations=computed.equations, unpublished=computed.unpublished)
    small = [k for k, v in problem.values.items() if is_small(v, 5)]
    assert small and all(marks[k] in HIDDEN for k in small)
    harmless = {k for k in problem.unpublished if not is_small(problem.values[k], 5)}
    assert [k for k in derivable(problem, marks) if k not in harmless] == []
    assert pinned_by_one_equation(problem, marks) == []


def test_a_deactivated_facility_leaves_the_register_table(world, client_for):
    world.facilities.cells.active = False
    db.session.commit()
    body = client_for(world.oversight).get("/api/v1/oversight/tables/facility_register").get_json()
    assert "Cells B (test)" not in [row["label"] for row in body["table"]["rows"]]
    assert db.session.scalar(select(func.count()).select_from(Facility)) == 3


def test_the_oversight_endpoints_are_in_openapi(world, api_for):
    document = api_for(world.admin).get("/api/v1/openapi.json").get_json()
    dashboard = document["paths"]["/api/v1/oversight/dashboard"]["get"]
    assert {p["name"] for p in dashboard["parameters"]} == {"as_of", "from", "to", "jurisdiction", "court", "facility"}
    assert dashboard["x-roles"] == ["admin", "oversight"]
    ok = dashboard["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/OversightDashboard"}
    table = document["components"]["schemas"]["OversightTable"]
    assert table["properties"]["rows"]["items"]["properties"]["suppressed"]["additionalProperties"]["enum"] == [
        "small",
        "hidden",
    ]
