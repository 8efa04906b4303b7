"""The search function: one request in, one page of results with facets out.

Queries are built as Whoosh queries (search.query) and evaluated over numpy
arrays of postings (search.postings, search.evaluate), scored exactly as
Whoosh's BM25F would score them; Whoosh itself serves stored fields.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.record import Document
from index.schema import EXACT_FIELDS, EXACT_SUFFIX, TEXT_FIELDS, from_stored
from index.store import open_index
from search.columns import Columns
from search.errors import DocumentNotFound
from search.evaluate import Evaluator
from search.facets import DOC_TYPE, YEAR
from search.highlight import opening, snippet
from search.postings import SegmentStore, Snapshot
from search.query import build_query
from search.request import SearchRequest
from search.result import Hit, SearchResult

# Every field a query may look a term up in, read whole by SearchIndex.preload.
SEARCHED_FIELDS = (*TEXT_FIELDS, *(name + EXACT_SUFFIX for name in EXACT_FIELDS),
                   "number_key", "ref_keys")
# Fields whose positions are read whole too: phrases look them up, and
# "content" carries the side-by-side bonus of every query of two words or more.
POSITION_FIELDS = (*TEXT_FIELDS, *(name + EXACT_SUFFIX for name in EXACT_FIELDS))

@dataclass
class _State:
    """One generation as this process reads it: the searcher, its postings and columns."""

    searcher: Any
    snapshot: Snapshot
    columns: Columns

    def __post_init__(self) -> None:
        # Who may see which document: everyone the public ones, staff every live one.
        self.visible = {False: self.snapshot.live & self.columns.public,
                        True: self.snapshot.live}


class SearchIndex:
    """A tracuu index opened for searching; picks up new generations as they appear."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._ix: Any = None
        self._state: _State | None = None
        self._store = SegmentStore()
        # Arrays read by preload(), kept for the generation they were read from.
        self._preloaded: tuple[Snapshot, Columns] | None = None

    def preload(self) -> dict[str, int]:
        """Read every searchable term of the current generation into memory, then close
        the index files: call before forking, and the workers share the arrays."""
        state = self._current()
        terms = state.snapshot.preload(SEARCHED_FIELDS, POSITION_FIELDS)
        with self._lock:
            self._preloaded = (state.snapshot, state.columns)
            state.searcher.close()
            self._state = None
            self._ix = None
        return {"generation": state.snapshot.generation, "terms": terms,
                "documents": int(np.count_nonzero(state.columns.public & state.snapshot.live)),
                "bytes": state.snapshot.nbytes()}

    def _current(self) -> _State:
        with self._lock:
            if self._ix is None:
                self._ix = open_index(self.path)
            state = self._state
            if state is None or not state.searcher.up_to_date():
                searcher = self._ix.searcher()
                self._state = self._open(searcher)
                if state is not None:
                    state.searcher.close()
                self._store.keep_only(self._state.snapshot.segment_ids)
                state = self._state
            return state

    def _open(self, searcher: Any) -> _State:
        reader = searcher.reader()
        for leaf, _ in reader.leaf_readers():
            # Whoosh opens a segment's stored fields on first use; open them now,
            # before a later commit can merge the segment away and delete them.
            if leaf.doc_count_all():
                leaf.stored_fields(0)
        if self._preloaded is not None:
            snapshot, columns = self._preloaded
            if snapshot.generation == reader.generation():
                snapshot.attach(reader)
                return _State(searcher, snapshot, columns)
            self._preloaded = None  # a newer generation: read it as queries need it
        return _State(searcher, Snapshot(reader, searcher.weighting, self._store),
                      Columns.read(reader))

    def close(self) -> None:
        """Release the searcher's files."""
        with self._lock:
            if self._state is not None:
                self._state.searcher.close()
            self._state = None

    def __del__(self) -> None:
        # An index dropped without close() still closes its files.
        if getattr(self, "_state", None) is not None:
            self.close()

    def stats(self) -> dict[str, int]:
        """Return the number of public documents and the index generation."""
        state = self._current()
        return {"documents": int(np.count_nonzero(state.visible[False])),
                "generation": state.snapshot.generation}

    def document(self, doc_id: str, *, include_internal: bool = False) -> Document:
        """Return the stored document with this id, if the asker may see it."""
        searcher = self._current().searcher
        stored = searcher.document(id=doc_id)
        if stored is None or (stored.get("visibility") != "public" and not include_internal):
            raise DocumentNotFound(doc_id)
        return from_stored(stored)

    def search(self, request: SearchRequest) -> SearchResult:
        """Answer one request: the page of hits, the total and facet counts over all matches."""
        state = self._current()
        searcher, snapshot, columns = state.searcher, state.snapshot, state.columns
        allowed = state.visible[request.include_internal]
        user_query = build_query(request.query, searcher.schema)
        evaluator = Evaluator(snapshot)
        if user_query.min_match >= len(user_query.clauses):
            found = evaluator.matches(user_query.all_words)
            keep = allowed[found.docs]
            match = "all"
            if not keep.any() and user_query.any_words is not None:
                # No document has every word: rank those that have some of them.
                found = evaluator.matches(user_query.any_words)
                keep = allowed[found.docs]
                match = "any"
        else:
            # A long query: documents with enough of its words, best first.
            found = evaluator.matches(user_query.any_words)
            counts = np.zeros(snapshot.size, dtype=np.int16)  # up to 250 clauses
            for clause in user_query.clauses:
                counts[evaluator.matches(clause).docs] += 1
            keep = allowed[found.docs] & (counts[found.docs] >= user_query.min_match)
            match = "most"
        docs, scores = found.docs[keep], found.scores[keep]

        year_ok = _year_filter(request, columns.years[docs])
        type_ok = _type_filter(request, columns, columns.doc_types[docs])
        # Each facet counts the matches that pass the other facet's filter, so
        # a user who picked 2016 still sees how many 2015 would add.
        facets = {
            YEAR.name: YEAR.values(columns.count_years(docs[type_ok]), request.years),
            DOC_TYPE.name: DOC_TYPE.values(columns.count_types(docs[year_ok]), request.types),
        }
        chosen = year_ok & type_ok
        docs, scores = docs[chosen], scores[chosen]
        # Without a query every score is equal: "relevance" means newest first.
        order = "newest" if request.sort == "relevance" and not request.query else request.sort
        start = (request.page - 1) * request.per_page
        page = _top(docs, scores, order, columns, start + request.per_page)[start:]
        body_terms = set(user_query.highlight_terms)
        analyzer = searcher.schema["content"].analyzer
        hits = [self._hit(searcher.stored_fields(int(docs[index])), float(scores[index]),
                          body_terms, analyzer)
                for index in page]
        return SearchResult(query=request.query, total=len(docs), page=request.page,
                            per_page=request.per_page, hits=hits, facets=facets, match=match)

    @staticmethod
    def _hit(stored: dict[str, Any], score: float, terms: set[str], analyzer: Any) -> Hit:
        body = stored.get("body", "")
        return Hit(
            id=stored["id"], title=stored.get("title", ""),
            snippet=snippet(body, terms, analyzer) if terms else opening(body),
            doc_type=stored.get("doc_type", ""), number=stored.get("number", ""),
            issued=stored.get("issued", ""), year=stored.get("year") or None,
            url=stored.get("url", ""), score=score,
        )


def _year_filter(request: SearchRequest, years: np.ndarray) -> np.ndarray:
    keep = np.ones(len(years), dtype=bool)
    if request.years:
        keep &= np.isin(years, np.asarray(request.years, dtype=np.int32))
    if request.year_from is not None:
        keep &= years >= request.year_from
    if request.year_to is not None:
        keep &= (years > 0) & (years <= request.year_to)
    return keep


def _type_filter(request: SearchRequest, columns: Columns, codes: np.ndarray) -> np.ndarray:
    if not request.types:
        return np.ones(len(codes), dtype=bool)
    return np.isin(codes, columns.type_codes(request.types))


def _top(docs: np.ndarray, scores: np.ndarray, order: str, columns: Columns,
         count: int) -> np.ndarray:
    """Return the indexes of the first count docs in order: by score (ties by docnum),
    or by date (newest or oldest, undated last either way) and then by score."""
    indexes = np.arange(len(docs))
    keys = [docs, -scores]
    if order in ("newest", "oldest"):
        issued = columns.issued[docs].astype(np.int64)
        keys.append(-issued if order == "newest" else np.where(issued < 0, 1 << 40, issued))
    if len(docs) > count:
        # Keep what can reach the first count places: everything ahead of the
        # count-th value of the main key, and every tie with it.
        main = keys[-1]
        keep = main <= np.partition(main, count - 1)[count - 1]
        keys = [key[keep] for key in keys]
        indexes = indexes[keep]
    return indexes[np.lexsort(keys)[:count]]
