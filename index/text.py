"""Unicode normalisation and accent folding for Vietnamese text."""

from __future__ import annotations

import functools
import re
import unicodedata

# đ/Đ have no Unicode decomposition, so stripping combining marks keeps them;
# Ð (U+00D0, Icelandic eth) and ð are frequent look-alikes in badly typed text.
_D_FOLD = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})


def to_nfc(text: str) -> str:
    """Return text in Unicode NFC, the one form everything else expects."""
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=200_000)
def fold_accents(text: str) -> str:
    """Return text without Vietnamese tone and vowel marks, with đ folded to d.

    Works on NFC or NFD input alike (unlike Whoosh's accent_map, which maps
    combining marks of NFD text to letters).
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.translate(_D_FOLD))


# The two tone-mark conventions differ only in open syllables ending in
# oa, oe or uy (not "quy", where u belongs to the initial): hoà/hòa,
# khoẻ/khỏe, thuỷ/thủy. The canonical form puts the tone on the first vowel,
# the placement most Vietnamese text uses today; both are two NFC characters,
# so canonicalising keeps every character offset.
_TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_MOVES: dict[str, str] = {}
for _first, _second in (("o", "a"), ("o", "e"), ("u", "y")):
    for _tone in _TONE_MARKS:
        for _a, _b in ((_first, _second), (_first.upper(), _second.upper()),
                       (_first.upper(), _second)):
            _MOVES[_a + unicodedata.normalize("NFC", _b + _tone)] = (
                unicodedata.normalize("NFC", _a + _tone) + _b)
_TONED_SECOND = frozenset(key[1] for key in _MOVES)
_TONE_ON_SECOND = re.compile("(?<![qQ])(?:" + "|".join(sorted(_MOVES)) + ")(?!\\w)")


def canonical_tones(text: str) -> str:
    """Return NFC text with one tone placement per syllable (hoà -> hòa, thuỷ -> thủy).

    Length-preserving: offsets into the result are offsets into the input.
    """
    if not _TONED_SECOND.intersection(text):
        return text  # nearly every word: skip the regular expression
    return _TONE_ON_SECOND.sub(lambda match: _MOVES[match.group()], text)
