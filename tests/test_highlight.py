"""Highlights that show why: words together marked as one, the passage where they stand
together, numbers as written, marked titles; escaped text, one ellipsis between passages."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from index.schema import build_schema
from search import SearchIndex, SearchRequest
from search.highlight import SNIPPET_CHARS, Marks, marked, opening, snippet
from search.query import build_query
from tests.helpers import index_of


def marks_of(text: str) -> Marks:
    """Return what the query text marks."""
    return build_query(text, build_schema()).marks


def test_words_typed_together_are_marked_as_one() -> None:
    text = "Chi bộ học tập Nghị quyết của Đảng và triển khai nghị quyết mới."
    found = snippet(text, marks_of("nghi quyet"))
    assert found.count("<mark>Nghị quyết</mark>") == 1
    assert found.count("<mark>nghị quyết</mark>") == 1
    assert "<mark>Nghị</mark>" not in found


def test_a_word_inside_another_compound_is_not_marked_where_the_phrase_is_found() -> None:
    text = ("Hội nghị bàn về đề nghị giải quyết kiến nghị. Hội nghị thông qua Nghị quyết "
            "về công tác năm 2017.")
    found = marked(text, marks_of("nghị quyết"))
    assert re.findall(r"<mark>(.*?)</mark>", found) == ["Nghị quyết"]


def test_words_are_marked_alone_where_they_never_stand_together() -> None:
    text = "Đề nghị các hội thành viên giải quyết dứt điểm."
    found = marked(text, marks_of("nghị quyết"))
    assert re.findall(r"<mark>(.*?)</mark>", found) == ["nghị", "quyết"]


def test_a_quoted_phrase_is_marked_only_whole() -> None:
    text = "Chuyển đổi số là ưu tiên; chuyển giao và đổi mới cũng vậy."
    found = marked(text, marks_of('"chuyển đổi số"'))
    assert re.findall(r"<mark>(.*?)</mark>", found) == ["Chuyển đổi số"]


def test_a_loosely_typed_number_marks_the_number_as_written() -> None:
    text = "Thực hiện Kế hoạch số 22-KH/CB của Chi bộ; KH năm sau, CB mới, 22 người."
    for typed in ("22 kh cb", "22-kh-cb", "22/KH-CB", "số 22 KH CB"):
        found = marked(text, marks_of(typed))
        assert re.findall(r"<mark>(.*?)</mark>", found) == ["22-KH/CB"], typed


def test_a_date_is_marked_as_written() -> None:
    text = "Kế hoạch số 22-KH/CB ngày 11/10/2016 của Chi bộ."
    assert re.findall(r"<mark>(.*?)</mark>", marked(text, marks_of("11/10/2016"))) == [
        "11/10/2016"]


def test_the_snippet_is_the_passage_where_the_words_stand_together() -> None:
    filler = " ".join(["bản tin của liên hiệp hội"] * 30)
    text = (f"Khoa học ở đây. {filler} Nghiên cứu công nghệ mới. {filler} "
            f"Giải thưởng sáng tạo khoa học công nghệ tỉnh năm 2015. {filler}")
    found = snippet(text, marks_of("khoa học công nghệ"))
    passages = found.removeprefix("… ").removesuffix(" …").split(" … ")
    assert "<mark>khoa học công nghệ</mark>" in passages[0]


def test_passages_are_joined_by_one_ellipsis() -> None:
    filler = " ".join(["khoa học kỹ thuật"] * 60)
    text = f"{filler} đường giao thông {filler} đường nông thôn {filler}"
    found = snippet(text, marks_of("duong"))
    assert found.count("<mark>đường</mark>") >= 1
    assert "… …" not in found
    assert found.startswith("… ") and found.endswith(" …")


def test_everything_but_mark_is_escaped() -> None:
    text = 'Tiêu đề <script>alert("x")</script> & <b>nghị quyết</b>'
    for found in (snippet(text, marks_of("nghi")), marked(text, marks_of("nghi"))):
        assert set(re.findall(r"</?(\w+)", found)) == {"mark"}
        assert "&lt;script&gt;" in found and "&amp;" in found


def test_opening_cuts_at_a_word() -> None:
    text = "nghị quyết " * 100
    start = opening(text)
    assert start.endswith(" …") and len(start) <= SNIPPET_CHARS + 2
    assert start[:-2].split()[-1] in ("nghị", "quyết")


RECORDS = [
    {"id": "kh-22", "title": "Kế hoạch thực hiện Nghị quyết Đại hội", "number": "22-KH/CB",
     "body": "Số: 22-KH/CB\n\nHội nghị Chi bộ bàn việc thực hiện Nghị quyết Đại hội.",
     "doc_type": "ke-hoach", "issued": "2016-10-11"},
    {"id": "tin-1", "title": "Chi bộ sinh hoạt chuyên đề",
     "body": "Thực hiện Kế hoạch số 22-KH/CB ngày 11/10/2016, đề nghị giải quyết.",
     "doc_type": "tin-tuc", "issued": "2016-12-01"},
]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    index = SearchIndex(index_of(tmp_path_factory.mktemp("highlight"), RECORDS))
    yield index
    index.close()


def test_hits_carry_a_marked_title_beside_the_title(small_index: SearchIndex) -> None:
    hit = small_index.search(SearchRequest(query="nghi quyet dai hoi")).hits[0]
    assert hit.id == "kh-22"
    assert hit.title == "Kế hoạch thực hiện Nghị quyết Đại hội"
    assert hit.title_html == "Kế hoạch thực hiện <mark>Nghị quyết Đại hội</mark>"
    assert "<mark>Nghị quyết Đại hội</mark>" in hit.snippet
    assert "<mark>nghị</mark>" not in hit.snippet.lower().replace("nghị quyết", "")


def test_a_number_query_marks_the_number_in_every_hit(small_index: SearchIndex) -> None:
    hits = small_index.search(SearchRequest(query="22 kh cb")).hits
    assert {hit.id for hit in hits} == {"kh-22", "tin-1"}
    for hit in hits:
        assert re.findall(r"<mark>(.*?)</mark>", hit.snippet) == ["22-KH/CB"], hit.snippet


def test_a_title_without_a_match_is_only_escaped(small_index: SearchIndex) -> None:
    hits = small_index.search(SearchRequest(query="giải quyết")).hits
    assert [hit.id for hit in hits] == ["tin-1"]
    assert hits[0].title_html == "Chi bộ sinh hoạt chuyên đề"
