"""Postings read from the Whoosh index into numpy arrays: the fast query path's data.

For each term the query path needs the matching document numbers and each
one's BM25 score, computed exactly as Whoosh's BM25F scorer computes it
(same statistics, same float operations), and, for phrases, the positions.

Two levels of cache:

- ``SegmentStore`` holds what a segment says about a term (local document
  numbers, term weights, positions) and the segment's field lengths. Whoosh
  segments never change once written, so this outlives index generations:
  a new generation reads only its new segments.
- ``Snapshot`` is one generation: global document numbers and BM25 scores,
  which depend on collection-wide statistics (document frequency, average
  field length) and so are computed again for each generation.

``Snapshot.preload`` reads every term of the searchable fields up front
into a ``PackedTable``: a few large read-only buffers, found through a
sorted array of keys. gunicorn loads them before it forks its workers, and
every worker shares the same pages. The segment cache is emptied then; a
later generation reads its terms as queries need them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from math import log
from pickle import loads
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

# A position key: the segment's document number in the high 32 bits, position in the low.
POSITION_BITS = 32

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_SCORES = np.zeros(0, dtype=np.float64)
_EMPTY_KEYS = np.zeros(0, dtype=np.int64)


@dataclass(frozen=True)
class Postings:
    """A term's matches in one generation: sorted document numbers and their BM25 scores."""

    docs: np.ndarray  # int32, ascending
    scores: np.ndarray  # float64, unboosted

    def __len__(self) -> int:
        return len(self.docs)


EMPTY = Postings(_EMPTY_IDS, _EMPTY_SCORES)


@dataclass(frozen=True)
class SegmentTerm:
    """A term's postings in one segment: local document numbers and term weights."""

    ids: np.ndarray  # int32, ascending
    weights: np.ndarray  # float32, as Whoosh stores them


class SegmentStore:
    """Per-segment postings and field lengths, shared by every generation that has the segment."""

    def __init__(self) -> None:
        self._terms: dict[tuple[str, str, bytes], SegmentTerm | None] = {}
        self._positions: dict[tuple[str, str, bytes], np.ndarray] = {}
        self._lengths: dict[tuple[str, str], np.ndarray] = {}
        self._segment_ids: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def keep_only(self, segment_ids: frozenset[str]) -> None:
        """Forget segments that are no longer in the index (merged away or deleted)."""
        with self._lock:
            if segment_ids >= self._segment_ids:
                # Nothing to forget. (A sweep would also touch every key, and so
                # copy the pages a forked worker shares with its parent.)
                self._segment_ids = segment_ids
                return
            self._segment_ids = segment_ids
            caches: list[dict[Any, Any]] = [self._terms, self._positions, self._lengths]
            for cache in caches:
                for key in [key for key in cache if key[0] not in segment_ids]:
                    del cache[key]

    def clear_terms(self) -> None:
        """Forget every segment's term arrays (a preloaded snapshot holds what it needs);
        field lengths stay, as a later generation needs them all at once."""
        with self._lock:
            self._terms.clear()
            self._positions.clear()

    def term(self, segment_id: str, leaf: Any, field: str, text: bytes) -> SegmentTerm | None:
        """Return the term's document numbers and weights in the segment, if it is there."""
        key = (segment_id, field, text)
        if key not in self._terms:
            self._terms[key], _ = _read(leaf, field, text, positions=False)
        return self._terms[key]

    def positions(self, segment_id: str, leaf: Any, field: str, text: bytes) -> np.ndarray:
        """Return position keys (local docnum << 32 | position), ascending."""
        key = (segment_id, field, text)
        if key not in self._positions:
            term, keys = _read(leaf, field, text, positions=True)
            self._terms.setdefault(key, term)
            self._positions[key] = _EMPTY_KEYS if keys is None else keys
        return self._positions[key]

    def lengths(self, segment_id: str, leaf: Any, field: str) -> np.ndarray:
        """Return the field length of every document of the segment, as BM25 reads it."""
        key = (segment_id, field)
        if key not in self._lengths:
            count = leaf.doc_count_all()
            lengths = np.fromiter((leaf.doc_field_length(docnum, field, 0) or 0
                                   for docnum in range(count)), dtype=np.float64, count=count)
            self._lengths[key] = lengths
        return self._lengths[key]


def _postings_matcher(leaf: Any, field: str, text: bytes) -> Any | None:
    try:
        matcher = leaf.postings(field, text)
    except (TermNotFound, KeyError):
        return None
    # Deleted documents are masked out by the snapshot, not here.
    while isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    return matcher


def _read(leaf: Any, field: str, text: bytes, positions: bool
          ) -> tuple[SegmentTerm | None, np.ndarray | None]:
    """Read a term's postings in a segment: numbers and weights, and the position keys
    (local docnum << 32 | position) if asked and the field has positions."""
    matcher = _postings_matcher(leaf, field, text)
    if matcher is None or not matcher.is_active():
        return None, None
    positions = positions and matcher.supports("positions")
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    counts: list[int] = []
    deltas: list[int] = []
    if isinstance(matcher, W3LeafMatcher) and (not positions
                                               or type(matcher.format) is Positions):
        # Whole blocks at a time (a block is up to 128 postings).
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int32))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            if positions:
                # Positions' value: a 4-byte count, then a pickled list of deltas.
                matcher._read_values()
                for value in matcher._values:
                    codes = loads(value[4:] if value.endswith(b".") else value[4:] + b".")
                    counts.append(len(codes))
                    deltas += codes
            matcher._next_block()
    else:  # any other matcher (inlined postings): the public interface, one at a time
        found: list[int] = []
        weighed: list[float] = []
        while matcher.is_active():
            found.append(matcher.id())
            weighed.append(matcher.weight())
            if positions:
                places = matcher.value_as("positions")
                counts.append(len(places))
                deltas += [place - before for place, before in zip(places, [0, *places],
                                                                   strict=False)]
            matcher.next()
        ids.append(np.asarray(found, dtype=np.int32))
        weights.append(np.asarray(weighed, dtype=np.float32))
    term = SegmentTerm(np.concatenate(ids), np.concatenate(weights))
    if not positions:
        return term, None
    return term, _position_keys(term.ids, np.asarray(counts, dtype=np.int64),
                                np.asarray(deltas, dtype=np.int64))


def _position_keys(docs: np.ndarray, counts: np.ndarray, deltas: np.ndarray) -> np.ndarray:
    """Return docnum << 32 | position for each position, from per-document position deltas."""
    running = np.cumsum(deltas)
    # Restart the running sum at each document's first position.
    starts = np.cumsum(counts) - counts
    positions = running - np.repeat(np.concatenate(([0], running))[starts], counts)
    return (np.repeat(docs.astype(np.int64), counts) << POSITION_BITS) | positions


class Snapshot:
    """One index generation, read for the fast path: per-term arrays over global docnums."""

    def __init__(self, reader: Any, weighting: Any, store: SegmentStore) -> None:
        self.generation = reader.generation()
        self.size = reader.doc_count_all()
        self.store = store
        self._reader = reader
        self._weighting = weighting
        self._leaves: list[tuple[str, Any, int]] = [
            (leaf.segment().segment_id(), leaf, offset) for leaf, offset in reader.leaf_readers()]
        self.segment_ids = frozenset(segment_id for segment_id, _, _ in self._leaves)
        live = np.ones(self.size, dtype=bool)
        for _, leaf, offset in self._leaves:
            deleted = list(leaf.deleted_docs_set) if leaf.has_deletions() else []
            if deleted:
                live[np.asarray(deleted, dtype=np.int64) + offset] = False
        self.live = live
        self._scored: dict[tuple[str, str], Postings] = {}
        self._positions: dict[tuple[str, str], list[tuple[int, np.ndarray]]] = {}
        self._lengths: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()
        # Filled by preload():
        self._packed: PackedTable | None = None
        self._packed_positions: list[tuple[int, PackedTable]] = []
        self._packed_fields: frozenset[str] = frozenset()

    def attach(self, reader: Any) -> None:
        """Read through another reader of the same generation (one per process after a fork)."""
        assert reader.generation() == self.generation
        self._reader = reader
        self._leaves = [(leaf.segment().segment_id(), leaf, offset)
                        for leaf, offset in reader.leaf_readers()]

    def postings(self, field: str, text: str) -> Postings:
        """Return the term's documents and BM25 scores (not yet boosted)."""
        if self._packed is not None:
            arrays = self._packed.get(_table_key(field, text))
            if arrays is not None:
                return Postings(*arrays)
        return self._cached(self._scored, (field, text), self._score)

    def positions(self, field: str, text: str) -> list[tuple[int, np.ndarray]]:
        """Return the term's position keys (local docnum << 32 | position), ascending,
        segment by segment, each with the segment's first global docnum."""
        if field in self._packed_fields:
            packed_key = _table_key(field, text)
            return [(offset, arrays[0]) for offset, table in self._packed_positions
                    if (arrays := table.get(packed_key)) is not None]
        return self._cached(self._positions, (field, text), self._read_positions)

    def _cached(self, table: dict[tuple[str, str], Any], key: tuple[str, str],
                compute: Callable[[str, str], Any]) -> Any:
        """Return table[key], computing it once (under the lock) if it is not there."""
        found = table.get(key)
        if found is None:
            with self._lock:
                found = table.get(key)
                if found is None:
                    found = table[key] = compute(*key)
        return found

    def _term_bytes(self, field: str, text: str) -> bytes | None:
        try:
            return bytes(self._reader.schema[field].to_bytes(text))
        except ValueError:
            return None

    def _score(self, field: str, text: str) -> Postings:
        if field not in self._reader.schema:
            return EMPTY
        btext = self._term_bytes(field, text)
        if btext is None:
            return EMPTY
        docs: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for segment_id, leaf, offset in self._leaves:
            term = self.store.term(segment_id, leaf, field, btext)
            if term is not None:
                docs.append(term.ids + np.int32(offset) if offset else term.ids)
                weights.append(term.weights)
        if not docs:
            return EMPTY
        ids = np.concatenate(docs) if len(docs) > 1 else docs[0]
        tf = np.concatenate(weights) if len(weights) > 1 else weights[0]
        return Postings(ids, self._bm25(field, ids, tf.astype(np.float64)))

    def _bm25(self, field: str, ids: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """Whoosh's BM25F for one term, with the same statistics and operation order.

        The document frequency is the number of postings, deleted documents
        included, as Whoosh counts it in each segment's term info.
        """
        schema_field = self._reader.schema[field]
        if not schema_field.scorable:
            return tf  # Whoosh scores an unscorable field by the posting's weight
        weighting = self._weighting
        b = weighting._field_B.get(field, weighting.B)
        k1 = weighting.K1
        count = self.size
        idf = log(count / (len(ids) + 1)) + 1
        avgfl = (self._reader.field_length(field) / (count or 1)) or 1
        fl = self._field_lengths(field)[ids]
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

    def _field_lengths(self, field: str) -> np.ndarray:
        if field not in self._lengths:
            parts = [self.store.lengths(segment_id, leaf, field)
                     for segment_id, leaf, _ in self._leaves]
            self._lengths[field] = (parts[0] if len(parts) == 1
                                    else np.concatenate(parts) if parts else _EMPTY_SCORES)
        return self._lengths[field]

    def _read_positions(self, field: str, text: str) -> list[tuple[int, np.ndarray]]:
        if field not in self._reader.schema:
            return []
        btext = self._term_bytes(field, text)
        if btext is None:
            return []
        found = [(offset, self.store.positions(segment_id, leaf, field, btext))
                 for segment_id, leaf, offset in self._leaves]
        return [(offset, keys) for offset, keys in found if len(keys)]

    def preload(self, fields: Iterable[str], position_fields: Iterable[str] = ()) -> int:
        """Read every term of fields (and positions of position_fields); return the count.

        The arrays then move into a few large read-only buffers, looked up by
        searching a sorted array of keys: no Python object stands for a term,
        so looking one up writes to no shared page (reference counts), and
        processes forked afterwards share every page of them. The segment
        cache is emptied: a later generation reads what its queries need.
        """
        wanted = set(fields)
        positional = set(position_fields)
        terms: list[tuple[str, str]] = []
        positioned: list[tuple[str, str]] = []
        for field, btext in self._reader.all_terms():
            if field in positional:  # first: it reads the term's postings in the same pass
                positioned.append((field, self._reader.schema[field].from_bytes(btext)))
                for segment_id, leaf, _ in self._leaves:
                    self.store.positions(segment_id, leaf, field, btext)
            if field in wanted:
                terms.append((field, self._reader.schema[field].from_bytes(btext)))
                for segment_id, leaf, _ in self._leaves:
                    self.store.term(segment_id, leaf, field, btext)
        scored = {_table_key(*term): self._score(*term) for term in terms}
        table = PackedTable({key: (found.docs, found.scores) for key, found in scored.items()})
        del scored
        by_segment: dict[int, dict[bytes, tuple[np.ndarray, ...]]] = {}
        for field, text in positioned:
            for offset, keys in self._read_positions(field, text):
                by_segment.setdefault(offset, {})[_table_key(field, text)] = (keys,)
        positions = [(offset, PackedTable(entries)) for offset, entries in by_segment.items()]
        del by_segment
        with self._lock:
            self._scored.clear()
            self._positions.clear()
            self._packed = table
            self._packed_positions = sorted(positions, key=lambda item: item[0])
            self._packed_fields = frozenset(positional)
        self.store.clear_terms()
        return len(terms)

    def nbytes(self) -> int:
        """Return the bytes held in this generation's packed arrays."""
        tables = [self._packed] if self._packed is not None else []
        tables += [table for _, table in self._packed_positions]
        return (sum(table.nbytes for table in tables)
                + sum(lengths.nbytes for lengths in self._lengths.values()))


class PackedTable:
    """Arrays for many keys in a few read-only buffers, found through a sorted key array.

    Each key has the same number of arrays, all of one length (documents and
    their scores, say), so one table of start offsets serves every buffer.
    """

    def __init__(self, entries: dict[bytes, tuple[np.ndarray, ...]]) -> None:
        keys = sorted(entries)
        width = len(next(iter(entries.values()))) if entries else 0
        self._keys = np.array(keys, dtype=np.bytes_) if keys else np.zeros(0, dtype="S1")
        self._starts = np.concatenate(
            ([0], np.cumsum([len(entries[key][0]) for key in keys], dtype=np.int64)))
        self._buffers: list[np.ndarray] = []
        for column in range(width):
            buffer = np.concatenate([entries[key][column] for key in keys])
            assert len(buffer) == self._starts[-1], "a key's arrays differ in length"
            buffer.flags.writeable = False
            self._buffers.append(buffer)

    @property
    def nbytes(self) -> int:
        return (self._keys.nbytes + self._starts.nbytes
                + sum(buffer.nbytes for buffer in self._buffers))

    def get(self, key: bytes) -> tuple[np.ndarray, ...] | None:
        """Return views of the key's arrays, or None."""
        index = int(np.searchsorted(self._keys, key))
        if index == len(self._keys) or self._keys[index] != key:
            return None
        start, end = self._starts[index], self._starts[index + 1]
        return tuple(buffer[start:end] for buffer in self._buffers)


def _table_key(field: str, text: str) -> bytes:
    return f"{field}\0{text}".encode()
