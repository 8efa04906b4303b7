"""The JSON API (version 1) and the health check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter

from search import InvalidParameter
from web.access import asker
from web.search_context import (
    find_document,
    index_stats,
    search_index,
    search_request,
    suggest_query,
)

blueprint = Blueprint("api", __name__)


@blueprint.get("/api/v1/search")
def search() -> ResponseReturnValue:
    """Answer a search with hits, total and facet counts."""
    return jsonify(search_index().search(search_request()).to_json())


@blueprint.get("/api/v1/suggest")
def suggest() -> ResponseReturnValue:
    """Answer up to 10 completions of the last word of q: numbers, phrases, title words;
    format=opensearch answers them as OpenSearch suggestions, [q, [text, ...]]."""
    formats = [value.strip() for value in request.args.getlist("format") if value.strip()]
    if len(formats) > 1:
        raise InvalidParameter("format", "chỉ được cho một lần")
    if formats and formats[0] not in ("json", "opensearch"):
        raise InvalidParameter("format", "chỉ nhận json, opensearch")
    text = suggest_query()
    completions = search_index().complete(text, include_internal=asker().staff) if text else []
    if formats == ["opensearch"]:
        answer = jsonify([text, [completion.text for completion in completions]])
        answer.mimetype = "application/x-suggestions+json"
        return answer
    return jsonify({"query": text,
                    "suggestions": [completion.to_json() for completion in completions]})


@blueprint.get("/api/v1/documents/<path:doc_id>")
def document(doc_id: str) -> ResponseReturnValue:
    """Answer the stored record of one document."""
    return jsonify(find_document(doc_id).to_record())


@blueprint.get("/api/v1/relations/<path:doc_id>")
def relations(doc_id: str) -> ResponseReturnValue:
    """Answer how one document cites others and is cited (by documents the asker may
    see), with up to 5 documents most like it."""
    around = search_index().neighbours(doc_id, include_internal=asker().staff)
    return jsonify({"id": doc_id, **around.to_json()})


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer 200 with the number of documents and the index generation."""
    return jsonify({"status": "ok", **index_stats()})


def limit(app: Flask, limiter: Limiter) -> None:
    """Bound the public's requests per address (API_RATE_LIMIT) to the API's views, and
    its exports also by EXPORT_RATE_LIMIT; staff and the health check are not counted."""
    # Shared: one budget per address for every view of the API together.
    shared: Any = limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api",
                                  exempt_when=_exempt)
    # An export reads up to EXPORT_LIMIT documents: it also counts against a budget of
    # its own.
    exports: Any = limiter.shared_limit(lambda: current_app.config["EXPORT_RATE_LIMIT"],
                                        scope="exports", exempt_when=_exempt_exports)
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("exports."):
            app.view_functions[endpoint] = shared(exports(view))
        elif endpoint.startswith(blueprint.name + ".") and endpoint != "api.healthz":
            app.view_functions[endpoint] = shared(view)


def _exempt() -> bool:
    return not current_app.config["API_RATE_LIMIT"] or asker().staff


def _exempt_exports() -> bool:
    return not current_app.config["EXPORT_RATE_LIMIT"] or asker().staff
