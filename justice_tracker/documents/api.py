"""`GET /api/v1/cases/<id>/documents/<kind>.pdf`: a case document as PDF, for integrations.

Registered on the API blueprint (imported by `justice_tracker.api`). Same rules as
the pages: the case's clerks, lawyers and administrators; oversight and programme
coordinators get 403 (audited); one audit row per render.
"""

from __future__ import annotations

from flask import g

from justice_tracker.api import bp, params
from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role
from justice_tracker.cases.models import Case
from justice_tracker.db import db
from justice_tracker.documents import service
from justice_tracker.documents.child import LANGUAGES
from justice_tracker.documents.http import failures_recorded, pdf_response
from justice_tracker.documents.views import KIND
from justice_tracker.errors import NotFound


@bp.route(f"/cases/<int:case_id>/documents/{KIND}.pdf")
@access(Role.ADMIN, Role.CLERK, Role.LAWYER)
def case_document(case_id: int, kind: str):
    """A case document as PDF: `case-summary`, `child-summary` (`lang`: en, fr, es) or `release-pack`.

    `as_of` (ISO 8601 with offset, not in the future; default now) prints the case as it
    stood then. The file is named after the case reference. A document over the rendering
    limits is refused with 422 (too many events or pages) or 503 (time limit, renderer busy).
    """
    as_of = params.instant("as_of")
    if as_of is not None:
        try:
            service.past_instant(as_of)
        except ValueError as exc:
            raise params.BadParameter("as_of", str(exc)) from None
    lang = params.choice("lang", LANGUAGES)
    case = db.session.get(Case, case_id) if 0 < case_id < 2**31 else None
    if case is None:
        raise NotFound("No case has this id.")
    with failures_recorded():
        rendered = service.render_document(g.user, case, kind, via="api", as_of=as_of, lang=lang)
    db.session.commit()
    return pdf_response(rendered)
