"""Metadata a document does not state as a field: its number, type and citations."""

from __future__ import annotations

import re

from index.doctypes import DEFAULT_DOC_TYPE, TITLE_PREFIXES
from index.numbers import NUMBER_PATTERN, doc_type_of_number, find_numbers
from index.text import fold_accents

# "Số: 22-KH/CB" at the start of a line: the document's own number.
_OWN_NUMBER_LABEL = re.compile(r"^[ \t]*S[ốôo][ \t]*[:.]?[ \t]*", re.MULTILINE)


def own_number(body: str) -> str:
    """Return the number a document states for itself ("Số: ..."), or ""."""
    head = body[:2000]
    for label in _OWN_NUMBER_LABEL.finditer(head):
        match = NUMBER_PATTERN.match(head, label.end())
        if match:
            return match.group("number").replace("Ð", "Đ")
    return ""


def infer_doc_type(number: str, title: str) -> str:
    """Return the type from the number's abbreviation, else the title's first words."""
    if number:
        from_number = doc_type_of_number(number)
        if from_number:
            return from_number
    words = fold_accents(title).lower().split()
    start = " ".join(words[:2])
    return TITLE_PREFIXES.get(start, DEFAULT_DOC_TYPE)


def cited_numbers(text: str, own: str) -> list[str]:
    """Return the document numbers cited in text, without the document's own."""
    return [number for number in find_numbers(text) if number != own]
