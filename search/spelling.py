""""Có phải bạn muốn tìm …": the query as the index's own words say it was meant.

Each word typed is read several ways: as typed, with its accents restored,
as Telex or VNI typed with the keyboard off, and with one letter wrong,
missing, extra or two swapped. Each reading is a word of the index (seen by
the asker); the readings are weighed by how many documents hold each word,
and each pair of words side by side (a bigram model over document counts),
less a cost for every change the reading makes to what was typed. The best
sentence wins (Viterbi); it is suggested only if it differs from the query.

Only runs of plain words are read again: numbers, dates, field prefixes,
exclusions, prefixes (khoa*) and OR stay as typed.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass

import numpy as np

from index.text import canonical_tones, fold_accents, to_nfc
from search.keyboard import shape, typed_shapes
from search.vocabulary import Vocabulary, Word

# What a reading costs, in nats, beyond the language model's own weight.
ACCENTS_ADDED = 0.0  # typed without accents: any accents are a fair reading
ACCENTS_UNTYPED = 5.0  # ... unless accents (or Telex, VNI) are typed elsewhere in the query
KEYBOARD = 0.5  # Telex or VNI read back
TONE_LEFT_OUT = 2.0  # Telex/VNI marks typed, the tone not
ACCENTS_CHANGED = 7.0  # accents typed, other ones read
ONE_EDIT = 5.0  # one letter wrong, missing, extra, or two swapped
EDIT_OF_A_WORD = 1.0  # ... more, of a word the index holds (seen by the asker)
# The weights of the triple, pair and word models (interpolated); without a
# triple's context, its weight goes to the pair's.
TRIPLE_WEIGHT = 0.8
PAIR_WEIGHT = 0.199
WORD_WEIGHT = 0.001
# The sentences kept at each word.
BEAM = 16
# Of a word typed that no document holds: as if this share of one document did.
UNKNOWN_SHARE = 0.01
# A word typed with accents that at least this many documents (the asker sees)
# hold is read as typed, and only so.
TRUSTED_DOCUMENTS = 3
# The readings kept per word (the cheapest, then the most common), and the
# accent-free spellings one edit away that are read (the commonest).
READINGS = 12
EDITED_SPELLINGS = 8
# A query longer than this many words is not read again (a pasted question).
MAX_WORDS = 12
MIN_LETTERS_FOR_EDITS = 2
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_TOKEN = re.compile(r"\S+")
# A word that may be read again, with punctuation around it kept as typed.
_PLAIN = re.compile(r'(?P<lead>["(]*)(?P<word>[^\W_]*[^\W\d_][^\W_]*)(?P<trail>[")?!.,;]*)')


@dataclass(frozen=True)
class Suggestion:
    """The query as suggested, in parts: the text between words, and each word changed
    or not (to show the changed ones in bold)."""

    parts: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        return "".join(text for text, _ in self.parts)


@dataclass(frozen=True)
class _Reading:
    text: str
    key: int
    cost: float
    count: int


class Speller:
    """Suggests corrections from a generation's vocabulary, for one kind of asker."""

    def __init__(self, vocabulary: Vocabulary, staff: bool, documents: int) -> None:
        self._vocabulary = vocabulary
        self._staff = staff
        self._documents = max(documents, 1)

    def suggest(self, text: str) -> Suggestion | None:
        """Return the corrected query, or None when it reads best as typed."""
        tokens = [(match.start(), match.end()) for match in _TOKEN.finditer(text)]
        if not tokens or len(tokens) > MAX_WORDS or not self._documents:
            return None
        runs: list[list[tuple[int, int, str]]] = [[]]  # (start, end, word) of plain words
        for start, end in tokens:
            found = _PLAIN.fullmatch(text, start, end)
            if found is None or found.group("word") == "OR":
                runs.append([])
                continue
            if found.group("lead"):
                runs.append([])
            runs[-1].append((found.start("word"), found.end("word"), found.group("word")))
            if found.group("trail"):
                runs.append([])
        changes: list[tuple[int, int, str]] = []
        careful = self.careful([word for run in runs for _, _, word in run])
        for run in runs:
            if not run:
                continue
            best = self._best([word for _, _, word in run], careful)
            for (start, end, typed), chosen in zip(run, best, strict=True):
                if chosen != _normal(typed):
                    changes.append((start, end, _cased(chosen, typed)))
        if not changes:
            return None
        parts: list[tuple[str, bool]] = []
        last = 0
        for start, end, word in changes:
            parts += [(text[last:start], False), (word, True)]
            last = end
        parts.append((text[last:], False))
        return Suggestion(tuple(part for part in parts if part[0]))

    def _best(self, typed: list[str], careful: bool) -> list[str]:
        """Return the best reading of each word of a run: a beam search over an
        interpolated model of triples, pairs and words (counts of documents)."""
        vocabulary, staff, total = self._vocabulary, self._staff, float(self._documents)
        readings = [self._readings(word, careful) for word in typed]
        first = readings[0]
        keys = np.array([r.key for r in first], dtype=np.uint64)
        counts = np.array([r.count for r in first], dtype=np.float64)
        scores = _log_prior(counts, total) - np.array([r.cost for r in first])
        # Each beam: its score, the readings chosen, its last two words' keys, its
        # last word's count and the count of its last pair.
        history = [[index] for index in range(len(first))]
        last, before = keys, np.zeros(len(keys), dtype=np.uint64)
        last_count, last_pair = counts, np.zeros(len(keys), dtype=np.float64)
        for position in range(1, len(readings)):
            options = readings[position]
            keys = np.array([r.key for r in options], dtype=np.uint64)
            counts = np.array([r.count for r in options], dtype=np.float64)
            costs = np.array([r.cost for r in options])
            beams, width = len(scores), len(options)
            left, right = np.repeat(last, width), np.tile(keys, beams)
            pairs = vocabulary.pair_counts(left, right, staff).reshape(beams, width)
            triples = (vocabulary.triple_counts(np.repeat(before, width), left, right, staff)
                       .reshape(beams, width) if position > 1 else np.zeros((beams, width)))
            known = last_pair > 0
            chance = (np.where(known, TRIPLE_WEIGHT, 0.0)[:, None]
                      * triples / np.maximum(last_pair, 1)[:, None]
                      + np.where(known, PAIR_WEIGHT, PAIR_WEIGHT + TRIPLE_WEIGHT)[:, None]
                      * pairs / np.maximum(last_count, 1)[:, None]
                      + WORD_WEIGHT * np.exp(_log_prior(counts, total))[None, :])
            weights = (scores[:, None] + np.log(chance) - costs[None, :]).ravel()
            kept = np.argsort(-weights, kind="stable")[:BEAM]
            beam, pick = np.divmod(kept, width)
            scores = weights[kept]
            history = [history[b] + [k] for b, k in zip(beam.tolist(), pick.tolist(),
                                                         strict=True)]
            before, last = last[beam], keys[pick]
            last_count, last_pair = counts[pick], pairs[beam, pick].astype(np.float64)
        best = history[int(np.argmax(scores))]
        return [readings[index][pick].text for index, pick in enumerate(best)]

    def _readings(self, typed: str, careful: bool) -> list[_Reading]:
        """Return the ways one typed word may be read: words of the index seen by the
        asker, each with the cost of reading it so, and the word as typed. In a careful
        query (accents or Telex/VNI typed somewhere), a word without accents was meant
        so."""
        word = _normal(typed)
        folded = fold_accents(word)
        staff = self._staff
        readings: dict[str, _Reading] = {word: _Reading(word, 0, 0.0, 0)}
        accented = folded != word
        added = ACCENTS_UNTYPED if careful else ACCENTS_ADDED

        def offer(form: Word, cost: float) -> None:
            count = form.count(staff)
            found = readings.get(form.text)
            if count and (found is None or cost < found.cost or not found.count):
                readings[form.text] = _Reading(form.text, form.key, min(
                    cost, found.cost if found is not None else cost), count)

        forms = self._vocabulary.forms(folded)
        if accented:
            own = next((form for form in forms if form.text == word), None)
            if own is not None and own.count(staff) >= TRUSTED_DOCUMENTS:
                # Typed with accents, and a word of the index: meant as typed.
                return [_Reading(word, own.key, 0.0, own.count(staff))]
        for form in forms:
            offer(form, 0.0 if form.text == word else ACCENTS_CHANGED if accented else added)
        for letters, tone in typed_shapes(word):
            for form in self._vocabulary.forms(fold_accents(letters)):
                form_letters, form_tone = shape(form.text)
                if form_letters == letters and form_tone == tone:
                    offer(form, KEYBOARD)
                elif form_letters == letters and not tone:
                    offer(form, KEYBOARD + TONE_LEFT_OUT)
        if len(folded) >= MIN_LETTERS_FOR_EDITS:
            # Of the words one edit away, those of the commonest spellings.
            most = self._vocabulary.most
            edits = heapq.nlargest(EDITED_SPELLINGS, ((most(edited, staff), edited)
                                                      for edited in _edits(folded)))
            # A spelling of the index's own is more likely meant than a neighbour.
            edit = ONE_EDIT + (EDIT_OF_A_WORD if most(folded, staff) else 0.0)
            for count, edited in edits:
                if not count:
                    break
                for form in self._vocabulary.forms(edited):
                    offer(form, edit + (added if form.text != edited else 0.0))
        # The word as typed is always a reading, even if no document the asker sees
        # holds it.
        kept = heapq.nsmallest(READINGS, readings.values(),
                               key=lambda r: (r.cost, -r.count, r.text))
        if not any(r.text == word for r in kept):
            kept.append(readings[word])
        return kept

    def careful(self, words: list[str]) -> bool:
        """Tell whether a query's words show accents typed, or Telex or VNI remnants that
        read as words of the index (that the asker may see)."""
        for typed in words:
            word = _normal(typed)
            if fold_accents(word) != word:
                return True
            for letters, tone in typed_shapes(word):
                if any(shape(form.text) == (letters, tone) and form.count(self._staff)
                       for form in self._vocabulary.forms(fold_accents(letters))):
                    return True
        return False


def _log_prior(counts: np.ndarray, total: float) -> np.ndarray:
    """Return the log weight of words held by counts of total documents."""
    return np.log(np.where(counts > 0, counts, UNKNOWN_SHARE) / total)


def _normal(word: str) -> str:
    return canonical_tones(to_nfc(word).lower())


def _cased(word: str, typed: str) -> str:
    """Return word in the case typed: all capitals, a capital first, or lower case."""
    if len(typed) > 1 and typed.isupper():
        return word.upper()
    if typed[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _edits(word: str) -> set[str]:
    """Return the accent-free words one letter wrong, missing, extra, or two swapped
    away from word."""
    splits = [(word[:index], word[index:]) for index in range(len(word) + 1)]
    found = {left + right[1:] for left, right in splits if right}
    found |= {left + right[1] + right[0] + right[2:] for left, right in splits
              if len(right) > 1}
    found |= {left + letter + right[1:] for left, right in splits if right
              for letter in _LETTERS}
    found |= {left + letter + right for left, right in splits for letter in _LETTERS}
    found.discard(word)
    return found
