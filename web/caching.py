"""HTTP caching and cross-origin reading of what the site answers.

- Every successful GET of a search, a document, the API, an export or a feed
  carries an ETag and Last-Modified. The ETag hashes the answer with the index
  generation that made it and who asked (the public or staff), so no ETag is ever
  shared between the two; an answer streamed as it is made (an export) hashes
  its URL, its generation, who asked and the code that makes it instead.
- A request whose If-None-Match names the ETag gets 304 Not Modified, without
  the body (a streamed answer is then not made at all).
- Public answers may be kept by any cache for CACHE_SECONDS; staff answers are
  ``private, no-store`` (web.access).
- GET answers under /api/ carry CORS headers: public ones for the origins of
  CORS_ORIGINS (``*``, the default, for any), staff ones only for origins named
  there explicitly. A preflight (OPTIONS) says GET and the Authorization header
  are allowed.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, Response, current_app, g, request
from flask.globals import request_ctx
from werkzeug.http import http_date

from index.faults import IndexFault
from search.engine import Stamp
from web.access import asker
from web.search_context import search_index
from web.settings import SETTINGS

# The views whose answers depend only on the index, who asks and the URL.
CACHED = ("pages.search", "pages.document", "api.search", "api.suggest", "api.document",
          "api.relations", "reference.openapi", "reference.api_page", "exports.", "feeds.")
_SOURCES = ("index", "search", "web")


def register(app: Flask) -> None:
    """Add validators, 304s, Cache-Control and CORS to the answers."""

    @app.after_request
    def validate(response: Response) -> Response:
        if request.path.startswith("/api/"):
            _cors(response)
        if request.method not in ("GET", "HEAD") or response.status_code != 200 \
                or not _cached(request.endpoint or ""):
            return response
        if getattr(request_ctx, "flashes", None):
            # A message meant for this visitor (e.g. "signed out"): never for a cache.
            response.headers["Cache-Control"] = "private, no-store"
            return response
        stamp = g.get("tracuu_stamp") or _stamp()
        if stamp is None:
            return response
        etag = _etag(response, stamp)
        response.set_etag(etag)
        response.headers["Last-Modified"] = http_date(stamp.committed)
        if not asker().staff:  # staff answers are made private by web.access
            seconds = int(current_app.config["CACHE_SECONDS"])
            response.headers["Cache-Control"] = f"public, max-age={seconds}"
        if request.if_none_match.contains_weak(etag):
            return _not_modified(response)
        return response


def _cached(endpoint: str) -> bool:
    return any(endpoint == name or (name.endswith(".") and endpoint.startswith(name))
               for name in CACHED)


def _stamp() -> Stamp | None:
    try:
        return search_index().stamp()
    except IndexFault:
        return None


def _etag(response: Response, stamp: Stamp) -> str:
    """Return the answer's ETag: of its body, or (streamed) of what makes it."""
    digest = hashlib.sha256()
    who = "staff" if asker().staff else "public"
    digest.update(f"{stamp.index}\0{stamp.generation}\0{who}\0".encode())
    if response.is_streamed:
        digest.update(request.url.encode())
        digest.update(_code().encode())
        digest.update(repr([current_app.config.get(setting.name) for setting in SETTINGS]
                           ).encode())
    else:
        digest.update(response.get_data())
    return digest.hexdigest()[:32]


def _not_modified(response: Response) -> Response:
    """Return 304 with the answer's validators, caching and CORS headers and no body
    (web.access and web.hardening add Vary and the security headers after this)."""
    response.close()  # a streamed answer is not made
    answer = Response(status=304)
    for name, value in response.headers.items():
        if name in ("ETag", "Last-Modified", "Cache-Control", "Vary") \
                or name.startswith("Access-Control-"):
            answer.headers[name] = value
    return answer


def _cors(response: Response) -> None:
    """Let the origins of CORS_ORIGINS read GET answers under /api/ (staff answers only
    explicitly named origins)."""
    allowed = [item.strip() for item in str(current_app.config["CORS_ORIGINS"]).split(",")
               if item.strip()]
    if any(item != "*" for item in allowed):
        response.vary.add("Origin")  # the answer differs by origin
    origin = request.headers.get("Origin")
    if origin is None:
        return
    named = origin in allowed
    if asker().staff and not named:
        return
    if not named and "*" not in allowed:
        return
    response.headers["Access-Control-Allow-Origin"] = origin if named else "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, X-Total-Count"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
        response.headers["Access-Control-Allow-Headers"] = "Authorization"
        response.headers["Access-Control-Max-Age"] = "600"


@cache
def _code() -> str:
    """Return a hash of the code and templates that make answers (the same in every
    worker of one release, different after any change)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for package in _SOURCES:
        for path in sorted((root / package).rglob("*")):
            if path.suffix in (".py", ".html", ".css", ".js", ".json") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
