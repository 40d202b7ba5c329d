"""Fixtures of the programme tests: programmes made directly (they have no personal data), a Northbridge case."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from justice_tracker.auth.models import Role
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.programmes.models import Programme, ProgrammeCoordinator
from justice_tracker.programmes.vocabulary import PRE_CHARGE, PRE_TRIAL
from tests.api.helpers import api_for  # noqa: F401 - fixture

MAY10 = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
MAY12 = datetime(2026, 5, 12, 9, 0, tzinfo=UTC)
APPREHENDED = ("apprehended", MAY10, {"facility": "Central station"})
SECRET_OFFENCE = "Theft of a red bicycle from the Zeta bakery"


class Registry:
    """Makes programmes and links coordinators; each builder commits, as the case factory does."""

    def __init__(self) -> None:
        self._n = 0

    def programme(self, **fields: Any) -> Programme:
        self._n += 1
        values: dict[str, Any] = {
            "code": f"T-{self._n:03d}",
            "name": f"Test programme {self._n}",
            "provider": "Test provider",
            "type": "mentoring",
            "stages": [PRE_CHARGE, PRE_TRIAL],
            "jurisdiction_code": "GB-EAW",
            "areas": [],
            "languages": ["en"],
            "min_age": 10,
            "max_age": 17,
            "places": 5,
            "enrolled": 0,
            "waiting_list": 0,
            "updated_at": utcnow(),
        } | fields
        programme = Programme(**values)
        db.session.add(programme)
        db.session.commit()
        return programme

    def link(self, programme: Programme, user: Any) -> None:
        db.session.add(ProgrammeCoordinator(programme_id=programme.id, user_id=user.id, linked_at=utcnow()))
        db.session.commit()


@pytest.fixture()
def registry(make) -> Registry:
    return Registry()


@pytest.fixture()
def court(make):
    court = make.court("GB-EAW")
    court.area = "Northbridge"
    db.session.commit()
    return court


@pytest.fixture()
def clerk(make, court):
    return make.user(Role.CLERK, court=court)


@pytest.fixture()
def case(make, court):
    offences = [{"description": SECRET_OFFENCE, "max_penalty_years": 7.0, "offence_class": "either_way"}]
    return make.case(court=court, events=[APPREHENDED], offences=offences)
