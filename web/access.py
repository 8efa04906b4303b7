"""Who is asking, and so what they may see: the one place every view asks.

An asker is the public, or a member of staff: signed in (a session) or a
program with an API token (``Authorization: Bearer``). Staff see internal
documents; everyone else gets exactly the answers an index without them
would give. A wrong or revoked token is refused (401), never served as
the public. Answers to staff are never stored by a cache.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, jsonify, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user

from web.accounts import Accounts

log = logging.getLogger(__name__)

INVALID_TOKEN = {"error": {"code": "invalid_token",
                           "message": "Mã truy cập (token) không hợp lệ hoặc đã bị thu hồi."}}


@dataclass(frozen=True)
class Asker:
    """The public (no name), or a member of staff by session or token."""

    name: str | None = None
    via: str = ""  # "session" or "token"

    @property
    def staff(self) -> bool:
        """Tell whether the asker may see internal documents."""
        return self.name is not None


PUBLIC = Asker()


def asker() -> Asker:
    """Return who is asking in this request."""
    found: Asker = g.get("tracuu_asker", PUBLIC)
    return found


def accounts() -> Accounts:
    """Return the app's accounts and tokens."""
    found: Accounts = current_app.extensions["tracuu.accounts"]
    return found


def session_seconds() -> float:
    """Return how long a sign-in lasts."""
    return float(current_app.config["SESSION_HOURS"]) * 3600


def register(app: Flask) -> None:
    """Identify the asker before every view; mark answers to staff private."""

    @app.before_request
    def identify() -> ResponseReturnValue | None:
        header = request.headers.get("Authorization")
        if header is not None:
            scheme, _, token = header.strip().partition(" ")
            record = accounts().token(token.strip()) if scheme.lower() == "bearer" else None
            if record is None:
                log.warning("refused a request with a wrong or revoked token from %s",
                            request.remote_addr)
                return jsonify(INVALID_TOKEN), 401, {
                    "WWW-Authenticate": 'Bearer realm="tracuu", error="invalid_token"'}
            g.tracuu_asker = Asker(record.name, "token")
            return None
        if "_user_id" not in session:  # Flask-Login's key: nobody signed in
            return None
        if current_user.is_authenticated:
            g.tracuu_asker = Asker(current_user.name, "session")
        else:
            # A sign-in that expired, was signed out elsewhere, or whose account
            # changed password or was removed: the cookie is cleared.
            log.warning("session ended (expired, signed out, new password or account "
                        "removed) for a request from %s", request.remote_addr)
            session.clear()
        return None

    @app.after_request
    def private(response: Response) -> Response:
        response.vary.update(("Cookie", "Authorization"))
        if asker().staff:
            response.headers["Cache-Control"] = "private, no-store"
        return response
