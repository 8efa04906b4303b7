"""The numpy query path against Whoosh's own scorer: same matches, same scores, same order."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index import derived
from index.record import Document
from index.schema import POSITION_FIELDS, SEARCHED_FIELDS
from index.store import open_index, prepare, write_documents
from ingest.pipeline import ingest_paths
from search import SearchIndex, SearchRequest
from search.evaluate import Evaluator
from search.postings import Snapshot
from search.query import build_query
from tests.conftest import SAMPLES, SHARED

QUERIES = [
    "nghị quyết", "nghi quyet", "kế hoạch 2016", "hội thảo khoa học", "22-KH/CB",
    "22 kh cb", "05-CT/TW", "Số 05-CT/TW", '"tư vấn phản biện"', '"tu van phan bien"',
    "đường", "duong", "chi bộ đảng", "đại hội đại biểu", "sáng tạo kỹ thuật trẻ",
    "báo cáo tổng kết công tác năm", "khoa học -hội", '"khoa học" công nghệ',
    "ngày 11 tháng 10 năm 2016", "liên hiệp các hội khoa học và kỹ thuật tỉnh",
    "trí thức khoa học công nghệ tham gia tư vấn phản biện giám định xã hội",
    "hoà bình", "hòa bình", "HỘI NGHỊ", "không có từ nàyxyz", "khoa",
]


def _whoosh_ranking(searcher: Any, whoosh_query: Any) -> list[tuple[int, float]]:
    results = searcher.search(whoosh_query, limit=None)
    return sorted(((docnum, score) for docnum, score in results.items()),
                  key=lambda item: (-item[1], item[0]))


def _fast_ranking(snapshot: Snapshot, whoosh_query: Any) -> list[tuple[int, float]]:
    found = Evaluator(snapshot).matches(whoosh_query)
    live = snapshot.live[found.docs]
    return sorted(((int(doc), float(score))
                   for doc, score in zip(found.docs[live], found.scores[live], strict=True)),
                  key=lambda item: (-item[1], item[0]))


def _assert_same(searcher: Any, snapshot: Snapshot, text: str) -> int:
    user_query = build_query(text, searcher.schema)
    compared = 0
    for whoosh_query in (user_query.all_words, user_query.any_words, *user_query.clauses):
        if whoosh_query is None:
            continue
        expected = _whoosh_ranking(searcher, whoosh_query)
        got = _fast_ranking(snapshot, whoosh_query)
        assert [doc for doc, _ in got] == [doc for doc, _ in expected], (text, whoosh_query)
        assert [score for _, score in got] == pytest.approx(
            [score for _, score in expected], rel=1e-12), (text, whoosh_query)
        compared += len(expected)
    return compared


@pytest.fixture()
def changed_index(tmp_path: Path) -> Iterator[Any]:
    """The samples in several segments, some documents replaced and some deleted."""
    ix = open_index(tmp_path / "index", create=True)
    ingest_paths([SAMPLES], ix)
    searcher = ix.searcher()
    stored = [fields for fields in searcher.all_stored_fields()][:6]
    searcher.close()
    replaced = [Document(id=fields["id"], title=fields["title"] + " hội thảo",
                         body="Nghị quyết về khoa học và công nghệ. " * 3)
                for fields in stored[:3]]
    write_documents(ix, [prepare(document, None) for document in replaced])
    writer = ix.writer()
    for fields in stored[3:]:
        writer.delete_by_term("id", fields["id"])
    writer.commit(merge=False)
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) > 1
        assert searcher.reader().has_deletions()
    yield ix


def _snapshot(ix: Any) -> Snapshot:
    """Return the fast path's view of the index's newest generation."""
    home = Path(ix.storage.folder).parent.parent  # builds/<id> in the index folder
    return SearchIndex(home).snapshot()


def test_sample_queries_rank_as_whoosh(index_dir: Path) -> None:
    ix = open_index(index_dir)
    with ix.searcher() as searcher:
        snapshot = _snapshot(ix)
        compared = sum(_assert_same(searcher, snapshot, text) for text in QUERIES)
    assert compared > 200


def test_segments_and_deletions_rank_as_whoosh(changed_index: Any) -> None:
    with changed_index.searcher() as searcher:
        snapshot = _snapshot(changed_index)
        for text in QUERIES:
            _assert_same(searcher, snapshot, text)


def test_mapped_files_rank_as_arrays_made_in_memory(changed_index: Any) -> None:
    """The derived files, written and mapped, hold what the Whoosh segments do."""
    with changed_index.searcher() as searcher:
        mapped = _snapshot(changed_index)
        made = []
        for leaf, _ in searcher.reader().leaf_readers():
            header, arrays = derived.derive(leaf, SEARCHED_FIELDS, POSITION_FIELDS)
            made.append(derived.in_memory(header, arrays))
        assert [segment.segment_id for segment in made] == list(mapped.segment_ids)
        # Deleted documents' postings included, the first ones too: Whoosh's document
        # frequency counts them.
        for again, written in zip(made, mapped.segments, strict=True):
            assert again.arrays.keys() == written.arrays.keys()
            for name, array in again.arrays.items():
                assert np.array_equal(array, written.arrays[name]), name
        deleted = [np.flatnonzero(~mapped.live[start:end])
                   for start, end in zip(mapped.offsets, mapped.offsets[1:], strict=False)]
        in_memory = Snapshot(mapped.generation, searcher.schema, made, deleted)
        for text in QUERIES:
            user_query = build_query(text, searcher.schema)
            assert _fast_ranking(in_memory, user_query.all_words) == \
                _fast_ranking(mapped, user_query.all_words)


@pytest.mark.skipif(not (SHARED / "data" / "laws").is_dir(), reason="needs ../shared/data")
def test_legal_questions_rank_as_whoosh(tmp_path: Path) -> None:
    laws = SHARED / "data" / "laws"
    ix = open_index(tmp_path / "index", create=True)
    ingest_paths([laws / "alqac2022-corpus.jsonl"], ix)
    questions = [json.loads(line)["text"] for line in
                 (laws / "alqac2022-queries-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    with ix.searcher() as searcher:
        snapshot = _snapshot(ix)
        for text in questions[:40]:
            _assert_same(searcher, snapshot, text)


def test_search_pages_follow_the_ranking(index_dir: Path) -> None:
    """Every page of a search is the next slice of the whole ranking."""
    search_index = SearchIndex(index_dir)
    whole = search_index.search(SearchRequest(query="khoa học", per_page=100))
    assert whole.total > 12
    pages = [hit.id for page in range(1, 5)
             for hit in search_index.search(SearchRequest(query="khoa học", page=page,
                                                          per_page=4)).hits]
    assert pages == [hit.id for hit in whole.hits[:16]]
    for order in ("newest", "oldest"):
        whole = search_index.search(SearchRequest(query="khoa học", sort=order, per_page=100))
        paged = [hit.id for page in range(1, 4) for hit in search_index.search(
            SearchRequest(query="khoa học", sort=order, page=page, per_page=5)).hits]
        assert paged == [hit.id for hit in whole.hits[:15]]
