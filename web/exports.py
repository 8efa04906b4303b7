"""Every match of a search as a file: CSV for spreadsheets, JSON Lines for programs.

Both take a search's parameters (q, type, year, year_from, year_to, issuer, sort;
page and per_page are a page's and are ignored) and ``limit`` (1 to EXPORT_LIMIT,
the default). They are streamed: the documents are read a batch at a time as the
answer is sent, so memory does not grow with the number of rows.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Response, current_app, g, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue

from index.doctypes import DOC_TYPES
from index.text import fold_accents
from search.engine import Export
from search.errors import InvalidParameter
from search.request import PARAMETERS
from search.result import Exported
from web.search_context import search_index, search_request
from web.streaming import drained

blueprint = Blueprint("exports", __name__)

# Excel reads a CSV file as UTF-8 only when it starts with a byte order mark.
BOM = "\ufeff"
# Excel runs a cell that starts with one of these as a formula ("CSV injection"): such a
# cell is written with a leading apostrophe, which Excel shows as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PAGE_PARAMETERS = ("page", "per_page")


def _columns() -> tuple[tuple[str, Callable[[int, Exported], Any]], ...]:
    """Return the CSV's columns: the Vietnamese heading and how to fill each cell."""
    def page(rank: int, row: Exported) -> str:
        return url_for("pages.document", doc_id=row.document.id, _external=True)

    return (
        ("STT", lambda rank, row: rank),
        ("Mã văn bản", lambda rank, row: row.document.id),
        ("Tiêu đề", lambda rank, row: row.document.title),
        ("Loại văn bản", lambda rank, row: DOC_TYPES.get(row.document.doc_type,
                                                         row.document.doc_type)),
        ("Số, ký hiệu", lambda rank, row: row.document.number),
        ("Ngày ban hành", lambda rank, row: row.document.issued),
        ("Năm", lambda rank, row: row.document.year or ""),
        ("Cơ quan ban hành", lambda rank, row: row.document.issuer),
        ("Tác giả", lambda rank, row: row.document.author),
        ("Phạm vi", lambda rank, row: "Nội bộ" if row.document.visibility == "internal"
         else "Công khai"),
        ("Văn bản dẫn chiếu", lambda rank, row: "; ".join(row.document.refs)),
        ("Bản gốc", lambda rank, row: row.document.url),
        ("Trang tra cứu", page),
        ("Điểm", lambda rank, row: round(row.score, 4)),
    )


@blueprint.get("/api/v1/search.csv")
def search_csv() -> ResponseReturnValue:
    """Answer every match (up to limit) as CSV in UTF-8 with a BOM, a row per document."""
    rows = _export()
    columns = _columns()

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([heading for heading, _ in columns])
        yield BOM + drained(buffer)
        for rank, row in enumerate(rows, start=1):
            writer.writerow([_cell(cell(rank, row)) for _, cell in columns])
            if rank % 100 == 0:
                yield drained(buffer)
        yield drained(buffer)

    return _streamed(lines(), rows, "text/csv; charset=utf-8", "csv")


@blueprint.get("/api/v1/search.jsonl")
def search_jsonl() -> ResponseReturnValue:
    """Answer every match (up to limit) as JSON Lines: each line a record (the fields of
    /api/v1/documents/<id>) and its score, in the search's order."""
    rows = _export()

    def lines() -> Iterator[str]:
        batch = []
        for row in rows:
            record = {**row.document.to_record(), "score": round(row.score, 4)}
            batch.append(json.dumps(record, ensure_ascii=False) + "\n")
            if len(batch) == 100:
                yield "".join(batch)
                batch = []
        yield "".join(batch)

    return _streamed(lines(), rows, "application/jsonl; charset=utf-8", "jsonl")


@blueprint.app_template_global()
def export_url(suffix: str) -> str:
    """Return the URL of an export (csv or jsonl) of the search the current page shows."""
    params = [(name, value) for name, values in request.args.lists()
              if name in PARAMETERS and name not in _PAGE_PARAMETERS
              for value in values if value.strip()]
    endpoint = {"csv": "exports.search_csv", "jsonl": "exports.search_jsonl"}[suffix]
    return url_for(endpoint) + ("?" + urlencode(params) if params else "")


def _export() -> Export:
    """Return the matches of the request's search, for what the asker may see."""
    bound = int(current_app.config["EXPORT_LIMIT"])
    search = search_request(ignored=_PAGE_PARAMETERS)
    limits = [value.strip() for value in request.args.getlist("limit") if value.strip()]
    if len(limits) > 1:
        raise InvalidParameter("limit", "chỉ được cho một lần")
    limit = bound
    if limits:
        if not re.fullmatch(r"[0-9]{1,9}", limits[0]) or not 1 <= int(limits[0]) <= bound:
            raise InvalidParameter("limit", f"phải là số từ 1 đến {bound}")
        limit = int(limits[0])
    rows = search_index().export(search, limit)
    g.tracuu_stamp = rows.stamp  # the generation the rows come from (web.caching)
    return rows


def _streamed(body: Iterator[str], rows: Export, mimetype: str, suffix: str) -> Response:
    """Return a streamed answer, named for download after the query; the export is
    closed when the answer is, however far it was sent."""
    name = _file_name(request.args.get("q", ""), suffix)
    response = Response(stream_with_context(body), content_type=mimetype)
    response.call_on_close(rows.close)
    ascii_name = fold_accents(name).encode("ascii", "ignore").decode() or f"tracuu.{suffix}"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}")
    response.headers["X-Total-Count"] = str(rows.total)
    return response


def _file_name(query: str, suffix: str) -> str:
    """Return the download's name: tracuu, then the query's words ("tracuu-kế-hoạch.csv")."""
    words = "".join(ch if ch.isalnum() else " " for ch in query).split()[:8]
    return "-".join(["tracuu", *words])[:80] + f".{suffix}"


def _cell(value: Any) -> Any:
    """Return a value as a CSV cell Excel shows as written (never runs as a formula)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
