"""Issuers (cơ quan ban hành): inferred from a document's heading, its number's code or its
sidecar, one canonical name per body (index/issuers.json), a facet, issuer= and coquan:."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.issuers import canonical_issuer, issuer_of_number
from index.record import Document
from ingest.metadata import issuer_in_text
from search import SearchIndex, SearchRequest
from search.facets import issuer_slug
from tests.helpers import index_of

CHI_BO = "Chi bộ cơ quan Liên hiệp hội"
LHH = "Liên hiệp các hội Khoa học và Kỹ thuật tỉnh"
DANG_UY = "Đảng ủy Liên hiệp hội"


@pytest.mark.parametrize("written", [CHI_BO, "CHI BỘ CƠ QUAN LIÊN HIỆP HỘI", "Chi bộ Liên hiệp hội",
                                     "chi bo  lien hiep hoi", "CB",
                                     "CHI BỘ LIÊN HIỆP CÁC HỘI KHOA HỌC VÀ KỸ THUẬT TỈNH"])
def test_every_way_of_writing_a_body_is_one_issuer(written: str) -> None:
    assert canonical_issuer(written) == CHI_BO


def test_a_body_the_data_does_not_know_keeps_its_name() -> None:
    assert canonical_issuer("  Hội   Nông dân tỉnh ") == "Hội Nông dân tỉnh"
    assert canonical_issuer("Liên hiệp các hội KH&KT tỉnh") == LHH


@pytest.mark.parametrize(("number", "issuer"), [
    ("22-KH/CB", CHI_BO), ("16-CT/ĐU", DANG_UY), ("03/QĐ-LHH", LHH),
    ("11-KH/ĐUK", "Đảng ủy Khối các cơ quan tỉnh"), ("05-CT/TW", "Ban Chấp hành Trung ương Đảng"),
    ("30/2020/NĐ-CP", "Chính phủ"), ("61/2020/QH14", "Quốc hội"),
    ("05/QĐ-UBND", "Ủy ban nhân dân tỉnh"), ("99-KH/ZZ", ""), ("không phải số", ""),
])
def test_a_numbers_code_names_its_issuer(number: str, issuer: str) -> None:
    assert issuer_of_number(number) == issuer


def test_the_heading_above_the_number_names_the_issuer() -> None:
    body = ("ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH\nCHI BỘ LIÊN HIỆP CÁC HỘI KHOA HỌC VÀ KỸ THUẬT TỈNH\n"
            "Số: 22-KH/CB\n\nHuế, ngày 11 tháng 10 năm 2016\n\nKế hoạch ...")
    assert issuer_in_text(body, "22-KH/CB") == CHI_BO
    unknown = "HỘI NÔNG DÂN TỈNH\nSố: 05-KH/HND\n\nKế hoạch ..."
    assert issuer_in_text(unknown, "05-KH/HND") == "Hội nông dân tỉnh"
    # Without a heading, the number's code.
    assert issuer_in_text("Kế hoạch thực hiện ...", "16-CT/ĐU") == DANG_UY


@pytest.fixture(scope="module")
def records_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    records = [
        {"id": "a", "title": "Kế hoạch", "body": "Kế hoạch năm.", "issuer": "CB"},
        {"id": "b", "title": "Thông báo", "body": "Thông báo.", "number": "19/TB-LHH"},
        {"id": "c", "title": "Tin", "body": "Tin.", "issuer": "Chi bộ Liên hiệp hội"},
    ]
    return index_of(tmp_path_factory.mktemp("issuers"), records)


def test_a_records_issuer_is_stored_by_its_canonical_name(records_index: Path) -> None:
    index = SearchIndex(records_index)
    try:
        assert index.document("a").issuer == CHI_BO
        assert index.document("c").issuer == CHI_BO
        assert index.document("b").issuer == LHH  # from its number
        facet = index.search(SearchRequest()).facets["issuer"]
        assert [(item.value, item.count) for item in facet] == [
            (issuer_slug(CHI_BO), 2), (issuer_slug(LHH), 1)]
    finally:
        index.close()


def test_the_samples_carry_issuers(sample_documents: list[Document], searcher: SearchIndex
                                   ) -> None:
    numbered = [document for document in sample_documents if document.number]
    assert numbered and all(document.issuer for document in numbered)
    [plan] = [document for document in sample_documents if document.number == "22-KH/CB"]
    assert plan.issuer == CHI_BO
    counts = {item.label: item.count for item in
              searcher.search(SearchRequest(include_internal=True)).facets["issuer"]}
    assert set(counts) == {CHI_BO, LHH, DANG_UY}
    assert sum(counts.values()) == len(numbered)


@pytest.mark.parametrize("named", ["CB", "chi bo lien hiep hoi", issuer_slug(CHI_BO)])
def test_issuer_and_coquan_accept_codes_and_aliases(searcher: SearchIndex, named: str,
                                                    sample_documents: list[Document]) -> None:
    wanted = {document.id for document in sample_documents
              if document.issuer == CHI_BO and document.visibility == "public"}
    by_filter = searcher.search(SearchRequest(issuers=(named,), per_page=100))
    assert {hit.id for hit in by_filter.hits} == wanted
    by_query = searcher.search(SearchRequest(query="coquan:CB", per_page=100))
    assert {hit.id for hit in by_query.hits} == wanted
