"""One generation's vocabulary: its words by their accent-free spelling, and in how many
documents each word, pair and triple of words side by side stands.

Counts are over the live documents an asker may see: the public's over the
public documents only, so that a public suggestion is the one an index
without the internal documents would make. Each segment's counts are in its
derived file (index.ngrams); a generation adds them up and counts its deleted
documents out again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index import ngrams
from index.ngrams import Counts
from index.text import fold_accents
from search.postings import Snapshot


@dataclass(frozen=True)
class Word:
    """A word of the index with accents as written (canonical tones) and its key."""

    text: str
    key: int
    public: int  # documents that hold it: public ones,
    every: int  # and all of them (live)

    def count(self, staff: bool) -> int:
        """Return how many documents the asker may see hold the word."""
        return self.every if staff else self.public


class Vocabulary:
    """The words of a generation's text and their counts, for both kinds of asker."""

    def __init__(self, snapshot: Snapshot) -> None:
        tables: list[list[tuple[Counts, int]]] = [[], [], []]  # words, pairs, triples
        by_fold: dict[str, dict[str, int]] = {}
        for offset, segment in zip(snapshot.offsets, snapshot.segments, strict=False):
            for parts, counts in zip(tables, segment.ngram_counts(), strict=True):
                parts.append((counts, 1))
            gone = ~snapshot.live[offset:offset + segment.doc_count]
            if gone.any():
                for parts, counts in zip(tables, segment.ngram_counts_of(gone), strict=True):
                    parts.append((counts, -1))
            texts, keys = segment.field_words()
            for text, key in zip(texts, keys.tolist(), strict=True):
                if text.isalpha():
                    by_fold.setdefault(fold_accents(text), {})[text] = key
        self._words, self._pairs, self._triples = (ngrams.merged(parts) for parts in tables)
        keys = np.fromiter((key for forms in by_fold.values() for key in forms.values()),
                           dtype=np.uint64)
        public = iter(_looked_up(self._words, keys, False).tolist())
        every = iter(_looked_up(self._words, keys, True).tolist())
        self._by_fold = {folded: tuple(Word(text, key, next(public), next(every))
                                       for text, key in forms.items())
                         for folded, forms in by_fold.items()}
        # The most documents any one form of a folded word is held by, per asker.
        self._most = {view: {folded: max(form.count(view) for form in forms)
                             for folded, forms in self._by_fold.items()}
                      for view in (False, True)}

    def forms(self, folded: str) -> tuple[Word, ...]:
        """Return the index's words that fold to folded (seen by someone or not)."""
        return self._by_fold.get(folded, ())

    def folded_words(self) -> list[str]:
        """Return every accent-free spelling of the index's words."""
        return list(self._by_fold)

    def form(self, text: str) -> Word | None:
        """Return the index's word written so (lower case, canonical tones), if any."""
        return next((form for form in self._by_fold.get(fold_accents(text), ())
                     if form.text == text), None)

    def most(self, folded: str, staff: bool) -> int:
        """Return how many documents the asker may see hold the commonest word that folds
        to folded (0 if none)."""
        return self._most[staff].get(folded, 0)

    def pair_counts(self, first: np.ndarray, second: np.ndarray, staff: bool) -> np.ndarray:
        """Return how many documents the asker may see hold each pair side by side."""
        return _looked_up(self._pairs, ngrams.pair_keys(first, second), staff)

    def triple_counts(self, first: np.ndarray, second: np.ndarray, third: np.ndarray,
                      staff: bool) -> np.ndarray:
        """Return how many documents the asker may see hold each triple side by side."""
        keys = ngrams.pair_keys(ngrams.pair_keys(first, second), third)
        return _looked_up(self._triples, keys, staff)


def _looked_up(counts: Counts, keys: np.ndarray, staff: bool) -> np.ndarray:
    keys = np.asarray(keys, dtype=np.uint64)
    if not len(counts.keys):
        return np.zeros(keys.shape, dtype=np.int64)
    places = np.minimum(np.searchsorted(counts.keys, keys), len(counts.keys) - 1)
    found = counts.keys[places] == keys
    values = (counts.every if staff else counts.public)[places]
    return np.where(found, values, 0)
