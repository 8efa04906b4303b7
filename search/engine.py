"""The search function: one request in, one page of results with facets out.

Queries are built as Whoosh queries (search.query) and evaluated over numpy
arrays of postings (search.postings, search.evaluate), scored exactly as
Whoosh's BM25F would score them; Whoosh itself serves stored fields.
"""

from __future__ import annotations

import logging
import os
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import query
from whoosh.searching import Searcher

from index import derived, layout, whoosh_private
from index.derived import SegmentArrays
from index.faults import READ_ERRORS, IndexDamaged, IndexFault, IndexMissing
from index.layout import Build, ReadersLock
from index.record import Document
from index.schema import POSITION_FIELDS, SEARCHED_FIELDS, from_stored, stored_relations
from search import neighbours
from search.columns import Columns
from search.completion import Completer, Completion
from search.errors import DocumentNotFound
from search.evaluate import Evaluator, Matches
from search.facets import FACETS, YEAR
from search.highlight import Marks, marked, snippet
from search.postings import Snapshot
from search.query import Clause, build_query
from search.request import SearchRequest
from search.result import Cited, Citing, Exported, Hit, Neighbours, SearchResult
from search.spelling import Speller, Suggestion
from search.vocabulary import Vocabulary

# Added to the score of a document issued on the date a query names: above
# any text score, as a document's own number is (search.query.NUMBER_BOOST).
ISSUED_BOOST = 100.0
# How often opening a generation is tried again when a writer removed one of
# its files meanwhile (it then committed a newer one).
_OPEN_ATTEMPTS = 5
# An export reads the stored fields of this many documents at a time.
_EXPORT_BATCH = 100

log = logging.getLogger(__name__)


@dataclass
class _Generation:
    """What every process may share of one generation: mapped arrays and columns."""

    build: Build
    toc: Any
    snapshot: Snapshot
    columns: Columns
    committed: float = 0.0  # when its table of contents was written (seconds since 1970)

    def __post_init__(self) -> None:
        # Who may see which document: everyone the public ones, staff every live one.
        self.visible = {False: self.snapshot.live & self.columns.public,
                        True: self.snapshot.live}
        # BM25 counts only what the asker may see: a public score is the one an
        # index without the internal documents would give.
        staff = self.snapshot.statistics("staff", self.visible[True])
        public = (staff if np.array_equal(self.visible[False], self.visible[True])
                  else self.snapshot.statistics("public", self.visible[False]))
        self.statistics = {False: public, True: staff}
        vocabulary = Vocabulary(self.snapshot)
        self.spellers = {view: Speller(vocabulary, view, self.statistics[view].count)
                         for view in (False, True)}
        self.completer = Completer(self.snapshot, self.visible, vocabulary, self.spellers)

    @property
    def identity(self) -> tuple[str, int]:
        return self.build.index_id, self.toc.generation

    @property
    def stamp(self) -> Stamp:
        return Stamp(self.build.index_id, self.toc.generation, self.committed)


@dataclass(frozen=True)
class Stamp:
    """One generation of one build, and when it was committed."""

    index: str
    generation: int
    committed: float


class Export(Iterator[Exported]):
    """The matches of an export, read as they are iterated; ``total`` is how many match
    in all, ``stamp`` the generation they come from. Closing it (done when it is
    exhausted) releases its searcher."""

    def __init__(self, total: int, stamp: Stamp, rows: Iterator[Exported],
                 release: Callable[[], None]) -> None:
        self.total = total
        self.stamp = stamp
        self._rows = rows
        self._release: Callable[[], None] | None = release

    def __next__(self) -> Exported:
        try:
            return next(self._rows)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Stop reading and release the export's searcher (again: nothing)."""
        release, self._release = self._release, None
        if release is not None:
            getattr(self._rows, "close", lambda: None)()
            release()


@dataclass
class _Matched:
    """Every match of a request the asker may see: docnums and scores (in no order),
    what to mark, the facet counts, how the words matched and the order asked."""

    docs: np.ndarray
    scores: np.ndarray
    marks: Marks
    facets: dict[str, Any]
    match: str
    order: str


@dataclass
class _State:
    """A generation as this process reads it: with a searcher of its own for stored fields."""

    generation: _Generation
    searcher: Any
    readers: ReadersLock
    pid: int = field(default_factory=os.getpid)

    def close(self) -> None:
        self.searcher.close()
        self.readers.release()


class SearchIndex:
    """A tracuu index opened for searching; follows new generations and rebuilds.

    Every request reads which build is current and its newest generation (a
    small file and a folder listing), and answers from exactly that
    generation: a build's id is never reused, so nothing read for one index
    is ever taken for another's. A generation that fails to open is not
    served; the last good one is, until a newer one opens.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._state: _State | None = None
        # Segments' mapped arrays, by (index id, segment id, documents).
        self._segments: dict[tuple[str, str, int], SegmentArrays] = {}
        self._failed: tuple[tuple[str, int], IndexFault] | None = None

    def open(self) -> dict[str, int]:
        """Open the current generation (making any derived file it lacks), then close this
        process's files: call before forking, and the workers share the mapped arrays."""
        state = self._current()
        with self._lock:
            state.close()
            # Forked workers open their own searchers; the arrays stay shared.
            state.pid = -1
        generation = state.generation
        return {"generation": generation.toc.generation,
                "documents": int(np.count_nonzero(generation.visible[False])),
                "bytes": generation.snapshot.nbytes()}

    def _current(self) -> _State:
        with self._lock:
            build = layout.current_build(self.path)
            if build is None:
                self._drop()
                raise IndexMissing(self.path)
            try:
                if not build.folder.is_dir():
                    raise FileNotFoundError(build.folder)
                identity = (build.index_id, whoosh_private.latest_generation(str(build.folder)))
            except OSError:
                self._drop()
                raise IndexDamaged(self.path, f"{layout.POINTER} names build "
                                   f"{build.index_id}, which is not there") from None
            state = self._state
            if state is not None and state.generation.identity == identity:
                if state.pid != os.getpid():
                    state = self._state = self._attach(state.generation)
                return state
            if self._failed is not None and self._failed[0] == identity:
                if state is not None:
                    return state
                raise self._failed[1]
            try:
                fresh = self._attach(self._open(build))
            except IndexFault as error:
                self._failed = (identity, _without_frames(error))
                if state is None:
                    raise
                log.warning("still serving generation %s of %s: %s",
                            state.generation.toc.generation, state.generation.build.index_id,
                            error)
                return state
            self._failed = None
            self._state = fresh
            if state is not None and state.pid == os.getpid():
                state.close()
            self._forget_segments(fresh.generation)
            if state is not None and state.generation.build != build:
                layout.remove_unread_builds(self.path)
            return fresh

    def _open(self, build: Build) -> _Generation:
        """Read the newest generation of a build: its TOC, segments' arrays and columns."""
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                toc = whoosh_private.read_toc(str(build.folder))
                segments = [self._segment(build, toc.schema, segment)
                            for segment in toc.segments]
                snapshot = Snapshot(toc.generation, toc.schema, segments,
                                    [whoosh_private.deleted_docs(segment)
                                     for segment in toc.segments])
                committed = (build.folder / whoosh_private.toc_name(toc.generation)
                             ).stat().st_mtime
                return _Generation(build, toc, snapshot, Columns.of(segments), committed)
            except FileNotFoundError as error:
                if attempt + 1 == _OPEN_ATTEMPTS or not build.folder.is_dir():
                    raise IndexDamaged(build.folder, f"a file is missing ({error.filename})"
                                       ) from None
            except whoosh_private.EmptyIndexError:
                raise IndexDamaged(build.folder, "it has no table of contents "
                                   "(_MAIN_*.toc)") from None
            except IndexFault:
                raise
            except Exception as error:  # a damaged TOC raises many kinds
                raise IndexDamaged(build.folder, f"its table of contents cannot be read "
                                   f"({type(error).__name__}: {error})") from error
        raise AssertionError("unreachable")

    def _segment(self, build: Build, schema: Any, segment: Any) -> SegmentArrays:
        key = (build.index_id, segment.segment_id(), segment.doc_count_all())
        found = self._segments.get(key)
        if found is None:
            found = self._segments[key] = derived.ensure(
                build.folder, build.index_id, schema, segment, SEARCHED_FIELDS,
                POSITION_FIELDS)
        return found

    def _forget_segments(self, generation: _Generation) -> None:
        kept = {(generation.build.index_id, segment_id)
                for segment_id in generation.snapshot.segment_ids}
        for key in [key for key in self._segments if key[:2] not in kept]:
            del self._segments[key]

    def _attach(self, generation: _Generation) -> _State:
        """Open this process's own searcher (stored fields) over a generation's segments."""
        readers = ReadersLock(generation.build)
        try:
            reader = whoosh_private.open_reader(str(generation.build.folder), generation.toc)
        except Exception as error:
            readers.release()
            raise IndexDamaged(generation.build.folder, f"a segment's terms or stored fields "
                               f"cannot be read ({type(error).__name__}: {error})") from error
        return _State(generation, Searcher(reader), readers)

    def _drop(self) -> None:
        if self._state is not None and self._state.pid == os.getpid():
            self._state.close()
        self._state = None
        self._segments.clear()

    def close(self) -> None:
        """Release the searcher's files."""
        with self._lock:
            self._drop()

    def __del__(self) -> None:
        # An index dropped without close() still closes its files.
        if getattr(self, "_state", None) is not None:
            self.close()

    def snapshot(self) -> Snapshot:
        """Return the fast path's arrays of the current generation (for tests and benches)."""
        return self._current().generation.snapshot

    def stats(self, *, include_internal: bool = False) -> dict[str, Any]:
        """Return the number of documents the asker may see, the index generation and
        build."""
        generation = self._current().generation
        return {"documents": int(np.count_nonzero(generation.visible[include_internal])),
                "generation": generation.toc.generation, "index": generation.build.index_id}

    def stamp(self) -> Stamp:
        """Return which generation answers now, and when it was committed: what an
        answer's validity for a cache depends on (web.caching)."""
        return self._current().generation.stamp

    def document(self, doc_id: str, *, include_internal: bool = False) -> Document:
        """Return the stored document with this id, if the asker may see it.

        The id is looked up in the derived arrays (a sorted search per
        segment, the same work whether the id is there or not), and the
        documents' visibility in the columns, before any stored field is
        read: an internal id answers like a missing one, in the same time.
        """
        state = self._current()
        return from_stored(self._find(state, doc_id, include_internal)[1])

    @staticmethod
    def _find(state: _State, doc_id: str, include_internal: bool
              ) -> tuple[int, dict[str, Any]]:
        """Return the docnum and stored fields of the document with this id, if the asker
        may see it (see document)."""
        generation = state.generation
        candidates = generation.snapshot.holders(doc_id)
        seen = candidates[generation.visible[include_internal][candidates]]
        with _reading(state):
            for docnum in seen:
                # The stored id settles a (64-bit) hash collision.
                stored = state.searcher.stored_fields(int(docnum))
                if stored.get("id") == doc_id:
                    return int(docnum), stored
        raise DocumentNotFound(doc_id)

    def neighbours(self, doc_id: str, *, include_internal: bool = False,
                   related: int = 5) -> Neighbours:
        """Return what a document cites that the index holds, what cites it, and up to
        related documents most like it: all of them documents the asker may see."""
        state = self._current()
        generation = state.generation
        snapshot, allowed = generation.snapshot, generation.visible[include_internal]
        itself, stored = self._find(state, doc_id, include_internal)

        def read(docnum: int) -> dict[str, Any]:
            with _reading(state):
                fields: dict[str, Any] = state.searcher.stored_fields(docnum)
            return fields

        def hit(fields: dict[str, Any]) -> Hit:
            return self._hit(fields, 0.0, Marks())

        relations, _ = stored_relations(stored)
        bearing = neighbours.numbered(snapshot, allowed, [rel.number for rel in relations])
        shown = {docnum: hit(read(docnum)) for docnum in set(bearing.values()) - {itself}}
        cites = [Cited(rel.type, rel.number, shown.get(bearing.get(rel.number, itself)))
                 for rel in relations]
        number = stored.get("number") or ""
        cited_by = []
        for docnum in neighbours.citing(snapshot, generation.columns, allowed, number,
                                        itself) if number else []:
            fields = read(docnum)
            for kind in neighbours.cited_as(stored_relations(fields)[0], number):
                cited_by.append(Citing(kind, hit(fields)))
        return Neighbours(
            cites=cites, cited_by=cited_by,
            related=[hit(read(docnum)) for docnum in neighbours.related(
                snapshot, generation.statistics[include_internal], allowed, itself,
                lambda docnum: stored if docnum == itself else read(docnum), related)],
        )

    def suggest(self, text: str, *, include_internal: bool = False) -> Suggestion | None:
        """Return the query as the index's own words say it was meant (accents restored,
        Telex, VNI and one-letter typos corrected, over what the asker may see), or
        None when it reads best as typed."""
        return self._current().generation.spellers[include_internal].suggest(text)

    def complete(self, text: str, *, include_internal: bool = False) -> list[Completion]:
        """Return up to 10 completions of the text's last word, from what the asker may
        see: document numbers, frequent phrases and title words."""
        state = self._current()
        generation = state.generation
        allowed = generation.visible[include_internal]

        def written(key: str) -> str | None:
            # The number as the first document the asker may see that bears it writes it.
            docs = generation.snapshot.postings("number_key", key).docs
            seen = docs[allowed[docs]]
            if not len(seen):
                return None
            with _reading(state):
                return str(state.searcher.stored_fields(int(seen[0])).get("number") or "")

        return generation.completer.complete(text, include_internal, written)

    def search(self, request: SearchRequest) -> SearchResult:
        """Answer one request: the page of hits, the total and facet counts over all matches."""
        state = self._current()
        found = self._matched(state, request)
        start = (request.page - 1) * request.per_page
        page = _top(found.docs, found.scores, found.order, state.generation.columns,
                    start + request.per_page)[start:]
        with _reading(state):
            hits = [self._hit(state.searcher.stored_fields(int(found.docs[index])),
                              float(found.scores[index]), found.marks)
                    for index in page]
        suggestion = (state.generation.spellers[request.include_internal].suggest(request.query)
                      if request.query else None)
        return SearchResult(query=request.query, total=len(found.docs), page=request.page,
                            per_page=request.per_page, hits=hits, facets=found.facets,
                            suggestion=suggestion, match=found.match, order=found.order)

    def export(self, request: SearchRequest, limit: int, offset: int = 0) -> Export:
        """Return the matches of a request: how many there are, and limit of them in its
        order from offset on (its page and per_page aside), read as they are consumed.

        The documents are read through a searcher of the export's own, so that a new
        generation arriving while a long export streams closes nothing under it. Close
        the export (or consume it) to release that searcher.
        """
        state = self._current()
        found = self._matched(state, request)
        wanted = max(0, min(offset + limit, len(found.docs)))
        order = _top(found.docs, found.scores, found.order, state.generation.columns,
                     wanted)[max(0, offset):]
        own = self._attach(state.generation)

        def documents() -> Iterator[Exported]:
            for begin in range(0, len(order), _EXPORT_BATCH):
                batch = order[begin:begin + _EXPORT_BATCH]
                with _reading(own):
                    stored = [own.searcher.stored_fields(int(found.docs[index]))
                              for index in batch]
                for fields, index in zip(stored, batch, strict=True):
                    yield Exported(from_stored(fields), float(found.scores[index]))

        return Export(len(found.docs), state.generation.stamp, documents(), own.close)

    def _matched(self, state: _State, request: SearchRequest) -> _Matched:
        """Return every match of a request the asker may see, with the facet counts."""
        searcher, generation = state.searcher, state.generation
        snapshot, columns = generation.snapshot, generation.columns
        allowed = generation.visible[request.include_internal]
        statistics = generation.statistics[request.include_internal]

        def rarity(clauses: list[Clause]) -> list[int]:
            # A word's documents among those the asker may see; phrases and
            # numbers are the most selective clauses.
            words = [clause.folded[0] for clause in clauses if clause.kind == "word"]
            counts = iter(snapshot.document_frequencies("content", words, statistics))
            return [next(counts) if clause.kind == "word" else 0 for clause in clauses]

        def expand(prefix: str) -> list[str]:
            # The words of the content that begin so, the most common (among what
            # the asker may see) first. Every one is weighed: a cut before the
            # counts would let words of internal documents crowd the public's out.
            with _reading(state):
                words = [term.decode() if isinstance(term, bytes) else term
                         for term in searcher.reader().expand_prefix("content", prefix)]
            counts = snapshot.document_frequencies("content", words, statistics)
            ranked = sorted(zip(counts, words, strict=True), key=lambda item: (-item[0], item[1]))
            return [word for count, word in ranked if count]

        user_query = build_query(request.query, searcher.schema, rarity, expand)
        evaluator = Evaluator(snapshot, statistics)
        if user_query.min_match >= len(user_query.clauses):
            found = evaluator.matches(user_query.all_words)
            if user_query.dates:
                # A date: the documents issued that day first, then those citing it.
                found = _with(found, columns.issued_on(user_query.dates), ISSUED_BOOST)
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
            counts = np.zeros(snapshot.size, dtype=np.int16)  # up to MAX_RANKED_CLAUSES
            for clause in user_query.clauses:
                counts[evaluator.matches(clause).docs] += 1
            keep = allowed[found.docs] & (counts[found.docs] >= user_query.min_match)
            match = "most"
        docs, scores = found.docs[keep], found.scores[keep]
        if user_query.filters is not None:
            # loai: and nam: typed in the query narrow the matches themselves.
            asked = user_query.filters
            narrowed = (_years_within(columns.years[docs], asked.year_from, asked.year_to)
                        & columns.facets["year"].within(docs, asked.years)
                        & columns.facets["doc_type"].within(docs, asked.types))
            docs, scores = docs[narrowed], scores[narrowed]

        passing = {facet.name: columns.facets[facet.column].within(
            docs, request.chosen(facet.field)) for facet in FACETS}
        passing[YEAR.name] &= _years_within(columns.years[docs], request.year_from,
                                            request.year_to)
        # Each facet counts the matches that pass the other facets' filters, so
        # a user who picked 2016 still sees how many 2015 would add.
        facets = {}
        for facet in FACETS:
            others = np.ones(len(docs), dtype=bool)
            for name, ok in passing.items():
                if name != facet.name:
                    others &= ok
            column = columns.facets[facet.column]
            facets[facet.name] = facet.values(column.count(docs[others]),
                                              request.chosen(facet.field), column.label_of)
        chosen = np.ones(len(docs), dtype=bool)
        for ok in passing.values():
            chosen &= ok
        docs, scores = docs[chosen], scores[chosen]
        # Without words every score is equal: "relevance" means newest first.
        unranked = not request.query or isinstance(user_query.all_words, query.Every)
        order = "newest" if request.sort == "relevance" and unranked else request.sort
        return _Matched(docs, scores, user_query.marks, facets, match, order)

    @staticmethod
    def _hit(stored: dict[str, Any], score: float, marks: Marks) -> Hit:
        body, title = stored.get("body", ""), stored.get("title", "")
        return Hit(
            id=stored["id"], title=title, title_html=marked(title, marks),
            snippet=snippet(body, marks),
            doc_type=stored.get("doc_type", ""), number=stored.get("number", ""),
            issued=stored.get("issued", ""), year=stored.get("year") or None,
            url=stored.get("url", ""), score=score,
            visibility=stored.get("visibility", "public"),
        )


def _without_frames(error: IndexFault) -> IndexFault:
    """Let a kept exception hold no frame's variables: they hold the index (and its files)
    in a cycle that only the collector would break, at any later moment."""
    error.__traceback__ = None
    chained = error.__cause__ or error.__context__
    while chained is not None:
        traceback.clear_frames(chained.__traceback__)
        chained = chained.__cause__ or chained.__context__
    return error


@contextmanager
def _reading(state: _State) -> Iterator[None]:
    """Read stored fields: a damaged file is the index's fault, said in one line."""
    try:
        yield
    except READ_ERRORS as error:
        raise IndexDamaged(state.generation.build.folder, f"its stored fields cannot be read "
                           f"({type(error).__name__}: {error})") from error


def _with(found: Matches, chosen: np.ndarray, boost: float) -> Matches:
    """Return found and the documents chosen marks (bool by docnum), boost added to the
    score of each chosen one."""
    if not chosen.any():
        return found
    scores = np.zeros(len(chosen), dtype=np.float64)
    scores[found.docs] = found.scores
    hit = chosen.copy()
    hit[found.docs] = True
    scores[chosen] += boost
    docs = np.flatnonzero(hit).astype(np.int32)
    return Matches(docs, scores[docs])


def _years_within(years: np.ndarray, first: int | None, last: int | None) -> np.ndarray:
    """Return which years fall in a range (either end open); an undated document falls
    in a range only if it has no end."""
    keep = np.ones(len(years), dtype=bool)
    if first is not None:
        keep &= years >= first
    if last is not None:
        keep &= (years > 0) & (years <= last)
    return keep


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
