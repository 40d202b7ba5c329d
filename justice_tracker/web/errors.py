"""Error answers: a generic page (or JSON problem) with the request id, never a stack trace.

Refusals of access are audited. Any error rolls the request's transaction back first,
so that nothing is half-written.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from justice_tracker.audit.service import record
from justice_tracker.db import db
from justice_tracker.errors import DomainError, Forbidden, ValidationFailed
from justice_tracker.web.security import is_api_request

STALE_MESSAGE = "This record was changed by someone else since you opened it; reload it and try again."
TITLES = {
    400: "Bad request",
    401: "Sign-in required",
    403: "Access refused",
    404: "Not found",
    405: "Method not allowed",
    409: "Changed by someone else",
    413: "Too large",
    422: "Invalid data",
    429: "Too many attempts",
    500: "Something went wrong",
}


def _answer(status: int, message: str, fields: dict[str, list[str]] | None = None):
    if is_api_request():
        body: dict[str, object] = {"code": status, "message": message, "request_id": g.get("request_id")}
        if fields:
            body["fields"] = fields
        response = jsonify(error=body)
        response.status_code = status
        return response
    title = TITLES.get(status, "Error")
    try:
        return render_template("errors/error.html", status=status, title=title, message=message), status
    except Exception:
        current_app.logger.exception("error page could not be rendered")
        return Response(f"{title}. Request id: {g.get('request_id')}", status=status, mimetype="text/plain")


def _audit_refusal(message: str) -> None:
    db.session.rollback()
    record("access_denied", "route", request.endpoint, outcome="denied", detail=f"{request.method} {request.path}")
    db.session.commit()


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(Forbidden)
    def forbidden(exc: Forbidden):
        _audit_refusal(exc.message)
        return _answer(403, exc.message)

    @app.errorhandler(ValidationFailed)
    def invalid(exc: ValidationFailed):
        db.session.rollback()
        return _answer(422, exc.message, exc.as_dict())

    @app.errorhandler(StaleDataError)
    def stale(_exc: StaleDataError):
        db.session.rollback()
        return _answer(409, STALE_MESSAGE)

    @app.errorhandler(DomainError)
    def domain(exc: DomainError):
        db.session.rollback()
        return _answer(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        db.session.rollback()
        return _answer(400, "The form has expired or was not sent from this site. Reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        status = exc.code or 500
        if status == 403:
            _audit_refusal(exc.description or "")
        return _answer(status, TITLES.get(status, exc.name) if status >= 500 else (exc.description or exc.name))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("unhandled error in %s %s", request.method, request.endpoint)
        return _answer(500, "An unexpected error occurred. Quote the request id to the administrator.")
