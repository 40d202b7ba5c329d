"""Settings: defaults, then the instance folder's `config.py`, then environment variables.

Every setting can be given as an environment variable of the same name (prefixed
`JT_` for the project's own, plain for the conventional `DATABASE_URL`,
`SECRET_KEY` and `REDIS_URL`). Production mode (`JT_ENV=production`) refuses to
start with debug on, a missing or weak secret key, or cookies that are not Secure.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

WEAK_SECRETS = frozenset({"dev", "development", "secret", "changeme", "change-me", "insecure", "test", "please-change"})
MIN_SECRET_LENGTH = 32
MIN_SMALL_CELL_THRESHOLD = 3

DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",
    "SECRET_KEY": None,
    "SQLALCHEMY_DATABASE_URI": None,
    # Parameters would put children's names into exception messages and so into logs.
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "REDIS_URL": None,
    "IDLE_TIMEOUT_MINUTES": 30,
    "ABSOLUTE_TIMEOUT_HOURS": 12,
    "LOGIN_LIMIT_PER_USERNAME": "5 per minute;20 per hour",
    "LOGIN_LIMIT_PER_ADDRESS": "30 per minute;300 per hour",
    "PASSWORD_MIN_LENGTH": 12,
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST_KIB": 65536,
    "ARGON2_PARALLELISM": 2,
    "EVENT_FUTURE_TOLERANCE_MINUTES": 5,
    "PAGE_SIZE": 25,
    "SMALL_CELL_THRESHOLD": 5,
    # How long an oversight report is reused for the same scope (oversight/cache.py); 0: never.
    "OVERSIGHT_CACHE_SECONDS": 300,
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_FROM": "justice-tracker@localhost",
    "MAIL_TIMEOUT": 30,
    # The address the application is reached at, for links in emails (no trailing slash needed).
    "BASE_URL": "http://localhost:5000",
    "DIGEST_INCLUDE_ADVISORY": True,
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_DEFAULT_TIMEZONE": "UTC",
    "LANGUAGES": ["en", "fr", "es", "pt"],
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_NAME": "jt_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "PROXY_FIX_HOPS": 0,
    "RULE_PACK_DIR": None,
    "CLOCK": None,
}

_INT_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, int) and not isinstance(v, bool)}
_BOOL_KEYS = {k for k, v in DEFAULTS.items() if isinstance(v, bool)}
_PLAIN_ENV = {"SECRET_KEY": "SECRET_KEY", "DATABASE_URL": "SQLALCHEMY_DATABASE_URI", "REDIS_URL": "REDIS_URL"}


def _coerce(key: str, raw: str) -> Any:
    if key in _BOOL_KEYS:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if key in _INT_KEYS:
        return int(raw)
    return raw


def load_config(app: Flask, overrides: dict[str, Any] | None = None) -> None:
    app.config.update(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    for env_name, key in _PLAIN_ENV.items():
        if os.environ.get(env_name):
            app.config[key] = os.environ[env_name]
    for key in DEFAULTS:
        value = os.environ.get(f"JT_{key}")
        if value is not None:
            app.config[key] = _coerce(key, value)
    if os.environ.get("JT_ENV"):
        app.config["ENV_NAME"] = os.environ["JT_ENV"]
    if overrides:
        app.config.update(overrides)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "justice_tracker.sqlite")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if int(app.config["SMALL_CELL_THRESHOLD"]) < MIN_SMALL_CELL_THRESHOLD:
        # "<2" would say the count is 1: a marker hides something only from 3 up.
        raise InsecureConfigError(f"SMALL_CELL_THRESHOLD must be at least {MIN_SMALL_CELL_THRESHOLD}")
    if is_production(app):
        app.config["SESSION_COOKIE_SECURE"] = True
        check_production_settings(app.config)
    elif not app.config["SECRET_KEY"]:
        # A development key that changes at every start: sessions end on restart, nothing leaks.
        app.config["SECRET_KEY"] = os.urandom(32).hex()


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common `postgres://` forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_production(app: Flask) -> bool:
    return app.config["ENV_NAME"] == "production"


class InsecureConfigError(RuntimeError):
    """Raised at start-up when production settings would be unsafe."""


def check_production_settings(config: dict[str, Any]) -> None:
    problems = []
    secret = config.get("SECRET_KEY") or ""
    if len(secret) < MIN_SECRET_LENGTH or secret.lower() in WEAK_SECRETS or len(set(secret)) < 10:
        problems.append(f"SECRET_KEY must be a random value of at least {MIN_SECRET_LENGTH} characters")
    if config.get("DEBUG"):
        problems.append("debug mode must be off in production")
    if not config.get("SESSION_COOKIE_SECURE"):
        problems.append("session cookies must be Secure in production")
    if config.get("SQLALCHEMY_DATABASE_URI", "").startswith("sqlite") and not config.get("ALLOW_SQLITE_IN_PRODUCTION"):
        problems.append("production needs DATABASE_URL pointing at PostgreSQL")
    if problems:
        raise InsecureConfigError("refusing to start in production: " + "; ".join(problems))
