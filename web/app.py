"""The Flask application factory."""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from index.faults import IndexFault
from search import SearchIndex
from web import (
    access,
    api,
    caching,
    errors,
    exports,
    feeds,
    hardening,
    pages,
    reference,
    settings,
    signin,
)
from web.accounts import Accounts, secret_key
from web.rate_store import storage_uri

_M_TRIM_THRESHOLD = -1  # mallopt parameters (glibc malloc.h)
_M_MMAP_THRESHOLD = -3


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then TRACUU_* environment variables, then config."""
    app = Flask(__name__)
    app.config.from_mapping(settings.defaults())
    app.config.from_prefixed_env("TRACUU")
    if config:
        app.config.from_mapping(config)
    app.config.update(settings.coerced(app.config))
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    instance = Path(app.config["INSTANCE_DIR"])
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or secret_key(instance)
    # A form's CSRF token lasts as long as the session that holds it.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    app.extensions["tracuu.accounts"] = Accounts(instance)
    search_index = SearchIndex(Path(app.config["INDEX_DIR"]))
    if app.config.get("PRELOAD"):
        _preload(app, search_index)
    app.extensions["tracuu.index"] = search_index
    errors.register(app)
    hardening.register(app)
    CSRFProtect(app)
    signin.init_sessions(app)
    # Who asks is known before any limit is counted (staff are not limited).
    access.register(app)
    limiter = Limiter(get_remote_address, app=app, strategy="fixed-window",
                      storage_uri=(app.config["RATELIMIT_STORAGE_URI"]
                                   or storage_uri(instance / "limits.sqlite3")),
                      headers_enabled=True, swallow_errors=True)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    app.register_blueprint(exports.blueprint)
    app.register_blueprint(reference.blueprint)
    app.register_blueprint(feeds.blueprint)
    api.limit(app, limiter)
    signin.init(app, limiter)
    # Every limit is on the views it limits (checked as they are called): the
    # limiter's hook before every request would only cost the others 0.1-0.2 ms.
    app.before_request_funcs[None].remove(limiter._check_request_limit)
    pages.register_filters(app)
    # Registered last, so it runs first after a view: web.access and web.hardening then
    # add Vary, staff's Cache-Control and the security headers to a 304 as well.
    caching.register(app)
    return app


def _trim_heap() -> None:
    """Return freed memory to the system, and keep doing so (glibc only).

    A fixed mmap threshold stops glibc from raising it after the first large
    free: a query's temporary arrays (a few MiB) are then mapped and unmapped
    rather than kept in each worker's heap.
    """
    try:
        libc = ctypes.CDLL(None)
        libc.malloc_trim(0)
        libc.mallopt(_M_MMAP_THRESHOLD, 256 * 1024)
        libc.mallopt(_M_TRIM_THRESHOLD, 1024 * 1024)
    except (OSError, AttributeError):
        pass


def _preload(app: Flask, search_index: SearchIndex) -> None:
    """Open the index now: under gunicorn (preload_app) this runs before the fork, so
    every worker starts with the current generation's arrays mapped (the page cache
    holds the one copy all processes share). Each worker opens its own searcher."""
    try:
        opened = search_index.open()
    except IndexFault as error:
        app.logger.warning("index not opened: %s", error)
        return
    # Keep the collector off the objects made so far, so that it does not
    # write to (and so copy) the pages the workers share.
    gc.collect()
    gc.freeze()
    _trim_heap()
    app.logger.warning("opened generation %d: %d documents, %.0f MiB mapped",
                       opened["generation"], opened["documents"], opened["bytes"] / 2**20)
