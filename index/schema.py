"""The Whoosh schema: every record field, plus the keys used for lookup and facets."""

from __future__ import annotations

from typing import Any

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, Schema

from index.analysis import exact_analyzer, folded_analyzer
from index.fields import AnalyzedText
from index.numbers import number_key
from index.record import Document
from index.relations import Relation, completed

# Searchable text fields (accent-free form) and their weight in ranking.
# "content" is title and body together: one field, so that BM25 saturates a
# word's frequency once per document rather than once per field; the title
# on its own adds a smaller bonus.
TEXT_FIELDS: dict[str, float] = {"content": 1.0, "title": 0.3, "number": 1.0, "issuer": 0.5,
                                 "author": 0.5}
# Fields also indexed with accents kept, as "<name>_exact".
EXACT_FIELDS = ("content", "title")
EXACT_SUFFIX = "_exact"
# Every field a query may look a term up in: the index derives their postings
# and field lengths for the query path (index.derived) ...
SEARCHED_FIELDS = (*TEXT_FIELDS, *(name + EXACT_SUFFIX for name in EXACT_FIELDS),
                   "number_key", "ref_keys")
# ... and the positions of these: phrases look them up, and "content"
# carries the side-by-side bonus of every query of two words or more.
POSITION_FIELDS = (*TEXT_FIELDS, *(name + EXACT_SUFFIX for name in EXACT_FIELDS))
# Whether the exact fields also hold pyvi's multi-syllable words: off, as it
# did not measurably help ranking on the dev sets (README, bench/relevance.py).
SEGMENT_WORDS = False


def build_schema(segment: bool = SEGMENT_WORDS) -> Schema:
    """Return a new schema (a fresh analyzer per index)."""
    analyzer = folded_analyzer()
    exact = exact_analyzer(segment=segment)
    return Schema(
        id=ID(stored=True, unique=True),
        title=AnalyzedText(analyzer=analyzer, stored=True),
        title_exact=AnalyzedText(analyzer=exact),
        body=STORED,
        content=AnalyzedText(analyzer=analyzer),
        content_exact=AnalyzedText(analyzer=exact),
        # Column-backed ("sortable") so facets and sorting read a column
        # instead of every stored document.
        doc_type=ID(stored=True, sortable=True),
        number=AnalyzedText(analyzer=analyzer, stored=True),
        number_key=ID,
        issued=ID(stored=True, sortable=True),
        year=NUMERIC(int, stored=True, sortable=True, default=0),
        issuer=AnalyzedText(analyzer=analyzer, stored=True),
        # The issuer as written, for its facet and filter (a column, not searched).
        issuer_name=ID(sortable=True),
        author=AnalyzedText(analyzer=analyzer, stored=True),
        refs=STORED,
        relations=STORED,
        ref_keys=KEYWORD(lowercase=False, scorable=True),
        url=STORED,
        visibility=ID(stored=True, sortable=True),
        category=ID(stored=True),
        content_hash=STORED,
        updater=STORED,
        # The file a document was read from, and the fingerprint of its bytes
        # (and sidecar overrides), so that an unchanged file is not read again.
        source=ID(stored=True),
        source_fingerprint=STORED,
    )


def segments_words(schema: Schema) -> bool:
    """Tell whether an index's exact fields hold pyvi's multi-syllable words."""
    return bool(getattr(schema["content" + EXACT_SUFFIX].analyzer.items[0], "segment", False))


def to_fields(document: Document) -> dict[str, Any]:
    """Return the Whoosh field values that index a document."""
    fields: dict[str, Any] = {
        "id": document.id,
        "title": document.title,
        "body": document.body,
        "doc_type": document.doc_type,
        "number": document.number,
        "issued": document.issued,
        "issuer": document.issuer,
        "author": document.author,
        "refs": list(document.refs),
        "relations": [relation.to_record() for relation in document.relations],
        "url": document.url,
        "visibility": document.visibility,
        "category": document.category,
        "updater": document.updater,
        "content_hash": document.content_hash(),
    }
    fields["content"] = f"{document.title}\n\n{document.body}"
    for name in EXACT_FIELDS:
        fields[name + EXACT_SUFFIX] = fields[name]
    if document.issuer:
        fields["issuer_name"] = document.issuer
    if document.year is not None:
        fields["year"] = document.year
    if document.number:
        fields["number_key"] = number_key(document.number)
    keys = [number_key(ref) for ref in document.refs]
    if keys:
        fields["ref_keys"] = " ".join(key for key in keys if key)
    return fields


def from_stored(stored: dict[str, Any]) -> Document:
    """Return the document from a hit's stored fields."""
    relations, refs = stored_relations(stored)
    return Document(
        id=stored["id"],
        title=stored.get("title", ""),
        body=stored.get("body", ""),
        doc_type=stored.get("doc_type", ""),
        number=stored.get("number", ""),
        issued=stored.get("issued", ""),
        year=stored.get("year") or None,
        issuer=stored.get("issuer", ""),
        author=stored.get("author", ""),
        refs=tuple(refs),
        relations=tuple(relations),
        url=stored.get("url", ""),
        visibility=stored.get("visibility", "public"),
        category=stored.get("category", ""),
        updater=stored.get("updater", ""),
    )


def stored_relations(stored: dict[str, Any]) -> tuple[list[Relation], list[str]]:
    """Return a document's relations and refs from its stored fields (an index made
    before relations were recorded cites every ref as ``dan-chieu``)."""
    relations = [Relation(item["type"], item["number"]) for item in stored.get("relations") or ()]
    return completed(relations, list(stored.get("refs") or ()))
