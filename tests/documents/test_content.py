"""Each document for demo-like cases of several jurisdictions, read back with pypdf: the deadlines,
citations, days in custody and next steps are there, and right."""

from __future__ import annotations

from datetime import timedelta

from justice_tracker.documents import service
from tests.conftest import REAL_NOW
from tests.documents.conftest import pdf_reader, pdf_text, squeezed


def _render(user, case, kind, **options):
    rendered = service.render_document(user, case, kind, via="test", **options)
    return rendered, pdf_text(rendered.pdf)


def test_case_summary_england_and_wales(lawyer, gb_case):
    rendered, text = _render(lawyer, gb_case, service.CASE_SUMMARY)
    assert "Case summary" in text and "Case NB-2026-001" in text
    assert "Ari Demoson" in text and gb_case.child.pseudonym in text  # a lawyer of the case sees identity
    assert "robbery" in text and "Northbridge Youth Court (test)" in text
    # Days in custody: apprehended 20 days before now, never released.
    assert (
        "Deprived of liberty without a break since 2026-05-12 13:00 BST: 20 days 0 h 00 min (20 days in custody)"
        in text
    )
    assert "Total time deprived of liberty in this case: 20 days 0 h 00 min (20 days)" in text
    # Deadlines with status, due time and citation; the breach comes first, with its consequence.
    assert "A binding legal time limit is breached while the child is deprived of liberty." in text
    assert "Detention without charge at most 24 hours from the relevant time" in text
    assert "PACE 1984, s. 41" in text and "overdue by 19 days 0 h 00 min" in text
    assert "Custody time limit in the Crown Court" in text and "by the end of 2026-11-11" in text
    # Next steps: the breach to act on, the trial hearing to come, the next limit.
    assert "Act now: binding limit breached" in text
    assert "2026-06-10 13:00 BST — hearing scheduled: Trial" in text
    # Custody episodes, alternatives, participation, timeline, page numbers and provenance.
    assert "Northbridge Secure Children's Home" in text and "ongoing" in text
    assert "Not diverted" in text and "Seriousness of the alleged offence" in text
    assert "present when heard" in text and "lawyer, parent, interpreter" in text
    assert "Pre-trial detention ordered" in text and "Hearing scheduled" in text
    assert "Page 1 of 3" in text or "Page 1 of 2" in text
    assert f"by {lawyer.display_name} · rule pack GB-EAW version 2026-01-01" in text
    reader = pdf_reader(rendered.pdf)
    assert reader.metadata.title == "NB-2026-001"
    assert "Demoson" not in str(dict(reader.metadata)) and "Ari" not in str(dict(reader.metadata))


def test_release_pack_brazil_with_draft_in_portuguese(lawyer, br_case):
    rendered, text = _render(lawyer, br_case, service.RELEASE_PACK)
    assert rendered.filename == "PC-0042-2026-release-pack.pdf"
    assert "Legal-aid release pack" in text and "Custody history" in text
    assert "Delegacia Central" in text and "Unidade de Internação Provisória" in text
    assert "Total time deprived of liberty in this case: 52 days 0 h 00 min (52 days)" in text
    assert "Provisional internment (before sentence) at most 45 days, not extendable" in text
    assert "ECA (Lei 8.069/1990) art. 108" in text
    assert "https://www.planalto.gov.br/ccivil_03/leis/l8069.htm" in squeezed(text)  # a long URL wraps
    assert "Consequence: After 45 days the provisional internment must end" in text
    assert "No consideration of diversion or other alternatives is recorded on the timeline." in text
    # The editable draft, from the Brazilian template.
    assert "Pedido de liberação de adolescente" in text and "Vara da Infância — Porto Claro (test)" in text
    assert "Prazo vencido: ECA (Lei 8.069/1990) art. 108" in text
    assert "privado de liberdade sem interrupção desde 2026-04-10 09:00 -03 (52 dias)" in text


def test_release_pack_kenya_shows_advisory_limits_apart(lawyer, ke_case):
    _rendered, text = _render(lawyer, ke_case, service.RELEASE_PACK)
    assert "3 days 5 h 00 min (3 days in custody)" in text
    assert "No binding time limit is breached" in text
    assert "Advisory limits passed" in text and "Children Act" in text
    assert "Application for release of a child from custody" in text and "In the Children's Court — Lakeside" in text


def test_case_summary_as_of_an_earlier_day(lawyer, gb_case):
    as_of = REAL_NOW - timedelta(days=15)
    _rendered, text = _render(lawyer, gb_case, service.CASE_SUMMARY, as_of=as_of)
    assert "as it stood at 2026-05-17 13:00 BST" in text
    assert "(5 days in custody)" in text
    assert "Child heard" not in text  # recorded after that day


def test_child_summary_in_french_with_accents_and_no_charge_wording(lawyer, fr_case):
    rendered, text = _render(lawyer, fr_case, service.CHILD_SUMMARY)  # the child speaks French
    assert "Ce qui se passe dans ton affaire" in text and "Bonjour Chloé." in text
    assert "En ce moment, tu n'es pas enfermé." in text
    assert "Tu as le droit d'avoir un avocat, gratuit si tu ne peux pas payer." in text
    assert "Ton avocat s'appelle Test lawyer" in text
    assert "la police t'a emmené à Commissariat de Valmont" in text
    assert "Elles n'ont pas encore décidé." in text
    assert "avril 2026" in text or "mai 2026" in text  # dates in French
    assert "Page 1 sur" in text
    assert "dégradation" not in text and "Rapport éducatif" not in text  # no charge, no professional wording
    assert pdf_reader(rendered.pdf).metadata.title == "TE-VAL-2026-0007"


def test_child_summary_in_spanish_and_english(lawyer, ke_case, gb_case):
    _rendered, text = _render(lawyer, ke_case, service.CHILD_SUMMARY)  # languages: es
    assert "Lo que pasa en tu caso" in text and "¿Qué pasa después?" in text
    assert "Ahora estás en Lakeside Police Station." in text and "son 3 días" in text
    assert "Tienen que mantenerte separado de los adultos." in text and "Página 1 de" in text
    assert "trespass" not in text
    _rendered, text = _render(lawyer, gb_case, service.CHILD_SUMMARY, lang="en")
    assert "About your case" in text and "Hello Ari." in text
    assert "Right now you are at Northbridge Secure Children's Home." in text
    assert "10 June 2026, 13:00: you go to court." in text
    assert "robbery" not in text and "Seriousness" not in text
