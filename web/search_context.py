"""What the views share: the index of the app and the request parsed from the query string."""

from __future__ import annotations

from flask import current_app, request

from index.record import Document
from search import SearchIndex, SearchRequest
from web.access import asker


def search_index() -> SearchIndex:
    """Return the app's index."""
    index: SearchIndex = current_app.extensions["tracuu.index"]
    return index


def search_request(ignored: tuple[str, ...] = ()) -> SearchRequest:
    """Parse the current query string into a search request, for what the asker may see;
    the parameters named in ignored (a page's, for a feed or an export) are not read."""
    config = current_app.config
    params = {name: values for name, values in request.args.lists() if name not in ignored}
    return SearchRequest.from_params(params, include_internal=asker().staff,
                                     max_per_page=int(config["MAX_PER_PAGE"]),
                                     max_page=int(config["MAX_PAGE"]))


def suggest_query() -> str:
    """Return the text to complete (q), checked as a search's query is."""
    return SearchRequest.from_params({"q": request.args.getlist("q")}).query


def find_document(doc_id: str) -> Document:
    """Return the document if the asker may see it (else DocumentNotFound, as if missing)."""
    return search_index().document(doc_id, include_internal=asker().staff)


def index_stats() -> dict[str, object]:
    """Return the index's figures as the asker may know them."""
    return search_index().stats(include_internal=asker().staff)
