"""Two clerks take the last place at the same moment, on two real PostgreSQL connections: one wins, one gets 409.

These tests commit for real (a race needs two transactions that see each other's
commits), so they create their own programme and delete it afterwards; they write
no audit row (the audit table refuses DELETE) and touch nothing else.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from justice_tracker.errors import Conflict
from justice_tracker.programmes.models import Programme
from justice_tracker.programmes.services import take_place

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"),
    reason="needs two real connections to PostgreSQL (CI's PostgreSQL pass); SQLite serialises writers anyway",
)


@pytest.fixture()
def engines(app) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    url = URL.replace("postgresql://", "postgresql+psycopg://", 1)
    pair = (sa.create_engine(url), sa.create_engine(url))
    yield pair
    for engine in pair:
        engine.dispose()


@pytest.fixture()
def last_place(engines) -> Iterator[int]:
    """A programme with one place left, committed for real; deleted afterwards."""
    with Session(engines[0]) as session:
        programme = Programme(
            code=f"RACE-{os.getpid()}-{time.monotonic_ns()}",
            name="Race test programme",
            provider="Tests",
            type="mentoring",
            stages=["pretrial_alternative"],
            jurisdiction_code="GB-EAW",
            places=3,
            enrolled=2,
            waiting_list=0,
            updated_at=datetime.now(UTC),
        )
        session.add(programme)
        session.commit()
        programme_id = programme.id
    yield programme_id
    with engines[0].begin() as conn:
        conn.execute(sa.delete(Programme.__table__).where(Programme.__table__.c.id == programme_id))


def _enrolled(engine: sa.Engine, programme_id: int) -> int:
    with engine.connect() as conn:
        return conn.scalar(sa.select(Programme.enrolled).where(Programme.id == programme_id))


def test_the_second_waits_for_the_first_then_finds_no_place(engines, last_place):
    first, second = (Session(engine) for engine in engines)
    outcome: dict[str, object] = {}

    def take_second() -> None:
        try:
            take_place(second, last_place)
            second.commit()
            outcome["second"] = "took it"
        except Conflict as exc:
            second.rollback()
            outcome["second"] = exc

    try:
        take_place(first, last_place)  # holds the row until it commits
        racer = threading.Thread(target=take_second)
        racer.start()
        racer.join(timeout=0.5)
        assert racer.is_alive(), "the second transaction must wait for the first's row lock"
        first.commit()
        racer.join(timeout=10)
        assert not racer.is_alive()
    finally:
        first.close()
        second.close()
    assert isinstance(outcome["second"], Conflict)
    assert "no free place: 3 of 3 places are taken" in outcome["second"].message
    assert outcome["second"].status == 409
    assert _enrolled(engines[0], last_place) == 3


def test_two_at_the_same_moment_one_wins(engines, last_place):
    barrier = threading.Barrier(2)
    results: list[object] = []

    def clerk(engine: sa.Engine) -> None:
        with Session(engine) as session:
            barrier.wait()
            try:
                take_place(session, last_place)
                time.sleep(0.2)  # keep the transaction open while the other one tries
                session.commit()
                results.append("took it")
            except Conflict as exc:
                session.rollback()
                results.append(exc)

    threads = [threading.Thread(target=clerk, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"]
    assert _enrolled(engines[0], last_place) == 3
