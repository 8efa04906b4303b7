"""Exports: every match of a search as CSV (UTF-8 with a BOM, for Excel) or JSON Lines,
streamed, bounded by EXPORT_LIMIT, in the search's order, for what the asker may see."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from index.store import open_index, write_documents
from ingest.pipeline import ingest_paths
from tests.conftest import PROJECT
from tests.helpers import app_on, index_of, staff_headers
from tests.test_server import free_port, serving

RECORDS: list[dict[str, Any]] = [
    *({"id": f"kh-{n:02d}", "title": f"Kế hoạch số {n} về chuyển đổi số", "number": f"{n}-KH/CB",
       "doc_type": "ke-hoach", "issued": f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}",
       "issuer": "Chi bộ Liên hiệp hội", "author": "Trần Quốc Hưng",
       "body": f"Kế hoạch {n}: chuyển đổi số trong cơ quan, học tập nghị quyết."}
      for n in range(1, 31)),
    {"id": "cong-thuc", "title": "=HYPERLINK(\"http://example.org\",\"Bấm vào\")",
     "doc_type": "thong-bao", "issued": "2019-05-05", "author": "+84 123",
     "body": "Thông báo về chuyển đổi số, một ô bắt đầu bằng dấu bằng."},
    {"id": "noi-bo", "title": "Tờ trình nội bộ về chuyển đổi số", "doc_type": "to-trinh",
     "issued": "2020-01-01", "visibility": "internal",
     "body": "Tờ trình nội bộ: chuyển đổi số, kinh phí mật."},
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("exports"), RECORDS)


@pytest.fixture(scope="module")
def app(folder: Path) -> Iterator[Flask]:
    with app_on(folder) as made:
        yield made


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="module")
def staff(app: Flask) -> dict[str, str]:
    return staff_headers(app, "xuat-khau")


def fetch(client: FlaskClient, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    with client.get(url, headers=headers) as response:
        return response.status_code, dict(response.headers), response.get_data()


def rows_of(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 then
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def searched_ids(client: FlaskClient, query: str, **params: str) -> list[str]:
    ids: list[str] = []
    page = 1
    while True:
        answer = client.get("/api/v1/search", query_string={"q": query, "per_page": 100,
                                                            "page": page, **params}).get_json()
        ids += [hit["id"] for hit in answer["results"]]
        if len(ids) >= answer["total"]:
            return ids
        page += 1


def test_the_csv_holds_every_match_in_the_searchs_order(client: FlaskClient) -> None:
    status, headers, data = fetch(client, "/api/v1/search.csv?q=chuyển+đổi+số&sort=newest")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = rows_of(data)
    assert [row["Mã văn bản"] for row in rows] == searched_ids(client, "chuyển đổi số",
                                                                sort="newest")
    assert len(rows) == 31 and headers["X-Total-Count"] == "31"
    assert list(rows[0]) == ["STT", "Mã văn bản", "Tiêu đề", "Loại văn bản", "Số, ký hiệu",
                             "Ngày ban hành", "Năm", "Cơ quan ban hành", "Tác giả", "Phạm vi",
                             "Văn bản dẫn chiếu", "Bản gốc", "Trang tra cứu", "Điểm"]
    plan = next(row for row in rows if row["Mã văn bản"] == "kh-07")
    assert plan["Tiêu đề"] == "Kế hoạch số 7 về chuyển đổi số"
    assert (plan["Loại văn bản"], plan["Số, ký hiệu"], plan["Phạm vi"]) == \
        ("Kế hoạch", "7-KH/CB", "Công khai")
    assert plan["Cơ quan ban hành"] == "Chi bộ cơ quan Liên hiệp hội"  # canonical name
    assert plan["Trang tra cứu"] == "http://localhost/documents/kh-07"
    assert [row["STT"] for row in rows] == [str(n) for n in range(1, 32)]
    # Downloaded under the query's name.
    assert headers["Content-Disposition"] == (
        "attachment; filename=\"tracuu-chuyen-doi-so.csv\"; "
        "filename*=UTF-8''tracuu-chuy%E1%BB%83n-%C4%91%E1%BB%95i-s%E1%BB%91.csv")


def test_a_cell_that_excel_would_run_is_written_as_text(client: FlaskClient) -> None:
    rows = rows_of(fetch(client, "/api/v1/search.csv?q=dấu+bằng")[2])
    [row] = rows
    assert row["Tiêu đề"] == "'=HYPERLINK(\"http://example.org\",\"Bấm vào\")"
    assert row["Tác giả"] == "'+84 123"


def test_json_lines_are_the_records_and_their_scores(client: FlaskClient) -> None:
    status, headers, data = fetch(client, "/api/v1/search.jsonl?q=chuyển+đổi+số")
    assert status == 200 and headers["Content-Type"] == "application/jsonl; charset=utf-8"
    lines = [json.loads(line) for line in data.decode("utf-8").splitlines()]
    assert [line["id"] for line in lines] == searched_ids(client, "chuyển đổi số")
    scores = [line.pop("score") for line in lines]
    assert scores == sorted(scores, reverse=True)
    for line in lines[:5]:
        assert line == client.get(f"/api/v1/documents/{line['id']}").get_json()


def test_the_limit_and_its_bound(client: FlaskClient, app: Flask) -> None:
    data = fetch(client, "/api/v1/search.jsonl?q=chuyển+đổi+số&limit=3")[2]
    assert len(data.splitlines()) == 3
    for bad in ("0", "-1", "x", str(app.config["EXPORT_LIMIT"] + 1)):
        status, headers, body = fetch(client, f"/api/v1/search.csv?limit={bad}")
        assert status == 400 and json.loads(body)["error"]["message"].startswith(
            "Tham số 'limit' không hợp lệ")
    # A page's parameters do not narrow an export; a bad filter is still refused.
    assert len(rows_of(fetch(client, "/api/v1/search.csv?page=3&per_page=1")[2])) == 31
    status, _, body = fetch(client, "/api/v1/search.jsonl?type=khong-co")
    assert status == 400 and b"type" in body


def test_the_bound_is_a_setting(folder: Path) -> None:
    with app_on(folder, EXPORT_LIMIT=5) as bounded:
        status, headers, data = fetch(bounded.test_client(), "/api/v1/search.csv")
        assert status == 200 and len(rows_of(data)) == 5 and headers["X-Total-Count"] == "31"
        assert fetch(bounded.test_client(), "/api/v1/search.csv?limit=6")[0] == 400


def test_the_public_never_exports_an_internal_document(client: FlaskClient,
                                                       staff: dict[str, str]) -> None:
    public = fetch(client, "/api/v1/search.jsonl?q=chuyển+đổi+số")[2]
    assert b"noi-bo" not in public and "mật".encode() not in public
    rows = rows_of(fetch(client, "/api/v1/search.csv?q=chuyển+đổi+số", **staff)[2])
    assert {row["Phạm vi"] for row in rows if row["Mã văn bản"] == "noi-bo"} == {"Nội bộ"}
    assert len(rows) == 32


def test_an_export_streams_on_while_a_new_generation_arrives(folder: Path,
                                                             tmp_path: Path) -> None:
    try:
        with app_on(folder) as app:
            response = app.test_client().get("/api/v1/search.jsonl", buffered=False)
            assert response.is_streamed
            chunks = iter(response.response)
            first = next(chunks)
            # A writer commits meanwhile: the export goes on from its own generation.
            extra = tmp_path / "extra.jsonl"
            extra.write_text(json.dumps({"id": "moi", "title": "Văn bản mới",
                                         "issued": "2030-01-01", "body": "Mới."},
                                        ensure_ascii=False), encoding="utf-8")
            assert not ingest_paths([extra], open_index(folder)).failed
            rest = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode()
                            for chunk in chunks)
            response.close()
            ids = [json.loads(line)["id"] for line in (first + rest).decode().splitlines()]
            assert len(ids) == 31 and "moi" not in ids
            # The next export sees the new document.
            with app.test_client().get("/api/v1/search.jsonl") as after:
                assert json.loads(after.get_data().splitlines()[0])["id"] == "moi"
    finally:
        # Leave the module's index as it was.
        write_documents(open_index(folder), [], remove=["moi"])


def test_exports_have_a_rate_limit_of_their_own(folder: Path, staff: dict[str, str]) -> None:
    with app_on(folder, EXPORT_RATE_LIMIT="2 per hour",
                RATELIMIT_STORAGE_URI="memory://") as limited:
        client = limited.test_client()
        assert [fetch(client, "/api/v1/search.csv?limit=1")[0] for _ in range(3)] == \
            [200, 200, 429]
        status, _, body = fetch(client, "/api/v1/search.jsonl?limit=1")
        assert status == 429 and json.loads(body)["error"]["code"]
        assert fetch(client, "/api/v1/search?q=a")[0] == 200  # searches are not exports
        assert fetch(client, "/api/v1/search.csv?limit=1", **staff)[0] == 200


def test_the_results_page_links_its_exports(client: FlaskClient) -> None:
    tree = html.fromstring(client.get("/?q=chuyển+đổi+số&type=ke-hoach&page=2").data)
    links = {link.text: link.get("href") for link in tree.xpath("//p[@class='feed']/a")}
    assert links["CSV (Excel)"] == "/api/v1/search.csv?q=chuy%E1%BB%83n+%C4%91%E1%BB%95i+s%E1" \
        "%BB%91&type=ke-hoach"
    assert links["JSON Lines"].startswith("/api/v1/search.jsonl?q=")
    empty = html.fromstring(client.get("/?q=khongcotunaonhu").data)
    assert not empty.xpath("//p[@class='feed']/a[@download]")


def test_the_real_server_streams_an_export(folder: Path, tmp_path: Path) -> None:
    bind = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "TRACUU_BIND": bind, "TRACUU_INDEX_DIR": str(folder)}
    with serving([sys.executable, "-m", "gunicorn"], bind, cwd=PROJECT,
                 log_path=tmp_path / "server.log", env=env) as served:
        url = served.base + "/api/v1/search.csv?" + urlencode({"q": "chuyển đổi số"})
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.headers["Transfer-Encoding"] == "chunked"  # sent as made
            assert len(rows_of(response.read())) == 31
    assert "Traceback" not in served.output
