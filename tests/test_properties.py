"""Every GET endpoint under hostile input: never a 500, always the promised format, quickly."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import quote, quote_plus

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from index.doctypes import DOC_TYPES
from index.record import Document
from search.request import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, PARAMETERS, SORTS


@dataclass(frozen=True)
class Route:
    """What the test knows of a GET rule: its answer's type and the parameters it reads."""

    mimetype: str  # of a 200 answer; errors are JSON under /api/ and /healthz, else HTML
    parameters: tuple[str, ...] = ()  # query parameters read besides search.request's


# Every GET rule of the app. Any rule is exercised whether listed here or not
# (its path parameters get arbitrary text, its query string every parameter
# below and arbitrary ones), but only this table says which type a 200 answer
# has and which parameters of its own a route reads: test_every_route_is_known
# fails on a new route so that its author adds it here.
ROUTES = {
    "/": Route("text/html"),
    "/documents/<path:doc_id>": Route("text/html"),
    "/api/v1/search": Route("application/json"),
    "/api/v1/documents/<path:doc_id>": Route("application/json"),
    "/api/v1/suggest": Route("application/json", ("format",)),
    "/api/v1/relations/<path:doc_id>": Route("application/json"),
    "/healthz": Route("application/json"),
    "/login": Route("text/html", ("next",)),
    "/feed.atom": Route("application/atom+xml"),
    "/opensearch.xml": Route("application/opensearchdescription+xml"),
    "/sitemap.xml": Route("application/xml"),
    "/sitemap-<int:number>.xml": Route("application/xml"),
    "/api/v1/search.csv": Route("text/csv", ("limit",)),
    "/api/v1/search.jsonl": Route("application/jsonl", ("limit",)),
    "/api/v1/openapi.json": Route("application/json"),
    "/api": Route("text/html"),
    "/static/vendor/swagger-ui/<name>": Route("text/javascript"),
}
# A hang guard, not a speed target: a request of the sample index takes milliseconds.
SECONDS_PER_REQUEST = 2.0
# About 15 s for the file on two busy cores; each example is one request.
EXAMPLES = 400

_ARGUMENT = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")

# Words and numbers of the sample publications, so that real searches match.
_WORDS = ("ke", "hoach", "kế", "hoạch", "nghị", "quyết", "nghi", "quyet", "sáng", "tạo",
          "thanh", "thiếu", "niên", "hội", "thi", "phản", "biện", "chi", "bộ", "đường",
          "dương", "liễu", "hoà", "hòa", "thuỷ", "lãng", "phí", "Đảng", "Ðảng", "dang",
          "2016", "2015-2020", "22-KH/CB", "22/kh-cb", "05/HD-LHH", "11/10/2016", "ngày",
          "tháng", "năm", "11", "10", "số", "Số", "a", "x")
# Query syntax, whole and broken (CONTRACT: broken syntax falls back to plain words).
_SYNTAX = ('"', '""', '"chuyển đổi số"', '"nghị quyết', '-', '--', '- -', '-"', '-"kế hoạch"',
           "-thanh -niên", "OR", "a OR b", "OR OR", "AND", "NOT", "*", "ke*", "**", "so:",
           "so:22-KH/CB", "nam:2015..2017", "nam:..", "nam:2017..2015", "nam:abc", "loai:",
           "loai:ke-hoach", "tieude:", "tieude:nghị", "coquan:", "coquan:lhh", ":", "::",
           "(", ")", ")(", "[a TO", "title:x", "visibility:internal", "~", "^2", "\\", "'",
           "&", "=", "?", "#", "%", "ngày 11 tháng 10 năm 2016", "ngày 31 tháng 2 năm 2016",
           "22 kh cb", "Số 22-KH/CB", "99999/9999/ZZ-ZZZZZZZZZZZZ", "0-a")
_VIETNAMESE = ("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợ"
               "úùủũụứừửữựýỳỷỹỵĐÐ")
_VIETNAMESE += _VIETNAMESE.upper()
_NUMBERS = ("0", "-1", "-0", "+5", "1.5", "1e3", "0x10", "1_000", "007", "2016 ", " 2016",
            "２０１６", "١٢", "²", "Ⅳ", "nan", "inf", "-inf", "99999999999999999999",
            str(2**63), str(-(2**63)), "9" * 400)
# Written into the query string or path as they are: what a client sends after
# percent-encoding a lone surrogate, invalid or cut UTF-8, a NUL, broken escapes.
_RAW = ("%ED%A0%80", "%ED%B0%80x", "%F0%9F", "%FF", "%C3", "%C0%AE", "%00", "%0A", "%", "%%",
        "%zz", "%2", "%25", "%2B", "+", "%26", "%3D", "%E2%80%AE", "%EF%BB%BF", "%2e%2e", "%2F",
        "..", "../..", ".", "//", "~")


def _long(pieces: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Return strings of 2,000 to 3,500 characters, one piece repeated (cheap to draw)."""
    return st.builds(lambda piece, size: (piece * size)[:size], pieces, st.integers(2000, 3500))


_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=_VIETNAMESE + " ", max_size=40),
    st.text(alphabet=_VIETNAMESE + " ", max_size=40).map(lambda s: unicodedata.normalize("NFD", s)),
    st.text(alphabet=st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp",
                                                             "Mn", "Co"]), max_size=10),
)
_PHRASE = st.lists(st.one_of(st.sampled_from(_WORDS), st.sampled_from(_SYNTAX)), min_size=1,
                   max_size=8).map(" ".join)
_QUERY = st.one_of(
    _PHRASE,
    _PHRASE.map(lambda s: unicodedata.normalize("NFD", s)),
    # Near the length limit: the most clauses a query can have, a real (slow) search.
    st.builds(lambda words, size: " ".join(words * size)[:size], st.lists(
        st.sampled_from(_WORDS), min_size=1, max_size=4), st.sampled_from(
        (MAX_QUERY_LENGTH - 1, MAX_QUERY_LENGTH, MAX_QUERY_LENGTH + 1))),
)
_HOSTILE = st.one_of(
    st.sampled_from(("", " ", "\x00", "\t", "\u3000", "\ufeff")),
    st.sampled_from(_NUMBERS),
    st.integers(-(10**40), 10**40).map(str),
    st.floats().map(repr),
    st.sampled_from(_SYNTAX),
    _TEXT,
    _long(st.sampled_from(("x", "ệ", "e\u0302\u0323", "a ", "- ", '" ', "22-KH/CB ", "\x00"))),
)
_VALID: dict[str, st.SearchStrategy[str]] = {
    "q": _QUERY,
    "type": st.sampled_from(sorted(DOC_TYPES)),
    "year": st.integers(2012, 2020).map(str),
    "year_from": st.integers(2012, 2020).map(str),
    "year_to": st.integers(2012, 2020).map(str),
    "sort": st.sampled_from(SORTS),
    "page": st.one_of(st.integers(1, 5), st.just(MAX_PAGE)).map(str),
    "per_page": st.sampled_from((1, 2, 10, MAX_PER_PAGE)).map(str),
}
# Names read by the code, those of the contract not read yet, odd ones, and the
# keyword arguments of Flask's url_for (a page that rebuilds its links from the
# query string must not hand them over as such).
_NAMES = (*PARAMETERS, *(name for route in ROUTES.values() for name in route.parameters),
          "issuer", "Q", "q ", "q[]", "%71", "", "=", "__class__", "endpoint", "_anchor",
          "_method", "_scheme", "_external")


@st.composite
def _value(draw: st.DrawFn, name: str) -> str:
    """Draw a value for parameter name, percent-encoded, raw or broken."""
    valid = _VALID.get(name)
    if valid is not None and draw(st.booleans()):
        return quote_plus(draw(valid))
    how = draw(st.sampled_from(("encoded", "encoded", "raw", "escape")))
    if how == "escape":
        return "".join(draw(st.lists(st.sampled_from(_RAW), min_size=1, max_size=3)))
    text = draw(_HOSTILE)
    # Raw text is sent as a careless client would: UTF-8, unescaped, & and = included.
    return quote_plus(text) if how == "encoded" else text


@st.composite
def _query_string(draw: st.DrawFn) -> str:
    """Draw a query string: known, unknown and repeated parameters, empty pairs."""
    if draw(st.booleans()):
        # A search that runs: valid filters around a query text that may be hostile.
        filters = draw(st.lists(st.sampled_from(sorted(set(_VALID) - {"q"})), max_size=4))
        query = draw(st.one_of(_QUERY, _HOSTILE))
        return "&".join([f"q={quote_plus(query)}",
                         *(f"{name}={quote_plus(draw(_VALID[name]))}" for name in filters)])
    names = draw(st.lists(st.one_of(st.sampled_from(_NAMES), st.text(max_size=8).map(quote_plus)),
                          max_size=6))
    pairs = [f"{name}={draw(_value(name))}" for name in names]
    if draw(st.booleans()) and pairs:
        pairs.append(draw(st.sampled_from(pairs)))  # the same parameter given twice
    if draw(st.booleans()):
        pairs.insert(draw(st.integers(0, len(pairs))),
                     draw(st.sampled_from(("", "q", "page", "=", "&", "type="))))
    return "&".join(pairs)


def _path_value(ids: Sequence[str]) -> st.SearchStrategy[str]:
    """Return a strategy of path parameter values: real ids, arbitrary and broken text."""
    piece = st.one_of(
        st.sampled_from(ids),
        _TEXT.map(lambda s: quote(s, safe="")),
        _TEXT.map(lambda s: quote(s, safe="/")),
        st.sampled_from(_RAW),
        st.sampled_from(_WORDS).map(lambda s: quote(s, safe="/")),
    )
    return st.one_of(
        st.sampled_from(ids),
        st.sampled_from(ids).map(lambda s: quote(unicodedata.normalize("NFD", s.upper()))),
        st.lists(piece, min_size=1, max_size=4).map("/".join),
        st.lists(piece, min_size=1, max_size=4).map("".join),
        _long(st.sampled_from(("x", "%41", "ệ", "../", "%00", "/"))).map(
            lambda s: quote(s, safe="/%")),
    )


def _get_rules(app: Flask) -> list[Rule]:
    """Return the app's GET rules but static files, in a stable order."""
    rules = [rule for rule in app.url_map.iter_rules()
             if "GET" in (rule.methods or ()) and rule.endpoint != "static"]
    return sorted(rules, key=lambda rule: rule.rule)


def _path(rule: Rule, value: Callable[[str], str]) -> str:
    """Return the rule's path with each parameter replaced by value(name)."""
    return _ARGUMENT.sub(lambda match: value(match.group(1)), rule.rule)


def _check(response: TestResponse, rule: Rule, elapsed: float) -> None:
    """Assert the properties every answer has."""
    status, body = response.status_code, response.get_data()
    assert len(response.history) <= 1, [r.location for r in response.history]
    assert all(r.status_code == 308 for r in response.history)
    assert status == 200 or 400 <= status < 500, f"{status} for {response.request.url}"
    assert elapsed < SECONDS_PER_REQUEST
    path = response.request.path
    api = path.startswith("/api/") or path == "/healthz"
    known = ROUTES.get(rule.rule)
    if status == 200 and known is not None:
        expected = known.mimetype
    else:
        expected = "application/json" if api else "text/html"
    assert response.mimetype == expected
    if expected == "application/json":
        answer = json.loads(body)
        if status != 200:
            error = answer["error"]
            assert isinstance(error["code"], str) and error["code"]
            assert isinstance(error["message"], str) and error["message"]
    elif expected.startswith("text/"):
        assert response.mimetype_params.get("charset", "").lower() == "utf-8"
        body.decode("utf-8")


class _Ids(tuple[str, ...]):
    """Document ids that print short in a failing example."""

    def __repr__(self) -> str:
        return f"<{len(self)} sample ids>"


@pytest.fixture(scope="module")
def document_ids(sample_documents: list[Document]) -> _Ids:
    """Return the ids of the samples, public and internal."""
    # Not the documents themselves: Hypothesis prints a failing example's
    # arguments, and warns (here: fails) on a repr as large as theirs.
    return _Ids(document.id for document in sample_documents)


def test_every_route_is_known(app: Flask) -> None:
    """Know every GET rule, so that a new route gets its parameters and answer type here."""
    rules = {rule.rule for rule in _get_rules(app)}
    assert rules == set(ROUTES), (
        "GET rules changed: add the new ones to ROUTES in tests/test_properties.py "
        "with the type of their answer and the query parameters they read")


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_input_answers_500(client: FlaskClient, app: Flask, document_ids: _Ids,
                              data: st.DataObject) -> None:
    """Answer any GET request of any route with 200 or 4xx, in the promised format."""
    rule = data.draw(st.sampled_from(_get_rules(app)), label="rule")
    path_values = _path_value(document_ids)
    path = _path(rule, lambda name: data.draw(path_values, label=name))
    query_string = data.draw(_query_string(), label="query string")
    start = time.monotonic()
    # Werkzeug answers "//" in a path with a redirect to the merged path:
    # what counts is the answer the redirect leads to.
    response = client.get(path, query_string=query_string, follow_redirects=True)
    response.get_data()  # a streamed body is produced here, and counts
    _check(response, rule, time.monotonic() - start)
    # --hypothesis-show-statistics: how many examples reached a real answer.
    event(f"{rule.rule} {response.status_code}")
