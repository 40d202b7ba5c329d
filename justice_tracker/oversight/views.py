"""The oversight area's pages: de-identified aggregates only, for oversight bodies and administrators.

- `/oversight/`: the detention audit (children held at the census instant, breaches in the
  period, lengths of detention, monthly trends, and the pseudonyms of children held where
  their jurisdiction's count is shown);
- `/oversight/indicators`: the UNODC/UNICEF indicators, by area, the policy facts and the
  facility register; `/oversight/jdai`: JDAI detention metrics and alternative programmes;
- `/oversight/tables/<key>.csv|.xlsx`: any table; `/oversight/export.xlsx`: every table;
  `/oversight/report.pdf`: the report for the period.

Every answer builds the whole report for its scope (`report.build_report`), so a number
hidden on one page is hidden on all of them and in every file, and writes one audit row
(the view and the scope's ids, never a name).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from justice_tracker.audit.service import record
from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role
from justice_tracker.clock import utcnow
from justice_tracker.db import db
from justice_tracker.documents.engine import RenderFailed
from justice_tracker.oversight import exports
from justice_tracker.oversight.cache import cached_report
from justice_tracker.oversight.charts import dashboard_charts
from justice_tracker.oversight.pdf import filename, render_report
from justice_tracker.oversight.report import SECTIONS, Report
from justice_tracker.oversight.scope import Scope, ScopeError, parse_scope, scope_choices
from justice_tracker.web.templating import render_audited

bp = Blueprint("oversight", __name__, url_prefix="/oversight")
READERS = (Role.OVERSIGHT, Role.ADMIN)
FORMATS = "<any(csv, xlsx):fmt>"


def _scope(now: datetime) -> Scope:
    """The scope asked for; a parameter that cannot be used is said and left out (the defaults apply)."""
    try:
        return parse_scope(request.args, now)
    except ScopeError as exc:
        flash(_("%(field)s: %(message)s The default was used instead.", field=exc.field, message=exc.message), "error")
        kept = {k: v for k, v in request.args.items() if k in ("jurisdiction", "court", "facility")}
        try:
            return parse_scope(kept, now)
        except ScopeError:
            return parse_scope({}, now)


def load_report(view: str, via: str = "page") -> Report:
    now = utcnow()
    scope = _scope(now)
    report = cached_report(scope, now)
    record("oversight_viewed", "aggregate", None, detail=f"view={view} via={via} {scope.describe()}")
    return report


def _form_dates(scope: Scope) -> dict[str, str]:
    """The scope's instants as the filter form's dates (the period's last day is the day before its exclusive end)."""
    zone = scope.zone
    end = scope.end.astimezone(zone)
    last_day = end.date() - timedelta(days=1) if end.time() == time(0) else end.date()
    return {
        "from": scope.start.astimezone(zone).date().isoformat(),
        "to": last_day.isoformat(),
        "as_of": scope.as_of.astimezone(zone).date().isoformat(),
    }


def _page(template: str, report: Report, **extra: object) -> str:
    extra.setdefault("section", template.removeprefix("oversight/").removesuffix(".html"))
    return render_audited(
        template,
        report=report,
        scope=report.scope,
        dates=_form_dates(report.scope),
        choices=scope_choices(),
        scope_args=report.scope.args(),
        links=lambda key: export_links(key, report.scope),
        **extra,
    )


SECTION_TITLES = {
    "dashboard": _l("Oversight: detention audit"),
    "indicators": _l("Oversight: juvenile justice indicators"),
    "jdai": _l("Oversight: detention practice (JDAI) and alternatives"),
}


HELD_ITEMS = "oversight/_held_items.html"


def _held_lists(report: Report) -> dict[str, Markup]:
    """Each listed jurisdiction's children held, as the items of its list, made once per report and language.

    A national list holds thousands of children. One plural lookup each was a fifth of the page, and
    escaping them at every look 4 % of a worker's time under load (bench/RESULTS.md); the report is
    reused for minutes, and so are its lists.
    """
    key = ("held_lists", str(get_locale()))
    if key not in report.rendered:
        lengths = {days for held in report.custody_lists for _pseudonym, days in held.entries}
        words = {days: ngettext("%(num)d day", "%(num)d days", days) for days in lengths}
        report.rendered[key] = {
            # The template escapes each pseudonym: what it returns is markup.
            held.jurisdiction: Markup(render_template(HELD_ITEMS, entries=held.entries, day_words=words))  # noqa: S704
            for held in report.custody_lists
            if held.shown
        }
    return report.rendered[key]


def _section(name: str) -> str:
    report = load_report(name)
    extra = (
        {"charts": dashboard_charts(report.tables), "held_lists": _held_lists(report)} if name == "dashboard" else {}
    )
    return _page(
        f"oversight/{name}.html", report, tables=report.section(name), page_title=SECTION_TITLES[name], **extra
    )


@bp.route("/")
@access(*READERS)
def index():
    return _section("dashboard")


@bp.route("/indicators")
@access(*READERS)
def indicators():
    return _section("indicators")


@bp.route("/jdai")
@access(*READERS)
def jdai():
    return _section("jdai")


def _download(body: bytes | str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route(f"/tables/<key>.{FORMATS}")
@access(*READERS)
def export_table(key: str, fmt: str):
    if key not in {k for keys in SECTIONS.values() for k in keys}:
        abort(404)
    report = load_report(f"table:{key}:{fmt}", via="export")
    table = report.tables[key]
    name = filename(report, fmt).replace("oversight-", f"oversight-{key.replace('_', '-')}-", 1)
    db.session.commit()
    if fmt == "csv":
        return _download(exports.table_csv(table), exports.CSV_TYPE, name)
    about = exports.about_rows(report.scope, report.threshold, report.generated_at)
    return _download(exports.tables_xlsx([table], about, table.title), exports.XLSX_TYPE, name)


@bp.route("/export.xlsx")
@access(*READERS)
def export_all():
    report = load_report("all:xlsx", via="export")
    db.session.commit()
    about = exports.about_rows(report.scope, report.threshold, report.generated_at)
    tables = [report.tables[k] for keys in SECTIONS.values() for k in keys]
    body = exports.tables_xlsx(tables, about, "Oversight tables")
    return _download(body, exports.XLSX_TYPE, filename(report, "xlsx"))


@bp.route("/report.pdf")
@access(*READERS)
def report_pdf():
    now = utcnow()
    scope = _scope(now)
    report = cached_report(scope, now)
    try:
        rendered = render_report(report)
    except RenderFailed as exc:
        record(
            "oversight_report_failed",
            "aggregate",
            None,
            outcome="failure",
            detail=f"{scope.describe()} reason={exc.reason}",
        )
        db.session.commit()
        raise
    record("oversight_report_rendered", "aggregate", None, detail=f"{scope.describe()} pages={rendered.pages}")
    db.session.commit()
    return _download(rendered.pdf, "application/pdf", rendered.filename)


def export_links(key: str, scope: Scope) -> dict[str, str]:
    return {fmt: url_for("oversight.export_table", key=key, fmt=fmt, **scope.args()) for fmt in ("csv", "xlsx")}
