"""The oversight area: aggregates only, never a child's identity."""

from __future__ import annotations

from flask import Blueprint, render_template

from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role

bp = Blueprint("oversight", __name__, url_prefix="/oversight")


@bp.route("/")
@access(Role.OVERSIGHT, Role.ADMIN)
def index():
    return render_template("oversight/index.html")
