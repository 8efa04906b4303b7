"""Who wrote the article: the markup's author, a byline closing the text, or the head's author."""

from __future__ import annotations

import re

from index.dates import dates_in
from ingest.html.nodes import class_tokens, clean, is_element, norm
from ingest.html.page import Page
from ingest.html.serialize import Paragraph
from ingest.html.vocabulary import AUTHOR_NAMES, DOMAIN

_AUTHOR_PREFIX = re.compile(
    r"^(?:viết\s+bởi|đăng\s+bởi|người\s+viết|người\s+đăng|tác\s+giả|"
    r"(?:bài|tin)\s*(?:,|và)?\s*ảnh|bởi|by|posted\s+by|written\s+by)\s*[:：]?\s*", re.IGNORECASE)
# Accounts of the site, not people.
_NOT_AUTHORS = frozenset({"super user", "administrator", "admin", "quản trị", "quản trị viên",
                          "quantri", "webmaster", "editor", "ban quản trị"})
_NAME_PUNCTUATION = re.compile(r"[,;:!?\"“”‘’()\[\]{}…/\\|<>@#%&*+=\d]")


def find_author(page: Page) -> str:
    """Return the author the markup names (itemprop, rel=author, author classes), or ""."""
    candidates: list[tuple[tuple[int, int], str]] = []
    for element in page.tree.iter():
        if not is_element(element) or element.tag in ("meta", "link"):
            continue
        tokens = set(class_tokens(element))
        itemprop = (element.get("itemprop") or "").lower()
        if itemprop == "author":
            names = element.xpath(".//*[@itemprop='name']")
            text = (names[0].get("content") or names[0].text_content()) if names else (
                element.get("content") or element.text_content())
            rank = 0
        elif "author" in (element.get("rel") or "").lower().split():
            text, rank = element.text_content(), 1
        elif tokens & AUTHOR_NAMES:
            text, rank = element.text_content(), 2
        elif "byline" in tokens:
            text, rank = element.text_content(), 3
        else:
            continue
        if page.furniture.in_furniture(element):
            continue
        name = author_name(text)
        if name:
            candidates.append(((rank, page.order.get(element, 0)), name))
    for element in page.tree.iter("meta"):
        if (element.get("itemprop") or "").lower() == "author":
            name = author_name(element.get("content"))
            if name:
                candidates.append(((0, page.order.get(element, 0)), name))
    return min(candidates)[1] if candidates else ""


def meta_author(page: Page) -> str:
    """Return the author <meta> names, unless it is the site."""
    name = author_name(page.meta.get("author") or page.meta.get("article:author"))
    if not name or page.site_like(name, strong=True):
        return ""
    return name


def author_name(text: str | None) -> str:
    """Return the name in an author text ("Viết bởi X"), or "" if it is not a person's."""
    name = clean(text)
    for _ in range(2):
        name = _AUTHOR_PREFIX.sub("", name).strip(" -–|:,")
    if not name or len(name) > 80 or next(dates_in(name), None) or norm(name) in _NOT_AUTHORS:
        return ""
    if DOMAIN.search(name) or "@" in name:
        return ""
    return name


def byline(paragraphs: list[Paragraph]) -> str:
    """Return the last paragraph when it is only a bold or right-aligned name, else ""."""
    if not paragraphs:
        return ""
    last = paragraphs[-1]
    if len(last.lines) != 1 or not (last.bold or last.right) or last.links:
        return ""
    return last.lines[0] if _looks_like_name(last.lines[0]) else ""


def _looks_like_name(text: str) -> bool:
    """Tell a byline: 1-5 capitalised words, no sentence punctuation ("ThS. Lê Văn An")."""
    words = text.split()
    if not 1 <= len(words) <= 5 or len(text) > 60:
        return False
    if _NAME_PUNCTUATION.search(text) or text.endswith("."):
        return False
    letters = [char for char in text if char.isalpha()]
    if len(letters) > 3 and all(char.isupper() for char in letters):
        return False  # "BÍ THƯ", "TM. CHI BỘ": an office, not a name
    return all(word[0].isupper() for word in words) and norm(text) not in _NOT_AUTHORS
