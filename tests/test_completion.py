"""Completions of what is being typed (GET /api/v1/suggest): the last word completed accents
or not, after the words before as the speller reads them; document numbers, frequent phrases
and title words; only from what the asker may see; the page's one deferred script."""

from __future__ import annotations

import json
import os
import sys
import unicodedata
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from werkzeug.test import TestResponse

from index.record import Document
from index.store import open_index
from index.text import fold_accents
from ingest.pipeline import ingest_paths
from search import SearchIndex
from search.completion import MAX_COMPLETIONS, Completion
from tests.conftest import PROJECT
from tests.test_server import free_port, get, serving

KINDS = {"number", "phrase", "title"}
FILL = "Các hội thành viên tham gia đầy đủ, đóng góp nhiều ý kiến."

# Counts the tests rely on (documents, public ones):
#  "kế hoạch thực" 3, "kế hoạch tổng" 1; "đại học" 5, "đại hội" 3, but "quyết đại hội" 3
#  and "quyết đại học" 0; titles with "nghị" 3, "nghiên" 2, "nghỉ" 1, "nghiệp" 1.
PUBLIC: list[dict[str, Any]] = [
    {"id": "kh-22", "number": "22-KH/CB", "doc_type": "ke-hoach", "issued": "2016-10-11",
     "title": "Kế hoạch thực hiện nghị quyết đại hội chi bộ",
     "body": "Kế hoạch thực hiện nghị quyết đại hội đại biểu lần thứ nhất. Chi bộ triển khai "
             f"kế hoạch thực hiện trong toàn đơn vị. {FILL}"},
    {"id": "kh-23", "number": "23-KH/CB", "doc_type": "ke-hoach", "issued": "2017-01-05",
     "title": "Kế hoạch thực hiện chương trình khoa học và công nghệ",
     "body": f"Kế hoạch thực hiện chương trình khoa học và công nghệ năm 2017. {FILL}"},
    {"id": "kh-24", "number": "24-KH/LHH", "doc_type": "ke-hoach", "issued": "2017-03-05",
     "title": "Kế hoạch tổng kết năm",
     "body": f"Kế hoạch tổng kết công tác năm; kế hoạch thực hiện nghị quyết đại hội. {FILL}"},
    {"id": "nq-05", "number": "05-NQ/CB", "doc_type": "nghi-quyet", "issued": "2016-05-01",
     "title": "Nghị quyết đại hội chi bộ nhiệm kỳ mới",
     "body": f"Nghị quyết đại hội chi bộ lần thứ hai. Sinh viên đại học tham dự. {FILL}"},
    {"id": "nq-06", "number": "06-NQ/CB", "doc_type": "nghi-quyet", "issued": "2018-05-01",
     "title": "Nghị quyết về khoa học và công nghệ",
     "body": f"Nghị quyết về phát triển khoa học và công nghệ; giảng viên đại học. {FILL}"},
    {"id": "ht-01", "doc_type": "tin-tuc", "issued": "2018-06-01",
     "title": "Hội thảo nghiên cứu khoa học",
     "body": f"Hội thảo nghiên cứu khoa học và công nghệ tại trường đại học. {FILL}"},
    {"id": "ht-02", "doc_type": "tin-tuc", "issued": "2019-06-01",
     "title": "Tập huấn nghiên cứu đại học",
     "body": f"Các nhà nghiên cứu đại học tập huấn về khoa học và công nghệ. {FILL}"},
    {"id": "tb-01", "doc_type": "tin-tuc", "issued": "2019-07-01",
     "title": "Lịch nghỉ lễ và nghiệp vụ văn phòng",
     "body": f"Thông báo lịch nghỉ lễ; bồi dưỡng nghiệp vụ cho đại học. {FILL}"},
    {"id": "tk-01", "doc_type": "tin-tuc", "issued": "2020-01-01",
     "title": "Tổng kết thi đua tuyên truyền tập huấn thông tin thanh niên tỉnh trường "
              "trung tâm tài chính tiêu chuẩn",
     "body": f"Tổng kết phong trào. {FILL}"},
    {"id": "bc-01", "doc_type": "bao-cao", "issued": "2020-02-01",
     "title": "Báo cáo kết quả",
     "body": f"Thực hiện Kế hoạch số 23-KH/CB của Chi bộ. {FILL}"},
]
# Words, phrases and numbers of the internal records that no public one has: "Mơrinh",
# "Xiêmkhoa", "tuyệt", "kinh phí", "nghị quyết kín", "07-TTr/VP"; and "23/KH-CB", the
# public number 23-KH/CB as an internal record writes it.
INTERNAL: list[dict[str, Any]] = [
    {"id": "noi-bo/23", "number": "23/KH-CB", "doc_type": "ke-hoach", "issued": "2017-01-06",
     "visibility": "internal", "title": "Kế hoạch tuyệt mật về Mơrinh",
     "body": "Kế hoạch tuyệt mật: dự án Mơrinh, kế hoạch tuyệt mật của văn phòng."},
    {"id": "noi-bo/07", "number": "07-TTr/VP", "doc_type": "to-trinh", "issued": "2017-02-06",
     "visibility": "internal", "title": "Tờ trình kinh phí Xiêmkhoa",
     "body": "Tờ trình kinh phí Xiêmkhoa; nghị quyết kín, kế hoạch tuyệt mật, đại học "
             "xiêmkhoa."},
]
# The internal records first and among the public ones (the first that bears 23-KH/CB's
# key is internal).
MIXED = [INTERNAL[0], *PUBLIC[:5], INTERNAL[1], *PUBLIC[5:]]

# Beginnings of internal-only words and numbers, of shared ones, and of both after words.
PREFIXES = ("", "k", "ke", "kế ho", "t", "nghi", "nghiê", "nghi quy", "mor", "mơr", "xiem",
            "Xiêm", "kinh p", "tờ tr", "to tr", "dự án m", "ke hoach t", "kế hoạch tu",
            "nghị quyết k", "đại h", "nghị quyết đại h", "2", "0", "07", "07-T", "23", "23/",
            "22-k", "so 07", "Kế hoạch số 2", "xiemkhoa k", "khoa học và c")


def write_index(root: Path, name: str, records: list[dict[str, Any]]) -> Path:
    """Write records as JSON Lines and ingest them into a new index; return its folder."""
    source = root / f"{name}.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records),
                      encoding="utf-8")
    folder = root / f"{name}-index"
    report = ingest_paths([source], open_index(folder, create=True))
    assert not report.failed, report.failed
    return folder


@dataclass(frozen=True)
class Indexes:
    """The index of every record, the one of the public records only, and an app on each."""

    mixed: SearchIndex
    public: SearchIndex
    app: Flask  # on the mixed index
    instance: Path  # the app's accounts and tokens


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Indexes]:
    from web import create_app

    root = tmp_path_factory.mktemp("completion")
    mixed = SearchIndex(write_index(root, "mixed", MIXED))
    public = SearchIndex(write_index(root, "public", PUBLIC))
    app = create_app({"TESTING": True, "INDEX_DIR": str(root / "mixed-index"),
                      "INSTANCE_DIR": str(root / "instance"), "API_RATE_LIMIT": ""})
    yield Indexes(mixed, public, app, root / "instance")
    app.extensions["tracuu.index"].close()
    mixed.close()
    public.close()


@pytest.fixture(scope="module")
def token(indexes: Indexes) -> str:
    """Return a staff API token of the app."""
    from web.accounts import Accounts

    made: str = Accounts(indexes.instance).create_token("kiem-tra-goi-y")
    return made


def pairs(completions: list[Completion]) -> list[tuple[str, str]]:
    return [(completion.text, completion.kind) for completion in completions]


def texts(completions: list[Completion]) -> list[str]:
    return [completion.text for completion in completions]


def suggest(client: FlaskClient, q: str | None = None, token: str = "") -> TestResponse:
    url = "/api/v1/suggest" + ("" if q is None else "?" + urllib.parse.urlencode({"q": q}))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, headers=headers)


def api_pairs(response: TestResponse) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"query", "suggestions"}
    for item in body["suggestions"]:
        assert set(item) == {"text", "kind"} and item["kind"] in KINDS, item
        assert isinstance(item["text"], str) and item["text"], item
    assert len(body["suggestions"]) <= MAX_COMPLETIONS
    return [(item["text"], item["kind"]) for item in body["suggestions"]]


# --- The last word, accents or not -------------------------------------------------------


def test_an_unaccented_word_is_completed_by_words_of_every_accent(indexes: Indexes) -> None:
    found = indexes.mixed.complete("nghi")
    assert all(completion.kind == "title" for completion in found)
    # By how many titles hold them: "nghị" 3, "nghiên" 2, "nghỉ" and "nghiệp" 1.
    assert texts(found)[:2] == ["nghị", "nghiên"]
    assert set(texts(found)) == {"nghị", "nghiên", "nghỉ", "nghiệp"}
    assert texts(indexes.mixed.complete("NGHI")) == texts(found)


def test_an_accented_word_keeps_only_words_that_begin_with_its_letters(
        indexes: Indexes) -> None:
    assert pairs(indexes.mixed.complete("nghiê")) == [("nghiên", "title")]
    assert pairs(indexes.mixed.complete("Nghiê")) == [("nghiên", "title")]
    # After a word: "đại ho" is "đại học" or "đại hội"; "đại hộ" only "đại hội".
    assert set(texts(indexes.mixed.complete("đại ho"))) == {"đại học", "đại hội"}
    assert pairs(indexes.mixed.complete("đại hộ")) == [("đại hội", "phrase")]
    assert pairs(indexes.mixed.complete("nghị q")) == [("nghị quyết", "phrase")]


def test_decomposed_text_completes_as_composed(indexes: Indexes) -> None:
    for text in ("nghiê", "đại hộ", "kế ho"):
        decomposed = unicodedata.normalize("NFD", text)
        assert pairs(indexes.mixed.complete(decomposed)) == pairs(indexes.mixed.complete(text))
        assert indexes.mixed.complete(text), text


def test_a_completion_is_the_whole_query_the_words_before_read_by_the_speller(
        indexes: Indexes) -> None:
    assert pairs(indexes.mixed.complete("nghi quy")) == [("nghị quyết", "phrase")]
    assert pairs(indexes.mixed.complete("nghi q")) == [("nghị quyết", "phrase")]
    assert texts(indexes.mixed.complete("ke ho"))[0] == "kế hoạch"
    assert pairs(indexes.mixed.complete("khoa hoc va c")) == [("khoa học và công", "phrase")]
    assert pairs(indexes.mixed.complete("Kế hoạch thực h")) == [("Kế hoạch thực hiện",
                                                                 "phrase")]


def test_what_is_typed_whole_is_not_offered_again(indexes: Indexes) -> None:
    assert "nghị quyết" not in texts(indexes.mixed.complete("nghị quyết"))
    assert "22-KH/CB" not in texts(indexes.mixed.complete("22-KH/CB"))


# --- Phrases and title words -------------------------------------------------------------


def test_phrases_are_the_words_that_most_often_follow(indexes: Indexes) -> None:
    assert pairs(indexes.mixed.complete("ke hoach t")) == [("kế hoạch thực", "phrase"),
                                                           ("kế hoạch tổng", "phrase")]
    # "đại học" stands in 5 documents, "đại hội" in 3.
    assert pairs(indexes.mixed.complete("đại h")) == [("đại học", "phrase"),
                                                      ("đại hội", "phrase")]


def test_the_two_words_before_outweigh_the_one(indexes: Indexes) -> None:
    # "quyết đại hội" stands in 3 documents, "quyết đại học" in none.
    assert pairs(indexes.mixed.complete("nghị quyết đại h")) == [
        ("nghị quyết đại hội", "phrase"), ("nghị quyết đại học", "phrase")]
    assert texts(indexes.mixed.complete("nghi quyet dai h"))[0] == "nghị quyết đại hội"


def test_title_words_only_where_no_phrase_is_found(indexes: Indexes) -> None:
    # The first word: title words ("kỳ" in one title; "kinh" only in an internal one).
    found = indexes.mixed.complete("k")
    assert {completion.kind for completion in found} == {"title"}
    assert set(texts(found)) == {"kế", "kết", "khoa", "kỳ"}
    assert texts(found)[-1] == "kỳ"
    # A phrase found: no title word ("thi", "thông", "tin"... are title words).
    found = indexes.mixed.complete("kế hoạch th")
    assert pairs(found) == [("kế hoạch thực", "phrase")]
    # No word beginning "tu" follows "hoạch" in a public document: the title word.
    assert pairs(indexes.mixed.complete("kế hoạch tu")) == [("kế hoạch tuyên", "title")]


def test_at_most_ten_completions(indexes: Indexes) -> None:
    found = indexes.mixed.complete("t")
    assert len(found) == MAX_COMPLETIONS
    assert len(set(texts(found))) == MAX_COMPLETIONS
    assert all(fold_accents(text).startswith("t") for text in texts(found))
    assert "tập" in texts(found) and "thực" in texts(found)  # in 2 and 3 titles


# --- Numbers -----------------------------------------------------------------------------


def test_a_digit_asks_for_the_numbers_that_begin_so(indexes: Indexes) -> None:
    assert pairs(indexes.mixed.complete("22-k")) == [("22-KH/CB", "number")]
    assert pairs(indexes.mixed.complete("22/kh")) == [("22-KH/CB", "number")]
    assert pairs(indexes.mixed.complete("22")) == [("22-KH/CB", "number")]
    found = indexes.mixed.complete("2")
    assert {completion.kind for completion in found} == {"number"}
    assert set(texts(found)) == {"22-KH/CB", "23-KH/CB", "24-KH/LHH"}
    found = indexes.mixed.complete("Kế hoạch số 0")
    assert set(pairs(found)) == {("Kế hoạch số 05-NQ/CB", "number"),
                                 ("Kế hoạch số 06-NQ/CB", "number")}


def test_a_number_is_written_as_a_document_the_asker_may_see_writes_it(
        indexes: Indexes) -> None:
    # The first record bearing 23-KH/CB's key is internal and writes it 23/KH-CB.
    assert pairs(indexes.mixed.complete("23")) == [("23-KH/CB", "number")]
    assert pairs(indexes.mixed.complete("23/kh-")) == [("23-KH/CB", "number")]
    staff = pairs(indexes.mixed.complete("23", include_internal=True))
    assert len(staff) == 1 and staff[0] in {("23/KH-CB", "number"), ("23-KH/CB", "number")}


# --- Only what the asker may see ---------------------------------------------------------


def test_internal_words_and_numbers_are_completed_only_for_staff(indexes: Indexes) -> None:
    expected = {
        "mor": ("mơrinh", "title"),
        "mơr": ("mơrinh", "title"),
        "xiem": ("xiêmkhoa", "title"),
        "07": ("07-TTr/VP", "number"),
        "so 07": ("so 07-TTr/VP", "number"),
        "kinh p": ("kinh phí", "phrase"),
        "tờ tr": ("tờ trình", "phrase"),
        "kế hoạch tu": ("kế hoạch tuyệt", "phrase"),
        "ke hoach t": ("kế hoạch tuyệt", "phrase"),
        "nghị quyết k": ("nghị quyết kín", "phrase"),
        "dự án m": ("dự án mơrinh", "phrase"),
    }
    # ("trình" is public, of "chương trình": but "tờ trình" is only an internal phrase.)
    secret = ("mơrinh", "xiêmkhoa", "07-ttr", "kinh phí", "tuyệt", "kín")
    for text, completion in expected.items():
        staff = pairs(indexes.mixed.complete(text, include_internal=True))
        assert completion in staff, (text, staff)
        public = indexes.mixed.complete(text)
        assert completion not in pairs(public), (text, public)
        assert not [found for found in texts(public)
                    if any(word in found.lower() for word in secret)], (text, public)


def test_the_public_completes_as_an_index_of_the_public_records_only(
        indexes: Indexes) -> None:
    differs = []
    for text in PREFIXES:
        public = pairs(indexes.mixed.complete(text))
        assert public == pairs(indexes.public.complete(text)), text
        if pairs(indexes.mixed.complete(text, include_internal=True)) != public:
            differs.append(text)
    # The comparison could fail: staff see more for the internal records' beginnings.
    assert {"mor", "xiem", "07", "kinh p", "23", "kế hoạch tu"} <= set(differs), differs


def test_a_record_made_internal_is_completed_no_more_for_the_public(
        indexes: Indexes, tmp_path: Path) -> None:
    # First every record public, then the same records again with the internal ones
    # internal: the old versions are gone from every count.
    folder = write_index(tmp_path, "changed", [{**r, "visibility": "public"} for r in MIXED])
    changing = SearchIndex(folder)
    try:
        assert ("mơrinh", "title") in pairs(changing.complete("mor"))
    finally:
        changing.close()
    source = tmp_path / "changed.jsonl"
    source.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in MIXED),
                      encoding="utf-8")
    report = ingest_paths([source], open_index(folder))
    assert not report.failed and report.updated == len(INTERNAL), report.to_json()
    changed = SearchIndex(folder)
    try:
        for text in PREFIXES:
            assert pairs(changed.complete(text)) == pairs(indexes.public.complete(text)), text
            assert (pairs(changed.complete(text, include_internal=True))
                    == pairs(indexes.mixed.complete(text, include_internal=True))), text
    finally:
        changed.close()


# --- The API -----------------------------------------------------------------------------


def test_the_api_answers_the_completions_and_the_normalised_query(indexes: Indexes) -> None:
    client = indexes.app.test_client()
    response = suggest(client, "nghi quy")
    assert api_pairs(response) == [("nghị quyết", "phrase")]
    assert response.get_json()["query"] == "nghi quy"
    decomposed = unicodedata.normalize("NFD", "  nghị q\x01")
    response = suggest(client, decomposed)
    assert api_pairs(response) == [("nghị quyết", "phrase")]
    assert response.get_json()["query"] == "nghị q"
    assert api_pairs(suggest(client, "22-k")) == [("22-KH/CB", "number")]
    assert len(api_pairs(suggest(client, "t"))) == MAX_COMPLETIONS


def test_the_api_completes_for_the_public_signed_out_and_for_staff_with_a_token(
        indexes: Indexes, token: str) -> None:
    client = indexes.app.test_client(use_cookies=False)
    for text in PREFIXES:
        public = pairs(indexes.public.complete(text))
        assert api_pairs(suggest(client, text)) == public, text
        staff = pairs(indexes.mixed.complete(text, include_internal=True))
        assert api_pairs(suggest(client, text, token)) == staff, text
    assert ("mơrinh", "title") in api_pairs(suggest(client, "mor", token))
    assert api_pairs(suggest(client, "mor")) == []
    assert ("07-TTr/VP", "number") in api_pairs(suggest(client, "07", token))
    assert api_pairs(suggest(client, "07")) == []


@pytest.mark.parametrize("url", [
    "/api/v1/suggest?" + urllib.parse.urlencode({"q": "a" * 2001}),
    "/api/v1/suggest?" + urllib.parse.urlencode({"q": "ệ" * 2001}),
    "/api/v1/suggest?q=ke&q=ho",
    "/api/v1/suggest?q=22-k&q=22-k",
])
def test_a_long_or_repeated_q_answers_400(indexes: Indexes, url: str) -> None:
    response = indexes.app.test_client().get(url)
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "invalid_parameter"
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


def test_a_query_of_2000_characters_is_answered(indexes: Indexes) -> None:
    response = suggest(indexes.app.test_client(), "ke " * 666 + "ho")
    assert len("ke " * 666 + "ho") == 2000
    api_pairs(response)


@pytest.mark.parametrize("q", [None, "", "   ", "\x00", "\t\n"])
def test_a_missing_or_empty_q_answers_no_completion(indexes: Indexes, q: str | None) -> None:
    response = suggest(indexes.app.test_client(), q)
    assert api_pairs(response) == []
    assert response.get_json() == {"query": "", "suggestions": []}


ODD = ['"', '""', '"kế ho', 'ke ho"', "kế ho\"", ":", "q:", "so:", "so:22", "ke:ho", "*",
       "ke*", "**ho", "-", " - ", "--", "-ke", "ke -ho", "22-", "-22", "/", "22//", "(", ")",
       "(ke ho", "ke (ho)", "\\", "%", "%00", "\x00ke", "ke\x1fho", "\x7f", "\u200b",
       "\ufeffke", "🙂", "ke 🙂", "OR", "ke OR h", "AND", "NOT ke", "'", "ke'h", "ke\u0301",
       "\u0301", "ế" * 30, "a" * 200, "k" + " k" * 300, "22-" * 200]


def test_odd_input_never_fails(indexes: Indexes, token: str) -> None:
    client = indexes.app.test_client(use_cookies=False)
    for text in ODD:
        for staff in ("", token):
            response = suggest(client, text, staff)
            assert response.status_code == 200, (text, response.get_data(as_text=True))
            api_pairs(response)
        for include_internal in (False, True):
            found = indexes.mixed.complete(text, include_internal=include_internal)
            assert len(found) <= MAX_COMPLETIONS
            assert all(completion.kind in KINDS for completion in found), text


# --- The page and its script -------------------------------------------------------------


def page_urls(sample_documents: list[Document]) -> list[str]:
    document = next(doc for doc in sample_documents if doc.visibility == "public")
    return ["/", "/?q=ke+hoach", "/?q=khongcotunaynhe", "/?q=" + "a" * 2001,
            "/documents/" + urllib.parse.quote(document.id, safe="/"), "/login",
            "/khong-co-trang-nay", "/documents/khong-co"]


def test_every_page_loads_the_one_deferred_script_and_no_inline_script(
        client: FlaskClient, sample_documents: list[Document]) -> None:
    for url in page_urls(sample_documents):
        response = client.get(url)
        assert response.mimetype == "text/html", url
        page = html.fromstring(response.get_data())
        scripts = page.xpath("//script")
        assert len(scripts) == 1, (url, [html.tostring(s) for s in scripts])
        script = scripts[0]
        assert script.getparent().tag == "head", url
        assert script.get("src") == "/static/suggest.js", url
        assert "defer" in script.attrib and not (script.text or "").strip(), url
        handlers = [(element.tag, name) for element in page.iter()
                    if isinstance(element.tag, str)
                    for name in element.attrib if name.lower().startswith("on")]
        assert not handlers, (url, handlers)
        assert "javascript:" not in response.get_data(as_text=True).lower(), url


def test_the_search_form_asks_for_completions_and_works_without_script(
        client: FlaskClient, sample_documents: list[Document]) -> None:
    for url in page_urls(sample_documents):
        page = html.fromstring(client.get(url).get_data())
        forms = page.xpath("//form[@data-suggest]")
        assert len(forms) == 1, url
        form = forms[0]
        assert form.get("data-suggest") == "/api/v1/suggest", url
        assert (form.get("method") or "get").lower() == "get", url
        assert form.get("action") == "/", url
        assert form.xpath(".//input[@name='q']"), url
    # The form's request, as a browser without scripts sends it, finds documents.
    page = html.fromstring(client.get("/?q=ke+hoach").get_data())
    assert page.xpath("//ol[@class='hits']/li"), "no hits in the page"
    assert api_pairs(suggest(client, "ke ho"))  # and the form's data-suggest URL answers


def test_the_script_is_served_and_builds_no_html(client: FlaskClient) -> None:
    response = client.get("/static/suggest.js")
    assert response.status_code == 200
    assert response.mimetype in {"text/javascript", "application/javascript"}, response.mimetype
    script = response.get_data(as_text=True)
    response.close()
    assert "data-suggest" in script and "fetch(" in script
    for building in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                     "eval(", "new Function"):
        assert building not in script, building


# --- The real server ---------------------------------------------------------------------


def test_gunicorn_answers_completions_of_the_samples(index_dir: Path, tmp_path: Path) -> None:
    """Start gunicorn as `make run` does (gunicorn.conf.py) on the sample index."""
    bind = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "TRACUU_BIND": bind, "TRACUU_INDEX_DIR": str(index_dir)}
    command = [sys.executable, "-m", "gunicorn"]
    with serving(command, bind, cwd=PROJECT, log_path=tmp_path / "server.log",
                 env=env) as served:
        status, body = get(f"{served.base}/api/v1/suggest?q=ke+ho")
        assert status == 200, body
        assert body["query"] == "ke ho"
        assert ("kế hoạch", "phrase") in [(item["text"], item["kind"])
                                          for item in body["suggestions"]], body
        status, body = get(f"{served.base}/api/v1/suggest?q=ke&q=ho")
        assert status == 400 and body["error"]["code"] == "invalid_parameter"
        with urllib.request.urlopen(f"{served.base}/static/suggest.js", timeout=10) as response:
            assert response.status == 200
            assert "javascript" in response.headers["Content-Type"]
    assert "Traceback" not in served.output, served.output
