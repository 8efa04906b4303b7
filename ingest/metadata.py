"""Metadata a document does not state as a field: number, type, date, issuer, citations."""

from __future__ import annotations

import re

from index.dates import DATE, issue_date
from index.doctypes import DEFAULT_DOC_TYPE, TITLE_PREFIXES
from index.issuers import canonical_issuer, issuer_of_number
from index.numbers import NUMBER_PATTERN, doc_type_of_number, find_numbers
from index.text import fold_accents

# "Số: 22-KH/CB" at the start of a line: the document's own number.
_OWN_NUMBER_LABEL = re.compile(r"^[ \t]*S[ốôo][ \t]*[:.]?[ \t]*", re.MULTILINE)


def own_number(body: str) -> str:
    """Return the number a document states for itself ("Số: ..."), or ""."""
    head = body[:2000]
    for label in _OWN_NUMBER_LABEL.finditer(head):
        match = NUMBER_PATTERN.match(head, label.end())
        if match:
            return match.group("number").replace("Ð", "Đ")
    return ""


def infer_doc_type(number: str, title: str) -> str:
    """Return the type from the number's abbreviation, else the title's first words."""
    if number:
        from_number = doc_type_of_number(number)
        if from_number:
            return from_number
    words = fold_accents(title).lower().split()
    start = " ".join(words[:2])
    return TITLE_PREFIXES.get(start, DEFAULT_DOC_TYPE)


def cited_numbers(text: str, own: str) -> list[str]:
    """Return the document numbers cited in text, without the document's own."""
    return [number for number in find_numbers(text) if number != own]


# "Huế, ngày 11 tháng 10 năm 2016" or "Hà Nội, ngày 11/10/2016": the place and
# date of issue that official documents print under their number.
_PLACE_DATE = re.compile(rf"^[^\n]{{0,60}}?,?\s*ngày\s+(?P<date>{DATE})",
                         re.MULTILINE | re.IGNORECASE)
# Lines printed above every document of a kind, that name no issuer.
_MOTTOS = ("dang cong san viet nam", "cong hoa xa hoi chu nghia viet nam",
           "doc lap - tu do - hanh phuc", "doc lap tu do hanh phuc")
def issued_in_text(body: str) -> str:
    """Return the date of issue printed at the head of a document (YYYY-MM-DD), or ""."""
    match = _PLACE_DATE.search(body[:1500])
    return issue_date(match["date"]) if match else ""


def issuer_in_text(body: str, number: str) -> str:
    """Return the issuing body: the capitalised heading above "Số:", else the body its
    number's code names (index/issuers.json), by its canonical name.

    "CHI BỘ LIÊN HIỆP CÁC HỘI KHOA HỌC VÀ KỸ THUẬT TỈNH" above the number (the
    lowest line of the heading) is the issuer as printed; without a heading,
    "22-KH/CB" names the Chi bộ and "05-CT/TW" the Central Committee.
    """
    heading: list[str] = []
    for line in body[:1500].splitlines():
        text = line.strip().strip("*_ ")
        if not text:
            continue
        if _OWN_NUMBER_LABEL.match(text) or _PLACE_DATE.match(text):
            break
        folded = fold_accents(text).lower().strip(" -")
        letters = [ch for ch in text if ch.isalpha()]
        if not letters or not all(ch.isupper() for ch in letters) or len(text) > 80:
            heading = []  # not a heading line: the heading must sit right above
            continue
        if folded not in _MOTTOS:
            heading.append(text)
    if heading:
        printed = canonical_issuer(heading[-1])
        # A body the data does not know keeps its words, not the heading's capitals.
        return printed if printed != heading[-1] else printed[:1] + printed[1:].lower()
    return issuer_of_number(number)
