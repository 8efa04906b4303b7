"""Read a saved web page of an article: its text and metadata, without the site around it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import lxml.html
from lxml import etree

from ingest.furniture import RELATED_HEADING, UPDATER

# Elements that never hold article text.
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "form", "iframe",
              "button", "svg", "aside")
# id/class words of page furniture: menus, share bars, related-links blocks.
_FURNITURE = re.compile(
    r"\b(menu|nav|navbar|header|footer|sidebar|breadcrumbs?|share|social|related|"
    r"other-news|othernews|tin-khac|comments?)\b", re.IGNORECASE)
_DATE = re.compile(r"(?<!\d)(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})(?!\d)")
_SPACE = re.compile(r"\s+")

def _has_class(name: str) -> str:
    return f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"


# Where the article's own text is, most specific first (XPath: no cssselect needed).
_CONTENT_PATHS = (
    _has_class("content-detail"), "//*[@itemprop='articleBody']", _has_class("entry-content"),
    _has_class("item-page"), "//article", _has_class("news-detail"), "//*[@id='content']",
    "//main",
)
_BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td"}


def read_html(text: str) -> dict[str, Any]:
    """Return the record fields a page states: title, body, issued, author, url, visibility."""
    try:
        tree = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise ValueError(f"not a readable HTML page ({error})") from None
    record: dict[str, Any] = {}
    meta = _meta(tree)
    if meta.get("tracuu:visibility"):
        record["visibility"] = meta["tracuu:visibility"]
    url = _canonical_url(tree, meta)
    if url:
        record["url"] = url
    _drop_furniture(tree)
    root = _content_root(tree)
    title = _title(tree, meta)
    issued = _issued(tree, meta)
    if issued:
        record["issued"] = issued
    paragraphs, author = _paragraphs(root, title)
    if author:
        record["author"] = author
    record["title"] = title
    record["body"] = "\n\n".join(paragraphs)
    return record


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _meta(tree: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name")
        content = element.get("content")
        if key and content and key.lower() not in meta:
            meta[key.lower()] = _clean(content)
    return meta


def _canonical_url(tree: Any, meta: dict[str, str]) -> str:
    for link in tree.iter("link"):
        if (link.get("rel") or "").lower() == "canonical" and link.get("href"):
            return str(link.get("href")).strip()
    return meta.get("og:url", "")


def _drop_furniture(tree: Any) -> None:
    for element in list(tree.iter(*_DROP_TAGS)):
        _remove(element)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        marks = f"{element.get('id', '')} {element.get('class', '')}"
        if _FURNITURE.search(marks):
            _remove(element)
    for heading in list(tree.iter("h2", "h3", "h4", "h5", "h6", "strong", "b", "p", "div")):
        if heading.getparent() is None or not RELATED_HEADING.match(heading.text_content()):
            continue
        # The block is the heading with everything after it in its parent.
        for sibling in list(heading.itersiblings()):
            _remove(sibling)
        _remove(heading)


def _remove(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    # Keep the text that follows the element in the document.
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _content_root(tree: Any) -> Any:
    for path in _CONTENT_PATHS:
        found = tree.xpath(path)
        if found:
            return found[0]
    body = tree.find("body")
    return body if body is not None else tree


def _title(tree: Any, meta: dict[str, str]) -> str:
    for heading in tree.iter("h1"):
        text = _clean(heading.text_content())
        if text:
            return text
    if meta.get("og:title"):
        return meta["og:title"]
    title = tree.find(".//title")
    if title is not None and title.text:
        # "Article - Site name": keep the article's part.
        return _clean(re.split(r"\s+[-|–]\s+", title.text.strip())[0])
    return ""


def _issued(tree: Any, meta: dict[str, str]) -> str:
    for key in ("article:published_time", "date", "dc.date", "pubdate"):
        value = meta.get(key, "")
        if re.match(r"\d{4}-\d{2}-\d{2}", value):
            return value[:10]
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        marks = f"{element.get('class', '')} {element.get('id', '')}".lower()
        if element.tag == "time" or "date" in marks:
            found = _DATE.search(element.text_content())
            if found:
                return _iso_date(found)
    return ""


def _iso_date(match: re.Match[str]) -> str:
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
    except ValueError:
        return ""


def _paragraphs(root: Any, title: str) -> tuple[list[str], str]:
    author = ""
    for element in root.iter():
        if isinstance(element.tag, str) and "author" in (element.get("class") or "").lower():
            author = _clean(element.text_content())
            _remove(element)
            break
    paragraphs: list[str] = []
    for element in root.iter(*_BLOCK_TAGS):
        if any(ancestor.tag in _BLOCK_TAGS for ancestor in element.iterancestors()):
            continue
        text = _clean(element.text_content())
        if not text or text == title or UPDATER.match(text) or _is_date_line(text):
            continue
        paragraphs.append(text)
    if not paragraphs:
        text = _clean(root.text_content())
        if text:
            paragraphs.append(text)
    return paragraphs, author


def _is_date_line(text: str) -> bool:
    return bool(re.match(r"^(ngày đăng|cập nhật|ngày)\s*:?\s*[\d/.: -]+$", text, re.IGNORECASE))
