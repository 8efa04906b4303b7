"""A document's page: its metadata table, the search's words marked with a link to the
first match, the way back to the same results, what it cites and what cites it (linked to
their pages when the index holds them), up to five related documents, a print style."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from search import SearchIndex
from search.neighbours import RELATED_BY_WORDS
from tests.helpers import index_of

RECORDS = [
    {"id": "ct-05", "title": "Chỉ thị về học tập và làm theo tư tưởng Hồ Chí Minh",
     "number": "05-CT/TW", "doc_type": "chi-thi", "issued": "2016-05-15",
     "issuer": "Ban Chấp hành Trung ương", "body": "Số: 05-CT/TW\n\nĐẩy mạnh học tập."},
    {"id": "kh-22", "title": "Kế hoạch thực hiện Chỉ thị 05-CT/TW", "number": "22-KH/CB",
     "doc_type": "ke-hoach", "issued": "2016-10-11", "issuer": "Chi bộ Liên hiệp hội",
     "author": "Trần Quốc Hưng", "url": "https://example.org/kh-22",
     "refs": ["05-CT/TW", "99-KH/ZZ"],
     "body": "Số: 22-KH/CB\n\nThực hiện Chỉ thị số 05-CT/TW về học tập tư tưởng.\n\n"
             "Các chi bộ quán triệt nghị quyết và tổ chức học tập nghị quyết."},
    {"id": "tin-1", "title": "Chi bộ sinh hoạt chuyên đề", "doc_type": "tin-tuc",
     "issued": "2017-08-15", "refs": ["22-KH/CB"],
     "body": "Thực hiện Kế hoạch số 22-KH/CB, chi bộ sinh hoạt chuyên đề về tư tưởng."},
    {"id": "tin-2", "title": "Chi bộ sơ kết học tập", "doc_type": "tin-tuc",
     "issued": "2018-01-10", "refs": ["22-KH/CB"],
     "body": "Sơ kết Kế hoạch số 22-KH/CB về học tập tư tưởng Hồ Chí Minh."},
    {"id": "mat-1", "title": "Ghi chú nội bộ", "doc_type": "thong-bao", "issued": "2018-02-01",
     "refs": ["22-KH/CB"], "visibility": "internal",
     "body": "Ghi chú nội bộ về Kế hoạch số 22-KH/CB và học tập tư tưởng."},
    *({"id": f"tin-{n}", "title": f"Bản tin số {n} về học tập tư tưởng",
       "doc_type": "tin-tuc", "issued": f"2019-0{n - 2}-01",
       "body": f"Bản tin {n}: quán triệt nghị quyết, học tập tư tưởng, chuyên đề {n}."}
      for n in range(3, 10)),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("document-page"), RECORDS)


@pytest.fixture(scope="module")
def app(folder: Path) -> Iterator[Flask]:
    from web import create_app

    made = create_app({"INDEX_DIR": str(folder), "TESTING": True})
    yield made
    made.extensions["tracuu.index"].close()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def page(client: FlaskClient, url: str) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.data)


def test_the_metadata_table(client: FlaskClient) -> None:
    tree = page(client, "/documents/kh-22")
    rows = {th.text_content(): " ".join(th.getnext().text_content().split())
            for th in tree.xpath("//table[@class='metadata']//th")}
    assert rows == {"Loại văn bản": "Kế hoạch", "Số, ký hiệu": "22-KH/CB",
                    "Ngày ban hành": "11/10/2016",
                    "Cơ quan ban hành": "Chi bộ cơ quan Liên hiệp hội",
                    "Tác giả": "Trần Quốc Hưng", "Bản gốc": "https://example.org/kh-22"}
    # The body's "Số: 22-KH/CB" is the table's number: not repeated.
    assert "Số: 22-KH/CB" not in tree.xpath("string(//div[@class='body'])")


def test_cited_documents_link_to_their_pages_and_the_rest_to_a_search(
        client: FlaskClient) -> None:
    tree = page(client, "/documents/kh-22")
    items = tree.xpath("//section[contains(@class, 'cites')]//li")
    assert [item.xpath("a/@href")[0] for item in items] == ["/documents/ct-05",
                                                            "/?q=99-KH/ZZ"]
    assert "Chỉ thị về học tập" in items[0].text_content()


def test_the_documents_citing_this_one_newest_first_only_those_the_asker_sees(
        client: FlaskClient, app: Flask) -> None:
    tree = page(client, "/documents/kh-22")
    citing = tree.xpath("//section[contains(@class, 'cited-by')]//li/a/@href")
    assert citing == ["/documents/tin-2", "/documents/tin-1"]  # not the internal one
    index: SearchIndex = app.extensions["tracuu.index"]
    staff = index.neighbours("kh-22", include_internal=True)
    assert [citing.hit.id for citing in staff.cited_by] == ["mat-1", "tin-2", "tin-1"]
    assert not page(client, "/documents/ct-05").xpath(
        "//section[contains(@class, 'cited-by')]//a[@href='/documents/mat-1']")


def test_up_to_five_related_documents_by_the_rarest_words(client: FlaskClient,
                                                          app: Flask) -> None:
    index: SearchIndex = app.extensions["tracuu.index"]
    related = index.neighbours("tin-1").related
    assert 1 <= len(related) <= 5 and "tin-1" not in {hit.id for hit in related}
    assert "mat-1" not in {hit.id for hit in related}
    assert related[0].id in ("tin-2", "kh-22")  # those sharing its rare words
    tree = page(client, "/documents/tin-1")
    assert tree.xpath("//section[contains(@class, 'related')]//li/a/@href") == [
        f"/documents/{hit.id}" for hit in related]
    assert RELATED_BY_WORDS >= 5


def test_from_a_search_the_words_are_marked_with_a_link_to_the_first(
        client: FlaskClient) -> None:
    results = page(client, "/?q=nghi+quyet&type=ke-hoach&page=1")
    [link] = results.xpath("//li[@class='hit']/h3/a/@href")
    assert parse_qs(urlsplit(link).query) == {"q": ["nghi quyet"], "type": ["ke-hoach"],
                                              "page": ["1"]}
    tree = page(client, link)
    marks = tree.xpath("//div[@class='body']//mark")
    assert [mark.text for mark in marks] == ["nghị quyết", "nghị quyết"]
    assert marks[0].get("id") == "match" and marks[1].get("id") is None
    assert tree.xpath("//p[@class='jump']/a/@href") == ["#match"]
    back = tree.xpath("//p[@class='back']/a")[0]
    assert back.text == "‹ Về kết quả tìm kiếm"
    assert parse_qs(urlsplit(back.get("href")).query) == parse_qs(urlsplit(link).query)


def test_without_a_search_nothing_is_marked_and_back_is_the_search_page(
        client: FlaskClient) -> None:
    tree = page(client, "/documents/kh-22")
    assert not tree.xpath("//mark") and not tree.xpath("//p[@class='jump']")
    assert tree.xpath("//p[@class='back']/a/@href") == ["/"]


def test_a_print_style_hides_the_site_around_the_document(client: FlaskClient) -> None:
    with client.get("/static/style.css") as response:
        css = response.get_data(as_text=True)
    printed = css[css.index("@media print"):]
    for hidden in ("header.site", "footer.site", ".back"):
        assert hidden in printed.split("}")[0], hidden
