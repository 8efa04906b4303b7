"""Unicode normalisation and accent folding for Vietnamese text."""

from __future__ import annotations

import unicodedata

# đ/Đ have no Unicode decomposition, so stripping combining marks keeps them;
# Ð (U+00D0, Icelandic eth) and ð are frequent look-alikes in badly typed text.
_D_FOLD = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})


def to_nfc(text: str) -> str:
    """Return text in Unicode NFC, the one form everything else expects."""
    return unicodedata.normalize("NFC", text)


def fold_accents(text: str) -> str:
    """Return text without Vietnamese tone and vowel marks, with đ folded to d.

    Works on NFC or NFD input alike (unlike Whoosh's accent_map, which maps
    combining marks of NFD text to letters).
    """
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped.translate(_D_FOLD))
