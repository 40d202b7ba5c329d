"""SECURITY.md 14 and 22: markup and URLs typed into free-text fields print as literal text in every
document; nothing is fetched, nothing is embedded; no child's name in the metadata or the file name."""

from __future__ import annotations

import pytest

from justice_tracker.documents import service
from justice_tracker.documents.fetcher import ASSET_SCHEME, ASSETS
from tests.documents.conftest import D, H, ago, pdf_reader, pdf_text, refer, squeezed

IMG = '<img src="file:///etc/passwd">'
ATTACH = '<link rel="attachment" href="file:///etc/hostname">'
LOOPBACK = "http://127.0.0.1:5000/api/v1/me"
SCRIPT = "<script>alert(1)</script>"
METADATA = "http://169.254.169.254/latest/meta-data/"
PAYLOADS = (IMG, ATTACH, LOOPBACK, SCRIPT)
PROGRAMME = f"Club {IMG}"


@pytest.fixture()
def hostile_case(make, lawyer, registry):
    court = make.court("GB-EAW")
    kid = make.child(
        court=court,
        given_name="Zed",
        family_name="Hostileton",
        guardian_name=f"{IMG} {ATTACH}",
        guardian_contact=LOOPBACK,
    )
    case = make.case(
        court=court,
        child=kid,
        lawyers=[lawyer],
        reference="HX-1/2026",
        offences=[{"description": f"{IMG} {SCRIPT}", "max_penalty_years": 2}],
        events=[
            ("apprehended", ago(3 * D), {"facility": f"Station {IMG}", "note": f"{IMG} {ATTACH} {LOOPBACK}"}),
            ("diversion_considered", ago(3 * D - H), {"outcome": "deferred", "reasons": f"{ATTACH} {METADATA}"}),
            ("hearing_scheduled", ago(2 * D), {"hearing_at": ago(-5 * D).isoformat(), "note": f"{SCRIPT} {LOOPBACK}"}),
        ],
    )
    # Free text of the programme registry: its name, provider and description, and a referral step's reason.
    programme = registry.programme(name=PROGRAMME, provider=f"Provider {ATTACH}", description=f"{IMG} {LOOPBACK}")
    refer(make.admin(), case, programme, [("suggested", D, f"{IMG} {METADATA}"), ("offered", H, None)])
    return case


def _assert_inert(rendered: service.Rendered, *expected: str) -> None:
    result = rendered.result
    assert result.refused == ()  # nothing outside the assets was even asked for
    assert set(result.fetched) <= {ASSET_SCHEME + name for name in ASSETS}
    reader = pdf_reader(rendered.pdf)
    assert reader.attachments == {}
    assert "/EmbeddedFiles" not in (reader.trailer["/Root"].get("/Names") or {})
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            assert annot.get("/Subtype") != "/FileAttachment"
            uri = str((annot.get("/A") or {}).get("/URI", ""))
            assert not uri.startswith(("file:", "http://127.", "http://169.254."))
    text = squeezed(pdf_text(rendered.pdf))
    for payload in expected:
        assert squeezed(payload) in text, payload  # printed, as text
    assert "root:x:0:0" not in text
    assert reader.metadata.title == "HX-1/2026"
    assert "Hostileton" not in str(dict(reader.metadata)) and "Hostileton" not in rendered.filename


def test_every_document_prints_hostile_text_as_text(lawyer, hostile_case):
    summary = service.render_document(lawyer, hostile_case, service.CASE_SUMMARY, via="test")
    _assert_inert(summary, IMG, ATTACH, LOOPBACK, SCRIPT, METADATA)
    # The programme's name, provider and description, and the referral's reason, as text.
    _assert_inert(summary, PROGRAMME, f"Provider {ATTACH}", f"{IMG} {LOOPBACK}", f"{IMG} {METADATA}")
    assert summary.filename == "HX-1-2026-case-summary.pdf"
    pack = service.render_document(lawyer, hostile_case, service.RELEASE_PACK, via="test")
    _assert_inert(pack, IMG, ATTACH, METADATA, PROGRAMME, f"{IMG} {LOOPBACK}")
    assert squeezed(f"Available instead of detention: {PROGRAMME}") in squeezed(pdf_text(pack.pdf))  # the draft
    child = service.render_document(lawyer, hostile_case, service.CHILD_SUMMARY, via="test")
    # The place and the programme offered; never the offence nor the reasons
    _assert_inert(child, f"Station {IMG}", PROGRAMME, f"Provider {ATTACH}")
    child_text = squeezed(pdf_text(child.pdf))
    assert squeezed(SCRIPT) not in child_text and squeezed(METADATA) not in child_text
    edited = service.render_document(
        lawyer, hostile_case, service.APPLICATION, via="test", draft=f"# Title {SCRIPT}\n\n{IMG}\n- {ATTACH}\n"
    )
    _assert_inert(edited, IMG, ATTACH, SCRIPT)


def test_the_guardian_name_and_notes_print_as_text_on_the_case_summary(lawyer, hostile_case):
    rendered = service.render_document(lawyer, hostile_case, service.CASE_SUMMARY, via="test")
    text = squeezed(pdf_text(rendered.pdf))
    assert squeezed(f"Parent or guardian {IMG} {ATTACH}") in text
    assert squeezed(f"Note: {IMG} {ATTACH} {LOOPBACK}") in text
    assert squeezed(f"{IMG} {SCRIPT}") in text  # the offence description
    # The draft application is text: what the fields hold, unchanged, escaped only when printed.
    assert IMG in service.application_draft(lawyer, hostile_case, via="test")
