"""Headers every answer carries, cookies, and trusting a reverse proxy.

The pages hold no inline script or style: the Content-Security-Policy lets
scripts and styles come only from this site (/static), forms post only here,
and no other site may frame the pages.
"""

from __future__ import annotations

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from web.errors import RETRY_AFTER

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions whose cookie is Secure whenever the request came over HTTPS
    (as ProxyFix reports it behind a proxy), or always when SECURE_COOKIES is set."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SECURE_COOKIES"]) or request.is_secure

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # Most requests carry no cookie: they need no signing serializer.
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)


def register(app: Flask) -> None:
    """Set cookie options, trust the configured proxies, add the headers to every answer."""
    app.config.update(
        SESSION_COOKIE_NAME="tracuu_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # A sign-in lasts SESSION_HOURS from when it was made (web.access),
        # however often the cookie is written again.
        SESSION_REFRESH_EACH_REQUEST=False,
        PERMANENT_SESSION_LIFETIME=int(float(app.config["SESSION_HOURS"]) * 3600),
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
    )
    app.session_interface = SessionInterface()
    proxies = int(app.config["PROXY_FIX"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app,  # type: ignore[method-assign]
                                x_for=proxies, x_proto=proxies, x_host=proxies,
                                x_prefix=proxies)

    @app.after_request
    def harden(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if response.status_code == 503:
            # Flask-Limiter sends its window's Retry-After with every answer of a limited
            # view; a 503 says when the index or accounts may be back.
            response.headers["Retry-After"] = RETRY_AFTER
        elif response.status_code != 429:
            response.headers.pop("Retry-After", None)  # it means "wait"
        return response

