"""Snippets and marked titles: the passage where the query's words stand together, escaped,
with <mark> around what matched.

What is marked, and why (search.query builds the Marks of a query):
- words typed side by side that stand side by side in the text are marked as
  one (<mark>hòa bình</mark>);
- a word of such a run is marked on its own only where the text never has it
  beside another word of the run: with "nghị quyết" found, the "nghị" of
  "Hội nghị" is no match;
- a quoted phrase is marked only whole;
- a number is marked as the text writes it, however loosely it was typed
  ("22 kh cb" marks 22-KH/CB), and so is a date;
- the snippet is the first passage with the most (and longest) marks of
  different words; a second passage is added for words the first lacks.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import NamedTuple

from index.text import fold_accents
from index.tokens import scan

SNIPPET_CHARS = 240
# Characters of the text kept before a passage's first mark.
LEAD_CHARS = 60
ELLIPSIS = "…"


@dataclass(frozen=True)
class Marks:
    """What a query marks in a text (all accent-free and lower case)."""

    runs: tuple[tuple[str, ...], ...] = ()  # words typed side by side (one word: a run of one)
    phrases: tuple[tuple[str, ...], ...] = ()  # quoted: marked only whole
    numbers: tuple[str, ...] = ()  # number keys
    dates: tuple[str, ...] = ()  # ISO dates
    # A whole query that reads as a number ("22 kh cb"): where the number is found,
    # its words are not marked on their own.
    number_first: bool = False

    def __bool__(self) -> bool:
        return bool(self.runs or self.phrases or self.numbers or self.dates)


class _Span(NamedTuple):
    start: int  # character offsets into the text
    end: int
    words: int  # how many words it covers
    keys: tuple[str, ...]  # what it matched


def spans(text: str, marks: Marks) -> list[_Span]:
    """Return what to mark in text, in order and not overlapping."""
    pieces = scan(text)
    keys = [piece.text if piece.kind != "word" else fold_accents(piece.text).lower()
            for piece in pieces]
    # Whether piece i stands right after piece i - 1 (nothing but spaces between).
    beside = [False] + [not text[before.end:after.start].strip()
                        for before, after in zip(pieces, pieces[1:], strict=False)]
    found: list[_Span] = []
    numbers, dates = set(marks.numbers), set(marks.dates)
    for index, piece in enumerate(pieces):
        if (piece.kind == "number" and keys[index] in numbers
                or piece.kind == "date" and keys[index] in dates):
            found.append(_Span(piece.start, piece.end, 1, (keys[index],)))
    if marks.number_first and found:
        return found
    sequences = [(run, False) for run in marks.runs] + [(phrase, True)
                                                        for phrase in marks.phrases]
    starts: dict[str, list[tuple[tuple[str, ...], int, bool]]] = {}
    for sequence, whole in sequences:
        for offset, key in enumerate(sequence):
            if not whole or offset == 0:
                starts.setdefault(key, []).append((sequence, offset, whole))
    taken: list[tuple[int, int]] = []  # (first piece, pieces) of words matched
    index = 0
    while index < len(pieces):
        best = 0
        for sequence, offset, whole in starts.get(keys[index], ()):
            length = 1
            while (offset + length < len(sequence) and index + length < len(pieces)
                   and beside[index + length]
                   and keys[index + length] == sequence[offset + length]):
                length += 1
            if whole and length < len(sequence):
                continue
            best = max(best, length)
        if best:
            taken.append((index, best))
        index += max(best, 1)
    together = {keys[index + step] for index, length in taken if length > 1
                for step in range(length)}
    for first, length in taken:
        if length == 1 and keys[first] in together:
            continue  # the word is found beside the others elsewhere: not this one
        words = tuple(keys[first:first + length])
        found.append(_Span(pieces[first].start, pieces[first + length - 1].end, length, words))
    found.sort()
    return found


def marked(text: str, marks: Marks) -> str:
    """Return all of text, escaped, with <mark> around what matched."""
    return _render(text, spans(text, marks) if marks else [], 0, len(text))


def snippet(text: str, marks: Marks) -> str:
    """Return an HTML-safe passage of text around what matched, or its opening if nothing
    did."""
    found = spans(text, marks) if marks and text else []
    if not found:
        return opening(text)
    first = _best_window(text, found, set())
    windows = [first]
    covered = {key for span in found if first[0] <= span.start and span.end <= first[1]
               for key in span.keys}
    missing = [span for span in found if not covered.issuperset(span.keys)
               and (span.end <= first[0] or span.start >= first[1])]
    if missing:
        windows.append(_best_window(text, missing, covered, SNIPPET_CHARS // 2))
    windows.sort()
    parts = [_render(text, found, start, end) for start, end in windows]
    joined = f" {ELLIPSIS} ".join(parts)
    if windows[0][0] > 0:
        joined = f"{ELLIPSIS} {joined}"
    if windows[-1][1] < len(text.rstrip()):
        joined = f"{joined} {ELLIPSIS}"
    return joined


def _best_window(text: str, found: list[_Span], covered: set[str],
                 size: int = SNIPPET_CHARS) -> tuple[int, int]:
    """Return the passage (start, end) of about size characters, cut at spaces, whose
    marks weigh most: each mark its words squared, a mark of what was already seen
    nothing; the earliest such passage."""
    best: tuple[float, int] = (-1.0, 0)
    for anchor in found:
        start = max(0, anchor.start - LEAD_CHARS if size == SNIPPET_CHARS else anchor.start
                    - LEAD_CHARS // 2)
        end = start + size
        seen: set[str] = set(covered)
        weight = 0.0
        for span in found:
            if start <= span.start and span.end <= end:
                fresh = not seen.issuperset(span.keys)
                weight += span.words ** 2 if fresh else 0.0
                seen.update(span.keys)
        if weight > best[0]:
            best = (weight, start)
    start = best[1]
    return _word_start(text, start), _word_end(text, start + size)


def _word_start(text: str, start: int) -> int:
    if start <= 0:
        return 0
    space = text.find(" ", start)
    return space + 1 if 0 <= space < start + 20 else start


def _word_end(text: str, end: int) -> int:
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", end - 40, end)
    return space if space > 0 else end


def _render(text: str, found: list[_Span], start: int, end: int) -> str:
    """Return text[start:end] escaped, with the spans inside it marked; spaces folded."""
    out: list[str] = []
    position = start
    for span in found:
        if span.start < position or span.end > end:
            continue
        out.append(html.escape(text[position:span.start]))
        out.append(f"<mark>{html.escape(text[span.start:span.end])}</mark>")
        position = span.end
    out.append(html.escape(text[position:end]))
    return " ".join("".join(out).split())


def opening(text: str) -> str:
    """Return the escaped start of text, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= SNIPPET_CHARS:
        return html.escape(flat)
    cut = flat.rfind(" ", 0, SNIPPET_CHARS)
    return html.escape(flat[: cut if cut > 0 else SNIPPET_CHARS]) + f" {ELLIPSIS}"
