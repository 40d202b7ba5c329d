"""Administration: users, roles, courts, facilities, jurisdictions and API tokens."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
