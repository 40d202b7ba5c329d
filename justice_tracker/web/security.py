"""Per-request security: request id, who is calling, route access, CSRF and response headers."""

from __future__ import annotations

import uuid

from flask import Flask, Response, current_app, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest

from justice_tracker.auth.access import rule_for
from justice_tracker.auth.sessions import resolve_session_user, resolve_token_user
from justice_tracker.config import is_production
from justice_tracker.errors import Forbidden
from justice_tracker.extensions import csrf, login_manager

STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


@login_manager.request_loader
def _load_user(_request: object) -> object | None:
    return g.get("user")


def _authenticate() -> None:
    g.request_id = uuid.uuid4().hex
    g.user = None
    g.auth_method = None
    if request.endpoint == "static":
        return
    token_user = resolve_token_user(request.headers.get("Authorization"))
    if token_user is not None:
        g.user, g.auth_method = token_user, "token"
        return
    user, ended = resolve_session_user()
    if user is not None:
        g.user, g.auth_method = user, "session"
    elif ended in ("idle_timeout", "absolute_timeout"):
        flash(_("Your session has expired. Please sign in again."), "info")


def _enforce_route_access() -> Response | None:
    if request.endpoint is None or request.endpoint == "static":
        return None
    rule = rule_for(current_app.view_functions.get(request.endpoint))
    if rule is None:
        # Fail closed: a route that forgot to declare its rule is reachable by nobody.
        current_app.logger.error("route %s declares no access rule", request.endpoint)
        raise Forbidden("This page declares no access rule.")
    if rule.public:
        return None
    if g.user is None:
        if is_api_request():
            response = jsonify(error={"code": 401, "message": "Authentication required.", "request_id": g.request_id})
            response.status_code = 401
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return redirect(url_for("auth.login"))
    if g.user.role not in rule.roles:
        raise Forbidden("Your role does not give access to this page.")
    return None


def _refuse_nul_characters() -> None:
    """A NUL character is never meaningful here, and PostgreSQL cannot store one in text."""
    texts = [*request.args.values(), *request.form.values()]
    raw = request.get_data(cache=True) if request.is_json else b""
    if any("\x00" in text for text in texts) or b"\x00" in raw or b"\\u0000" in raw:
        raise BadRequest("The request contains a NUL character, which no field accepts.")


def _check_csrf() -> None:
    # Bearer tokens are not sent by browsers on their own, so token calls need no CSRF token.
    if request.method in STATE_CHANGING and g.get("auth_method") != "token":
        csrf.protect()


def _headers(response: Response) -> Response:
    h = response.headers
    h["Content-Security-Policy"] = CSP
    h["X-Content-Type-Options"] = "nosniff"
    h["X-Frame-Options"] = "DENY"
    h["Referrer-Policy"] = "no-referrer"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    h["X-Request-Id"] = g.get("request_id", "")
    if is_production(current_app):
        h["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    if g.get("user") is not None or request.endpoint != "static":
        h["Cache-Control"] = "no-store"
    return response


def init_security(app: Flask) -> None:
    app.before_request(_authenticate)
    app.before_request(_enforce_route_access)
    app.before_request(_refuse_nul_characters)
    app.before_request(_check_csrf)
    app.after_request(_headers)
