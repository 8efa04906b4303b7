"""The JSON API: shape, status codes, facet counts against the records."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from index.doctypes import label
from index.record import FIELDS, Document
from tests.helpers import containing, facet_counts, public


def test_search_answer_has_the_contract_shape(client: FlaskClient) -> None:
    response = client.get("/api/v1/search", query_string={"q": "ke hoach", "per_page": 3})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["query", "total", "page", "per_page", "results", "facets",
                          "suggestion", "match"]
    assert (body["query"], body["page"], body["per_page"]) == ("ke hoach", 1, 3)
    assert len(body["results"]) == 3
    for hit in body["results"]:
        assert set(hit) == {"id", "title", "title_html", "snippet", "doc_type", "number",
                            "issued", "year", "url", "score", "visibility"}
        assert isinstance(hit["score"], float) and hit["visibility"] == "public"
    assert set(body["facets"]) == {"year", "doc_type", "issuer"}
    for item in body["facets"]["doc_type"]:
        assert item["label"] == label(item["value"])
    assert body["suggestion"] == "kế hoạch"  # the accents restored


def test_json_is_utf8_not_escaped(client: FlaskClient) -> None:
    response = client.get("/api/v1/search", query_string={"q": "nghị quyết"})
    assert "nghị quyết".encode() in response.data


def test_facets_match_counts_from_records(client: FlaskClient,
                                          sample_documents: list[Document]) -> None:
    documents = public(sample_documents)
    year = 2016
    body = client.get("/api/v1/search?q=ke+hoach&year=2016").get_json()
    matching = containing(documents, "kế", "hoạch")
    years, _ = facet_counts(matching)
    _, types_in_year = facet_counts([d for d in matching if d.year == year])
    assert body["total"] == years[year] > 0
    assert {item["value"]: item["count"] for item in body["facets"]["year"]} == dict(years)
    assert {item["value"]: item["count"] for item in body["facets"]["doc_type"]} == dict(
        types_in_year)
    assert all(hit["year"] == year for hit in body["results"])


def test_repeated_type_is_or(client: FlaskClient, sample_documents: list[Document]) -> None:
    documents = public(sample_documents)
    body = client.get("/api/v1/search?type=ke-hoach&type=chi-thi&per_page=100").get_json()
    assert body["total"] == sum(1 for d in documents if d.doc_type in ("ke-hoach", "chi-thi"))


@pytest.mark.parametrize("query_string", [
    "type=khong-co", "year=abc", "year=16", "year_from=2018&year_to=2016", "sort=random",
    "page=0", "page=-1", "page=abc", "per_page=0", "per_page=101", "per_page=1e3",
    "q=a&q=b", "page=99999999999999999999", "q=" + "x" * 2001,
])
def test_bad_parameters_answer_400_naming_them(client: FlaskClient, query_string: str) -> None:
    response = client.get(f"/api/v1/search?{query_string}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_parameter"
    name = query_string.split("=", 1)[0]
    assert f"'{name}'" in error["message"]


@pytest.mark.parametrize("query", ['"', "(", "AND", "*", "\x00", "title:x", "[a TO", "%"])
def test_odd_queries_answer_200(client: FlaskClient, query: str) -> None:
    assert client.get("/api/v1/search", query_string={"q": query}).status_code == 200


def test_document_record(client: FlaskClient, sample_documents: list[Document]) -> None:
    document = public(sample_documents)[0]
    response = client.get(f"/api/v1/documents/{document.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == list(FIELDS)
    assert body == document.to_record()


def test_unknown_and_internal_documents_answer_404(client: FlaskClient,
                                                   sample_documents: list[Document]) -> None:
    internal = [d for d in sample_documents if d.visibility == "internal"]
    for doc_id in ["khong-co-van-ban-nay", *(d.id for d in internal)]:
        response = client.get(f"/api/v1/documents/{doc_id}")
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


def test_unknown_api_path_answers_json_404(client: FlaskClient) -> None:
    response = client.get("/api/v1/khong-co")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"
    assert client.post("/api/v1/search").status_code == 405


def test_healthz(client: FlaskClient, sample_documents: list[Document]) -> None:
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["documents"] == len(public(sample_documents))
    assert body["generation"] >= 1


def test_missing_index_answers_503(tmp_path, make_app) -> None:  # type: ignore[no-untyped-def]
    client = make_app(tmp_path / "none").test_client()
    response = client.get("/api/v1/search?q=a")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "index_missing"
