"""The JSON API (version 1) and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from web.search_context import search_index, search_request

blueprint = Blueprint("api", __name__)


@blueprint.get("/api/v1/search")
def search() -> ResponseReturnValue:
    """Answer a search with hits, total and facet counts."""
    return jsonify(search_index().search(search_request()).to_json())


@blueprint.get("/api/v1/documents/<path:doc_id>")
def document(doc_id: str) -> ResponseReturnValue:
    """Answer the stored record of one document."""
    return jsonify(search_index().document(doc_id).to_record())


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer 200 with the number of documents and the index generation."""
    return jsonify({"status": "ok", **search_index().stats()})
