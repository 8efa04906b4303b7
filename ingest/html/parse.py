"""A saved page's text to a tree of its markup, with the head's metadata and the code taken out.

The tree is made ready once, here, before anything reads the article from
it: code elements, related-links blocks and the updater line are removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from ingest.furniture import RELATED_TITLE, UPDATER
from ingest.html.nodes import clean, is_element, remove, short_text
from ingest.html.vocabulary import CODE_TAGS

NO_TEXT = "no article text found"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_RAW_TEXT_OPEN = re.compile(r"<(script|style)\b[^>]*>", re.IGNORECASE)
_PAGE_RESUMES = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_WEB = re.compile(r"^https?://", re.IGNORECASE)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "td",
             "th", "li", "dt", "legend", "font", "em", "section", "header")


@dataclass(frozen=True)
class ParsedPage:
    """A page's tree, ready to read the article from, and what was taken before."""

    tree: Any
    meta: dict[str, str]  # <meta> key (lower case) -> content
    url: str  # canonical
    updater: str  # who the "Người cập nhật" line named


def parse_page(text: str) -> ParsedPage:
    """Parse a page and remove what never belongs to the article; raise ValueError if empty."""
    tree = _parse(text)
    meta = _meta(tree)
    url = _canonical_url(tree, meta)  # before the <link> elements go with the code
    for element in list(tree.iter(*CODE_TAGS)):
        remove(element)
    _drop_related_blocks(tree)
    return ParsedPage(tree, meta, url, _take_updater(tree))


def updater_name(name: str) -> str:
    """Return the name an updater line gives, without what follows on the line."""
    return clean(re.split(r"\s+[|·•]\s+|\s{2,}", name)[0]).rstrip(" .,;")


def _parse(text: str) -> Any:
    if not isinstance(text, str) or not text.strip():
        raise ValueError(NO_TEXT)
    text = _close_raw_text(_CONTROL.sub("", _XML_DECLARATION.sub("", text, count=1)))
    # Lone surrogates cannot reach libxml2.
    text = unicodedata.normalize("NFC", text.encode("utf-8", "replace").decode("utf-8"))
    try:
        # huge_tree: deeply nested broken markup is kept, not cut at 256 levels.
        return lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
    except (etree.LxmlError, ValueError) as error:
        if "empty" in str(error).lower():  # "Document is empty": only comments, blanks
            raise ValueError(NO_TEXT) from None
        raise ValueError(f"not a readable HTML page ({error})") from None


def _close_raw_text(text: str) -> str:
    """Close a <style> or <script> left open before the page's body.

    Its text runs to the end of the file otherwise, taking the whole article with it.
    """
    position = 0
    while True:
        opening = _RAW_TEXT_OPEN.search(text, position)
        if opening is None:
            return text
        closing = re.compile(rf"</{opening[1]}\s*>", re.IGNORECASE).search(text, opening.end())
        resumes = _PAGE_RESUMES.search(text, opening.end())
        if resumes is not None and (closing is None or resumes.start() < closing.start()):
            text = f"{text[:resumes.start()]}</{opening[1]}>{text[resumes.start():]}"
            position = resumes.start()
        elif closing is None:
            return text
        else:
            position = closing.end()


def _meta(tree: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name")
        if not key and element.get("itemprop"):
            key = f"itemprop:{element.get('itemprop')}"
        content = element.get("content")
        if key and content and clean(content) and key.lower() not in meta:
            meta[key.lower()] = clean(content)
    return meta


def _canonical_url(tree: Any, meta: dict[str, str]) -> str:
    url = ""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and clean(link.get("href")):
            url = clean(link.get("href"))
            break
    url = url or meta.get("og:url", "")
    if url and not _SCHEME.match(url):
        base = next((clean(b.get("href")) for b in tree.iter("base") if b.get("href")), "")
        base = base or meta.get("og:url", "")
        if _WEB.match(base):
            url = urljoin(base, url)
    return url


def _drop_related_blocks(tree: Any) -> None:
    """Drop "Các bài viết khác:" and its links, "Tin liên quan", comment headings and so on."""
    html = tree.getroottree().getroot()
    for heading in list(tree.iter(*_HEADINGS)):
        if len(heading) > 3 or heading.getroottree().getroot() is not html:
            continue
        text = short_text(heading, 120)
        if text is None or len(text) > 60 or not RELATED_TITLE.match(text):
            continue
        block = heading
        while True:
            parent = block.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            if clean(parent.text_content()) != text:
                break
            block = parent
        # The links follow the heading; an article's text would stop the block.
        for sibling in list(block.itersiblings()):
            if is_element(sibling) and _substantial(sibling):
                break
            remove(sibling, keep_tail=False)
        remove(block, keep_tail=False)


def _substantial(element: Any) -> bool:
    text = clean(element.text_content())
    links = sum(len(clean(link.text_content())) for link in element.iter("a"))
    return len(text) - links >= 300 and links < 0.3 * len(text)


def _take_updater(tree: Any) -> str:
    """Remove the "Người cập nhật: X" line from the page; return X."""
    found = ""
    for element in list(tree.iter()):
        if not is_element(element) or element.getparent() is None:
            continue
        if len(element) > 5 or any(len(child) > 3 for child in element):
            continue
        text = short_text(element, 120)
        match = UPDATER.match(text) if text else None
        if match and not any(is_element(child) and UPDATER.match(short_text(child, 120) or "")
                             for child in element):
            found = found or updater_name(match["name"])
            remove(element)
    for element in tree.iter():
        if not is_element(element):
            continue
        for attribute in ("text", "tail"):
            value = getattr(element, attribute)
            match = UPDATER.match(clean(value)) if value and len(value) <= 200 else None
            if match:
                found = found or updater_name(match["name"])
                setattr(element, attribute, None)
    return found
