"""Routes that fail on purpose, registered on the test app before its first request.

They prove that errors answer generically, write nothing, and log no identity.
Their blueprint names start with `testing_` so the route walk leaves them out.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint

from justice_tracker.auth.access import access
from justice_tracker.cases.models import Child
from justice_tracker.db import db

SECRET_NAME = "Zebediah-Unloggable"

pages = Blueprint("testing_failures", __name__)
api = Blueprint("testing_api_failures", __name__)


def _child(pseudonym: str) -> Child:
    return Child(
        pseudonym=pseudonym,
        given_name=SECRET_NAME,
        family_name=SECRET_NAME,
        sex="F",
        languages=[],
        created_at=datetime.now(UTC),
    )


@pages.route("/testing/partial-write-then-crash")
@access()
def partial_write_then_crash():
    db.session.add(_child("C-BOOM-0001"))
    db.session.flush()
    raise RuntimeError("secret internal detail SELECT * FROM children")


@pages.route("/testing/duplicate-child")
@access()
def duplicate_child():
    db.session.add_all([_child("C-DUPL-0001"), _child("C-DUPL-0001")])
    db.session.flush()
    return "unreachable"


@api.route("/testing/crash")
@access()
def api_crash():
    raise RuntimeError("internal")


def register(app) -> None:
    app.register_blueprint(pages)
    app.register_blueprint(api, url_prefix="/api/v1")
