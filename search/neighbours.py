"""A document's neighbours: the documents it cites that the index holds, those that cite
it (and how), and those most like it (by its rarest words). All over what the asker
may see.

Each function takes one generation's arrays and a way to read stored fields
(``stored(docnum)``), and answers global document numbers or stored fields, so
that the engine (search.engine) keeps the one place that opens generations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
from whoosh import query

from index.numbers import number_key
from index.relations import ANY_CITATION, Relation
from index.text import fold_accents
from index.tokens import scan
from search.columns import Columns
from search.evaluate import Evaluator
from search.postings import Snapshot, Statistics

# The related documents are found by this many of a document's rarest words
# (held by at least two documents the asker sees), read from its first words.
RELATED_BY_WORDS = 10
RELATED_READS_WORDS = 2000
MAX_CITING = 100


def numbered(snapshot: Snapshot, allowed: np.ndarray, numbers: Iterable[str]
             ) -> dict[str, int]:
    """Return, for each number that a document the asker sees bears, that document's
    docnum (the first, if several bear it)."""
    found = {}
    for number in numbers:
        key = number_key(number)
        if not key:
            continue
        docs = snapshot.postings("number_key", key).docs
        seen = docs[allowed[docs]]
        if len(seen):
            found[number] = int(seen[0])
    return found


def citing(snapshot: Snapshot, columns: Columns, allowed: np.ndarray, number: str,
           itself: int) -> list[int]:
    """Return the docnums of the documents (the asker sees) that cite a number, newest
    first, without the document itself."""
    key = number_key(number)
    if not key:
        return []
    docs = snapshot.postings("ref_keys", key).docs
    docs = docs[allowed[docs] & (docs != itself)]
    order = np.lexsort((docs, -columns.issued[docs].astype(np.int64)))
    return [int(doc) for doc in docs[order][:MAX_CITING]]


def cited_as(relations: Iterable[Relation], number: str) -> list[str]:
    """Return the ways (relation types, once each) in which a document's relations cite
    a number; a document found by its refs alone cites it plainly."""
    key = number_key(number)
    kinds = [relation.type for relation in relations if number_key(relation.number) == key]
    return list(dict.fromkeys(kinds)) or [ANY_CITATION]


def related(snapshot: Snapshot, statistics: Statistics, allowed: np.ndarray,
            itself: int, stored: Callable[[int], dict[str, Any]], limit: int) -> list[int]:
    """Return up to limit docnums of the documents most like one: those scoring best
    (BM25) on its rarest words."""
    fields = stored(itself)
    text = f"{fields.get('title', '')}\n\n{fields.get('body', '')}"
    words = list(dict.fromkeys(
        fold_accents(piece.text).lower() for piece in scan(text)[:RELATED_READS_WORDS]
        if piece.kind == "word" and piece.text.isalpha() and len(piece.text) > 1))
    if not words:
        return []
    counts = snapshot.document_frequencies("content", words, statistics)
    rarest = sorted((count, word) for count, word in zip(counts, words, strict=True)
                    if count >= 2)[:RELATED_BY_WORDS]
    if not rarest:
        return []
    wanted = query.Or([query.Term("content", word) for _, word in rarest])
    found = Evaluator(snapshot, statistics).matches(wanted)
    keep = allowed[found.docs] & (found.docs != itself)
    docs, scores = found.docs[keep], found.scores[keep]
    order = np.lexsort((docs, -scores))[:limit]
    return [int(doc) for doc in docs[order]]
