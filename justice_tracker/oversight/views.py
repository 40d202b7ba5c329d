"""The oversight area: aggregates only, never a child's identity.

Until the oversight issue brings indicators, the page shows open cases and
children in custody per jurisdiction, counted in SQL, with small counts
suppressed and no totals (so a suppressed cell cannot be recovered by subtraction).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from sqlalchemy import case as when
from sqlalchemy import func, select

from justice_tracker.audit.service import record
from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role
from justice_tracker.cases.models import Case, CaseStatus
from justice_tracker.db import db
from justice_tracker.org.models import Jurisdiction

bp = Blueprint("oversight", __name__, url_prefix="/oversight")


def suppress(count: int, threshold: int) -> str:
    """A count as shown to oversight: 1 to threshold-1 become "<threshold"."""
    return f"<{threshold}" if 0 < count < threshold else str(count)


@bp.route("/")
@access(Role.OVERSIGHT, Role.ADMIN)
def index():
    threshold = current_app.config["SMALL_CELL_THRESHOLD"]
    stmt = (
        select(
            Jurisdiction.name,
            func.count(Case.id),
            func.coalesce(func.sum(when((Case.custody_state.is_not(None), 1), else_=0)), 0),
        )
        .join(Case, Case.jurisdiction_code == Jurisdiction.code)
        .where(Case.status == CaseStatus.OPEN)
        .group_by(Jurisdiction.name)
        .order_by(Jurisdiction.name)
    )
    rows = [
        {"name": name, "open_cases": suppress(open_cases, threshold), "in_custody": suppress(held, threshold)}
        for name, open_cases, held in db.session.execute(stmt)
    ]
    record("oversight_summary_viewed", "aggregate", None)
    db.session.commit()
    return render_template("oversight/index.html", rows=rows, threshold=threshold)
