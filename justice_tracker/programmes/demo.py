"""Synthetic demo registry (29 programmes, 7 at capacity) and referrals in every state.

Loaded by `justice_tracker.demo.load_demo`: through the registry import and the
referral services, so that the demo exercises the same paths as real use.
No real programme or provider is named.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from justice_tracker.auth.models import User
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.programmes import services
from justice_tracker.programmes.models import Programme
from justice_tracker.programmes.referrals import StepInput
from justice_tracker.programmes.registry_io import Row, import_registry
from justice_tracker.programmes.vocabulary import AFTERCARE, PRE_CHARGE, PRE_TRIAL, SENTENCING

COURT_AREAS = ("Northbridge", "Porto Claro", "Riverside", "Valmont", "Lakeside")
COORDINATED = ("GB-RJC-01", "GB-MEN-02", "GB-BAIL-03", "GB-AFT-07")
ALL_STAGES = [PRE_CHARGE, PRE_TRIAL, SENTENCING, AFTERCARE]

# code, name, provider, type, stages, jurisdiction, areas, languages, (min, max age), (places, enrolled, waiting, wait)
_ROWS: list[tuple[Any, ...]] = [
    ("GB-RJC-01", "Northbridge Restorative Conferences", "Northbridge Youth Justice Service (demo)",
     "restorative_justice_conference", [PRE_CHARGE, PRE_TRIAL], "GB-EAW", ["Northbridge"], ["en"], (10, 17),
     (12, 7, 0, None), {"requires_acknowledgement": True, "requires_parent_consent": True}),
    ("GB-MEN-02", "Step Up Mentoring", "Step Up Trust (demo)", "mentoring", ALL_STAGES, "GB-EAW",
     ["Northbridge", "Southbridge"], ["en", "pl"], (10, 17), (20, 18, 0, None), {}),
    ("GB-BAIL-03", "Northbridge Bail Support", "Northbridge Youth Justice Service (demo)", "bail_support",
     [PRE_TRIAL], "GB-EAW", ["Northbridge"], ["en"], (12, 17), (8, 6, 0, None), {"exclusions": ["current violence"]}),
    ("GB-ISS-04", "Intensive Supervision and Surveillance", "County Youth Offending Team (demo)", "supervision",
     [PRE_TRIAL, SENTENCING], "GB-EAW", [], ["en"], (12, 17), (10, 10, 3, 45), {}),
    ("GB-FOS-05", "Remand Foster Care", "Fostering Futures (demo)", "foster_shelter_placement", [PRE_TRIAL],
     "GB-EAW", [], ["en"], (10, 17), (4, 4, 2, 60), {}),
    ("GB-EDU-06", "Southbridge Skills Workshop", "Southbridge College (demo)", "education_vocational",
     [SENTENCING, AFTERCARE], "GB-EAW", ["Southbridge"], ["en"], (15, 17), (15, 5, 0, None), {}),
    ("GB-AFT-07", "Resettlement and Aftercare Team", "Northbridge Youth Justice Service (demo)", "supervision",
     [AFTERCARE], "GB-EAW", [], ["en"], (12, 18), (25, 11, 0, None), {}),
    ("BR-JR-01", "Círculos de Justiça Restaurativa", "Núcleo de Justiça Restaurativa (demo)",
     "restorative_justice_conference", [PRE_CHARGE, PRE_TRIAL], "BR", ["Porto Claro"], ["pt"], (12, 17),
     (15, 15, 6, 30), {"requires_acknowledgement": True}),
    ("BR-LA-02", "Liberdade Assistida Comunitária", "CREAS Porto Claro (demo)", "supervision", [SENTENCING], "BR",
     ["Porto Claro"], ["pt"], (12, 17), (40, 31, 0, None), {}),
    ("BR-PSC-03", "Prestação de Serviços à Comunidade", "Secretaria de Assistência Social (demo)",
     "community_service", [SENTENCING], "BR", ["Porto Claro", "Vila Nova"], ["pt"], (12, 17), (30, 12, 0, None),
     {}),
    ("BR-ACO-04", "Casa de Acolhimento Provisório", "Associação Acolher (demo)", "foster_shelter_placement",
     [PRE_TRIAL], "BR", [], ["pt"], (12, 17), (10, 9, 0, None), {}),
    ("BR-EDU-05", "Oficinas Profissionalizantes", "Instituto Aprender (demo)", "education_vocational",
     [PRE_TRIAL, SENTENCING, AFTERCARE], "BR", ["Vila Nova"], ["pt", "es"], (14, 17), (25, 25, 10, 90), {}),
    ("BR-MED-06", "Mediação Familiar", "Defensoria Pública — núcleo da infância (demo)", "family_group_conference",
     [PRE_CHARGE, PRE_TRIAL], "BR", ["Porto Claro"], ["pt"], (12, 17), (8, 2, 0, None),
     {"requires_parent_consent": True}),
    ("IN-COUN-01", "Riverside Child Guidance Counselling", "Riverside Child Guidance Centre (demo)",
     "counselling_therapy", [PRE_CHARGE, PRE_TRIAL, SENTENCING], "IN", ["Riverside"], ["hi", "en"], (7, 17),
     (30, 18, 0, None), {}),
    ("IN-PROB-02", "Probation Officer Supervision", "District Child Protection Unit (demo)", "supervision",
     [SENTENCING], "IN", [], ["hi", "en"], (12, 17), (50, 44, 0, None), {}),
    ("IN-CS-03", "Community Service at Riverside Schools", "Riverside Schools Trust (demo)", "community_service",
     [SENTENCING], "IN", ["Riverside"], ["hi"], (14, 17), (20, 20, 4, 21), {"offence_classes": ["petty", "serious"]}),
    ("IN-SPON-04", "Sponsorship and Education Support", "District Child Protection Unit (demo)",
     "education_vocational", [SENTENCING, AFTERCARE], "IN", [], ["hi", "en"], (10, 17), (40, 12, 0, None), {}),
    ("IN-FIT-05", "Fit Facility Shelter", "Sahara Children's Home (demo)", "foster_shelter_placement", [PRE_TRIAL],
     "IN", ["Riverside"], ["hi"], (7, 17), (12, 7, 0, None), {}),
    ("IN-MEN-06", "Peer Mentors Riverside", "Youth Forward (demo)", "mentoring", [PRE_CHARGE, AFTERCARE], "IN",
     ["Riverside"], ["hi", "en", "ur"], (12, 17), (15, 3, 0, None), {"excluded_offence_classes": ["heinous"]}),
    ("FR-REP-01", "Réparation pénale Valmont", "Association Réparer (demo)", "victim_offender_mediation",
     [PRE_CHARGE, SENTENCING], "FR", ["Valmont"], ["fr"], (13, 17), (20, 8, 0, None),
     {"excluded_offence_classes": ["crime"], "requires_acknowledgement": True}),
    ("FR-AJ-02", "Accueil de jour éducatif", "PJJ — unité éducative de jour (demo)", "reporting_centre",
     [PRE_TRIAL, SENTENCING], "FR", ["Valmont"], ["fr", "ar"], (13, 17), (16, 16, 5, 40), {}),
    ("FR-PLAC-03", "Placement en famille d'accueil", "Service de placement familial (demo)",
     "foster_shelter_placement", [PRE_TRIAL, SENTENCING], "FR", [], ["fr"], (13, 17), (6, 5, 0, None), {}),
    ("FR-TIG-04", "Travail d'intérêt général mineurs", "Mairie de Valmont (demo)", "community_service",
     [SENTENCING], "FR", ["Valmont"], ["fr"], (16, 17), (12, 4, 0, None), {}),
    ("FR-INS-05", "Module d'insertion scolaire", "PJJ — module d'insertion (demo)", "education_vocational",
     [SENTENCING, AFTERCARE], "FR", ["Valmont", "Montclair"], ["fr"], (13, 17), (20, 9, 0, None), {}),
    ("KE-DIV-01", "Lakeside Community Diversion Panel", "Lakeside Children's Services (demo)",
     "family_group_conference", [PRE_CHARGE], "KE", ["Lakeside"], ["sw", "en"], (12, 17), (25, 10, 0, None),
     {"requires_parent_consent": True}),
    ("KE-PROB-02", "Children Officer Supervision", "Department of Children's Services (demo)", "supervision",
     [PRE_TRIAL, SENTENCING], "KE", [], ["sw", "en"], (12, 17), (30, 30, 8, 28), {}),
    ("KE-HOME-03", "Home-based Care and Supervision", "Lakeside Family Support (demo)", "home_based_supervision",
     [PRE_TRIAL], "KE", ["Lakeside"], ["sw"], (10, 17), (15, 6, 0, None), {}),
    ("KE-VOC-04", "Lakeside Vocational Training Centre", "Lakeside County (demo)", "education_vocational",
     [SENTENCING, AFTERCARE], "KE", ["Lakeside"], ["sw", "en"], (15, 17), (40, 22, 0, None), {}),
    ("KE-MEN-05", "Tujenge Mentoring", "Tujenge Youth (demo)", "mentoring", [PRE_CHARGE, PRE_TRIAL, AFTERCARE], "KE",
     ["Lakeside", "Eastport"], ["sw"], (10, 17), (20, 8, 0, None), {}),
]  # fmt: skip

ACCEPT = {"child_consent": True, "parent_consent": True, "acknowledgement": True}
# (case reference, programme code, [(state, days ago, extra)]): one referral ends in each state.
_REFERRALS: list[tuple[str, str, list[tuple[str, float, dict[str, Any]]]]] = [
    ("DEMO-020", "GB-BAIL-03", [("suggested", 1, {})]),
    ("NB-2026-001", "GB-AFT-07", [("suggested", 20, {}), ("offered", 15, {})]),
    ("DEMO-025", "GB-BAIL-03", [("suggested", 5, {}), ("offered", 4, {}), ("accepted", 3, ACCEPT)]),
    (
        "DEMO-010",
        "GB-MEN-02",
        [
            ("suggested", 30, {}),
            ("offered", 28, {}),
            ("declined", 27, {"reason": "The family prefers one nearer home"}),
        ],
    ),
    (
        "NB-2026-014",
        "GB-RJC-01",
        [("suggested", 7, {}), ("offered", 6, {}), ("accepted", 5, ACCEPT), ("started", 4, {})],
    ),
    (
        "DEMO-015",
        "GB-MEN-02",
        [
            ("suggested", 60, {}),
            ("offered", 58, {}),
            ("accepted", 57, ACCEPT),
            ("started", 50, {}),
            ("completed", 5, {}),
        ],
    ),
    (
        "DEMO-010",
        "GB-RJC-01",
        [
            ("suggested", 25, {}),
            ("offered", 24, {}),
            ("accepted", 22, ACCEPT),
            ("started", 20, {}),
            ("failed", 10, {"failure_reason": "did_not_attend", "reason": "Missed three sessions"}),
        ],
    ),
    (
        "DEMO-015",
        "GB-RJC-01",
        [("suggested", 40, {}), ("offered", 39, {}), ("closed", 35, {"reason": "Withdrawn: mentoring chosen instead"})],
    ),
    ("PC-0042/2026", "BR-ACO-04", [("suggested", 49, {})]),
]


def _row(line: int, item: tuple[Any, ...]) -> Row:
    code, name, provider, kind, stages, jurisdiction, areas, languages, ages, counts, extra = item
    places, enrolled, waiting, wait = counts
    data = {
        "code": code,
        "name": name,
        "provider": provider,
        "type": kind,
        "stages": stages,
        "jurisdiction": jurisdiction,
        "areas": areas,
        "languages": languages,
        "min_age": ages[0],
        "max_age": ages[1],
        "places": places,
        "enrolled": enrolled,
        "waiting_list": waiting,
        "wait_days": wait,
        "contact": f"{code.lower()}@programmes.demo.test",
        "description": "A synthetic programme of the demo registry.",
        **extra,
    }
    return Row(line, data)


def load(admin: User, coordinator: User, now: datetime) -> tuple[int, int]:
    """Import the demo registry, link the coordinator, make the referrals; (programmes, referrals)."""
    summary = import_registry(admin, [_row(n, item) for n, item in enumerate(_ROWS, start=1)])
    programmes = {p.code: p for p in db.session.scalars(select(Programme))}
    for code in COORDINATED:
        services.link_coordinator(admin, programmes[code], coordinator)
    cases = {c.reference: c for c in db.session.scalars(select(Case))}
    for reference, code, steps in _REFERRALS:
        _suggested, first_ago, _extra = steps[0]
        referral = services.create_referral(
            admin, cases[reference], programmes[code], at=now - timedelta(days=first_ago)
        )
        for state, ago, extra in steps[1:]:
            step = StepInput(target=state, **extra)
            services.change_referral(admin, referral, step, at=now - timedelta(days=ago), expected_version=None)
    return summary.created, len(_REFERRALS)
