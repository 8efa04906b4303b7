"""Signing staff in and out: the /login and /logout pages, sessions, failed-attempt limits."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from web.access import accounts, asker, session_seconds
from web.accounts import MAX_PASSWORD_LENGTH, AccountError, User, normalize_name
from web.errors import WebError, answer

log = logging.getLogger(__name__)

blueprint = Blueprint("signin", __name__)

FAILED = "Tên đăng nhập hoặc mật khẩu không đúng."
TOO_MANY = ("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút "
            "hoặc liên hệ người quản trị.")


class Staff(UserMixin):
    """A signed-in account, as Flask-Login keeps it: by the id of the sign-in (recorded in
    the instance folder), never by the account's name."""

    def __init__(self, user: User, session_id: str) -> None:
        self.name = user.name
        self.session_id = session_id

    def get_id(self) -> str:
        return self.session_id


class LoginForm(FlaskForm):
    """The sign-in form (with its CSRF token)."""

    name = StringField("Tên đăng nhập", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Mật khẩu",
                             validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])


class LogoutForm(FlaskForm):
    """The sign-out button: a form only so that it carries a CSRF token."""


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Show the sign-in form; sign a member of staff in."""
    form = LoginForm()
    next_url = _local(request.values.get("next", ""))
    if request.method == "GET":
        return render_template("login.html", form=form, next_url=next_url)
    user = accounts().verify(form.name.data or "", form.password.data or "") \
        if form.validate() else None
    if user is None:
        g.signin_failed = True
        log.warning("sign-in failed for %r from %s", _account_name(), request.remote_addr)
        return render_template("login.html", form=form, next_url=next_url, error=FAILED), 401
    if asker().via == "session":  # signing in again: the earlier sign-in ends
        accounts().end_session(current_user.session_id)
    session.clear()  # a new session: nothing of the anonymous one is kept
    login_user(Staff(user, accounts().start_session(user.name, session_seconds())))
    session.permanent = True
    log.warning("signed in: %s from %s", user.name, request.remote_addr)
    return redirect(next_url or url_for("pages.search"), 303)


@blueprint.post("/logout")
def logout() -> ResponseReturnValue:
    """Sign out (a POST with the form's CSRF token)."""
    name = asker().name if asker().via == "session" else None
    if name:
        accounts().end_session(current_user.session_id)
    logout_user()
    session.clear()
    if name:
        log.warning("signed out: %s from %s", name, request.remote_addr)
        flash("Đã đăng xuất.")
    return redirect(url_for("pages.search"), 303)


def _local(url: str) -> str:
    """Return url if it is a path on this site (never another site's address), else "".

    Browsers drop tabs and line breaks from an address and read a backslash as a
    slash, so "/\t/example.org" would be another site: a backslash or any control
    character refuses it.
    """
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not url.startswith("/") or url.startswith("//") \
            or "\\" in url or not url.isprintable():
        return ""
    return url


def _account_name() -> str:
    try:
        return normalize_name(request.form.get("name", ""))
    except AccountError:
        return request.form.get("name", "")[:64]


def _failed(_response: Any) -> bool:
    return bool(g.get("signin_failed"))


def init_sessions(app: Flask) -> None:
    """Keep signed-in staff in the session (Flask-Login)."""
    manager = LoginManager(app)
    manager.session_protection = "basic"

    @manager.user_loader
    def load(session_id: str) -> Staff | None:
        user = accounts().session_user(session_id, session_seconds())
        return Staff(user, session_id) if user is not None else None


def init(app: Flask, limiter: Limiter) -> None:
    """Add the sign-in pages and their failed-attempt limits."""
    app.register_blueprint(blueprint)

    @app.errorhandler(RateLimitExceeded)
    def too_many(error: RateLimitExceeded) -> ResponseReturnValue:
        if request.endpoint != "signin.login":
            return answer(WebError.from_exception(error))
        log.warning("sign-in refused (too many failures) for %r from %s", _account_name(),
                    request.remote_addr)
        seconds = error.limit.limit.get_expiry() if error.limit else 900
        return render_template("login.html", form=LoginForm(), next_url="",
                               error=too_many_message(seconds)), 429
    # Only failed attempts count; one per account and one per address.
    view: Any = app.view_functions["signin.login"]
    view = limiter.limit(lambda: current_app.config["LOGIN_ACCOUNT_LIMIT"],
                         key_func=lambda: "account:" + _account_name(), methods=["POST"],
                         deduct_when=_failed, scope="signin-account")(view)
    view = limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"],
                         key_func=get_remote_address, methods=["POST"],
                         deduct_when=_failed, scope="signin-address")(view)
    app.view_functions["signin.login"] = view


def too_many_message(retry_after: float) -> str:
    """Return the Vietnamese message for a sign-in refused by the limits."""
    return TOO_MANY.format(minutes=max(1, round(retry_after / 60)))
