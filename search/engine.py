"""The search function: one request in, one page of results with facets out."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.record import Document
from index.schema import from_stored
from index.store import open_index
from search.errors import DocumentNotFound
from search.facets import DOC_TYPE, YEAR
from search.highlight import opening, snippet
from search.query import build_query
from search.request import SearchRequest
from search.result import Hit, SearchResult


@dataclass(frozen=True)
class Columns:
    """The per-document values that filters, facets and sorting need, by document number."""

    years: list[int]
    doc_types: list[str]
    issued: list[str]
    public: frozenset[int]

    @classmethod
    def read(cls, reader: Any) -> Columns:
        """Read the columns of every document once per index generation."""
        def column(name: str) -> list[Any]:
            # Segment by segment: Whoosh's multi-segment column reader skips
            # segments where no document had a value, shifting every docnum after.
            values: list[Any] = []
            for leaf, offset in reader.leaf_readers():
                assert offset == len(values)
                values += list(leaf.column_reader(name))
            return values

        visibility = column("visibility")
        return cls(
            # A missing year reads as 0, or as -2**31 from a segment with no
            # year at all (Whoosh translates the column's raw default).
            years=[int(year) if 1000 <= year <= 9999 else 0 for year in column("year")],
            doc_types=column("doc_type"),
            issued=column("issued"),
            public=frozenset(docnum for docnum in reader.all_doc_ids()
                             if visibility[docnum] == "public"),
        )


class SearchIndex:
    """A tracuu index opened for searching; picks up new generations as they appear."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ix: Any = None
        self._searcher: Any = None
        self._columns: Columns | None = None

    def _current(self) -> tuple[Any, Columns]:
        with self._lock:
            if self._ix is None:
                self._ix = open_index(self.path)
            if self._searcher is None:
                self._searcher = self._ix.searcher()
                self._columns = Columns.read(self._searcher.reader())
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
                self._columns = Columns.read(self._searcher.reader())
            assert self._columns is not None
            return self._searcher, self._columns

    def close(self) -> None:
        """Release the searcher's files."""
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._columns = None

    def stats(self) -> dict[str, int]:
        """Return the number of public documents and the index generation."""
        searcher, columns = self._current()
        return {"documents": len(columns.public), "generation": self._ix.latest_generation()}

    def document(self, doc_id: str, *, include_internal: bool = False) -> Document:
        """Return the stored document with this id, if the asker may see it."""
        searcher, _ = self._current()
        stored = searcher.document(id=doc_id)
        if stored is None or (stored.get("visibility") != "public" and not include_internal):
            raise DocumentNotFound(doc_id)
        return from_stored(stored)

    def search(self, request: SearchRequest) -> SearchResult:
        """Answer one request: the page of hits, the total and facet counts over all matches."""
        searcher, columns = self._current()
        user_query = build_query(request.query, searcher.schema)
        if user_query.min_match >= len(user_query.clauses):
            matches = self._matches(searcher, user_query.all_words, columns, request)
            match = "all"
            if not matches and user_query.any_words is not None:
                # No document has every word: rank those that have some of them.
                matches = self._matches(searcher, user_query.any_words, columns, request)
                match = "any"
        else:
            # A long query: documents with enough of its words, best first.
            ranked = self._matches(searcher, user_query.any_words, columns, request)
            counts: Counter[int] = Counter()
            for clause in user_query.clauses:
                counts.update(set(searcher.docs_for_query(clause)))
            matches = [item for item in ranked if counts[item[0]] >= user_query.min_match]
            match = "most"

        def year_ok(docnum: int) -> bool:
            year = columns.years[docnum]
            return ((not request.years or year in request.years)
                    and (request.year_from is None or year >= request.year_from)
                    and (request.year_to is None or 0 < year <= request.year_to))

        def type_ok(docnum: int) -> bool:
            return not request.types or columns.doc_types[docnum] in request.types

        # Each facet counts the matches that pass the other facet's filter, so
        # a user who picked 2016 still sees how many 2015 would add.
        facets = {
            YEAR.name: YEAR.count((columns.years[d] for d, _ in matches if type_ok(d)),
                                  request.years),
            DOC_TYPE.name: DOC_TYPE.count((columns.doc_types[d] for d, _ in matches if year_ok(d)),
                                          request.types),
        }
        selected = [(d, score) for d, score in matches if year_ok(d) and type_ok(d)]
        # Without a query every score is equal: "relevance" means newest first.
        order = "newest" if request.sort == "relevance" and not request.query else request.sort
        _sort(selected, order, columns)
        start = (request.page - 1) * request.per_page
        page = selected[start:start + request.per_page]
        body_terms = set(user_query.highlight_terms)
        analyzer = searcher.schema["content"].analyzer
        hits = [self._hit(searcher.stored_fields(docnum), score, body_terms, analyzer)
                for docnum, score in page]
        return SearchResult(query=request.query, total=len(selected), page=request.page,
                            per_page=request.per_page, hits=hits, facets=facets, match=match)

    @staticmethod
    def _matches(searcher: Any, whoosh_query: Any, columns: Columns,
                 request: SearchRequest) -> list[tuple[int, float]]:
        """Return (docnum, score) of every match the asker may see, best first."""
        results = searcher.search(whoosh_query, limit=None)
        # Filtered here rather than through Whoosh's ``filter``, which treats
        # an empty allow-set as "no filter" and would then show internal ones.
        return [(docnum, score) for docnum, score in results.items()
                if request.include_internal or docnum in columns.public]

    @staticmethod
    def _hit(stored: dict[str, Any], score: float, terms: set[str], analyzer: Any) -> Hit:
        body = stored.get("body", "")
        return Hit(
            id=stored["id"], title=stored.get("title", ""),
            snippet=snippet(body, terms, analyzer) if terms else opening(body),
            doc_type=stored.get("doc_type", ""), number=stored.get("number", ""),
            issued=stored.get("issued", ""), year=stored.get("year") or None,
            url=stored.get("url", ""), score=float(score),
        )


def _sort(matches: list[tuple[int, float]], order: str, columns: Columns) -> None:
    """Sort (docnum, score) pairs in place: by score, or by date with undated ones last."""
    matches.sort(key=lambda item: (-item[1], item[0]))
    if order == "newest":
        matches.sort(key=lambda item: columns.issued[item[0]], reverse=True)
    elif order == "oldest":
        matches.sort(key=lambda item: (columns.issued[item[0]] == "", columns.issued[item[0]]))
