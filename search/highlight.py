"""Snippets: the passages of a text around the matched words, escaped, with <mark>."""

from __future__ import annotations

import html
from typing import Any

from whoosh import highlight

SNIPPET_CHARS = 240
ELLIPSIS = "…"


class MarkFormatter(highlight.Formatter):
    """Escape every character of the text; wrap matched words in <mark>."""

    def _text(self, text: str) -> str:
        return html.escape(text)

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f"<mark>{html.escape(highlight.get_text(text, token, replace))}</mark>"

    def format(self, fragments: list[Any], replace: bool = False) -> str:
        if not fragments:
            return ""
        parts = [self.format_fragment(fragment, replace=replace).strip()
                 for fragment in fragments]
        marked = f" {ELLIPSIS} ".join(parts)
        if fragments[0].startchar > 0:
            marked = f"{ELLIPSIS} {marked}"
        if fragments[-1].endchar < len(fragments[-1].text):
            marked = f"{marked} {ELLIPSIS}"
        return marked


def snippet(text: str, terms: set[str], analyzer: Any) -> str:
    """Return an HTML-safe snippet of text around terms, or its opening if none match."""
    if terms and text:
        fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=80)
        marked = highlight.highlight(text, terms, analyzer, fragmenter, MarkFormatter(),
                                     top=2, order=highlight.FIRST)
        if marked:
            return " ".join(str(marked).split())
    return opening(text)


def opening(text: str) -> str:
    """Return the escaped start of text, cut at a word boundary."""
    flat = " ".join(text.split())
    if len(flat) <= SNIPPET_CHARS:
        return html.escape(flat)
    cut = flat.rfind(" ", 0, SNIPPET_CHARS)
    return html.escape(flat[: cut if cut > 0 else SNIPPET_CHARS]) + f" {ELLIPSIS}"
