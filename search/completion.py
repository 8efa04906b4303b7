"""Completions of what is being typed: document numbers, title words and frequent phrases.

The last word of the text is the one being typed; it is completed accents or
not ("nghi" finds "nghị", "nghiên"; "nghị" only "nghị" and what follows).
Each kind comes from what the asker may see:
- numbers: the index's number keys that begin as the word does, written as a
  document the asker may see writes them (a digit in the word asks for them);
- phrases: the words that most often follow the words typed before (pair and
  triple counts, search.vocabulary), those typed words read as the speller reads
  them (accents restored);
- title words: the words of titles that begin so, by how many titles hold them
  (where no phrase is found: for the first word, say).
A completion is the whole query: what was typed before, and the word completed.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from index.numbers import number_key
from index.text import canonical_tones, fold_accents, to_nfc
from search.postings import Snapshot
from search.spelling import Speller
from search.vocabulary import Vocabulary, Word

MAX_COMPLETIONS = 10
# Of the words that begin as typed, the commonest spellings weighed as phrases.
PHRASE_CANDIDATES = 40
TITLE_FIELD = "title_exact"
NUMBER_FIELD = "number_key"
_LAST_WORD = re.compile(r"(?P<before>.*?)(?P<last>[^\s\"():]+)$", re.DOTALL)


@dataclass(frozen=True)
class Completion:
    """One completion: the whole query, and what kind of thing completed its last word."""

    text: str
    kind: str  # "number", "phrase" or "title"

    def to_json(self) -> dict[str, str]:
        return {"text": self.text, "kind": self.kind}


class _Terms:
    """A field's terms sorted by their accent-free form, with how many documents each
    asker may see hold them."""

    def __init__(self, snapshot: Snapshot, field: str, visible: dict[bool, np.ndarray]
                 ) -> None:
        counts: dict[str, list[int]] = {}
        for offset, segment in zip(snapshot.offsets, snapshot.segments, strict=False):
            local = [visible[view][offset:offset + segment.doc_count] for view in (False, True)]
            words, (public, every) = segment.term_counts(field, local)
            for word, shown, seen in zip(words, public.tolist(), every.tolist(), strict=True):
                found = counts.setdefault(word, [0, 0])
                found[0] += shown
                found[1] += seen
        entries = sorted((fold_accents(word), word, public, every)
                         for word, (public, every) in counts.items() if every)
        self.folded = [entry[0] for entry in entries]
        self.words = [entry[1] for entry in entries]
        self.counts = {False: np.array([entry[2] for entry in entries], dtype=np.int64),
                       True: np.array([entry[3] for entry in entries], dtype=np.int64)}

    def beginning(self, prefix: str, staff: bool, limit: int,
                  keep: Callable[[str], bool] = lambda word: True) -> list[tuple[str, int]]:
        """Return up to limit (term, count) whose accent-free form begins with prefix, the
        commonest first (ties by term), among those keep accepts."""
        start = bisect.bisect_left(self.folded, prefix)
        end = bisect.bisect_left(self.folded, prefix + "\U0010ffff", start)
        counts = self.counts[staff][start:end]
        order = np.lexsort((np.arange(len(counts)), -counts))
        found: list[tuple[str, int]] = []
        for index in order.tolist():
            count = int(counts[index])
            if not count or len(found) == limit:
                break
            word = self.words[start + index]
            if keep(word):
                found.append((word, count))
        return found


class Completer:
    """Completes queries from one generation, for one kind of asker."""

    def __init__(self, snapshot: Snapshot, visible: dict[bool, np.ndarray],
                 vocabulary: Vocabulary, spellers: dict[bool, Speller]) -> None:
        self._titles = _Terms(snapshot, TITLE_FIELD, visible)
        self._numbers = _Terms(snapshot, NUMBER_FIELD, visible)
        self._vocabulary = vocabulary
        self._spellers = spellers
        self._folded = sorted(vocabulary.folded_words())
        self._most = {view: np.array([vocabulary.most(word, view) for word in self._folded],
                                     dtype=np.int64) for view in (False, True)}

    def complete(self, text: str, staff: bool, written: Callable[[str], str | None]
                 ) -> list[Completion]:
        """Return up to MAX_COMPLETIONS completions of text's last word; written(key)
        gives a number key as a document the asker may see writes it."""
        found = _LAST_WORD.fullmatch(to_nfc(text).lstrip())
        if found is None:
            return []
        before, last = found.group("before"), found.group("last")
        completions: list[Completion] = []
        if any(ch.isdigit() for ch in last):
            key = number_key(last)
            for number, _ in self._numbers.beginning(key, staff, MAX_COMPLETIONS):
                shown = written(number)
                if shown:
                    completions.append(Completion(before + shown, "number"))
        typed = canonical_tones(last.lower())
        prefix = fold_accents(typed)
        if prefix.isalnum() and any(ch.isalpha() for ch in prefix):
            accented = prefix != typed

            def keep(word: str) -> bool:
                return not accented or word.startswith(typed)

            head = self._read(before, staff)
            phrases = self._phrases(head, prefix, staff, keep)
            completions += phrases
            if not phrases:
                # The first word (or one after a number): the words titles begin so.
                for word, _ in self._titles.beginning(prefix, staff, MAX_COMPLETIONS, keep):
                    completions.append(Completion(head + word, "title"))
        unique: dict[str, Completion] = {}
        for completion in completions:
            if completion.text != text.strip():
                unique.setdefault(completion.text, completion)
        return list(unique.values())[:MAX_COMPLETIONS]

    def _read(self, before: str, staff: bool) -> str:
        """Return the words typed before the last one as the speller reads them (accents
        restored, typos corrected), with the space before the last word."""
        suggestion = self._spellers[staff].suggest(before) if before.strip() else None
        return suggestion.text if suggestion else before

    def _phrases(self, head: str, prefix: str, staff: bool, keep: Callable[[str], bool]
                 ) -> list[Completion]:
        """Return the completions of the last word that most often follow the (one or
        two) words before it."""
        words = head.split()[-2:]
        if not words or not all(word.isalpha() for word in words):
            return []
        forms = [self._vocabulary.form(canonical_tones(word.lower())) for word in words]
        known = [form for form in forms if form is not None]
        if len(known) != len(forms):
            return []
        candidates = self._candidates(prefix, staff, keep)
        if not candidates:
            return []
        keys = np.array([word.key for word in candidates], dtype=np.uint64)
        previous = np.full(len(keys), known[-1].key, dtype=np.uint64)
        counts = self._vocabulary.pair_counts(previous, keys, staff)
        if len(known) == 2:
            earlier = np.full(len(keys), known[0].key, dtype=np.uint64)
            triples = self._vocabulary.triple_counts(earlier, previous, keys, staff)
            counts = np.where(triples > 0, triples + counts.max(initial=0), counts)
        order = np.lexsort((np.arange(len(keys)), -counts))
        return [Completion(head + candidates[index].text, "phrase")
                for index in order[:MAX_COMPLETIONS].tolist() if counts[index]]

    def _candidates(self, prefix: str, staff: bool, keep: Callable[[str], bool]
                    ) -> list[Word]:
        """Return the commonest words (for the asker) whose accent-free form begins with
        prefix."""
        start = bisect.bisect_left(self._folded, prefix)
        end = bisect.bisect_left(self._folded, prefix + "\U0010ffff", start)
        folded = self._folded[start:end]
        if len(folded) > PHRASE_CANDIDATES:
            chosen = np.argsort(-self._most[staff][start:end], kind="stable")
            folded = [folded[index] for index in sorted(chosen[:PHRASE_CANDIDATES].tolist())]
        return [form for word in folded for form in self._vocabulary.forms(word)
                if form.count(staff) and keep(form.text)]
