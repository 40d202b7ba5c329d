"""The documents from the case page and the API: access follows the case, one audit row per render,
file names from the case reference (SECURITY.md 2, 3 and 18)."""

from __future__ import annotations

from justice_tracker.auth.models import Role
from tests.cases.test_pages_support import audits, post, text
from tests.documents.conftest import pdf_text, squeezed


def _rendered_rows(case):
    return audits("document_rendered", case.id)


def test_the_case_page_links_to_every_document(client_for, lawyer, gb_case):
    html = text(client_for(lawyer).get(f"/cases/{gb_case.id}"))
    for path in ("case-summary.pdf", "child-summary.pdf?lang=fr", "release-pack.pdf", "release-application.md"):
        assert f"/cases/{gb_case.id}/documents/{path}" in html
    assert f"/cases/{gb_case.id}/documents/release-application" in html


def test_a_lawyer_downloads_a_pdf_named_after_the_reference_and_it_is_audited_once(client_for, lawyer, gb_case):
    response = client_for(lawyer).get(f"/cases/{gb_case.id}/documents/case-summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="NB-2026-001-case-summary.pdf"'
    assert response.headers["Cache-Control"] == "no-store"
    assert "Case NB-2026-001" in pdf_text(response.data)
    rows = _rendered_rows(gb_case)
    assert len(rows) == 1
    row = rows[0]
    assert row.actor_id == lawyer.id and row.outcome == "success" and row.request_id
    assert row.detail.startswith("kind=case-summary via=page as_of=2026-06-01T12:00:00Z")
    for secret in ("Ari", "Demoson", "robbery", "2010-05-14"):
        assert secret not in row.detail


def test_other_lawyers_clerks_of_other_courts_oversight_and_coordinators_are_refused(make, client_for, gb_case):
    outsiders = [make.user(Role.LAWYER), make.user(Role.CLERK), make.user(Role.OVERSIGHT), make.user(Role.COORDINATOR)]
    for user in outsiders:
        client = client_for(user)
        for path in ("case-summary.pdf", "release-pack.pdf", "release-application", "release-application.md"):
            response = client.get(f"/cases/{gb_case.id}/documents/{path}")
            assert response.status_code == 403, (user.role, path)
            assert response.mimetype != "application/pdf"
    assert _rendered_rows(gb_case) == []
    denied = [a for a in audits("access_denied") if a.outcome == "denied"]
    assert len(denied) == 4 * 4


def test_the_api_answers_a_pdf_with_as_of_and_language(api_for, lawyer, fr_case):
    api = api_for(lawyer)
    response = api.get(f"/api/v1/cases/{fr_case.id}/documents/child-summary.pdf?lang=es&as_of=2026-05-01T00:00:00Z")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="TE-VAL-2026-0007-child-summary.pdf"'
    assert "Lo que pasa en tu caso" in pdf_text(response.data)
    (row,) = _rendered_rows(fr_case)
    assert (
        row.detail == "kind=child-summary via=api as_of=2026-05-01T00:00:00Z lang=es pages=2"
        or row.detail.startswith("kind=child-summary via=api as_of=2026-05-01T00:00:00Z lang=es pages=")
    )


def test_the_api_refuses_bad_parameters_and_other_cases(make, api_for, lawyer, gb_case):
    api = api_for(lawyer)
    base = f"/api/v1/cases/{gb_case.id}/documents"
    future = api.get(f"{base}/case-summary.pdf?as_of=2027-01-01T00:00:00Z")
    assert future.status_code == 400 and "as_of" in future.get_json()["error"]["fields"]
    assert api.get(f"{base}/case-summary.pdf?lang=de").status_code == 400
    assert api.get(f"{base}/passport.pdf").status_code == 404
    assert api.get("/api/v1/cases/999999/documents/case-summary.pdf").status_code == 404
    assert api_for(make.user(Role.LAWYER)).get(f"{base}/release-pack.pdf").status_code == 403
    assert api_for(make.user(Role.OVERSIGHT)).get(f"{base}/release-pack.pdf").status_code == 403
    assert _rendered_rows(gb_case) == []


def test_the_openapi_document_lists_the_pdf_route(api_for, lawyer):
    paths = api_for(lawyer).get("/api/v1/openapi.json").get_json()["paths"]
    operation = paths["/api/v1/cases/{case_id}/documents/{kind}.pdf"]["get"]
    assert operation["summary"].startswith("A case document as PDF")
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["kind"]["in"] == "path"
    assert parameters["kind"]["schema"]["enum"] == ["case-summary", "child-summary", "release-pack"]
    assert parameters["as_of"]["in"] == "query" and parameters["as_of"]["schema"]["format"] == "date-time"
    assert parameters["lang"]["schema"]["enum"] == ["en", "fr", "es"]
    ok = operation["responses"]["200"]
    assert list(ok["content"]) == ["application/pdf"]
    assert ok["content"]["application/pdf"]["schema"]["contentMediaType"] == "application/pdf"
    assert {"400", "401", "403", "404", "422", "503"} <= set(operation["responses"])
    assert "rendering limit" in operation["responses"]["422"]["description"]
    assert "application/json" in operation["responses"]["404"]["content"]  # errors stay JSON


def test_the_lawyer_edits_the_draft_and_prints_it(client_for, lawyer, gb_case):
    client = client_for(lawyer)
    page = client.get(f"/cases/{gb_case.id}/documents/release-application")
    assert page.status_code == 200
    html = text(page)
    assert "Application for release from custody (youth court)" in html and "<textarea" in html
    markdown = client.get(f"/cases/{gb_case.id}/documents/release-application.md")
    assert markdown.mimetype == "text/markdown"
    assert markdown.headers["Content-Disposition"] == 'attachment; filename="NB-2026-001-release-application.md"'
    draft = markdown.get_data(as_text=True)
    assert draft.startswith("# Application for release from custody (youth court)")
    assert "PACE 1984, s. 41" in draft and "Seriousness of the alleged offence" in draft
    edited = draft.replace(
        "[Counsel: where the child will live", "The child will live with <b>her aunt</b>; [Counsel: where"
    )
    printed = post(client, f"/cases/{gb_case.id}/documents/release-application", {"text": edited})
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert printed.headers["Content-Disposition"] == 'attachment; filename="NB-2026-001-release-application.pdf"'
    assert squeezed("The child will live with <b>her aunt</b>") in squeezed(pdf_text(printed.data))
    details = [row.detail for row in _rendered_rows(gb_case)]
    assert len(details) == 3 and "format=md" in details[0] and "edited=1" in details[2]


def test_printing_a_draft_needs_the_csrf_token_and_some_text(client_for, lawyer, gb_case):
    client = client_for(lawyer)
    assert client.post(f"/cases/{gb_case.id}/documents/release-application", data={"text": "x"}).status_code == 400
    empty = post(client, f"/cases/{gb_case.id}/documents/release-application", {"text": ""})
    assert empty.status_code == 422 and empty.mimetype == "text/html"
    assert _rendered_rows(gb_case) == []
