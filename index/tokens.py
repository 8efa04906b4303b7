"""Split Vietnamese text into words, document numbers and dates, with their offsets.

Numbers ("22-KH/CB") and dates ("11/10/2016") are recognised first and kept
whole, before any word splitting or segmentation could take them apart. What
a date is (its forms, the calendar) is index.dates's rule.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from index.dates import NUMERIC, calendar_date, matched_date
from index.numbers import NUMBER_PATTERN, number_key
from index.text import fold_accents, to_nfc

# Letters and digits with any combining marks, so that a decomposed (NFD)
# word stays one word: "\w+" alone splits "Thừa" typed as NFD after "Th".
WORD = r"(?:[^\W_]|[\u0300-\u036f])+"
# Words that start with a letter come first: nearly every token is one, and
# neither a number nor a date starts with a letter.
_SCAN = re.compile(rf"(?P<word>[^\W\d_](?:{WORD})?)|(?P<num>{NUMBER_PATTERN.pattern})"
                   rf"|(?P<date>{NUMERIC})|(?P<digits>{WORD})", re.VERBOSE)
# Users type numbers in any case ("22-kh/cb"); documents write them upper case.
_SCAN_QUERY = re.compile(_SCAN.pattern, re.VERBOSE | re.IGNORECASE)
_SPELLED_DATE = ("ngay", None, "thang", None, "nam", None)


class Piece(NamedTuple):
    """A word, number or date of a text: its indexed text and where it stands."""

    kind: str  # "word", "number" or "date"
    text: str  # NFC word as written; number key; ISO date
    start: int
    end: int


def scan(text: str, *, query: bool = False) -> list[Piece]:
    """Return the pieces of text in order; offsets point into text as given (NFC or NFD).

    The last text's pieces are kept: indexing scans each text twice in a
    row, for its accent-free and its exact field. Do not change the list.
    """
    global _last
    if _last is not None and _last[1] == query and _last[0] == text:
        return _last[2]
    pieces = _scan(text, query)
    _last = (text, query, pieces)
    return pieces


_last: tuple[str, bool, list[Piece]] | None = None


def _scan(text: str, query: bool) -> list[Piece]:
    pieces: list[Piece] = []
    for match in (_SCAN_QUERY if query else _SCAN).finditer(text):
        kind = match.lastgroup
        start, end = match.span()
        if kind == "word" or kind == "digits":
            pieces.append(Piece("word", to_nfc(match.group()), start, end))
        elif kind == "num":
            pieces.append(Piece("number", number_key(match.group()), start, end))
        else:
            date = matched_date(match)
            if date is not None:
                pieces.append(Piece("date", date.isoformat(), start, end))
            else:
                pieces += [Piece("word", part.group(), start + part.start(), start + part.end())
                           for part in re.finditer(r"\d+", match.group())]
    return pieces


def spelled_dates(pieces: list[Piece]) -> list[tuple[int, Piece]]:
    """Return (index of the day's piece, date piece) for "ngày 11 tháng 10 năm 2016"."""
    found: list[tuple[int, Piece]] = []
    for index in range(1, len(pieces) - 4):
        if not pieces[index].text.isdigit() or pieces[index - 1].text[:1] not in "nN":
            continue  # cheap test first: this runs over every word of every document
        window = pieces[index - 1:index + 5]
        if any(piece.kind != "word" for piece in window):
            continue
        words = [fold_accents(piece.text).lower() for piece in window]
        if any(want and word != want for word, want in zip(words, _SPELLED_DATE, strict=True)):
            continue
        day, month, year = words[1], words[3], words[5]
        # A month's name ("tháng Mười Một") may take two pieces, and a query's spelled
        # date is replaced six pieces at a time: the month is read as a number only.
        if not (month.isdigit() and year.isdigit() and len(year) == 4):
            continue
        date = calendar_date(year, month, day)
        if date is not None:
            found.append((index, Piece("date", date.isoformat(), window[1].start,
                                       window[5].end)))
    return found
