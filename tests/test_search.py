"""The search function on the sample index: matching, facets, filters, order, pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.record import Document
from index.schema import build_schema
from index.store import open_index, prepare, write_documents
from search import InvalidParameter, SearchIndex, SearchRequest
from search.engine import ISSUED_BOOST
from search.query import MAX_RANKED_CLAUSES, build_query, parse_clauses
from tests.helpers import containing, facet_counts, public


def ids(result_hits: list) -> list[str]:  # type: ignore[type-arg]
    return [hit.id for hit in result_hits]


def all_ids(searcher: SearchIndex, request: SearchRequest) -> list[str]:
    """Return the ids of every page of a search, in order."""
    found: list[str] = []
    page = 1
    while True:
        result = searcher.search(SearchRequest(**{**request.__dict__, "page": page}))
        found += ids(result.hits)
        if page >= result.pages:
            return found
        page += 1


@pytest.mark.parametrize("words", [("nghị", "quyết"), ("kế", "hoạch"), ("hội", "thảo"),
                                   ("đường",), ("chuyển", "đổi", "số")])
def test_total_matches_count_from_records(searcher: SearchIndex,
                                          sample_documents: list[Document],
                                          words: tuple[str, ...]) -> None:
    expected = {d.id for d in containing(public(sample_documents), *words)}
    result = searcher.search(SearchRequest(query=" ".join(words), per_page=100))
    assert result.total == len(expected)
    assert set(ids(result.hits)) == expected


def test_accents_are_optional(searcher: SearchIndex) -> None:
    accented = searcher.search(SearchRequest(query="nghị quyết", per_page=100))
    bare = searcher.search(SearchRequest(query="nghi quyet", per_page=100))
    upper = searcher.search(SearchRequest(query="NGHỊ QUYẾT", per_page=100))
    assert accented.total > 0
    assert set(ids(accented.hits)) == set(ids(bare.hits)) == set(ids(upper.hits))


def test_facets_count_every_match_not_only_the_page(searcher: SearchIndex,
                                                    sample_documents: list[Document]) -> None:
    matching = containing(public(sample_documents), "kế", "hoạch")
    years, types = facet_counts(matching)
    result = searcher.search(SearchRequest(query="ke hoach", per_page=1))
    assert len(result.hits) == 1 and result.total == len(matching)
    assert {f.value: f.count for f in result.facets["year"]} == dict(years)
    assert {f.value: f.count for f in result.facets["doc_type"]} == dict(types)


def test_year_filter_keeps_the_other_years_countable(searcher: SearchIndex,
                                                     sample_documents: list[Document]) -> None:
    documents = public(sample_documents)
    year = max(d.year or 0 for d in documents)
    result = searcher.search(SearchRequest(years=(year,), per_page=100))
    in_year = [d for d in documents if d.year == year]
    assert result.total == len(in_year)
    assert {hit.year for hit in result.hits} == {year}
    years, types = facet_counts(documents)
    # The year facet still counts every year; the type facet only the chosen year.
    assert {f.value: f.count for f in result.facets["year"]} == dict(years)
    assert {f.value: f.count for f in result.facets["doc_type"]} == dict(facet_counts(in_year)[1])
    assert [f.selected for f in result.facets["year"]].count(True) == 1


def test_type_and_year_range_filters(searcher: SearchIndex,
                                     sample_documents: list[Document]) -> None:
    documents = public(sample_documents)
    request = SearchRequest(types=("ke-hoach", "nghi-quyet"), year_from=2015, year_to=2017,
                            per_page=100)
    expected = {d.id for d in documents if d.doc_type in request.types
                and d.year is not None and 2015 <= d.year <= 2017}
    assert expected
    assert set(ids(searcher.search(request).hits)) == expected


def test_empty_query_lists_everything_newest_first(searcher: SearchIndex,
                                                   sample_documents: list[Document]) -> None:
    documents = public(sample_documents)
    everything = all_ids(searcher, SearchRequest(per_page=7))
    assert len(everything) == len(set(everything)) == len(documents)
    issued = {d.id: d.issued for d in documents}
    dates = [issued[doc_id] for doc_id in everything]
    assert dates == sorted(dates, reverse=True)
    oldest = all_ids(searcher, SearchRequest(sort="oldest", per_page=100))
    assert [issued[doc_id] for doc_id in oldest] == sorted(dates)


def test_pages_split_the_ranking_without_gaps(searcher: SearchIndex) -> None:
    whole = ids(searcher.search(SearchRequest(query="hoi", per_page=100)).hits)
    paged = all_ids(searcher, SearchRequest(query="hoi", per_page=3))
    assert len(whole) > 6
    assert paged == whole


def test_page_past_the_end_is_empty_but_keeps_total(searcher: SearchIndex) -> None:
    result = searcher.search(SearchRequest(query="hoi", page=999))
    assert result.hits == [] and result.total > 0


def test_internal_documents_never_reach_the_public(searcher: SearchIndex,
                                                   sample_documents: list[Document]) -> None:
    internal = [d for d in sample_documents if d.visibility == "internal"]
    assert internal, "the samples include staff-only documents"
    for document in internal:
        words = document.title.split()[:4]
        result = searcher.search(SearchRequest(query=" ".join(words), per_page=100))
        assert document.id not in ids(result.hits)
        staff = searcher.search(SearchRequest(query=" ".join(words), per_page=100,
                                              include_internal=True))
        assert document.id in ids(staff.hits)
        assert staff.total > result.total
    everything = searcher.search(SearchRequest(per_page=100))
    assert everything.total == len(public(sample_documents))
    assert sum(f.count for f in everything.facets["doc_type"]) == everything.total
    assert searcher.stats()["documents"] == everything.total


def test_number_query_puts_the_numbered_document_first(searcher: SearchIndex,
                                                       sample_documents: list[Document]) -> None:
    [plan] = [d for d in sample_documents if d.number == "22-KH/CB"]
    citing = {d.id for d in public(sample_documents) if "22-KH/CB" in d.refs and d.id != plan.id}
    assert citing
    for typed in ("22-KH/CB", "22/KH-CB", "22 kh cb", "Số 22-KH/CB"):
        result = searcher.search(SearchRequest(query=typed, per_page=100))
        assert result.hits[0].id == plan.id, typed
        assert set(ids(result.hits[1:len(citing) + 1])) == citing, typed


def test_snippets_mark_matches_in_the_original_accents(searcher: SearchIndex) -> None:
    result = searcher.search(SearchRequest(query="nghi quyet"))
    assert result.hits
    for hit in result.hits:
        assert "<mark>" in hit.snippet or "nghị quyết" in hit.title.lower()
    marked = " ".join(hit.snippet for hit in result.hits)
    assert "<mark>nghị</mark>" in marked.lower() or "<mark>Nghị</mark>" in marked


@pytest.mark.parametrize(("changes", "parameter"), [
    ({"types": ("khong-co",)}, "type"),
    ({"sort": "random"}, "sort"),
    ({"page": 0}, "page"),
    ({"per_page": 101}, "per_page"),
    ({"year_from": 2018, "year_to": 2016}, "year_from"),
    ({"query": "x" * 2001}, "q"),
])
def test_invalid_requests_name_the_parameter(changes: dict, parameter: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidParameter) as error:
        SearchRequest(**changes)
    assert error.value.parameter == parameter
    assert f"'{parameter}'" in error.value.message


@pytest.mark.parametrize("query", ['"', "(", "AND", "nghị AND", "*", "OR OR", ")(", "\x00",
                                   "title:x", "visibility:internal", "~", "^2", "[a TO"])
def test_odd_queries_do_not_raise(searcher: SearchIndex, query: str) -> None:
    result = searcher.search(SearchRequest(query=query))
    assert result.total >= 0


def test_facets_right_across_segments_with_and_without_dates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from index.store import open_index
    from ingest.pipeline import ingest_paths

    ix = open_index(tmp_path / "index", create=True)
    batches = [
        [{"id": "a", "title": "Hội thảo khoa học", "issued": "2016-01-02"}],
        [{"id": "b", "title": "Hội thảo không ngày"}],
        [{"id": "c", "title": "Hội thảo năm sau", "issued": "2017-05-06", "doc_type": "bao-cao"},
         {"id": "a", "title": "Hội thảo khoa học (sửa)", "issued": "2016-01-02"}],
    ]
    for number, batch in enumerate(batches):
        source = tmp_path / f"batch{number}.jsonl"
        source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in batch),
                          encoding="utf-8")
        ingest_paths([source], ix)
    result = SearchIndex(tmp_path / "index").search(SearchRequest(query="hoi thao"))
    assert result.total == 3
    assert {f.value: f.count for f in result.facets["year"]} == {2016: 1, 2017: 1}
    assert {f.value: f.count for f in result.facets["doc_type"]} == {"tin-tuc": 2, "bao-cao": 1}
    newest = SearchIndex(tmp_path / "index").search(SearchRequest(sort="newest"))
    assert ids(newest.hits) == ["c", "a", "b"]


def test_a_query_of_many_clauses_counts_them_all(searcher: SearchIndex) -> None:
    """A long query of 160 clauses: a word repeated is one clause, and the per-document
    counts hold every clause kept."""
    one = searcher.search(SearchRequest(query="và"))
    many = searcher.search(SearchRequest(query=" ".join(["và"] * 160)))
    assert many.total == one.total > 0
    words = " ".join(f"và{number}" for number in range(159))
    mixed = searcher.search(SearchRequest(query="và " + words))
    assert mixed.match == "most" and mixed.total == 0


def _scores(path: Path, query: str, staff: bool = False) -> list[tuple[str, float]]:
    index = SearchIndex(path)
    try:
        result = index.search(SearchRequest(query=query, per_page=100, include_internal=staff))
        return [(hit.id, hit.score) for hit in result.hits]
    finally:
        index.close()


def test_scores_count_only_what_the_asker_may_see(tmp_path: Path,
                                                  sample_documents: list[Document]) -> None:
    """Public scores equal an index without the internal documents (document frequency and
    field lengths included); staff scores equal an index without the deleted ones."""
    everything, without_internal = tmp_path / "all", tmp_path / "public"
    write_documents(open_index(everything, create=True),
                    [prepare(document, None) for document in sample_documents])
    write_documents(open_index(without_internal, create=True),
                    [prepare(document, None) for document in public(sample_documents)])
    # A word that internal documents also hold, so that counting them would show.
    shared = [word for word in ("nghị quyết", "chi bộ", "đảng viên", "kiểm điểm")
              if containing([d for d in sample_documents if d.visibility == "internal"],
                            *word.split())]
    assert shared
    for query in shared:
        public_scores = _scores(everything, query)
        assert public_scores and public_scores == _scores(without_internal, query)
    # Staff: the deleted documents no longer count either.
    ix = open_index(everything)
    gone = [d.id for d in sample_documents][:5]
    writer = ix.writer()
    for doc_id in gone:
        writer.delete_by_term("id", doc_id)
    writer.commit(merge=False)
    fresh = tmp_path / "fresh"
    write_documents(open_index(fresh, create=True),
                    [prepare(d, None) for d in sample_documents if d.id not in gone])
    for query in shared:
        assert _scores(everything, query, staff=True) == _scores(fresh, query, staff=True)


def test_a_long_pasted_passage_finds_its_document_first(
        searcher: SearchIndex, sample_documents: list[Document]) -> None:
    """Search up to 2,000 characters: a passage pasted from a document, with far more
    distinct words than the engine ranks (MAX_RANKED_CLAUSES), finds that document first."""
    tested = 0
    for document in public(sample_documents)[:12]:
        body = " ".join(document.body.split())
        text = body[:2000].rsplit(" ", 1)[0]
        clauses = {clause for clause in parse_clauses(text) if not clause.negated}
        if len(text) < 1500 or len(clauses) <= MAX_RANKED_CLAUSES:
            continue
        kept = build_query(text, build_schema(), lambda found: [0] * len(found)).clauses
        assert len(kept) == MAX_RANKED_CLAUSES
        result = searcher.search(SearchRequest(query=text, per_page=3))
        assert ids(result.hits)[:1] == [document.id], document.id
        tested += 1
    assert tested >= 3


def test_queries_up_to_2000_characters_are_searched(searcher: SearchIndex) -> None:
    assert searcher.search(SearchRequest(query="hội " * 500)).query
    with pytest.raises(InvalidParameter) as refused:
        SearchRequest(query="a" * 2001)
    assert refused.value.parameter == "q"


@pytest.mark.parametrize("typed", ["11/10/2016", "11-10-2016", "ngày 11 tháng 10 năm 2016"])
def test_a_date_puts_the_documents_issued_that_day_first(
        searcher: SearchIndex, sample_documents: list[Document], typed: str) -> None:
    """Answer a date with the documents issued that day, then those that mention it."""
    issued = {d.id for d in public(sample_documents) if d.issued == "2016-10-11"}
    assert issued
    result = searcher.search(SearchRequest(query=typed, per_page=100))
    found = ids(result.hits)
    assert set(found[:len(issued)]) == issued
    mentioning = [hit for hit in result.hits[len(issued):]]
    assert mentioning and all(hit.id not in issued for hit in mentioning)
    assert all(hit.score >= ISSUED_BOOST for hit in result.hits[:len(issued)])
    # With words beside it, the date is one more word to find, not an issue date.
    mixed = searcher.search(SearchRequest(query=f"{typed} kế hoạch", per_page=100))
    assert mixed.total and all(hit.score < ISSUED_BOOST for hit in mixed.hits)
