"""Read a saved web page of an article: its text and metadata, without the site around it.

Saved pages come in several CMS shapes: WordPress themes, Joomla 3, hand-made provincial portals
with table layouts (like the association's own site). `read_html` finds the element that holds
the article's text (the "root"), reads the title, date, author and updater from the page around
it, and writes out only the article's paragraphs. Everything else on the page (menus, share
buttons, comments, sidebars, related links, footers) is "furniture".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from index.dates import dates_in, issue_date
from ingest.furniture import DATE_LINE, RELATED_TITLE, UPDATED_LABEL, UPDATER, line_kind

NO_TEXT = "no article text found"

_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_RAW_TEXT_OPEN = re.compile(r"<(script|style)\b[^>]*>", re.IGNORECASE)
_PAGE_RESUMES = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)

# Elements that never hold article text, wherever they are.
_CODE_TAGS = ("script", "style", "noscript", "template", "svg", "canvas", "object", "embed",
              "iframe", "frame", "frameset", "applet", "marquee", "map", "button", "select",
              "textarea", "input", "audio", "video", "link")
# Elements that start a new paragraph of text.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul"})
# Children of a container that count as its paragraphs when looking for the article's text.
_PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol",
                             "dl", "figure", "figcaption", "address", "table"})
# Elements that may hold the article's paragraphs when no class names it.
_CONTAINER_TAGS = frozenset({"div", "td", "th", "section", "article", "main", "body", "center",
                             "font", "form", "span", "dd", "blockquote"})
_LEAF_CONTAINERS = frozenset({"div", "section", "span", "font", "center", "em", "strong", "b",
                              "i", "u"})
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "menu", "dialog"})
_FURNITURE_ROLES = frozenset({"navigation", "banner", "contentinfo", "complementary", "search",
                              "menu", "menubar", "dialog", "alert"})
# Parts of class and id names ("jp-relatedposts" has "relatedposts") that mark furniture.
_FURNITURE_PARTS = frozenset("""
menu menus nav navbar navigation breadcrumb breadcrumbs pathway sidebar widget widgets share
sharing sharedaddy sharethis social addthis addtoany a2a related relatedposts relateditems
comment comments respond disqus aside footer colophon masthead banner advertisement advert adv ads
quangcao pagination pager pagenav tagcloud tags copyright hits search searchform login
marquee print email othernews tinkhac tinlienquan module moduletable latestnews mostread
newsflash toolbar topbar cookie popup modal subscribe newsletter rating vote like likes fb
facebook twitter zalo counter statistics thongke visitor weblinks lienket backtotop gotop
""".split())
_FURNITURE_NAMES = frozenset({
    "secondary", "hidden", "hide", "d-none", "sr-only", "screen-reader-text", "visually-hidden",
    "skip-link", "icons", "other-news", "tin-khac", "tin-lien-quan", "cung-chuyen-muc"})
# "entry-header" and "page-header" hold the article's title; "site-header" does not.
_HEADER_OK = frozenset({"entry", "page", "article", "post", "item", "news", "detail", "single",
                        "content", "td", "story", "blog"})
# Layout classes that only say what is around ("has-sidebar", "no-comments").
_NEUTRAL_PREFIXES = ("has-", "no-", "with-", "is-", "page-template", "layout-", "postid-")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)

# The article's text, most specific first.
_BODY_NAMES = (
    "entry-content", "post-content", "article-content", "content-detail", "news-content",
    "detail-content", "article-body", "post-body", "news-body", "entry-body", "td-post-content",
    "single-content", "content-news", "detail-news", "news-detail-content", "article-text",
    "story-body", "fck_detail", "noidung", "noi-dung", "chitiet", "chi-tiet", "newsbody",
)
# An element around the whole article: its title, dates and text.
_SCOPE_NAMES = frozenset({
    "item-page", "news-detail", "post", "hentry", "type-post", "article", "article-detail",
    "detail", "news", "single-post", "post-single", "blog-post", "newsdetail", "detail-news",
    "main-content", "content", "main"})
_TITLE_NAMES = frozenset({
    "title", "news-title", "article-title", "detail-title", "post-title", "tieude", "tieu-de",
    "title-detail", "title-news", "newstitle", "titlenews", "contentheading", "news-name",
    "headline", "post-heading", "article-heading", "entry-heading", "title-post"})
_AUTHOR_NAMES = frozenset({
    "author", "entry-author", "post-author", "author-name", "article-author", "news-author",
    "createdby", "created-by", "tac-gia", "tacgia", "nguoi-viet"})
_DATE_PARTS = frozenset({"date", "time", "published", "publish", "created", "create", "posted",
                         "ngay", "ngaydang", "pubdate", "datetime", "modified", "updated",
                         "update"})
_META_NAMES = frozenset({
    "entry-meta", "post-meta", "article-info", "article-meta", "meta-info", "post-info",
    "news-info", "detail-info", "info-news", "posted-on", "byline", "article-info-term",
    "updater", "nguoi-cap-nhat", "meta", "category-name", "parent-category-name", "cat-links"})
_CHROME_PARTS = frozenset({"header", "footer", "logo", "banner", "copyright", "brand",
                           "masthead", "colophon", "sitename", "site-name", "site-title"})

_AUTHOR_PREFIX = re.compile(
    r"^(?:viết\s+bởi|đăng\s+bởi|người\s+viết|người\s+đăng|tác\s+giả|"
    r"(?:bài|tin)\s*(?:,|và)?\s*ảnh|bởi|by|posted\s+by|written\s+by)\s*[:：]?\s*", re.IGNORECASE)
_NOT_AUTHORS = frozenset({"super user", "administrator", "admin", "quản trị", "quản trị viên",
                          "quantri", "webmaster", "editor", "ban quản trị"})
_NAME_PUNCTUATION = re.compile(r"[,;:!?\"“”‘’()\[\]{}…/\\|<>@#%&*+=\d]")
_SITE_SEPARATOR = re.compile(r"(\s+(?:[-|–—»·]|::)\s+)")
_DOMAIN = re.compile(r"(?:https?://|www\.|\.(?:vn|com|org|net|gov|edu)\b)", re.IGNORECASE)

# Keys of <meta> that date the article's publication, best first.
_PUBLISHED_META = ("article:published_time", "datepublished", "date", "dc.date.issued",
                   "dc.date", "dcterms.issued", "dcterms.created", "pubdate", "publishdate",
                   "publish-date", "article:published", "og:published_time",
                   "itemprop:datepublished")
_UPDATED_META = ("og:updated_time", "article:modified_time", "itemprop:datemodified",
                 "datemodified", "last-modified", "dcterms.modified")


def read_html(text: str) -> dict[str, Any]:
    """Return the record fields a page states.

    Keys: title, body, and when the page states them issued (YYYY-MM-DD), author, updater
    ("Người cập nhật"), url (canonical) and visibility. Raises ValueError when the page has
    no text at all.
    """
    tree = _parse(text)
    meta = _meta(tree)
    record: dict[str, Any] = {}
    if meta.get("tracuu:visibility"):
        record["visibility"] = meta["tracuu:visibility"]
    url = _canonical_url(tree, meta)
    for element in list(tree.iter(*_CODE_TAGS)):
        _remove(element)
    _drop_related_blocks(tree)
    updater = _take_updater(tree)
    page = _Page(tree, meta)
    title = page.title()
    issued = page.issued()
    author = page.author()
    paragraphs, line_updater = page.body(title)
    updater = updater or line_updater
    byline = _byline(paragraphs)
    if byline and (not author or _same(byline, author)):
        author = author or byline
        paragraphs.pop()
    elif author and paragraphs and _same(paragraphs[-1].text, author):
        paragraphs.pop()
    author = author or page.meta_author()
    body = "\n\n".join(paragraph.text for paragraph in paragraphs)
    if not title and not body:
        raise ValueError(NO_TEXT)
    record["title"] = title
    record["body"] = body
    for key, value in (("issued", issued), ("author", author), ("updater", updater),
                       ("url", url)):
        if value:
            record[key] = value
    return record


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


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", text or "")).strip()


def _norm(text: str | None) -> str:
    return _clean(text).casefold()


def _same(first: str, second: str) -> bool:
    return _norm(first) == _norm(second)


def _is_element(node: Any) -> bool:
    return isinstance(node.tag, str)


def _tokens(element: Any) -> list[str]:
    return f"{element.get('class') or ''} {element.get('id') or ''}".lower().split()


def _parts(token: str) -> list[str]:
    return [part for part in re.split(r"[-_]+", token) if part]


def _remove(element: Any, keep_tail: bool = True) -> None:
    parent = element.getparent()
    if parent is None:
        return
    # Keep the text that follows the element in the document.
    if keep_tail and element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _meta(tree: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name")
        if not key and element.get("itemprop"):
            key = f"itemprop:{element.get('itemprop')}"
        content = element.get("content")
        if key and content and _clean(content) and key.lower() not in meta:
            meta[key.lower()] = _clean(content)
    return meta


def _canonical_url(tree: Any, meta: dict[str, str]) -> str:
    url = ""
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and _clean(link.get("href")):
            url = _clean(link.get("href"))
            break
    url = url or meta.get("og:url", "")
    if url and not re.match(r"^[a-z][a-z0-9+.-]*:", url, re.IGNORECASE):
        base = next((_clean(b.get("href")) for b in tree.iter("base") if b.get("href")), "")
        base = base or meta.get("og:url", "")
        if re.match(r"^https?://", base, re.IGNORECASE):
            url = urljoin(base, url)
    return url


def _drop_related_blocks(tree: Any) -> None:
    """Drop "Các bài viết khác:" and its links, "Tin liên quan", comment headings and so on."""
    html = tree.getroottree().getroot()
    headings = ("h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "span", "strong", "b", "td",
                "th", "li", "dt", "legend", "font", "em", "section", "header")
    for heading in list(tree.iter(*headings)):
        if len(heading) > 3 or heading.getroottree().getroot() is not html:
            continue
        text = _short_text(heading, 120)
        if text is None or len(text) > 60 or not RELATED_TITLE.match(text):
            continue
        block = heading
        while True:
            parent = block.getparent()
            if parent is None or parent.tag in ("body", "html"):
                break
            if _clean(parent.text_content()) != text:
                break
            block = parent
        # The links follow the heading; an article's text would stop the block.
        for sibling in list(block.itersiblings()):
            if _is_element(sibling) and _substantial(sibling):
                break
            _remove(sibling, keep_tail=False)
        _remove(block, keep_tail=False)


def _short_text(element: Any, limit: int) -> str | None:
    """The element's clean text, or None as soon as it is longer than limit."""
    pieces: list[str] = []
    size = 0
    for piece in element.itertext():
        size += len(piece)
        pieces.append(piece)
        if size > 4 * limit and len(_clean("".join(pieces))) > limit:
            return None
    text = _clean("".join(pieces))
    return text if len(text) <= limit else None


def _substantial(element: Any) -> bool:
    text = _clean(element.text_content())
    links = sum(len(_clean(link.text_content())) for link in element.iter("a"))
    return len(text) - links >= 300 and links < 0.3 * len(text)


def _take_updater(tree: Any) -> str:
    """Remove the "Người cập nhật: X" line from the page; return X."""
    found = ""
    for element in list(tree.iter()):
        if not _is_element(element) or element.getparent() is None:
            continue
        if len(element) > 5 or any(len(child) > 3 for child in element):
            continue
        text = _short_text(element, 120)
        match = UPDATER.match(text) if text else None
        if match and not any(_is_element(child) and UPDATER.match(_short_text(child, 120) or "")
                             for child in element):
            found = found or _updater_name(match["name"])
            _remove(element)
    for element in tree.iter():
        if not _is_element(element):
            continue
        for attribute in ("text", "tail"):
            value = getattr(element, attribute)
            match = UPDATER.match(_clean(value)) if value and len(value) <= 200 else None
            if match:
                found = found or _updater_name(match["name"])
                setattr(element, attribute, None)
    return found


def _updater_name(name: str) -> str:
    return _clean(re.split(r"\s+[|·•]\s+|\s{2,}", name)[0]).rstrip(" .,;")


def _date_from(value: str | None) -> str:
    """Return the first date in value that can be the article's (YYYY-MM-DD), or ""."""
    return issue_date(_clean(value))


@dataclass
class _Paragraph:
    """A paragraph of text, its lines, and how it was shown."""

    lines: list[str]
    index: int
    bold: bool
    right: bool
    chars: int
    link_chars: int
    links: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


class _Writer:
    """Collects text pieces into lines and paragraphs."""

    def __init__(self) -> None:
        self.paragraphs: list[_Paragraph] = []
        self._lines: list[list[tuple[str, bool, bool, bool]]] = []
        self._line: list[tuple[str, bool, bool, bool]] = []
        self._breaks = 0
        self._index = -1

    def text(self, text: str | None, flags: tuple[bool, bool, bool], index: int) -> None:
        if not text:
            return
        if text.strip():
            self._breaks = 0
            if self._index < 0:
                self._index = index
        self._line.append((text, *flags))

    def line_break(self) -> None:
        self._end_line()
        self._breaks += 1
        if self._breaks >= 2:  # <br><br> ends a paragraph
            self.end_paragraph()

    def _end_line(self) -> None:
        if any(piece[0].strip() for piece in self._line):
            self._lines.append(self._line)
        self._line = []

    def add(self, paragraph: _Paragraph) -> None:
        self.end_paragraph()
        self.paragraphs.append(paragraph)

    def end_paragraph(self) -> None:
        self._end_line()
        if self._lines:
            pieces = [piece for line in self._lines for piece in line if piece[0].strip()]
            lines = [text for text in (_clean("".join(p[0] for p in line))
                                       for line in self._lines) if text]
            link_pieces = [piece for piece in pieces if piece[3]]
            self.paragraphs.append(_Paragraph(
                lines=lines, index=self._index,
                bold=all(piece[1] for piece in pieces), right=all(piece[2] for piece in pieces),
                chars=sum(len(_clean(piece[0])) for piece in pieces),
                link_chars=sum(len(_clean(piece[0])) for piece in link_pieces),
                links=len(link_pieces)))
        self._lines = []
        self._breaks = 0
        self._index = -1


def _bold(element: Any) -> bool:
    if element.tag in ("b", "strong"):
        return True
    style = (element.get("style") or "").lower()
    return bool(re.search(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", style))


def _right(element: Any) -> bool:
    if (element.get("align") or "").lower() == "right":
        return True
    if re.search(r"text-align\s*:\s*right", (element.get("style") or "").lower()):
        return True
    return bool({"text-right", "right", "align-right", "alignright", "has-text-align-right"}
                & set(_tokens(element)))


def _serialize(root: Any, skip: Callable[[Any], bool], index: dict[Any, int]
               ) -> list[_Paragraph]:
    """Write root's text as paragraphs, without the elements skip() names."""
    writer = _Writer()
    none = (False, False, False)
    # Each entry: (node, flags of its parent, entering?)
    stack: list[tuple[Any, tuple[bool, bool, bool], bool]] = [(root, none, True)]
    while stack:
        node, parent_flags, entering = stack.pop()
        at = index.get(node, 0)
        if not entering:
            if node.tag in _BLOCK_TAGS:
                writer.end_paragraph()
            if node is not root:
                writer.text(node.tail, parent_flags, at)
            continue
        if not _is_element(node) or (node is not root and skip(node)):
            if node is not root:
                writer.text(node.tail, parent_flags, at)
            continue
        if node.tag == "br":
            writer.line_break()
            writer.text(node.tail, parent_flags, at)
            continue
        flags = (parent_flags[0] or _bold(node), parent_flags[1] or _right(node),
                 parent_flags[2] or node.tag == "a")
        if node.tag == "table" and _is_data_table(node):
            writer.add(_table(node, skip, index, at))
            if node is not root:
                writer.text(node.tail, parent_flags, at)
            continue
        if node.tag in _BLOCK_TAGS:
            writer.end_paragraph()
        writer.text(node.text, flags, at)
        stack.append((node, parent_flags, False))
        stack.extend((child, flags, True) for child in reversed(node))
    writer.end_paragraph()
    return writer.paragraphs


def _is_data_table(table: Any) -> bool:
    """Tell a table of data (rows, columns) from a table that lays out the page."""
    if table.find(".//table") is not None:
        return False
    widest = 0
    for row in table.iter("tr"):
        cells = [cell for cell in row if _is_element(cell) and cell.tag in ("td", "th")]
        widest = max(widest, len(cells))
        for cell in cells:
            blocks = sum(1 for _ in cell.iter("p", "div", "li", "h2", "h3", "h4", "table"))
            if blocks > 4 or len(_clean(cell.text_content())) > 800:
                return False
    return widest >= 2


def _table(table: Any, skip: Callable[[Any], bool], index: dict[Any, int], at: int
           ) -> _Paragraph:
    lines: list[str] = []
    caption = table.find("caption")
    if caption is not None and _clean(caption.text_content()):
        lines.append(_clean(caption.text_content()))
    for row in table.iter("tr"):
        cells = []
        for cell in row:
            if not _is_element(cell) or cell.tag not in ("td", "th") or skip(cell):
                continue
            text = " ".join(line for paragraph in _serialize(cell, skip, index)
                            for line in paragraph.lines)
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    chars = sum(len(line) for line in lines)
    return _Paragraph(lines=lines, index=at, bold=False, right=False, chars=chars,
                      link_chars=0, links=0)


def _looks_like_name(text: str) -> bool:
    """A byline: 1-5 capitalised words, no sentence punctuation ("ThS. Lê Văn An")."""
    words = text.split()
    if not 1 <= len(words) <= 5 or len(text) > 60:
        return False
    if _NAME_PUNCTUATION.search(text) or text.endswith("."):
        return False
    letters = [char for char in text if char.isalpha()]
    if len(letters) > 3 and all(char.isupper() for char in letters):
        return False  # "BÍ THƯ", "TM. CHI BỘ": an office, not a name
    return all(word[0].isupper() for word in words) and _norm(text) not in _NOT_AUTHORS


def _byline(paragraphs: list[_Paragraph]) -> str:
    """The last paragraph when it is only a bold or right-aligned name."""
    if not paragraphs:
        return ""
    last = paragraphs[-1]
    if len(last.lines) != 1 or not (last.bold or last.right) or last.links:
        return ""
    return last.lines[0] if _looks_like_name(last.lines[0]) else ""


def _author_name(text: str | None) -> str:
    name = _clean(text)
    for _ in range(2):
        name = _AUTHOR_PREFIX.sub("", name).strip(" -–|:,")
    if not name or len(name) > 80 or next(dates_in(name), None) or _norm(name) in _NOT_AUTHORS:
        return ""
    if _DOMAIN.search(name) or "@" in name:
        return ""
    return name


class _Page:
    """A parsed page, its article root, and what it says about the article."""

    def __init__(self, tree: Any, meta: dict[str, str]) -> None:
        self.tree = tree
        self.meta = meta
        self.index = {node: number for number, node in enumerate(tree.iter())}
        self._furniture: dict[Any, bool] = {}
        self._inside: dict[Any, bool] = {}
        self.keep: set[Any] = set()
        self.root = self._find_root()
        # The root and its ancestors are never furniture: classify again knowing them.
        self.keep = {self.root, *self.root.iterancestors()}
        self._inside = {}
        self.root_start, self.root_end = self._span(self.root)
        self.scope = self._scope()
        self.scope_span = self._span(self.scope) if self.scope is not None else (-1, -1)
        self.title_element: Any = None
        self._site_names = {_norm(meta.get(key)) for key in
                            ("og:site_name", "application-name", "apple-mobile-web-app-title")}
        self._site_names.discard("")
        self._chrome: str | None = None

    # Furniture ------------------------------------------------------------------------

    def is_furniture(self, element: Any) -> bool:
        """Whether the element itself is page furniture (its ancestors aside)."""
        if element in self.keep:
            return False
        cached = self._furniture.get(element)
        if cached is None:
            cached = self._classify(element)
            self._furniture[element] = cached
        return cached

    def _classify(self, element: Any) -> bool:
        tag = element.tag
        if not isinstance(tag, str) or tag in ("html", "body", "head"):
            return False
        if tag in _FURNITURE_TAGS:
            return True
        if tag == "form":  # ASP.NET pages put the whole page in one form
            return len(_clean(element.text_content())) < 500
        tokens = _tokens(element)
        if tag == "header" and not any(_parts(token)[0] in _HEADER_OK
                                       for token in tokens if _parts(token)):
            # The site's header; <header> inside an <article> holds the article's title.
            if not any(ancestor.tag == "article" for ancestor in element.iterancestors()):
                return True
        if (element.get("role") or "").lower() in _FURNITURE_ROLES:
            return True
        if element.get("hidden") is not None or _HIDDEN_STYLE.search(element.get("style") or ""):
            return True
        return any(_furniture_token(token) for token in tokens)

    def in_furniture(self, element: Any) -> bool:
        """Whether the element or one of its ancestors is page furniture."""
        path: list[Any] = []
        node = element
        found = False
        while node is not None:
            cached = self._inside.get(node)
            if cached is not None:
                found = cached
                break
            path.append(node)
            if self.is_furniture(node):
                found = True
                break
            node = node.getparent()
        # Every node on the way down to element is inside furniture when node is.
        for visited in reversed(path):
            found = found or self.is_furniture(visited)
            self._inside[visited] = found
        return found

    # The article's root ---------------------------------------------------------------

    def _find_root(self) -> Any:
        best: tuple[tuple[int, int, int], Any] | None = None
        for element in self.tree.iter():
            if not _is_element(element):
                continue
            tokens = set(_tokens(element))
            if (element.get("itemprop") or "").lower() == "articlebody":
                rank = 0
            else:
                ranks = [number for number, name in enumerate(_BODY_NAMES, start=1)
                         if name in tokens]
                if not ranks:
                    continue
                rank = ranks[0]
            length = len(_clean(element.text_content()))
            if not length:
                continue
            key = (rank, int(self.in_furniture(element)), -length)
            if best is None or key < best[0]:
                best = (key, element)
        if best is not None:
            return best[1]
        scope = self._scope_candidate()
        return self._densest(scope) if scope is not None else self._densest(self._body())

    def _body(self) -> Any:
        body = self.tree.find(".//body")
        return body if body is not None else self.tree

    def _scope_candidate(self) -> Any:
        best: tuple[tuple[int, int], Any] | None = None
        for element in self.tree.iter():
            if _is_element(element) and self._is_scope(element):
                length = len(_clean(element.text_content()))
                if length < 100:
                    continue
                key = (int(self.in_furniture(element)), -length)
                if best is None or key < best[0]:
                    best = (key, element)
        return best[1] if best is not None else None

    @staticmethod
    def _is_scope(element: Any) -> bool:
        if element.tag in ("article", "main") or (element.get("role") or "") == "main":
            return True
        itemtype = element.get("itemtype") or ""
        if re.search(r"(?:Article|BlogPosting|NewsArticle|Report)$", itemtype):
            return True
        return bool(_SCOPE_NAMES & set(_tokens(element)))

    def _densest(self, scope: Any) -> Any:
        """The element in scope whose own paragraphs hold the most text (readability-like)."""
        best, best_score = scope, 0
        for element in scope.iter():
            if not _is_element(element) or element.tag not in _CONTAINER_TAGS:
                continue
            if self.in_furniture(element):
                continue
            score = self._own_text(element)
            if score > best_score:
                best, best_score = element, score
        return best

    def _own_text(self, element: Any) -> int:
        """Text of the element's own paragraphs and loose text, less the text of links."""
        score = len(_clean(element.text))
        for child in element:
            score += len(_clean(child.tail))
            if not _is_element(child) or self.is_furniture(child):
                continue
            if child.tag == "table":
                paragraph = _is_data_table(child)  # a layout table is a container
            else:
                paragraph = child.tag in _PARAGRAPH_TAGS or (
                    child.tag in _LEAF_CONTAINERS and not any(
                        _is_element(node) and node.tag in _BLOCK_TAGS
                        for node in child.iterdescendants()))
            if paragraph:
                text = len(_clean(child.text_content()))
                links = sum(len(_clean(link.text_content())) for link in child.iter("a"))
                score += max(text - links, 0)
        return score

    def _scope(self) -> Any:
        for element in (self.root, *self.root.iterancestors()):
            if element.tag in ("body", "html"):
                break
            if self._is_scope(element):
                return element
        return None

    def _span(self, element: Any) -> tuple[int, int]:
        """Where an element starts and ends in document order."""
        start = self.index.get(element, 0)
        return start, max((self.index.get(node, start) for node in element.iter()), default=start)

    def in_scope(self, element: Any) -> bool:
        return self.scope_span[0] <= self.index.get(element, -2) <= self.scope_span[1]

    def _distance(self, element: Any, anchor: int) -> int:
        """How far after the anchor an element is; elements before it come last."""
        number = self.index.get(element, 0)
        return number - anchor if number >= anchor else 100_000 + anchor - number

    # Title ----------------------------------------------------------------------------

    def title(self) -> str:
        head_title = self._head_title()
        og_title = self._strip_site_name(self.meta.get("og:title", ""), default=False)
        references = {_norm(text) for text in (head_title, og_title) if text}
        best: tuple[tuple[int, int], Any, str] | None = None
        for element in self.tree.iter():
            if not _is_element(element) or element.tag in ("title", "head", "html", "body"):
                continue
            tokens = set(_tokens(element))
            itemprop = (element.get("itemprop") or "").lower()
            explicit = bool({"entry-title", "post-title"} & tokens) or itemprop == "headline" or (
                element.tag in ("h1", "h2") and any(
                    "page-header" in _tokens(a) for a in element.iterancestors()))
            if not explicit and element.tag != "h1" and not (_TITLE_NAMES & tokens):
                continue
            if element.tag == "meta":
                text = _clean(element.get("content"))
            else:
                text = _clean(element.text_content())
            if not 2 <= len(text) <= 400 or self.in_furniture(element):
                continue
            if not explicit and self._site_like(text, strong=True):
                continue
            score = 8 if explicit else 0
            if self.in_scope(element):
                score += 4
            if _norm(text) in references or any(
                    _norm(text) in reference for reference in references if len(text) >= 10):
                score += 3
            score += 2 if element.tag == "h1" else 1 if element.tag in ("h2", "td", "div") else 0
            if self.index.get(element, 0) <= self.root_end:
                score += 1
            key = (-score, self.index.get(element, 0))
            if best is None or key < best[0]:
                best = (key, element, text)
        if best is not None:
            self.title_element = best[1]
            return best[2]
        return og_title or head_title

    def _head_title(self) -> str:
        element = self.tree.find(".//title")
        if element is None:
            return ""
        return self._strip_site_name(_clean(element.text_content()), default=True)

    def _strip_site_name(self, title: str, default: bool) -> str:
        """"Article - Site name" (or "Site :: Article"): keep the article's part."""
        pieces = _SITE_SEPARATOR.split(title)
        parts, separators = pieces[0::2], pieces[1::2]
        if len(parts) < 2:
            return title
        start, end = 0, len(parts)
        while end - start > 1 and self._site_like(parts[end - 1]):
            end -= 1
        while end - start > 1 and self._site_like(parts[start]):
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
        return _clean("".join(kept))

    def _site_like(self, part: str, strong: bool = False) -> bool:
        text = _norm(part)
        if not text:
            return True
        for site in self._site_names:
            if text == site or text in site or (site in text and len(text) <= len(site) + 12):
                return True
        if not strong and _DOMAIN.search(part):
            return True
        return len(text) >= 4 and text in self.chrome()

    def chrome(self) -> str:
        """The text of the site's header, footer and logo: where the site's name is."""
        if self._chrome is None:
            texts: list[str] = []
            for element in self.tree.iter():
                if not _is_element(element) or element in self.keep:
                    continue
                parts = {part for token in _tokens(element) for part in _parts(token)}
                if element.tag in ("header", "footer") or parts & _CHROME_PARTS or any(
                        token in _CHROME_PARTS for token in _tokens(element)):
                    texts.append(_text_outside(element, _is_navigation))
                    texts += [image.get("alt") or "" for image in element.iter("img")]
            self._chrome = _norm(" ".join(texts))
        return self._chrome

    # Date -----------------------------------------------------------------------------

    def issued(self) -> str:
        for key in _PUBLISHED_META:
            date = _date_from(self.meta.get(key))
            if date:
                return date
        anchor = self._anchor()
        found: list[tuple[tuple[int, int], str]] = []
        for element in self.tree.iter():
            if not _is_element(element) or self.in_furniture(element):
                continue
            itemprop = (element.get("itemprop") or "").lower()
            if itemprop == "datepublished":
                date = _date_from(element.get("content") or element.get("datetime")
                                  or element.text_content())
                if date:
                    return date
            # A date above the title and outside the article may be the site's ("today"):
            # far above, it is ignored; close above, it comes after every other date.
            outside = 0
            number = self.index.get(element, 0)
            if number < anchor and not self.in_scope(element):
                if number < anchor - 40:
                    continue
                outside = 10
            if element.tag == "time" and element.get("datetime"):
                date = _date_from(element.get("datetime"))
                rank = self._date_class_rank(element, default=1)
                if date:
                    found.append(((rank + outside, self._distance(element, anchor)), date))
            rank = self._date_class_rank(element, default=-1)
            if rank >= 0 and len(element) <= 12:
                text = _clean(element.text_content())
                date = _date_from(text) if len(text) <= 150 else ""
                if date:
                    found.append(((rank + 2 + outside, self._distance(element, anchor)),
                                  date))
        found += self._date_lines(anchor)
        if found:
            return min(found)[1]
        for key in _UPDATED_META:
            date = _date_from(self.meta.get(key))
            if date:
                return date
        return ""

    def _anchor(self) -> int:
        if self.title_element is not None:
            return self.index.get(self.title_element, 0)
        return self.root_start

    @staticmethod
    def _date_class_rank(element: Any, default: int) -> int:
        """0: a published date, 1: some date, 2: a modified date; default when no date class."""
        tokens = _tokens(element)
        parts = {part for token in tokens for part in _parts(token)}
        if not parts & _DATE_PARTS:
            return default
        if parts & {"published", "publish", "created", "create", "posted", "ngaydang",
                    "pubdate"} or "entry-date" in tokens:
            return 0
        if parts & {"modified", "updated", "update"}:
            return 2
        return 1

    def _date_lines(self, anchor: int) -> list[tuple[tuple[int, int], str]]:
        """Dates of visible lines that only date the page ("Ngày đăng: 11/10/2016")."""
        found: list[tuple[tuple[int, int], str]] = []
        paragraphs = _serialize(self._body(), self.is_furniture, self.index)
        for paragraph in paragraphs:
            for line in paragraph.lines:
                for segment in re.split(r"\s*[|·•]\s*", line):
                    match = DATE_LINE.match(segment) if len(segment) <= 100 else None
                    date = _date_from(segment) if match else ""
                    if not date or not match:
                        continue
                    label = _clean(match["label"])
                    near = abs(paragraph.index - anchor) <= 40
                    if label and UPDATED_LABEL.match(label):
                        rank = 6
                    elif label and _norm(label) != "ngày":
                        rank = 4
                    elif near:
                        rank = 7  # "Thứ ba, 11/10/2016", "ngày 11 tháng 10 năm 2016"
                    else:
                        continue
                    distance = paragraph.index - anchor
                    distance = distance if distance >= 0 else 100_000 - distance
                    found.append(((rank, distance), date))
        return found

    # Author ---------------------------------------------------------------------------

    def author(self) -> str:
        candidates: list[tuple[tuple[int, int], str]] = []
        for element in self.tree.iter():
            if not _is_element(element) or element.tag in ("meta", "link"):
                continue
            tokens = set(_tokens(element))
            itemprop = (element.get("itemprop") or "").lower()
            if itemprop == "author":
                names = element.xpath(".//*[@itemprop='name']")
                text = (names[0].get("content") or names[0].text_content()) if names else (
                    element.get("content") or element.text_content())
                rank = 0
            elif "author" in (element.get("rel") or "").lower().split():
                text, rank = element.text_content(), 1
            elif tokens & _AUTHOR_NAMES:
                text, rank = element.text_content(), 2
            elif "byline" in tokens:
                text, rank = element.text_content(), 3
            else:
                continue
            if self.in_furniture(element):
                continue
            name = _author_name(text)
            if name:
                candidates.append(((rank, self.index.get(element, 0)), name))
        for element in self.tree.iter("meta"):
            if (element.get("itemprop") or "").lower() == "author":
                name = _author_name(element.get("content"))
                if name:
                    candidates.append(((0, self.index.get(element, 0)), name))
        return min(candidates)[1] if candidates else ""

    def meta_author(self) -> str:
        name = _author_name(self.meta.get("author") or self.meta.get("article:author"))
        if not name or self._site_like(name, strong=True):
            return ""
        return name

    # Body -----------------------------------------------------------------------------

    def body(self, title: str) -> tuple[list[_Paragraph], str]:
        """The article's paragraphs, and the updater named by a "Người cập nhật" line."""
        paragraphs = _serialize(self.root, self._skip_in_body, self.index)
        updater = ""
        kept: list[_Paragraph] = []
        for paragraph in paragraphs:
            lines = []
            for line in paragraph.lines:
                kind = line_kind(line)
                if kind == "updater":
                    match = UPDATER.match(line)
                    updater = updater or (_updater_name(match["name"]) if match else "")
                elif not kind and not (title and _same(line, title)):
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

    def _skip_in_body(self, element: Any) -> bool:
        if self.is_furniture(element) or element is self.title_element:
            return True
        tokens = set(_tokens(element))
        if tokens & _META_NAMES or tokens & _AUTHOR_NAMES:
            return len(_clean(element.text_content())) <= 200
        if element.tag == "time" or self._date_class_rank(element, default=-1) >= 0:
            return len(_clean(element.text_content())) <= 80
        return False


def _is_navigation(element: Any) -> bool:
    parts = {part for token in _tokens(element) for part in _parts(token)}
    return element.tag in ("nav", "ul", "ol") or bool(
        parts & {"nav", "menu", "breadcrumb", "breadcrumbs", "pathway", "navigation"})


def _text_outside(root: Any, skip: Callable[[Any], bool]) -> str:
    """The text of root without the subtrees skip() names."""
    texts: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        if not entering or not _is_element(node) or (node is not root and skip(node)):
            if node is not root:
                texts.append(node.tail or "")
            continue
        texts.append(node.text or "")
        stack.append((node, False))
        stack.extend((child, True) for child in reversed(node))
    return "".join(texts)


def _all_links(paragraph: _Paragraph) -> bool:
    return paragraph.links > 0 and paragraph.link_chars >= 0.9 * paragraph.chars


def _furniture_token(token: str) -> bool:
    if token.startswith(_NEUTRAL_PREFIXES):
        return False
    if token in _FURNITURE_NAMES:
        return True
    parts = _parts(token)
    if any(part in _FURNITURE_PARTS for part in parts):
        return True
    if "header" in parts and parts[0] not in _HEADER_OK:
        return True
    return token.startswith(("moduletable", "widget", "sidebar", "breadcrumb", "sharedaddy",
                             "jp-relatedposts"))
