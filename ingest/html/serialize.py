"""Write an element's text out as paragraphs of lines, the way a browser shows it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ingest.html.nodes import class_tokens, clean, is_element
from ingest.html.vocabulary import BLOCK_TAGS

_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)")
_RIGHT_STYLE = re.compile(r"text-align\s*:\s*right")
_RIGHT_CLASSES = frozenset({"text-right", "right", "align-right", "alignright",
                            "has-text-align-right"})
# (text, bold, right-aligned, in a link)
_Piece = tuple[str, bool, bool, bool]


@dataclass
class Paragraph:
    """A paragraph of text, its lines, and how it was shown."""

    lines: list[str]
    index: int  # where it starts in document order
    bold: bool
    right: bool
    chars: int
    link_chars: int
    links: int

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def serialize(root: Any, skip: Callable[[Any], bool], order: dict[Any, int]
              ) -> list[Paragraph]:
    """Write root's text as paragraphs, without the elements skip() names.

    order numbers the page's nodes in document order.
    """
    writer = _Writer()
    none = (False, False, False)
    # Each entry: (node, flags of its parent, entering?)
    stack: list[tuple[Any, tuple[bool, bool, bool], bool]] = [(root, none, True)]
    while stack:
        node, parent_flags, entering = stack.pop()
        at = order.get(node, 0)
        if not entering:
            if node.tag in BLOCK_TAGS:
                writer.end_paragraph()
            if node is not root:
                writer.text(node.tail, parent_flags, at)
            continue
        if not is_element(node) or (node is not root and skip(node)):
            if node is not root:
                writer.text(node.tail, parent_flags, at)
            continue
        if node.tag == "br":
            writer.line_break()
            writer.text(node.tail, parent_flags, at)
            continue
        flags = (parent_flags[0] or _bold(node), parent_flags[1] or _right(node),
                 parent_flags[2] or node.tag == "a")
        if node.tag == "table" and is_data_table(node):
            writer.add(_table(node, skip, order, at))
            if node is not root:
                writer.text(node.tail, parent_flags, at)
            continue
        if node.tag in BLOCK_TAGS:
            writer.end_paragraph()
        writer.text(node.text, flags, at)
        stack.append((node, parent_flags, False))
        stack.extend((child, flags, True) for child in reversed(node))
    writer.end_paragraph()
    return writer.paragraphs


def is_data_table(table: Any) -> bool:
    """Tell a table of data (rows, columns) from a table that lays out the page."""
    if table.find(".//table") is not None:
        return False
    widest = 0
    for row in table.iter("tr"):
        cells = [cell for cell in row if is_element(cell) and cell.tag in ("td", "th")]
        widest = max(widest, len(cells))
        for cell in cells:
            blocks = sum(1 for _ in cell.iter("p", "div", "li", "h2", "h3", "h4", "table"))
            if blocks > 4 or len(clean(cell.text_content())) > 800:
                return False
    return widest >= 2


class _Writer:
    """Collects text pieces into lines and paragraphs."""

    def __init__(self) -> None:
        self.paragraphs: list[Paragraph] = []
        self._lines: list[list[_Piece]] = []
        self._line: list[_Piece] = []
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

    def add(self, paragraph: Paragraph) -> None:
        self.end_paragraph()
        self.paragraphs.append(paragraph)

    def end_paragraph(self) -> None:
        self._end_line()
        if self._lines:
            pieces = [piece for line in self._lines for piece in line if piece[0].strip()]
            lines = [text for text in (clean("".join(p[0] for p in line))
                                       for line in self._lines) if text]
            link_pieces = [piece for piece in pieces if piece[3]]
            self.paragraphs.append(Paragraph(
                lines=lines, index=self._index,
                bold=all(piece[1] for piece in pieces), right=all(piece[2] for piece in pieces),
                chars=sum(len(clean(piece[0])) for piece in pieces),
                link_chars=sum(len(clean(piece[0])) for piece in link_pieces),
                links=len(link_pieces)))
        self._lines = []
        self._breaks = 0
        self._index = -1


def _bold(element: Any) -> bool:
    if element.tag in ("b", "strong"):
        return True
    return bool(_BOLD_STYLE.search((element.get("style") or "").lower()))


def _right(element: Any) -> bool:
    if (element.get("align") or "").lower() == "right":
        return True
    if _RIGHT_STYLE.search((element.get("style") or "").lower()):
        return True
    return bool(_RIGHT_CLASSES & set(class_tokens(element)))


def _table(table: Any, skip: Callable[[Any], bool], order: dict[Any, int], at: int
           ) -> Paragraph:
    """Write a data table as one paragraph: its caption, then a line per row."""
    lines: list[str] = []
    caption = table.find("caption")
    if caption is not None and clean(caption.text_content()):
        lines.append(clean(caption.text_content()))
    for row in table.iter("tr"):
        cells = []
        for cell in row:
            if not is_element(cell) or cell.tag not in ("td", "th") or skip(cell):
                continue
            text = " ".join(line for paragraph in serialize(cell, skip, order)
                            for line in paragraph.lines)
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    chars = sum(len(line) for line in lines)
    return Paragraph(lines=lines, index=at, bold=False, right=False, chars=chars,
                     link_chars=0, links=0)
