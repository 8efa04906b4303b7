"""Word n-gram statistics of a segment: in how many documents each word, each pair and
each triple of words side by side, of the accent-keeping content stands, public ones
counted apart.

They are what "Có phải bạn muốn tìm …" weighs its corrections by. Counts are of
documents, not occurrences, so that the documents of any set (the deleted
ones of a generation, say) can be taken out again exactly: ``tables`` counts
over the documents a mask chooses, from the same derived arrays, by the same
code, whether for a whole segment or for the few deleted documents of one.

A word is keyed by the hash of its term key (the derived file's own term
hashes); a pair by a mix of its two words' keys, the first word's weight
differing from the second's, so that order counts; a triple by the mix of its
first pair's key and its third word's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# The field whose words and positions are counted: title and body, accents kept.
FIELD = "content_exact"
_FIRST = np.uint64(0x9E3779B97F4A7C15)
_SECOND = np.uint64(0xC2B2AE3D27D4EB4F)
_POSITION_MASK = np.int64(0xFFFFFFFF)


@dataclass(frozen=True)
class Counts:
    """Sorted distinct keys, with the documents (all, public) that hold each."""

    keys: np.ndarray  # uint64, ascending
    every: np.ndarray  # int64
    public: np.ndarray  # int64

    @staticmethod
    def empty() -> Counts:
        none = np.zeros(0, dtype=np.int64)
        return Counts(np.zeros(0, dtype=np.uint64), none, none)


def pair_keys(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Return the keys of word pairs from their words' keys (uint64 arithmetic wraps)."""
    with np.errstate(over="ignore"):
        return first.astype(np.uint64) * _FIRST + second.astype(np.uint64) * _SECOND


def field_terms(key_starts: np.ndarray, key_blob: np.ndarray, field: str = FIELD
                ) -> np.ndarray:
    """Return the indexes of a field's terms (the counted one's by default) among a
    segment's sorted terms."""
    prefix = field.encode() + b"\0"
    blob = key_blob.tobytes()
    starts = key_starts.tolist()
    return np.asarray([index for index in range(len(starts) - 1)
                       if blob.startswith(prefix, starts[index])], dtype=np.int32)


def tables(arrays: dict[str, np.ndarray], terms: np.ndarray, chosen: np.ndarray | None
           ) -> tuple[Counts, Counts, Counts]:
    """Return the word, pair and triple counts of a segment's documents (those chosen
    marks, by local docnum, or all of them); arrays are the segment's derived arrays."""
    public = arrays["col:public"]
    hashes = arrays["hashes"][terms]
    starts, ids = arrays["starts"], arrays["ids"]
    lengths = (starts[terms + 1] - starts[terms]).astype(np.int64)
    docs = gathered(ids, starts[terms], lengths).astype(np.int64)
    words = np.repeat(hashes, lengths)
    pstarts, pkeys = arrays["pstarts"], arrays["pkeys"]
    plengths = (pstarts[terms + 1] - pstarts[terms]).astype(np.int64)
    positions = gathered(pkeys, pstarts[terms], plengths)
    tokens = np.repeat(hashes, plengths)
    if chosen is not None:
        keep = chosen[docs]
        docs, words = docs[keep], words[keep]
        keep = chosen[positions >> 32]
        positions, tokens = positions[keep], tokens[keep]
    order = np.argsort(positions, kind="stable")
    positions, tokens = positions[order], tokens[order]
    doc = positions >> 32
    follows = (doc[1:] == doc[:-1]) & ((positions[1:] & _POSITION_MASK)
                                       == (positions[:-1] & _POSITION_MASK) + 1)
    pairs = pair_keys(tokens[:-1][follows], tokens[1:][follows])
    runs = follows[:-1] & follows[1:]
    triples = pair_keys(pair_keys(tokens[:-2][runs], tokens[1:-1][runs]), tokens[2:][runs])
    return (_counted(words, docs, public), _counted(pairs, doc[1:][follows], public),
            _counted(triples, doc[2:][runs], public))


def gathered(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Return values[start:start + length] for every (start, length), joined."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=values.dtype)
    offsets = np.repeat(starts.astype(np.int64) - np.cumsum(lengths) + lengths, lengths)
    return values[offsets + np.arange(total, dtype=np.int64)]


def _counted(keys: np.ndarray, docs: np.ndarray, public: np.ndarray) -> Counts:
    """Count each key once per document holding it, all and public."""
    if not len(keys):
        return Counts.empty()
    order = np.lexsort((docs, keys))
    keys, docs = keys[order], docs[order]
    distinct = np.ones(len(keys), dtype=bool)
    distinct[1:] = (keys[1:] != keys[:-1]) | (docs[1:] != docs[:-1])
    keys, docs = keys[distinct], docs[distinct]
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    every = np.diff(np.append(first, len(keys))).astype(np.int64)
    shown = np.add.reduceat(public[docs].astype(np.int64), first)
    return Counts(keys[first], every, shown)


def merged(parts: list[tuple[Counts, int]]) -> Counts:
    """Return the sum of counts, each part added with its sign (+1, or -1 to take out)."""
    parts = [(counts, sign) for counts, sign in parts if len(counts.keys)]
    if not parts:
        return Counts.empty()
    keys = np.concatenate([counts.keys for counts, _ in parts])
    unique, inverse = np.unique(keys, return_inverse=True)
    every = np.concatenate([counts.every * sign for counts, sign in parts])
    public = np.concatenate([counts.public * sign for counts, sign in parts])
    return Counts(unique, np.bincount(inverse, every, len(unique)).astype(np.int64),
                  np.bincount(inverse, public, len(unique)).astype(np.int64))
