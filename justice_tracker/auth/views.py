"""Sign in, sign out and change password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user

from justice_tracker.audit.service import record
from justice_tracker.auth.access import access
from justice_tracker.auth.forms import LoginForm, PasswordChangeForm
from justice_tracker.auth.services import authenticate, change_password, normalise_email
from justice_tracker.auth.sessions import current_login_session, end_session, start_session
from justice_tracker.db import db
from justice_tracker.errors import ValidationFailed
from justice_tracker.extensions import limiter

bp = Blueprint("auth", __name__)


def _username_key() -> str:
    return "login-user:" + normalise_email(request.form.get("email", ""))[:254]


def _limit(setting: str) -> str:
    return current_app.config[setting]


def _failed(response) -> bool:
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@access(public=True)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_USERNAME"],
    key_func=_username_key,
    methods=["POST"],
    deduct_when=_failed,
)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
def login():
    if g.user is not None:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            start_session(user)
            record("login", "user", user.id, actor=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        record("login_failed", "user", None, outcome="failure")
        db.session.commit()
        flash(_("Email or password not recognised."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@access()
def logout():
    row = current_login_session()
    if row is not None:
        end_session(row, "logout")
    record("logout", "user", g.user.id)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@access()
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            change_password(
                g.user,
                form.current_password.data or "",
                form.new_password.data or "",
                keep_session=current_login_session(),
            )
        except ValidationFailed as exc:
            for field, messages in exc.as_dict().items():
                getattr(form, field).errors = list(messages)
        else:
            db.session.commit()
            flash(_("Password changed. Your other sessions have been signed out."), "info")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
