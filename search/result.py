"""The answer to a search: one page of hits, the total and the facet counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from index.record import Document
from index.relations import RELATION_TYPES, RelationType
from search.spelling import Suggestion


@dataclass(frozen=True)
class Hit:
    """One result on the page; ``snippet`` and ``title_html`` are HTML-safe (escaped,
    only <mark> tags)."""

    id: str
    title: str
    snippet: str
    doc_type: str
    number: str
    issued: str
    year: int | None
    url: str
    score: float
    visibility: str = "public"
    title_html: str = ""  # the title, escaped, with what matched marked

    def to_json(self) -> dict[str, Any]:
        """Return the hit in the API's shape."""
        return {
            "id": self.id, "title": self.title, "title_html": self.title_html,
            "snippet": self.snippet,
            "doc_type": self.doc_type, "number": self.number, "issued": self.issued,
            "year": self.year, "url": self.url, "score": round(self.score, 4),
            "visibility": self.visibility,
        }


@dataclass(frozen=True)
class Exported:
    """One match of an export: the stored document and its score."""

    document: Document
    score: float


@dataclass(frozen=True)
class Cited:
    """A number a document cites, how it cites it, and the document bearing it when the
    asker may see one (else None)."""

    relation: str
    number: str
    hit: Hit | None = None

    def to_json(self) -> dict[str, Any]:
        """Return the citation in the API's shape."""
        return {"type": self.relation, "label": RELATION_TYPES[self.relation].label,
                "number": self.number, "document": _brief(self.hit) if self.hit else None}


@dataclass(frozen=True)
class Citing:
    """A document the asker may see that cites the one shown, and how."""

    relation: str
    hit: Hit

    def to_json(self) -> dict[str, Any]:
        """Return the citing document in the API's shape."""
        return {"type": self.relation, "label": RELATION_TYPES[self.relation].label,
                "document": _brief(self.hit)}


@dataclass(frozen=True)
class Neighbours:
    """A document's neighbours the asker may see: what it cites (in its order, by
    relation), the documents citing it (newest first, once per relation) and those most
    like it."""

    cites: list[Cited]
    cited_by: list[Citing]
    related: list[Hit]

    def cites_grouped(self) -> list[tuple[RelationType, list[Cited]]]:
        """Return what the document cites, by relation in RELATION_TYPES' order."""
        return [(kind, found) for kind in RELATION_TYPES.values()
                if (found := [cited for cited in self.cites if cited.relation == kind.slug])]

    def cited_by_grouped(self) -> list[tuple[RelationType, list[Hit]]]:
        """Return the documents citing this one, by relation in RELATION_TYPES' order."""
        return [(kind, found) for kind in RELATION_TYPES.values()
                if (found := [citing.hit for citing in self.cited_by
                              if citing.relation == kind.slug])]

    def statuses(self) -> list[tuple[str, list[Hit]]]:
        """Return what the documents citing this one say of its force ("Bị thay thế
        bởi" and those replacing it), for the relations that say anything."""
        return [(kind.status, hits) for kind, hits in self.cited_by_grouped() if kind.status]

    def to_json(self) -> dict[str, Any]:
        """Return the neighbours in the API's shape."""
        return {"cites": [cited.to_json() for cited in self.cites],
                "cited_by": [citing.to_json() for citing in self.cited_by],
                "related": [_brief(hit) for hit in self.related]}


def _brief(hit: Hit) -> dict[str, Any]:
    """Return a neighbouring document in the API's shape: who it is, not a snippet."""
    return {"id": hit.id, "title": hit.title, "doc_type": hit.doc_type, "number": hit.number,
            "issued": hit.issued, "year": hit.year, "url": hit.url,
            "visibility": hit.visibility}


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with the number of matching documents that have it."""

    value: str | int
    count: int
    label: str = ""
    selected: bool = False

    def to_json(self) -> dict[str, Any]:
        """Return the value in the API's shape (label only where there is one)."""
        data: dict[str, Any] = {"value": self.value}
        if self.label:
            data["label"] = self.label
        data["count"] = self.count
        return data


@dataclass(frozen=True)
class SearchResult:
    """A page of hits with the total and the facets over every match."""

    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    # The query as the index's words say it was meant (None when it reads right).
    suggestion: Suggestion | None = None
    # "all": every word matched; "most": a long query, enough of its words;
    # "any": no document had every word, those with some are shown.
    match: str = "all"
    # The order the hits are in: the request's, but "newest" for "relevance" where
    # nothing ranks them (no words, only filters).
    order: str = ""

    @property
    def pages(self) -> int:
        """Return how many pages the matches fill."""
        return max(1, -(-self.total // self.per_page))

    def to_json(self) -> dict[str, Any]:
        """Return the API's JSON body."""
        return {
            "query": self.query, "total": self.total, "page": self.page,
            "per_page": self.per_page, "results": [hit.to_json() for hit in self.hits],
            "facets": {name: [value.to_json() for value in values]
                       for name, values in self.facets.items()},
            "suggestion": self.suggestion.text if self.suggestion else None,
            "match": self.match,
        }
