"""The date a page published its article: from the head, the markup, or a line that dates it."""

from __future__ import annotations

import re
from typing import Any

from index.dates import issue_date
from ingest.furniture import DATE_LINE, UPDATED_LABEL
from ingest.html.nodes import clean, is_element, norm
from ingest.html.page import Page, body_element
from ingest.html.serialize import serialize
from ingest.html.vocabulary import date_class_rank

# Keys of <meta> that date the article's publication, best first.
_PUBLISHED_META = ("article:published_time", "datepublished", "date", "dc.date.issued",
                   "dc.date", "dcterms.issued", "dcterms.created", "pubdate", "publishdate",
                   "publish-date", "article:published", "og:published_time",
                   "itemprop:datepublished")
_UPDATED_META = ("og:updated_time", "article:modified_time", "itemprop:datemodified",
                 "datemodified", "last-modified", "dcterms.modified")
_SEGMENTS = re.compile(r"\s*[|·•]\s*")
# How far (in elements) from the title a date still dates the article.
_NEAR = 40

# Found dates: ((rank, distance from the anchor), YYYY-MM-DD); the smallest wins.
_Found = list[tuple[tuple[int, int], str]]


def find_issued(page: Page, anchor: int) -> str:
    """Return the article's date (YYYY-MM-DD) or "".

    anchor is where the title stands in document order: the dates nearest
    after it are the article's.
    """
    for key in _PUBLISHED_META:
        date = date_from(page.meta.get(key))
        if date:
            return date
    found: _Found = []
    for element in page.tree.iter():
        if not is_element(element) or page.furniture.in_furniture(element):
            continue
        itemprop = (element.get("itemprop") or "").lower()
        if itemprop == "datepublished":
            date = date_from(element.get("content") or element.get("datetime")
                             or element.text_content())
            if date:
                return date
        # A date above the title and outside the article may be the site's ("today"):
        # far above, it is ignored; close above, it comes after every other date.
        outside = 0
        number = page.order.get(element, 0)
        if number < anchor and not page.in_scope(element):
            if number < anchor - _NEAR:
                continue
            outside = 10
        if element.tag == "time" and element.get("datetime"):
            date = date_from(element.get("datetime"))
            rank = date_class_rank(element, default=1)
            if date:
                found.append(((rank + outside, page.distance(element, anchor)), date))
        rank = date_class_rank(element, default=-1)
        if rank >= 0 and len(element) <= 12:
            text = clean(element.text_content())
            date = date_from(text) if len(text) <= 150 else ""
            if date:
                found.append(((rank + 2 + outside, page.distance(element, anchor)), date))
    found += _date_lines(page, anchor)
    if found:
        return min(found)[1]
    for key in _UPDATED_META:
        date = date_from(page.meta.get(key))
        if date:
            return date
    return ""


def title_anchor(page: Page, title_element: Any) -> int:
    """Return where the title stands in document order (the root's start without one)."""
    if title_element is not None:
        return page.order.get(title_element, 0)
    return page.root_span[0]


def date_from(value: str | None) -> str:
    """Return the first date in value that can be the article's (YYYY-MM-DD), or ""."""
    return issue_date(clean(value))


def _date_lines(page: Page, anchor: int) -> _Found:
    """Return the dates of visible lines that only date the page ("Ngày đăng: 11/10/2016")."""
    found: _Found = []
    paragraphs = serialize(body_element(page.tree), page.furniture.is_furniture, page.order)
    for paragraph in paragraphs:
        for line in paragraph.lines:
            for segment in _SEGMENTS.split(line):
                match = DATE_LINE.match(segment) if len(segment) <= 100 else None
                date = date_from(segment) if match else ""
                if not date or not match:
                    continue
                label = clean(match["label"])
                near = abs(paragraph.index - anchor) <= _NEAR
                if label and UPDATED_LABEL.match(label):
                    rank = 6
                elif label and norm(label) != "ngày":
                    rank = 4
                elif near:
                    rank = 7  # "Thứ ba, 11/10/2016", "ngày 11 tháng 10 năm 2016"
                else:
                    continue
                distance = paragraph.index - anchor
                distance = distance if distance >= 0 else 100_000 - distance
                found.append(((rank, distance), date))
    return found
