"""HTML pages for children, cases and their timelines."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cases", __name__)
