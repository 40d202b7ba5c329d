"""Programme alternatives and referrals in the documents: the case summary and the release pack give the
referrals, the eligible programmes with their reasons and availability (and the case summary the ruled-out
ones), the child's summary says in plain words what each programme offered involves, and the draft
applications list the eligible alternatives with their availability."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from justice_tracker.documents import content, service
from justice_tracker.programmes.vocabulary import AFTERCARE
from tests.conftest import REAL_NOW
from tests.documents.conftest import D, H, ago, pdf_text, refer, squeezed

MENTORS_FREE = "3 of 5 places free"
CONFERENCE_FULL = "at capacity (4 of 4 places taken), 3 on the waiting list, about 21 days' wait"
PROFESSIONAL_REASON = "Proposed by the youth offending team after the bail hearing"
# A family group conference at capacity, with a waiting list, that needs a parent's consent.
FULL = {
    "type": "family_group_conference",
    "places": 4,
    "enrolled": 4,
    "waiting_list": 3,
    "wait_days": 21,
    "requires_parent_consent": True,
}


@pytest.fixture()
def gb_programmes(make, registry, gb_case):
    """Two programmes that can take Ari (one with places, one full), two that cannot; two referrals offered."""
    admin = make.admin()
    description = "Weekly meetings with a trained volunteer."
    mentors = registry.programme(
        name="Northbridge Mentors",
        provider="Bridge Trust",
        type="mentoring",
        places=5,
        enrolled=2,
        description=description,
    )
    conference = registry.programme(name="Family Conference Service", provider="Northbridge Council", **FULL)
    registry.programme(name="Junior Club", provider="Bridge Trust", type="education_vocational", min_age=8, max_age=12)
    registry.programme(name="Aftercare Link", provider="Bridge Trust", stages=[AFTERCARE])
    refer(admin, gb_case, mentors, [("suggested", 3 * D, PROFESSIONAL_REASON), ("offered", 2 * D, None)])
    refer(admin, gb_case, conference, [("suggested", 2 * D, None), ("offered", D, "Family asked for it")])
    return gb_case


def _text(user, case, kind, **options) -> str:
    return pdf_text(service.render_document(user, case, kind, via="test", **options).pdf)


def test_the_case_summary_gives_referrals_eligible_and_ruled_out_programmes(lawyer, gb_programmes):
    text = _text(lawyer, gb_programmes, service.CASE_SUMMARY)
    flat = squeezed(text)
    assert "Referrals to programmes" in text
    assert squeezed(f"Suggested 2026-05-29: {PROFESSIONAL_REASON}") in flat
    assert squeezed("Offered 2026-05-31: Family asked for it") in flat
    assert "Programmes that can take the case" in text and "pre-trial alternative to detention" in text
    assert "Northbridge Mentors" in text and "Weekly meetings with a trained volunteer." in text
    assert squeezed(MENTORS_FREE) in flat and squeezed(CONFERENCE_FULL) in flat
    assert squeezed("For: offered at this stage") in flat and squeezed("takes ages 10 to 17; the child is 16") in flat
    assert squeezed("To check: needs the child's consent and a parent's consent") in flat
    assert "Programmes ruled out" in text
    assert squeezed("Junior Club (education or vocational programme, Bridge Trust): takes ages 8 to 12") in flat
    assert squeezed("Aftercare Link") in flat and "offered at aftercare" in text


def test_the_release_pack_gives_eligible_alternatives_referrals_and_the_draft_lists_them(lawyer, gb_programmes):
    text = _text(lawyer, gb_programmes, service.RELEASE_PACK)
    flat = squeezed(text)
    assert "Programmes the child is eligible for" in text and "Referral history" in text
    assert "Northbridge Mentors" in text and "Family Conference Service" in text
    assert squeezed(MENTORS_FREE) in flat and squeezed(CONFERENCE_FULL) in flat
    assert squeezed("works in en, a language of the child") in flat
    assert squeezed(PROFESSIONAL_REASON) in flat
    assert "Junior Club" not in text  # ruled out: only counted here, listed in the case summary
    assert "2 other programme(s) of the registry cannot take the case" in text
    # The draft application (English template for GB-EAW) argues with the same alternatives.
    mentors = f"Available instead of detention: Northbridge Mentors (mentoring, Bridge Trust): {MENTORS_FREE}."
    assert squeezed(mentors) in flat
    assert squeezed("Referral to Family Conference Service (Northbridge Council): offered on 31 May 2026.") in flat


def test_the_child_summary_says_what_each_programme_offered_involves_in_english_and_french(lawyer, gb_programmes):
    text = _text(lawyer, gb_programmes, service.CHILD_SUMMARY, lang="en")
    flat = squeezed(text)
    assert "Programmes offered to you" in text and "Northbridge Mentors" in text
    assert squeezed("You meet often with an adult, a mentor, who listens to you") in flat
    assert squeezed("You have been offered a place. You can think about it and ask questions") in flat
    assert squeezed("You can say yes or no. Nobody can make you take part.") in flat
    assert squeezed("One of your parents, or the adult who looks after you, must agree too.") in flat
    assert squeezed("you may have to wait about 21 days") in flat
    assert squeezed("It costs your family nothing.") in flat
    # No professional wording, no charge, no ruled-out or merely suggested programme.
    assert squeezed(PROFESSIONAL_REASON) not in flat and "Family asked for it" not in text
    assert "robbery" not in text and "Junior Club" not in text and "Aftercare Link" not in text
    text = _text(lawyer, gb_programmes, service.CHILD_SUMMARY, lang="fr")
    flat = squeezed(text)
    assert "Les programmes qu'on t'a proposés" in text and "Family Conference Service" in text
    assert squeezed("Tu vois souvent un adulte, un mentor, qui t'écoute") in flat
    assert squeezed("Toi, ta famille et des personnes qui te soutiennent") in flat
    assert squeezed("On t'a proposé une place.") in flat and squeezed("C'est gratuit pour ta famille.") in flat
    assert squeezed("tu devras peut-être attendre environ 21 jours") in flat
    assert squeezed(PROFESSIONAL_REASON) not in flat


def test_referrals_are_read_as_they_stood_at_as_of(make, lawyer, gb_programmes):
    def doc(as_of):
        return content.build(gb_programmes, as_of, user=lawyer, generated_at=REAL_NOW, as_of=as_of)

    earlier = doc(ago(2 * D + 12 * H))
    assert [(r.programme.name, r.state) for r in earlier.referrals] == [("Northbridge Mentors", "suggested")]
    assert not earlier.referrals[0].offered
    now = doc(REAL_NOW)
    assert [(r.programme.name, r.state) for r in now.referrals] == [
        ("Northbridge Mentors", "offered"),
        ("Family Conference Service", "offered"),
    ]
    assert doc(ago(4 * D)).referrals == []
    # Suggestions: eligible first, best score first, each with its availability.
    assert [p.name for p in now.eligible_programmes] == ["Northbridge Mentors", "Family Conference Service"]
    assert [p.name for p in now.ruled_out_programmes] == ["Aftercare Link", "Junior Club"]
    assert now.eligible_programmes[1].availability.free == 0
    # Plain data, no database rows: the templates never reach back into the session.
    json.dumps([asdict(item) for item in (*now.referrals, *now.programmes)], default=str)


def test_french_and_brazilian_drafts_list_the_eligible_alternatives(make, registry, lawyer, fr_case, br_case):
    admin = make.admin()
    registry.programme(
        jurisdiction_code="FR", name="Médiation Valmont", provider="Association Relais", places=3, enrolled=1
    )
    full = registry.programme(
        jurisdiction_code="BR",
        name="Liberdade Assistida Porto Claro",
        provider="CREAS",
        type="supervision",
        stages=["pretrial_alternative"],
        places=2,
        enrolled=2,
        waiting_list=5,
        wait_days=30,
    )
    refer(admin, br_case, full, [("suggested", 2 * D, None), ("offered", D, None)])
    draft = service.application_draft(lawyer, fr_case, via="test")
    assert "ou, à défaut, une mesure autre que la détention" in draft
    assert "- Alternative possible : Médiation Valmont (Association Relais) : 2 place(s) libre(s) sur 3." in draft
    draft = service.application_draft(lawyer, br_case, via="test")
    assert "ou a aplicação de medida diversa da internação" in draft
    assert "- Encaminhamento para Liberdade Assistida Porto Claro (CREAS): vaga oferecida em 31/05/2026." in draft
    assert (
        "- Alternativa disponível: Liberdade Assistida Porto Claro (CREAS): sem vaga (2 de 2 ocupadas), "
        "5 na lista de espera, cerca de 30 dias de espera."
    ) in draft
