"""Deadline endpoints: GET /cases/<id>/deadlines (live), GET /deadlines (stored, status in SQL), POST /cases."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import Role
from justice_tracker.cases.cli import cases_cli
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.org.models import Jurisdiction
from tests.api.helpers import example
from tests.conftest import REAL_NOW

PRESENTATION = "br-eca-175-presentation-24h"  # ECA art. 175 §1: before the Ministério Público within 24 h
URGENCY = ["breached", "at_risk", "advisory_unmet", "pending", "met_late", "met", "not_applicable"]


def _audit(action: str, object_id: object = None) -> list[AuditEntry]:
    db.session.expire_all()
    stmt = select(AuditEntry).where(AuditEntry.action == action)
    if object_id is not None:
        stmt = stmt.where(AuditEntry.object_id == str(object_id))
    return list(db.session.scalars(stmt.order_by(AuditEntry.id)))


def _apprehended(make, court, hours_ago: float, **kwargs: Any) -> Case:
    return make.case(court=court, events=[("apprehended", REAL_NOW - timedelta(hours=hours_ago), {})], **kwargs)


def _rule(items: list[dict[str, Any]], rule_id: str, case_id: int | None = None) -> dict[str, Any]:
    found = [d for d in items if d["rule_id"] == rule_id and (case_id is None or d["case"]["id"] == case_id)]
    assert len(found) == 1, [d["rule_id"] for d in items]
    return found[0]


def _board(api, **query: Any) -> dict[str, Any]:
    response = api.get("/api/v1/deadlines", query_string={"per_page": 100, **query})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _live(api, case_id: int, **query: Any) -> dict[str, Any]:
    response = api.get(f"/api/v1/cases/{case_id}/deadlines", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture()
def br(make):
    court = make.court("BR")
    return {"court": court, "clerk": make.user(Role.CLERK, court=court)}


# -- one case, live -------------------------------------------------------------------------------------------


def test_case_deadlines_give_every_field_in_utc_and_in_the_courts_offset(make, api_for, br):
    case = _apprehended(make, br["court"], 1)
    body = _live(api_for(br["clerk"]), case.id)
    assert body["case_id"] == case.id and body["reference"] == case.reference
    assert body["time_zone"] == "America/Sao_Paulo"
    assert body["as_of"] == REAL_NOW.isoformat()  # default: now
    assert body["pack"]["code"] == "BR" and body["pack"]["version_date"]
    presentation = next(d for d in body["deadlines"] if d["rule_id"] == PRESENTATION)
    assert presentation == presentation | {
        "kind": "deadline",
        "status": "pending",
        "advisory": False,
        "force": "binding",
        "verification": "V",
        "consequence_kind": "release",
        "due": "2026-06-02T11:00:00+00:00",
        "due_local": "2026-06-02T08:00:00-03:00",
        "due_local_date": None,  # an hour limit
        "start_at": "2026-06-01T11:00:00+00:00",
        "start_key": "1",
        "met_at": None,
        "met_by_key": None,
        "extended_by": 0,
    }
    assert "art. 175" in presentation["citation"] and presentation["source_url"].startswith("https://")
    assert presentation["explanation"] and presentation["title"] and presentation["consequence"]
    assert datetime.fromisoformat(presentation["at_risk_from"]) < datetime.fromisoformat(presentation["due"])
    # Not applicable rules come last; counts add up.
    statuses = [d["status"] for d in body["deadlines"]]
    assert statuses.index("not_applicable") > statuses.index("pending")
    assert "pending" not in statuses[statuses.index("not_applicable") :]
    assert sum(body["counts"].values()) == len(body["deadlines"])


def test_a_day_limit_has_its_local_date(make, api_for, br):
    case = make.case(
        court=br["court"],
        events=[
            ("apprehended", datetime(2026, 5, 1, 1, tzinfo=UTC), {}),  # 30 April, 22:00 in São Paulo
            ("brought_before_authority", datetime(2026, 5, 1, 12, tzinfo=UTC), {"authority": "Ministério Público"}),
            ("pretrial_detention_ordered", datetime(2026, 5, 2, 1, tzinfo=UTC), {"facility": "Unit"}),
        ],
    )
    internment = next(d for d in _live(api_for(br["clerk"]), case.id)["deadlines"] if "art. 108" in d["citation"])
    assert internment["kind"] == "maximum_duration"
    local = datetime.fromisoformat(internment["due_local"])
    assert local.utcoffset() == timedelta(hours=-3)
    assert internment["due_local_date"] == local.date().isoformat()
    # Detention began on 1 May local time (22:00 on 1 May = 01:00 UTC on 2 May): 45 days later is mid-June.
    assert "2026-06-14" <= internment["due_local_date"] <= "2026-06-16"
    assert internment["status"] in ("pending", "at_risk")


def test_as_of_reconstructs_and_known_at_leaves_out_later_records(make, api_for, br, clock):
    case = _apprehended(make, br["court"], 1)
    api = api_for(br["clerk"])
    clock.now = REAL_NOW + timedelta(hours=2)
    added = api.post(
        f"/api/v1/cases/{case.id}/events",
        {
            "type": "brought_before_authority",
            "at": clock.now.isoformat(),
            "details": {"authority": "Ministério Público"},
            "version": case.version,
        },
    )
    assert added.status_code == 201, added.get_json()
    now = _rule(_live(api, case.id)["deadlines"], PRESENTATION)
    assert now["status"] == "met" and now["met_at"] == clock.now.isoformat() and now["met_by_key"] == "2"
    before = _rule(_live(api, case.id, as_of=(REAL_NOW + timedelta(hours=1)).isoformat())["deadlines"], PRESENTATION)
    assert before["status"] == "pending" and before["met_at"] is None
    # What a clerk saw at 13:00 asked about 14:00: the appearance was not yet recorded.
    known = _live(api, case.id, as_of=clock.now.isoformat(), known_at=(REAL_NOW + timedelta(hours=1)).isoformat())
    assert known["known_at"] == (REAL_NOW + timedelta(hours=1)).isoformat()
    assert _rule(known["deadlines"], PRESENTATION)["status"] == "pending"


def test_a_jurisdiction_without_a_rule_pack_has_no_deadlines(make, api_for):
    db.session.add(Jurisdiction(code="XX", name="No pack yet", time_zone="UTC", active=True))
    db.session.commit()
    case = _apprehended(make, make.court("XX"), 1)
    body = _live(api_for(make.admin()), case.id)
    assert body["pack"] is None and body["deadlines"] == [] and body["counts"] == {}


def test_case_deadlines_are_audited_by_id(make, api_for, br):
    case = _apprehended(make, br["court"], 1)
    before = len(_audit("case_deadlines_viewed", case.id))
    _live(api_for(br["clerk"]), case.id, as_of="2026-06-01T10:00:00-03:00")
    rows = _audit("case_deadlines_viewed", case.id)
    assert len(rows) == before + 1
    assert rows[-1].object_type == "case" and rows[-1].actor_id == br["clerk"].id
    assert "as_of=2026-06-01T13:00:00+00:00" in rows[-1].detail
    assert case.child.family_name not in rows[-1].detail


def test_unknown_case_is_404_and_bad_as_of_is_400(make, api_for, br):
    api = api_for(make.admin())
    assert api.get("/api/v1/cases/999999/deadlines").status_code == 404
    case = _apprehended(make, br["court"], 1)
    response = api.get(f"/api/v1/cases/{case.id}/deadlines", query_string={"as_of": "2026-06-01T10:00:00"})
    assert response.status_code == 400
    assert list(response.get_json()["error"]["fields"]) == ["as_of"]


# -- the board: status in SQL, moving with as_of and the clock ------------------------------------------------


def test_status_moves_pending_at_risk_breached_in_sql_without_recompute(make, api_for, br, clock, monkeypatch):
    case = _apprehended(make, br["court"], 1)
    api = api_for(br["clerk"])
    stored = db.session.scalar(
        select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.rule_id == PRESENTATION)
    )
    snapshot = {(r.id, r.computed_at) for r in db.session.scalars(select(CaseDeadline))}
    due, at_risk_from = stored.due, stored.at_risk_from
    assert due == REAL_NOW + timedelta(hours=23)
    assert REAL_NOW < at_risk_from < due

    # The board must not run the engine or recompute: break both and read it.
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the board ran the engine")

    monkeypatch.setattr("justice_tracker.deadlines.service.evaluate_case", refuse)
    monkeypatch.setattr("justice_tracker.deadlines.service.recompute", refuse)
    monkeypatch.setattr("justice_tracker.api.deadlines.evaluate_case", refuse)
    expected = [
        (REAL_NOW, "pending"),
        (at_risk_from - timedelta(seconds=1), "pending"),
        (at_risk_from, "at_risk"),
        (due, "at_risk"),
        (due + timedelta(seconds=1), "breached"),
        (due + timedelta(days=30), "breached"),
    ]
    for moment, status in expected:
        body = _board(api, as_of=moment.isoformat())
        assert body["as_of"] == moment.isoformat()
        assert _rule(body["items"], PRESENTATION)["status"] == status, moment
        only = _board(api, as_of=moment.isoformat(), status=status)
        assert PRESENTATION in [d["rule_id"] for d in only["items"]]
        assert {d["status"] for d in only["items"]} == {status}
        others = ",".join(s for s in ("pending", "at_risk", "breached") if s != status)
        assert PRESENTATION not in [d["rule_id"] for d in _board(api, as_of=moment.isoformat(), status=others)["items"]]

    # With no as_of, the board reads the clock.
    clock.now = due + timedelta(hours=1)
    body = _board(api, status="breached")
    assert body["as_of"] == clock.now.isoformat()
    assert _rule(body["items"], PRESENTATION)["computed_at"] == REAL_NOW.isoformat()
    db.session.expire_all()
    assert {(r.id, r.computed_at) for r in db.session.scalars(select(CaseDeadline))} == snapshot


def test_the_stored_status_agrees_with_the_engine_at_each_instant(make, api_for, br):
    case = _apprehended(make, br["court"], 1)
    api = api_for(br["clerk"])
    stored = _rule(_board(api)["items"], PRESENTATION)
    due = datetime.fromisoformat(stored["due"])
    at_risk_from = datetime.fromisoformat(stored["at_risk_from"])
    for moment in (REAL_NOW, at_risk_from - timedelta(minutes=1), at_risk_from, due, due + timedelta(minutes=1)):
        board = _rule(_board(api, as_of=moment.isoformat())["items"], PRESENTATION)
        live = _rule(_live(api, case.id, as_of=moment.isoformat())["deadlines"], PRESENTATION)
        assert board["status"] == live["status"], moment
        assert board["due"] == live["due"] and board["due_local"] == live["due_local"]


def test_board_items_carry_the_case_and_pseudonym_never_names(make, api_for, br):
    case = _apprehended(make, br["court"], 30)
    response = api_for(br["clerk"]).get("/api/v1/deadlines")
    assert response.status_code == 200
    item = _rule(response.get_json()["items"], PRESENTATION)
    assert item["status"] == "breached"
    assert item["case"] == {
        "id": case.id,
        "reference": case.reference,
        "court_id": br["court"].id,
        "jurisdiction": "BR",
        "status": "open",
        "child_pseudonym": case.child.pseudonym,
    }
    assert item["pack"]["code"] == "BR"
    assert item["due_local"].endswith("-03:00") and item["due"].endswith("+00:00")
    text = response.get_data(as_text=True)
    assert case.child.family_name not in text and case.child.given_name not in text
    assert "date_of_birth" not in text


def test_board_is_most_urgent_first_paginated_with_totals(make, api_for, br):
    breached = _apprehended(make, br["court"], 30)
    at_risk = _apprehended(make, br["court"], 20)
    pending = _apprehended(make, br["court"], 1)
    api = api_for(br["clerk"])
    full = _board(api)
    items = full["items"]
    assert full["total"] == len(items) == sum(full["counts"].values())
    assert full["pages"] == 1 and full["page"] == 1
    ranks = [URGENCY.index(d["status"]) for d in items]
    assert ranks == sorted(ranks)
    for status in {d["status"] for d in items}:
        dues = [d["due"] for d in items if d["status"] == status]
        known = [datetime.fromisoformat(d) for d in dues if d is not None]
        assert known == sorted(known) and dues[: len(known)] == [d for d in dues if d is not None]  # nulls last
    assert [_rule(items, PRESENTATION, c.id)["status"] for c in (breached, at_risk, pending)] == [
        "breached",
        "at_risk",
        "pending",
    ]
    assert items[0]["case"]["id"] == breached.id and items[0]["status"] == "breached"
    for status, n in full["counts"].items():
        assert n == sum(d["status"] == status for d in items)

    count = (len(items) + 1) // 2
    pages = [_board(api, per_page=2, page=number) for number in range(1, count + 2)]
    assert pages[0]["pages"] == count and pages[0]["total"] == len(items)
    assert [d for page in pages for d in page["items"]] == items
    assert pages[-1]["items"] == []  # past the last page

    urgent = _board(api, status="at_risk,breached")
    assert urgent["total"] == full["counts"].get("breached", 0) + full["counts"].get("at_risk", 0)
    assert urgent["counts"] == full["counts"]  # counts ignore the status filter (a board's tabs)
    assert [d["status"] for d in urgent["items"]][:1] == ["breached"]


def test_board_filters_jurisdiction_court_advisory_and_case_status(make, api_for, br):
    admin = make.admin()
    intl_court = make.court("INTL")
    brazil = _apprehended(make, br["court"], 1)
    intl = _apprehended(make, intl_court, 1)
    api = api_for(admin)

    only_br = _board(api, jurisdiction="br")
    assert {d["case"]["id"] for d in only_br["items"]} == {brazil.id}
    assert {d["case"]["id"] for d in _board(api, court_id=intl_court.id)["items"]} == {intl.id}

    advisory = _board(api, advisory="true")["items"]
    binding = _board(api, advisory="false")["items"]
    assert advisory and binding
    assert all(d["advisory"] for d in advisory) and not any(d["advisory"] for d in binding)
    assert len(advisory) + len(binding) == _board(api)["total"]
    assert intl.id in {d["case"]["id"] for d in advisory}  # the INTL pack has advisory standards

    assert _board(api, case_status="closed")["total"] == 0
    assert _board(api, case_status="open")["total"] == _board(api)["total"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"status": "overdue"}, "status"),
        ({"status": "breached,,late"}, "status"),
        ({"status": ","}, "status"),
        ({"as_of": "2026-06-01T12:00:00"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"advisory": "maybe"}, "advisory"),
        ({"court_id": "one"}, "court_id"),
        ({"page": "0"}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"case_status": "sealed"}, "case_status"),
    ],
)
def test_bad_board_parameters_are_400_naming_the_field(make, api_for, query, field):
    response = api_for(make.admin()).get("/api/v1/deadlines", query_string=query)
    assert response.status_code == 400
    assert list(response.get_json()["error"]["fields"]) == [field]


def test_the_board_is_audited_without_names(make, api_for, br):
    _apprehended(make, br["court"], 30)
    before = len(_audit("deadlines_listed"))
    body = _board(api_for(br["clerk"]), status="breached", jurisdiction="br")
    rows = _audit("deadlines_listed")
    assert len(rows) == before + 1
    entry = rows[-1]
    assert entry.actor_id == br["clerk"].id and entry.object_id is None
    assert "status=breached" in entry.detail and "jurisdiction=BR" in entry.detail
    assert f"total={body['total']}" in entry.detail
    assert "Testchild" not in entry.detail


# -- who sees what --------------------------------------------------------------------------------------------


def test_a_lawyer_sees_only_their_clients_deadlines(make, api_for, br):
    lawyer = make.user(Role.LAWYER)
    client = _apprehended(make, br["court"], 30, lawyers=[lawyer])
    other = _apprehended(make, br["court"], 30)
    api = api_for(lawyer)
    body = _board(api)
    assert body["total"] > 0
    assert {d["case"]["id"] for d in body["items"]} == {client.id}
    assert body["counts"].get("breached") == 1
    assert api.get(f"/api/v1/cases/{client.id}/deadlines").status_code == 200
    assert api.get(f"/api/v1/cases/{other.id}/deadlines").status_code == 403
    # The court's clerk sees both; a clerk of another court sees neither.
    assert {d["case"]["id"] for d in _board(api_for(br["clerk"]))["items"]} == {client.id, other.id}
    stranger = api_for(make.user(Role.CLERK))
    assert _board(stranger)["total"] == 0
    assert stranger.get(f"/api/v1/cases/{client.id}/deadlines").status_code == 403


@pytest.mark.parametrize("role", [Role.OVERSIGHT, Role.COORDINATOR])
def test_oversight_and_coordinators_are_refused(make, api_for, br, role):
    case = _apprehended(make, br["court"], 30)
    api = api_for(make.user(role))
    for url in ("/api/v1/deadlines", f"/api/v1/cases/{case.id}/deadlines"):
        response = api.get(url)
        assert response.status_code == 403, url
        assert "items" not in response.get_json() and "deadlines" not in response.get_json()


def test_without_a_token_the_deadline_endpoints_answer_401(client, make, br):
    case = _apprehended(make, br["court"], 30)
    for url in ("/api/v1/deadlines", f"/api/v1/cases/{case.id}/deadlines"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.get_json()["error"]["code"] == 401


# -- POST /cases answers with the deadlines -------------------------------------------------------------------


def test_post_and_re_post_answer_with_the_deadlines_computed_now(make, api_for):
    api = api_for(make.admin())
    data = example("br_presentation_and_internment.json")
    first = api.post("/api/v1/cases", data)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert body["pack"]["code"] == "BR"
    live = _live(api, body["id"])
    assert body["deadlines"] == live["deadlines"]
    internment = next(d for d in body["deadlines"] if "art. 108" in d["citation"])
    assert internment["status"] == "breached"  # held since January, still held on 1 June
    again = api.post("/api/v1/cases", data)
    assert again.status_code == 200
    assert again.get_json()["deadlines"] == body["deadlines"]
    # What was stored agrees with the answer.
    stored = db.session.scalars(
        select(CaseDeadline).where(CaseDeadline.case_id == body["id"]).order_by(CaseDeadline.position)
    ).all()
    assert [(r.rule_id, r.status) for r in stored] == [(d["rule_id"], d["status"]) for d in body["deadlines"]]


# -- flask cases import prints the counts ---------------------------------------------------------------------


def test_cli_import_prints_breached_and_at_risk_counts(app, make, tmp_path):
    if "cases" not in app.cli.commands:
        app.cli.add_command(cases_cli)
    make.admin()
    path = tmp_path / "br.json"
    path.write_text(json.dumps(example("br_presentation_and_internment.json")), encoding="utf-8")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["cases", "import", str(path)])
    assert first.exit_code == 0, first.output
    found = re.search(
        r"created case \d+ \(EX-BR-001\) with 4 events; deadlines now: (\d+) breached, (\d+) at risk", first.stdout
    )
    assert found, first.stdout
    assert int(found[1]) >= 1  # art. 108: held since January, still held on 1 June
    second = runner.invoke(args=["cases", "import", str(path)])
    assert second.exit_code == 0
    assert (
        "unchanged case" in second.stdout and f"deadlines now: {found[1]} breached, {found[2]} at risk" in second.stdout
    )
