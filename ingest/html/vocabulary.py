"""The words of a page's markup: which tags, roles and class names hold what.

"Furniture" is everything on a page that is not the article: menus, share
buttons, comments, sidebars, related links, footers. The names below are
those of WordPress themes, Joomla 3 and hand-made provincial portals.
"""

from __future__ import annotations

import re
from typing import Any

from ingest.html.nodes import class_parts, class_tokens, clean

# Elements that never hold article text, wherever they are.
CODE_TAGS = ("script", "style", "noscript", "template", "svg", "canvas", "object", "embed",
             "iframe", "frame", "frameset", "applet", "marquee", "map", "button", "select",
             "textarea", "input", "audio", "video", "link")
# Elements that start a new paragraph of text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
    "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul"})
# Children of a container that count as its paragraphs when looking for the article's text.
PARAGRAPH_TAGS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol",
                            "dl", "figure", "figcaption", "address", "table"})
# Elements that may hold the article's paragraphs when no class names it.
CONTAINER_TAGS = frozenset({"div", "td", "th", "section", "article", "main", "body", "center",
                            "font", "form", "span", "dd", "blockquote"})
LEAF_CONTAINERS = frozenset({"div", "section", "span", "font", "center", "em", "strong", "b",
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
_FURNITURE_STARTS = ("moduletable", "widget", "sidebar", "breadcrumb", "sharedaddy",
                     "jp-relatedposts")
# "entry-header" and "page-header" hold the article's title; "site-header" does not.
_HEADER_OK = frozenset({"entry", "page", "article", "post", "item", "news", "detail", "single",
                        "content", "td", "story", "blog"})
# Layout classes that only say what is around ("has-sidebar", "no-comments").
_NEUTRAL_PREFIXES = ("has-", "no-", "with-", "is-", "page-template", "layout-", "postid-")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_NAVIGATION_PARTS = frozenset({"nav", "menu", "breadcrumb", "breadcrumbs", "pathway",
                               "navigation"})

# The article's text, most specific first.
BODY_NAMES = (
    "entry-content", "post-content", "article-content", "content-detail", "news-content",
    "detail-content", "article-body", "post-body", "news-body", "entry-body", "td-post-content",
    "single-content", "content-news", "detail-news", "news-detail-content", "article-text",
    "story-body", "fck_detail", "noidung", "noi-dung", "chitiet", "chi-tiet", "newsbody",
)
# An element around the whole article: its title, dates and text.
SCOPE_NAMES = frozenset({
    "item-page", "news-detail", "post", "hentry", "type-post", "article", "article-detail",
    "detail", "news", "single-post", "post-single", "blog-post", "newsdetail", "detail-news",
    "main-content", "content", "main"})
TITLE_NAMES = frozenset({
    "title", "news-title", "article-title", "detail-title", "post-title", "tieude", "tieu-de",
    "title-detail", "title-news", "newstitle", "titlenews", "contentheading", "news-name",
    "headline", "post-heading", "article-heading", "entry-heading", "title-post"})
AUTHOR_NAMES = frozenset({
    "author", "entry-author", "post-author", "author-name", "article-author", "news-author",
    "createdby", "created-by", "tac-gia", "tacgia", "nguoi-viet"})
DATE_PARTS = frozenset({"date", "time", "published", "publish", "created", "create", "posted",
                        "ngay", "ngaydang", "pubdate", "datetime", "modified", "updated",
                        "update"})
_PUBLISHED_PARTS = frozenset({"published", "publish", "created", "create", "posted",
                              "ngaydang", "pubdate"})
_MODIFIED_PARTS = frozenset({"modified", "updated", "update"})
# Lines about the article (date, author, category) rather than of it.
META_NAMES = frozenset({
    "entry-meta", "post-meta", "article-info", "article-meta", "meta-info", "post-info",
    "news-info", "detail-info", "info-news", "posted-on", "byline", "article-info-term",
    "updater", "nguoi-cap-nhat", "meta", "category-name", "parent-category-name", "cat-links"})
# A web address or domain: a site's name, never a person's or an article's.
DOMAIN = re.compile(r"(?:https?://|www\.|\.(?:vn|com|org|net|gov|edu)\b)", re.IGNORECASE)
# Where the site's own name is: its header, footer and logo.
CHROME_PARTS = frozenset({"header", "footer", "logo", "banner", "copyright", "brand",
                          "masthead", "colophon", "sitename", "site-name", "site-title"})


def marks_furniture(element: Any) -> bool:
    """Tell whether the element itself (its ancestors aside) says it is furniture."""
    tag = element.tag
    if not isinstance(tag, str) or tag in ("html", "body", "head"):
        return False
    if tag in _FURNITURE_TAGS:
        return True
    if tag == "form":  # ASP.NET pages put the whole page in one form
        return len(clean(element.text_content())) < 500
    tokens = class_tokens(element)
    if tag == "header" and not any(class_parts(token)[0] in _HEADER_OK
                                   for token in tokens if class_parts(token)):
        # The site's header; <header> inside an <article> holds the article's title.
        if not any(ancestor.tag == "article" for ancestor in element.iterancestors()):
            return True
    if (element.get("role") or "").lower() in _FURNITURE_ROLES:
        return True
    if element.get("hidden") is not None or _HIDDEN_STYLE.search(element.get("style") or ""):
        return True
    return any(_furniture_token(token) for token in tokens)


def _furniture_token(token: str) -> bool:
    if token.startswith(_NEUTRAL_PREFIXES):
        return False
    if token in _FURNITURE_NAMES:
        return True
    parts = class_parts(token)
    if any(part in _FURNITURE_PARTS for part in parts):
        return True
    if "header" in parts and parts[0] not in _HEADER_OK:
        return True
    return token.startswith(_FURNITURE_STARTS)


def is_navigation(element: Any) -> bool:
    """Tell whether an element is a menu or a breadcrumb."""
    parts = {part for token in class_tokens(element) for part in class_parts(token)}
    return element.tag in ("nav", "ul", "ol") or bool(parts & _NAVIGATION_PARTS)


def date_class_rank(element: Any, default: int) -> int:
    """Return 0 for a published date, 1 for some date, 2 for a modified date by class name.

    An element whose classes name no date gets default.
    """
    tokens = class_tokens(element)
    parts = {part for token in tokens for part in class_parts(token)}
    if not parts & DATE_PARTS:
        return default
    if parts & _PUBLISHED_PARTS or "entry-date" in tokens:
        return 0
    if parts & _MODIFIED_PARTS:
        return 2
    return 1
