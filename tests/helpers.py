"""Counting straight from records, to check what the index answers."""

from __future__ import annotations

from collections import Counter

from index.record import Document
from index.text import fold_accents


def public(documents: list[Document]) -> list[Document]:
    """Return the documents the public may see."""
    return [document for document in documents if document.visibility == "public"]


def containing(documents: list[Document], *words: str) -> list[Document]:
    """Return the documents whose title or body holds every word, accents ignored."""
    def words_of(document: Document) -> set[str]:
        text = fold_accents(f"{document.title} {document.body} {document.number} "
                            f"{document.issuer} {document.author}").lower()
        return set("".join(ch if ch.isalnum() else " " for ch in text).split())

    wanted = [fold_accents(word).lower() for word in words]
    return [document for document in documents
            if all(word in words_of(document) for word in wanted)]


def facet_counts(documents: list[Document]) -> tuple[Counter[int], Counter[str]]:
    """Return (documents per year, documents per type)."""
    years = Counter(document.year for document in documents if document.year)
    types = Counter(document.doc_type for document in documents)
    return years, types
