"""XSS: payloads in every field of a document, on every page, to the public, staff and tokens.

Every text field a record may hold (id, title, body, number, issuer, author,
category, refs, url, updater, and the source path the index records) carries
script tags, attribute breakers, javascript:/data: URLs, template syntax,
entities (to catch double escaping) and a literal <mark> (only the engine may
mark a snippet). Each page is asked by the public, by a signed-in member of
staff and by a program with a token, and every HTML answer is parsed: no
script, no element or attribute the templates do not make, no event handler,
no javascript: or data: link, no <mark> but the engine's; and the payload is
in the page's text, so it was shown escaped rather than dropped. The API's
snippets hold no tag but <mark>, and every other character is escaped.
"""

from __future__ import annotations

import html as entities
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from werkzeug.test import TestResponse

from index.doctypes import label as doc_type_label
from index.record import Document, RecordError
from index.store import Source, open_index, prepare, write_documents
from web.accounts import Accounts

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "web" / "templates"

# --- The payloads and the documents that carry them ----------------------------------------

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "</textarea><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}{{ config }}{% print(7*7) %}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<mark>giả</mark>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "</title><object data=x></object><embed src=x>",
    "<!-- --><a href=javascript:alert(1)>x</a><style>*{}</style>",
    "?q=\"><script>alert(1)</script>#%3Cx%3E&amp;",
)
# One word per document, found in no other, so that a search finds it alone.
MARKERS = ("xiêmlan", "mơrao", "blôngti", "hrưngka", "kathuây", "phlôidu", "zepnha",
           "tơrungma", "vơlắcki", "drangxô", "quỳnhphơ", "krôngnô", "mđrakhe", "ayunpa",
           "chưprông")
# Source addresses: only the http(s) ones may become links.
URLS = (
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    '" onmouseover="alert(1)',
    "//evil.example/x",
    'https://lienhiephoi.example.vn/a"><script>alert(1)</script>',
    "https://lienhiephoi.example.vn/b' onmouseover='alert(1)",
    "http://lienhiephoi.example.vn/c?q=<svg onload=alert(1)>&x={{7*7}}",
    "jav&#x61;script:alert(1)",
    " data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
)
PASSWORD = "mat-khau-that-dai-2024"
WRONG_PASSWORD = "khong-phai-mat-khau"
STAFF = "bientap"
TOKEN_NAME = "chuong-trinh"
# Fields validated against closed lists or formats: a record cannot carry a payload there.
VALIDATED = ("doc_type", "issued", "year", "visibility")


def _record(n: int, payload: str, marker: str, visibility: str, url: str) -> dict[str, Any]:
    """Return a record whose every text field carries payload, with a word found only here."""
    return {
        "id": f"xss/{n:02d}/{payload}",
        "title": f"Kế hoạch {marker} {payload}",
        # The body's own tag and entity come first: every snippet shows them.
        "body": (f"Văn bản <mark>giả</mark> &lt;b&gt; {marker} về {payload} trong hội thảo "
                 f"khoa học.\n\nĐoạn hai {payload} <mark>{marker}</mark> kết thúc.\n\n"
                 f"Đoạn ba: {marker} {payload}"),
        "doc_type": ("ke-hoach", "tin-tuc", "bao-cao")[n % 3],
        "number": f"{n:02d}-KH/{payload}",
        "issued": f"2019-05-{n + 1:02d}",
        "issuer": f"Ban {payload}",
        "author": payload,
        "refs": [f"{n:02d}-KH/{payload}", payload, f"Số {payload} {marker}"],
        "url": url,
        "visibility": visibility,
        "category": f"Chuyên mục {payload}",
        "updater": payload,
    }


def _records() -> list[dict[str, Any]]:
    """Return one record per payload (every third internal), and two carrying them all."""
    records = [_record(n, payload, MARKERS[n], "internal" if n % 3 == 2 else "public",
                       URLS[n % len(URLS)])
               for n, payload in enumerate(PAYLOADS)]
    every = " ".join(PAYLOADS)
    for n, visibility in ((len(PAYLOADS), "public"), (len(PAYLOADS) + 1, "internal")):
        record = _record(n, every, MARKERS[n], visibility, URLS[7 + n % 3])
        record["id"] = f"xss/tat-ca-{visibility}/{every}"
        records.append(record)
    return records


def _documents() -> list[Document]:
    """Return the records as ingest validates them, and one with a payload type and date."""
    # The last is made without validation (as by some other program writing the index):
    # the pages must not trust even the fields a record validates.
    documents = []
    for record in _records():
        document, unknown = Document.from_mapping(record)
        assert not unknown
        documents.append(document)
    n = len(documents)
    unchecked, _ = Document.from_mapping(_record(n, PAYLOADS[1], MARKERS[n], "public", URLS[9]))
    documents.append(replace(unchecked, id=f"xss/khong-kiem-tra/{PAYLOADS[3]}",
                             doc_type=PAYLOADS[1], issued=PAYLOADS[3]))
    return documents


# --- What the templates may produce ----------------------------------------------------------

def _template_elements() -> list[html.HtmlElement]:
    """Return the elements of every template, its Jinja tags removed."""
    elements = []
    for path in sorted(TEMPLATES.glob("*.html")):
        text = re.sub(r"\{%.*?%\}", "", path.read_text(), flags=re.S)
        text = re.sub(r"\{\{.*?\}\}", "x", text, flags=re.S)
        elements += [element for element in html.document_fromstring(text).iter()
                     if isinstance(element.tag, str)]
    return elements


_ELEMENTS = _template_elements()
# The elements and attributes the templates write, plus the engine's <mark> and the
# hidden CSRF field WTForms writes (an <input> with id, name, type and value).
# The templates' one script element is the completions' file from /static, checked
# apart (safe_page): a <script> anywhere else is a payload's.
TEMPLATE_TAGS = frozenset({str(element.tag) for element in _ELEMENTS} - {"script"} | {"mark"})
SCRIPT = "/static/suggest.js"
TEMPLATE_ATTRIBUTES = frozenset({str(name) for element in _ELEMENTS for name in element.attrib})
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "cite",
                  "background", "srcset", "ping", "xlink:href")
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
_RAW_TAG = re.compile(r"<\s*/?\s*([a-zA-Z][\w:-]*)")


def test_templates_make_no_script_nor_media_elements() -> None:
    """Check the allowed elements (read from the templates) hold no scriptable one."""
    assert {"script", "svg", "img", "iframe", "object", "embed", "textarea", "style",
            "base"}.isdisjoint(TEMPLATE_TAGS)
    assert not [name for name in TEMPLATE_ATTRIBUTES if name.lower().startswith("on")]
    assert {"a", "form", "input", "mark", "p", "h1", "dd"} <= TEMPLATE_TAGS


# --- The app and its askers ---------------------------------------------------------------

@dataclass
class Asker:
    """One kind of visitor: a client and the headers it sends."""

    name: str
    client: FlaskClient
    headers: dict[str, str]

    @property
    def staff(self) -> bool:
        """Tell whether the asker may see internal documents."""
        return self.name != "public"

    def get(self, url: str) -> TestResponse:
        """Ask for a URL as this visitor."""
        return self.client.get(url, headers=self.headers)


@dataclass
class Site:
    """The app on the payload index, its documents and its three askers."""

    app: Flask
    documents: list[Document]
    askers: dict[str, Asker]

    def visible(self, asker: Asker) -> list[Document]:
        """Return the documents the asker may see."""
        return [doc for doc in self.documents if asker.staff or doc.visibility == "public"]


def _csrf(tree: html.HtmlElement) -> str:
    """Return the CSRF token of the sign-in form of a page."""
    [token] = tree.xpath("//form[@action='/login']//input[@name='csrf_token']/@value")
    return str(token)


def _sign_in(client: FlaskClient) -> None:
    """Sign the client in as staff through the form, with the form's CSRF token."""
    page = client.get("/login")
    assert page.status_code == 200
    answer = client.post("/login", data={"name": STAFF, "password": PASSWORD,
                                         "csrf_token": _csrf(_tree(page))})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:500]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """Index the payload documents (with payload source paths); start the app; sign in."""
    from web import create_app

    documents = _documents()
    root = tmp_path_factory.mktemp("xss")
    write_documents(open_index(root / "index", create=True),
                    [prepare(doc, Source(f"/srv/tailieu/{doc.id}.html", doc.updater))
                     for doc in documents])
    app = create_app({"TESTING": True, "INDEX_DIR": str(root / "index"),
                      "INSTANCE_DIR": str(root / "instance"), "API_RATE_LIMIT": ""})
    accounts = Accounts(Path(app.config["INSTANCE_DIR"]))
    accounts.add_user(STAFF, PASSWORD)
    token = accounts.create_token(TOKEN_NAME)
    session = app.test_client()
    _sign_in(session)
    askers = {
        "public": Asker("public", app.test_client(), {}),
        "session": Asker("session", session, {}),
        "token": Asker("token", app.test_client(), {"Authorization": f"Bearer {token}"}),
    }
    yield Site(app, documents, askers)
    app.extensions["tracuu.index"].close()


ASKERS = ("public", "session", "token")
DOCUMENT_NUMBERS = range(len(_documents()))


# --- The checks ---------------------------------------------------------------------------

def _tree(response: TestResponse) -> html.HtmlElement:
    """Return an HTML answer parsed."""
    return html.document_fromstring(response.get_data(as_text=True))


def _normalized_url(value: str) -> str:
    """Return a URL as a browser reads its scheme: no whitespace nor control characters."""
    return "".join(ch for ch in value if ch > " " and ch != "\x7f").lower()


def safe_page(response: TestResponse, status: int | tuple[int, ...] = 200) -> html.HtmlElement:
    """Check an HTML answer holds nothing a payload could have made; return it parsed."""
    statuses = (status,) if isinstance(status, int) else status
    body = response.get_data(as_text=True)
    assert response.status_code in statuses, (response.status_code, body[:500])
    assert response.mimetype == "text/html"
    policy = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy, policy
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    # In the bytes as sent: no tag but the templates' ones, no comment.
    raw_tags = {tag.lower() for tag in _RAW_TAG.findall(body)}
    assert raw_tags <= TEMPLATE_TAGS | {"script"}, raw_tags - TEMPLATE_TAGS
    assert "<!--" not in body
    assert body.lower().count("<script") == 1 and body.count(f'<script src="{SCRIPT}" defer>'
                                                             '</script>') == 1
    tree = html.document_fromstring(body)
    [script] = tree.xpath("//script")
    assert script.getparent().tag == "head" and not script.text, html.tostring(script)
    script.getparent().remove(script)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            raise AssertionError(f"a comment or processing instruction: {element!r}")
        assert element.tag in TEMPLATE_TAGS, (element.tag, html.tostring(element)[:300])
        for raw_name, raw_value in element.attrib.items():
            name, value = str(raw_name), str(raw_value)
            assert not name.lower().startswith("on"), (element.tag, name, value)
            assert name in TEMPLATE_ATTRIBUTES, (element.tag, name, value)
            if name.lower() in URL_ATTRIBUTES:
                assert not _normalized_url(value).startswith(DANGEROUS_SCHEMES), (name, value)
    for mark in tree.iter("mark"):
        parent = mark.getparent()
        assert len(mark) == 0 and parent is not None, html.tostring(mark)
        # Marks are the engine's: in a snippet, a hit's title, or a document's text
        # reached from a search.
        assert parent.get("class") == "snippet" or (
            parent.tag == "a" and parent.getparent().tag == "h3") or (
            parent.tag == "p" and parent.getparent().get("class") == "body"), html.tostring(
                parent)
    return tree


def safe_json(response: TestResponse, status: int = 200) -> Any:
    """Check an API answer is JSON, never a page a browser would run; return its data."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    return response.get_json()


_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#x27);")


def check_snippet(snippet: str, body: str) -> None:
    """Check a snippet is escaped text of the body with only the engine's <mark> tags."""
    tags = re.findall(r"<[^>]*>", snippet)
    assert set(tags) <= {"<mark>", "</mark>"}, tags
    assert "".join(tags) == "<mark></mark>" * (len(tags) // 2), "marks nest or do not close"
    text = snippet.replace("<mark>", "").replace("</mark>", "")
    assert not set(text) & set("<>\"'"), text
    assert text.count("&") == len(_ENTITY.findall(text)), text
    flat = " ".join(body.split())
    for part in entities.unescape(text).split("…"):
        assert part.strip() in flat, (part, flat)


def search_url(**params: str) -> str:
    """Return the search page's URL with these parameters."""
    return "/?" + urlencode(params)


def document_path(doc_id: str) -> str:
    """Return a document page's path, its id percent-encoded."""
    return "/documents/" + quote(doc_id, safe="/")


def _texts(elements: list[html.HtmlElement]) -> list[str]:
    """Return the text of each element."""
    return [element.text_content() for element in elements]


def _is_web_url(url: str) -> bool:
    """Tell whether a URL is http(s), the only kind a page may link to."""
    return url.strip().lower().startswith(("http://", "https://"))


# --- The record's own limits ----------------------------------------------------------------

@pytest.mark.parametrize("field", VALIDATED)
def test_validated_fields_refuse_payloads(field: str) -> None:
    """Check doc_type, issued, year and visibility refuse every payload (so none is shown)."""
    for payload in PAYLOADS:
        record = {**_records()[0], field: payload}
        if field == "year":
            record.pop("issued")  # a date decides the year: the year is read only without one
        with pytest.raises(RecordError) as refused:
            Document.from_mapping(record)
        assert refused.value.field_name == field


def test_ids_take_payloads_but_not_what_cannot_be_a_path() -> None:
    """Check ids accept the payloads but refuse control characters and dot segments."""
    for doc in _documents():
        assert doc.id.startswith("xss/")
    for doc_id in ("xss/\n<script>", "xss/../<script>", "xss//<svg>", "/<svg>", "<svg>/",
                   "x" * 1001):
        with pytest.raises(RecordError):
            Document.from_mapping({"id": doc_id, "title": "Kế hoạch"})


# --- Searches that find each document ------------------------------------------------------

@pytest.mark.parametrize("number", DOCUMENT_NUMBERS)
@pytest.mark.parametrize("asker_name", ASKERS)
def test_search_shows_each_document_escaped(site: Site, asker_name: str, number: int) -> None:
    """Check a search for a document's word shows its title, number and snippet escaped."""
    asker, doc = site.askers[asker_name], site.documents[number]
    marker = MARKERS[number]
    tree = safe_page(asker.get(search_url(q=marker)))
    api = safe_json(asker.get("/api/v1/search?" + urlencode({"q": marker})))
    if not asker.staff and doc.visibility == "internal":
        assert not tree.xpath("//li[@class='hit']") and api["total"] == 0
        return
    assert bool(tree.xpath("//div[@class='staff-bar']")) == asker.staff
    [hit] = tree.xpath("//li[@class='hit']")
    assert hit.xpath("string(h3/a)") == doc.title
    assert tree.findtext(".//title") == f"{marker} – Tra cứu"
    meta = " ".join(hit.xpath("string(p[@class='meta'])").split())
    assert f"Số {' '.join(doc.number.split())}" in meta
    assert doc_type_label(doc.doc_type) in meta
    [snippet] = hit.xpath("p[@class='snippet']")
    marks = snippet.xpath("mark")
    assert marks and {mark.text for mark in marks} == {marker}
    shown = snippet.text_content()
    flat = " ".join(doc.body.split())
    assert all(part.strip() in flat for part in shown.split("…")), shown
    # The body's own <mark> tag and entity are shown as text.
    assert "Văn bản <mark>giả</mark> &lt;b&gt; " in shown, shown
    first = next(payload for payload in PAYLOADS if doc.author.startswith(payload))
    assert first in shown, shown
    # The link to the document reaches it, whatever its id holds.
    href = hit.xpath("h3/a/@href")[0]
    # ... carrying the search (for the page's back link and marks), nothing else.
    assert urlsplit(href).path.startswith("/documents/xss/")
    assert parse_qs(urlsplit(href).query) == {"q": [marker]}
    page = safe_page(asker.get(href))
    assert page.xpath("string(//h1)") == doc.title

    [result] = api["results"]
    assert result["id"] == doc.id
    assert (result["title"], result["number"], result["url"]) == (doc.title, doc.number,
                                                                  doc.url)
    check_snippet(result["snippet"], doc.body)
    check_snippet(result["title_html"], doc.title)
    assert [mark.text for mark in hit.xpath("h3/a/mark")] == [marker]
    assert "&lt;mark&gt;giả&lt;/mark&gt; &amp;lt;b&amp;gt; " in result["snippet"]


@pytest.mark.parametrize("asker_name", ASKERS)
def test_listing_every_document_escapes_titles_and_openings(site: Site, asker_name: str) -> None:
    """Check the empty search lists every visible document, escaped, in both answers."""
    asker = site.askers[asker_name]
    visible = site.visible(asker)
    for sort in ("newest", "oldest", "relevance"):
        tree = safe_page(asker.get(search_url(per_page="100", sort=sort)))
        titles = _texts(tree.xpath("//li[@class='hit']/h3/a"))
        assert sorted(titles) == sorted(doc.title for doc in visible)
        for hit in tree.xpath("//li[@class='hit']"):
            [doc] = [doc for doc in visible if doc.title == hit.xpath("string(h3/a)")]
            opening = hit.xpath("string(p[@class='snippet'])").removesuffix(" …")
            assert " ".join(doc.body.split()).startswith(opening), opening
        for link in tree.xpath("//aside//a/@href | //nav//a/@href | //p[@class='sort']//a/@href"):
            safe_page(asker.get(link), (200, 400))  # the unchecked type is refused
    data = safe_json(asker.get("/api/v1/search?per_page=100"))
    by_id = {doc.id: doc for doc in visible}
    assert {result["id"] for result in data["results"]} == set(by_id)
    for result in data["results"]:
        check_snippet(result["snippet"], by_id[result["id"]].body)
        check_snippet(result["title_html"], by_id[result["id"]].title)
    for q in ("mark", "lt", "script", "amp", "giả", "alert"):
        found = safe_json(asker.get("/api/v1/search?" + urlencode({"q": q, "per_page": 100})))
        assert found["total"] > 0, q
        for result in found["results"]:
            check_snippet(result["snippet"], by_id[result["id"]].body)
            check_snippet(result["title_html"], by_id[result["id"]].title)
        tree = safe_page(asker.get(search_url(q=q, per_page="100")))
        assert len(tree.xpath("//li[@class='hit']")) == found["total"]


# --- Each document's page ------------------------------------------------------------------

def _fields(tree: html.HtmlElement) -> dict[str, html.HtmlElement]:
    """Return the document page's metadata: each row's heading to its cell."""
    return {th.text_content(): th.getnext()
            for th in tree.xpath("//table[@class='metadata']//tr/th")}


@pytest.mark.parametrize("number", DOCUMENT_NUMBERS)
@pytest.mark.parametrize("asker_name", ASKERS)
def test_document_page_shows_every_field_escaped(site: Site, asker_name: str,
                                                 number: int) -> None:
    """Check a document's page shows each field's payload as text, and its links are safe."""
    asker, doc = site.askers[asker_name], site.documents[number]
    response = asker.get(document_path(doc.id))
    api = asker.get("/api/v1/documents/" + quote(doc.id, safe="/"))
    if not asker.staff and doc.visibility == "internal":
        tree = safe_page(response, 404)
        assert f"'{doc.id}'" in tree.text_content()
        assert safe_json(api, 404)["error"]["code"] == "not_found"
        return
    tree = safe_page(response)
    assert safe_json(api) == doc.to_record()  # the raw fields, as data
    assert tree.findtext(".//title") == f"{doc.title} – Tra cứu"
    assert tree.xpath("string(//h1)") == doc.title
    assert bool(tree.xpath("//p[@class='internal']")) == (doc.visibility == "internal")
    fields = _fields(tree)
    assert fields["Loại văn bản"].text_content() == doc_type_label(doc.doc_type)
    assert fields["Số, ký hiệu"].text_content() == doc.number
    assert fields["Ngày ban hành"].xpath("time/@datetime") == [doc.issued]
    assert fields["Cơ quan ban hành"].text_content() == doc.issuer
    assert fields["Tác giả"].text_content() == doc.author
    assert fields["Chuyên mục"].text_content() == doc.category
    # No document bears the numbers it cites: each is shown as text, with a search link.
    cited = tree.xpath("//section[contains(@class, 'cites')]//li")
    assert [item.text.rstrip(" ·") for item in cited] == list(doc.refs)
    ref_links = [item.xpath("a")[0] for item in cited]
    assert [parse_qs(urlsplit(link.get("href")).query)["q"] for link in ref_links] == \
        [[ref] for ref in doc.refs]
    if _is_web_url(doc.url):
        [source] = fields["Bản gốc"].xpath("a")
        assert (source.get("href"), source.text_content()) == (doc.url, doc.url)
    else:
        assert "Bản gốc" not in fields
    paragraphs = [" ".join(part.split()) for part in doc.body.split("\n\n")]
    assert _texts(tree.xpath("//div[@class='body']/p")) == paragraphs
    # Every link the page makes (its type, its number, its citations) is safe to follow.
    for href in tree.xpath("//main//a/@href"):
        if href.startswith("/?"):
            query = parse_qs(urlsplit(href).query)
            linked = safe_page(asker.get(href), (200, 400))
            if "q" in query:
                assert linked.xpath("//input[@id='q']/@value") == query["q"]


# --- Payloads in the request itself --------------------------------------------------------

# Parameters whose refusal names the value given.
ECHOED = ("type", "year", "year_from", "year_to", "page", "per_page")


@pytest.mark.parametrize("payload", PAYLOADS + URLS)
@pytest.mark.parametrize("asker_name", ASKERS)
def test_payload_in_a_query_or_parameter_is_escaped(site: Site, asker_name: str,
                                                    payload: str) -> None:
    """Check a payload as the query, any parameter or a parameter's name is shown escaped."""
    asker = site.askers[asker_name]
    tree = safe_page(asker.get(search_url(q=payload)))
    assert tree.xpath("//input[@id='q']/@value") == [payload.strip()]
    assert payload.strip() in tree.findtext(".//title")
    for name in ECHOED:
        refused = safe_page(asker.get(search_url(q="hội thảo", **{name: payload})), 400)
        assert payload.strip() in refused.text_content(), name
        error = safe_json(asker.get("/api/v1/search?" + urlencode({name: payload})), 400)
        assert error["error"]["code"] == "invalid_parameter"
    safe_page(asker.get(search_url(q=payload, sort=payload)), 400)
    safe_page(asker.get("/?" + urlencode({payload: payload, "q": "hội thảo"})))
    safe_page(asker.get("/?" + urlencode([("q", payload), ("q", payload)])), 400)
    safe_page(asker.get(search_url(q=payload, page="2", per_page="1")))


# --- Error pages ---------------------------------------------------------------------------

@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("asker_name", ASKERS)
def test_error_pages_escape_the_address(site: Site, asker_name: str, payload: str) -> None:
    """Check 404 and 405 pages for addresses that carry a payload are safe."""
    asker = site.askers[asker_name]
    encoded = quote(payload, safe="")
    safe_page(asker.get("/" + encoded), 404)
    safe_page(asker.get(f"/static/{encoded}"), 404)
    tree = safe_page(asker.get("/documents/" + encoded), 404)
    assert payload in tree.text_content()
    assert safe_json(asker.get("/api/v1/documents/" + encoded), 404)["error"]["code"] == \
        "not_found"
    safe_json(asker.get("/api/v1/" + encoded), 404)
    safe_page(asker.client.post("/documents/" + encoded, headers=asker.headers), 405)


# --- The sign-in pages ---------------------------------------------------------------------

@pytest.mark.parametrize("asker_name", ASKERS)
def test_sign_in_page_escapes_the_next_address(site: Site, asker_name: str) -> None:
    """Check /login is safe, with a local next address as a payload or a javascript: one."""
    asker = site.askers[asker_name]
    safe_page(asker.get("/login"))
    for payload in PAYLOADS:
        local = "/" + payload
        tree = safe_page(asker.get("/login?" + urlencode({"next": local})))
        if local.startswith("//") or "\\" in local:
            assert not tree.xpath("//input[@name='next']")
        else:
            assert tree.xpath("//input[@name='next']/@value") == [local]
    for url in URLS:
        tree = safe_page(asker.get("/login?" + urlencode({"next": url})))
        assert not tree.xpath("//input[@name='next']")


def _login_client(site: Site, address: str) -> tuple[FlaskClient, str]:
    """Return a new client from its own address, and the CSRF token of its sign-in form."""
    client = site.app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client, _csrf(safe_page(client.get("/login")))


@pytest.mark.parametrize("number", range(len(PAYLOADS)))
def test_failed_sign_in_shows_the_name_escaped(site: Site, number: int) -> None:
    """Check a refused sign-in shows the name typed, a payload, only as the field's value."""
    payload = PAYLOADS[number]
    client, token = _login_client(site, f"10.1.{number}.1")
    next_url = "/?q=" + payload
    answer = client.post("/login", data={"name": payload, "password": WRONG_PASSWORD,
                                         "csrf_token": token, "next": next_url})
    tree = safe_page(answer, 401)
    assert tree.xpath("//input[@name='name']/@value") == [payload]
    assert tree.xpath("//input[@name='next']/@value") == [next_url]
    assert tree.xpath("string(//p[@role='alert'])")
    # Without the form's token: the refusal page is safe too.
    refused = client.post("/login", data={"name": payload, "password": WRONG_PASSWORD,
                                          "csrf_token": payload, "next": next_url})
    safe_page(refused, 400)


def test_too_many_failed_sign_ins_page_escapes_the_name(site: Site) -> None:
    """Check the page refusing sign-ins after too many failures shows the name escaped."""
    payload = PAYLOADS[1]
    client, token = _login_client(site, "10.2.0.1")
    statuses = []
    for _ in range(int(site.app.config["LOGIN_ACCOUNT_LIMIT"].split()[0]) + 1):
        answer = client.post("/login", data={"name": payload, "password": WRONG_PASSWORD,
                                             "csrf_token": token})
        statuses.append(answer.status_code)
        tree = safe_page(answer, (401, 429))
        assert tree.xpath("//input[@name='name']/@value") == [payload]
    assert statuses[-1] == 429, statuses
