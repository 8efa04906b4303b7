"""The Atom feed of a search, the OpenSearch description and suggestions, the sitemap.

Every answer is parsed as XML (or JSON) and checked against the records the index was
built from: entries newest first and at most 50, markup in records escaped, internal
documents only in what staff get (never in the sitemap), the links the pages make.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree, html

from index.doctypes import DOC_TYPES
from tests.helpers import app_on, index_of, staff_headers
from web import feeds

ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NS = {"a": ATOM[1:-1], "os": OPENSEARCH[1:-1], "s": SITEMAP[1:-1]}

PAYLOAD = "<script>alert(1)</script> & ]]> \"ngoặc kép\" 'đơn' &amp; <![CDATA[x]]>"
MARKUP_ID = "dac-biet/a&b c?d#e"
_TYPES = ("tin-tuc", "bao-cao", "thong-bao", "ke-hoach")


def _news() -> list[dict[str, Any]]:
    """Return 60 public items, one every 11 days from 2016 on, of four types."""
    start = dt.date(2016, 1, 3)
    return [{"id": f"tin/{n:02d}", "doc_type": _TYPES[n % len(_TYPES)],
             "issued": (start + dt.timedelta(days=11 * n)).isoformat(),
             "title": f"Bản tin hội thảo khoa học số {n}",
             "body": f"Liên hiệp hội tổ chức hội thảo khoa học lần {n} với các hội viên."}
            for n in range(60)]


RECORDS: list[dict[str, Any]] = [
    *_news(),
    {"id": MARKUP_ID, "doc_type": "thong-bao", "issued": "2014-02-03",
     "title": f"Thông\x0bbáo {PAYLOAD}", "body": f"Nội dung zephyrka {PAYLOAD}"},
    {"id": "chi-nam", "doc_type": "bao-cao", "year": 2012,
     "title": "Báo cáo quokkavi chỉ có năm", "body": "Báo cáo quokkavi không ghi ngày."},
    {"id": "khong-ngay", "doc_type": "tin-tuc",
     "title": "Tin quokkavi không ngày",
     "body": "Tin quokkavi wombatvi không ghi năm cũng không ghi ngày."},
    *({"id": f"noi-bo/{n}", "doc_type": "to-trinh", "issued": f"2024-05-0{n}",
       "visibility": "internal", "title": f"Tờ trình xiêmkhoa số {n}",
       "body": f"Tờ trình nội bộ xiêmkhoa {n} về hội thảo khoa học."} for n in range(1, 4)),
]
PUBLIC = [record for record in RECORDS if record.get("visibility") != "internal"]
INTERNAL_IDS = {record["id"] for record in RECORDS if record.get("visibility") == "internal"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("feeds"), RECORDS)


@pytest.fixture(scope="module")
def app(folder: Path) -> Iterator[Flask]:
    with app_on(folder) as made:
        yield made


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client(use_cookies=False)


@pytest.fixture(scope="module")
def staff(app: Flask) -> dict[str, str]:
    """Return the headers of a program with a staff token."""
    return staff_headers(app, "doc-tin")


def _xml(client: FlaskClient, url: str, content_type: str,
         headers: dict[str, str] | None = None) -> Any:
    """Return the parsed XML of a 200 answer of the given type."""
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
    assert response.content_type == content_type, url
    return etree.fromstring(response.get_data())


def _feed(client: FlaskClient, url: str, headers: dict[str, str] | None = None) -> Any:
    root = _xml(client, url, "application/atom+xml; charset=utf-8", headers)
    assert root.tag == f"{ATOM}feed"
    return root


def _one(element: Any, path: str) -> Any:
    found = element.xpath(path, namespaces=NS)
    assert len(found) == 1, (path, found)
    return found[0]


def _entry_ids(feed: Any) -> list[str]:
    return [unquote(urlsplit(_one(entry, "a:id/text()")).path).removeprefix("/documents/")
            for entry in feed.xpath("a:entry", namespaces=NS)]


def _newest(records: list[dict[str, Any]]) -> list[str]:
    """Return the ids of the dated records, newest first."""
    dated = [record for record in records if record.get("issued")]
    return [record["id"] for record in sorted(dated, key=lambda r: r["issued"], reverse=True)]


# --- The Atom feed --------------------------------------------------------------------------

def test_the_feed_is_atom_of_the_50_newest_documents(client: FlaskClient) -> None:
    feed = _feed(client, "/feed.atom")
    assert feed.nsmap[None] == ATOM[1:-1]
    assert _one(feed, "a:id/text()") == "http://localhost/feed.atom"
    assert _one(feed, "a:link[@rel='self']/@href") == "http://localhost/feed.atom"
    assert _one(feed, "a:link[@rel='self']/@type") == "application/atom+xml"
    assert _one(feed, "a:link[@rel='alternate'][@type='text/html']/@href") == "http://localhost/"
    assert _one(feed, "a:title/text()") == "Tra cứu – văn bản mới nhất"
    assert _one(feed, "a:author/a:name/text()") == "Tra cứu"
    entries = feed.xpath("a:entry", namespaces=NS)
    assert _entry_ids(feed) == _newest(PUBLIC)[:50]
    by_id = {record["id"]: record for record in RECORDS}
    dates = []
    for entry in entries:
        page = _one(entry, "a:id/text()")
        assert _one(entry, "a:link[@rel='alternate']/@href") == page
        assert _one(entry, "a:link[@rel='alternate']/@type") == "text/html"
        record = by_id[unquote(urlsplit(page).path).removeprefix("/documents/")]
        assert _one(entry, "a:title/text()") == record["title"]
        assert _one(entry, "a:updated/text()") == f"{record['issued']}T00:00:00Z"
        assert _one(entry, "a:published/text()") == f"{record['issued']}T00:00:00Z"
        assert _one(entry, "a:category/@term") == record["doc_type"]
        assert _one(entry, "a:category/@label") == DOC_TYPES[record["doc_type"]]
        assert _one(entry, "a:summary/@type") == "html"
        dates.append(_one(entry, "a:updated/text()"))
    assert dates == sorted(dates, reverse=True)
    assert _one(feed, "a:updated/text()") == dates[0]


def test_a_feed_keeps_the_search_and_ignores_the_page_order_and_paging(
        client: FlaskClient) -> None:
    url = "/feed.atom?q=hội+thảo&type=bao-cao&page=3&sort=oldest&per_page=5&as_typed=1"
    feed = _feed(client, url)
    this = _one(feed, "a:id/text()")
    assert this == _one(feed, "a:link[@rel='self']/@href")
    assert urlsplit(this).path == "/feed.atom"
    assert parse_qs(urlsplit(this).query) == {"q": ["hội thảo"], "type": ["bao-cao"]}
    results = _one(feed, "a:link[@rel='alternate']/@href")
    assert urlsplit(results).path == "/"
    assert parse_qs(urlsplit(results).query) == {"q": ["hội thảo"], "type": ["bao-cao"]}
    assert _one(feed, "a:title/text()") == "Tra cứu – «hội thảo»"
    # The same matches as the search, newest first, whatever page and order were asked.
    api = client.get("/api/v1/search?q=hội+thảo&type=bao-cao&sort=newest&per_page=50")
    expected = [hit["id"] for hit in api.get_json()["results"]]
    assert len(expected) > 5
    assert _entry_ids(feed) == expected
    assert set(feed.xpath("a:entry/a:category/@term", namespaces=NS)) == {"bao-cao"}
    # Filters alone: what the records say.
    feed = _feed(client, "/feed.atom?type=ke-hoach&year=2017")
    assert _entry_ids(feed) == _newest([record for record in PUBLIC
                                        if record["doc_type"] == "ke-hoach"
                                        and record.get("issued", "").startswith("2017")])
    assert _one(feed, "a:title/text()") == "Tra cứu – văn bản mới nhất"


def test_markup_in_records_and_queries_is_escaped(client: FlaskClient) -> None:
    response = client.get("/feed.atom?q=zephyrka")
    body = response.get_data()
    assert b"<script>" not in body and b"]]>" not in body
    feed = _feed(client, "/feed.atom?q=zephyrka")
    entry = _one(feed, "a:entry")
    # Shown as written, but the vertical tab XML cannot hold.
    assert _one(entry, "a:title/text()") == f"Thông\ufffdbáo {PAYLOAD}"
    assert _one(entry, "a:title/@type") == "text"
    page = _one(entry, "a:id/text()")
    assert unquote(urlsplit(page).path) == f"/documents/{MARKUP_ID}"
    assert client.get(urlsplit(page).path).status_code == 200
    # The summary is the snippet's HTML, escaped once more as XML text.
    api = client.get("/api/v1/search?q=zephyrka").get_json()["results"][0]
    summary = _one(entry, "a:summary/text()")
    assert summary == api["snippet"]
    fragment = html.fragment_fromstring(summary, create_parent="div")
    assert {element.tag for element in fragment.iter()} == {"div", "mark"}
    assert "<script>alert(1)</script>" in fragment.text_content()
    # A query holding markup is the feed's title, as text.
    typed = "<script>]]>&\"'"
    feed = _feed(client, "/feed.atom?q=" + quote(typed))
    assert _one(feed, "a:title/text()") == f"Tra cứu – «{typed}»"
    assert parse_qs(urlsplit(_one(feed, "a:id/text()")).query) == {"q": [typed]}


def test_an_entry_without_a_date_takes_its_year_or_the_feeds(client: FlaskClient) -> None:
    feed = _feed(client, "/feed.atom?q=quokkavi")
    dates = {entry_id: _one(entry, "a:updated/text()") for entry_id, entry in zip(
        _entry_ids(feed), feed.xpath("a:entry", namespaces=NS), strict=True)}
    assert dates == {"chi-nam": "2012-01-01T00:00:00Z", "khong-ngay": "2012-01-01T00:00:00Z"}
    assert _one(feed, "a:updated/text()") == "2012-01-01T00:00:00Z"
    # Nothing dated: a fixed date, never the clock.
    feed = _feed(client, "/feed.atom?q=wombatvi")
    assert _entry_ids(feed) == ["khong-ngay"]
    assert _one(feed, "a:updated/text()") == feeds.FEED_EPOCH
    assert _one(feed, "a:entry/a:updated/text()") == feeds.FEED_EPOCH


def test_internal_documents_are_only_in_the_staff_feed(client: FlaskClient,
                                                       staff: dict[str, str]) -> None:
    public = _feed(client, "/feed.atom")
    assert not INTERNAL_IDS & set(_entry_ids(public))
    empty = _feed(client, "/feed.atom?q=xiêmkhoa")
    assert not empty.xpath("a:entry", namespaces=NS)
    assert _one(empty, "a:updated/text()") == feeds.FEED_EPOCH
    assert _one(empty, "a:title/text()") == "Tra cứu – «xiêmkhoa»"
    response = client.get("/feed.atom", headers=staff)
    assert response.headers["Cache-Control"] == "private, no-store"
    staff_feed = _feed(client, "/feed.atom", staff)
    assert _entry_ids(staff_feed) == _newest(RECORDS)[:50]
    assert _entry_ids(staff_feed)[:3] == ["noi-bo/3", "noi-bo/2", "noi-bo/1"]
    assert _one(staff_feed, "a:updated/text()") == "2024-05-03T00:00:00Z"
    assert len(_entry_ids(_feed(client, "/feed.atom?q=xiêmkhoa", staff))) == 3


@pytest.mark.parametrize("query", ["page=0", "per_page=101", "sort=ngau-nhien"])
def test_a_pages_parameters_are_not_the_feeds(client: FlaskClient, query: str) -> None:
    # A feed is always its search's 50 newest: a page's order and paging are not read.
    assert client.get(f"/?{query}").status_code == 400
    assert _entry_ids(_feed(client, f"/feed.atom?{query}")) == \
        _entry_ids(_feed(client, "/feed.atom"))


@pytest.mark.parametrize("query", ["year=20x1", "type=khong-co", "year_from=2013&year_to=2011",
                                   "q=a&q=b"])
def test_a_bad_parameter_answers_400_as_the_pages_do(client: FlaskClient, query: str) -> None:
    response = client.get(f"/feed.atom?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    page = client.get(f"/?{query}")
    assert page.status_code == 400
    assert response.get_data() == page.get_data()
    assert "không hợp lệ" in response.get_data(as_text=True)


# --- The links the pages make ---------------------------------------------------------------

def _page(client: FlaskClient, url: str, status: int = 200,
          headers: dict[str, str] | None = None) -> Any:
    response = client.get(url, headers=headers)
    assert response.status_code == status, url
    tree = html.fromstring(response.get_data(as_text=True))
    # No inline script or style (the Content-Security-Policy allows none).
    assert not tree.xpath("//script[not(@src)] | //style | //@style"), url
    return tree


def test_the_results_page_links_the_feed_of_its_search(client: FlaskClient) -> None:
    url = "/?q=hội+thảo&type=bao-cao&year=2017&page=2&sort=oldest&per_page=5&as_typed=1"
    tree = _page(client, url)
    head = tree.xpath("/html/head/link[@rel='alternate'][@type='application/atom+xml']")
    assert len(head) == 1
    href = head[0].get("href")
    assert urlsplit(href).path == "/feed.atom"
    assert parse_qs(urlsplit(href).query) == {"q": ["hội thảo"], "type": ["bao-cao"],
                                              "year": ["2017"]}
    assert head[0].get("title") == "Tra cứu – «hội thảo»"
    visible = tree.xpath("//section[@class='summary']//a[@type='application/atom+xml']")
    assert len(visible) == 1
    assert visible[0].get("href") == href
    assert "Theo dõi" in visible[0].text_content() and "Atom" in visible[0].text_content()
    feed = _feed(client, href)
    assert _one(feed, "a:title/text()") == head[0].get("title")
    # Without a search: the feed of the newest documents.
    tree = _page(client, "/?page=2")
    assert tree.xpath("/html/head/link[@type='application/atom+xml']/@href") == ["/feed.atom"]
    assert tree.xpath("/html/head/link[@type='application/atom+xml']/@title") == [
        "Tra cứu – văn bản mới nhất"]


def test_every_page_links_the_opensearch_description(client: FlaskClient,
                                                     staff: dict[str, str]) -> None:
    for url, status, headers in (("/", 200, None), ("/?q=ke+hoach", 200, None),
                                 (f"/documents/{quote(MARKUP_ID, safe='/')}", 200, None),
                                 ("/documents/noi-bo/1", 200, staff), ("/login", 200, None),
                                 ("/documents/khong-co", 404, None), ("/?year=x", 400, None)):
        tree = _page(client, url, status, headers)
        links = tree.xpath("/html/head/link[@rel='search']")
        assert [(link.get("type"), link.get("title"), link.get("href")) for link in links] == [
            ("application/opensearchdescription+xml", "Tra cứu", "/opensearch.xml")], url
    # The feed is the results page's alone.
    assert not _page(client, "/login").xpath("//link[@type='application/atom+xml']")


# --- OpenSearch -----------------------------------------------------------------------------

def _templates(root: Any) -> dict[str, str]:
    return {url.get("type"): url.get("template")
            for url in root.xpath("os:Url", namespaces=NS)}


def test_the_opensearch_description(client: FlaskClient) -> None:
    root = _xml(client, "/opensearch.xml",
                "application/opensearchdescription+xml; charset=utf-8")
    assert root.tag == f"{OPENSEARCH}OpenSearchDescription"
    assert _one(root, "os:ShortName/text()") == "Tra cứu"
    assert "Liên hiệp các hội Khoa học và Kỹ thuật" in _one(root, "os:Description/text()")
    assert _one(root, "os:InputEncoding/text()") == "UTF-8"
    assert _one(root, "os:Language/text()") == "vi"
    image = _one(root, "os:Image/text()")
    assert image == "http://localhost/static/favicon.svg"
    favicon = client.get(urlsplit(image).path)
    assert (favicon.status_code, favicon.mimetype) == (200, "image/svg+xml")
    favicon.close()
    templates = _templates(root)
    assert templates["text/html"] == "http://localhost/?q={searchTerms}"
    assert templates["application/atom+xml"] == "http://localhost/feed.atom?q={searchTerms}"
    assert templates["application/x-suggestions+json"] == (
        "http://localhost/api/v1/suggest?q={searchTerms}&format=opensearch")
    # Each template, filled in, answers what it says.
    for kind, template in templates.items():
        filled = urlsplit(template.replace("{searchTerms}", quote("hội thảo")))
        response = client.get(filled.path, query_string=filled.query)
        assert response.status_code == 200, template
        assert response.mimetype == kind, template


def test_opensearch_templates_follow_the_reverse_proxy(folder: Path) -> None:
    from web import create_app

    app = create_app({"INDEX_DIR": str(folder), "TESTING": True, "PROXY_FIX": 1,
                      "INSTANCE_DIR": str(folder.parent / "instance")})
    try:
        client = app.test_client()
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "tracuu.example.vn",
                   "X-Forwarded-Prefix": "/tra-cuu", "X-Forwarded-For": "203.0.113.9"}
        root = _xml(client, "/opensearch.xml",
                    "application/opensearchdescription+xml; charset=utf-8", headers)
        base = "https://tracuu.example.vn/tra-cuu"
        assert _templates(root) == {
            "text/html": f"{base}/?q={{searchTerms}}",
            "application/atom+xml": f"{base}/feed.atom?q={{searchTerms}}",
            "application/x-suggestions+json":
                f"{base}/api/v1/suggest?q={{searchTerms}}&format=opensearch",
            "application/opensearchdescription+xml": f"{base}/opensearch.xml"}
        assert _one(root, "os:Image/text()") == f"{base}/static/favicon.svg"
        feed = _feed(client, "/feed.atom?q=zephyrka", headers)
        assert _one(feed, "a:id/text()") == f"{base}/feed.atom?q=zephyrka"
        assert _one(feed, "a:entry/a:id/text()").startswith(f"{base}/documents/")
    finally:
        app.extensions["tracuu.index"].close()


def test_suggestions_in_the_opensearch_format(client: FlaskClient,
                                              staff: dict[str, str]) -> None:
    plain = client.get("/api/v1/suggest?q=hội+th")
    assert plain.mimetype == "application/json"
    completions = plain.get_json()
    assert completions["suggestions"]
    assert client.get("/api/v1/suggest?q=hội+th&format=json").get_data() == plain.get_data()
    response = client.get("/api/v1/suggest?q=hội+th&format=opensearch")
    assert response.status_code == 200
    assert response.mimetype == "application/x-suggestions+json"
    assert json.loads(response.get_data()) == [
        "hội th", [item["text"] for item in completions["suggestions"]]]
    assert json.loads(client.get("/api/v1/suggest?format=opensearch").get_data()) == ["", []]
    # What the public may not see is not completed for it.
    public = json.loads(client.get("/api/v1/suggest?q=xiêmk&format=opensearch").get_data())
    assert public == ["xiêmk", []]
    seen = json.loads(client.get("/api/v1/suggest?q=xiêmk&format=opensearch",
                                 headers=staff).get_data())
    assert any("xiêmkhoa" in text for text in seen[1]), seen


@pytest.mark.parametrize("query", ["format=xml", "format=OPENSEARCH", "format=json&format=json",
                                   "format=opensearch&format=json"])
def test_an_unknown_suggestion_format_answers_400(client: FlaskClient, query: str) -> None:
    response = client.get(f"/api/v1/suggest?q=ke&{query}")
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter"
    assert "'format'" in error["message"]


# --- The sitemap ----------------------------------------------------------------------------

def _urls(root: Any) -> list[tuple[str, str | None]]:
    """Return each <url>'s document id and lastmod."""
    assert root.tag == f"{SITEMAP}urlset"
    found = []
    for url in root.xpath("s:url", namespaces=NS):
        loc = _one(url, "s:loc/text()")
        assert loc.startswith("http://localhost/documents/")
        lastmod = url.xpath("s:lastmod/text()", namespaces=NS)
        found.append((unquote(urlsplit(loc).path).removeprefix("/documents/"),
                      lastmod[0] if lastmod else None))
    return found


def test_the_sitemap_lists_every_public_document_once(client: FlaskClient,
                                                      staff: dict[str, str]) -> None:
    response = client.get("/sitemap.xml")
    root = _xml(client, "/sitemap.xml", "application/xml; charset=utf-8")
    urls = _urls(root)
    assert sorted(urls, key=lambda url: url[0]) == sorted(
        ((record["id"], record.get("issued")) for record in PUBLIC), key=lambda url: url[0])
    # Crawlers' list: the public documents, whoever asks.
    assert client.get("/sitemap.xml", headers=staff).get_data() == response.get_data()
    # Its one file is also /sitemap-1.xml; none after.
    assert client.get("/sitemap-1.xml").get_data() == response.get_data()
    for past in ("/sitemap-2.xml", "/sitemap-0.xml"):
        missing = client.get(past)
        assert (missing.status_code, missing.mimetype) == (404, "text/html"), past
    # Every location is the document's page.
    for loc in root.xpath("s:url/s:loc/text()", namespaces=NS):
        assert client.get(urlsplit(loc).path).status_code == 200, loc


def test_the_sitemap_is_streamed(app: Flask) -> None:
    with app.test_request_context("/sitemap.xml"):
        response = app.view_functions["feeds.sitemap"]()
        assert response.is_streamed
        assert len(_urls(etree.fromstring(b"".join(response.response)))) == len(PUBLIC)
        response.close()


def test_a_large_sitemap_is_an_index_of_files(client: FlaskClient, staff: dict[str, str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "SITEMAP_URLS", 7)
    files = -(-len(PUBLIC) // 7)
    assert files > 2
    root = _xml(client, "/sitemap.xml", "application/xml; charset=utf-8")
    assert root.tag == f"{SITEMAP}sitemapindex"
    locs = root.xpath("s:sitemap/s:loc/text()", namespaces=NS)
    assert locs == [f"http://localhost/sitemap-{n}.xml" for n in range(1, files + 1)]
    seen: list[str] = []
    for loc in locs:
        part = _urls(_xml(client, urlsplit(loc).path, "application/xml; charset=utf-8"))
        assert 1 <= len(part) <= 7, loc
        seen += [doc_id for doc_id, _ in part]
        assert client.get(urlsplit(loc).path, headers=staff).status_code == 200
    assert sorted(seen) == sorted(record["id"] for record in PUBLIC)
    assert not INTERNAL_IDS & set(seen)
    missing = client.get(f"/sitemap-{files + 1}.xml")
    assert (missing.status_code, missing.mimetype) == (404, "text/html")
    assert client.get(f"/sitemap-{files + 1}.xml", headers=staff).status_code == 404
