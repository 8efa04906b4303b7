"""Byte tables of the two 8-bit Vietnamese font encodings Python has no codec for.

TCVN3 (ABC, TCVN 5712:1993 "VN3") gives each lowercase letter one byte in 0xA1-0xFF;
uppercase letters with tone marks have no codes of their own (they were typed with a
separate uppercase font that reuses the lowercase codes), so such codes decode to the
lowercase letter. Only Ă Â Ê Ô Ơ Ư Đ have uppercase codes.

VNI (VNI-Windows) writes a letter as an ASCII base letter followed by one byte that
draws the vowel mark, the tone, or both (e.g. "ế" is "e" + 0xE1); ơ, ư, đ and the
toned i and ỵ are single bytes, and ơ/ư take a second byte for the tone.

Sources (public converters, read through the code index, not typed from memory):

* Letters of both tables: UniKey's VnConv library as kept in vn-input/ibus-unikey,
  file ukengine/data.cpp (commit 0d9c0db4fd2fb3dec3e29d00288f4c1b7fcf58f2):
  ``SingleByteTables`` row "TCVN3" and ``DoubleByteTables`` row "VNI-WIN" (each word
  there is base byte | mark byte << 8), both read against ``UnicodeTable`` of the same
  file. The row of "Western symbols" at the end of both tables says that 0x80-0x9F keep
  their Windows-1252 meaning (curly quotes, dashes, ...).
* Cross-checked letter by letter (all 134 letters, no difference) with
  duydev/vietnamese-conversion, file src/charsets.ts (arrays TCVN3 and VNI), and for
  TCVN3 with the TCVN 5712 table of X-TrueType, apple-open-source/macos file
  X11/xc/extras/X-TrueType/TCVN/TCVNtoUCS2.c, which agrees on every VN3 code.
* The 21 codes of 0xA1-0xFF that VN3 leaves unused take their TCVN 5712 (VN1) meaning
  from that X-TrueType table (some uppercase letters and the five combining tone marks).
* VNI_MARKS (what a mark byte draws) is read off UniKey's VNI-WIN row: ấ is "a" + 0xE1,
  so 0xE1 draws circumflex and acute. The tests check it against VNI_LETTERS.

Note: TCVN3 ị is 0xDE ("Þ" in Windows-1252) and ỵ is 0xFE ("þ"); all three sources agree.
"""

from __future__ import annotations

import re

# TCVN3 byte -> letter (UniKey's table; the uppercase-only codes first).
TCVN3_LETTERS: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư",
    0xA7: "Đ", 0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ",
    0xAD: "ư", 0xAE: "đ", 0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á",
    0xB9: "ạ", 0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ", 0xCC: "è",
    0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ", 0xD2: "ề", 0xD3: "ể",
    0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ", 0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ",
    0xDD: "í", 0xDE: "ị", 0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó",
    0xE4: "ọ", 0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ", 0xEF: "ù",
    0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ", 0xF5: "ừ", 0xF6: "ử",
    0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự", 0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ",
    0xFD: "ý", 0xFE: "ỵ",
}

# Codes VN3 leaves unused, with their meaning in the full TCVN 5712 (VN1) table.
TCVN3_VN1_EXTRAS: dict[int, str] = {
    0xAF: "Ằ", 0xB0: "\u0300", 0xB1: "\u0309", 0xB2: "\u0303", 0xB3: "\u0301",
    0xB4: "\u0323", 0xBA: "Ẳ", 0xBF: "Ẵ", 0xC0: "Ắ", 0xC1: "Ầ", 0xC2: "Ẩ", 0xC3: "Ẫ",
    0xC4: "Ấ", 0xC5: "Ề", 0xCD: "Ể", 0xD9: "Ễ", 0xDA: "Ế", 0xDB: "Ồ", 0xE0: "Ổ",
    0xF0: "Ỗ", 0xFF: "Ố",
}

# Bytes 0x80-0x9F that keep their Windows-1252 symbol in the Vietnamese font encodings
# (UniKey's "Western symbols"); 0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined.
WESTERN_SYMBOL_BYTES: tuple[int, ...] = (
    0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8E,
    0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9E, 0x9F,
)
_WESTERN: dict[int, str] = {b: bytes([b]).decode("cp1252") for b in WESTERN_SYMBOL_BYTES}

# Every defined TCVN3 byte >= 0x80 -> text (bytes below 0x80 are ASCII).
TCVN3_TO_UNICODE: dict[int, str] = {
    **_WESTERN, 0xA0: "\u00a0", **TCVN3_VN1_EXTRAS, **TCVN3_LETTERS,
}

# VNI byte sequence -> letter (UniKey's table). A sequence is a base letter (ASCII a e o
# u y, or the VNI bytes of ơ Ơ ư Ư) and one mark byte, or a single byte.
VNI_LETTERS: dict[bytes, str] = {
    # a
    b"A\xd9": "Á", b"a\xf9": "á", b"A\xd8": "À", b"a\xf8": "à",
    b"A\xdb": "Ả", b"a\xfb": "ả", b"A\xd5": "Ã", b"a\xf5": "ã",
    b"A\xcf": "Ạ", b"a\xef": "ạ",
    # â
    b"A\xc2": "Â", b"a\xe2": "â", b"A\xc1": "Ấ", b"a\xe1": "ấ",
    b"A\xc0": "Ầ", b"a\xe0": "ầ", b"A\xc5": "Ẩ", b"a\xe5": "ẩ",
    b"A\xc3": "Ẫ", b"a\xe3": "ẫ", b"A\xc4": "Ậ", b"a\xe4": "ậ",
    # ă
    b"A\xca": "Ă", b"a\xea": "ă", b"A\xc9": "Ắ", b"a\xe9": "ắ",
    b"A\xc8": "Ằ", b"a\xe8": "ằ", b"A\xda": "Ẳ", b"a\xfa": "ẳ",
    b"A\xdc": "Ẵ", b"a\xfc": "ẵ", b"A\xcb": "Ặ", b"a\xeb": "ặ",
    # đ
    b"\xd1": "Đ", b"\xf1": "đ",
    # e
    b"E\xd9": "É", b"e\xf9": "é", b"E\xd8": "È", b"e\xf8": "è",
    b"E\xdb": "Ẻ", b"e\xfb": "ẻ", b"E\xd5": "Ẽ", b"e\xf5": "ẽ",
    b"E\xcf": "Ẹ", b"e\xef": "ẹ",
    # ê
    b"E\xc2": "Ê", b"e\xe2": "ê", b"E\xc1": "Ế", b"e\xe1": "ế",
    b"E\xc0": "Ề", b"e\xe0": "ề", b"E\xc5": "Ể", b"e\xe5": "ể",
    b"E\xc3": "Ễ", b"e\xe3": "ễ", b"E\xc4": "Ệ", b"e\xe4": "ệ",
    # i
    b"\xcd": "Í", b"\xed": "í", b"\xcc": "Ì", b"\xec": "ì",
    b"\xc6": "Ỉ", b"\xe6": "ỉ", b"\xd3": "Ĩ", b"\xf3": "ĩ",
    b"\xd2": "Ị", b"\xf2": "ị",
    # o
    b"O\xd9": "Ó", b"o\xf9": "ó", b"O\xd8": "Ò", b"o\xf8": "ò",
    b"O\xdb": "Ỏ", b"o\xfb": "ỏ", b"O\xd5": "Õ", b"o\xf5": "õ",
    b"O\xcf": "Ọ", b"o\xef": "ọ",
    # ô
    b"O\xc2": "Ô", b"o\xe2": "ô", b"O\xc1": "Ố", b"o\xe1": "ố",
    b"O\xc0": "Ồ", b"o\xe0": "ồ", b"O\xc5": "Ổ", b"o\xe5": "ổ",
    b"O\xc3": "Ỗ", b"o\xe3": "ỗ", b"O\xc4": "Ộ", b"o\xe4": "ộ",
    # ơ
    b"\xd4": "Ơ", b"\xf4": "ơ", b"\xd4\xd9": "Ớ", b"\xf4\xf9": "ớ",
    b"\xd4\xd8": "Ờ", b"\xf4\xf8": "ờ", b"\xd4\xdb": "Ở", b"\xf4\xfb": "ở",
    b"\xd4\xd5": "Ỡ", b"\xf4\xf5": "ỡ", b"\xd4\xcf": "Ợ", b"\xf4\xef": "ợ",
    # u
    b"U\xd9": "Ú", b"u\xf9": "ú", b"U\xd8": "Ù", b"u\xf8": "ù",
    b"U\xdb": "Ủ", b"u\xfb": "ủ", b"U\xd5": "Ũ", b"u\xf5": "ũ",
    b"U\xcf": "Ụ", b"u\xef": "ụ",
    # ư
    b"\xd6": "Ư", b"\xf6": "ư", b"\xd6\xd9": "Ứ", b"\xf6\xf9": "ứ",
    b"\xd6\xd8": "Ừ", b"\xf6\xf8": "ừ", b"\xd6\xdb": "Ử", b"\xf6\xfb": "ử",
    b"\xd6\xd5": "Ữ", b"\xf6\xf5": "ữ", b"\xd6\xcf": "Ự", b"\xf6\xef": "ự",
    # y
    b"Y\xd9": "Ý", b"y\xf9": "ý", b"Y\xd8": "Ỳ", b"y\xf8": "ỳ",
    b"Y\xdb": "Ỷ", b"y\xfb": "ỷ", b"Y\xd5": "Ỹ", b"y\xf5": "ỹ",
    b"\xce": "Ỵ", b"\xee": "ỵ",
}

# VNI mark byte -> the marks it draws over the letter before it (derived from, and
# checked against, VNI_LETTERS: b"a\xe1" is "ấ", so 0xE1 draws circumflex and acute).
# Lowercase letters take the marks in 0xE0-0xFC, uppercase ones those in 0xC0-0xDC.
VNI_MARKS: dict[int, str] = {
    # lowercase: sắc, huyền, hỏi, ngã, nặng
    0xF9: "\u0301", 0xF8: "\u0300", 0xFB: "\u0309", 0xF5: "\u0303", 0xEF: "\u0323",
    # lowercase: circumflex, alone and with each tone
    0xE2: "\u0302", 0xE1: "\u0302\u0301", 0xE0: "\u0302\u0300", 0xE5: "\u0302\u0309",
    0xE3: "\u0302\u0303", 0xE4: "\u0302\u0323",
    # lowercase: breve, alone and with each tone
    0xEA: "\u0306", 0xE9: "\u0306\u0301", 0xE8: "\u0306\u0300", 0xFA: "\u0306\u0309",
    0xFC: "\u0306\u0303", 0xEB: "\u0306\u0323",
    # uppercase, in the same order
    0xD9: "\u0301", 0xD8: "\u0300", 0xDB: "\u0309", 0xD5: "\u0303", 0xCF: "\u0323",
    0xC2: "\u0302", 0xC1: "\u0302\u0301", 0xC0: "\u0302\u0300", 0xC5: "\u0302\u0309",
    0xC3: "\u0302\u0303", 0xC4: "\u0302\u0323",
    0xCA: "\u0306", 0xC9: "\u0306\u0301", 0xC8: "\u0306\u0300", 0xDA: "\u0306\u0309",
    0xDC: "\u0306\u0303", 0xCB: "\u0306\u0323",
}

_TCVN3_UNDEFINED = re.compile(
    b"[" + bytes(b for b in range(0x80, 0x100) if b not in TCVN3_TO_UNICODE) + b"]")
_TCVN3_TRANSLATION: dict[int, str] = dict(TCVN3_TO_UNICODE)
_WORD = re.compile(r"[^\W\d_]+")


def _word_case(word: str) -> str:
    """'lower', 'upper', or 'maybe' for a TCVN3 word with one capital and toned letters."""
    ascii_letters = [ch for ch in word if ch.isascii()]
    if any(ch.islower() for ch in ascii_letters):
        return "lower"
    if len(ascii_letters) >= 2:
        return "upper"
    return "maybe" if any(ch.isupper() for ch in word) else "lower"


def _restore_capitals(text: str) -> str:
    words = list(_WORD.finditer(text))
    cases = [_word_case(match.group()) for match in words]
    pieces = []
    last = 0
    for i, match in enumerate(words):
        case = cases[i]
        if case == "maybe":
            # Capitals if a neighbour on the same line is in capitals and none is not.
            neighbours = []
            if i > 0 and "\n" not in text[words[i - 1].end():match.start()]:
                neighbours.append(cases[i - 1])
            if i + 1 < len(words) and "\n" not in text[match.end():words[i + 1].start()]:
                neighbours.append(cases[i + 1])
            case = "upper" if "upper" in neighbours and "lower" not in neighbours else "lower"
        if case == "upper":
            pieces.append(text[last:match.start()])
            pieces.append(match.group().upper())
            last = match.end()
    pieces.append(text[last:])
    return "".join(pieces)


def decode_tcvn3(data: bytes) -> str | None:
    """Return data read as TCVN3, or None if it holds a byte TCVN3 leaves undefined.

    Toned letters have lowercase codes only (the uppercase font reused them), so they
    come out lowercase, except in words that are otherwise in capitals: "NGHÞ" is read
    as "NGHỊ", and "VÒ" (one capital) as "VỀ" between words in capitals, else as "Về".
    """
    if _TCVN3_UNDEFINED.search(data):
        return None
    text = data.decode("latin-1").translate(_TCVN3_TRANSLATION)
    return text if text.isascii() else _restore_capitals(text)


# Bytes >= 0x80 outside a VNI letter: a mark byte draws its marks (over whatever letter
# comes before it); any other byte keeps its Windows-1252 meaning.
_VNI_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")
_VNI_SINGLE: dict[str, str] = {
    chr(b): VNI_MARKS.get(b) or bytes([b]).decode("cp1252") for b in range(0x80, 0x100)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_VNI_SEQUENCES: dict[str, str] = {key.decode("latin-1"): value
                                  for key, value in VNI_LETTERS.items()}
_VNI_PATTERN = re.compile(
    "|".join(re.escape(key) for key in sorted(_VNI_SEQUENCES, key=len, reverse=True))
    + "|[\x80-\xff]")


def _vni_replace(match: re.Match[str]) -> str:
    sequence = match.group()
    return _VNI_SEQUENCES.get(sequence) or _VNI_SINGLE[sequence]


def decode_vni(data: bytes) -> str | None:
    """Return data read as VNI-Windows, or None if it holds an undefined byte.

    Letters come out precomposed. A mark byte that does not follow a letter it belongs
    to comes out as combining marks (normalise the result to NFC).
    """
    if _VNI_UNDEFINED.search(data):
        return None
    return _VNI_PATTERN.sub(_vni_replace, data.decode("latin-1"))
