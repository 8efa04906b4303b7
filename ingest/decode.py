"""Bytes of a source file to NFC text."""

from __future__ import annotations

import codecs

from index.text import to_nfc


def decode_text(data: bytes) -> str:
    """Return UTF-8 bytes (with or without BOM) as NFC text.

    Raises UnicodeDecodeError for anything else, so that mojibake is never
    indexed.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    return to_nfc(data.decode("utf-8"))
