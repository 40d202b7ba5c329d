"""What the page and API views share: PDF and text answers, and keeping the audit row of a failed render."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Response

from justice_tracker.db import db
from justice_tracker.documents.engine import RenderFailed
from justice_tracker.documents.service import Rendered


def pdf_response(rendered: Rendered) -> Response:
    """The PDF as a download named after the case reference (sanitised), never the child."""
    response = Response(rendered.pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


def text_response(text: str, filename: str) -> Response:
    response = Response(text, mimetype="text/markdown")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@contextmanager
def failures_recorded() -> Iterator[None]:
    """Commit the failure audit row of a render that went over a limit, then let the error answer."""
    try:
        yield
    except RenderFailed:
        db.session.commit()
        raise
