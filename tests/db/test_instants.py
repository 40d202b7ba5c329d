"""Instants survive a round trip through the database unchanged (SECURITY.md 24).

Random instants in each seeded jurisdiction's zone, including the days clocks
change, are stored as events and read back: equal to the second, returned in UTC,
and an N-hour offset stays exactly N × 3600 s.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from justice_tracker.cases.models import Event
from justice_tracker.db import db

ZONES = [
    "Europe/London",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Europe/Paris",
    "America/Toronto",
    "Africa/Nairobi",
    "America/Santiago",
    "UTC",
]
# Days when clocks changed in some of these zones, to make sure they are drawn.
DST_DAYS = [
    datetime(2026, 3, 29, tzinfo=UTC),
    datetime(2026, 10, 25, tzinfo=UTC),
    datetime(2026, 3, 8, tzinfo=UTC),
    datetime(2026, 11, 1, tzinfo=UTC),
    datetime(2026, 4, 5, tzinfo=UTC),
    datetime(2026, 9, 6, tzinfo=UTC),
]

instants = st.one_of(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)),
    st.builds(
        lambda day, minutes: day + timedelta(minutes=minutes),
        st.sampled_from(DST_DAYS),
        st.integers(min_value=-24 * 60, max_value=48 * 60),
    ),
)


@pytest.fixture()
def case(make):
    return make.case()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(instant=instants, zone=st.sampled_from(ZONES), hours=st.integers(min_value=1, max_value=96))
def test_instant_and_hour_limit_round_trip(case, instant, zone, hours):
    local = instant.replace(microsecond=0).astimezone(ZoneInfo(zone))
    # Aware arithmetic in a ZoneInfo zone is wall-clock arithmetic: an N-hour limit
    # must be added in UTC and only then shown in local time.
    due = (local.astimezone(UTC) + timedelta(hours=hours)).astimezone(ZoneInfo(zone))
    rows = [
        Event(case_id=case.id, seq=1000 + i, type="hearing_held", at=value, details={}, recorded_at=value)
        for i, value in enumerate((local, due))
    ]
    db.session.add_all(rows)
    try:
        db.session.flush()
        ids = [row.id for row in rows]
        db.session.expire_all()
        start, end = db.session.scalars(select(Event.at).where(Event.id.in_(ids)).order_by(Event.seq)).all()
        # Compare in UTC: Python's == across zones is False for ambiguous wall times (PEP 495).
        assert start == local.astimezone(UTC)
        assert end == due.astimezone(UTC)
        assert start.utcoffset() == timedelta(0)
        assert (end - start).total_seconds() == hours * 3600
        assert end.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == due.replace(tzinfo=None)
    finally:
        db.session.rollback()


def test_naive_instants_are_refused(case):
    db.session.add(
        Event(
            case_id=case.id,
            seq=999,
            type="hearing_held",
            at=datetime(2026, 1, 1),
            details={},
            recorded_at=datetime.now(UTC),
        )
    )
    with pytest.raises(Exception, match="naive datetime refused"):
        db.session.flush()
    db.session.rollback()
