"""Text and elements of a parsed page: the small helpers every step of reading it shares."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_PART_SEPARATORS = re.compile(r"[-_]+")


def clean(text: str | None) -> str:
    """Return text without invisible characters, its white space runs made one space."""
    return _SPACE.sub(" ", _INVISIBLE.sub("", text or "")).strip()


def norm(text: str | None) -> str:
    """Return text cleaned and case-folded, to compare."""
    return clean(text).casefold()


def same(first: str, second: str) -> bool:
    """Tell whether two texts are the same but for case and spacing."""
    return norm(first) == norm(second)


def is_element(node: Any) -> bool:
    """Tell an element from a comment or processing instruction."""
    return isinstance(node.tag, str)


def class_tokens(element: Any) -> list[str]:
    """Return the element's class names and id, lower case."""
    return f"{element.get('class') or ''} {element.get('id') or ''}".lower().split()


def class_parts(token: str) -> list[str]:
    """Return the parts of a class name ("jp-relatedposts" -> "jp", "relatedposts")."""
    return [part for part in _PART_SEPARATORS.split(token) if part]


def remove(element: Any, keep_tail: bool = True) -> None:
    """Remove an element from the tree, keeping the text that follows it unless told not to."""
    parent = element.getparent()
    if parent is None:
        return
    if keep_tail and element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def short_text(element: Any, limit: int) -> str | None:
    """Return the element's clean text, or None as soon as it is longer than limit."""
    pieces: list[str] = []
    size = 0
    for piece in element.itertext():
        size += len(piece)
        pieces.append(piece)
        if size > 4 * limit and len(clean("".join(pieces))) > limit:
            return None
    text = clean("".join(pieces))
    return text if len(text) <= limit else None


def text_outside(root: Any, skip: Callable[[Any], bool]) -> str:
    """Return the text of root without the subtrees skip() names."""
    texts: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, True)]
    while stack:
        node, entering = stack.pop()
        if not entering or not is_element(node) or (node is not root and skip(node)):
            if node is not root:
                texts.append(node.tail or "")
            continue
        texts.append(node.text or "")
        stack.append((node, False))
        stack.extend((child, True) for child in reversed(node))
    return "".join(texts)
