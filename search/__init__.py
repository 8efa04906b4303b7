"""Search over the tracuu index: requests, queries, facets, highlights, results."""

from search.engine import SearchIndex
from search.errors import DocumentNotFound, InvalidParameter, SearchError
from search.request import SearchRequest
from search.result import FacetValue, Hit, SearchResult

__all__ = [
    "DocumentNotFound", "FacetValue", "Hit", "InvalidParameter", "SearchError", "SearchIndex",
    "SearchRequest", "SearchResult",
]
