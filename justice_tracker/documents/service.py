"""Rendering a case's documents: check access, gather the facts, lay out the HTML, render the PDF, audit.

One function per verb, each taking the acting user, writing exactly one audit row
(ids and the kind of document, never a name) and flushing; the request or CLI
command commits. A refused or failed render writes its row too: the caller commits
it before answering with the error.

The print templates live in `reports/` and are rendered by an overlay of the
application's Jinja environment (same filters, same translations) that escapes
every HTML template, so that text typed into any field stays text in the PDF.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import jinja2
from flask import current_app

from justice_tracker.audit.service import record
from justice_tracker.auth.access import can_view_case
from justice_tracker.auth.models import Role, User
from justice_tracker.cases.models import Case
from justice_tracker.cases.presenters import custody_word
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.deadlines.views import status_word
from justice_tracker.documents import child, content, drafts
from justice_tracker.documents.assets import REPORTS_DIR, asset_url
from justice_tracker.documents.engine import Limits, RenderFailed, RenderResult, render_pdf
from justice_tracker.errors import FieldError, Forbidden, ValidationFailed

READ_ROLES = frozenset({Role.ADMIN, Role.CLERK, Role.LAWYER})
CASE_SUMMARY, CHILD_SUMMARY, RELEASE_PACK = "case-summary", "child-summary", "release-pack"
APPLICATION = "release-application"
KINDS = (CASE_SUMMARY, CHILD_SUMMARY, RELEASE_PACK)
TEMPLATES = {
    CASE_SUMMARY: "case_summary.html",
    CHILD_SUMMARY: "child_summary.html",
    RELEASE_PACK: "release_pack.html",
    APPLICATION: "application.html",
}
TITLES = {
    CASE_SUMMARY: "Case summary",
    CHILD_SUMMARY: "Child-friendly summary",
    RELEASE_PACK: "Legal-aid release pack",
    APPLICATION: "Draft application for release",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    filename: str
    pages: int
    result: RenderResult


def safe_reference(case: Case) -> str:
    """The case reference as a file name: letters, digits, `.`, `_` and `-` only (never the child's name)."""
    cleaned = _UNSAFE.sub("-", case.reference).strip(".-_")[:80]
    return cleaned or f"case-{case.id}"


def file_name(case: Case, kind: str, extension: str = "pdf") -> str:
    return f"{safe_reference(case)}-{kind}.{extension}"


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith(".md")


def environment() -> jinja2.Environment:
    env = current_app.extensions.get("documents.jinja")
    if env is None:
        env = current_app.jinja_env.overlay(
            loader=jinja2.FileSystemLoader(str(REPORTS_DIR)), autoescape=_autoescape, undefined=jinja2.StrictUndefined
        )
        env.globals.update(asset=asset_url, custody_word=custody_word, status_word=status_word, titles=TITLES)
        current_app.extensions["documents.jinja"] = env
    return env


def past_instant(moment: datetime) -> datetime:
    """`moment`, if it is not in the future: a document shows what has happened, never what might."""
    if moment > utcnow():
        raise ValueError("it is in the future; a document can only show the case up to now")
    return moment


def check_access(user: User, case: Case) -> None:
    if user.role not in READ_ROLES or not can_view_case(user, case):
        raise Forbidden("This case is not one you can see.")


def _detail(kind: str, via: str, moment: datetime, extra: str = "") -> str:
    return f"kind={kind} via={via} as_of={moment.strftime('%Y-%m-%dT%H:%M:%SZ')}{extra}"


def _document(
    user: User, case: Case, as_of: datetime | None, lane_words: tuple[str, str] | None = None
) -> content.CaseDocument:
    now = utcnow()
    doc = content.build(case, as_of or now, user=user, generated_at=now, as_of=as_of)
    return content.with_chart(doc, lane_words) if lane_words else doc


def draft_text(doc: content.CaseDocument) -> str:
    name = drafts.template_name(doc.case.jurisdiction_code)
    return environment().get_template(name).render(doc=doc, days=lambda s: (s or 0) // 86400).strip() + "\n"


def _html(kind: str, doc: content.CaseDocument, lang: str, draft: str | None) -> str:
    values: dict[str, object] = {"doc": doc, "kind": kind, "lang": lang, "title": TITLES[kind]}
    if kind == CHILD_SUMMARY:
        values["child"] = summary = child.summary(doc, lang)
        values["title"] = summary.text["title"]
    if kind in (RELEASE_PACK, APPLICATION):
        values["blocks"] = drafts.blocks(draft if draft is not None else draft_text(doc))
    return environment().get_template(TEMPLATES[kind]).render(values)


def render_document(
    user: User,
    case: Case,
    kind: str,
    *,
    via: str,
    as_of: datetime | None = None,
    lang: str | None = None,
    draft: str | None = None,
) -> Rendered:
    """Render one of `KINDS` (or the edited `APPLICATION` from `draft`) for `case` as it stood at `as_of`."""
    check_access(user, case)
    if kind not in TEMPLATES:
        raise ValidationFailed([FieldError("kind", f"unknown document: use one of {', '.join(KINDS)}")])
    if draft is not None and len(draft) > drafts.MAX_DRAFT_CHARS:
        raise ValidationFailed([FieldError("draft", f"at most {drafts.MAX_DRAFT_CHARS} characters")])
    limits = Limits.from_config(current_app.config)
    moment = as_of or utcnow()
    language = child.choose_language(lang, case.child.languages) if kind == CHILD_SUMMARY else "en"
    extra = f" lang={language}" if kind == CHILD_SUMMARY else (" edited=1" if draft is not None else "")
    detail = _detail(kind, via, moment, extra)
    try:
        if len(case.events) > limits.max_events:
            raise RenderFailed(
                f"This case has {len(case.events)} recorded events, more than the {limits.max_events} a document "
                "may show. Ask an administrator to raise the limit (PDF_MAX_EVENTS).",
                "too_many_events",
            )
        doc = _document(user, case, as_of, ("Events", "Time limits") if kind == CASE_SUMMARY else None)
        result = render_pdf(_html(kind, doc, language, draft), limits)
    except RenderFailed as exc:
        record(
            "document_render_failed",
            "case",
            case.id,
            actor=user,
            outcome="failure",
            detail=f"{detail} reason={exc.reason}",
        )
        db.session.flush()
        raise
    record("document_rendered", "case", case.id, actor=user, detail=f"{detail} pages={result.pages}")
    db.session.flush()
    return Rendered(result.pdf, file_name(case, kind), result.pages, result)


def application_draft(user: User, case: Case, *, via: str, as_of: datetime | None = None) -> str:
    """The unedited draft application as text, for the lawyer to edit (audited like a document)."""
    check_access(user, case)
    doc = _document(user, case, as_of)
    text = draft_text(doc)
    record("document_rendered", "case", case.id, actor=user, detail=_detail(APPLICATION, via, doc.moment, " format=md"))
    db.session.flush()
    return text
