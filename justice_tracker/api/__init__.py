"""The versioned JSON API (`/api/v1`)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from justice_tracker.api import deadlines, views  # noqa: E402, F401 - registers the routes on bp
