"""The landing page (per role) and the health check."""

from __future__ import annotations

from flask import Blueprint, g, jsonify, redirect, url_for
from sqlalchemy import text

from justice_tracker.auth.access import access
from justice_tracker.auth.models import Role
from justice_tracker.db import db

bp = Blueprint("home", __name__)


@bp.route("/")
@access()
def index():
    if g.user.role == Role.OVERSIGHT:
        return redirect(url_for("oversight.index"))
    if g.user.role == Role.COORDINATOR:
        return redirect(url_for("programmes.index"))
    return redirect(url_for("boards.board" if g.user.role in (Role.CLERK, Role.LAWYER) else "cases.index"))


@bp.route("/health")
@access(public=True)
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
