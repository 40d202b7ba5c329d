"""Demo-like cases of several jurisdictions, built through the real services, and reading PDFs back.

Times are relative to the frozen test clock (`REAL_NOW`), like the demo data is to now.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.programmes import services as programme_services
from justice_tracker.programmes.models import Programme
from justice_tracker.programmes.referrals import StepInput
from tests.api.helpers import api_for  # noqa: F401 - fixture
from tests.conftest import REAL_NOW
from tests.programmes.conftest import registry  # noqa: F401 - fixture

D, H = timedelta(days=1), timedelta(hours=1)


def ago(delta: timedelta):
    return REAL_NOW - delta


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, pages joined, whitespace collapsed (so a wrapped phrase still matches)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def squeezed(text: str) -> str:
    """Text without any whitespace: what was one word before a line break split it."""
    return "".join(text.split())


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def refer(actor: User, case: Case, programme: Programme, steps: list[tuple[str, timedelta, str | None]]) -> None:
    """A referral of `case` to `programme` through the services: (state, how long ago, reason) per step."""
    (_, first, reason), *later = steps
    referral = programme_services.create_referral(actor, case, programme, at=ago(first), reason=reason)
    for state, when, why in later:
        step = StepInput(state, reason=why, child_consent=True, parent_consent=True)
        programme_services.change_referral(actor, referral, step, at=ago(when), expected_version=None)
    db.session.commit()


@pytest.fixture()
def lawyer(make):
    return make.user(Role.LAWYER)


def demo_case(make, lawyer, jurisdiction: str, court: str, child: dict[str, Any], case: dict[str, Any], events: list):
    """A case of `jurisdiction` in a new court named `court`, its child, one offence, `lawyer`, and `events`."""
    where = make.court(jurisdiction, name=court)
    kid = make.child(court=where, **child)
    return make.case(court=where, child=kid, lawyers=[lawyer], events=events, **case)


@pytest.fixture()
def gb_case(make, lawyer):
    """England and Wales: in pre-trial detention for 19 days, a trial hearing in 9 days, diversion refused."""
    held = {"facility": "Northbridge Secure Children's Home", "separated_from_adults": True, "authority": "Youth Court"}
    heard = {"present": ["lawyer", "parent", "interpreter"], "language": "English", "information_understood": True}
    return demo_case(
        make,
        lawyer,
        "GB-EAW",
        "Northbridge Youth Court (test)",
        {"given_name": "Ari", "family_name": "Demoson"},
        {
            "reference": "NB-2026-001",
            "offences": [{"description": "robbery", "max_penalty_years": 14, "offence_class": "indictable"}],
        },
        [
            ("apprehended", ago(20 * D), {"facility": "Northbridge Police Station", "separated_from_adults": True}),
            ("parent_notified", ago(20 * D - 1 * H), {"who": "mother"}),
            ("lawyer_assigned", ago(20 * D - 2 * H), {"lawyer": "Lena Lawyer", "legal_aid": True}),
            ("brought_before_authority", ago(19 * D), {"authority": "Youth Court"}),
            (
                "diversion_considered",
                ago(19 * D - H),
                {"outcome": "not_diverted", "reasons": "Seriousness of the alleged offence"},
            ),
            ("pretrial_detention_ordered", ago(19 * D - 2 * H), held),
            ("child_heard", ago(10 * D), heard),
            ("hearing_scheduled", ago(5 * D), {"hearing_at": (REAL_NOW + 9 * D).isoformat(), "purpose": "trial"}),
        ],
    )


@pytest.fixture()
def br_case(make, lawyer):
    """Brazil: provisional internment past the 45 days of ECA art. 108."""
    interned = {"facility": "Unidade de Internação Provisória", "separated_from_adults": True, "authority": "Juiz"}
    return demo_case(
        make,
        lawyer,
        "BR",
        "Vara da Infância — Porto Claro (test)",
        {"given_name": "Bea", "family_name": "Examplo", "languages": ["pt"]},
        {
            "reference": "PC-0042/2026",
            "offences": [{"description": "furto", "max_penalty_years": 4, "offence_class": "other"}],
        },
        [
            ("apprehended", ago(52 * D), {"facility": "Delegacia Central", "separated_from_adults": False}),
            ("parent_notified", ago(52 * D - 2 * H), {"who": "avó"}),
            ("brought_before_authority", ago(51 * D), {"authority": "Ministério Público"}),
            ("pretrial_detention_ordered", ago(50 * D), interned),
        ],
    )


@pytest.fixture()
def fr_case(make, lawyer):
    """France: short police custody, released to parents, a measure; the child speaks French."""
    return demo_case(
        make,
        lawyer,
        "FR",
        "Tribunal pour enfants — Valmont (test)",
        {"given_name": "Chloé", "family_name": "Fictif", "languages": ["fr"]},
        {
            "reference": "TE-VAL-2026-0007",
            "offences": [{"description": "dégradation", "max_penalty_years": 2, "offence_class": "delit"}],
        },
        [
            ("apprehended", ago(40 * D), {"facility": "Commissariat de Valmont"}),
            ("released", ago(40 * D - 10 * H), {"kind": "to_parents"}),
            ("diversion_considered", ago(30 * D), {"outcome": "deferred", "reasons": "Rapport éducatif attendu"}),
        ],
    )


@pytest.fixture()
def ke_case(make, lawyer):
    """Kenya: held three days at a police station with adults, never brought before a court; speaks Spanish."""
    return demo_case(
        make,
        lawyer,
        "KE",
        "Children's Court — Lakeside (test)",
        {"given_name": "Dara", "family_name": "Testa", "languages": ["es"]},
        {"reference": "LK-CH-88/2026", "offences": [{"description": "trespass", "max_penalty_years": 0.5}]},
        [("apprehended", ago(3 * D + 5 * H), {"facility": "Lakeside Police Station", "separated_from_adults": False})],
    )
