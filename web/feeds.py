"""Read-only descriptions of the site for programs: a search's Atom feed, the OpenSearch
description and the sitemap of the public document pages.

Every document is XML made by lxml, so that every character a record holds is
escaped (and one XML cannot hold at all is replaced). The feed takes a search's
parameters and shows what the asker may see, newest first; the sitemap is for
crawlers and lists the public documents only, whoever asks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, g, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from lxml import etree

from index.doctypes import label as doc_type_label
from search import Hit, SearchRequest
from search.engine import Export
from search.request import PARAMETERS
from web.search_context import search_index, search_request
from web.streaming import drained

blueprint = Blueprint("feeds", __name__)

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
OPENSEARCH_TYPE = "application/opensearchdescription+xml; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
SITE_NAME = "Tra cứu"
DESCRIPTION = ("Tìm kiếm toàn văn các văn bản và tin bài của Liên hiệp các hội Khoa học và "
               "Kỹ thuật, gõ có dấu hoặc không dấu.")
FEED_ENTRIES = 50
# The most URLs one sitemap file holds (the protocol's bound); beyond, /sitemap.xml is an
# index of /sitemap-1.xml, /sitemap-2.xml, ...
SITEMAP_URLS = 50_000
# A feed's updated when none of its entries has a date: fixed, never the clock, so that
# the same entries always make the same feed (and the same ETag).
FEED_EPOCH = "1970-01-01T00:00:00Z"
# The search parameters a feed reads: a page's order and paging are not the feed's.
FEED_PARAMETERS = tuple(name for name in PARAMETERS if name not in ("sort", "page", "per_page"))
# Every public document, in a stable order (newest first, then by docnum).
_PUBLIC_DOCUMENTS = SearchRequest(query="", sort="newest")
# What XML 1.0 cannot hold (C0 controls but tab and line ends, surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# URLs of a streamed sitemap gathered before they are sent (about 60 KB).
_CHUNK_URLS = 500


@blueprint.get("/feed.atom")
def feed() -> ResponseReturnValue:
    """Answer a search's 50 newest matches as an Atom 1.0 feed."""
    search_req = replace(search_request(ignored=("sort", "page", "per_page")), sort="newest",
                         per_page=FEED_ENTRIES)
    result = search_index().search(search_req)
    query_string = _query_string()
    root = _root(_atom("feed"), ATOM)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    this = url_for("feeds.feed", _external=True) + query_string
    _add(root, "id", this)
    _add(root, "title", feed_title(search_req.query))
    dates = [day for day in map(_day, result.hits) if day]
    updated = max(dates, default=FEED_EPOCH)
    _add(root, "updated", updated)
    _add(_add(root, "author"), "name", SITE_NAME)
    _add(root, "link", rel="self", type="application/atom+xml", href=this)
    _add(root, "link", rel="alternate", type="text/html",
         href=url_for("pages.search", _external=True) + query_string)
    _add(root, "icon", url_for("static", filename="favicon.svg", _external=True))
    for hit in result.hits:
        entry = _add(root, "entry")
        page = url_for("pages.document", doc_id=hit.id, _external=True)
        _add(entry, "id", page)
        _add(entry, "title", hit.title or "Không có tiêu đề", type="text")
        day = _day(hit) or updated
        _add(entry, "updated", day)
        _add(entry, "published", day)
        _add(entry, "link", rel="alternate", type="text/html", href=page)
        _add(entry, "category", term=hit.doc_type, label=doc_type_label(hit.doc_type))
        _add(entry, "summary", hit.snippet, type="html")
    body = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return Response(body, content_type=ATOM_TYPE)


@blueprint.get("/opensearch.xml")
def opensearch() -> ResponseReturnValue:
    """Answer the OpenSearch 1.1 description: how a browser searches the site and
    completes what is typed."""
    root = _root(_opensearch("OpenSearchDescription"), OPENSEARCH)
    for name, text in (("ShortName", SITE_NAME), ("Description", DESCRIPTION),
                       ("InputEncoding", "UTF-8"), ("OutputEncoding", "UTF-8"),
                       ("Language", "vi")):
        etree.SubElement(root, _opensearch(name)).text = text
    image = etree.SubElement(root, _opensearch("Image"), width="16", height="16",
                             type="image/svg+xml")
    image.text = url_for("static", filename="favicon.svg", _external=True)
    terms = "?q={searchTerms}"
    for kind, template in (
            ("text/html", url_for("pages.search", _external=True) + terms),
            ("application/atom+xml", url_for("feeds.feed", _external=True) + terms),
            ("application/x-suggestions+json",
             url_for("api.suggest", _external=True) + terms + "&format=opensearch"),
            ("application/opensearchdescription+xml",
             url_for("feeds.opensearch", _external=True))):
        url = etree.SubElement(root, _opensearch("Url"), type=kind, method="get",
                               template=template)
        if kind == "application/opensearchdescription+xml":
            url.set("rel", "self")
    body = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return Response(body, content_type=OPENSEARCH_TYPE)


@blueprint.get("/sitemap.xml")
def sitemap() -> ResponseReturnValue:
    """Answer the sitemap of the public document pages, or, when they are more than
    SITEMAP_URLS, the index of its files."""
    documents = _public_documents(0)
    if documents.total <= SITEMAP_URLS:
        return _urlset(documents)
    documents.close()
    root = _root(_sitemap("sitemapindex"), SITEMAP)
    for number in range(1, _files(documents.total) + 1):
        part = etree.SubElement(root, _sitemap("sitemap"))
        etree.SubElement(part, _sitemap("loc")).text = url_for(
            "feeds.sitemap_part", number=number, _external=True)
    return Response(etree.tostring(root, xml_declaration=True, encoding="utf-8"),
                    content_type=XML_TYPE)


@blueprint.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int) -> ResponseReturnValue:
    """Answer one file of the sitemap: the public documents from (number-1)*SITEMAP_URLS."""
    if number < 1:
        abort(404)
    documents = _public_documents((number - 1) * SITEMAP_URLS)
    if number > _files(documents.total):
        documents.close()
        abort(404)
    return _urlset(documents)


@blueprint.app_template_global()
def feed_url() -> str:
    """Return the Atom feed's URL of the search the current page shows."""
    return url_for("feeds.feed") + _query_string()


@blueprint.app_template_global()
def feed_title(query: str) -> str:
    """Return the title of a search's feed."""
    return f"{SITE_NAME} – «{query}»" if query else f"{SITE_NAME} – văn bản mới nhất"


def _query_string() -> str:
    """Return "?" and the request's search parameters a feed reads, or "" if none."""
    params = [(name, value) for name, values in request.args.lists()
              if name in FEED_PARAMETERS for value in values if value.strip()]
    return "?" + urlencode(params) if params else ""


def _day(hit: Hit) -> str | None:
    """Return the Atom date of a hit: its day of issue, else 1 January of its year."""
    if _DAY.fullmatch(hit.issued or ""):
        return f"{hit.issued}T00:00:00Z"
    if hit.year:
        return f"{hit.year:04d}-01-01T00:00:00Z"
    return None


def _public_documents(offset: int) -> Export:
    """Return the public documents of one sitemap file, from offset."""
    documents = search_index().export(_PUBLIC_DOCUMENTS, SITEMAP_URLS, offset)
    g.tracuu_stamp = documents.stamp  # the generation they come from (web.caching)
    return documents


def _files(total: int) -> int:
    """Return how many sitemap files the public documents fill (one, even empty)."""
    return max(1, -(-total // SITEMAP_URLS))


def _urlset(documents: Export) -> Response:
    """Return a sitemap file of the documents, streamed as they are read."""

    def chunks() -> Iterator[bytes]:
        buffer = io.BytesIO()
        with etree.xmlfile(buffer, encoding="utf-8") as xml:
            xml.write_declaration()
            with xml.element(_sitemap("urlset"), nsmap={None: SITEMAP}):
                for count, exported in enumerate(documents, start=1):
                    doc = exported.document
                    xml.write("\n")
                    with xml.element(_sitemap("url")):
                        with xml.element(_sitemap("loc")):
                            xml.write(url_for("pages.document", doc_id=doc.id, _external=True))
                        if _DAY.fullmatch(doc.issued or ""):
                            with xml.element(_sitemap("lastmod")):
                                xml.write(doc.issued)
                    if count % _CHUNK_URLS == 0:
                        xml.flush()
                        yield drained(buffer)
                xml.write("\n")
            xml.flush()
        yield drained(buffer)

    response = Response(stream_with_context(chunks()), content_type=XML_TYPE)
    response.call_on_close(documents.close)
    return response


def _add(parent: Any, name: str, text: str | None = None, **attributes: str) -> Any:
    """Add an Atom element with its text and attributes (made XML-safe) to parent."""
    element = etree.SubElement(parent, _atom(name),
                               {key: _xml(value) for key, value in attributes.items()})
    if text is not None:
        element.text = _xml(text)
    return element


def _root(tag: str, namespace: str) -> Any:
    """Return a document's root element, its namespace the default one."""
    nsmap: Any = {None: namespace}
    return etree.Element(tag, nsmap=nsmap)


def _xml(text: str) -> str:
    """Return text with each character XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _atom(name: str) -> str:
    return f"{{{ATOM}}}{name}"


def _opensearch(name: str) -> str:
    return f"{{{OPENSEARCH}}}{name}"


def _sitemap(name: str) -> str:
    return f"{{{SITEMAP}}}{name}"
