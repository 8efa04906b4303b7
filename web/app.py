"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from index.store import default_index_dir
from search import SearchIndex
from web import api, errors, pages


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then TRACUU_* environment variables, then config."""
    app = Flask(__name__)
    app.config.from_mapping(INDEX_DIR=str(default_index_dir()))
    app.config.from_prefixed_env("TRACUU")
    if config:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    # Opened lazily: gunicorn forks workers after create_app, and each worker
    # must hold its own searcher (file handles and caches are per process).
    app.extensions["tracuu.index"] = SearchIndex(Path(app.config["INDEX_DIR"]))
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(api.blueprint)
    errors.register(app)
    pages.register_filters(app)
    return app
