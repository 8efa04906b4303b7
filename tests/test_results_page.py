"""The results page as a documents portal shows it: "Kết quả 11–20 trên 26", sort links
with or without a query, a year histogram drawn on the server, a year range, removable
filters with "Xóa tất cả", facets that fold away on a phone, and small pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from index.record import Document
from tests.helpers import public

PAGE_BYTES = 60_000


def page(client: FlaskClient, url: str) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.fromstring(response.data)


def summary(tree: html.HtmlElement) -> str:
    return " ".join(tree.xpath("string(//section[@class='summary'])").split())


def test_the_summary_says_which_results_of_how_many(client: FlaskClient,
                                                     sample_documents: list[Document]) -> None:
    total = client.get("/api/v1/search?q=ke+hoach").get_json()["total"]
    assert total > 10
    first = summary(page(client, "/?q=ke+hoach"))
    assert f"Kết quả 1–10 trên {total} cho «ke hoach»" in first
    second = summary(page(client, "/?q=ke+hoach&page=2"))
    assert f"Kết quả 11–{min(20, total)} trên {total} cho «ke hoach»" in second
    listing = summary(page(client, "/?per_page=5&page=3"))
    assert f"Kết quả 11–15 trên {len(public(sample_documents))} văn bản" in listing


def test_numbers_are_written_the_vietnamese_way(app: Flask) -> None:
    assert app.jinja_env.filters["vn_number"](153825) == "153.825"
    assert app.jinja_env.filters["vn_number"](26) == "26"


def test_sort_links_show_without_a_query_too(client: FlaskClient) -> None:
    tree = page(client, "/")
    sort = tree.xpath("//p[@class='sort']")[0]
    assert sort.xpath("string(strong)") == "Mới nhất"
    assert [link.text for link in sort.xpath("a")] == ["Cũ nhất"]  # nothing ranks: no relevance
    oldest = page(client, sort.xpath("a/@href")[0])
    dates = [time.get("datetime") for time in oldest.xpath("//li[@class='hit']//time")]
    assert dates == sorted(dates)
    ranked = page(client, "/?q=ke+hoach").xpath("//p[@class='sort']")[0]
    assert ranked.xpath("string(strong)") == "Liên quan nhất"


def test_the_year_histogram_is_drawn_on_the_server_and_links_each_year(
        client: FlaskClient) -> None:
    tree = page(client, "/?q=ke+hoach")
    facet = {item["value"]: item["count"] for item in
             client.get("/api/v1/search?q=ke+hoach").get_json()["facets"]["year"]}
    bars = tree.xpath("//ol[@class='bars']/li")
    years = [int(parse_qs(urlsplit(bar.xpath("a/@href")[0]).query)["year"][0])
             for bar in bars]
    assert years == sorted(facet)  # oldest first, one bar per year
    tallest = max(facet.values())
    for bar, year in zip(bars, years, strict=True):
        [height] = re.findall(r"\bh(\d+)\b", bar.xpath("a/span[1]/@class")[0])
        assert int(height) == max(5, 5 * round(20 * facet[year] / tallest)), year
        assert f"Năm {year}: {facet[year]} văn bản" == bar.xpath("a/@title")[0]
    # A bar is a link to that year; the chosen year's bar is marked.
    chosen = page(client, bars[0].xpath("a/@href")[0])
    assert chosen.xpath("//ol[@class='bars']/li[@class='selected']")
    assert len(chosen.xpath("//a[@class='chip']")) == 1
    # No script and no inline style draws it.
    assert not tree.xpath("//*[@style]") and not tree.xpath("//svg")


def test_the_year_range_form_keeps_the_query_and_filters(client: FlaskClient) -> None:
    tree = page(client, "/?q=ke+hoach&type=ke-hoach&page=2")
    [form] = tree.xpath("//form[@class='year-range']")
    assert form.get("method") == "get" and form.get("action") == "/"
    hidden = {(field.get("name"), field.get("value")) for field in
              form.xpath("input[@type='hidden']")}
    assert hidden == {("q", "ke hoach"), ("type", "ke-hoach")}  # not the page
    ranged = page(client, "/?q=ke+hoach&type=ke-hoach&year_from=2016&year_to=2016")
    found = client.get("/api/v1/search?q=ke+hoach&type=ke-hoach&year_from=2016&year_to=2016"
                       "&per_page=100").get_json()
    assert found["total"] and {hit["year"] for hit in found["results"]} == {2016}
    assert len(ranged.xpath("//li[@class='hit']")) == min(10, found["total"])
    chips = [" ".join(chip.text_content().split()) for chip in ranged.xpath("//a[@class='chip']")]
    assert chips == ["Kế hoạch ×", "Năm 2016–2016 ×"]
    assert ranged.xpath("//input[@name='year_from']/@value") == ["2016"]


def test_clear_all_removes_every_filter_and_keeps_the_query(client: FlaskClient) -> None:
    tree = page(client, "/?q=ke+hoach&type=ke-hoach&year=2016&year_from=2015&sort=newest")
    [clear] = tree.xpath("//p[@class='chosen']/a[@class='clear']")
    assert clear.text == "Xóa tất cả"
    assert parse_qs(urlsplit(clear.get("href")).query) == {"q": ["ke hoach"],
                                                           "sort": ["newest"]}
    assert not page(client, clear.get("href")).xpath("//p[@class='chosen']")


def test_facets_fold_away_in_a_details(client: FlaskClient) -> None:
    tree = page(client, "/?q=ke+hoach")
    [details] = tree.xpath("//aside/details[@class='filters']")
    assert details.get("open") is None  # closed on a phone; the stylesheet opens it when wide
    assert details.xpath("summary")[0].text.startswith("Bộ lọc")
    assert details.xpath(".//section[@class='facet']")
    with client.get("/static/style.css") as response:
        css = response.get_data(as_text=True)
    assert "details.filters::details-content" in css


def test_pages_stay_small(client: FlaskClient, sample_documents: list[Document]) -> None:
    urls = ["/", "/?q=ke+hoach", "/?q=nghi+quyet&type=ke-hoach", "/?per_page=100",
            "/?q=a&per_page=100", f"/documents/{sample_documents[0].id}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and len(response.data) < PAGE_BYTES, (
            url, len(response.data))


def test_the_placeholder_is_short_enough_for_a_phone(client: FlaskClient) -> None:
    [placeholder] = page(client, "/").xpath("//input[@id='q']/@placeholder")
    # The box is about 220 px wide at 360 px: some 27 characters of 16 px text.
    assert len(placeholder) <= 27, placeholder
