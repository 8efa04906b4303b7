"""The HTML pages: results, facets, paging, document page, errors, escaping."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from index.record import Document
from index.store import open_index
from ingest.pipeline import ingest_paths
from tests.helpers import public


def page(client: FlaskClient, url: str, status: int = 200) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, url
    assert response.mimetype == "text/html"
    tree = html.fromstring(response.get_data(as_text=True))
    # Pages work without JavaScript: the one script, from /static, only adds completions.
    scripts = tree.xpath("//script")
    assert [(script.get("src"), script.text) for script in scripts] == [
        ("/static/suggest.js", None)], "pages work without JavaScript"
    return tree


def test_search_page_shows_results_snippets_and_facets(client: FlaskClient) -> None:
    tree = page(client, "/?q=nghi+quyet")
    assert tree.get("lang") == "vi"
    hits = tree.xpath("//li[@class='hit']")
    assert hits
    assert tree.xpath("//p[@class='snippet']/mark")
    summary = tree.xpath("string(//section[@class='summary'])")
    assert re.search(r"Kết quả 1–10 trên \d+ cho «nghi quyet»", " ".join(summary.split()))
    headings = tree.xpath("//aside//section[@class='facet']/h2/text()")
    assert headings == ["Loại văn bản", "Năm", "Cơ quan ban hành"]
    assert tree.xpath("//input[@id='q']/@value") == ["nghi quyet"]
    # The year-range form carries the query over.
    assert tree.xpath("//form[@class='year-range']/input[@name='q']/@value") == ["nghi quyet"]


def test_facet_link_narrows_and_unselects(client: FlaskClient) -> None:
    tree = page(client, "/?q=ke+hoach")
    link = tree.xpath("//aside//section[@class='facet']//a[contains(@href, 'year=')]")[0]
    count = int(link.getparent().xpath("string(span[@class='count'])"))
    narrowed = page(client, link.get("href"))
    assert len(narrowed.xpath("//li[@class='hit']")) == min(count, 10)
    chip = narrowed.xpath("//a[@class='chip']")
    assert len(chip) == 1
    back = page(client, chip[0].get("href"))
    assert not back.xpath("//a[@class='chip']")
    assert "year=" not in chip[0].get("href")


def test_paging_links_walk_every_result(client: FlaskClient,
                                        sample_documents: list[Document]) -> None:
    url, seen = "/?per_page=10", []
    while url:
        tree = page(client, url)
        seen += tree.xpath("//li[@class='hit']/h3/a/@href")
        following = tree.xpath("//nav[@class='pages']/a[@rel='next']/@href")
        url = following[0] if following else ""
    assert len(seen) == len(set(seen)) == len(public(sample_documents))


def test_no_results_page_in_vietnamese(client: FlaskClient) -> None:
    tree = page(client, "/?q=zzzqqq")
    assert "Không tìm thấy văn bản nào phù hợp." in tree.text_content()


def test_document_page(client: FlaskClient, sample_documents: list[Document]) -> None:
    [plan] = [d for d in sample_documents if d.number == "22-KH/CB"]
    tree = page(client, f"/documents/{plan.id}")
    assert tree.xpath("string(//h1)") == plan.title
    text = tree.text_content()
    assert "22-KH/CB" in text and "Kế hoạch" in text
    # The body's first line, "Số: 22-KH/CB", is the table's number: not repeated.
    paragraphs = plan.body.split("\n\n")
    assert paragraphs[0] == "Số: 22-KH/CB"
    assert len(tree.xpath("//div[@class='body']/p")) == len(paragraphs) - 1
    assert tree.xpath("string(//table[@class='metadata']//tr[th='Số, ký hiệu']/td)") == (
        "22-KH/CB")


def test_bad_parameter_and_unknown_document_pages(client: FlaskClient,
                                                  sample_documents: list[Document]) -> None:
    tree = page(client, "/?per_page=1000", status=400)
    assert "Yêu cầu không hợp lệ" in tree.text_content()
    assert "'per_page'" in tree.text_content()
    page(client, "/documents/khong-co", status=404)
    internal = [d for d in sample_documents if d.visibility == "internal"][0]
    page(client, f"/documents/{internal.id}", status=404)
    assert "Không tìm thấy" in page(client, "/khong-co", status=404).text_content()


def test_every_character_of_a_document_is_escaped(tmp_path: Path,
                                                  make_app: Callable[[Path], Flask]) -> None:
    attack = "<script>alert(1)</script> \"><img src=x onerror=alert(2)> & <b>đậm</b>"
    record = {"id": "xss", "title": f"Tiêu đề {attack}", "body": f"Nội dung {attack} nghị quyết",
              "issuer": attack, "url": "javascript:alert(3)", "refs": [attack]}
    source = tmp_path / "x.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    ingest_paths([source], open_index(tmp_path / "index", create=True))
    client = make_app(tmp_path / "index").test_client()
    for url in ("/?q=nghi+quyet", "/?q=alert", "/documents/xss"):
        body = client.get(url).get_data(as_text=True)
        assert "<script>" not in body and "<img" not in body and "<b>" not in body, url
        assert "javascript:" not in body, url
    snippet = client.get("/api/v1/search?q=alert").get_json()["results"][0]["snippet"]
    assert set(re.findall(r"</?(\w+)", snippet)) == {"mark"}
    assert "&lt;script&gt;" in snippet
