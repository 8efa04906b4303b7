"""User query text to Whoosh queries: words, "phrases", -exclusions, numbers, dates.

Each word is matched by how it was typed: without accents it matches every
accented form (folded fields); with accents it matches the same, and scores
more where the accents agree (exact fields, canonical tone placement).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from whoosh import query

from index.numbers import number_key
from index.schema import EXACT_FIELDS, EXACT_SUFFIX, TEXT_FIELDS, segments_words
from index.segment import compound_spans
from index.text import canonical_tones, fold_accents
from index.tokens import Piece, scan, spelled_dates

# Weight of a match with the accents as typed, over the folded match.
EXACT_BOOST = 1.0
# Weight of a multi-syllable word (pyvi) matched whole, over its syllables.
COMPOUND_BOOST = 0.5
# Weight of two words typed side by side and found side by side.
BIGRAM_BOOST = 2.0
# Up to this many clauses a document must match them all; a longer query (a
# question, say) needs LONG_QUERY_SHARE of them, and ranking does the rest.
ALL_REQUIRED_UP_TO = 3
LONG_QUERY_SHARE = 0.5
# A long query (a pasted question, up to 2,000 characters) is ranked on its
# rarest distinct words, at most this many: they carry nearly all of BM25's
# weight, and the engine's work stays bounded.
MAX_RANKED_CLAUSES = 64
NUMBER_BOOST = 50.0
CITATION_BOOST = 5.0

_CHUNK = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+)')
# A whole query that reads as a document number once spaces and case are
# forgiven: "22 kh cb", "Số 05 QĐ UBND".
_NUMBER_LIKE = re.compile(r"[0-9]{1,4}(?:-[0-9a-z]{1,12}){1,4}")


@dataclass(frozen=True)
class Clause:
    """One thing the user asked for: a word, number, date or phrase."""

    kind: str  # "word", "number", "date", "phrase"
    typed: tuple[str, ...]  # NFC as typed (case kept, for segmentation)
    negated: bool = False

    @property
    def folded(self) -> tuple[str, ...]:
        return tuple(fold_accents(text).lower() for text in self.typed)

    @property
    def exact(self) -> tuple[str, ...]:
        return tuple(canonical_tones(text.lower()) for text in self.typed)

    @property
    def accented(self) -> bool:
        return self.folded != tuple(text.lower() for text in self.typed)


@dataclass(frozen=True)
class UserQuery:
    """The Whoosh queries for one query text, and how many clauses must match."""

    all_words: Any  # every clause must match (scored with the bonuses)
    any_words: Any | None  # some clause matches (scored likewise); None for one clause
    clauses: tuple[Any, ...]  # one matching query per clause, to count them per document
    min_match: int  # clauses a document must match; len(clauses) means all of them
    highlight_terms: frozenset[str]  # folded terms, for snippets
    # The dates (YYYY-MM-DD) of a query that is nothing but dates: the documents
    # issued on them come first.
    dates: tuple[str, ...] = ()


def parse_clauses(text: str) -> list[Clause]:
    """Split query text into clauses; "Số" before a number is dropped."""
    clauses: list[Clause] = []
    for chunk in _CHUNK.finditer(text):
        if chunk.group("phrase") is not None:
            pieces = scan(chunk.group("phrase"), query=True)
            negated = bool(chunk.group("neg"))
            if len(pieces) == 1:
                clauses.append(_clause(pieces[0], negated))
            elif pieces:
                clauses.append(Clause("phrase", tuple(p.text for p in pieces), negated))
            continue
        bare = chunk.group("bare")
        negated = bare.startswith("-") and len(bare) > 1
        clauses += [_clause(piece, negated) for piece in scan(bare, query=True)]
    clauses = _spelled_dates(clauses)
    return [clause for index, clause in enumerate(clauses)
            if not _is_number_label(clause, clauses[index + 1:index + 2])]


def _spelled_dates(clauses: list[Clause]) -> list[Clause]:
    """Replace "ngày 11 tháng 10 năm 2016" typed as words by its date clause."""
    pieces = [Piece(clause.kind if len(clause.typed) == 1 and not clause.negated else "",
                    clause.typed[0], 0, 0) for clause in clauses]
    for index, date in reversed(spelled_dates(pieces)):
        clauses[index - 1:index + 5] = [Clause("date", (date.text,))]
    return clauses


def _clause(piece: Piece, negated: bool) -> Clause:
    return Clause(piece.kind, (piece.text,), negated)


def _is_number_label(clause: Clause, following: list[Clause]) -> bool:
    return (clause.kind == "word" and clause.folded == ("so",) and bool(following)
            and following[0].kind == "number" and not clause.negated)


def build_query(text: str, schema: Any,
                rarity: Callable[[list[Clause]], list[int]] | None = None) -> UserQuery:
    """Return the queries for text; an empty text matches every document.

    ``rarity`` (the document frequencies of clauses) chooses the clauses a
    long query is ranked on; without it the first ones are kept.
    """
    typed = parse_clauses(text)
    clauses = _bounded(typed, rarity)
    positive = [clause for clause in clauses if not clause.negated]
    negative = [clause for clause in clauses if clause.negated]
    parts = [_clause_query(clause) for clause in positive]
    min_match = len(parts) if len(parts) <= ALL_REQUIRED_UP_TO else math.ceil(
        LONG_QUERY_SHARE * len(parts))
    key = number_key(text)
    if _NUMBER_LIKE.fullmatch(key) and not any(c.kind == "number" for c in positive):
        # "22 kh cb": either the number, or the words as typed.
        number = _number_query(key)
        all_words = query.Or([number, query.And(parts)]) if parts else number
        any_words = query.Or([number, *parts]) if parts else None
        parts, min_match = [], 0
    elif not parts:
        all_words, any_words = query.Every(), None
    else:
        all_words = query.And(parts) if len(parts) > 1 else parts[0]
        any_words = query.Or(parts) if len(parts) > 1 else None
    # Words typed side by side, of those kept.
    kept = set(clauses)
    bonus = _bonus([clause if clause in kept else None for clause in typed],
                   segments_words(schema))
    if bonus is not None:
        all_words = query.AndMaybe(all_words, bonus)
        any_words = query.AndMaybe(any_words, bonus) if any_words is not None else None
    if negative:
        excluded = query.Or([_clause_query(clause) for clause in negative])
        all_words = query.AndNot(all_words, excluded)
        any_words = query.AndNot(any_words, excluded) if any_words is not None else None
    terms = frozenset(term for clause in positive for term in clause.folded)
    dates = (tuple(clause.folded[0] for clause in positive)
             if positive and not negative and all(c.kind == "date" for c in positive) else ())
    return UserQuery(all_words, any_words, tuple(parts), min_match, terms, dates)


def _bounded(clauses: list[Clause], rarity: Callable[[list[Clause]], list[int]] | None
             ) -> list[Clause]:
    """Keep a short query as typed; of a long one, its distinct clauses, only the
    MAX_RANKED_CLAUSES rarest positive ones (with every exclusion), in the order typed."""
    if sum(not clause.negated for clause in clauses) <= MAX_RANKED_CLAUSES:
        return clauses
    distinct = list(dict.fromkeys(clauses))
    positive = [clause for clause in distinct if not clause.negated]
    frequencies = rarity(positive) if rarity else [1] * len(positive)
    # The rarest first, but a word no document holds (a typo, say) last: it
    # ranks nothing.
    ranked = sorted(range(len(positive)),
                    key=lambda index: (frequencies[index] == 0, frequencies[index], index))
    kept = {positive[index] for index in ranked[:MAX_RANKED_CLAUSES]}
    return [clause for clause in distinct if clause.negated or clause in kept]


def _fields(text: str, exact: bool = False, boost: float = 1.0) -> Any:
    names = EXACT_FIELDS if exact else tuple(TEXT_FIELDS)
    suffix = EXACT_SUFFIX if exact else ""
    return query.Or([query.Term(name + suffix, text, boost=TEXT_FIELDS[name] * boost)
                     for name in names])


def _phrase(words: tuple[str, ...], exact: bool = False, boost: float = 1.0) -> Any:
    names = EXACT_FIELDS if exact else tuple(TEXT_FIELDS)
    suffix = EXACT_SUFFIX if exact else ""
    return query.Or([query.Phrase(name + suffix, list(words), boost=TEXT_FIELDS[name] * boost)
                     for name in names])


def _number_query(key: str) -> Any:
    return query.Or([query.Term("number_key", key, boost=NUMBER_BOOST),
                     query.Term("ref_keys", key, boost=CITATION_BOOST), _fields(key)])


def _clause_query(clause: Clause) -> Any:
    if clause.kind == "number":
        return _number_query(clause.folded[0])
    if clause.kind == "phrase":
        folded = _phrase(clause.folded)
        if not clause.accented:
            return folded
        return query.AndMaybe(folded, _phrase(clause.exact, exact=True, boost=EXACT_BOOST))
    folded = _fields(clause.folded[0])
    if not clause.accented:
        return folded
    return query.AndMaybe(folded, _fields(clause.exact[0], exact=True, boost=EXACT_BOOST))


def _bonus(clauses: list[Clause | None], segmented: bool) -> Any | None:
    """Return the optional query that ranks words typed side by side higher where they
    also stand side by side: each adjacent pair as a phrase and, in a segmented
    index, pyvi's multi-syllable words. None stands for a clause left out."""
    extras: list[Any] = []
    for first, second in zip(clauses, clauses[1:], strict=False):
        if (first is not None and second is not None and first.kind == second.kind == "word"
                and not first.negated and not second.negated):
            extras.append(query.Phrase("content", [first.folded[0], second.folded[0]],
                                       boost=BIGRAM_BOOST))
    if segmented:
        extras += _compounds(clauses)
    return query.Or(extras) if extras else None


def _compounds(clauses: list[Clause | None]) -> list[Any]:
    """Return queries for pyvi's multi-syllable words among consecutive typed words."""
    words: list[Any] = []
    run: list[Clause] = []
    for clause in [*clauses, None]:
        if (clause is not None and clause.kind == "word" and not clause.negated
                and clause.typed[0].isalpha()):
            run.append(clause)
            continue
        syllables = [canonical_tones(c.typed[0]) for c in run]
        for first, count in compound_spans(syllables):
            word = "_".join(s.lower() for s in syllables[first:first + count])
            words.append(_fields(word, exact=True, boost=COMPOUND_BOOST))
        run = []
    return words
