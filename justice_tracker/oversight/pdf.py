"""The oversight report as PDF: the period's tables and charts, and the indicators with their definitions.

Laid out from `reports/oversight.html` by the documents' template environment (autoescaped,
assets through `jt-asset:` only) and rendered by the documents' bounded worker processes
with the same limits (`documents.engine`), never in the web process. The report holds
aggregates only: no pseudonym list, no name; its title is the period.
"""

from __future__ import annotations

import re

from flask import current_app

from justice_tracker.db import db
from justice_tracker.documents.engine import Limits, render_pdf
from justice_tracker.documents.service import Rendered, environment
from justice_tracker.org.models import Court, Facility
from justice_tracker.oversight.charts import dashboard_charts
from justice_tracker.oversight.report import DASHBOARD, JDAI, Report

TEMPLATE = "oversight.html"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def filename(report: Report, extension: str = "pdf") -> str:
    """`oversight-<jurisdiction or all>-<from>-<to>.<extension>`, letters, digits, `.`, `_` and `-` only."""
    scope = report.scope
    name = f"oversight-{scope.jurisdiction or 'all'}-{scope.start:%Y%m%d}-{scope.end:%Y%m%d}"
    return f"{_UNSAFE.sub('-', name)}.{extension}"


def report_html(report: Report) -> str:
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            report=report,
            charts=dashboard_charts(report.tables),
            dashboard=[report.tables[k] for k in DASHBOARD],
            jdai=[report.tables[k] for k in JDAI],
            title=f"Oversight report {report.scope.start:%Y-%m-%d} to {report.scope.end:%Y-%m-%d}",
            court_name=_name(Court, report.scope.court_id),
            facility_name=_name(Facility, report.scope.facility_id),
        )
    )


def _name(model: type[Court] | type[Facility], ident: int | None) -> str | None:
    found = db.session.get(model, ident) if ident is not None else None
    return found.name if found is not None else None


def render_report(report: Report) -> Rendered:
    result = render_pdf(report_html(report), Limits.from_config(current_app.config))
    return Rendered(result.pdf, filename(report), result.pages, result)
