"""HTTP caching and CORS: ETags tied to the index generation and to who asks (never one
shared between the public and staff), 304 on If-None-Match, Cache-Control for public
answers, and cross-origin GETs under /api/ for public answers only (unless an origin is
named)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from index.store import open_index
from ingest.pipeline import ingest_paths
from tests.helpers import app_on, index_of, staff_headers

RECORDS = [
    {"id": "kh-1", "title": "Kế hoạch chuyển đổi số", "doc_type": "ke-hoach",
     "issued": "2019-01-01", "body": "Kế hoạch chuyển đổi số của cơ quan."},
    {"id": "tb-1", "title": "Thông báo họp", "doc_type": "thong-bao", "issued": "2018-01-01",
     "body": "Thông báo họp cơ quan."},
    {"id": "noi-bo", "title": "Tờ trình nội bộ", "doc_type": "to-trinh", "issued": "2020-01-01",
     "visibility": "internal", "body": "Tờ trình nội bộ về chuyển đổi số."},
]
# Answers a cache may keep, one of each kind of view.
CACHED = ["/?q=chuyển+đổi+số", "/documents/kh-1", "/api/v1/search?q=họp",
          "/api/v1/documents/tb-1", "/api/v1/relations/tb-1", "/api/v1/suggest?q=chuy",
          "/api/v1/search.csv?q=họp", "/api/v1/search.jsonl", "/feed.atom?q=họp",
          "/sitemap.xml", "/opensearch.xml", "/api/v1/openapi.json", "/api"]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return index_of(tmp_path, RECORDS)


@pytest.fixture()
def app(folder: Path) -> Iterator[Flask]:
    with app_on(folder) as made:
        yield made


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def staff(app: Flask) -> dict[str, str]:
    return staff_headers(app, "bo-nho-dem")


def ask(client: FlaskClient, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    with client.get(url, headers=headers) as response:
        return response.status_code, dict(response.headers), response.get_data()


@pytest.mark.parametrize("url", CACHED)
def test_an_unchanged_answer_is_not_sent_again(client: FlaskClient, url: str) -> None:
    status, headers, body = ask(client, url)
    assert status == 200 and body
    etag = headers["ETag"]
    assert etag.startswith('"') and headers["Last-Modified"].endswith(" GMT")
    assert headers["Cache-Control"] == "public, max-age=60"
    status, again, body = ask(client, url, **{"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert again["ETag"] == etag and again["Cache-Control"] == "public, max-age=60"
    assert again["Content-Security-Policy"] and "Authorization" in again["Vary"]
    # A weak comparison, a list and * match as well; another tag does not.
    assert ask(client, url, **{"If-None-Match": f'"x", W/{etag}'})[0] == 304
    assert ask(client, url, **{"If-None-Match": "*"})[0] == 304
    assert ask(client, url, **{"If-None-Match": '"x"'})[0] == 200


def test_an_etag_is_never_shared_between_the_public_and_staff(
        client: FlaskClient, staff: dict[str, str]) -> None:
    for url in ["/api/v1/search?q=họp", "/api/v1/documents/tb-1", "/api/v1/search.csv?q=họp"]:
        _, public, public_body = ask(client, url)
        status, known, staff_body = ask(client, url, **staff)
        assert status == 200 and known["ETag"] != public["ETag"]
        assert known["Cache-Control"] == "private, no-store"
        # The public's tag does not validate a staff answer, even where the bodies agree.
        assert ask(client, url, **staff, **{"If-None-Match": public["ETag"]})[0] == 200
        assert ask(client, url, **{"If-None-Match": known["ETag"]})[0] == 200
        assert ask(client, url, **staff, **{"If-None-Match": known["ETag"]})[0] == 304
    # Where both get the very same body, their tags still differ.
    _, public, public_body = ask(client, "/api/v1/search?q=khongcotunay")
    _, known, staff_body = ask(client, "/api/v1/search?q=khongcotunay", **staff)
    assert public_body == staff_body and public["ETag"] != known["ETag"]


def test_a_new_generation_makes_new_tags(client: FlaskClient, folder: Path,
                                         tmp_path: Path) -> None:
    before = {url: ask(client, url)[1] for url in CACHED}
    extra = tmp_path / "extra.jsonl"
    extra.write_text(json.dumps({"id": "tb-2", "title": "Thông báo họp mới",
                                 "doc_type": "thong-bao", "issued": "2021-01-01",
                                 "body": "Họp chuyển đổi số."}, ensure_ascii=False),
                     encoding="utf-8")
    assert not ingest_paths([extra], open_index(folder)).failed
    for url in ["/api/v1/search?q=họp", "/api/v1/search.csv?q=họp", "/api/v1/search.jsonl",
                "/feed.atom?q=họp", "/sitemap.xml", "/?q=chuyển+đổi+số"]:
        status, headers, _ = ask(client, url, **{"If-None-Match": before[url]["ETag"]})
        assert status == 200 and headers["ETag"] != before[url]["ETag"], url


def test_a_streamed_export_is_not_made_for_a_304(client: FlaskClient, app: Flask) -> None:
    etag = ask(client, "/api/v1/search.jsonl")[1]["ETag"]
    index = app.extensions["tracuu.index"]
    made = []
    original = index.export

    def counting(*args: object, **kwargs: object) -> object:
        export = original(*args, **kwargs)  # type: ignore[arg-type]
        made.append(export)
        return export

    index.export = counting
    try:
        status, _, body = ask(client, "/api/v1/search.jsonl", **{"If-None-Match": etag})
    finally:
        del index.export
    assert (status, body) == (304, b"")
    # The matches were counted, but no stored document was read, and the export's own
    # searcher was released.
    [export] = made
    assert export._release is None and next(iter(export), None) is None


def test_the_caches_lifetime_is_a_setting(folder: Path) -> None:
    with app_on(folder, CACHE_SECONDS=600) as app:
        assert ask(app.test_client(), "/api/v1/search")[1]["Cache-Control"] == \
            "public, max-age=600"


def test_a_message_for_one_visitor_is_never_kept_by_a_cache(client: FlaskClient) -> None:
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Đã đăng xuất.")]
    status, headers, body = ask(client, "/")
    assert status == 200 and "Đã đăng xuất." in body.decode()
    assert headers["Cache-Control"] == "private, no-store" and "ETag" not in headers


def test_errors_and_sign_in_carry_no_validators(client: FlaskClient) -> None:
    for url in ["/api/v1/documents/khong-co", "/api/v1/search?type=x", "/login", "/healthz"]:
        assert "ETag" not in ask(client, url)[1], url


# --- CORS ---------------------------------------------------------------------------------

def test_any_origin_reads_public_answers_by_default(client: FlaskClient,
                                                    staff: dict[str, str]) -> None:
    origin = {"Origin": "https://bao.example.vn"}
    status, headers, _ = ask(client, "/api/v1/search?q=họp", **origin)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in headers["Access-Control-Expose-Headers"]
    # Errors too, so that a page can read why.
    assert ask(client, "/api/v1/search?type=x", **origin)[1]["Access-Control-Allow-Origin"] == "*"
    # Staff answers go to no origin that is not named.
    assert "Access-Control-Allow-Origin" not in ask(client, "/api/v1/search", **origin,
                                                    **staff)[1]
    # Pages are not shared.
    assert "Access-Control-Allow-Origin" not in ask(client, "/?q=họp", **origin)[1]


def test_a_preflight_allows_get_with_a_token(client: FlaskClient) -> None:
    response = client.options("/api/v1/search", headers={
        "Origin": "https://bao.example.vn", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert response.headers["Access-Control-Allow-Headers"] == "Authorization"


def test_named_origins_only(folder: Path) -> None:
    with app_on(folder, INSTANCE_DIR=str(folder.parent / "instance-cors"),
                CORS_ORIGINS="https://a.example.vn, https://b.example.vn") as app:
        client = app.test_client()
        named = ask(client, "/api/v1/search", Origin="https://b.example.vn")[1]
        assert named["Access-Control-Allow-Origin"] == "https://b.example.vn"
        assert "Origin" in named["Vary"]
        other = ask(client, "/api/v1/search", Origin="https://c.example.vn")[1]
        assert "Access-Control-Allow-Origin" not in other and "Origin" in other["Vary"]
        assert "Origin" in ask(client, "/api/v1/search")[1]["Vary"]
        # A named origin may read staff answers.
        staff = ask(client, "/api/v1/search", Origin="https://a.example.vn",
                    **staff_headers(app, "cors"))[1]
        assert staff["Access-Control-Allow-Origin"] == "https://a.example.vn"
