"""A saved page of an article to the record fields it states."""

from __future__ import annotations

from typing import Any

from ingest.html.author import byline, find_author, meta_author
from ingest.html.body import article_body
from ingest.html.issued import find_issued, title_anchor
from ingest.html.nodes import same
from ingest.html.page import layout
from ingest.html.parse import NO_TEXT, parse_page
from ingest.html.title import find_title


def read_html(text: str) -> dict[str, Any]:
    """Return the record fields a page states.

    Keys: title, body, and when the page states them issued (YYYY-MM-DD), author, updater
    ("Người cập nhật"), url (canonical) and visibility. Raises ValueError when the page has
    no text at all.
    """
    parsed = parse_page(text)
    page = layout(parsed.tree, parsed.meta)
    title = find_title(page)
    issued = find_issued(page, title_anchor(page, title.element))
    author = find_author(page)
    paragraphs, line_updater = article_body(page, title)
    named = byline(paragraphs)
    if named and (not author or same(named, author)):
        author = author or named
        paragraphs.pop()
    elif author and paragraphs and same(paragraphs[-1].text, author):
        paragraphs.pop()
    author = author or meta_author(page)
    body = "\n\n".join(paragraph.text for paragraph in paragraphs)
    if not title.text and not body:
        raise ValueError(NO_TEXT)
    record: dict[str, Any] = {}
    if parsed.meta.get("tracuu:visibility"):
        record["visibility"] = parsed.meta["tracuu:visibility"]
    record["title"] = title.text
    record["body"] = body
    for key, value in (("issued", issued), ("author", author),
                       ("updater", parsed.updater or line_updater), ("url", parsed.url)):
        if value:
            record[key] = value
    return record
