"""The application factory: configuration, extensions, security, blueprints and commands."""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from justice_tracker import ROOT
from justice_tracker.config import load_config


def _select_locale() -> str | None:
    from flask import current_app, g

    user = g.get("user")
    if user is not None and user.locale:
        return user.locale
    return request.accept_languages.best_match(current_app.config["LANGUAGES"])


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    load_config(app, overrides)

    from justice_tracker.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["REDIS_URL"] or "memory://")
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)

    from justice_tracker import models  # noqa: F401 - registers every table on the metadata
    from justice_tracker.deadlines.packs import init_packs
    from justice_tracker.oversight.cache import init_report_cache
    from justice_tracker.web.errors import register_error_handlers
    from justice_tracker.web.logging import configure_logging
    from justice_tracker.web.security import init_security
    from justice_tracker.web.templating import init_templating

    init_packs(app)
    init_report_cache(app)
    configure_logging(app)
    init_security(app)
    init_templating(app)
    register_error_handlers(app)
    _register_blueprints(app)
    _register_commands(app)

    if app.config["PROXY_FIX_HOPS"]:
        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _register_blueprints(app: Flask) -> None:
    from justice_tracker.admin.views import bp as admin_bp
    from justice_tracker.api import bp as api_bp
    from justice_tracker.auth.views import bp as auth_bp
    from justice_tracker.cases.views import bp as cases_bp
    from justice_tracker.deadlines.views import bp as boards_bp
    from justice_tracker.documents.views import bp as documents_bp
    from justice_tracker.home.views import bp as home_bp
    from justice_tracker.oversight.register_views import bp as register_bp
    from justice_tracker.oversight.views import bp as oversight_bp
    from justice_tracker.programmes.views import bp as programmes_bp

    blueprints = (
        home_bp,
        auth_bp,
        cases_bp,
        admin_bp,
        oversight_bp,
        register_bp,
        boards_bp,
        documents_bp,
        programmes_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def _register_commands(app: Flask) -> None:
    from justice_tracker.cli import register_commands

    register_commands(app)
