"""Document pages: the PDFs from the case page, and the draft application for the lawyer to edit and print.

- `GET /cases/<id>/documents/<kind>.pdf?as_of=&lang=`: case summary, child-friendly summary, release pack.
- `GET /cases/<id>/documents/release-application`: the draft application in a text box, to edit;
  `POST` the same address prints the edited text as a PDF (nothing is stored).
- `GET /cases/<id>/documents/release-application.md`: the draft as a text (Markdown) file.

Access follows the case (`load_case`: clerks of its court, its lawyers, administrators);
every answer writes one audit row with ids only.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, g, render_template, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from justice_tracker.auth.access import access
from justice_tracker.cases.models import Case
from justice_tracker.cases.page_support import READERS, load_case, parse_as_of
from justice_tracker.db import db
from justice_tracker.documents import service
from justice_tracker.documents.child import LANGUAGES
from justice_tracker.documents.drafts import MAX_DRAFT_CHARS
from justice_tracker.documents.http import failures_recorded, pdf_response, text_response

bp = Blueprint("documents", __name__)

KIND = "<any(" + ",".join(f"'{k}'" for k in service.KINDS) + "):kind>"


class DraftForm(FlaskForm):
    text = TextAreaField("Draft application", validators=[InputRequired(), Length(max=MAX_DRAFT_CHARS)])


def _as_of(case: Case) -> datetime | None:
    raw = request.args.get("as_of") or ""
    try:
        return service.past_instant(parse_as_of(raw, ZoneInfo(case.time_zone))) if raw else None
    except ValueError as exc:
        abort(400, description=_("The date to print the case at (as_of) is not valid: %(why)s", why=str(exc)))


@bp.route(f"/cases/<int:case_id>/documents/{KIND}.pdf")
@access(*READERS)
def pdf(case_id: int, kind: str):
    case = load_case(case_id)
    as_of = _as_of(case)
    lang = request.args.get("lang") if request.args.get("lang") in LANGUAGES else None
    with failures_recorded():
        rendered = service.render_document(g.user, case, kind, via="page", as_of=as_of, lang=lang)
    db.session.commit()
    return pdf_response(rendered)


@bp.route("/cases/<int:case_id>/documents/release-application", methods=["GET", "POST"])
@access(*READERS)
def release_application(case_id: int):
    case = load_case(case_id)
    form = DraftForm()
    if request.method == "POST":
        if form.validate_on_submit():
            with failures_recorded():
                rendered = service.render_document(g.user, case, service.APPLICATION, via="page", draft=form.text.data)
            db.session.commit()
            return pdf_response(rendered)
        return render_template("documents/release_application.html", case=case, form=form), 422
    as_of = _as_of(case)
    form.text.data = service.application_draft(g.user, case, via="form", as_of=as_of)
    db.session.commit()
    return render_template("documents/release_application.html", case=case, form=form, as_of=as_of)


@bp.route("/cases/<int:case_id>/documents/release-application.md")
@access(*READERS)
def release_application_text(case_id: int):
    case = load_case(case_id)
    text = service.application_draft(g.user, case, via="page", as_of=_as_of(case))
    db.session.commit()
    return text_response(text, service.file_name(case, service.APPLICATION, "md"))
