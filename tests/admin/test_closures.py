"""Court closure days: administrators add and remove them; stored deadlines move at once.

The rule used is England's custody time limit for a summary-only offence: 56 days
from the remand, the first day not counted, and a limit that ends on a day the
court does not sit ends on the preceding working day (Prosecution of Offences
(Custody Time Limits) Regulations 1987, reg. 2(4)–(5)).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from justice_tracker.audit.models import AuditEntry
from justice_tracker.auth.models import Role
from justice_tracker.db import db
from justice_tracker.deadlines.models import CalendarClosure, CaseDeadline
from tests.conftest import csrf_token

RULE = "gb-ctl-summary-56d"
REMANDED = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)  # a Wednesday
EXPIRY = date(2026, 7, 15)  # 56 days later, a Wednesday and no bank holiday


def _remanded_case(make, court):
    return make.case(
        court=court,
        offences=[{"description": "criminal damage", "max_penalty_years": 0.25, "offence_class": "summary"}],
        events=[
            ("apprehended", datetime(2026, 5, 19, 9, 0, tzinfo=UTC), {}),
            ("charged", datetime(2026, 5, 19, 20, 0, tzinfo=UTC), {}),
            ("brought_before_authority", datetime(2026, 5, 20, 9, 0, tzinfo=UTC), {}),
            ("pretrial_detention_ordered", REMANDED, {"facility": "Test YOI", "separated_from_adults": True}),
        ],
    )


def _stored(case) -> CaseDeadline:
    db.session.expire_all()
    return db.session.scalars(
        select(CaseDeadline).where(CaseDeadline.case_id == case.id, CaseDeadline.rule_id == RULE)
    ).one()


def _add(client, data: dict):
    return client.post("/admin/closures", data={**data, "csrf_token": csrf_token(client, "/admin/closures")})


@pytest.fixture()
def remand(make):
    court = make.court("GB-EAW")
    return _remanded_case(make, court)


def test_a_closure_on_the_last_day_moves_a_custody_time_limit_back_and_removal_restores_it(make, client_for, remand):
    before = _stored(remand)
    assert before.due_local_date == EXPIRY and before.status == "pending"
    client = client_for(make.admin())

    response = _add(client, {"jurisdiction_code": "GB-EAW", "day": EXPIRY.isoformat(), "reason": "Building closed"})
    assert response.status_code == 302, response.get_data(as_text=True)
    moved = _stored(remand)
    assert moved.due_local_date == date(2026, 7, 14)
    # End of 14 July in London (BST): 22:59:59.999999 UTC.
    assert moved.due == datetime(2026, 7, 14, 22, 59, 59, 999999, tzinfo=UTC)

    page = client.get("/admin/closures?jurisdiction=GB-EAW").get_data(as_text=True)
    assert "2026-07-15" in page and "Building closed" in page and "Wednesday" in page

    closure = db.session.scalars(select(CalendarClosure).where(CalendarClosure.day == EXPIRY)).one()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_closure_added")).one()
    assert entry.object_id == str(closure.id) and "cases_recomputed=1" in entry.detail

    response = client.post(
        f"/admin/closures/{closure.id}/delete",
        data={"csrf_token": csrf_token(client, "/admin/closures?jurisdiction=GB-EAW")},
    )
    assert response.status_code == 302
    assert _stored(remand).due_local_date == EXPIRY
    assert db.session.get(CalendarClosure, closure.id) is None
    removed = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "calendar_closure_removed")).one()
    assert removed.object_id == str(closure.id) and "jurisdiction=GB-EAW" in removed.detail


def test_a_closure_of_another_jurisdiction_or_day_changes_nothing(make, client_for, remand):
    client = client_for(make.admin())
    assert _add(client, {"jurisdiction_code": "BR", "day": EXPIRY.isoformat(), "reason": "Recesso"}).status_code == 302
    assert _add(client, {"jurisdiction_code": "GB-EAW", "day": "2026-07-16", "reason": "Strike"}).status_code == 302
    assert _stored(remand).due_local_date == EXPIRY


def test_a_closure_day_can_be_added_once(make, client_for):
    client = client_for(make.admin())
    data = {"jurisdiction_code": "GB-EAW", "day": "2026-08-03", "reason": "Flood"}
    assert _add(client, data).status_code == 302
    response = _add(client, data)
    assert response.status_code == 200
    assert "already a closure day" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(CalendarClosure).where(CalendarClosure.day == date(2026, 8, 3))).all()) == 1


def test_a_reason_is_required(make, client_for):
    client = client_for(make.admin())
    response = _add(client, {"jurisdiction_code": "GB-EAW", "day": "2026-08-03", "reason": ""})
    assert response.status_code == 200
    assert db.session.scalars(select(CalendarClosure)).all() == []


@pytest.mark.parametrize("role", [Role.CLERK, Role.LAWYER, Role.OVERSIGHT, Role.COORDINATOR])
def test_only_administrators_manage_closure_days(make, client_for, remand, role):
    closure = CalendarClosure(jurisdiction_code="GB-EAW", day=EXPIRY, reason="Building closed")
    db.session.add(closure)
    db.session.commit()
    client = client_for(make.user(role, court=remand.court))
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # the sign-out form's
    assert client.get("/admin/closures").status_code == 403
    data = {"jurisdiction_code": "GB-EAW", "day": "2026-07-16", "reason": "x", "csrf_token": token}
    assert client.post("/admin/closures", data=data).status_code == 403
    assert client.post(f"/admin/closures/{closure.id}/delete", data={"csrf_token": token}).status_code == 403
    db.session.expire_all()
    assert db.session.get(CalendarClosure, closure.id) is not None
    assert db.session.scalars(select(CalendarClosure).where(CalendarClosure.day == date(2026, 7, 16))).all() == []
