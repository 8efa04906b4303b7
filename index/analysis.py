"""Whoosh analysis components for Vietnamese text.

Whoosh pickles analyzers into the index's schema: these classes' import path
is part of the index format. Rename one and existing indexes must be rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, Tokenizer

from index.text import fold_accents, to_nfc

# Words, with digits and internal dots/commas kept together ("2.500", "4,5").
WORD_PATTERN = r"\w+(?:[.,]\w+)*"


class NfcTokenizer(Tokenizer):
    """Split NFC-normalised text into words.

    Normalising first matters: a ``\\w+`` tokenizer splits decomposed (NFD)
    words at their combining marks. Character offsets refer to the NFC text,
    which is also what the index stores.
    """

    def __init__(self) -> None:
        self._words = RegexTokenizer(WORD_PATTERN)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __call__(self, value: str, **kwargs: Any) -> Iterator[Any]:
        return self._words(to_nfc(value), **kwargs)


class FoldAccentsFilter(Filter):
    """Replace each token's text by its accent-free form (đ -> d)."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = fold_accents(token.text)
            yield token


def folded_analyzer() -> Any:
    """Return the analyzer of the accent-insensitive text fields."""
    return NfcTokenizer() | LowercaseFilter() | FoldAccentsFilter()
