"""Typed relations between documents: how ingest reads a citation ("Căn cứ", "Thực hiện",
"thay thế", "sửa đổi, bổ sung", any other), the record's ``relations`` (``refs`` stays),
and the document page and API that group what a document cites, and what cites it, by
relation, over the documents the asker may see."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from index.record import Document, RecordError
from index.relations import RELATION_TYPES, Relation, relation_slug
from index.schema import from_stored
from index.store import open_index
from ingest.citations import cited_relations
from ingest.errors import SourceError
from ingest.pipeline import ingest_paths
from ingest.sidecar import read_sidecar
from tests.helpers import app_on, index_of, staff_headers


def kinds(title: str, body: str, own: str = "") -> list[tuple[str, str]]:
    return [(relation.type, relation.number) for relation in cited_relations(title, body, own)]


# --- Reading a citation ---------------------------------------------------------------------

@pytest.mark.parametrize(("body", "expected"), [
    # A "Căn cứ" clause: a basis, however the cited documents are named.
    ("Căn cứ Quyết định số 14/2014/QĐ-TTg ngày 14/02/2014 của Thủ tướng Chính phủ;\n"
     "Căn cứ Kế hoạch số 76/KH-UBND ngày 10/5/2013 của Ủy ban nhân dân tỉnh,",
     [("can-cu", "14/2014/QĐ-TTg"), ("can-cu", "76/KH-UBND")]),
    ("Căn cứ Luật Tổ chức chính quyền địa phương;\nNghị định số 154/2020/NĐ-CP ngày "
     "31/12/2020 sửa đổi, bổ sung một số điều của Nghị định số 34/2016/NĐ-CP;\n"
     "Theo đề nghị của Chánh Văn phòng,",
     [("can-cu", "154/2020/NĐ-CP"), ("can-cu", "34/2016/NĐ-CP")]),
    ("Căn cứ Báo cáo số 26-BC/CB ngày 27/12/2016 về kết quả lãnh đạo thực hiện nhiệm vụ "
     "chính trị năm 2016 và Chỉ thị số 16-CT/ĐU ngày 17/01/2017, Chi bộ thống nhất.",
     [("can-cu", "26-BC/CB"), ("can-cu", "16-CT/ĐU")]),
    ("CĂN CỨ NGHỊ QUYẾT SỐ 01-NQ/CB NGÀY 26/5/2015", [("can-cu", "01-NQ/CB")]),
    # Implementing, and the numbers a verb's list goes on to.
    ("Thực hiện Quyết định số 14/2014/QĐ-TTg ngày 14/02/2014 của Thủ tướng Chính phủ quy "
     "định về hoạt động tư vấn, phản biện và giám định xã hội và Chương trình công tác năm "
     "2014 số 02/CTr-LHH ngày 10/01/2014, Liên hiệp hội xây dựng Kế hoạch.",
     [("thuc-hien", "14/2014/QĐ-TTg"), ("thuc-hien", "02/CTr-LHH")]),
    ("Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị; căn cứ Chương trình "
     "hành động số 08-CTr/CB ngày 12/01/2016 của Chi bộ, Chi bộ xây dựng Kế hoạch.",
     [("thuc-hien", "05-CT/TW"), ("can-cu", "08-CTr/CB")]),
    ("1. Tiếp tục đẩy mạnh thực hiện Kế hoạch số 22-KH/CB ngày 11/10/2016 của Chi bộ.",
     [("thuc-hien", "22-KH/CB")]),
    ("Năm 2016 là năm đầu triển khai Nghị quyết số 01-NQ/CB của Đại hội Chi bộ.",
     [("thuc-hien", "01-NQ/CB")]),
    # A verb inside a sentence reaches the numbers that follow it closely, not far ones.
    ("Chi bộ đã thực hiện nghiêm Chỉ thị số 27-CT/ĐU và Chỉ thị số 16-CT/ĐU của Đảng uỷ.",
     [("thuc-hien", "27-CT/ĐU"), ("thuc-hien", "16-CT/ĐU")]),
    ("Chi bộ đã thực hiện nghiêm Chỉ thị số 27-CT/ĐU ngày 22/4/2013, " + "công tác tiếp tục "
     "được quan tâm, " * 12 + "đồng thời nêu Kế hoạch số 22-KH/CB.",
     [("thuc-hien", "27-CT/ĐU"), ("dan-chieu", "22-KH/CB")]),
    ("Chi bộ thực hiện Chỉ thị số 27-CT/ĐU về tiết kiệm, " + "công tác được quan tâm, " * 8
     + "Chỉ thị số 16-CT/ĐU về phòng chống tham nhũng, " + "công tác được quan tâm, " * 8
     + "và Kế hoạch số 22-KH/CB.",
     [("thuc-hien", "27-CT/ĐU"), ("thuc-hien", "16-CT/ĐU"), ("thuc-hien", "22-KH/CB")]),
    ("Chi bộ thực hiện Chỉ thị số 27-CT/ĐU, " + "công tác được quan tâm, " * 12
     + "Chỉ thị số 16-CT/ĐU và Kế hoạch số 22-KH/CB.",
     [("thuc-hien", "27-CT/ĐU"), ("dan-chieu", "16-CT/ĐU"), ("dan-chieu", "22-KH/CB")]),
    # Replacing and amending.
    ("Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số 12/QĐ-LHH ngày "
     "01/01/2015.", [("thay-the", "12/QĐ-LHH")]),
    ("Chỉ thị này thay thế Chỉ thị số 27-CT/ĐU ngày 22/4/2013 của Đảng uỷ.",
     [("thay-the", "27-CT/ĐU")]),
    ("2. Luật tố tụng hành chính số 64/2010/QH12 hết hiệu lực kể từ ngày Luật này có hiệu "
     "lực thi hành.", [("thay-the", "64/2010/QH12")]),
    ("1. Sửa đổi, bổ sung khoản 1 Điều 9 của Luật Căn cước công dân số 59/2014/QH13 như sau:",
     [("sua-doi", "59/2014/QH13")]),
    ("Hướng dẫn này sửa đổi, bổ sung mục III của Kế hoạch số 09/KH-LHH ngày 05/3/2014.",
     [("sua-doi", "09/KH-LHH")]),
    # How other documents relate is no relation of this one.
    ("1. Sửa đổi, bổ sung một số điều của Luật Bảo hiểm xã hội số 58/2014/QH13 đã được sửa "
     "đổi, bổ sung theo Luật số 84/2015/QH13 và Luật số 35/2018/QH14:",
     [("sua-doi", "58/2014/QH13"), ("dan-chieu", "84/2015/QH13"),
      ("dan-chieu", "35/2018/QH14")]),
    ("Quyết định số 12/QĐ-LHH đã bị thay thế bởi Quyết định số 15/QĐ-LHH.",
     [("dan-chieu", "12/QĐ-LHH"), ("dan-chieu", "15/QĐ-LHH")]),
    ("Bộ luật hình sự số 15/1999/QH10 được hướng dẫn tại Luật số 37/2009/QH12 sửa đổi, bổ "
     "sung một số điều của Bộ luật hình sự.",
     [("dan-chieu", "15/1999/QH10"), ("dan-chieu", "37/2009/QH12")]),
    # Verbs that name no document, or another document "theo" which something is done.
    ("Hội thảo bàn về thay thế giống lúa cũ theo Kế hoạch số 09/KH-LHH.",
     [("dan-chieu", "09/KH-LHH")]),
    ("Giao dịch tiếp tục thực hiện theo quy định của Bộ luật dân sự số 33/2005/QH11.",
     [("dan-chieu", "33/2005/QH11")]),
    ("Một số hội chưa thực hiện chế độ báo cáo theo Hướng dẫn số 08/HD-LHH ngày 06/6/2017.",
     [("dan-chieu", "08/HD-LHH")]),
    ("Chi bộ xây dựng kế hoạch thực hiện Chỉ thị số 05-CT/TW. Ngày 5/1, Chi bộ họp theo Kế "
     "hoạch số 22-KH/CB.", [("thuc-hien", "05-CT/TW"), ("dan-chieu", "22-KH/CB")]),
])
def test_how_a_text_cites_each_number(body: str, expected: list[tuple[str, str]]) -> None:
    assert kinds("", body) == expected


def test_the_title_names_the_document_itself() -> None:
    # "Quyết định sửa đổi ..." in the title is this document; in a body, a cited one.
    title = "Quyết định sửa đổi, bổ sung Quyết định số 37/QĐ-LHH"
    assert kinds(title, "") == [("sua-doi", "37/QĐ-LHH")]
    assert kinds("", "Quyết định sửa đổi, bổ sung Quyết định số 37/QĐ-LHH đã ban hành.") == \
        [("dan-chieu", "37/QĐ-LHH")]


def test_a_number_is_cited_once_per_way_and_plainly_only_when_in_no_other() -> None:
    body = ("Thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị.\n\nTổ chức quán triệt Chỉ thị số "
            "05-CT/TW.\n\nCăn cứ Chỉ thị số 05-CT/TW, Chi bộ đề ra nhiệm vụ.\n\n"
            "Sơ kết Kế hoạch số 22-KH/CB.\n\nBáo cáo theo Kế hoạch số 22-KH/CB.")
    assert kinds("", body) == [("thuc-hien", "05-CT/TW"), ("can-cu", "05-CT/TW"),
                               ("dan-chieu", "22-KH/CB")]


def test_the_documents_own_number_is_no_citation() -> None:
    assert kinds("Kế hoạch thực hiện Chỉ thị 05-CT/TW", "Số: 22-KH/CB\n\nThực hiện Chỉ thị số "
                 "05-CT/TW.", own="22-KH/CB") == [("thuc-hien", "05-CT/TW")]


def test_a_news_article_cites_plainly() -> None:
    found = cited_relations("", "Thực hiện Kế hoạch số 22-KH/CB, chi bộ sinh hoạt chuyên đề.",
                            "", official=False)
    assert found == [Relation("dan-chieu", "22-KH/CB")]


def test_offsets_survive_letters_that_fold_to_two() -> None:
    # "İ" lower-cases to two characters: the folded text must keep the text's offsets.
    assert kinds("", "İSTANBUL. Thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị.") == \
        [("thuc-hien", "05-CT/TW")]


# --- The record -----------------------------------------------------------------------------

def test_relations_and_refs_agree_in_a_record() -> None:
    doc, _ = Document.from_mapping({
        "id": "a", "title": "A", "refs": ["05-CT/TW", "99-KH/ZZ"],
        "relations": [{"type": "thuc-hien", "number": "05-ct/tw"},
                      {"type": "Thay thế", "number": "27-CT/ĐU"},
                      {"type": "dan-chieu", "number": "05-CT/TW"}]})
    # Every relation's number is a ref; every ref has a relation; a number cited in a
    # stated way is not also a plain citation; a label names its type.
    assert doc.refs == ("05-CT/TW", "99-KH/ZZ", "27-CT/ĐU")
    assert doc.relations == (Relation("thuc-hien", "05-ct/tw"), Relation("dan-chieu", "99-KH/ZZ"),
                             Relation("thay-the", "27-CT/ĐU"))
    assert doc.to_record()["relations"] == [
        {"type": "thuc-hien", "number": "05-ct/tw"}, {"type": "dan-chieu", "number": "99-KH/ZZ"},
        {"type": "thay-the", "number": "27-CT/ĐU"}]


@pytest.mark.parametrize(("relations", "message"), [
    ("can-cu 05-CT/TW", "expected a list"),
    ([["can-cu", "05-CT/TW"]], "item 1: expected an object"),
    ([{"type": "can-cu", "number": "05-CT/TW"}, {"type": "trich-dan", "number": "1-KH/CB"}],
     "item 2: unknown type 'trich-dan'"),
    ([{"type": "can-cu"}], "item 1: 'number' must be a document number"),
    ([{"type": "can-cu", "number": "  "}], "item 1: 'number'"),
    ([{"type": 3, "number": "05-CT/TW"}], "unknown type 3"),
])
def test_a_bad_relation_names_the_field_and_the_item(relations: object, message: str) -> None:
    with pytest.raises(RecordError) as raised:
        Document.from_mapping({"id": "a", "title": "A", "relations": relations})
    assert raised.value.field_name == "relations" and message in str(raised.value)


def test_type_names_forgive_accents_and_case() -> None:
    assert [relation_slug(name) for name in ("can-cu", "Căn cứ", "can cu", "SỬA ĐỔI, BỔ SUNG",
                                             "thay the", "nope")] == \
        ["can-cu", "can-cu", "can-cu", "sua-doi", "thay-the", None]


def test_an_index_made_before_relations_cites_every_ref_plainly() -> None:
    doc = from_stored({"id": "a", "title": "A", "refs": ["05-CT/TW", "22-KH/CB"]})
    assert doc.relations == (Relation("dan-chieu", "05-CT/TW"), Relation("dan-chieu", "22-KH/CB"))


def test_every_type_has_its_vietnamese_headings() -> None:
    assert list(RELATION_TYPES) == ["can-cu", "thuc-hien", "thay-the", "sua-doi", "dan-chieu"]
    for kind in RELATION_TYPES.values():
        assert kind.cites.startswith("Văn bản này ") and kind.cited_by.endswith(" văn bản này")


# --- Ingest ---------------------------------------------------------------------------------

def _ingested(folder: Path, records: list[dict[str, object]]
              ) -> tuple[dict[str, Document], list[SourceError]]:
    from search import SearchIndex
    from search.errors import DocumentNotFound

    source = folder / "records.jsonl"
    source.write_text("\n".join(json.dumps(record, ensure_ascii=False) for record in records),
                      encoding="utf-8")
    report = ingest_paths([source], open_index(folder / "index", create=True))
    index = SearchIndex(folder / "index")
    try:
        found = {}
        for record in records:
            try:
                found[str(record["id"])] = index.document(str(record["id"]), include_internal=True)
            except DocumentNotFound:
                pass
    finally:
        index.close()
    return found, report.failed


def test_ingest_reads_relations_unless_the_record_states_them(tmp_path: Path) -> None:
    body = "Căn cứ Chỉ thị số 05-CT/TW;\n\nKế hoạch này thay thế Kế hoạch số 10-KH/CB."
    found, failed = _ingested(tmp_path, [
        {"id": "read", "title": "Kế hoạch", "doc_type": "ke-hoach", "body": body},
        {"id": "stated", "title": "Kế hoạch", "doc_type": "ke-hoach", "body": body,
         "relations": [{"type": "sua-doi", "number": "10-KH/CB"}]},
        # Refs stated: only those are typed from the text (05-CT/TW is left out).
        {"id": "refs", "title": "Kế hoạch", "doc_type": "ke-hoach", "body": body,
         "refs": ["10-KH/CB", "77-KH/CB"]},
        {"id": "news", "title": "Tin", "doc_type": "tin-tuc", "body": body},
        {"id": "bad", "title": "Kế hoạch", "body": body,
         "relations": [{"type": "dan", "number": "1-KH/CB"}]},
    ])
    assert [relation.to_record() for relation in found["read"].relations] == [
        {"type": "can-cu", "number": "05-CT/TW"}, {"type": "thay-the", "number": "10-KH/CB"}]
    assert found["read"].refs == ("05-CT/TW", "10-KH/CB")
    # Stated relations are kept as stated; the other numbers the text cites are plain.
    assert found["stated"].relations == (Relation("dan-chieu", "05-CT/TW"),
                                         Relation("sua-doi", "10-KH/CB"))
    assert found["refs"].relations == (Relation("thay-the", "10-KH/CB"),
                                       Relation("dan-chieu", "77-KH/CB"))
    assert found["news"].relations == (Relation("dan-chieu", "05-CT/TW"),
                                       Relation("dan-chieu", "10-KH/CB"))
    # The bad record fails alone, naming the field; the rest went in.
    assert "bad" not in found and len(failed) == 1
    assert "field 'relations'" in failed[0].reason and "unknown type 'dan'" in failed[0].reason
    assert failed[0].source.endswith("records.jsonl:5")


def test_a_csv_sidecar_states_relations_by_type_and_number(tmp_path: Path) -> None:
    (tmp_path / "tracuu-metadata.csv").write_text(
        "file,relations\nkh.html,can-cu 05-CT/TW; Thay thế 27-CT/ĐU\n", encoding="utf-8")
    fields = read_sidecar(tmp_path)["kh.html"]
    assert fields["relations"] == [{"type": "can-cu", "number": "05-CT/TW"},
                                   {"type": "Thay thế", "number": "27-CT/ĐU"}]
    doc, _ = Document.from_mapping({"id": "kh", "title": "Kế hoạch", **fields})
    assert doc.relations == (Relation("can-cu", "05-CT/TW"), Relation("thay-the", "27-CT/ĐU"))


# --- The document page and the API ----------------------------------------------------------

RECORDS = [
    {"id": "ct-05", "title": "Chỉ thị về học tập và làm theo tư tưởng Hồ Chí Minh",
     "number": "05-CT/TW", "doc_type": "chi-thi", "issued": "2016-05-15",
     "body": "Số: 05-CT/TW\n\nĐẩy mạnh học tập."},
    {"id": "kh-10", "title": "Kế hoạch học tập năm 2015", "number": "10-KH/CB",
     "doc_type": "ke-hoach", "issued": "2015-03-01", "body": "Số: 10-KH/CB\n\nHọc tập."},
    {"id": "kh-22", "title": "Kế hoạch thực hiện Chỉ thị 05-CT/TW", "number": "22-KH/CB",
     "doc_type": "ke-hoach", "issued": "2016-10-11",
     "body": "Số: 22-KH/CB\n\nThực hiện Chỉ thị số 05-CT/TW về học tập tư tưởng.\n\n"
             "Kế hoạch này thay thế Kế hoạch số 10-KH/CB.\n\n"
             "Báo cáo theo Hướng dẫn số 99-HD/ZZ."},
    {"id": "kh-30", "title": "Kế hoạch sửa đổi, bổ sung Kế hoạch số 22-KH/CB",
     "number": "30-KH/CB", "doc_type": "ke-hoach", "issued": "2017-02-01",
     "body": "Số: 30-KH/CB\n\nCăn cứ Chỉ thị số 05-CT/TW, Chi bộ bổ sung nội dung."},
    {"id": "tin-1", "title": "Chi bộ sinh hoạt chuyên đề", "doc_type": "tin-tuc",
     "issued": "2017-08-15",
     "body": "Thực hiện Kế hoạch số 22-KH/CB, chi bộ sinh hoạt chuyên đề về tư tưởng."},
    {"id": "mat-1", "title": "Kế hoạch nội bộ", "number": "40-KH/CB", "doc_type": "ke-hoach",
     "issued": "2018-02-01", "visibility": "internal",
     "body": "Số: 40-KH/CB\n\nKế hoạch này thay thế Kế hoạch số 22-KH/CB."},
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with app_on(index_of(tmp_path_factory.mktemp("relations"), RECORDS),
                API_RATE_LIMIT="") as made:
        yield made


@pytest.fixture(scope="module")
def staff(app: Flask) -> dict[str, str]:
    """Return the headers of a member of staff's API token."""
    return staff_headers(app, "relations-staff")


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sections(client: FlaskClient, doc_id: str, **headers: str
             ) -> dict[str, list[tuple[str, str]]]:
    """Return the page's relation sections: heading -> [(link, text)]."""
    response = client.get(f"/documents/{doc_id}", headers=headers)
    assert response.status_code == 200
    tree = html.fromstring(response.data)
    return {section.findtext("h2"): [(item.xpath("a/@href")[0],
                                      " ".join(item.text_content().split()))
                                     for item in section.xpath(".//li")]
            for section in tree.xpath("//section[contains(@class, 'relations')]")
            if "related" not in section.get("class")}


def test_what_a_document_cites_grouped_by_relation(client: FlaskClient) -> None:
    assert sections(client, "kh-22") == {
        "Văn bản này thực hiện": [("/documents/ct-05", "05-CT/TW – Chỉ thị về học tập và làm "
                                   "theo tư tưởng Hồ Chí Minh")],
        "Văn bản này thay thế": [("/documents/kh-10", "10-KH/CB – Kế hoạch học tập năm 2015")],
        # Not in the index: a search for it.
        "Văn bản này dẫn chiếu": [("/?q=99-HD/ZZ", "99-HD/ZZ · tìm văn bản này")],
        # And the other way: what cites this one, by relation.
        "Văn bản sửa đổi, bổ sung văn bản này": [
            ("/documents/kh-30", "Kế hoạch sửa đổi, bổ sung Kế hoạch số 22-KH/CB · 30-KH/CB · "
             "01/02/2017")],
        "Văn bản dẫn chiếu văn bản này": [
            ("/documents/tin-1", "Chi bộ sinh hoạt chuyên đề · 15/08/2017")],
    }


def test_the_documents_citing_one_both_ways(client: FlaskClient) -> None:
    cited = sections(client, "ct-05")
    assert cited == {
        "Văn bản căn cứ văn bản này": [("/documents/kh-30", "Kế hoạch sửa đổi, bổ sung Kế hoạch "
                                        "số 22-KH/CB · 30-KH/CB · 01/02/2017")],
        "Văn bản thực hiện văn bản này": [("/documents/kh-22", "Kế hoạch thực hiện Chỉ thị "
                                           "05-CT/TW · 22-KH/CB · 11/10/2016")],
    }


def _status(client: FlaskClient, doc_id: str, **headers: str) -> dict[str, str]:
    tree = html.fromstring(client.get(f"/documents/{doc_id}", headers=headers).data)
    return {row.findtext("th"): " ".join(row.find("td").text_content().split())
            for row in tree.xpath("//table[@class='metadata']//tr[@class='status']")}


def test_the_metadata_table_says_what_replaced_or_amended_a_document(
        client: FlaskClient) -> None:
    assert _status(client, "kh-10") == {"Bị thay thế bởi": "22-KH/CB (11/10/2016)"}
    assert _status(client, "kh-22") == {"Được sửa đổi, bổ sung bởi": "30-KH/CB (01/02/2017)"}
    assert _status(client, "ct-05") == {}


def test_the_public_never_sees_an_internal_document_citing(
        client: FlaskClient, app: Flask, staff: dict[str, str]) -> None:
    index = app.extensions["tracuu.index"]
    assert [(citing.relation, citing.hit.id)
            for citing in index.neighbours("kh-22", include_internal=True).cited_by] == [
        ("thay-the", "mat-1"), ("dan-chieu", "tin-1"), ("sua-doi", "kh-30")]
    assert "mat-1" not in {citing.hit.id for citing in index.neighbours("kh-22").cited_by}
    assert _status(client, "kh-22") == {"Được sửa đổi, bổ sung bởi": "30-KH/CB (01/02/2017)"}
    assert _status(client, "kh-22", **staff) == {
        "Bị thay thế bởi": "40-KH/CB (01/02/2018)",
        "Được sửa đổi, bổ sung bởi": "30-KH/CB (01/02/2017)"}
    assert ("/documents/mat-1", "Kế hoạch nội bộ · 40-KH/CB · 01/02/2018") in \
        sections(client, "kh-22", **staff)["Văn bản thay thế văn bản này"]
    public = client.get("/api/v1/relations/kh-22").get_json()
    assert "mat-1" not in json.dumps(public)
    assert "mat-1" in json.dumps(client.get("/api/v1/relations/kh-22", headers=staff).get_json())


def test_the_relations_api(client: FlaskClient) -> None:
    answer = client.get("/api/v1/relations/kh-22").get_json()
    assert answer["id"] == "kh-22"
    assert [(item["type"], item["label"], item["number"],
             item["document"] and item["document"]["id"]) for item in answer["cites"]] == [
        ("thuc-hien", "Thực hiện", "05-CT/TW", "ct-05"),
        ("thay-the", "Thay thế", "10-KH/CB", "kh-10"),
        ("dan-chieu", "Dẫn chiếu", "99-HD/ZZ", None)]
    assert [(item["type"], item["document"]["id"]) for item in answer["cited_by"]] == [
        ("dan-chieu", "tin-1"), ("sua-doi", "kh-30")]
    assert set(answer["cited_by"][0]["document"]) == {
        "id", "title", "doc_type", "number", "issued", "year", "url", "visibility"}
    assert isinstance(answer["related"], list)
    # The record itself carries its relations, in the contract's shape.
    record = client.get("/api/v1/documents/kh-22").get_json()
    assert record["relations"][1] == {"type": "thay-the", "number": "10-KH/CB"}
    assert record["refs"] == ["05-CT/TW", "10-KH/CB", "99-HD/ZZ"]


@pytest.mark.parametrize("doc_id", ["mat-1", "khong-co", "kh-22/"])
def test_relations_of_an_unknown_or_internal_document_answer_404(client: FlaskClient,
                                                                 doc_id: str) -> None:
    response = client.get("/api/v1/relations/" + quote(doc_id))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


# --- The bundled samples --------------------------------------------------------------------

@pytest.fixture()
def sample_client(make_app: Callable[[Path], Flask], index_dir: Path) -> FlaskClient:
    return make_app(index_dir).test_client()


def test_the_samples_replace_and_amend(sample_client: FlaskClient) -> None:
    client = sample_client
    by_number = {}
    for doc in client.get("/api/v1/search?per_page=100").get_json()["results"]:
        by_number[doc["number"]] = doc["id"]
    assert _status(client, quote(by_number["27-CT/ĐU"])) == {"Bị thay thế bởi":
                                                             "16-CT/ĐU (17/01/2017)"}
    assert _status(client, quote(by_number["09/KH-LHH"])) == {"Được sửa đổi, bổ sung bởi":
                                                              "08/HD-LHH (06/06/2017)"}
    counts: dict[str, int] = {}
    for doc_id in by_number.values():
        record = client.get(f"/api/v1/documents/{quote(doc_id)}").get_json()
        for relation in record["relations"]:
            counts[relation["type"]] = counts.get(relation["type"], 0) + 1
    assert set(counts) == set(RELATION_TYPES)  # every type occurs in the samples
