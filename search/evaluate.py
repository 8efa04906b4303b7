"""Evaluate a Whoosh query over numpy postings: which documents match and their scores.

The queries are the ones search.query builds, and each node scores as
Whoosh's matchers score it, so that the order equals Whoosh's BM25 order:

- Term: the term's BM25 score, times the boost;
- Or: the sum of the children that match; And: the sum of all children;
- AndMaybe: the first child's score, plus the second's where it also matches;
- AndNot: the first child's score, where the second does not match;
- Phrase: the sum of its words' scores, where the words stand side by side;
- Every: every document, score 1.

Matches are sparse: ascending document numbers with their scores, so a
query costs in proportion to its postings, not to the size of the index;
large unions and lookups go through a dense array. Sums may be taken in
another order than Whoosh's matcher trees, which can change a score in
its last bit, never the order of unequal scores in practice (the tests
compare orders exactly). A node's result is kept for the rest of the
request, since the same clause queries recur in a query (all words, any
word, clause counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from whoosh import query

from search.postings import POSITION_BITS, Snapshot, Statistics


@dataclass(frozen=True)
class Matches:
    """Documents matched by a query node, ascending, and their scores."""

    docs: np.ndarray  # int32, ascending, unique
    scores: np.ndarray  # float64, one per doc

    def __len__(self) -> int:
        return len(self.docs)


_NONE = Matches(np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float64))
# Above this share of the index, a union is summed in a dense array rather than sorted.
_DENSE_SHARE = 1 / 32


class Evaluator:
    """Evaluates queries against one snapshot, remembering each node's matches.

    Scores use the statistics given: Whoosh's own by default, the asker's
    (search.postings.Statistics) when the engine answers a request.
    """

    def __init__(self, snapshot: Snapshot, statistics: Statistics | None = None) -> None:
        self.snapshot = snapshot
        self.statistics = statistics
        self._memo: dict[int, tuple[Any, Matches]] = {}

    def matches(self, node: Any) -> Matches:
        """Return the documents node matches (deleted ones included) and their scores."""
        known = self._memo.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        found = self._evaluate(node)
        self._memo[id(node)] = (node, found)
        return found

    def _evaluate(self, node: Any) -> Matches:
        if isinstance(node, query.Term):
            postings = self.snapshot.postings(node.fieldname, node.text, self.statistics)
            return _boosted(Matches(postings.docs, postings.scores), node.boost)
        if isinstance(node, query.Phrase):
            return self._phrase(node)
        if isinstance(node, query.AndMaybe):
            required, optional = self.matches(node.a), self.matches(node.b)
            if not len(optional):
                return required
            bonus, _ = self._lookup(optional, required.docs)
            return Matches(required.docs, required.scores + bonus)
        if isinstance(node, query.AndNot):
            kept, dropped = self.matches(node.a), self.matches(node.b)
            _, present = self._lookup(dropped, kept.docs)
            return Matches(kept.docs[~present], kept.scores[~present])
        if isinstance(node, query.And):
            return _boosted(self._intersection([self.matches(sub) for sub in node.subqueries]),
                            node.boost)
        if isinstance(node, query.Or):
            return _boosted(self._union([self.matches(sub) for sub in node.subqueries]),
                            node.boost)
        if isinstance(node, query.Every):
            size = self.snapshot.size
            return Matches(np.arange(size, dtype=np.int32), np.full(size, float(node.boost)))
        if node is query.NullQuery:
            return _NONE
        raise TypeError(f"the fast path cannot evaluate {type(node).__name__} queries")

    def _union(self, parts: list[Matches]) -> Matches:
        parts = [part for part in parts if len(part)]
        if len(parts) <= 1:
            return parts[0] if parts else _NONE
        contained = _union_into_largest(parts)
        if contained is not None:
            return contained
        total = sum(len(part) for part in parts)
        if total > self.snapshot.size * _DENSE_SHARE:
            sums = np.zeros(self.snapshot.size, dtype=np.float64)
            hit = np.zeros(self.snapshot.size, dtype=bool)
            for part in parts:
                sums[part.docs] += part.scores
                hit[part.docs] = True
            docs = np.flatnonzero(hit).astype(np.int32)
            return Matches(docs, sums[docs])
        docs, inverse = np.unique(np.concatenate([part.docs for part in parts]),
                                  return_inverse=True)
        totals = np.bincount(inverse, weights=np.concatenate([part.scores for part in parts]),
                             minlength=len(docs))
        return Matches(docs.astype(np.int32, copy=False), totals)

    def _lookup(self, part: Matches, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return part's score for each wanted docnum (0 where absent) and whether present."""
        if not len(part):
            return np.zeros(len(wanted)), np.zeros(len(wanted), dtype=bool)
        if len(wanted) * np.log2(len(part) + 1) > self.snapshot.size * _DENSE_SHARE * 8:
            # Many lookups in a long list: a dense table is cheaper than a search.
            scores = np.zeros(self.snapshot.size, dtype=np.float64)
            present = np.zeros(self.snapshot.size, dtype=bool)
            scores[part.docs] = part.scores
            present[part.docs] = True
            return scores[wanted], present[wanted]
        where = np.searchsorted(part.docs, wanted)
        where[where == len(part.docs)] = len(part.docs) - 1
        present = part.docs[where] == wanted
        return np.where(present, part.scores[where], 0.0), present

    def _intersection(self, parts: list[Matches]) -> Matches:
        """Documents in every part, with the sum of the parts' scores."""
        if not parts or any(len(part) == 0 for part in parts):
            return _NONE
        smallest = min(range(len(parts)), key=lambda index: len(parts[index]))
        docs = parts[smallest].docs
        scores: list[np.ndarray] = []
        keep = np.ones(len(docs), dtype=bool)
        for index, part in enumerate(parts):
            if index == smallest:
                scores.append(part.scores)
                continue
            found, present = self._lookup(part, docs)
            keep &= present
            scores.append(found)
        return Matches(docs[keep], _tree_sum([part_scores[keep] for part_scores in scores]))

    def _phrase(self, node: Any) -> Matches:
        words = list(node.words)
        if node.slop != 1 or not words:
            raise TypeError("the fast path evaluates phrases of adjacent words only")
        postings = [self.snapshot.postings(node.fieldname, word, self.statistics)
                    for word in words]
        if any(len(found) == 0 for found in postings):
            return _NONE
        docs = self._phrase_docs(node.fieldname, words)
        if not len(docs):
            return _NONE
        total = _tree_sum([found.scores[np.searchsorted(found.docs, docs)]
                           for found in postings])
        return _boosted(Matches(docs, total), node.boost)

    def _phrase_docs(self, field: str, words: list[str]) -> np.ndarray:
        """Return the documents where words stand one after another, ascending."""
        by_segment: dict[int, list[np.ndarray]] = {}
        for index, word in enumerate(words):
            for offset, keys in self.snapshot.positions(field, word):
                if len(by_segment.setdefault(offset, [])) == index:
                    by_segment[offset].append(keys)
        found = [_phrase_starts(keys) + offset for offset, keys in sorted(by_segment.items())
                 if len(keys) == len(words)]
        return np.concatenate(found) if found else _NONE.docs


def _phrase_starts(keys: list[np.ndarray]) -> np.ndarray:
    """Return the segment's documents where the words of keys stand one after another."""
    # Start from the rarest word; a phrase start is its key minus its offset.
    rarest = min(range(len(keys)), key=lambda index: len(keys[index]))
    starts = keys[rarest] - rarest
    for index, word_keys in enumerate(keys):
        if index == rarest or not len(starts):
            continue
        wanted = starts + index
        where = np.searchsorted(word_keys, wanted)
        where[where == len(word_keys)] = 0
        starts = starts[word_keys[where] == wanted]
    docs = (starts >> POSITION_BITS).astype(np.int32)  # ascending, as starts are
    return docs[np.concatenate(([True], docs[1:] != docs[:-1]))] if len(docs) else docs


def _union_into_largest(parts: list[Matches]) -> Matches | None:
    """Return the union when the first part holds every other part's documents, as a
    word's content postings hold its title postings (content is title and body);
    None otherwise. Costs a search per smaller posting, not a pass over the index."""
    largest = parts[0]
    places = []
    for part in parts[1:]:
        if len(part) > len(largest):
            return None
        where = np.searchsorted(largest.docs, part.docs)
        if where[-1] >= len(largest.docs) or not np.array_equal(largest.docs[where], part.docs):
            return None
        places.append(where)
    scores = largest.scores.copy()
    for part, where in zip(parts[1:], places, strict=True):
        scores[where] += part.scores
    return Matches(largest.docs, scores)


def _boosted(found: Matches, boost: float) -> Matches:
    return found if boost == 1.0 else Matches(found.docs, found.scores * boost)


def _tree_sum(arrays: list[np.ndarray]) -> np.ndarray:
    """Sum in the order of Whoosh's binary matcher trees (halves, recursively)."""
    if len(arrays) == 1:
        return arrays[0]
    half = len(arrays) // 2
    return _tree_sum(arrays[:half]) + _tree_sum(arrays[half:])
