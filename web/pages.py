"""The HTML pages: the search page and a document's page."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, render_template, request, url_for
from flask.typing import ResponseReturnValue

from index.doctypes import label as doc_type_label
from index.numbers import number_key
from search import SearchRequest, SearchResult
from search.facets import FACETS, YEAR
from search.highlight import marked
from search.query import query_marks
from search.request import MAX_QUERY_LENGTH, PARAMETERS, SORTS
from web.access import asker
from web.search_context import find_document, search_index, search_request
from web.signin import LogoutForm

blueprint = Blueprint("pages", __name__)

# The parameter that asks for the query exactly as typed, not the suggestion's results.
AS_TYPED = "as_typed"
SORT_LABELS = {"relevance": "Liên quan nhất", "newest": "Mới nhất", "oldest": "Cũ nhất"}
assert set(SORT_LABELS) == set(SORTS)


@blueprint.get("/")
def search() -> ResponseReturnValue:
    """Show the search form, the results and the facets."""
    search_req = search_request()
    result = search_index().search(search_req)
    as_typed = None  # the answer to the query as typed, when the suggestion's is shown
    if (result.suggestion is not None and (not result.total or result.match == "any")
            and not request.args.get(AS_TYPED)):
        # Nothing (or only part) matches as typed: show what the suggestion finds, as
        # a good web search does, with a link to search exactly as typed.
        corrected = search_index().search(replace(search_req,
                                                  query=result.suggestion.text))
        if corrected.total and (corrected.match != "any" or not result.total):
            as_typed, result = result, corrected
    return render_template("search.html", req=search_req, result=result, as_typed=as_typed,
                           as_typed_param=AS_TYPED, sort_labels=SORT_LABELS, link=_link,
                           facets=FACETS, chosen=_chosen(search_req, result),
                           histogram=_histogram(result), kept=_kept(),
                           document_link=_document_link,
                           clear_all=_link(year_from=None, year_to=None,
                                           **{facet.parameter: None for facet in FACETS}))


@blueprint.get("/documents/<path:doc_id>")
def document(doc_id: str) -> ResponseReturnValue:
    """Show one document with its metadata."""
    doc = find_document(doc_id)
    around = search_index().neighbours(doc_id, include_internal=asker().staff)
    paragraphs = [" ".join(part.split()) for part in doc.body.split("\n\n") if part.strip()]
    if paragraphs and doc.number and number_key(paragraphs[0]) == number_key(doc.number):
        paragraphs = paragraphs[1:]  # "Số: 22-KH/CB", shown in the table already
    marks = query_marks(request.args.get("q", "")[:MAX_QUERY_LENGTH])
    shown = [marked(paragraph, marks) for paragraph in paragraphs]
    matches = sum(paragraph.count("<mark>") for paragraph in shown)
    for index, paragraph in enumerate(shown):
        if "<mark>" in paragraph:
            shown[index] = paragraph.replace("<mark>", '<mark id="match">', 1)
            break
    search_params = _search_params()
    back = url_for("pages.search") + ("?" + urlencode(search_params) if search_params else "")
    return render_template("document.html", doc=doc, paragraphs=shown, matches=matches,
                           around=around, back=back, from_search=bool(search_params))


def _search_params() -> list[tuple[str, str]]:
    """Return the search's parameters a page was reached with (to go back to it)."""
    return [(name, value) for name, values in request.args.lists() if name in PARAMETERS
            for value in values if value.strip()]


def _document_link(doc_id: str) -> str:
    """Return a document's URL carrying the current search (for its back link and marks)."""
    params = _search_params()
    return (url_for("pages.document", doc_id=doc_id)
            + ("?" + urlencode(params) if params else ""))


def _chosen(search_req: SearchRequest, result: SearchResult) -> list[tuple[str, str, str]]:
    """Return the filters chosen, as (parameter, value, text) for removable chips."""
    chips = []
    for facet in FACETS:
        labels = {item.value: item.label for item in result.facets.get(facet.name, ())}
        for value in search_req.chosen(facet.field):
            text = labels.get(value) or str(value)
            chips.append((facet.parameter, str(value),
                          f"{facet.label} {text}" if facet is YEAR else text))
    return chips


def _histogram(result: SearchResult) -> list[tuple[int, int, int, bool]]:
    """Return the year facet's bars, oldest first: (year, count, height in steps of 5%
    of the tallest, selected)."""
    years = sorted((item for item in result.facets.get(YEAR.name, ()) if item.count),
                   key=lambda item: item.value)
    tallest = max((item.count for item in years), default=0)
    return [(int(item.value), item.count, max(5, 5 * round(20 * item.count / tallest)),
             item.selected) for item in years]


def _kept() -> list[tuple[str, str]]:
    """Return the query string's parameters that the year-range form carries over."""
    return [(name, value) for name, values in request.args.lists()
            if name in PARAMETERS and name not in ("year_from", "year_to", "page")
            for value in values if value.strip()]


def _link(toggle: tuple[str, str] | None = None, **changes: Any) -> str:
    """Return the search URL for the current query string with changes.

    ``toggle=(name, value)`` adds a facet value, or removes it if it is
    already chosen; any change but the page goes back to page 1.
    """
    params: dict[str, list[str]] = {name: list(values)
                                    for name, values in request.args.to_dict(flat=False).items()}
    if toggle is not None:
        name, value = toggle
        chosen = params.setdefault(name, [])
        if value in chosen:
            chosen.remove(value)
        else:
            chosen.append(value)
    for name, value in changes.items():
        params[name] = [] if value is None else [str(value)]
    if toggle is not None or any(name != "page" for name in changes):
        params.pop("page", None)
    query = {name: values for name, values in params.items() if values}
    # Encoded here rather than passed to url_for as keywords: a parameter
    # named like one of url_for's own (endpoint, _anchor, _external) is the
    # user's, not an instruction to url_for.
    return url_for("pages.search") + ("?" + urlencode(query, doseq=True) if query else "")


def register_filters(app: Flask) -> None:
    """Add the template filters the pages use, and who is asking to every page."""
    app.context_processor(lambda: {"staff": asker(), "logout_form": LogoutForm})
    app.jinja_env.filters["vn_date"] = _vn_date
    app.jinja_env.filters["vn_number"] = _vn_number
    app.jinja_env.filters["doc_type_label"] = doc_type_label
    app.jinja_env.filters["safe_url"] = _safe_url


def _vn_number(number: int) -> str:
    """Return a whole number as Vietnamese writes it: 153.825."""
    return f"{number:,}".replace(",", ".")


def _vn_date(iso: str) -> str:
    """Return YYYY-MM-DD as the Vietnamese dd/mm/yyyy."""
    try:
        return dt.date.fromisoformat(iso).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return ""


def _safe_url(url: str) -> str:
    """Return url if it is http(s), else "" (never a javascript: link)."""
    return url if urlsplit(url).scheme in ("http", "https") else ""
