"""What a word typed on a Vietnamese keyboard that was switched off meant.

With Telex off, "nghị quyết" arrives as "nghij quyeets"; with VNI off, as
"nghi5 quye61t". Each typed word is read back as its letters with their
vowel marks and its tone (a "shape"), which spelling suggestions compare
with the shapes of the index's own words: where a tone goes within the word
is the index's business, not the keyboard's.

Telex: "aa" "ee" "oo" give â ê ô, "aw" "ow" "uw" ("uow") give ă ơ ư (ươ), a
lone "w" gives ư, "dd" gives đ; s f r x j after a vowel are the tones (no
Vietnamese syllable has those letters after its vowel). VNI: 1-5 are the
tones, 6 the circumflex, 7 the horn, 8 the breve, 9 the stroke of đ, each
after the letter it marks (or later in the word).
"""

from __future__ import annotations

import unicodedata

# Combining tone marks, and the keys that type them.
TONES = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc huyền hỏi ngã nặng
_TELEX_TONES = dict(zip("sfrxj", TONES, strict=True))
_VNI_TONES = dict(zip("12345", TONES, strict=True))
_CIRCUMFLEX, _HORN, _BREVE = "\u0302", "\u031b", "\u0306"
_VNI_MARKS = {"6": (_CIRCUMFLEX, "aeo"), "7": (_HORN, "ou"), "8": (_BREVE, "a")}
_VOWELS = "aeiouy"


def shape(word: str) -> tuple[str, str]:
    """Return a word's letters with their vowel marks (NFC, lower case) and its tone mark
    ("" if none)."""
    tone = ""
    kept = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in TONES:
            tone = tone or ch
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)), tone


def typed_shapes(word: str) -> list[tuple[str, str]]:
    """Return the shapes a word typed with Telex or VNI off stands for (none when it
    holds no key of either: then it is what it is)."""
    lowered = word.lower()
    if not lowered.isascii() or not lowered.isalnum() or not lowered[:1].isalpha():
        return []
    found = []
    for decode in (_telex, _vni):
        decoded = decode(lowered)
        if decoded is not None and decoded != (lowered, ""):
            found.append(decoded)
    return list(dict.fromkeys(found))


def _telex(word: str) -> tuple[str, str] | None:
    if not word.isalpha():
        return None
    letters: list[list[str]] = []  # each letter with its combining marks
    tone = ""
    for ch in word:
        previous = letters[-1] if letters else None
        seen_vowel = any(letter[0] in _VOWELS for letter in letters)
        if ch in _TELEX_TONES and seen_vowel:
            tone = _TELEX_TONES[ch]
        elif ch == "d" and previous == ["d"]:
            previous.append("stroke")
        elif ch in "aeo" and previous == [ch]:
            previous.append(_CIRCUMFLEX)
        elif ch == "w":
            if previous is not None and previous[0] in "aou" and len(previous) == 1:
                previous.append(_BREVE if previous[0] == "a" else _HORN)
                if previous[0] == "o" and len(letters) > 1 and letters[-2] == ["u"]:
                    letters[-2].append(_HORN)  # "uow": ươ
            else:
                letters.append(["u", _HORN])
        else:
            letters.append([ch])
    return _joined(letters), tone


def _vni(word: str) -> tuple[str, str] | None:
    if word.isalpha():
        return None
    letters: list[list[str]] = []
    tone = ""
    for ch in word:
        if ch.isalpha():
            letters.append([ch])
        elif ch in _VNI_TONES and any(letter[0] in _VOWELS for letter in letters):
            tone = _VNI_TONES[ch]
        elif ch in _VNI_MARKS:
            mark, bases = _VNI_MARKS[ch]
            free = [index for index, letter in enumerate(letters)
                    if letter[0] in bases and len(letter) == 1]
            if not free:
                return None
            letters[free[-1]].append(mark)
            if (mark == _HORN and letters[free[-1]][0] == "o" and free[-1] > 0
                    and letters[free[-1] - 1] == ["u"]):
                letters[free[-1] - 1].append(_HORN)  # "uo7": ươ
        elif ch == "9" and ["d"] in letters:
            letters[letters.index(["d"])].append("stroke")
        else:
            return None
    return _joined(letters), tone


def _joined(letters: list[list[str]]) -> str:
    text = "".join("đ" if letter[1:] == ["stroke"] else "".join(letter) for letter in letters)
    return unicodedata.normalize("NFC", text)
