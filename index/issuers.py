"""Issuing bodies (cơ quan ban hành): one name for each, whichever way a document or a
user writes it, and the body a document number's code names.

The bodies are data (index/issuers.json): a canonical name, the codes that
end the numbers it issues ("22-KH/CB": CB; "03/QĐ-LHH": LHH; "30/2020/NĐ-CP":
CP; "61/2020/QH14": QH) and its aliases. Names are matched without accents,
case or extra spaces, so "CHI BỘ LIÊN HIỆP HỘI", "Chi bộ Liên hiệp hội" and
"CB" are one issuer.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

from index.numbers import NUMBER_PATTERN
from index.text import fold_accents, to_nfc

DATA = Path(__file__).with_name("issuers.json")
_DIGITS = re.compile(r"\d+$")


def _key(text: str) -> str:
    # A slug ("chi-bo-lien-hiep-hoi") is the name with hyphens for spaces.
    folded = fold_accents(to_nfc(text)).lower().replace("&", " và ").replace("-", " ")
    return " ".join(folded.split())


@functools.cache
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """Return (name or alias key -> canonical name, number code -> canonical name)."""
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    for issuer in json.loads(DATA.read_text(encoding="utf-8"))["issuers"]:
        name = to_nfc(issuer["name"])
        for alias in [name, *issuer.get("aliases", ()), *issuer.get("codes", ())]:
            names.setdefault(_key(alias), name)
        for code in issuer.get("codes", ()):
            codes[to_nfc(code).upper()] = name
    return names, codes


def canonical_issuer(text: str) -> str:
    """Return the canonical name of the issuer written so, or the text itself (spaces
    folded) when the data names no such body."""
    cleaned = " ".join(to_nfc(text).split())
    return _tables()[0].get(_key(cleaned), cleaned)


def issuer_of_number(number: str) -> str:
    """Return the issuer a document number's code names ("" if none is known): the part
    after the slash of a party number (22-KH/CB), after the type of a state one
    (03/QĐ-LHH, 30/2020/NĐ-CP), or a law's (61/2020/QH14, the legislature's term
    dropped)."""
    match = NUMBER_PATTERN.fullmatch(to_nfc(number).strip().replace("Ð", "Đ"))
    if match is None:
        return ""
    written = match.group("number")
    if match.group("party_type"):
        code = written.split("/", 1)[1]
    elif match.group("state_type"):
        code = written.rsplit("/", 1)[1].split("-", 1)[1]
    else:
        code = _DIGITS.sub("", written.rsplit("/", 1)[1])
    codes = _tables()[1]
    # "UBND-VX" (a department's suffix after the body's): the longest known prefix.
    parts = code.upper().split("-")
    for end in range(len(parts), 0, -1):
        found = codes.get("-".join(parts[:end]))
        if found:
            return found
    return ""
