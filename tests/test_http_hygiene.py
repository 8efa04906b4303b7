"""HTTP hygiene: every API error is JSON, from the app or from gunicorn; every id has a URL."""

from __future__ import annotations

import http.client
import json
import os
import runpy
import socket
import sys
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from index.store import open_index
from ingest.pipeline import IngestReport, ingest_paths
from tests.conftest import PROJECT
from tests.test_server import free_port, get, serving
from web.errors import MAX_URL_BYTES

VIETNAMESE = "ế"  # three bytes in UTF-8, nine characters percent-encoded


@pytest.fixture(scope="module")
def server(sample_index: tuple[Path, IngestReport],
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start gunicorn with the project's settings, as `tracuu serve` does."""
    bind = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "TRACUU_BIND": bind, "TRACUU_INDEX_DIR": str(sample_index[0])}
    command = [sys.executable, "-m", "gunicorn", "--config", "python:web.gunicorn_settings"]
    log_path = tmp_path_factory.mktemp("gunicorn") / "server.log"
    with serving(command, bind, cwd=PROJECT, log_path=log_path, env=env) as served:
        yield served.base
    assert "Traceback" not in served.output, served.output


def send_raw(server: str, head: bytes) -> tuple[int, http.client.HTTPResponse, bytes]:
    """Send bytes as they are to the server; return its status, answer and body."""
    address = urllib.parse.urlsplit(server)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response, response.read()


def json_error(response: http.client.HTTPResponse, body: bytes) -> dict[str, Any]:
    """Return the error of a JSON error answer, failing on any other answer."""
    assert response.getheader("Content-Type", "").startswith("application/json"), body[:300]
    error: dict[str, Any] = json.loads(body)["error"]
    assert set(error) == {"code", "message"}
    assert not error["message"].isascii(), error  # Vietnamese, with its diacritics
    return error


def test_long_vietnamese_queries_reach_the_app(server: str) -> None:
    # 2,000 characters (the contract's longest q) are 18 KB in the URL.
    query = urllib.parse.quote(VIETNAMESE * 2000)
    status, body = get(f"{server}/api/v1/search?q={query}&per_page=1")
    assert status == 200 or body["error"]["code"] == "invalid_parameter"
    status, body = get(f"{server}/api/v1/search?q={urllib.parse.quote(VIETNAMESE * 5000)}")
    assert status == 400 and body["error"]["code"] == "invalid_parameter"
    # The worker's own socket handling leaves ordinary answers alone: static
    # files (sent with sendfile) and every sample through its link.
    with urllib.request.urlopen(f"{server}/static/style.css", timeout=10) as response:
        assert response.status == 200 and response.read()
    with urllib.request.urlopen(f"{server}/?per_page=100", timeout=10) as response:
        links = html.fromstring(response.read()).xpath("//ol[@class='hits']//h3/a/@href")
    assert links
    for link in links:
        with urllib.request.urlopen(urllib.parse.urljoin(server, link), timeout=10) as page:
            assert page.status == 200
        doc_id = urllib.parse.unquote(urllib.parse.urlsplit(link).path.removeprefix("/documents/"))
        status, record = get(f"{server}/api/v1/documents/{urllib.parse.quote(doc_id)}")
        assert status == 200 and record["id"] == doc_id


@pytest.mark.parametrize("path", ["/api/v1/search?q=", "/healthz?x=", "/api/v1/khong-co?x="])
def test_over_long_request_line_answers_json_414(server: str, path: str) -> None:
    line = path.encode() + b"a" * (MAX_URL_BYTES + 1)
    status, response, body = send_raw(server, b"GET " + line + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 414 and json_error(response, body)["code"] == "uri_too_long"
    # A line that never ends is cut off, not read for ever.
    status, response, body = send_raw(server, b"GET " + line + b"a" * 2000)
    assert status == 414 and json_error(response, body)["code"] == "uri_too_long"


@pytest.mark.parametrize("headers", [
    b"X-Big: " + b"a" * 9000 + b"\r\n",
    b"".join(b"X-Header-%d: %d\r\n" % (n, n) for n in range(150)),
    b"Cookie: " + b"a" * 100_000 + b"\r\n",
], ids=["one-huge-header", "150-headers", "100-kb-cookie"])
def test_too_large_headers_answer_json_431(server: str, headers: bytes) -> None:
    request = b"GET /api/v1/search?q=a HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n"
    status, response, body = send_raw(server, request)
    assert status == 431 and json_error(response, body)["code"] == "headers_too_large"


@pytest.mark.parametrize("request_line", [
    b"GET /api/v1/search?q=a b HTTP/1.1",
    b"GET /api/v1/search HTTP/9.9",
    b"G(T /api/v1/search HTTP/1.1",
])
def test_requests_gunicorn_cannot_parse_answer_json_400(server: str, request_line: bytes) -> None:
    status, response, body = send_raw(server, request_line + b"\r\nHost: x\r\n\r\n")
    assert status == 400 and json_error(response, body)["code"] == "bad_request"


def test_make_run_config_has_every_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from gunicorn.config import KNOWN_SETTINGS

    monkeypatch.setenv("TRACUU_PRELOAD", "0")  # the settings set it for gunicorn, not for us
    import web.gunicorn_settings as module

    names = {setting.name for setting in KNOWN_SETTINGS}
    settings = vars(module)
    conf = runpy.run_path(str(PROJECT / "gunicorn.conf.py"))  # imports the same module
    assert {name: conf.get(name) for name in names if name in settings} == {
        name: settings[name] for name in names if name in settings}


def test_over_long_url_answers_414_from_the_app(client: FlaskClient) -> None:
    long_query = "a" * (MAX_URL_BYTES + 1)
    response = client.get(f"/api/v1/search?q={long_query}")
    assert response.status_code == 414
    assert response.get_json()["error"]["code"] == "uri_too_long"
    page = client.get(f"/?q={long_query}")
    assert page.status_code == 414 and page.mimetype == "text/html"
    assert "Địa chỉ yêu cầu quá dài" in page.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/search", "/api/v1/documents/x", "/healthz", "/"])
def test_405_says_which_methods_are_allowed(client: FlaskClient, path: str) -> None:
    response = client.post(path)
    assert response.status_code == 405
    allowed = {method.strip() for method in response.headers["Allow"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}
    if path != "/":
        assert response.mimetype == "application/json"
        assert "hãy dùng GET" in response.get_json()["error"]["message"]
    else:
        assert response.mimetype == "text/html"
    options = client.options(path)
    assert options.status_code == 200 and options.headers["Allow"] == response.headers["Allow"]
    head, full = client.head(path), client.get(path)
    assert head.status_code == full.status_code and head.data == b""
    assert head.mimetype == full.mimetype


BAD_IDS = ["/a", "a/", "a//b", ".", "..", "./a", "a/./b", "a/../b", "a/..", "a\nb", "a\tb",
           "a\x00b", "a\x7fb", "a\x85b", "x" * 1001]
ODD_IDS = ["a b", "a?b", "a#b", "100%", "a%2Fb", "a+b", "a&b=c", "a;b", "ô:ê", "a\\b",
           "Nghị quyết số 22-NQ/TW", "2016/ke-hoach", "a.b/..c/d."]


def _ingest(tmp_path: Path, ids: list[str], make_app: Callable[[Path], Flask]
            ) -> tuple[IngestReport, FlaskClient]:
    records = [{"id": doc_id, "title": f"Văn bản {n}", "body": "Nội dung kiểm tra đường dẫn."}
               for n, doc_id in enumerate(ids)]
    source = tmp_path / "records.jsonl"
    # ASCII JSON: the ids hold characters (U+0085) that split lines of text.
    source.write_text("".join(json.dumps(record) + "\n" for record in records),
                      encoding="utf-8")
    report = ingest_paths([source], open_index(tmp_path / "index", create=True))
    return report, make_app(tmp_path / "index").test_client()


@pytest.mark.parametrize("doc_id", BAD_IDS)
def test_an_id_without_a_url_fails_ingest_with_one_line(
        tmp_path: Path, doc_id: str, make_app: Callable[[Path], Flask]) -> None:
    report, _ = _ingest(tmp_path, ["tot", doc_id], make_app)
    assert len(report.failed) == 1 and report.added == 1
    failure = report.failed[0]
    assert failure.source.endswith("records.jsonl:2") and "field 'id'" in failure.reason
    assert "\n" not in str(failure)


def test_an_id_from_a_file_name_without_a_url_fails_ingest(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "tot.txt").write_text("Tiêu đề\n\nNội dung.", encoding="utf-8")
    (folder / "xuong\ndong.txt").write_text("Tiêu đề khác\n\nNội dung.", encoding="utf-8")
    report = ingest_paths([folder], open_index(tmp_path / "index", create=True))
    assert report.added == 1 and len(report.failed) == 1
    assert "xuong" in report.failed[0].source and "field 'id'" in report.failed[0].reason


def test_every_id_ingest_takes_is_reached_by_its_link(
        tmp_path: Path, make_app: Callable[[Path], Flask]) -> None:
    report, client = _ingest(tmp_path, ODD_IDS + BAD_IDS, make_app)
    page = client.get("/?per_page=100")
    links = html.fromstring(page.data).xpath("//ol[@class='hits']//h3/a/@href")
    assert len(links) == report.added >= len(ODD_IDS)
    reached = set()
    for link in links:
        # As a browser or proxy would send it: dot segments resolved, // merged.
        url = urllib.parse.urljoin("http://localhost/", link)
        target = urllib.parse.urlsplit(url)._replace(scheme="", netloc="").geturl()
        while "//" in target:
            target = target.replace("//", "/")
        response = client.get(target)
        assert response.status_code == 200, (link, target)
        title = html.fromstring(response.data).findtext(".//h1")
        doc_id = urllib.parse.unquote(urllib.parse.urlsplit(target).path.removeprefix(
            "/documents/"))
        record = client.get(f"/api/v1/documents/{urllib.parse.quote(doc_id)}").get_json()
        assert record["title"] == title, (link, record)
        reached.add(record["id"])
    assert set(ODD_IDS) <= reached
