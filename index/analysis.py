"""Whoosh analysis components for Vietnamese text.

Whoosh pickles analyzers into the index's schema: these classes' import path
is part of the index format. Rename one and existing indexes must be rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Filter, LowercaseFilter, Token, Tokenizer

from index.segment import compound_spans
from index.text import canonical_tones, fold_accents, to_nfc
from index.tokens import Piece, scan, spelled_dates


class VietnameseTokenizer(Tokenizer):
    """Split text into words, whole document numbers and dates.

    Offsets point into the text as given, NFD included; token texts are NFC.
    A spelled date ("ngày 11 tháng 10 năm 2016") adds its ISO date at the
    day's position. With ``segment``, each multi-syllable word found by pyvi
    ("khoa_học") is added at the position of its first syllable, beside the
    syllables, so phrases and accent-free queries still match syllables.
    """

    def __init__(self, segment: bool = False) -> None:
        self.segment = segment

    def __eq__(self, other: object) -> bool:
        return isinstance(other, VietnameseTokenizer) and other.segment == self.segment

    def __hash__(self) -> int:
        return hash((type(self), self.segment))

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Any]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            pieces = [Piece("word", to_nfc(value), 0, len(value))]
        else:
            pieces = scan(value)
        extras: dict[int, list[Piece]] = {}
        for index, piece in spelled_dates(pieces):
            extras.setdefault(index, []).append(piece)
        if self.segment:
            for index, piece in _compounds(value, pieces):
                extras.setdefault(index, []).append(piece)
        for index, piece in enumerate(pieces):
            for emitted in (piece, *extras.get(index, ())):
                token.text = emitted.text
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = emitted.text
                if positions:
                    token.pos = start_pos + index
                if chars:
                    token.startchar = start_char + emitted.start
                    token.endchar = start_char + emitted.end
                yield token


def _compounds(text: str, pieces: list[Piece]) -> list[tuple[int, Piece]]:
    """Return (index of first syllable, word piece) for pyvi's multi-syllable words.

    pyvi sees runs of alphabetic syllables separated by spaces only, so that
    no word spans punctuation, a number or a date.
    """
    runs: list[list[int]] = []
    for index, piece in enumerate(pieces):
        if piece.kind != "word" or not piece.text.isalpha():
            runs.append([])
        elif runs and runs[-1] and not text[pieces[runs[-1][-1]].end:piece.start].strip():
            runs[-1].append(index)
        else:
            runs.append([index])
    found: list[tuple[int, Piece]] = []
    for run in runs:
        syllables = [canonical_tones(pieces[i].text) for i in run]
        for first, count in compound_spans(syllables):
            start, end = pieces[run[first]].start, pieces[run[first + count - 1]].end
            word = Piece("word", "_".join(syllables[first:first + count]), start, end)
            found.append((run[first], word))
    return found


class FoldAccentsFilter(Filter):
    """Replace each token's text by its accent-free form (đ -> d)."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = fold_accents(token.text)
            yield token


class CanonicalTonesFilter(Filter):
    """Put each token's tone mark in the canonical place (hoà -> hòa)."""

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            token.text = canonical_tones(token.text)
            yield token


def folded_analyzer() -> Any:
    """Return the analyzer of the accent-insensitive text fields."""
    return VietnameseTokenizer() | LowercaseFilter() | FoldAccentsFilter()


def exact_analyzer(segment: bool = False) -> Any:
    """Return the analyzer of the accent-keeping fields (canonical tone placement)."""
    return VietnameseTokenizer(segment=segment) | LowercaseFilter() | CanonicalTonesFilter()
