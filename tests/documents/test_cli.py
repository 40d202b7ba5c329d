"""`flask documents render`: one document to a file, several into a folder with a progress bar."""

from __future__ import annotations

import stat

from justice_tracker.auth.models import Role
from tests.cases.test_pages_support import audits
from tests.documents.conftest import pdf_text


def test_one_document_to_a_file(app, make, gb_case, tmp_path):
    make.user(Role.ADMIN)
    out = tmp_path / "summary.pdf"
    result = app.test_cli_runner().invoke(
        args=["documents", "render", "NB-2026-001", "--kind", "case-summary", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Case NB-2026-001" in pdf_text(out.read_bytes())
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds a child's identity
    (row,) = audits("document_rendered", gb_case.id)
    assert row.actor_role == "admin" and "via=cli" in row.detail


def test_several_cases_and_kinds_into_a_folder(app, make, gb_case, br_case, tmp_path):
    make.user(Role.ADMIN)
    result = app.test_cli_runner().invoke(
        args=[
            "documents", "render", "NB-2026-001", "PC-0042/2026",
            "--kind", "release-pack", "--kind", "child-summary", "--lang", "fr",
            "--as-of", "2026-05-30T00:00:00+00:00", "--out", str(tmp_path),
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Rendering documents" in result.output and "4 document(s) written" in result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "NB-2026-001-child-summary.pdf",
        "NB-2026-001-release-pack.pdf",
        "PC-0042-2026-child-summary.pdf",
        "PC-0042-2026-release-pack.pdf",
    ]
    assert "Ce qui se passe dans ton affaire" in pdf_text((tmp_path / "PC-0042-2026-child-summary.pdf").read_bytes())
    assert len(audits("document_rendered")) == 4


def test_unknown_references_and_failures_are_reported(app, make, gb_case, tmp_path, monkeypatch):
    make.user(Role.ADMIN)
    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["documents", "render", "NOPE-1", "--kind", "case-summary", "--out", str(tmp_path)])
    assert unknown.exit_code != 0 and "no case with reference: NOPE-1" in unknown.output
    monkeypatch.setitem(app.config, "PDF_MAX_EVENTS", 1)
    failed = runner.invoke(
        args=["documents", "render", "NB-2026-001", "--kind", "case-summary", "--out", str(tmp_path / "x.pdf")]
    )
    assert failed.exit_code == 1 and "more than the 1 a document may show" in failed.output
    assert not (tmp_path / "x.pdf").exists()
    assert len(audits("document_render_failed", gb_case.id)) == 1
