"""Facets as one registry: year, type and issuer, each declared once in search.facets and
iterated by the engine, the API, the page and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from lxml import html

from search import SearchIndex, SearchRequest
from search.facets import FACETS, ISSUER, issuer_slug
from search.request import PARAMETERS
from tests.helpers import index_of

CHI_BO = "Chi bộ cơ quan Liên hiệp hội"  # canonical (index/issuers.json)
DANG_UY = "Đảng ủy Khối các cơ quan tỉnh"
SECRET = "Ban Bảo mật Nội bộ"
TRACUU = Path(sys.executable).with_name("tracuu")
RECORDS = [
    {"id": "kh-1", "title": "Kế hoạch học tập nghị quyết", "body": "Kế hoạch của chi bộ.",
     "doc_type": "ke-hoach", "issued": "2016-10-11", "issuer": CHI_BO},
    {"id": "kh-2", "title": "Kế hoạch sinh hoạt chuyên đề", "body": "Kế hoạch năm 2017.",
     "doc_type": "ke-hoach", "issued": "2017-01-05", "issuer": CHI_BO},
    {"id": "nq-1", "title": "Nghị quyết về công tác tuyên giáo", "body": "Nghị quyết của khối.",
     "doc_type": "nghi-quyet", "issued": "2017-03-01", "issuer": DANG_UY},
    {"id": "tin-1", "title": "Tin hoạt động hội", "body": "Kế hoạch và nghị quyết được bàn.",
     "doc_type": "tin-tuc", "issued": "2017-05-01"},
    {"id": "mat-1", "title": "Kế hoạch nội bộ", "body": "Kế hoạch chỉ dành cho cán bộ.",
     "doc_type": "ke-hoach", "issued": "2017-06-01", "issuer": SECRET,
     "visibility": "internal"},
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return index_of(tmp_path_factory.mktemp("facets"), RECORDS)


@pytest.fixture(scope="module")
def index(folder: Path) -> Iterator[SearchIndex]:
    opened = SearchIndex(folder)
    yield opened
    opened.close()


def issuers(index: SearchIndex, **asked: object) -> dict[str, tuple[str, int]]:
    result = index.search(SearchRequest(**asked))  # type: ignore[arg-type]
    return {item.value: (item.label, item.count) for item in result.facets["issuer"]}


def test_the_issuer_facet_counts_issuers_by_slug_with_their_names(index: SearchIndex) -> None:
    assert issuers(index, query="kế hoạch") == {
        issuer_slug(CHI_BO): (CHI_BO, 2)}
    assert issuers(index) == {issuer_slug(CHI_BO): (CHI_BO, 2),
                              issuer_slug(DANG_UY): (DANG_UY, 1)}
    # Staff see the internal document's issuer; the public do not.
    assert issuers(index, include_internal=True)[issuer_slug(SECRET)] == (SECRET, 1)


@pytest.mark.parametrize("named", [CHI_BO, "chi bo lien hiep hoi", "chi-bo-lien-hiep-hoi",
                                   "CHI BỘ LIÊN HIỆP HỘI", "CB", issuer_slug(CHI_BO)])
def test_issuer_filters_by_name_or_slug(index: SearchIndex, named: str) -> None:
    result = index.search(SearchRequest(issuers=(named,)))
    assert sorted(hit.id for hit in result.hits) == ["kh-1", "kh-2"]
    # The issuer facet itself still counts every issuer (the other facets' filters only).
    assert {item.value for item in result.facets["issuer"]} == {
        issuer_slug(CHI_BO), issuer_slug(DANG_UY)}
    chosen = [item for item in result.facets["issuer"] if item.selected]
    assert [item.value for item in chosen] == [issuer_slug(CHI_BO)]


def test_facets_count_what_passes_the_other_facets(index: SearchIndex) -> None:
    result = index.search(SearchRequest(types=("ke-hoach",), years=(2017,)))
    assert [hit.id for hit in result.hits] == ["kh-2"]
    counts = {name: {item.value: item.count for item in values}
              for name, values in result.facets.items()}
    assert counts["year"] == {2016: 1, 2017: 1}  # type only
    assert counts["doc_type"] == {"ke-hoach": 1, "nghi-quyet": 1, "tin-tuc": 1}  # 2017 only
    assert counts["issuer"] == {issuer_slug(CHI_BO): 1}  # both


@pytest.fixture(scope="module")
def app(folder: Path) -> Iterator[Flask]:
    from web import create_app

    made = create_app({"INDEX_DIR": str(folder), "TESTING": True})
    yield made
    made.extensions["tracuu.index"].close()


def test_every_facet_of_the_registry_is_in_the_api_the_page_and_the_cli(
        app: Flask, folder: Path) -> None:
    client = app.test_client()
    body = client.get("/api/v1/search").get_json()
    assert list(body["facets"]) == [facet.name for facet in FACETS]
    tree = html.fromstring(client.get("/").data)
    assert tree.xpath("//aside//section[@class='facet']/h2/text()") == [
        facet.label for facet in FACETS]
    for facet in FACETS:
        assert facet.parameter in PARAMETERS
        listed = "//aside//section[@class='facet']//a"
        links = tree.xpath(f"{listed}[contains(@href, '{facet.parameter}=')]/@href")
        assert len(links) == len(body["facets"][facet.name]), facet.name
    cli = subprocess.run([str(TRACUU), "search", "--help"],
                         capture_output=True, text=True, check=True)
    for facet in FACETS:
        assert f"--{facet.parameter}" in cli.stdout


def test_the_page_and_the_api_filter_by_issuer(app: Flask) -> None:
    client = app.test_client()
    data = client.get("/api/v1/search", query_string={"issuer": CHI_BO}).get_json()
    assert sorted(hit["id"] for hit in data["results"]) == ["kh-1", "kh-2"]
    assert {"value": issuer_slug(CHI_BO), "label": CHI_BO, "count": 2} in data["facets"][
        "issuer"]
    tree = html.fromstring(client.get("/", query_string={"issuer": issuer_slug(CHI_BO)}).data)
    assert [" ".join(chip.text_content().split()) for chip in
            tree.xpath("//p[@class='chosen']/a[@class='chip']")] == [f"{CHI_BO} ×"]
    heading = tree.xpath(f"//h2[text()='{ISSUER.label}']")
    assert heading, "the issuer facet is on the page"
    # A public asker naming the internal issuer finds nothing, as if it did not exist.
    hidden = client.get("/api/v1/search", query_string={"issuer": SECRET}).get_json()
    assert hidden["total"] == 0
    bad = client.get("/api/v1/search", query_string={"issuer": "--"})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_parameter"


def test_the_command_line_filters_by_issuer(folder: Path) -> None:
    found = subprocess.run([str(TRACUU), "search", "kế hoạch", "--issuer",
                            "chi bo lien hiep hoi", "--json", "--index", str(folder)],
                           capture_output=True, text=True, check=True)
    assert sorted(hit["id"] for hit in json.loads(found.stdout)["results"]) == ["kh-1", "kh-2"]
