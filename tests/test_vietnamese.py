"""Vietnamese matching and ranking: NFC/NFD, tone placement, accents, numbers, dates."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.analysis import exact_analyzer, folded_analyzer
from index.store import open_index
from index.text import canonical_tones
from ingest.pipeline import ingest_paths
from search import SearchIndex, SearchRequest
from search.highlight import Marks, snippet
from search.result import SearchResult

FILLER = "Các hội thành viên tham gia đầy đủ, đóng góp nhiều ý kiến cho văn kiện."
RECORDS = [
    {"id": "duong-giao-thong", "title": "Hội thảo về giao thông nông thôn",
     "body": f"Bàn giải pháp làm đường liên xã. {FILLER}", "issued": "2016-03-01"},
    {"id": "duong-lieu", "title": "Trồng rừng phòng hộ ven biển",
     "body": f"Trồng thêm cây dương liễu dọc bờ biển. {FILLER}", "issued": "2016-04-01"},
    {"id": "hoa-binh-cu", "title": "Bảo vệ hoà bình và phát triển",
     "body": f"Chung tay giữ gìn hoà bình, thuỷ lợi và sức khoẻ cộng đồng. {FILLER}",
     "issued": "2017-01-01"},
    {"id": "hoa-binh-moi", "title": "Bảo vệ hòa bình và phát triển",
     "body": f"Chung tay giữ gìn hòa bình, thủy lợi và sức khỏe cộng đồng. {FILLER}",
     "issued": "2017-01-01"},
    {"id": "ke-hoach-so", "title": "Kế hoạch học tập chuyên đề",
     "body": f"Số: 22-KH/CB\n\nBan hành ngày 11 tháng 10 năm 2016. {FILLER}",
     "issued": "2016-10-11"},
    {"id": "trich-dan", "title": "Báo cáo sơ kết",
     "body": f"Thực hiện Kế hoạch 22-KH/CB ngày 11/10/2016 của Chi bộ. {FILLER}",
     "issued": "2017-05-02"},
    {"id": "dang-uy", "title": "Nghị quyết của Đảng ủy",
     "body": f"Đảng ủy lãnh đạo đổi mới. {FILLER}", "issued": "2018-01-01"},
]


def build(tmp_path: Path, name: str, records: list[dict], segment: bool = False
          ) -> SearchIndex:
    source = tmp_path / f"{name}.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                      encoding="utf-8")
    folder = tmp_path / f"{name}-index"
    report = ingest_paths([source], open_index(folder, create=True, segment=segment))
    assert not report.failed, report.failed
    return SearchIndex(folder)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    search_index = build(tmp_path_factory.mktemp("vi"), "nfc", RECORDS)
    yield search_index
    search_index.close()


def ranking(result: SearchResult) -> list[tuple[str, float]]:
    return [(hit.id, round(hit.score, 6)) for hit in result.hits]


def search(index: SearchIndex, text: str) -> SearchResult:
    return index.search(SearchRequest(query=text, per_page=100))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# 1. NFC first, everywhere

def test_nfd_records_index_and_rank_like_nfc(corpus: SearchIndex, tmp_path: Path) -> None:
    decomposed = [{key: nfd(value) if isinstance(value, str) else value
                   for key, value in record.items()} for record in RECORDS]
    nfd_index = build(tmp_path, "nfd", decomposed)
    for text in ("hòa bình", "đường", "dương liễu", "Đảng ủy", "giao thông nông thôn"):
        assert ranking(search(nfd_index, text)) == ranking(search(corpus, text)), text
        assert ranking(search(corpus, nfd(text))) == ranking(search(corpus, text)), text


def test_analyzers_give_the_same_tokens_for_nfd() -> None:
    text = "Liên hiệp các hội Khoa học tỉnh Thừa Thiên Huế, số 22-KH/CB"
    for analyzer in (folded_analyzer(), exact_analyzer()):
        assert [t.text for t in analyzer(nfd(text))] == [t.text for t in analyzer(text)]


# 2. Tone-mark placement

@pytest.mark.parametrize(("old", "new"), [
    ("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("loà", "lòa"), ("tuỳ", "tùy"),
    ("hoá", "hóa"), ("toả", "tỏa"), ("xoè", "xòe"), ("uỷ ban", "ủy ban"), ("HOÀ", "HÒA"),
    ("Thuỷ", "Thủy"), ("hoạ", "họa"),
])
def test_canonical_tones(old: str, new: str) -> None:
    assert canonical_tones(old) == canonical_tones(new) == new


@pytest.mark.parametrize("word", ["quý", "quỳnh", "hoàng", "ngoài", "khuỷu", "thuyền",
                                  "hoạch", "Quý"])
def test_tones_that_have_one_placement_stay(word: str) -> None:
    assert canonical_tones(word) == word


@pytest.mark.parametrize(("one", "other"), [
    ("hòa bình", "hoà bình"), ("thủy lợi", "thuỷ lợi"), ("sức khỏe", "sức khoẻ"),
    ('"hòa bình"', '"hoà bình"'), ("HOÀ BÌNH", "hòa bình"),
])
def test_both_conventions_match_and_rank_identically(corpus: SearchIndex, one: str,
                                                     other: str) -> None:
    first, second = search(corpus, one), search(corpus, other)
    assert {hit.id for hit in first.hits} == {"hoa-binh-cu", "hoa-binh-moi"}
    assert ranking(first) == ranking(second)
    # The two documents differ only in convention: the exact field scores them equally.
    assert first.hits[0].score == pytest.approx(first.hits[1].score)


# 3. Folding

def test_d_stroke_and_look_alike_eth_fold_to_d(corpus: SearchIndex) -> None:
    expected = search(corpus, "Đảng ủy")
    assert [hit.id for hit in expected.hits] == ["dang-uy"]
    for typed in ("dang uy", "ÐẢNG ỦY", "đảng uỷ", "DANG UY"):
        assert [hit.id for hit in search(corpus, typed).hits] == ["dang-uy"], typed


# 4. Exact and folded forms

def test_unaccented_query_matches_every_accent_variant(corpus: SearchIndex) -> None:
    assert {hit.id for hit in search(corpus, "duong").hits} == {"duong-giao-thong",
                                                                 "duong-lieu"}


@pytest.mark.parametrize(("typed", "first"), [("đường", "duong-giao-thong"),
                                              ("dương", "duong-lieu")])
def test_accented_query_ranks_exact_matches_first(corpus: SearchIndex, typed: str,
                                                  first: str) -> None:
    hits = search(corpus, typed).hits
    assert {hit.id for hit in hits} == {"duong-giao-thong", "duong-lieu"}
    assert hits[0].id == first
    assert hits[0].score > hits[1].score


def test_mixed_query_treats_each_syllable_as_typed(corpus: SearchIndex) -> None:
    # "duong" unaccented matches both; "liễu" accented narrows to the tree.
    assert [hit.id for hit in search(corpus, "duong liễu").hits] == ["duong-lieu"]
    assert [hit.id for hit in search(corpus, "đường lieu").hits] == ["duong-lieu"]


# 5. Words (pyvi), as an index option

def test_segmented_index_adds_words_beside_syllables(tmp_path: Path) -> None:
    tokens = [(t.text, t.pos) for t in exact_analyzer(segment=True)(
        "Liên hiệp các hội Khoa học", positions=True)]
    assert ("liên_hiệp", 0) in tokens and ("khoa_học", 4) in tokens
    assert ("liên", 0) in tokens and ("hiệp", 1) in tokens
    segmented = build(tmp_path, "seg", RECORDS, segment=True)
    for text in ("hòa bình", "hoa binh", '"giữ gìn hoà bình"', "cong dong"):
        assert ({hit.id for hit in search(segmented, text).hits}
                == {hit.id for hit in search(build(tmp_path, f"plain{len(text)}", RECORDS),
                                             text).hits}), text


# 6. Numbers and dates

@pytest.mark.parametrize("typed", ["22-KH/CB", "22/KH-CB", "22 kh cb", "Số 22-KH/CB",
                                   "số 22-kh/cb", "so 22 KH CB"])
def test_number_lookup_forgives_typing(corpus: SearchIndex, typed: str) -> None:
    assert [hit.id for hit in search(corpus, typed).hits] == ["ke-hoach-so", "trich-dan"]


def test_numbers_are_whole_tokens() -> None:
    texts = [t.text for t in folded_analyzer()("Kế hoạch số 22-KH/CB, 11-KH/ĐUK")]
    assert texts == ["ke", "hoach", "so", "22-kh-cb", "11-kh-duk"]


@pytest.mark.parametrize("typed", ["11/10/2016", "11-10-2016", "ngày 11 tháng 10 năm 2016"])
def test_dates_match_however_written(corpus: SearchIndex, typed: str) -> None:
    assert {hit.id for hit in search(corpus, typed).hits} == {"ke-hoach-so", "trich-dan"}


# 7. Highlights

@pytest.mark.parametrize("typed", ["hòa bình", "hoà bình", "hoa binh"])
def test_snippets_keep_the_documents_own_accents(corpus: SearchIndex, typed: str) -> None:
    snippets = {hit.id: hit.snippet for hit in search(corpus, typed).hits}
    assert "<mark>hoà bình</mark>" in snippets["hoa-binh-cu"]
    assert "<mark>hòa bình</mark>" in snippets["hoa-binh-moi"]


def test_snippet_offsets_hold_on_nfd_text() -> None:
    text = nfd("Giữ gìn hoà bình, thuỷ lợi và sức khoẻ cộng đồng.")
    marked = snippet(text, Marks(runs=(("hoa",), ("thuy",))))
    assert f"<mark>{nfd('hoà')}</mark>" in marked and f"<mark>{nfd('thuỷ')}</mark>" in marked
    assert unicodedata.normalize("NFC", marked).count("<mark>") == 2


def test_number_is_highlighted_whole(corpus: SearchIndex) -> None:
    hits = search(corpus, "22-KH/CB").hits
    assert "<mark>22-KH/CB</mark>" in hits[1].snippet
