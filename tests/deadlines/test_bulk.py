"""The bulk refresh stores exactly the rows the per-case recompute stores, and rewrites only those that changed."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select, update

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


def _ids_by_row() -> dict[tuple[int, int], int]:
    query = select(CaseDeadline.id, CaseDeadline.case_id, CaseDeadline.position)
    return {(case_id, position): row_id for row_id, case_id, position in db.session.execute(query)}


def test_the_refresh_rewrites_only_the_cases_whose_rows_changed(demo_org):
    generate(40, seed=5, now=REAL_NOW, batch=40)
    db.session.commit()
    later = REAL_NOW + timedelta(hours=30)  # some limits fall due or become at risk meanwhile
    before = _ids_by_row()
    cases = sorted({case_id for case_id, _ in before})
    edited, shortened, lengthened, emptied = cases[:4]
    # Stored rows that no longer match: a changed value, a missing row, an extra row, a case whose rows are gone.
    db.session.execute(
        update(CaseDeadline)
        .where(CaseDeadline.case_id == edited, CaseDeadline.position == 0)
        .values(explanation="out of date")
    )
    last = max(position for case_id, position in before if case_id == shortened)
    db.session.execute(delete(CaseDeadline).where(CaseDeadline.case_id == shortened, CaseDeadline.position == last))
    extra = db.session.get(CaseDeadline, before[(lengthened, 0)])
    assert extra is not None
    db.session.add(
        CaseDeadline(**{c.key: getattr(extra, c.key) for c in COLUMNS} | {"position": last + 100}),
    )
    db.session.execute(delete(CaseDeadline).where(CaseDeadline.case_id == emptied))
    db.session.commit()

    bulk.refresh_all(later)
    db.session.commit()
    refreshed = _stored()
    after = _ids_by_row()
    for case in db.session.scalars(select(Case)):
        recompute(case, later)
    db.session.commit()
    assert refreshed == _stored()
    assert {row[COLUMNS.index(CaseDeadline.computed_at)] for row in refreshed} == {later}

    rewritten = {case_id for (case_id, position), row_id in after.items() if before.get((case_id, position)) != row_id}
    assert {edited, shortened, lengthened, emptied} <= rewritten
    # The others kept their rows (same ids), apart from those whose status moved on by `later`.
    assert len(rewritten) < len(cases) / 2


def test_a_refresh_at_the_same_instant_rewrites_nothing(demo_org):
    generate(20, seed=7, now=REAL_NOW, batch=20)
    db.session.commit()
    before = _ids_by_row()
    rows = _stored()
    bulk.refresh_all(REAL_NOW)
    db.session.commit()
    assert _ids_by_row() == before
    assert _stored() == rows


def test_a_case_changed_after_its_batch_was_read_keeps_the_newer_deadlines(demo_org, make):
    held = make.case(court=demo_org[0], events=[("apprehended", REAL_NOW - timedelta(hours=30), {})])
    other = make.case(court=demo_org[0], events=[("apprehended", REAL_NOW - timedelta(hours=20), {})])
    db.session.execute(delete(CaseDeadline))  # both cases' rows must be written by the refresh
    db.session.commit()
    ids = [held.id, other.id]
    changes = bulk.batch_changes(db.session.connection(), ids, REAL_NOW, {}, bulk.all_packs())
    assert set(changes.replaced) == set(ids)
    db.session.commit()
    # A clerk records the release meanwhile: the service recomputes the case in that transaction.
    release = {"kind": "unconditional"}
    at = REAL_NOW - timedelta(hours=1)
    services.record_event(make.admin(), held, type="released", at=at, details=release, expected_version=None)
    db.session.commit()
    after_release = [row for row in _stored() if row[0] == held.id]
    assert after_release, "the release gave the case rows of its own"

    bulk._apply(changes, REAL_NOW, None)
    db.session.commit()
    assert [row for row in _stored() if row[0] == held.id] == after_release
    assert [row[0] for row in _stored() if row[0] == other.id], "the unchanged case's rows were written"
