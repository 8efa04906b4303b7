"""Vietnamese administrative document numbers (số, ký hiệu): finding, keys, types."""

from __future__ import annotations

import re

from index.doctypes import ABBREVIATIONS
from index.text import fold_accents, to_nfc

_UPPER = "A-ZĐÐ"
_ABBR = rf"[{_UPPER}][A-Za-zĐđÐ]{{0,4}}"
_ISSUER = rf"[{_UPPER}0-9][{_UPPER}a-z0-9]{{0,11}}"

# Party style 22-KH/CB, 11-KH/ĐUK; state style 05/QĐ-UBND, 30/2020/NĐ-CP;
# laws 61/2020/QH14. A date (11/10/2016) has no letters and never matches.
NUMBER_PATTERN = re.compile(
    rf"""
    (?<![\w/.-])
    (?P<number>
      \d{{1,4}}
      (?:
        -(?P<party_type>{_ABBR})/{_ISSUER}(?:-{_ISSUER})*
      | (?:/\d{{4}})?/(?P<state_type>{_ABBR})(?:-{_ISSUER})+
      | /\d{{4}}/[{_UPPER}]+\d*
      )
    )
    (?![\w/])
    """,
    re.VERBOSE,
)

_PREFIX = re.compile(r"^\s*(?:so|số)\s*[:.]?\s*", re.IGNORECASE)
_PARTS = re.compile(r"[^\W_]+")


def find_numbers(text: str) -> list[str]:
    """Return the document numbers cited in text, each once, in order of appearance."""
    found = (match.group("number") for match in NUMBER_PATTERN.finditer(to_nfc(text)))
    return list(dict.fromkeys(number.replace("Ð", "Đ") for number in found))


def number_key(number: str) -> str:
    """Return the lookup key of a document number.

    Forgives case, spacing, ``-`` versus ``/``, a leading "Số" and Đ typed as
    D: ``22-KH/CB``, ``22/kh-cb`` and ``Số 22 KH CB`` all give ``22-kh-cb``.
    """
    folded = fold_accents(to_nfc(number)).lower()
    folded = _PREFIX.sub("", folded)
    return "-".join(_PARTS.findall(folded))


def doc_type_of_number(number: str) -> str | None:
    """Return the document type slug that a number's abbreviation names, if any."""
    match = NUMBER_PATTERN.fullmatch(to_nfc(number).strip())
    if match is None:
        return None
    abbreviation = match.group("party_type") or match.group("state_type")
    if not abbreviation:
        return None
    return ABBREVIATIONS.get(abbreviation.replace("Ð", "Đ").upper())
