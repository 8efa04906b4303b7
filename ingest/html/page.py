"""Where the article is on a page: its root element, the scope around it, and the furniture.

The root is the element that holds the article's text; the scope, when the
page marks one, holds the article's title, dates and text. `layout` finds
both once, and a `Page` only answers questions about them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ingest.html.nodes import class_parts, class_tokens, clean, is_element, norm, text_outside
from ingest.html.serialize import is_data_table
from ingest.html.vocabulary import (
    BLOCK_TAGS,
    BODY_NAMES,
    CHROME_PARTS,
    CONTAINER_TAGS,
    DOMAIN,
    LEAF_CONTAINERS,
    PARAGRAPH_TAGS,
    SCOPE_NAMES,
    is_navigation,
    marks_furniture,
)

_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|NewsArticle|Report)$")
_SITE_NAME_META = ("og:site_name", "application-name", "apple-mobile-web-app-title")


class Furniture:
    """Which elements of a page are furniture; the kept ones never are.

    What an element itself says (marks_furniture) is looked up once per
    element and shared with the Furniture made by keeping().
    """

    def __init__(self, keep: frozenset[Any] = frozenset(),
                 marks: dict[Any, bool] | None = None) -> None:
        self.keep = keep
        self._marks: dict[Any, bool] = {} if marks is None else marks
        self._inside: dict[Any, bool] = {}

    def keeping(self, keep: frozenset[Any]) -> Furniture:
        """Return the furniture of the same page with these elements kept."""
        return Furniture(keep, self._marks)

    def is_furniture(self, element: Any) -> bool:
        """Tell whether the element itself is page furniture (its ancestors aside)."""
        if element in self.keep:
            return False
        marked = self._marks.get(element)
        if marked is None:
            marked = self._marks[element] = marks_furniture(element)
        return marked

    def in_furniture(self, element: Any) -> bool:
        """Tell whether the element or one of its ancestors is page furniture."""
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


@dataclass(frozen=True, eq=False)
class Page:
    """A page's tree and where its article is."""

    tree: Any
    meta: dict[str, str]
    order: dict[Any, int]  # every node's number in document order
    furniture: Furniture  # keeps the root and its ancestors
    root: Any
    root_span: tuple[int, int]
    scope_span: tuple[int, int]  # (-1, -1) without a scope
    site_names: frozenset[str] = field(default_factory=frozenset)

    def in_scope(self, element: Any) -> bool:
        """Tell whether an element is inside the article's scope."""
        return self.scope_span[0] <= self.order.get(element, -2) <= self.scope_span[1]

    def distance(self, element: Any, anchor: int) -> int:
        """Return how far after the anchor an element is; elements before it come last."""
        number = self.order.get(element, 0)
        return number - anchor if number >= anchor else 100_000 + anchor - number

    @cached_property
    def chrome(self) -> str:
        """Return the text of the site's header, footer and logo: where the site's name is."""
        texts: list[str] = []
        for element in self.tree.iter():
            if not is_element(element) or element in self.furniture.keep:
                continue
            tokens = class_tokens(element)
            parts = {part for token in tokens for part in class_parts(token)}
            if element.tag in ("header", "footer") or parts & CHROME_PARTS or any(
                    token in CHROME_PARTS for token in tokens):
                texts.append(text_outside(element, is_navigation))
                texts += [image.get("alt") or "" for image in element.iter("img")]
        return norm(" ".join(texts))

    def site_like(self, part: str, strong: bool = False) -> bool:
        """Tell whether a text is the site's name (or, unless strong, a domain)."""
        text = norm(part)
        if not text:
            return True
        for site in self.site_names:
            if text == site or text in site or (site in text and len(text) <= len(site) + 12):
                return True
        if not strong and DOMAIN.search(part):
            return True
        return len(text) >= 4 and text in self.chrome


def layout(tree: Any, meta: dict[str, str]) -> Page:
    """Find the article's root and scope on a parsed page."""
    order = {node: number for number, node in enumerate(tree.iter())}
    # Furniture is judged first with nothing kept; the root and its ancestors then never are.
    unkept = Furniture()
    root = _find_root(tree, unkept)
    furniture = unkept.keeping(frozenset({root, *root.iterancestors()}))
    scope = _scope(root)
    site_names = frozenset(norm(meta.get(key)) for key in _SITE_NAME_META) - {""}
    return Page(tree, meta, order, furniture, root, _span(root, order),
                _span(scope, order) if scope is not None else (-1, -1), site_names)


def body_element(tree: Any) -> Any:
    """Return the page's <body>, or the whole tree without one."""
    body = tree.find(".//body")
    return body if body is not None else tree


def _span(element: Any, order: dict[Any, int]) -> tuple[int, int]:
    """Return where an element starts and ends in document order."""
    start = order.get(element, 0)
    return start, max((order.get(node, start) for node in element.iter()), default=start)


def _find_root(tree: Any, furniture: Furniture) -> Any:
    best: tuple[tuple[int, int, int], Any] | None = None
    for element in tree.iter():
        if not is_element(element):
            continue
        tokens = set(class_tokens(element))
        if (element.get("itemprop") or "").lower() == "articlebody":
            rank = 0
        else:
            ranks = [number for number, name in enumerate(BODY_NAMES, start=1)
                     if name in tokens]
            if not ranks:
                continue
            rank = ranks[0]
        length = len(clean(element.text_content()))
        if not length:
            continue
        key = (rank, int(furniture.in_furniture(element)), -length)
        if best is None or key < best[0]:
            best = (key, element)
    if best is not None:
        return best[1]
    scope = _scope_candidate(tree, furniture)
    return _densest(scope if scope is not None else body_element(tree), furniture)


def _scope_candidate(tree: Any, furniture: Furniture) -> Any:
    best: tuple[tuple[int, int], Any] | None = None
    for element in tree.iter():
        if is_element(element) and _is_scope(element):
            length = len(clean(element.text_content()))
            if length < 100:
                continue
            key = (int(furniture.in_furniture(element)), -length)
            if best is None or key < best[0]:
                best = (key, element)
    return best[1] if best is not None else None


def _is_scope(element: Any) -> bool:
    if element.tag in ("article", "main") or (element.get("role") or "") == "main":
        return True
    if _ARTICLE_TYPE.search(element.get("itemtype") or ""):
        return True
    return bool(SCOPE_NAMES & set(class_tokens(element)))


def _densest(scope: Any, furniture: Furniture) -> Any:
    """Return the element in scope whose own paragraphs hold the most text (readability-like)."""
    best, best_score = scope, 0
    for element in scope.iter():
        if not is_element(element) or element.tag not in CONTAINER_TAGS:
            continue
        if furniture.in_furniture(element):
            continue
        score = _own_text(element, furniture)
        if score > best_score:
            best, best_score = element, score
    return best


def _own_text(element: Any, furniture: Furniture) -> int:
    """Return the text of the element's own paragraphs and loose text, less that of links."""
    score = len(clean(element.text))
    for child in element:
        score += len(clean(child.tail))
        if not is_element(child) or furniture.is_furniture(child):
            continue
        if child.tag == "table":
            paragraph = is_data_table(child)  # a layout table is a container
        else:
            paragraph = child.tag in PARAGRAPH_TAGS or (
                child.tag in LEAF_CONTAINERS and not any(
                    is_element(node) and node.tag in BLOCK_TAGS
                    for node in child.iterdescendants()))
        if paragraph:
            text = len(clean(child.text_content()))
            links = sum(len(clean(link.text_content())) for link in child.iter("a"))
            score += max(text - links, 0)
    return score


def _scope(root: Any) -> Any:
    for element in (root, *root.iterancestors()):
        if element.tag in ("body", "html"):
            break
        if _is_scope(element):
            return element
    return None
