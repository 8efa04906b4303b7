"""One index generation's postings for the fast query path, over each segment's mapped arrays.

Every segment's terms, weights, positions and field lengths are in its
derived file (index.derived), mapped read-only and shared by every process.
A generation is the list of its segments, with the deletions its table of
contents records: global document numbers are a segment's local numbers
plus the documents of the segments before it.

BM25 scores depend on collection-wide statistics (document count, document
frequency, average field length). They are computed with Whoosh's BM25F
float operations, over the documents the asker may see (Statistics): a
public answer is then scored exactly as by an index that never held the
internal documents, and no score changes when a deleted document is merged
away. Whoosh's own statistics (every document, deleted ones too) are one
more Statistics, for comparing with Whoosh. Scores are computed for each
generation when a query first needs a term, and kept in a bounded cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from math import log
from typing import Any

import numpy as np

from index.derived import SegmentArrays, key_of

# A position key: the segment's document number in the high 32 bits, position in the low.
POSITION_BITS = 32
# Whoosh's BM25F defaults (whoosh.scoring.BM25F), which its searchers use.
K1 = 1.2
B = 0.75
# Scored postings kept per generation and process, by their size: the 258
# bench queries on news-rss need 79 MiB (bench/score_cache.py; 64 MiB was
# 1.12x slower at p50).
SCORE_CACHE_BYTES = 128 * 2**20

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class Postings:
    """A term's matches in one generation: sorted document numbers and their BM25 scores."""

    docs: np.ndarray  # int32, ascending
    scores: np.ndarray  # float64, unboosted

    def __len__(self) -> int:
        return len(self.docs)


EMPTY = Postings(_EMPTY_IDS, _EMPTY_SCORES)


@dataclass(frozen=True, eq=False)
class Statistics:
    """What BM25 counts over: the documents that one kind of asker may see."""

    name: str  # keys the score cache
    visible: np.ndarray | None  # bool by docnum; None counts every document, as Whoosh does
    count: int
    field_totals: dict[str, int]

    def frequency(self, docs: np.ndarray) -> int:
        """Return how many of a term's documents count."""
        return len(docs) if self.visible is None else int(np.count_nonzero(self.visible[docs]))


class Snapshot:
    """One index generation, read for the fast path: per-term arrays over global docnums."""

    def __init__(self, generation: int, schema: Any, segments: list[SegmentArrays],
                 deleted: list[np.ndarray]) -> None:
        self.generation = generation
        self.segments = segments
        self.segment_ids = tuple(segment.segment_id for segment in segments)
        self.offsets = [int(offset) for offset in
                        np.cumsum([0, *(segment.doc_count for segment in segments)])]
        self.size = self.offsets[-1]
        live = np.ones(self.size, dtype=bool)
        for offset, gone in zip(self.offsets, deleted, strict=False):
            if len(gone):
                live[gone + offset] = False
        self.live = live
        self._schema = schema
        self.whoosh = Statistics("whoosh", None, self.size, {
            field: sum(segment.field_totals.get(field, 0) for segment in segments)
            for field in {field for segment in segments for field in segment.field_totals}})
        self._scored: OrderedDict[tuple[str, str, str], Postings] = OrderedDict()
        self._scored_bytes = 0
        self._lock = threading.Lock()
        # Of each segment's terms, the documents that count for a kind of asker.
        self._counts: dict[tuple[str, int], np.ndarray] = {}

    def _key(self, field: str, text: str) -> bytes | None:
        if field not in self._schema:
            return None
        try:
            return key_of(field, bytes(self._schema[field].to_bytes(text)))
        except ValueError:
            return None

    def statistics(self, name: str, visible: np.ndarray) -> Statistics:
        """Return BM25's statistics over the documents visible marks (live ones only)."""
        if len(visible) != self.size:
            raise ValueError(f"visible has {len(visible)} documents, the generation {self.size}")
        if visible.all():
            # Nothing hidden and nothing deleted: Whoosh's own statistics, which cost
            # no count per term.
            return self.whoosh
        totals = {}
        for field in self.whoosh.field_totals:
            total = 0
            for offset, segment in zip(self.offsets, self.segments, strict=False):
                exact = segment.exact_lengths(field)
                if exact is not None:
                    total += int(exact[visible[offset:offset + segment.doc_count]].sum())
            totals[field] = total
        return Statistics(name, visible, int(np.count_nonzero(visible)), totals)

    def postings(self, field: str, text: str, statistics: Statistics | None = None
                 ) -> Postings:
        """Return the term's documents and BM25 scores (not yet boosted), over the
        statistics given (Whoosh's own by default)."""
        statistics = statistics or self.whoosh
        key = (statistics.name, field, text)
        with self._lock:
            found = self._scored.get(key)
            if found is not None:
                self._scored.move_to_end(key)
                return found
        found = self._score(field, text, statistics)
        size = found.docs.nbytes + found.scores.nbytes
        with self._lock:
            if key not in self._scored and size <= SCORE_CACHE_BYTES:
                self._scored[key] = found
                self._scored_bytes += size
                while self._scored_bytes > SCORE_CACHE_BYTES:
                    _, dropped = self._scored.popitem(last=False)
                    self._scored_bytes -= dropped.docs.nbytes + dropped.scores.nbytes
        return found

    def holders(self, doc_id: str) -> np.ndarray:
        """Return the global document numbers (deleted ones too) that may have this id."""
        found = [segment.holders(doc_id) + np.int32(offset)
                 for offset, segment in zip(self.offsets, self.segments, strict=False)]
        return np.concatenate(found) if found else _EMPTY_IDS

    def document_frequencies(self, field: str, texts: list[str], statistics: Statistics
                             ) -> list[int]:
        """Return how many documents that count for statistics hold each term (no score
        is computed; every segment is searched once for all the terms)."""
        keys = [self._key(field, text) for text in texts]
        present = [index for index, key in enumerate(keys) if key is not None]
        found = [0] * len(texts)
        if not present:
            return found
        wanted = [key for key in keys if key is not None]
        for index, segment in enumerate(self.segments):
            places = segment.find_many(wanted)
            starts = segment.arrays["starts"]
            visible = (self._visible_counts(statistics, index)
                       if statistics.visible is not None else starts)
            for number, place in zip(present, places.tolist(), strict=True):
                if place < 0:
                    continue
                if statistics.visible is None:
                    found[number] += int(starts[place + 1] - starts[place])
                else:
                    found[number] += int(visible[place])
        return found

    def _visible_counts(self, statistics: Statistics, number: int) -> np.ndarray:
        """Return how many documents that count for statistics hold each term of a
        segment, made once per generation, process and kind of asker."""
        key = (statistics.name, number)
        found = self._counts.get(key)
        if found is None:
            segment, offset = self.segments[number], self.offsets[number]
            assert statistics.visible is not None
            ids, starts = segment.arrays["ids"], segment.arrays["starts"]
            seen = statistics.visible[offset:offset + segment.doc_count][ids].astype(np.int64)
            # Every term holds at least one posting: no two starts are equal.
            found = (np.add.reduceat(seen, starts[:-1]) if len(ids)
                     else np.zeros(len(starts) - 1, dtype=np.int64))
            self._counts[key] = found
        return found

    def positions(self, field: str, text: str) -> list[tuple[int, np.ndarray]]:
        """Return the term's position keys (local docnum << 32 | position), ascending,
        segment by segment, each with the segment's first global docnum."""
        key = self._key(field, text)
        if key is None:
            return []
        found = []
        for offset, segment in zip(self.offsets, self.segments, strict=False):
            keys = segment.positions(key)
            if keys is not None:
                found.append((offset, keys))
        return found

    def _score(self, field: str, text: str, statistics: Statistics) -> Postings:
        key = self._key(field, text)
        if key is None:
            return EMPTY
        docs: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        lengths: list[np.ndarray] = []
        for offset, segment in zip(self.offsets, self.segments, strict=False):
            term = segment.term(key)
            if term is None:
                continue
            ids, tf = term
            docs.append(ids + np.int32(offset) if offset else ids)
            weights.append(tf)
            lengths.append(segment.lengths(field)[ids])
        if not docs:
            return EMPTY
        ids = np.concatenate(docs) if len(docs) > 1 else docs[0]
        tf = np.concatenate(weights).astype(np.float64)
        if not self._schema[field].scorable:
            return Postings(ids, tf)  # Whoosh scores an unscorable field by the posting's weight
        fl = np.concatenate(lengths).astype(np.float64)
        return Postings(ids, _bm25(statistics, field, ids, tf, fl))

    def cached_bytes(self) -> int:
        """Return the bytes of scored postings this process holds for the generation."""
        return self._scored_bytes

    def nbytes(self) -> int:
        """Return the bytes of the segments' arrays this generation maps."""
        return sum(segment.nbytes for segment in self.segments)


def _bm25(statistics: Statistics, field: str, docs: np.ndarray, tf: np.ndarray,
          fl: np.ndarray) -> np.ndarray:
    """Whoosh's BM25F for one term, in the same operation order, over statistics.

    With Whoosh's own statistics the document frequency is the number of
    postings, deleted documents included, as Whoosh counts it in each
    segment's term info. A term that no counted document holds scores 0
    (its documents are not the asker's to see).
    """
    df = statistics.frequency(docs)
    count = statistics.count
    if not df or not count:
        return np.zeros(len(docs), dtype=np.float64)
    idf = log(count / (df + 1)) + 1
    avgfl = (statistics.field_totals.get(field, 0) / (count or 1)) or 1
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
