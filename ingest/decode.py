"""Bytes of a source file to NFC text, whatever encoding an office saved them in.

Order of detection:

1. A byte order mark decides: UTF-8, UTF-32 (checked before UTF-16, whose little-endian
   mark it starts with) or UTF-16.
2. NUL bytes are only allowed in UTF-16 without a mark: most code units of Vietnamese
   text are below U+0100, so every second byte is NUL (odd offsets for little-endian,
   even ones for big-endian). The decoded text must then look like text. Any other NUL
   means binary data.
3. Bytes that are valid UTF-8 are UTF-8 (pure ASCII included).
4. Many control bytes mean binary data.
5. Anything else is an 8-bit file: it is read as Windows-1258, TCVN3 and VNI, and the
   reading whose words are Vietnamese syllables wins, if it is clearly better than the
   others and the text as a whole reads as Vietnamese. Western text (a French file in
   Windows-1252, say) fails that test and is rejected rather than indexed as mojibake.

Every failure is an EncodingError (a ValueError); UnicodeDecodeError never escapes.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from index.text import to_nfc
from ingest.legacy_charsets import decode_tcvn3, decode_vni

BINARY = "not text: binary data"
UNKNOWN = "unknown encoding: not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI"


class EncodingError(ValueError):
    """The bytes are not text in any encoding tracuu reads.

    str(error) is the reason, short and in English, e.g. 'not text: binary data'.
    """


@dataclass(frozen=True)
class DecodedText:
    """Text of a file in NFC, and the encoding it was read with."""

    text: str
    # "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32",
    # "windows-1258", "tcvn3" or "vni" ("utf-16" and "utf-32" mean: with a BOM)
    encoding: str


def decode_text(data: bytes) -> str:
    """Kept for callers: decode_bytes(data).text. Raises EncodingError."""
    return decode_bytes(data).text


def decode_bytes(data: bytes) -> DecodedText:
    """Detect the encoding of data and return its text in NFC.

    Raises EncodingError when the bytes are binary data or text in an encoding that
    cannot be told with confidence.
    """
    if not data:
        return DecodedText("", "utf-8")
    for bom, codec, name, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                raise EncodingError(f"invalid {label} data after the byte order mark") from None
            return _checked(text, name)
    if 0 in data:
        sniffed = _sniff_utf16(data)
        if sniffed is None:
            raise EncodingError(BINARY)
        return sniffed
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return _checked(text, "utf-8")
    if _too_many(sum(data.count(byte) for byte in _CONTROL_BYTES), len(data)):
        raise EncodingError(BINARY)
    return _decode_8bit(data)


# --- Unicode encodings -----------------------------------------------------------

_BOMS: tuple[tuple[bytes, str, str, str], ...] = (
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32", "UTF-32"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16", "UTF-16"),
)

# Tab, line feed, vertical tab, form feed, carriage return, and DOS's end-of-file
# mark (0x1A) are normal in text files; other C0 controls and DEL are not.
_TEXT_CONTROLS = frozenset("\t\n\x0b\x0c\r\x1a")
_CONTROL_BYTES = frozenset(
    byte for byte in [*range(0x20), 0x7F] if chr(byte) not in _TEXT_CONTROLS)


def _too_many(bad: int, total: int) -> bool:
    """One bad character in a hundred (none at all in short texts) means not text."""
    return bad > total // 100


def _looks_like_text(text: str) -> bool:
    """True unless the text has too many controls, unassigned or private-use characters,
    or lone surrogates."""
    # Over the distinct characters, not every character: a large file has few.
    bad = sum(text.count(ch) for ch in set(text)
              if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
              and ch not in _TEXT_CONTROLS)
    return not _too_many(bad, len(text))


def _checked(text: str, encoding: str) -> DecodedText:
    if not _looks_like_text(text):
        raise EncodingError(BINARY)
    return DecodedText(to_nfc(text), encoding)


def _sniff_utf16(data: bytes) -> DecodedText | None:
    """UTF-16 without a byte order mark, told by where its NUL bytes are."""
    if len(data) % 2:
        return None
    units = len(data) // 2
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    if odd_nuls >= 0.3 * units and even_nuls <= 0.05 * units:
        encoding = "utf-16-le"
    elif even_nuls >= 0.3 * units and odd_nuls <= 0.05 * units:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if not _looks_like_text(text) or not _mostly_latin(text):
        return None
    return DecodedText(to_nfc(text), encoding)


def _mostly_latin(text: str) -> bool:
    """True if nine characters in ten are Latin letters (Vietnamese ones included),
    combining marks, digits, spaces or punctuation, and one at least is a letter: what
    UTF-16 text with that many NUL bytes must be. Pairs of ASCII bytes read as one code
    unit (CJK characters, mostly) are not."""
    latin = sum(1 for ch in text if ord(ch) < 0x250 or 0x300 <= ord(ch) < 0x370
                or 0x1E00 <= ord(ch) < 0x1F00 or 0x2000 <= ord(ch) < 0x2070)
    return latin >= 0.9 * len(text) and any(ch.isalpha() for ch in text)


# --- 8-bit Vietnamese encodings ------------------------------------------------------

def _decode_cp1258(data: bytes) -> str | None:
    try:
        return data.decode("cp1258")
    except UnicodeDecodeError:
        return None


_LEGACY: tuple[tuple[str, str, Callable[[bytes], str | None]], ...] = (
    ("windows-1258", "Windows-1258", _decode_cp1258),
    ("tcvn3", "TCVN3", decode_tcvn3),
    ("vni", "VNI", decode_vni),
)

# Thresholds of the choice between the 8-bit readings (fractions of words).
MIN_VIETNAMESE = 0.8  # of the words with non-ASCII letters, that are syllables
MIN_OVERALL = 0.6     # of all words, that are syllables (rejects Western text)
MIN_LEAD = 0.2        # of the winner over any other acceptable reading
_SCORED_CHARS = 200_000


@dataclass(frozen=True)
class _Reading:
    encoding: str
    name: str
    text: str
    words: int = 0          # words with letters and no digits
    syllables: int = 0      # ... that are Vietnamese syllables
    accented: int = 0       # words with non-ASCII characters
    accented_ok: int = 0    # ... that are Vietnamese syllables

    @property
    def vietnamese(self) -> float:
        return self.accented_ok / self.accented if self.accented else 0.0

    @property
    def acceptable(self) -> bool:
        return (self.accented_ok > 0 and self.vietnamese >= MIN_VIETNAMESE
                and self.syllables >= MIN_OVERALL * self.words)


def _decode_8bit(data: bytes) -> DecodedText:
    readings = []
    for encoding, name, decode in _LEGACY:
        text = decode(data)
        if text is not None:
            readings.append(_score(encoding, name, to_nfc(text)))
    if not readings:
        raise EncodingError(UNKNOWN)
    if all(reading.text == readings[0].text for reading in readings):
        # The bytes above 0x7F are symbols that all three readings agree on.
        return DecodedText(readings[0].text, readings[0].encoding)
    acceptable = sorted((r for r in readings if r.acceptable),
                        key=lambda r: r.vietnamese, reverse=True)
    if not acceptable:
        raise EncodingError(UNKNOWN)
    best = acceptable[0]
    for other in acceptable[1:]:
        if other.text != best.text and other.vietnamese > best.vietnamese - MIN_LEAD:
            raise EncodingError(f"ambiguous encoding: {best.name} or {other.name}")
    return DecodedText(best.text, best.encoding)


# Words are split at white space, ASCII punctuation and the common typographic marks.
_WORD_SPLIT = re.compile(r"[\s!-/:-@\[-`{-~“”‘’‚„…–—•«»]+")
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền sắc ngã hỏi nặng
_STOP_TONES = frozenset("\u0301\u0323")  # the only tones before final c, ch, p, t
_INITIAL = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx])?"
# Vowel groups that may take a final consonant, and those ending in a glide that may not.
_OPEN = "(?:uyê|iê|yê|uô|ươ|oa|oă|oe|oo|uâ|uê|uy|[aăâeêioôơuưy])"
_CLOSED = ("(?:iêu|yêu|oai|oay|oeo|uây|uôi|ươi|ươu|uya|uyu"
           "|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|uơ|ưa|ưi|ưu)")
_SYLLABLE = re.compile(f"{_INITIAL}(?:{_OPEN}(?P<final>ch|ng|nh|[cmnpt])?|{_CLOSED})")


def is_vietnamese_syllable(word: str) -> bool:
    """True if word (letters only, any case, NFC or NFD) is spelled as a Vietnamese
    syllable: an initial consonant, a vowel group, a final consonant, at most one tone
    mark, and only sắc or nặng before a final c, ch, p or t."""
    if not (word.islower() or word.isupper() or word[:1].isupper() and word[1:].islower()):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in _TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    match = _SYLLABLE.fullmatch(bare)
    if match is None:
        return False
    if match.group("final") in ("c", "ch", "p", "t"):
        return bool(tones) and tones[0] in _STOP_TONES
    return True


def _score(encoding: str, name: str, text: str) -> _Reading:
    words = syllables = accented = accented_ok = 0
    for word in _WORD_SPLIT.split(text[:_SCORED_CHARS]):
        if not any(ch.isalpha() for ch in word) or any(ch.isdigit() for ch in word):
            continue
        ok = word.isalpha() and is_vietnamese_syllable(word)
        words += 1
        syllables += ok
        if not word.isascii():
            accented += 1
            accented_ok += ok
    return _Reading(encoding, name, text, words, syllables, accented, accented_ok)
