"""A small registry whose oversight figures are worked out by hand (see EXPECTED), built through the real services.

Census instant: the test clock's now, 2026-06-01 12:00 UTC. Period: 2026-01-01 to 2026-06-01 (151 days).

- C1, court A (area North, GB-EAW), F born 2010-05-14: police 01-10 10:00 → 01-11 10:00 (Cells B); pre-trial
  → 02-10 10:00 (Home A), released on bail.
- C2, court A, M born 2011-03-01: police 03-01 08:00 → 20:00; police 04-01 08:00 → 04-02 08:00; pre-trial from
  04-02 08:00 (Home A), still held, a hearing set for 06-10.
- C3, court B (South, GB-EAW), F born 2012-07-01: police 2025-12-20 10:00 → 12-21 10:00; pre-trial from 12-21
  10:00 (Home A, separation said by the register), still held, no hearing.
- C4, court C (Centro, BR), M born 2009-01-15: police from 05-20 10:00 (Delegacia C, not separated), still held,
  never presented to the prosecutor.
- C5, court A, X born 2010-01-01: police 02-01 10:00 → 18:00 (no facility); diverted 02-15.
- C6, court B, F born 2008-06-01: police 01-05 10:00 → 20:00; custodial sentence 03-01 10:00 → released 05-01
  10:00; aftercare 05-03.
- C7, court C, M born 2009-09-09: police 01-20 10:00 → 12:00; non-custodial sentence 03-20.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest

from justice_tracker.auth.models import Role
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.org.models import Facility, FacilityInspection
from justice_tracker.oversight.models import ChildPopulation, PolicyFact
from justice_tracker.oversight.scope import Scope
from tests.api.helpers import api_for  # noqa: F401 - fixture
from tests.conftest import REAL_NOW

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
SCOPE = Scope(as_of=REAL_NOW, start=START, end=END)
SECRET_NAME = "Quintessa-Oversightname"


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


DAY = timedelta(days=1)
CONSIDERED = {"outcome": "not_diverted", "reasons": "Seriousness"}
HOME_A, CELLS_B, DELEGACIA = "Home A (test)", "Cells B (test)", "Delegacia C (test)"


PRETRIAL_A = {"facility": HOME_A, "separated_from_adults": True}
RELEASED = {"kind": "to_parents"}
# reference → (court, sex, date of birth, events): the table in the module docstring.
CASES = {
    "C1": (
        "a",
        "F",
        date(2010, 5, 14),
        [
            ("apprehended", at(1, 10, 10), {"facility": CELLS_B}),
            ("diversion_considered", at(1, 11, 9), CONSIDERED),
            ("pretrial_detention_ordered", at(1, 11, 10), PRETRIAL_A),
            ("released", at(2, 10, 10), {"kind": "bail"}),
        ],
    ),
    "C2": (
        "a",
        "M",
        date(2011, 3, 1),
        [
            ("apprehended", at(3, 1, 8), {"facility": CELLS_B}),
            ("released", at(3, 1, 20), RELEASED),
            ("apprehended", at(4, 1, 8), {"facility": CELLS_B}),
            ("diversion_considered", at(4, 2, 7), CONSIDERED),
            ("pretrial_detention_ordered", at(4, 2, 8), PRETRIAL_A),
            ("hearing_scheduled", at(5, 1, 9), {"hearing_at": "2026-06-10T09:00:00Z", "purpose": "trial"}),
        ],
    ),
    "C3": (
        "b",
        "F",
        date(2012, 7, 1),
        [
            ("apprehended", at(12, 20, 10, year=2025), {"facility": CELLS_B}),
            ("diversion_considered", at(12, 21, 9, year=2025), CONSIDERED),
            ("pretrial_detention_ordered", at(12, 21, 10, year=2025), {"facility": HOME_A}),
        ],
    ),
    "C4": ("c", "M", date(2009, 1, 15), [("apprehended", at(5, 20, 10), {"facility": DELEGACIA})]),
    "C5": (
        "a",
        "X",
        date(2010, 1, 1),
        [
            ("apprehended", at(2, 1, 10), {}),
            ("released", at(2, 1, 18), RELEASED),
            ("diversion_considered", at(2, 15, 10), {"outcome": "diverted", "reasons": "First contact"}),
        ],
    ),
    "C6": (
        "b",
        "F",
        date(2008, 6, 1),
        [
            ("apprehended", at(1, 5, 10), {}),
            ("released", at(1, 5, 20), RELEASED),
            ("adjudicated", at(2, 1, 10), {"finding": "responsible"}),
            ("diversion_considered", at(2, 20, 10), CONSIDERED),
            ("sentenced", at(3, 1, 10), {"custodial": True, "measure": "Detention order", "facility": HOME_A}),
            ("released", at(5, 1, 10), {"kind": "unconditional"}),
            ("aftercare_started", at(5, 3, 10), {"provider": "Youth team"}),
        ],
    ),
    "C7": (
        "c",
        "M",
        date(2009, 9, 9),
        [
            ("apprehended", at(1, 20, 10), {}),
            ("released", at(1, 20, 12), RELEASED),
            ("adjudicated", at(2, 20, 10), {"finding": "responsible"}),
            ("sentenced", at(3, 20, 10), {"custodial": False, "measure": "Supervision"}),
        ],
    ),
}


def _facility(name: str, jurisdiction: str, kind: str, separated: bool, complaints: bool | None) -> Facility:
    facility = Facility(
        name=name,
        jurisdiction_code=jurisdiction,
        kind=kind,
        separated_from_adults=separated,
        capacity=20,
        complaints_mechanism=complaints,
        active=True,
    )
    db.session.add(facility)
    db.session.commit()
    return facility


@pytest.fixture()
def world(make):
    home = _facility(HOME_A, "GB-EAW", "youth_detention_centre", True, True)
    cells = _facility(CELLS_B, "GB-EAW", "police_station", False, False)
    delegacia = _facility(DELEGACIA, "BR", "police_station", False, None)
    a, b, c = (
        make.court("GB-EAW", name="Court A"),
        make.court("GB-EAW", name="Court B"),
        make.court("BR", name="Court C"),
    )
    a.area, b.area, c.area = "North", "South", "Centro"
    db.session.commit()

    courts = {"a": a, "b": b, "c": c}
    cases = {}
    for reference, (court, sex, born, events) in CASES.items():
        kid = make.child(court=courts[court], sex=sex, date_of_birth=born, given_name=SECRET_NAME)
        cases[reference.lower()] = make.case(court=courts[court], child=kid, reference=reference, events=events)
    for facility, day in ((home, date(2025, 9, 1)), (cells, date(2024, 1, 1))):
        db.session.add(
            FacilityInspection(
                facility_id=facility.id, inspected_on=day, inspector="Inspectorate", recorded_at=utcnow()
            )
        )
    for code, area, year, population in (("GB-EAW", "", 2025, 100_000), ("GB-EAW", "North", 2026, 40_000)):
        db.session.add(ChildPopulation(jurisdiction_code=code, area=area, year=year, population=population))
    db.session.add(ChildPopulation(jurisdiction_code="BR", area="", year=2026, population=50_000))
    fact = {"indicator": 14, "answer": "yes", "recorded_on": date(2026, 1, 15)}
    db.session.add(PolicyFact(jurisdiction_code="GB-EAW", updated_at=utcnow(), **fact))
    for row in db.session.new:
        if isinstance(row, ChildPopulation):
            row.updated_at = utcnow()
    db.session.commit()
    return SimpleNamespace(
        courts=SimpleNamespace(**courts),
        facilities=SimpleNamespace(home=home, cells=cells, delegacia=delegacia),
        cases=SimpleNamespace(**cases),
        oversight=make.user(Role.OVERSIGHT),
        admin=make.admin(),
    )
