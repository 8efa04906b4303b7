"""The article's title: its heading on the page, else the head's title without the site's name."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ingest.html.nodes import class_tokens, clean, is_element, norm
from ingest.html.page import Page
from ingest.html.vocabulary import TITLE_NAMES

_SITE_SEPARATOR = re.compile(r"(\s+(?:[-|–—»·]|::)\s+)")
_EXPLICIT_CLASSES = frozenset({"entry-title", "post-title"})


class Title(NamedTuple):
    """The article's title and the element it was read from (None: from the head)."""

    text: str
    element: Any


def find_title(page: Page) -> Title:
    """Return the article's title: the best-placed heading, else og:title, else <title>."""
    head_title = _head_title(page)
    og_title = strip_site_name(page, page.meta.get("og:title", ""), default=False)
    references = {norm(text) for text in (head_title, og_title) if text}
    best: tuple[tuple[int, int], Any, str] | None = None
    for element in page.tree.iter():
        if not is_element(element) or element.tag in ("title", "head", "html", "body"):
            continue
        tokens = set(class_tokens(element))
        itemprop = (element.get("itemprop") or "").lower()
        explicit = bool(_EXPLICIT_CLASSES & tokens) or itemprop == "headline" or (
            element.tag in ("h1", "h2") and any(
                "page-header" in class_tokens(a) for a in element.iterancestors()))
        if not explicit and element.tag != "h1" and not (TITLE_NAMES & tokens):
            continue
        if element.tag == "meta":
            text = clean(element.get("content"))
        else:
            text = clean(element.text_content())
        if not 2 <= len(text) <= 400 or page.furniture.in_furniture(element):
            continue
        if not explicit and page.site_like(text, strong=True):
            continue
        score = 8 if explicit else 0
        if page.in_scope(element):
            score += 4
        if norm(text) in references or any(
                norm(text) in reference for reference in references if len(text) >= 10):
            score += 3
        score += 2 if element.tag == "h1" else 1 if element.tag in ("h2", "td", "div") else 0
        if page.order.get(element, 0) <= page.root_span[1]:
            score += 1
        key = (-score, page.order.get(element, 0))
        if best is None or key < best[0]:
            best = (key, element, text)
    if best is not None:
        return Title(best[2], best[1])
    return Title(og_title or head_title, None)


def strip_site_name(page: Page, title: str, default: bool) -> str:
    """Keep the article's part of "Article - Site name" (or "Site :: Article").

    With default, a title whose parts are none of them the site's loses its
    shorter end all the same.
    """
    pieces = _SITE_SEPARATOR.split(title)
    parts, separators = pieces[0::2], pieces[1::2]
    if len(parts) < 2:
        return title
    start, end = 0, len(parts)
    while end - start > 1 and page.site_like(parts[end - 1]):
        end -= 1
    while end - start > 1 and page.site_like(parts[start]):
        start += 1
    if (start, end) == (0, len(parts)) and default:
        first, last = parts[0], parts[-1]
        if len(first.split()) <= 4 and len(last) >= 2 * len(first):
            start = 1  # "LHH Huế | A long article title"
        else:
            end -= 1
    kept = [parts[start]]
    for number in range(start + 1, end):
        kept += [separators[number - 1], parts[number]]
    return clean("".join(kept))


def _head_title(page: Page) -> str:
    element = page.tree.find(".//title")
    if element is None:
        return ""
    return strip_site_name(page, clean(element.text_content()), default=True)
