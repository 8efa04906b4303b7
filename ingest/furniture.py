"""Lines of a publication's page that belong to the site, not to the article."""

from __future__ import annotations

import re

# Headings that open a block of links to other articles.
RELATED_HEADING = re.compile(
    r"^\s*(các bài viết khác|bài viết khác|tin liên quan|bài viết liên quan|tin khác|"
    r"các tin khác|xem thêm)\b", re.IGNORECASE)
# "Người cập nhật: Doãn Quan": who updated the page on the site.
UPDATER = re.compile(r"^\s*Người cập nhật\s*:\s*(?P<name>.+?)\s*$", re.IGNORECASE)


def article_lines(lines: list[str]) -> list[str]:
    """Return lines up to a related-links heading, without the updater line."""
    kept: list[str] = []
    for line in lines:
        if RELATED_HEADING.match(line):
            break
        if not UPDATER.match(line):
            kept.append(line)
    return kept
