"""The OpenAPI description and the API agree: schemathesis generates requests for every
operation from the description (valid and invalid) and checks each answer: never a 500,
a status, content type and headers the description names, a body that keeps to its
schema. Also the description itself: every GET rule of the API is in it, and its search
parameters follow the facets registry. And the API page (/api) that reads it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings

from index.record import Document
from search.facets import FACETS
from search.request import PARAMETERS
from web.openapi import description

# Cases per operation: enough for every parameter to be drawn both ways, in about a
# minute for the whole file on two cores.
EXAMPLES = 60


@pytest.fixture(scope="module")
def app(index_dir: Path) -> Iterator[Flask]:
    from web import create_app

    made = create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "API_RATE_LIMIT": "",
                       "EXPORT_RATE_LIMIT": "", "EXPORT_LIMIT": 50})
    yield made
    made.extensions["tracuu.index"].close()


@pytest.fixture(scope="module")
def index_dir(sample_index: tuple[Path, object]) -> Path:
    return sample_index[0]


# Every operation of the description but the description itself, which schemathesis
# reads rather than tests (test_every_api_rule_is_described keeps this list whole).
OPERATIONS = ("/api/v1/search", "/api/v1/search.csv", "/api/v1/search.jsonl",
              "/api/v1/suggest", "/api/v1/documents/{id}", "/api/v1/relations/{id}",
              "/feed.atom", "/opensearch.xml", "/sitemap.xml", "/sitemap-{number}.xml",
              "/healthz")
# A request each parameter of which is valid may still be refused: year_from after
# year_to, say, which no schema of one parameter can say.
EXCLUDED = [schemathesis.checks.positive_data_acceptance]
# Invalid input must answer 4xx, as described, never 500. Whether schemathesis's invalid
# value is refused is not checked: a query string carries text only, so its "not a
# string" values (false, 3.05e-08, null) arrive as text that is a valid issuer's name.
EXCLUDED_INVALID = [*EXCLUDED, schemathesis.checks.negative_data_rejection]


@pytest.fixture(scope="module")
def api_schema(app: Flask) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


# The operations whose parameters can be sent invalid (any string is some document's
# id): they are also called with schemathesis's invalid input, which must answer 4xx.
CONSTRAINED = ("/api/v1/search", "/api/v1/search.csv", "/api/v1/search.jsonl",
               "/api/v1/suggest", "/feed.atom")


def _operation(schema: schemathesis.BaseSchema, path: str) -> schemathesis.APIOperation:
    [operation] = [result.ok() for result in schema.get_all_operations()
                   if result.ok().path == path]
    return operation


@pytest.mark.parametrize("path", OPERATIONS)
def test_every_operation_answers_valid_input_as_described(
        api_schema: schemathesis.BaseSchema, path: str, sample_documents: list[Document]
        ) -> None:
    operation = _operation(api_schema, path)
    _run(operation, schemathesis.GenerationMode.POSITIVE)
    if "{id}" in path:
        # Generated ids are missing ones: the documents' own ids are asked too, an
        # internal one answering 404 as a missing one does.
        for document in sample_documents:
            operation.Case(path_parameters={"id": document.id}).call_and_validate(
                excluded_checks=EXCLUDED)


@pytest.mark.parametrize("path", CONSTRAINED)
def test_every_operation_refuses_invalid_input_as_described(
        api_schema: schemathesis.BaseSchema, path: str) -> None:
    _run(_operation(api_schema, path), schemathesis.GenerationMode.NEGATIVE)


def _run(operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode) -> None:
    cases = []
    excluded = EXCLUDED if mode == schemathesis.GenerationMode.POSITIVE else EXCLUDED_INVALID
    if not operation.query and not operation.path_parameters:
        operation.Case().call_and_validate(excluded_checks=excluded)
        return

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def call(case: schemathesis.Case) -> None:
        cases.append(case)
        case.call_and_validate(excluded_checks=excluded)

    call()
    assert len(cases) >= 10, len(cases)


def test_every_api_rule_is_described(app: Flask) -> None:
    with app.test_request_context():
        described = set(description()["paths"])
    rules = {str(rule.rule).replace("<path:doc_id>", "{id}").replace("<int:number>", "{number}")
             for rule in app.url_map.iter_rules()
             if "GET" in (rule.methods or ()) and (rule.rule.startswith("/api/v1/") or rule.rule
                                                   in ("/healthz", "/feed.atom",
                                                       "/opensearch.xml", "/sitemap.xml",
                                                       "/sitemap-<int:number>.xml"))}
    assert rules == described == {*OPERATIONS, "/api/v1/openapi.json"}


def test_the_search_parameters_are_the_requests(app: Flask) -> None:
    with app.test_request_context():
        paths = description()["paths"]
    names = [parameter["name"] for parameter in paths["/api/v1/search"]["get"]["parameters"]]
    assert set(names) == set(PARAMETERS)
    facets = {parameter["name"]: parameter for parameter in
              paths["/api/v1/search"]["get"]["parameters"]}
    for facet in FACETS:
        assert facets[facet.parameter]["schema"]["items"] == {
            "anyOf": [dict(facet.schema), {"const": ""}]}
    # The bounds are the server's, as configured.
    per_page = facets["per_page"]["schema"]["anyOf"][0]
    assert per_page["maximum"] == app.config["MAX_PER_PAGE"]
    limit = {parameter["name"]: parameter for parameter in
             paths["/api/v1/search.csv"]["get"]["parameters"]}["limit"]
    assert limit["schema"]["anyOf"][0]["maximum"] == 50


def test_the_api_page_reads_the_description(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/api")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-openapi="/api/v1/openapi.json"' in text
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        with client.get(f"/static/vendor/swagger-ui/{name}") as asset:
            assert asset.status_code == 200 and len(asset.get_data()) > 100_000
    assert client.get("/static/vendor/swagger-ui/index.html").status_code == 404
    assert client.get("/static/vendor/swagger-ui/..%2Fcore.py").status_code == 404
