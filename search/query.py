"""User query text to Whoosh queries: words, "phrases", -exclusions, numbers, dates,
``a OR b`` and field prefixes (``so:``, ``loai:``, ``nam:``, ``tieude:``, ``coquan:``).

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

from index.doctypes import DOC_TYPES
from index.issuers import canonical_issuer
from index.numbers import number_key
from index.schema import EXACT_FIELDS, EXACT_SUFFIX, TEXT_FIELDS, segments_words
from index.segment import compound_spans
from index.text import canonical_tones, fold_accents
from index.tokens import Piece, scan, spelled_dates
from search.highlight import Marks

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
# name:value or name:"a phrase", at the start of a chunk; names by their
# accent-free spelling (so "số:" and "tiêu đề" typed without the space work).
_FIELDED = re.compile(r'(?<!\S)(?P<neg>-)?(?P<name>[^\s:"]+):(?P<value>"[^"]*"?|[^\s"]+)')
FIELD_ALIASES = {"so": "number", "loai": "type", "nam": "year", "tieude": "title",
                 "coquan": "issuer"}
_YEARS = re.compile(r"(?P<first>[0-9]{4})(?:\.\.(?P<last>[0-9]{4}))?")
OR_WORD = "OR"
# khoa* matches the words that begin so (at least this many letters first),
# the most common of them first, at most MAX_PREFIX_TERMS.
MIN_PREFIX_LETTERS = 2
MAX_PREFIX_TERMS = 20
# A whole query that reads as a document number once spaces and case are
# forgiven: "22 kh cb", "Số 05 QĐ UBND".
_NUMBER_LIKE = re.compile(r"[0-9]{1,4}(?:-[0-9a-z]{1,12}){1,4}")


@dataclass(frozen=True)
class Clause:
    """One thing the user asked for: a word, number, date or phrase."""

    kind: str  # "word", "number", "date", "phrase", or "any" (parts OR-ed)
    typed: tuple[str, ...]  # NFC as typed (case kept, for segmentation)
    negated: bool = False
    field: str = ""  # "title", "issuer" or "number" for a field prefix; "" for all
    parts: tuple[Clause, ...] = ()  # of an "any" clause

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
    marks: Marks  # what snippets and titles mark
    # The dates (YYYY-MM-DD) of a query that is nothing but dates: the documents
    # issued on them come first.
    dates: tuple[str, ...] = ()
    filters: QueryFilters | None = None  # loai: and nam: of the query


@dataclass(frozen=True)
class QueryFilters:
    """What loai: and nam: in a query ask, besides the request's own filters."""

    types: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None


def split_fields(text: str) -> tuple[str, QueryFilters, list[Clause]]:
    """Take the field prefixes out of text: return the rest, the filters (loai:, nam:)
    and the clauses of so:, tieude:, coquan:. A prefix that is not known, or a value
    that does not fit it, stays in the text as plain words."""
    types: list[str] = []
    years: list[int] = []
    span: list[int] = []
    clauses: list[Clause] = []
    rest = []
    last = 0
    for found in _FIELDED.finditer(text):
        field = FIELD_ALIASES.get(fold_accents(found.group("name")).lower())
        value = found.group("value").strip('"')
        negated = bool(found.group("neg"))
        taken = field is not None and bool(value.strip())
        if taken and field == "type":
            slug = _doc_type(value)
            taken = slug is not None and not negated
            if slug is not None and taken:
                types.append(slug)
        elif taken and field == "year":
            years_typed = _YEARS.fullmatch(value)
            taken = years_typed is not None and not negated
            if years_typed is not None and taken:
                first, final = years_typed.group("first"), years_typed.group("last")
                if final is None:
                    years.append(int(first))
                else:
                    span[:] = sorted((int(first), int(final)))
        elif taken and field == "number":
            key = number_key(value)
            taken = bool(key)
            if taken:
                clauses.append(Clause("number", (key,), negated, field="number"))
        elif taken:
            # coquan:CB means the body the code or alias names (index/issuers.json).
            named = canonical_issuer(value) if field == "issuer" else value
            pieces = scan(named, query=True)
            if len(pieces) > 1 and (found.group("value").startswith('"') or named != value):
                clauses.append(Clause("phrase", tuple(p.text for p in pieces), negated,
                                      field=str(field)))
            else:
                clauses += [Clause(piece.kind, (piece.text,), negated, field=str(field))
                            for piece in pieces]
        if taken:
            rest.append(text[last:found.start()])
            last = found.end()
    rest.append(text[last:])
    filters = QueryFilters(tuple(dict.fromkeys(types)), tuple(dict.fromkeys(years)),
                           span[0] if span else None, span[1] if span else None)
    return " ".join(rest), filters, clauses


def _doc_type(value: str) -> str | None:
    """Return the type slug that value names, by its slug or its label, accents or not."""
    wanted = "-".join(fold_accents(value).lower().replace("-", " ").split())
    for slug, label in DOC_TYPES.items():
        if wanted in (slug, "-".join(fold_accents(label).lower().split())):
            return slug
    return None


def parse_clauses(text: str) -> list[Clause]:
    """Split query text into clauses; "Số" before a number is dropped, and the clauses on
    either side of OR become one that either matches."""
    clauses: list[Clause] = []
    joins: set[int] = set()  # indexes of clauses that an OR joins to the one before
    for chunk in _CHUNK.finditer(text):
        if chunk.group("bare") == OR_WORD and clauses and len(clauses) not in joins:
            joins.add(len(clauses))
            continue
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
        pieces = scan(bare, query=True)
        if (bare.endswith("*") and len(pieces) == 1 and pieces[0].kind == "word"
                and len(pieces[0].text) >= MIN_PREFIX_LETTERS
                and bare.rstrip("*").endswith(pieces[0].text)):
            clauses.append(Clause("prefix", (pieces[0].text,), negated))
            continue
        clauses += [_clause(piece, negated) for piece in pieces]
    if len(clauses) in joins:  # an OR with nothing after it is a word
        joins.discard(len(clauses))
        clauses.append(Clause("word", (OR_WORD,)))
    clauses = _joined(clauses, joins)
    clauses = _spelled_dates(clauses)
    return [clause for index, clause in enumerate(clauses)
            if not _is_number_label(clause, clauses[index + 1:index + 2])]


def _expanded(clause: Clause, expand: Callable[[str], list[str]] | None) -> Clause:
    """Replace a prefix clause by an "any" clause of the words it stands for (by the word
    itself when none is known)."""
    if clause.kind == "any":
        return Clause("any", (), parts=tuple(_expanded(part, expand) for part in clause.parts))
    if clause.kind != "prefix":
        return clause
    words = expand(clause.folded[0])[:MAX_PREFIX_TERMS] if expand else []
    if not words:
        return Clause("word", clause.typed, clause.negated)
    return Clause("any", (), clause.negated, parts=tuple(Clause("word", (word,))
                                                         for word in words))


def _joined(clauses: list[Clause], joins: set[int]) -> list[Clause]:
    """Join the clauses that OR stood between into "any" clauses."""
    if not joins:
        return clauses
    found: list[Clause] = []
    for index, clause in enumerate(clauses):
        if index in joins and found and not clause.negated and not found[-1].negated:
            before = found.pop()
            parts = before.parts if before.kind == "any" else (before,)
            found.append(Clause("any", (), parts=(*parts, clause)))
        else:
            found.append(clause)
    return found


def _spelled_dates(clauses: list[Clause]) -> list[Clause]:
    """Replace "ngày 11 tháng 10 năm 2016" typed as words by its date clause."""
    pieces = [Piece(clause.kind if len(clause.typed) == 1 and not clause.negated else "",
                    clause.typed[0] if clause.typed else "", 0, 0) for clause in clauses]
    for index, date in reversed(spelled_dates(pieces)):
        clauses[index - 1:index + 5] = [Clause("date", (date.text,))]
    return clauses


def _clause(piece: Piece, negated: bool) -> Clause:
    return Clause(piece.kind, (piece.text,), negated)


def _is_number_label(clause: Clause, following: list[Clause]) -> bool:
    return (clause.kind == "word" and clause.folded == ("so",) and bool(following)
            and following[0].kind == "number" and not clause.negated)


def build_query(text: str, schema: Any,
                rarity: Callable[[list[Clause]], list[int]] | None = None,
                expand: Callable[[str], list[str]] | None = None) -> UserQuery:
    """Return the queries for text; an empty text matches every document.

    ``rarity`` (the document frequencies of clauses) chooses the clauses a
    long query is ranked on; without it the first ones are kept. ``expand``
    returns the words a prefix (khoa*) stands for; without it, the prefix
    itself as a word.
    """
    rest, filters, fielded = split_fields(text)
    typed = [_expanded(clause, expand) for clause in parse_clauses(rest) + fielded]
    clauses = _bounded(typed, rarity)
    positive = [clause for clause in clauses if not clause.negated]
    negative = [clause for clause in clauses if clause.negated]
    parts = [_clause_query(clause) for clause in positive]
    min_match = len(parts) if len(parts) <= ALL_REQUIRED_UP_TO else math.ceil(
        LONG_QUERY_SHARE * len(parts))
    key = number_key(rest)
    if (_NUMBER_LIKE.fullmatch(key) and not fielded
            and not any(c.kind == "number" for c in positive)):
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
    marks = _marks(positive, key if _NUMBER_LIKE.fullmatch(key) and not fielded else None)
    dates = (tuple(clause.folded[0] for clause in positive)
             if positive and not negative and all(c.kind == "date" for c in positive) else ())
    return UserQuery(all_words, any_words, tuple(parts), min_match, marks, dates,
                     filters if filters != QueryFilters() else None)


def _marks(clauses: list[Clause], number: str | None) -> Marks:
    """Return what a query's (positive) clauses mark: words typed side by side as runs,
    quoted phrases, numbers and dates; a query that reads as a number marks that number
    first."""
    runs: list[tuple[str, ...]] = []
    phrases: list[tuple[str, ...]] = []
    numbers: list[str] = []
    dates: list[str] = []
    run: list[str] = []
    for clause in [*clauses, None]:
        if clause is not None and clause.kind == "word":
            run.append(clause.folded[0])
            continue
        if run:
            runs.append(tuple(run))
            run = []
        if clause is None:
            break
        for part in clause.parts or (clause,):
            if part.kind == "word":
                runs.append(part.folded)
            elif part.kind == "phrase":
                phrases.append(part.folded)
            elif part.kind == "number":
                numbers.append(part.folded[0])
            elif part.kind == "date":
                dates.append(part.folded[0])
    if number is not None:
        numbers.append(number)
    return Marks(tuple(dict.fromkeys(runs)), tuple(dict.fromkeys(phrases)),
                 tuple(dict.fromkeys(numbers)), tuple(dict.fromkeys(dates)),
                 number is not None)


def query_marks(text: str) -> Marks:
    """Return what a query marks in a text (a document's page marks a search's words)."""
    rest, _, fielded = split_fields(text)
    positive = [clause for clause in parse_clauses(rest) + fielded if not clause.negated]
    key = number_key(rest)
    return _marks(positive, key if _NUMBER_LIKE.fullmatch(key) and not fielded else None)


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


def _names(exact: bool, field: str) -> tuple[str, ...]:
    """Return the fields a clause looks in: all, or the one its prefix names."""
    names = EXACT_FIELDS if exact else tuple(TEXT_FIELDS)
    return tuple(name for name in names if name == field) if field else names


def _fields(text: str, exact: bool = False, boost: float = 1.0, field: str = "") -> Any:
    suffix = EXACT_SUFFIX if exact else ""
    return _either([query.Term(name + suffix, text, boost=TEXT_FIELDS[name] * boost)
                    for name in _names(exact, field)])


def _phrase(words: tuple[str, ...], exact: bool = False, boost: float = 1.0,
            field: str = "") -> Any:
    suffix = EXACT_SUFFIX if exact else ""
    return _either([query.Phrase(name + suffix, list(words),
                                 boost=TEXT_FIELDS[name] * boost)
                    for name in _names(exact, field)])


def _either(queries: list[Any]) -> Any:
    return query.Or(queries) if queries else query.NullQuery


def _number_query(key: str) -> Any:
    return query.Or([query.Term("number_key", key, boost=NUMBER_BOOST),
                     query.Term("ref_keys", key, boost=CITATION_BOOST), _fields(key)])


def _clause_query(clause: Clause) -> Any:
    if clause.kind == "any":
        return query.Or([_clause_query(part) for part in clause.parts])
    if clause.kind == "number" and clause.field == "number":
        return query.Term("number_key", clause.folded[0], boost=NUMBER_BOOST)
    if clause.kind == "number":
        return _number_query(clause.folded[0])
    field = clause.field
    if clause.kind == "phrase":
        folded = _phrase(clause.folded, field=field)
        if not clause.accented or field not in ("", *EXACT_FIELDS):
            return folded
        return query.AndMaybe(folded, _phrase(clause.exact, exact=True, boost=EXACT_BOOST,
                                              field=field))
    folded = _fields(clause.folded[0], field=field)
    if not clause.accented or field not in ("", *EXACT_FIELDS):
        return folded
    return query.AndMaybe(folded, _fields(clause.exact[0], exact=True, boost=EXACT_BOOST,
                                          field=field))


def _bonus(clauses: list[Clause | None], segmented: bool) -> Any | None:
    """Return the optional query that ranks words typed side by side higher where they
    also stand side by side: each adjacent pair as a phrase and, in a segmented
    index, pyvi's multi-syllable words. None stands for a clause left out."""
    extras: list[Any] = []
    for first, second in zip(clauses, clauses[1:], strict=False):
        if (first is not None and second is not None and first.kind == second.kind == "word"
                and not first.negated and not second.negated
                and not first.field and not second.field):
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
                and not clause.field and clause.typed[0].isalpha()):
            run.append(clause)
            continue
        syllables = [canonical_tones(c.typed[0]) for c in run]
        for first, count in compound_spans(syllables):
            word = "_".join(s.lower() for s in syllables[first:first + count])
            words.append(_fields(word, exact=True, boost=COMPOUND_BOOST))
        run = []
    return words
