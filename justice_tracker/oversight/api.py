"""`/api/v1/oversight/…`: the oversight report as JSON, for oversight bodies and administrators.

Every endpoint takes `as_of`, `from`, `to` (ISO 8601 instants with their offset, or dates),
`jurisdiction` (code), `court` and `facility` (ids); a value that cannot be used is answered
400 naming it. Tables come from the same protected report as the pages: a hidden cell's value
is null and `suppressed` says why: "small" (shown "<5") or "hidden" (shown "x"). Every call writes one
audit row (the endpoint and the scope's ids).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import jsonify, request

from justice_tracker.api import bp, params
from justice_tracker.audit.service import record
from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.errors import NotFound
from justice_tracker.oversight.cache import cached_report
from justice_tracker.oversight.report import SECTIONS, Report
from justice_tracker.oversight.scope import ScopeError, parse_scope

READERS = (Role.OVERSIGHT, Role.ADMIN)


def _report(view: str) -> Report:
    now = utcnow()
    try:
        scope = parse_scope(request.args, now)
    except ScopeError as exc:
        raise params.BadParameter(exc.field, exc.message) from None
    report = cached_report(scope, now)
    record("oversight_viewed", "aggregate", None, detail=f"view={view} via=api {scope.describe()}")
    db.session.commit()
    return report


def _envelope(report: Report) -> dict[str, Any]:
    scope = report.scope
    return {
        "scope": {
            "as_of": scope.as_of.isoformat(),
            "from": scope.start.isoformat(),
            "to": scope.end.isoformat(),
            "jurisdiction": scope.jurisdiction,
            "court": scope.court_id,
            "facility": scope.facility_id,
        },
        "threshold": report.threshold,
        "generated_at": report.generated_at.isoformat(),
    }


def _tables(report: Report, section: str) -> dict[str, Any]:
    return {t.key: t.as_json() for t in report.section(section)}


@bp.route("/oversight/dashboard")
@access(*READERS)
def oversight_dashboard():
    """The detention audit: children held at `as_of`, breaches, lengths and monthly trends, de-identified.

    `custody_lists` gives, per jurisdiction, the pseudonyms of the children held at `as_of` and
    the days since their custody began, only where that jurisdiction's count is published.
    """
    report = _report("dashboard")
    lists = [
        {
            "jurisdiction": c.jurisdiction,
            "listed": c.shown,
            "children": [{"pseudonym": p, "days": d} for p, d in c.entries],
        }
        for c in report.custody_lists
    ]
    return jsonify({**_envelope(report), "tables": _tables(report, "dashboard"), "custody_lists": lists})


@bp.route("/oversight/indicators")
@access(*READERS)
def oversight_indicators():
    """The UNODC/UNICEF juvenile justice indicators and their definitions, by area, policy facts, facility register."""
    report = _report("indicators")
    definitions = [asdict(indicator) for indicator in report.indicators]
    return jsonify({**_envelope(report), "tables": _tables(report, "indicators"), "definitions": definitions})


@bp.route("/oversight/jdai")
@access(*READERS)
def oversight_jdai():
    """JDAI metrics of pre-trial detention by breakdown, with relative rates, and alternative programmes."""
    report = _report("jdai")
    return jsonify({**_envelope(report), "tables": _tables(report, "jdai")})


@bp.route("/oversight/tables/<key>")
@access(*READERS)
def oversight_table(key: str):
    """One table of the report, by its key (as listed by the three endpoints above)."""
    if key not in {k for keys in SECTIONS.values() for k in keys}:
        raise NotFound("No oversight table has this key.")
    report = _report(f"table:{key}")
    return jsonify({**_envelope(report), "table": report.tables[key].as_json()})
