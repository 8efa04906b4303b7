"""What the views share: the index of the app and the request parsed from the query string."""

from __future__ import annotations

from flask import current_app, request

from search import SearchIndex, SearchRequest


def search_index() -> SearchIndex:
    """Return the app's index."""
    index: SearchIndex = current_app.extensions["tracuu.index"]
    return index


def search_request() -> SearchRequest:
    """Parse the current query string into a public search request."""
    return SearchRequest.from_params(request.args.to_dict(flat=False))
