"""The query language: a OR b, field prefixes (so:, loai:, nam:, tieude:, coquan:), and
broken syntax that falls back to plain words."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from lxml import html

from index.record import Document
from index.text import fold_accents
from search import SearchIndex, SearchRequest
from search.query import MAX_PREFIX_TERMS, parse_clauses, split_fields
from tests.helpers import containing, public


def found(searcher: SearchIndex, text: str) -> list[str]:
    """Return the ids of every public match of text."""
    result = searcher.search(SearchRequest(query=text, per_page=100))
    assert result.total <= 100
    return [hit.id for hit in result.hits]


@pytest.mark.parametrize("typed", ["loai:ke-hoach", 'loai:"kế hoạch"', "loại:kế-hoạch",
                                   "LOAI:Ke-Hoach"])
def test_loai_keeps_one_document_type(searcher: SearchIndex,
                                      sample_documents: list[Document], typed: str) -> None:
    expected = {d.id for d in public(sample_documents) if d.doc_type == "ke-hoach"}
    assert expected and set(found(searcher, typed)) == expected


def test_loai_narrows_the_words_beside_it(searcher: SearchIndex,
                                          sample_documents: list[Document]) -> None:
    expected = {d.id for d in containing(public(sample_documents), "chi", "bộ")
                if d.doc_type == "bao-cao"}
    assert expected and set(found(searcher, "chi bộ loai:bao-cao")) == expected


def test_nam_keeps_a_year_or_a_range(searcher: SearchIndex,
                                     sample_documents: list[Document]) -> None:
    one = {d.id for d in public(sample_documents) if d.year == 2016}
    assert one and set(found(searcher, "nam:2016")) == one
    span = {d.id for d in public(sample_documents) if d.year and 2015 <= d.year <= 2017}
    assert set(found(searcher, "năm:2015..2017")) == span
    assert set(found(searcher, "nam:2017..2015")) == span  # either order


def test_tieude_looks_in_titles_only(searcher: SearchIndex,
                                     sample_documents: list[Document]) -> None:
    word = "thanh"
    in_titles = {d.id for d in public(sample_documents)
                 if word in fold_accents(d.title).lower().split()}
    anywhere = set(found(searcher, word))
    assert in_titles and in_titles < anywhere
    assert set(found(searcher, f"tieude:{word}")) == in_titles
    phrase = set(found(searcher, 'tiêuđề:"kế hoạch"'))
    assert phrase and all("ke hoach" in fold_accents(d.title).lower()
                          for d in public(sample_documents) if d.id in phrase)


def test_so_finds_the_numbered_document_only(searcher: SearchIndex,
                                             sample_documents: list[Document]) -> None:
    numbered = [d.id for d in public(sample_documents) if d.number == "22-KH/CB"]
    assert numbered
    assert len(found(searcher, "22-KH/CB")) > 1  # the document and those citing it
    for typed in ("so:22-KH/CB", "số:22/kh-cb", "So:22-kh-cb"):
        assert found(searcher, typed) == numbered


def test_or_matches_either_side(searcher: SearchIndex, sample_documents: list[Document]) -> None:
    either = {d.id for d in containing(public(sample_documents), "thanh")} | {
        d.id for d in containing(public(sample_documents), "đường")}
    both = set(found(searcher, "thanh đường"))
    assert set(found(searcher, "thanh OR đường")) == either > both
    three = set(found(searcher, 'thanh OR đường OR "chi bộ"'))
    assert three >= either
    # Lower-case "or" is a word like any other (Vietnamese has none).
    assert [clause.kind for clause in parse_clauses("thanh or đường")] == ["word"] * 3


@pytest.mark.parametrize("typed", ["OR", "thanh OR", "OR thanh", "loai:khong-co-loai-nay",
                                   "nam:abcd", "nam:20166", "foo:bar", "so:", "tieude:",
                                   '"unbalanced', "-", "-loai:ke-hoach", ":", "a:b:c",
                                   "coquan:", 'tieude:"', "loai:", "nam:2016..", "OR OR OR"])
def test_broken_syntax_falls_back_to_plain_words(client: FlaskClient, typed: str) -> None:
    response = client.get("/api/v1/search", query_string={"q": typed})
    assert response.status_code == 200, response.get_data(as_text=True)
    page = client.get("/", query_string={"q": typed})
    assert page.status_code == 200


def test_unknown_prefixes_stay_words() -> None:
    rest, filters, clauses = split_fields("foo:bar loai:khong-co nam:abcd")
    assert "foo:bar" in rest and "loai:khong-co" in rest and "nam:abcd" in rest
    assert filters.types == () and filters.years == () and clauses == []


def test_the_page_explains_the_syntax(client: FlaskClient) -> None:
    text = client.get("/").get_data(as_text=True)
    for example in ('"', " OR ", "so:", "loai:", "nam:", "tieude:", "coquan:"):
        assert example in text, example


def test_a_prefix_matches_the_words_that_begin_so(searcher: SearchIndex,
                                                  sample_documents: list[Document]) -> None:
    documents = public(sample_documents)

    def words(document: Document) -> set[str]:
        return set(re.findall(r"\w+", fold_accents(f"{document.title} {document.body}").lower()))

    beginning = {word for document in documents for word in words(document)
                 if word.startswith("khoa")}
    assert len(beginning) > 1 and len(beginning) <= MAX_PREFIX_TERMS
    expected = {d.id for d in documents if words(d) & beginning}
    assert set(found(searcher, "khoa*")) == expected > set(found(searcher, "khoa"))
    assert set(found(searcher, "khóa*")) == expected  # accents or not
    assert set(found(searcher, "-khoa* hội")) == {
        d.id for d in containing(documents, "hội") if not words(d) & beginning}
    assert found(searcher, "zzzq*") == []
    # One letter is too short a prefix: it is the word itself.
    assert set(found(searcher, "x*")) == set(found(searcher, "x"))


def test_a_query_of_filters_only_says_it_is_newest_first(client: FlaskClient) -> None:
    """Nothing ranks the matches of loai: alone: they come newest first, and the page's
    sort links say so."""
    tree = html.fromstring(client.get("/", query_string={"q": "loai:ke-hoach"}).data)
    assert tree.xpath("string(//p[@class='sort']/strong)") == "Mới nhất"
    dates = [time.get("datetime") for time in tree.xpath("//li[@class='hit']//time")]
    assert dates and dates == sorted(dates, reverse=True)
