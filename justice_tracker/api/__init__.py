"""The versioned JSON API (`/api/v1`)."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from justice_tracker.api import deadlines, views  # noqa: E402, F401 - registers the routes on bp
from justice_tracker.documents import api as documents_api  # noqa: E402, F401 - the PDF route
from justice_tracker.oversight import api as oversight_api  # noqa: E402, F401 - registers the routes on bp
from justice_tracker.programmes import api as programmes_api  # noqa: E402, F401 - registers the routes on bp
