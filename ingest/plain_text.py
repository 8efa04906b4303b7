"""Read a plain text or Markdown file: the title on its first line, the body after it."""

from __future__ import annotations

from typing import Any

from ingest.furniture import article_lines


def read_plain_text(text: str) -> dict[str, Any]:
    """Return the title (first non-empty line, without a Markdown '#') and the body."""
    lines = article_lines(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        return {"title": "", "body": ""}
    title = lines[0].strip().lstrip("#").strip()
    return {"title": title, "body": "\n".join(lines[1:]).strip()}
