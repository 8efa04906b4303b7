"""The article's text: the root's paragraphs without the lines and links that are the site's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ingest.furniture import UPDATER, line_kind
from ingest.html.nodes import class_tokens, clean, same
from ingest.html.page import Page
from ingest.html.parse import updater_name
from ingest.html.serialize import Paragraph, serialize
from ingest.html.title import Title
from ingest.html.vocabulary import AUTHOR_NAMES, META_NAMES, date_class_rank


def article_body(page: Page, title: Title) -> tuple[list[Paragraph], str]:
    """Return the article's paragraphs, and the updater a "Người cập nhật" line names."""
    paragraphs = serialize(page.root, _skipped_in_body(page, title.element), page.order)
    updater = ""
    kept: list[Paragraph] = []
    for paragraph in paragraphs:
        lines = []
        for line in paragraph.lines:
            kind = line_kind(line)
            if kind == "updater":
                match = UPDATER.match(line)
                updater = updater or (updater_name(match["name"]) if match else "")
            elif not kind and not (title.text and same(line, title.text)):
                lines.append(line)
        if not lines:
            continue
        paragraph.lines = lines
        if paragraph.links >= 3 and paragraph.link_chars >= 0.9 * paragraph.chars:
            continue  # a row of links: a menu
        kept.append(paragraph)
    # Lists of links at either end: menus before the text, related links after it.
    while len(kept) >= 2 and all(_all_links(p) for p in kept[-2:]):
        while kept and _all_links(kept[-1]):
            kept.pop()
    while len(kept) >= 2 and all(_all_links(p) for p in kept[:2]):
        while kept and _all_links(kept[0]):
            kept.pop(0)
    return kept, updater


def _skipped_in_body(page: Page, title_element: Any) -> Callable[[Any], bool]:
    """Return the test of the elements the body leaves out: furniture, title, dates, bylines."""

    def skip(element: Any) -> bool:
        if page.furniture.is_furniture(element) or element is title_element:
            return True
        tokens = set(class_tokens(element))
        if tokens & META_NAMES or tokens & AUTHOR_NAMES:
            return len(clean(element.text_content())) <= 200
        if element.tag == "time" or date_class_rank(element, default=-1) >= 0:
            return len(clean(element.text_content())) <= 80
        return False

    return skip


def _all_links(paragraph: Paragraph) -> bool:
    return paragraph.links > 0 and paragraph.link_chars >= 0.9 * paragraph.chars
