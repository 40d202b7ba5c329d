"""Synthetic demonstration data: no real person. Loaded by `flask demo load` (and `make run`).

Timelines are placed relative to now so that the demo always shows children in
custody today, some past a limit, and every kind of event.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from justice_tracker.auth import passwords
from justice_tracker.auth.models import Role, User
from justice_tracker.cases import services
from justice_tracker.cases.models import Case
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.org.models import Court, Facility
from justice_tracker.oversight import demo as oversight_demo
from justice_tracker.programmes import demo as programmes_demo

DEMO_PASSWORD = "demo passphrase for training"  # noqa: S105 - published in the README on purpose

COURTS = [
    ("Youth Court — Northbridge (demo)", "GB-EAW", None),
    ("Vara da Infância e Juventude — Porto Claro (demo)", "BR", None),
    ("Juvenile Justice Board — Riverside (demo)", "IN", None),
    ("Tribunal pour enfants — Valmont (demo)", "FR", None),
    ("Children's Court — Lakeside (demo)", "KE", None),
]
FACILITIES = [
    ("Northbridge Police Station (demo)", "GB-EAW", "police_station", True, 12),
    ("Northbridge Secure Children's Home (demo)", "GB-EAW", "youth_detention_centre", True, 24),
    ("Hillcrest Young Offender Institution (demo)", "GB-EAW", "prison", True, 120),
    ("Unidade de Internação Provisória Porto Claro (demo)", "BR", "youth_detention_centre", True, 60),
    ("Delegacia Central Porto Claro (demo)", "BR", "police_station", False, 30),
    ("Observation Home Riverside (demo)", "IN", "remand_home", True, 40),
    ("Établissement pour mineurs Valmont (demo)", "FR", "youth_detention_centre", True, 50),
    ("Lakeside Central Police Station (demo)", "KE", "police_station", False, 40),
]
USERS = [
    ("admin@demo.test", "Ada Admin", Role.ADMIN, None),
    ("clerk.gb@demo.test", "Colin Clerk", Role.CLERK, 0),
    ("clerk.br@demo.test", "Clara Escrivã", Role.CLERK, 1),
    ("clerk.in@demo.test", "Chitra Clerk", Role.CLERK, 2),
    ("clerk.fr@demo.test", "Claire Greffière", Role.CLERK, 3),
    ("clerk.ke@demo.test", "Kamau Clerk", Role.CLERK, 4),
    ("lawyer@demo.test", "Lena Lawyer", Role.LAWYER, None),
    ("lawyer2@demo.test", "Luis Advogado", Role.LAWYER, None),
    ("oversight@demo.test", "Olu Oversight", Role.OVERSIGHT, None),
    ("coordinator@demo.test", "Cora Coordinator", Role.COORDINATOR, None),
]
GIVEN = ["Ari", "Bea", "Cai", "Dara", "Eli", "Fen", "Gia", "Hal", "Ila", "Jo", "Kit", "Lu", "Mo", "Nia", "Oli", "Pia"]
FAMILY = ["Demoson", "Examplo", "Samplewood", "Testa", "Placeholder", "Fictif", "Imaginário", "Synthetica"]


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


def load_demo(seed: int = 2026) -> str:
    """Create demo courts, facilities, users and cases; returns a one-line summary."""
    rng = random.Random(seed)
    now = utcnow().replace(second=0, microsecond=0)
    courts = [
        Court(name=n, jurisdiction_code=j, time_zone=tz, area=area, active=True)
        for (n, j, tz), area in zip(COURTS, programmes_demo.COURT_AREAS, strict=True)
    ]
    db.session.add_all(courts)
    db.session.add_all(
        Facility(name=n, jurisdiction_code=j, kind=k, separated_from_adults=sep, capacity=cap, active=True)
        for n, j, k, sep, cap in FACILITIES
    )
    db.session.flush()
    hashed = passwords.hash_password(DEMO_PASSWORD)
    users = {}
    for email, name, role, court_index in USERS:
        user = User(
            email=email,
            display_name=name,
            role=role,
            court_id=courts[court_index].id if court_index is not None else None,
            password_hash=hashed,
            active=True,
            created_at=now,
            password_changed_at=now,
        )
        db.session.add(user)
        users[email] = user
    db.session.flush()
    admin, lawyer, lawyer2 = users["admin@demo.test"], users["lawyer@demo.test"], users["lawyer2@demo.test"]

    def child(index: int, age: int, court: Court, **extra: Any) -> Any:
        dob = (now - timedelta(days=int(age * 365.25) + rng.randint(10, 300))).date()
        data = {
            "given_name": GIVEN[index % len(GIVEN)],
            "family_name": FAMILY[index % len(FAMILY)],
            "date_of_birth": dob,
            "date_of_birth_estimated": extra.pop("estimated", False),
            "sex": rng.choice(["F", "M", "M", "X"]),
            "languages": extra.pop("languages", ["en"]),
            "guardian_name": f"Guardian of demo child {index}",
            "guardian_relationship": "parent",
            "guardian_contact": f"+00 555 01{index:02d}",
        }
        return services.register_child(admin, data, court=court)

    def case(court: Court, kid: Any, reference: str, offences: list[dict[str, Any]], lawyers: list[User]) -> Case:
        data = {"reference": reference, "offences": offences, "lawyer_ids": [u.id for u in lawyers]}
        return services.open_case(admin, kid, data, court=court)

    def events(c: Case, items: list[tuple[str, timedelta, dict[str, Any]]]) -> None:
        payload = [{"type": t, "at": now - ago, "details": d} for t, ago, d in items]
        # As a clerk would record them one by one: detention needs alternatives considered first.
        services.record_events(admin, c, payload, path_prefix="events.", require_diversion=True)

    gb, br, india, fr, ke = courts
    d, h = timedelta(days=1), timedelta(hours=1)

    # England and Wales: the whole path, ending in sentenced custody under appeal.
    c1 = case(
        gb,
        child(0, 16, gb),
        "NB-2026-001",
        [{"description": "robbery", "max_penalty_years": 14, "offence_class": "indictable"}],
        [lawyer],
    )
    events(
        c1,
        [
            ("apprehended", 120 * d, {"facility": "Northbridge Police Station (demo)", "separated_from_adults": True}),
            ("parent_notified", 120 * d - 1 * h, {"who": "mother"}),
            ("lawyer_assigned", 120 * d - 2 * h, {"lawyer": "Lena Lawyer", "legal_aid": True}),
            ("social_worker_notified", 120 * d - 3 * h, {"who": "Youth offending team"}),
            (
                "custody_extended",
                119 * d - 2 * h,
                {"legal_basis": "PACE s. 42", "authority": "Superintendent", "extension_hours": 12},
            ),
            ("charged", 119 * d + 4 * h, {"authority": "CPS"}),
            ("brought_before_authority", 119 * d, {"authority": "Youth Court"}),
            (
                "diversion_considered",
                119 * d - 1 * h,
                {"outcome": "not_diverted", "reasons": "Seriousness of the alleged offence"},
            ),
            (
                "pretrial_detention_ordered",
                119 * d - 2 * h,
                {
                    "facility": "Northbridge Secure Children's Home (demo)",
                    "separated_from_adults": True,
                    "authority": "Youth Court",
                },
            ),
            ("detention_reviewed", 105 * d, {"outcome": "continued", "authority": "Youth Court"}),
            ("hearing_scheduled", 104 * d, {"hearing_at": (now - 60 * d).isoformat(), "purpose": "trial"}),
            ("hearing_adjourned", 90 * d, {"reason": "Prosecution witness unavailable"}),
            (
                "transferred",
                80 * d,
                {"facility": "Hillcrest Young Offender Institution (demo)", "separated_from_adults": True},
            ),
            (
                "child_heard",
                60 * d,
                {"present": ["lawyer", "parent"], "language": "English", "information_understood": True},
            ),
            ("hearing_held", 60 * d + 1 * h, {"purpose": "trial"}),
            ("adjudicated", 59 * d, {"finding": "responsible"}),
            ("sentenced", 45 * d, {"custodial": True, "measure": "Detention and training order", "length_days": 240}),
            ("appeal_filed", 40 * d, {"by": "child"}),
            ("appeal_decided", 10 * d, {"outcome": "dismissed"}),
        ],
    )

    # Brazil: provisional internment past the 45-day limit of ECA art. 108.
    c2 = case(
        br,
        child(1, 15, br, languages=["pt"]),
        "PC-0042/2026",
        [{"description": "furto", "max_penalty_years": 4, "offence_class": "other"}],
        [lawyer2],
    )
    events(
        c2,
        [
            (
                "apprehended",
                52 * d,
                {"facility": "Delegacia Central Porto Claro (demo)", "separated_from_adults": False},
            ),
            ("parent_notified", 52 * d - 2 * h, {"who": "avó"}),
            ("brought_before_authority", 51 * d, {"authority": "Ministério Público"}),
            (
                "diversion_considered",
                50 * d + 1 * h,
                {
                    "outcome": "not_diverted",
                    "reasons": "Remissão recusada pelo Ministério Público",
                    "alternatives": "- Círculos de Justiça Restaurativa: sem vaga\n"
                    "- Casa de Acolhimento Provisório: não considerada adequada",
                },
            ),
            (
                "pretrial_detention_ordered",
                50 * d,
                {
                    "facility": "Unidade de Internação Provisória Porto Claro (demo)",
                    "separated_from_adults": True,
                    "authority": "Juiz da Infância",
                },
            ),
        ],
    )

    # India: released on bail, diverted, closed.
    c3 = case(
        india,
        child(2, 14, india, estimated=True, languages=["hi", "en"]),
        "JJB-RS-17/2026",
        [{"description": "petty theft", "max_penalty_years": 2, "offence_class": "petty"}],
        [lawyer],
    )
    events(
        c3,
        [
            ("apprehended", 70 * d, {"facility": "Observation Home Riverside (demo)", "separated_from_adults": True}),
            ("brought_before_authority", 70 * d - 8 * h, {"authority": "Juvenile Justice Board"}),
            ("released", 70 * d - 9 * h, {"kind": "bail"}),
            ("social_worker_notified", 69 * d, {"who": "Probation officer"}),
            (
                "limit_extended",
                45 * d,
                {
                    "rule": "in-jja-14-inquiry-4m",
                    "legal_basis": "JJ Act 2015, s. 14(2) proviso",
                    "authority": "Juvenile Justice Board",
                    "extension_months": 2,
                },
            ),
            ("diversion_considered", 40 * d, {"outcome": "diverted", "reasons": "First contact; family support"}),
            ("proceedings_terminated", 20 * d, {"ground": "diverted"}),
            ("case_closed", 19 * d, {}),
        ],
    )

    # France: short police custody, non-custodial measure, aftercare.
    c4 = case(
        fr,
        child(3, 15, fr, languages=["fr"]),
        "TE-VAL-2026-0007",
        [{"description": "dégradation", "max_penalty_years": 2, "offence_class": "delit"}],
        [],
    )
    events(
        c4,
        [
            ("apprehended", 200 * d, {"facility": "Commissariat de Valmont"}),
            (
                "custody_extended",
                199 * d - 12 * h,
                {"legal_basis": "L413-10", "authority": "Procureur", "extension_hours": 24},
            ),
            ("released", 199 * d - 20 * h, {"kind": "to_parents"}),
            ("charged", 150 * d, {}),
            ("hearing_held", 100 * d, {"purpose": "culpability"}),
            ("adjudicated", 100 * d - 1 * h, {"finding": "responsible"}),
            ("sentenced", 30 * d, {"custodial": False, "measure": "Mesure éducative judiciaire"}),
            ("aftercare_started", 25 * d, {"provider": "PJJ Valmont"}),
            ("case_closed", 5 * d, {}),
        ],
    )

    # Kenya: held three days at a police station with adults, never brought before a court.
    c5 = case(
        ke,
        child(4, 13, ke, languages=["sw", "en"]),
        "LK-CH-88/2026",
        [{"description": "trespass", "max_penalty_years": 0.5, "offence_class": "petty"}],
        [lawyer2],
    )
    events(
        c5,
        [
            (
                "apprehended",
                3 * d + 5 * h,
                {"facility": "Lakeside Central Police Station (demo)", "separated_from_adults": False},
            )
        ],
    )

    # A correction: the release time was entered wrongly and corrected with a reason.
    c6 = case(
        gb,
        child(5, 14, gb),
        "NB-2026-014",
        [{"description": "criminal damage", "max_penalty_years": 10, "offence_class": "either_way"}],
        [lawyer],
    )
    events(
        c6,
        [
            ("apprehended", 9 * d, {"facility": "Northbridge Police Station (demo)", "separated_from_adults": True}),
            ("released", 8 * d, {"kind": "conditions"}),
        ],
    )
    wrong = c6.events[-1]
    services.correct_event(
        admin,
        c6,
        wrong,
        reason="Release time copied from the wrong custody record",
        at=now - 9 * d + 20 * h,
        expected_version=None,
    )

    # Filler cases for lists and paging: simple police custody and release.
    for n in range(6, 26):
        court = courts[n % len(courts)]
        c = case(
            court,
            child(n, rng.randint(12, 17), court),
            f"DEMO-{n:03d}",
            [{"description": "minor offence", "max_penalty_years": rng.choice([1, 2, 5])}],
            [lawyer] if n % 3 == 0 else [],
        )
        start = rng.randint(2, 300) * d
        station = oversight_demo.PLACES[court.jurisdiction_code][0]
        items = [
            ("apprehended", start, {"facility": station, "separated_from_adults": court.jurisdiction_code != "KE"})
        ]
        if n % 4:
            items.append(("released", start - rng.randint(2, 30) * h, {"kind": "to_parents"}))
        events(c, items)

    programmes, referrals = programmes_demo.load(admin, users["coordinator@demo.test"], now)
    # Oversight: the facility register, child populations, policy facts and enough custody histories to count.
    oversight_demo.load_register(admin, now)
    oversight_demo.load_reference(admin, now)
    histories = oversight_demo.load_histories(admin, courts, now, rng, child)
    return (
        f"demo loaded: {len(courts)} courts, {len(FACILITIES)} facilities, {len(USERS)} users, {26 + histories} cases, "
        f"{programmes} programmes, {referrals} referrals"
    )
