"""Synthetic oversight demo data: the facility register, child populations, policy facts, and enough custody
histories in each demo jurisdiction for the aggregates to show numbers rather than only "<5".

Loaded by `justice_tracker.demo.load_demo` after the demo cases, through the real services (events,
corrections of nothing, stored episodes and deadlines), relative to now. No real person or place.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from justice_tracker.auth.models import User
from justice_tracker.cases import services
from justice_tracker.db import db
from justice_tracker.org import services as org_services
from justice_tracker.org.models import Court, Facility
from justice_tracker.oversight import register

# facility name → (area, complaints mechanism, days since the last independent inspection or None)
REGISTER = {
    "Northbridge Police Station (demo)": ("Northbridge", True, 200),
    "Northbridge Secure Children's Home (demo)": ("Northbridge", True, 90),
    "Hillcrest Young Offender Institution (demo)": ("Hillcrest", True, 500),
    "Unidade de Internação Provisória Porto Claro (demo)": ("Porto Claro", True, 150),
    "Delegacia Central Porto Claro (demo)": ("Porto Claro", False, None),
    "Observation Home Riverside (demo)": ("Riverside", None, 300),
    "Établissement pour mineurs Valmont (demo)": ("Valmont", True, 40),
    "Lakeside Central Police Station (demo)": ("Lakeside", False, None),
    "Commissariat de Valmont (demo)": ("Valmont", True, 700),
}
# jurisdiction → (child population of the jurisdiction, of the demo court's area)
POPULATIONS = {
    "GB-EAW": (12_500_000, 180_000),
    "BR": (52_000_000, 310_000),
    "IN": (430_000_000, 950_000),
    "FR": (14_600_000, 120_000),
    "KE": (24_000_000, 260_000),
}
POLICY = {
    "GB-EAW": {12: "yes", 13: "yes", 14: "yes", 15: "partial"},
    "BR": {12: "partial", 13: "yes", 14: "yes", 15: "no"},
    "IN": {12: "partial", 13: "partial", 14: "yes", 15: "partial"},
    "FR": {12: "yes", 13: "yes", 14: "yes", 15: "yes"},
    "KE": {12: "no", 13: "partial", 14: "yes", 15: "no"},
}
# jurisdiction → (police station, detention facility, offence classes)
PLACES = {
    "GB-EAW": (
        "Northbridge Police Station (demo)",
        "Northbridge Secure Children's Home (demo)",
        ("summary", "either_way", "indictable"),
    ),
    "BR": (
        "Delegacia Central Porto Claro (demo)",
        "Unidade de Internação Provisória Porto Claro (demo)",
        ("other", "grave"),
    ),
    "IN": ("Observation Home Riverside (demo)", "Observation Home Riverside (demo)", ("petty", "serious", "heinous")),
    "FR": ("Commissariat de Valmont (demo)", "Établissement pour mineurs Valmont (demo)", ("delit", "crime")),
    "KE": ("Lakeside Central Police Station (demo)", "Lakeside Central Police Station (demo)", ("petty", "other")),
}
CASES_PER_COURT = 60
GIVEN = ["Amo", "Bex", "Cato", "Dee", "Ezra", "Fia", "Gus", "Hana", "Ivo", "Jaz", "Kai", "Lio", "Mika", "Nox"]
FAMILY = ["Demoford", "Examplar", "Fictiva", "Mockley", "Samplino", "Testwick"]


def load_register(admin: User, now: datetime) -> int:
    """Areas, complaints mechanisms and inspections of the demo facilities; returns the inspections added."""
    org_services.save(
        admin,
        Facility,
        None,
        {
            "name": "Commissariat de Valmont (demo)",
            "jurisdiction_code": "FR",
            "kind": "police_station",
            "separated_from_adults": True,
            "capacity": 8,
            "active": True,
        },
    )
    added = 0
    for facility in db.session.scalars(select(Facility).where(Facility.name.in_(list(REGISTER)))):
        area, complaints, inspected = REGISTER[facility.name]
        facility.area, facility.complaints_mechanism = area, complaints
        if inspected is not None:
            day = (now - timedelta(days=inspected)).date()
            register.add_inspection(
                admin, facility, inspected_on=day, inspector="National inspectorate (demo)", independent=True
            )
            added += 1
    db.session.flush()
    return added


def load_reference(admin: User, now: datetime) -> None:
    """Child populations (this year and last) and the policy facts of the demo jurisdictions."""
    areas = {c.jurisdiction_code: c.area for c in db.session.scalars(select(Court)) if c.area}
    for code, (whole, area_population) in POPULATIONS.items():
        for year in (now.year - 1, now.year):
            register.save_population(
                admin, jurisdiction_code=code, area=None, year=year, population=whole, source="Synthetic demo figure"
            )
            if code in areas:
                register.save_population(
                    admin,
                    jurisdiction_code=code,
                    area=areas[code],
                    year=year,
                    population=area_population,
                    source="Synthetic demo figure",
                )
    recorded = (now - timedelta(days=30)).date()
    for code, answers in POLICY.items():
        for indicator, answer in answers.items():
            register.save_policy_fact(
                admin,
                jurisdiction_code=code,
                indicator=indicator,
                answer=answer,
                recorded_on=recorded,
                source="Synthetic demo fact",
            )


Item = tuple[str, timedelta, dict[str, Any]]


def _history(rng: random.Random, code: str, d: timedelta, h: timedelta, now: datetime) -> list[Item]:
    """One child's custody path, as events at times before now (the `timedelta`s are how long ago)."""
    police, held_in, _classes = PLACES[code]
    start = rng.randint(3, 330) * d + rng.randint(0, 23) * h
    separated = code not in ("KE",)
    items: list[Item] = [("apprehended", start, {"facility": police, "separated_from_adults": separated})]
    path = rng.choices(["released", "remand_released", "remand_held", "sentenced", "diverted"], [40, 22, 14, 12, 12])[0]
    if path in ("released", "diverted"):
        items.append(("released", start - rng.randint(2, 40) * h, {"kind": "to_parents"}))
        if path == "diverted":
            items.append(
                (
                    "diversion_considered",
                    start - rng.randint(3, 10) * d,
                    {"outcome": "diverted", "reasons": "First contact; family support (demo)"},
                )
            )
        return [i for i in items if i[1] > timedelta(0)]
    remand = start - rng.randint(18, 60) * h
    items.append(("brought_before_authority", remand + h, {"authority": "Court (demo)"}))
    items.append(
        (
            "diversion_considered",
            remand + timedelta(minutes=30),
            {"outcome": "not_diverted", "reasons": "Risk assessment (demo)"},
        )
    )
    items.append(("pretrial_detention_ordered", remand, {"facility": held_in, "separated_from_adults": True}))
    stay = rng.choice([rng.randint(3, 30), rng.randint(20, 120), rng.randint(60, 240)]) * d
    if path == "remand_held" or remand - stay <= timedelta(hours=2):
        if rng.random() < 0.6:
            items.append(
                (
                    "hearing_scheduled",
                    remand / 2,
                    {"hearing_at": (now + rng.randint(2, 40) * d).strftime("%Y-%m-%dT%H:%M:%SZ"), "purpose": "trial"},
                )
            )
        return items
    if path == "sentenced":
        finding = remand - stay
        items.append(("adjudicated", finding, {"finding": "responsible"}))
        items.append(
            ("sentenced", finding - h, {"custodial": True, "measure": "Custodial measure (demo)", "length_days": 180})
        )
        served = rng.randint(30, 200) * d
        if finding - served > timedelta(hours=2):
            items.append(("released", finding - served, {"kind": "unconditional"}))
            if rng.random() < 0.5 and finding - served > 3 * d:
                items.append(("aftercare_started", finding - served - 2 * d, {"provider": "Aftercare service (demo)"}))
        return items
    items.append(("released", remand - stay, {"kind": rng.choice(["bail", "conditions", "alternative_measure"])}))
    return items


def load_histories(
    admin: User,
    courts: Sequence[Court],
    now: datetime,
    rng: random.Random,
    child: Callable[[int, int, Court], Any],
) -> int:
    """Synthetic custody histories: `CASES_PER_COURT` per demo court; returns the number of cases."""
    d, h = timedelta(days=1), timedelta(hours=1)
    count = 0
    for court in courts:
        classes = PLACES[court.jurisdiction_code][2]
        for n in range(CASES_PER_COURT):
            index = 100 + count
            kid = child(index, rng.randint(12, 17), court)
            offence = rng.choice(classes)
            data = {
                "reference": f"OV-{court.jurisdiction_code}-{n + 1:03d}",
                "offences": [
                    {
                        "description": "offence (demo)",
                        "offence_class": offence,
                        "max_penalty_years": rng.choice([1, 3, 5, 10]),
                    }
                ],
            }
            case = services.open_case(admin, kid, data, court=court)
            items = _history(rng, court.jurisdiction_code, d, h, now)
            payload = [{"type": t, "at": now - ago, "details": details} for t, ago, details in items]
            services.record_events(admin, case, payload, path_prefix="events.")
            count += 1
    return count


def birth_date(rng: random.Random, now: datetime, age: int) -> date:
    return (now - timedelta(days=int(age * 365.25) + rng.randint(10, 300))).date()
