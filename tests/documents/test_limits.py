"""SECURITY.md 23: rendering is bounded. A document over a limit fails with a clear error and its audit
row, while other requests and renders keep working."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from justice_tracker.documents.engine import Limits, RenderFailed, RenderUnavailable, _Worker, render_pdf
from tests.cases.test_pages_support import audits, text

SMALL = "<html><head><title>T</title></head><body><p>small</p></body></html>"
PATHOLOGICAL = "<table>" + "".join(f"<tr><td>{i}</td><td>row</td></tr>" for i in range(30_000)) + "</table>"


def test_limits_come_from_settings_then_environment(monkeypatch):
    monkeypatch.setenv("JT_PDF_TIMEOUT_SECONDS", "7.5")
    monkeypatch.setenv("JT_PDF_MAX_PAGES", "9")
    limits = Limits.from_config({"PDF_MAX_PAGES": 3, "PDF_WORKERS": "1"})
    assert limits == Limits(timeout_seconds=7.5, memory_mb=1536, max_pages=3, max_events=2000, workers=1)


def test_a_pathological_render_is_stopped_while_another_one_completes():
    failure: list[BaseException] = []
    finished: dict[str, float] = {}

    def slow() -> None:
        try:
            # Long enough for the small render to finish first on a loaded 2-core machine.
            render_pdf(PATHOLOGICAL, Limits(timeout_seconds=6))
        except RenderFailed as exc:
            failure.append(exc)
        finished["slow"] = time.monotonic()

    worker = threading.Thread(target=slow)
    worker.start()
    time.sleep(0.2)
    result = render_pdf(SMALL, Limits())
    finished["small"] = time.monotonic()
    worker.join(timeout=60)
    assert result.pages == 1 and result.pdf.startswith(b"%PDF")
    assert finished["small"] < finished["slow"]
    assert len(failure) == 1 and isinstance(failure[0], RenderUnavailable)
    assert failure[0].reason == "timeout" and "6 s rendering limit" in failure[0].message


@pytest.mark.parametrize(
    ("setting", "value", "status", "words", "reason"),
    [
        ("PDF_MAX_EVENTS", 3, 422, "more than the 3 a document may show", "too_many_events"),
        ("PDF_MAX_PAGES", 1, 422, "more than the limit of 1", "too_many_pages"),
        ("PDF_TIMEOUT_SECONDS", 0.001, 503, "rendering limit and was stopped", "timeout"),
    ],
)
def test_a_case_over_a_limit_gets_a_clear_error_and_the_next_request_works(
    app, monkeypatch, client_for, lawyer, gb_case, setting, value, status, words, reason
):
    client = client_for(lawyer)
    url = f"/cases/{gb_case.id}/documents/case-summary.pdf"
    monkeypatch.setitem(app.config, setting, value)
    refused = client.get(url)
    assert refused.status_code == status and words in text(refused)
    api = client.get(f"/api/v1/cases/{gb_case.id}/documents/case-summary.pdf")
    assert api.status_code == status and words in api.get_json()["error"]["message"]
    failures = audits("document_render_failed", gb_case.id)
    assert len(failures) == 2 and all(f.outcome == "failure" and f"reason={reason}" in f.detail for f in failures)
    monkeypatch.setitem(app.config, setting, getattr(Limits(), _FIELD[setting]))
    assert client.get(f"/cases/{gb_case.id}").status_code == 200
    assert client.get(url).status_code == 200


_FIELD = {"PDF_MAX_EVENTS": "max_events", "PDF_MAX_PAGES": "max_pages", "PDF_TIMEOUT_SECONDS": "timeout_seconds"}


def test_workers_inherit_no_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "secret-for-the-worker-test")
    monkeypatch.setenv("DATABASE_URL", "postgresql://user:password@db/justice")
    worker = _Worker(Limits().memory_mb)
    try:
        environ = Path(f"/proc/{worker.process.pid}/environ").read_bytes()
    finally:
        worker.kill()
    assert b"secret-for-the-worker-test" not in environ and b"postgresql://" not in environ
    assert b"PYTHONPATH=" in environ
