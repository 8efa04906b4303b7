"""Ingest: sample publications, HTML pages, text files, JSON records, bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from index.doctypes import DOC_TYPES
from index.record import Document
from index.store import open_index
from ingest.html import read_html
from ingest.pipeline import IngestReport, ingest_paths, read_documents
from search import SearchIndex, SearchRequest
from tests.conftest import SHARED

PORTAL_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>Kế hoạch tổ chức hội thảo khoa học - Liên hiệp các hội Khoa học và Kỹ thuật tỉnh</title>
<link rel="canonical" href="https://lhh.example.vn/van-ban/ke-hoach-12.html">
<script>var menu = "Trang chủ";</script><style>.x{color:red}</style>
</head><body>
<div id="header"><ul class="menu"><li><a href="/">Trang chủ</a></li>
<li><a href="/gioi-thieu">Giới thiệu</a></li></ul></div>
<div id="content"><div class="news-detail">
<h1 class="title">Kế hoạch tổ chức hội thảo khoa học</h1>
<div class="date">Ngày đăng: 05/03/2018</div>
<div class="content-detail">
<p>Số: 12/KH-LHH</p>
<p>Thực hiện Nghị quyết số 15-NQ/ĐU ngày 10 tháng 1 năm 2018 của Đảng ủy &amp; Chỉ thị
   số 05-CT/TW, Liên hiệp hội xây dựng kế hoạch như sau.</p>
<p>Hội thảo bàn về chuyển đổi số trong hoạt động tư vấn, phản biện.</p>
<p class="author"><strong>Minh Anh</strong></p>
</div>
<div class="updater">Người cập nhật: Doãn Quan</div>
<div class="other-news"><h3>Các bài viết khác:</h3>
<ul><li><a href="/tin-tuc/1.html">Đại hội chi đoàn thanh niên nhiệm kỳ mới</a></li></ul></div>
</div></div>
<div id="footer"><p>Bản quyền thuộc Liên hiệp hội. Địa chỉ: 26 Lê Lợi</p></div>
</body></html>"""


def read_one(tmp_path: Path, name: str, content: str | bytes
             ) -> tuple[list[Document], IngestReport]:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return read_documents([path])


def test_samples_read_without_failure(sample_documents: list[Document]) -> None:
    assert len(sample_documents) >= 40
    assert len({document.doc_type for document in sample_documents}) >= 6
    assert len({document.year for document in sample_documents}) >= 5
    assert all(document.title and document.body and document.issued
               for document in sample_documents)
    assert sum(1 for document in sample_documents if document.refs) >= 10
    assert [d for d in sample_documents if d.number == "22-KH/CB"][0].doc_type == "ke-hoach"


def test_sample_pages_lose_their_site_furniture(sample_documents: list[Document]) -> None:
    for document in sample_documents:
        assert "Các bài viết khác" not in document.body, document.id
        assert "Người cập nhật" not in document.body, document.id
        assert "Trang chủ" not in document.body, document.id
        assert "Bản quyền" not in document.body, document.id
        assert " - Liên hiệp các hội" not in document.title, document.id


def test_sample_ingest_round_trip(sample_index: tuple[Path, IngestReport],
                                  sample_documents: list[Document]) -> None:
    path, report = sample_index
    assert report.failed == []
    assert report.read == report.added == len(sample_documents)
    search_index = SearchIndex(path)
    for document in sample_documents:
        assert search_index.document(document.id, include_internal=True) == document


def test_portal_page_fields(tmp_path: Path) -> None:
    documents, report = read_one(tmp_path, "ke-hoach-12.html", PORTAL_PAGE)
    assert report.failed == []
    [document] = documents
    assert document.id == "ke-hoach-12"
    assert document.title == "Kế hoạch tổ chức hội thảo khoa học"
    assert document.issued == "2018-03-05" and document.year == 2018
    assert document.author == "Minh Anh"
    assert document.number == "12/KH-LHH"
    assert document.doc_type == "ke-hoach"
    assert document.refs == ("15-NQ/ĐU", "05-CT/TW")
    assert document.url == "https://lhh.example.vn/van-ban/ke-hoach-12.html"
    assert "Đảng ủy & Chỉ thị số 05-CT/TW" in document.body
    assert "chuyển đổi số" in document.body
    for furniture in ("Đại hội chi đoàn", "Doãn Quan", "Giới thiệu", "Bản quyền", "var menu",
                      "color:red", "Minh Anh", "Ngày đăng"):
        assert furniture not in document.body


def test_title_falls_back_to_head_title_without_site_name() -> None:
    page = PORTAL_PAGE.replace('<h1 class="title">Kế hoạch tổ chức hội thảo khoa học</h1>', "")
    assert read_html(page)["title"] == "Kế hoạch tổ chức hội thảo khoa học"


@pytest.mark.skipif(not (SHARED / "samples").is_dir(), reason="../shared/samples not present")
def test_real_association_article(tmp_path: Path) -> None:
    source = SHARED / "samples" / "husta-chi-bo-2017.txt"
    documents, report = read_documents([shutil.copy(source, tmp_path / source.name)])
    assert report.failed == []
    [document] = documents
    assert document.title == source.read_text(encoding="utf-8").splitlines()[0].strip()
    assert {"22-KH/CB", "05-CT/TW", "11-KH/ĐUK"} <= set(document.refs)
    assert document.doc_type == "tin-tuc"
    assert "Người cập nhật" not in document.body
    assert "Các bài viết khác" not in document.body
    assert "Thành Chung" in document.body  # the byline stays until bylines are parsed


def test_json_lines_keep_good_records_and_name_bad_ones(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "title": "Nghị quyết về khoa học", "issued": "2016-05-01", "extra": 1},
        {"id": "b", "title": 5},
        "not json",
        {"id": "c", "body": "Báo cáo tổng kết", "issued": "2016-13-01"},
        {"id": "a", "title": "Trùng mã"},
        {"id": "d", "body": "Thông báo kết quả", "extra": 2, "doc_type": "thong-bao"},
        {"title": "Không có mã"},
    ]
    text = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
                     for line in lines)
    documents, report = read_one(tmp_path, "records.jsonl", text)
    assert [document.id for document in documents] == ["a", "d"]
    reasons = {failure.source.rsplit(":", 1)[1]: failure.reason for failure in report.failed}
    assert set(reasons) == {"2", "3", "4", "5", "7"}
    assert "'title'" in reasons["2"]
    assert "invalid JSON" in reasons["3"]
    assert "'issued'" in reasons["4"]
    assert "duplicate id 'a'" in reasons["5"]
    assert "'id'" in reasons["7"]
    assert all(failure.source.startswith(str(tmp_path / "records.jsonl"))
               for failure in report.failed)
    assert report.warnings == [f"{tmp_path / 'records.jsonl'}:1: unknown field 'extra' ignored"]
    assert documents[0].doc_type == "nghi-quyet"  # inferred from the title


def test_legacy_encodings_are_converted_and_garbage_rejected_by_name(tmp_path: Path) -> None:
    (tmp_path / "utf8.txt").write_text("Thông báo\nNội dung thông báo.", encoding="utf-8")
    (tmp_path / "utf16.txt").write_bytes("Nghị quyết\nNội dung".encode("utf-16"))
    # TCVN3 (ABC): "Nghị quyết" is "Ngh\xde quy\xd5t" in the VN3 font's codes.
    (tmp_path / "tcvn3.txt").write_bytes(b"Ngh\xde quy\xd5t\nCh\xd8 th\xde c\xf1a \xa7\xb6ng")
    (tmp_path / "french.txt").write_bytes("Café crème\nà la française".encode("cp1252"))
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20)
    documents, report = read_documents([tmp_path])
    titles = {document.id: document.title for document in documents}
    assert titles == {"utf8": "Thông báo", "utf16": "Nghị quyết", "tcvn3": "Nghị quyết"}
    assert [d.body for d in documents if d.id == "tcvn3"] == ["Chỉ thị của Đảng"]
    reasons = {Path(failure.source).name: failure.reason for failure in report.failed}
    assert set(reasons) == {"french.txt", "image.txt"}
    assert reasons["french.txt"].startswith("unknown encoding")
    assert reasons["image.txt"] == "not text: binary data"


def test_missing_path_and_unsupported_file_fail_by_name(tmp_path: Path) -> None:
    picture = tmp_path / "anh.png"
    picture.write_bytes(b"\x89PNG\r\n")
    documents, report = read_documents([tmp_path / "khong-co", picture])
    assert documents == []
    assert [failure.source for failure in report.failed] == [str(tmp_path / "khong-co"),
                                                              str(picture)]


def test_reingest_reports_unchanged_and_updated(tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "a.txt").write_text("Thông báo số một\nNội dung một.", encoding="utf-8")
    (folder / "b.txt").write_text("Thông báo số hai\nNội dung hai.", encoding="utf-8")
    ix = open_index(tmp_path / "index", create=True)
    first = ingest_paths([folder], ix)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    again = ingest_paths([folder], ix)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    (folder / "b.txt").write_text("Thông báo số hai\nNội dung đã sửa.", encoding="utf-8")
    changed = ingest_paths([folder], ix)
    assert (changed.added, changed.updated, changed.unchanged) == (0, 1, 1)
    result = SearchIndex(tmp_path / "index").search(SearchRequest(query="da sua"))
    assert [hit.id for hit in result.hits] == ["b"]
    assert SearchIndex(tmp_path / "index").stats()["documents"] == 2


def test_every_sample_type_is_a_known_slug(sample_documents: list[Document]) -> None:
    assert {document.doc_type for document in sample_documents} <= set(DOC_TYPES)


def test_text_whose_title_reads_like_a_related_heading(tmp_path: Path) -> None:
    documents, report = read_one(tmp_path, "tin.txt", "Tin khác thường về mùa màng\nNội dung.\n\n"
                                 "Người cập nhật: Doãn Quan\n\nCác bài viết khác:\nMột tin cũ")
    assert report.failed == []
    [document] = documents
    assert document.title == "Tin khác thường về mùa màng"
    assert document.body == "Nội dung."


def test_official_text_states_its_own_metadata(tmp_path: Path) -> None:
    text = ("Kế hoạch học tập Nghị quyết Trung ương 4\n"
            "ĐẢNG BỘ LIÊN HIỆP HỘI\nCHI BỘ CƠ QUAN\nSố: 22-KH/CB\n"
            "ĐẢNG CỘNG SẢN VIỆT NAM\nHuế, ngày 11 tháng 10 năm 2016\n\n"
            "Thực hiện Chỉ thị số 05-CT/TW và Kế hoạch số 11-KH/ĐUK ngày 27/7/2016, "
            "Chi bộ xây dựng kế hoạch như sau.")
    documents, report = read_one(tmp_path, "kh.txt", text)
    assert report.failed == []
    [document] = documents
    assert (document.number, document.doc_type) == ("22-KH/CB", "ke-hoach")
    assert (document.issued, document.year) == ("2016-10-11", 2016)
    # The heading's lowest line, by its canonical name (index/issuers.json).
    assert document.issuer == "Chi bộ cơ quan Liên hiệp hội"
    assert document.refs == ("05-CT/TW", "11-KH/ĐUK")


@pytest.mark.parametrize(("title", "doc_type"), [
    ("Nghị quyết Hội nghị Chi bộ", "nghi-quyet"), ("KẾ HOẠCH tổ chức hội thi", "ke-hoach"),
    ("Quyết định thành lập hội đồng", "quyet-dinh"), ("Hội thảo khoa học", "tin-tuc"),
])
def test_type_from_the_title_without_a_number(tmp_path: Path, title: str,
                                              doc_type: str) -> None:
    documents, _ = read_one(tmp_path, "a.txt", f"{title}\nNội dung không có số hiệu.")
    assert documents[0].doc_type == doc_type
    assert documents[0].issuer == ""


def test_issuer_from_a_code_that_names_one_body(tmp_path: Path) -> None:
    documents, _ = read_one(tmp_path, "ct.txt", "Chỉ thị\nSố: 05-CT/TW\n\nNội dung.")
    assert (documents[0].doc_type, documents[0].issuer) == ("chi-thi",
                                                                "Ban Chấp hành Trung ương Đảng")
