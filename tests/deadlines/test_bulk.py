"""The bulk refresh stores exactly the rows the per-case recompute stores."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from justice_tracker.cases import services
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.deadlines import bulk
from justice_tracker.deadlines.models import CalendarClosure, CaseDeadline
from justice_tracker.deadlines.service import recompute
from justice_tracker.demo_generate import generate
from tests.conftest import REAL_NOW

COLUMNS = [c for c in CaseDeadline.__table__.columns if c.name != "id"]


def _stored() -> list[tuple]:
    db.session.expire_all()
    return sorted(
        tuple(row) for row in db.session.execute(select(*COLUMNS).order_by(CaseDeadline.case_id, CaseDeadline.position))
    )


def _one_by_one() -> list[tuple]:
    for case in db.session.scalars(select(Case).order_by(Case.id)):
        recompute(case, REAL_NOW)
    db.session.commit()
    return _stored()


def test_bulk_refresh_matches_per_case_recompute(demo_org, make):
    generate(60, seed=4, now=REAL_NOW, batch=25)
    # Corrections and voids change which events stand; a closure day moves a due date.
    corrected = make.case(
        court=demo_org[0],
        events=[
            ("apprehended", REAL_NOW - timedelta(days=3), {}),
            ("released", REAL_NOW - timedelta(days=2), {"kind": "unconditional"}),
        ],
    )
    admin = make.admin()
    services.correct_event(
        admin, corrected, corrected.events[1], reason="entered on the wrong case", void=True, expected_version=None
    )
    db.session.add(CalendarClosure(jurisdiction_code="BR", day=date(2026, 6, 3), reason="holiday"))
    db.session.commit()

    expected = _one_by_one()
    assert len({row[0] for row in expected}) > 50  # most cases have deadlines: the comparison means something
    db.session.execute(delete(CaseDeadline))
    assert bulk.refresh_all(REAL_NOW) == db.session.scalar(select(db.func.count()).select_from(Case))
    db.session.commit()
    assert _stored() == expected


def test_the_refresh_in_worker_processes_matches_too(demo_org, make, monkeypatch):
    generate(30, seed=6, now=REAL_NOW, batch=30)
    expected = _one_by_one()
    db.session.execute(delete(CaseDeadline))
    monkeypatch.setattr(bulk, "PARALLEL_FROM", 1)
    monkeypatch.setattr(bulk, "BATCH", 7)  # several batches in flight at once
    assert bulk.refresh_all(REAL_NOW) == 30
    db.session.commit()
    assert _stored() == expected
