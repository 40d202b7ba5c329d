"""Stored deadlines follow every change to a case, and their status moves with time in SQL."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from justice_tracker import create_app
from justice_tracker.cases import services
from justice_tracker.db import db
from justice_tracker.deadlines.models import CaseDeadline
from justice_tracker.deadlines.queries import status_at
from justice_tracker.errors import ValidationFailed
from justice_tracker.rules.loader import PACKS_DIR
from justice_tracker.rules.validate import InvalidPackError

ART_108 = "br-eca-108-provisional-internment-45d"
ART_175 = "br-eca-175-presentation-24h"


def _stored(case, rule_id, at=None):
    db.session.expire_all()
    stmt = select(CaseDeadline, status_at(at) if at else CaseDeadline.status)
    stmt = stmt.where(CaseDeadline.case_id == case.id, CaseDeadline.rule_id == rule_id)
    return db.session.execute(stmt).first()


def test_pretrial_detention_past_45_days_is_stored_as_breached(make, clock):
    now = clock.now
    case = make.case(
        court=make.court("BR"),
        events=[
            ("apprehended", now - timedelta(days=52), {}),
            ("brought_before_authority", now - timedelta(days=51, hours=20), {"authority": "MP"}),
            ("pretrial_detention_ordered", now - timedelta(days=50), {"facility": "Unidade"}),
        ],
    )
    row, status = _stored(case, ART_108)
    assert status == "breached" and row.open and not row.advisory
    ordered_on = (now - timedelta(days=50)).astimezone(ZoneInfo("America/Sao_Paulo")).date()
    assert row.due_local_date == ordered_on + timedelta(days=45)
    assert "108" in row.citation


def test_status_moves_from_pending_to_at_risk_to_breached_without_recomputing(make, clock):
    now = clock.now
    case = make.case(court=make.court("BR"), events=[("apprehended", now - timedelta(hours=1), {})])
    row, status = _stored(case, ART_175)
    assert status == "pending"
    assert row.due == now + timedelta(hours=23)
    computed_at = row.computed_at
    assert _stored(case, ART_175, row.at_risk_from - timedelta(minutes=1))[1] == "pending"
    assert _stored(case, ART_175, row.at_risk_from + timedelta(minutes=1))[1] == "at_risk"
    assert _stored(case, ART_175, row.due + timedelta(minutes=1))[1] == "breached"
    assert _stored(case, ART_175)[0].computed_at == computed_at


def test_meeting_the_limit_recomputes_in_the_same_transaction(make, clock):
    now = clock.now
    case = make.case(court=make.court("BR"), events=[("apprehended", now - timedelta(hours=3), {})])
    services.record_event(
        make.admin(),
        case,
        type="brought_before_authority",
        at=now - timedelta(hours=1),
        details={"authority": "MP"},
        expected_version=None,
    )
    row, status = _stored(case, ART_175)
    assert status == "met" and not row.open and row.met_at == now - timedelta(hours=1)


def test_voiding_the_detention_order_clears_the_breach(make, clock):
    now = clock.now
    case = make.case(
        court=make.court("BR"),
        events=[
            ("apprehended", now - timedelta(days=52), {}),
            ("pretrial_detention_ordered", now - timedelta(days=50), {"facility": "Unidade"}),
        ],
    )
    order = case.events[-1]
    services.correct_event(
        make.admin(), case, order, reason="Recorded on the wrong case", void=True, expected_version=None
    )
    row, status = _stored(case, ART_108)
    assert status == "not_applicable" and not row.open


def test_an_extension_beyond_the_pack_is_refused_and_nothing_is_stored(make, clock):
    now = clock.now
    case = make.case(
        court=make.court("IN"),
        events=[
            ("apprehended", now - timedelta(days=100), {}),
            ("brought_before_authority", now - timedelta(days=99, hours=20), {"authority": "JJB"}),
            ("released", now - timedelta(days=99, hours=19), {"kind": "bail"}),
        ],
    )
    extension = {"rule": "in-jja-14-inquiry-4m", "legal_basis": "s. 14(2) proviso", "extension_months": 2}
    admin = make.admin()
    services.record_event(
        admin, case, type="limit_extended", at=now - timedelta(days=10), details=extension, expected_version=None
    )
    db.session.commit()
    count = len(case.events)
    with pytest.raises(ValidationFailed) as refused:
        services.record_event(
            admin, case, type="limit_extended", at=now - timedelta(days=5), details=extension, expected_version=None
        )
    db.session.rollback()
    assert "details.rule" in refused.value.as_dict()
    db.session.expire_all()
    assert len(case.events) == count
    row, _status = _stored(case, "in-jja-14-inquiry-4m")
    assert row.extended_by == 1


def test_refresh_command_rebuilds_stored_deadlines(app, make, clock):
    case = make.case(court=make.court("BR"), events=[("apprehended", clock.now - timedelta(hours=2), {})])
    db.session.query(CaseDeadline).filter(CaseDeadline.case_id == case.id).delete()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["deadlines", "refresh"])
    assert result.exit_code == 0, result.output
    assert _stored(case, ART_175) is not None


def test_the_app_refuses_to_start_with_an_invalid_pack(tmp_path: Path):
    shutil.copy(PACKS_DIR / "br.yaml", tmp_path / "br.yaml")
    broken = (tmp_path / "br.yaml").read_text().replace("verification: V", "verification: Q", 1)
    (tmp_path / "br.yaml").write_text(broken)
    with pytest.raises(InvalidPackError) as refused:
        create_app({"RULE_PACK_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert "verification" in str(refused.value) and "br.yaml" in str(refused.value)


def test_rules_validate_names_file_rule_and_field(app, tmp_path: Path):
    path = tmp_path / "br.yaml"
    path.write_text((PACKS_DIR / "br.yaml").read_text().replace("unit: hours", "unit: fortnights", 1))
    result = app.test_cli_runner().invoke(args=["rules", "validate", str(path)])
    assert result.exit_code != 0
    assert "br.yaml" in result.output and ART_175 in result.output and "unit" in result.output


def test_rules_list_and_show(app):
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["rules", "list"]).output
    assert "GB-EAW" in listing and "BR" in listing
    shown = runner.invoke(args=["rules", "show", "BR"]).output
    assert ART_108 in shown and "art. 108" in shown


def test_a_past_instant_shows_a_limit_met_since_as_it_then_stood(make, clock):
    now = clock.now
    case = make.case(
        court=make.court("BR"),
        events=[
            ("apprehended", now - timedelta(days=3), {}),
            ("brought_before_authority", now - timedelta(days=1), {"authority": "MP"}),
        ],
    )
    _row, status = _stored(case, ART_175)
    assert status == "met_late"
    assert _stored(case, ART_175, now - timedelta(days=3, hours=1))[1] == "not_applicable"
    assert _stored(case, ART_175, now - timedelta(days=2, hours=12))[1] == "pending"
    assert _stored(case, ART_175, now - timedelta(days=1, hours=12))[1] == "breached"
    assert _stored(case, ART_175, now)[1] == "met_late"
