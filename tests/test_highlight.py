"""Snippets: escaped text, <mark> on the original words, one ellipsis between passages."""

from __future__ import annotations

import re

from index.analysis import folded_analyzer
from search.highlight import SNIPPET_CHARS, opening, snippet


def test_marks_original_accents_for_a_folded_query() -> None:
    text = "Chi bộ học tập Nghị quyết của Đảng và triển khai nghị quyết mới."
    marked = snippet(text, {"nghi", "quyet"}, folded_analyzer())
    assert "<mark>Nghị</mark> <mark>quyết</mark>" in marked
    assert "<mark>nghị</mark> <mark>quyết</mark>" in marked


def test_passages_are_joined_by_one_ellipsis() -> None:
    filler = " ".join(["khoa học kỹ thuật"] * 60)
    text = f"{filler} đường giao thông {filler} đường nông thôn {filler}"
    marked = snippet(text, {"duong"}, folded_analyzer())
    assert marked.count("<mark>đường</mark>") == 2
    assert "… …" not in marked
    assert marked.startswith("… ") and marked.endswith(" …")


def test_everything_but_mark_is_escaped() -> None:
    text = 'Tiêu đề <script>alert("x")</script> & <b>nghị quyết</b>'
    marked = snippet(text, {"nghi"}, folded_analyzer())
    assert set(re.findall(r"</?(\w+)", marked)) == {"mark"}
    assert "&lt;script&gt;" in marked and "&amp;" in marked


def test_opening_cuts_at_a_word() -> None:
    text = "nghị quyết " * 100
    start = opening(text)
    assert start.endswith(" …") and len(start) <= SNIPPET_CHARS + 2
    assert start[:-2].split()[-1] in ("nghị", "quyết")
