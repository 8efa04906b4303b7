"""The OpenAPI 3.1 description of the API, made from the same declarations the API reads.

The search parameters come from search.request and the facets registry
(search.facets.FACETS), the bounds from the app's settings, the document types
and relations from index/, so a new facet or type is described as soon as it
exists. The answers' schemas are written once here; tests/test_openapi.py runs
schemathesis over every operation to check that the answers keep to them.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from index.doctypes import DOC_TYPES
from index.record import VISIBILITIES
from index.relations import RELATION_TYPES
from search.facets import FACETS
from search.request import MAX_QUERY_LENGTH, SORTS

VERSION = "1"
JSON = "application/json"


def description() -> dict[str, Any]:
    """Return the OpenAPI document of this app (its bounds as configured)."""
    config = current_app.config
    search_parameters = _search_parameters(int(config["MAX_PER_PAGE"]),
                                           int(config["MAX_PAGE"]))
    filters = [parameter for parameter in search_parameters
               if parameter["name"] not in ("page", "per_page")]
    export_limit = {"name": "limit", "in": "query", "required": False,
                    "description": "Số văn bản tối đa (mặc định và tối đa: "
                                   f"{config['EXPORT_LIMIT']}).",
                    "schema": _or_empty({"type": "integer", "minimum": 1,
                                         "maximum": int(config["EXPORT_LIMIT"])})}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tra cứu – API tìm kiếm văn bản",
            "version": VERSION,
            "description": (
                "Tìm kiếm toàn văn các văn bản và tin bài của Liên hiệp các hội Khoa học và "
                "Kỹ thuật. Mọi câu trả lời là JSON UTF-8 (trừ các tệp xuất). Không có mã "
                "truy cập, câu trả lời đúng như khi chỉ mục không có văn bản nội bộ; với "
                "`Authorization: Bearer <mã>` của cán bộ, văn bản nội bộ cũng được tìm thấy. "
                "Mỗi câu trả lời có ETag gắn với thế hệ chỉ mục và người hỏi; gửi lại với "
                "If-None-Match để nhận 304."),
        },
        "servers": [{"url": "/"}],
        "tags": [{"name": "Tìm kiếm"}, {"name": "Văn bản"}, {"name": "Xuất"},
                 {"name": "Nguồn tin"}, {"name": "Hệ thống"}],
        "security": [{}, {"bearer": []}],
        "paths": {
            "/api/v1/search": {"get": _operation(
                "search", "Tìm kiếm", "Tìm kiếm văn bản",
                "Một trang kết quả, tổng số và số đếm theo từng bộ lọc (trên mọi kết quả).",
                search_parameters, _json_answer("SearchAnswer"), errors=(400,))},
            "/api/v1/search.csv": {"get": _operation(
                "exportCsv", "Xuất", "Xuất mọi kết quả ra CSV",
                "Mọi kết quả (tối đa `limit`), UTF-8 có BOM để Excel hiện đúng tiếng Việt, "
                "gửi dần (streamed). Tổng số kết quả ở tiêu đề X-Total-Count.",
                [*filters, export_limit],
                {"description": "Tệp CSV, dòng đầu là tên cột.",
                 "headers": _TOTAL_HEADER,
                 "content": {"text/csv": {"schema": {"type": "string"}}}}, errors=(400,))},
            "/api/v1/search.jsonl": {"get": _operation(
                "exportJsonLines", "Xuất", "Xuất mọi kết quả ra JSON Lines",
                "Mọi kết quả (tối đa `limit`): mỗi dòng một bản ghi (như "
                "/api/v1/documents/{id}) thêm `score`, theo thứ tự của tìm kiếm.",
                [*filters, export_limit],
                {"description": "Mỗi dòng một đối tượng JSON.",
                 "headers": _TOTAL_HEADER,
                 "content": {"application/jsonl": {"schema": {
                     "type": "string",
                     "description": "Mỗi dòng theo lược đồ ExportedRecord."}}}},
                errors=(400,))},
            "/api/v1/suggest": {"get": _operation(
                "suggest", "Tìm kiếm", "Gợi ý hoàn thành từ đang gõ",
                "Tối đa 10 cách hoàn thành từ cuối của q: số hiệu văn bản, cụm từ hay gặp, "
                "từ trong tiêu đề. `format=opensearch` trả về dạng gợi ý của OpenSearch.",
                [{"name": "q", "in": "query", "required": False,
                  "description": "Điều đang gõ.",
                  "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH}},
                 {"name": "format", "in": "query", "required": False,
                  "description": "`json` (mặc định) hoặc `opensearch` "
                                 "(application/x-suggestions+json).",
                  "schema": _or_empty({"type": "string", "enum": ["json", "opensearch"]})}],
                {"description": "Các gợi ý.", "content": {
                    JSON: {"schema": {"$ref": "#/components/schemas/Suggestions"}},
                    "application/x-suggestions+json": {"schema": {
                        "type": "array", "minItems": 2, "maxItems": 2,
                        "description": "[q, [gợi ý, ...]]",
                        "items": {"oneOf": [
                            {"type": "string"},
                            {"type": "array", "items": {"type": "string"}}]}}}}},
                errors=(400,))},
            "/api/v1/documents/{id}": {"get": _operation(
                "document", "Văn bản", "Một văn bản",
                "Bản ghi đã lưu của văn bản (mọi trường). Văn bản nội bộ trả lời 404 như "
                "văn bản không có, trừ với cán bộ.",
                [_ID], _json_answer("Record"), errors=(404,))},
            "/api/v1/relations/{id}": {"get": _operation(
                "relations", "Văn bản", "Quan hệ của một văn bản",
                "Văn bản này dẫn chiếu văn bản nào và theo cách nào, văn bản nào dẫn chiếu "
                "văn bản này, và tối đa 5 văn bản liên quan; chỉ những văn bản người hỏi "
                "được xem.",
                [_ID], _json_answer("RelationsAnswer"), errors=(404,))},
            "/api/v1/openapi.json": {"get": _operation(
                "openapi", "Hệ thống", "Mô tả OpenAPI này", "Tài liệu OpenAPI 3.1 của API.",
                [], {"description": "Tài liệu OpenAPI.",
                     "content": {JSON: {"schema": {"type": "object"}}}}, errors=())},
            "/feed.atom": {"get": _operation(
                "feed", "Nguồn tin", "Nguồn Atom của một tìm kiếm",
                "50 kết quả mới nhất của tìm kiếm (các tham số như /api/v1/search, trừ "
                "sort, page, per_page), dạng Atom 1.0.",
                [parameter for parameter in filters if parameter["name"] != "sort"],
                _xml_answer("application/atom+xml", "Nguồn Atom."), errors=(400,))},
            "/opensearch.xml": {"get": _operation(
                "opensearch", "Nguồn tin", "Mô tả OpenSearch",
                "Để trình duyệt thêm ô tìm kiếm của trang (kèm gợi ý khi gõ).", [],
                _xml_answer("application/opensearchdescription+xml", "Mô tả OpenSearch."),
                errors=())},
            "/sitemap.xml": {"get": _operation(
                "sitemap", "Nguồn tin", "Sơ đồ trang (sitemap)",
                "Các trang văn bản công khai; quá 50.000 thì là chỉ mục các tệp "
                "/sitemap-{number}.xml.", [],
                _xml_answer("application/xml", "Sitemap hoặc chỉ mục sitemap."), errors=())},
            "/sitemap-{number}.xml": {"get": _operation(
                "sitemapPart", "Nguồn tin", "Một tệp của sơ đồ trang",
                "Tệp thứ number (từ 1) của sitemap, mỗi tệp tối đa 50.000 trang.",
                [{"name": "number", "in": "path", "required": True,
                  "schema": {"type": "integer", "minimum": 1}}],
                _xml_answer("application/xml", "Sitemap."), errors=(404,))},
            "/healthz": {"get": _operation(
                "health", "Hệ thống", "Tình trạng",
                "200 với số văn bản và thế hệ chỉ mục; 503 khi chưa có chỉ mục phục vụ được.",
                [], _json_answer("Health"), errors=(), cached=False)},
        },
        "components": {
            "securitySchemes": {"bearer": {
                "type": "http", "scheme": "bearer",
                "description": "Mã truy cập của cán bộ (`tracuu token create NAME`)."}},
            "headers": {"ETag": {"description": "Gắn với thế hệ chỉ mục và người hỏi.",
                                 "schema": {"type": "string"}}},
            "schemas": _schemas(),
        },
    }


_ID = {"name": "id", "in": "path", "required": True,
       "description": "Mã văn bản (có thể có dấu /).", "schema": {"type": "string"}}
_TOTAL_HEADER = {"X-Total-Count": {"description": "Tổng số kết quả của tìm kiếm.",
                                   "schema": {"type": "string", "pattern": "^[0-9]+$"}}}
_ERRORS = {
    400: "Tham số không hợp lệ.",
    401: "Mã truy cập sai hoặc đã thu hồi.",
    404: "Không có văn bản này (hoặc người hỏi không được xem).",
    414: "Địa chỉ (URL) quá dài.",
    429: "Quá nhiều yêu cầu; thử lại sau Retry-After giây.",
    503: "Chưa có chỉ mục phục vụ được; thử lại sau Retry-After giây.",
}


def _or_empty(schema: dict[str, Any]) -> dict[str, Any]:
    """Return a parameter's schema that also takes the empty value: a parameter given
    empty (as a form sends an empty field) counts as not given."""
    return {"anyOf": [schema, {"const": ""}]}


_PAGES = ("feed", "opensearch", "sitemap", "sitemapPart")
# The operations API_RATE_LIMIT (and, for exports, EXPORT_RATE_LIMIT) counts (web.api).
_RATE_LIMITED = ("search", "exportCsv", "exportJsonLines", "suggest", "document", "relations")


def _search_parameters(max_per_page: int, max_page: int) -> list[dict[str, Any]]:
    """Return the search's query parameters, its facets' from the registry."""
    facets = [{"name": facet.parameter, "in": "query", "required": False,
               "description": f"{facet.label} (lặp lại được: một trong các giá trị).",
               "schema": {"type": "array", "items": _or_empty(dict(facet.schema))},
               "style": "form", "explode": True}
              for facet in FACETS]
    year = _or_empty({"type": "string", "pattern": "^[0-9]{4}$"})
    return [
        {"name": "q", "in": "query", "required": False,
         "description": 'Câu tìm: có dấu hay không dấu, "cụm từ", -từ, a OR b, tiền_tố*, '
                        "so:, loai:, nam:, tieude:, coquan:. Trống là mọi văn bản, mới nhất "
                        "trước.",
         "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH}},
        *facets,
        {"name": "year_from", "in": "query", "required": False,
         "description": "Từ năm (gồm cả năm này).", "schema": year},
        {"name": "year_to", "in": "query", "required": False,
         "description": "Đến năm (gồm cả năm này), không trước year_from.", "schema": year},
        {"name": "sort", "in": "query", "required": False,
         "description": "Thứ tự: relevance (mặc định khi có q), newest (mặc định khi không "
                        "có q), oldest.",
         "schema": _or_empty({"type": "string", "enum": list(SORTS)})},
        {"name": "page", "in": "query", "required": False, "description": "Trang, từ 1.",
         "schema": _or_empty({"type": "integer", "minimum": 1, "maximum": max_page})},
        {"name": "per_page", "in": "query", "required": False,
         "description": "Số kết quả mỗi trang (mặc định 10).",
         "schema": _or_empty({"type": "integer", "minimum": 1, "maximum": max_per_page})},
    ]


def _operation(operation_id: str, tag: str, summary: str, text: str,
               parameters: list[dict[str, Any]], answer: dict[str, Any],
               errors: tuple[int, ...], cached: bool = True) -> dict[str, Any]:
    """Return one operation; its errors are those named, a refused token's, a too long
    URL's, no index's and, for the views the public's rate limit counts, 429."""
    responses: dict[str, Any] = {"200": answer}
    if cached:
        responses["304"] = {"description": "Không đổi so với If-None-Match."}
    as_json = {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}}
    # Outside /api/ (feeds, sitemap) an error is the site's Vietnamese error page; a
    # refused token is JSON everywhere.
    as_page = {"text/html": {"schema": {"type": "string"}}}
    limited = {429} if operation_id in _RATE_LIMITED else set()
    for status in sorted({*errors, *limited, 401, 414, 503}):
        content = as_page if operation_id in _PAGES and status != 401 else as_json
        responses[str(status)] = {"description": _ERRORS[status], "content": content}
    return {"operationId": operation_id, "tags": [tag], "summary": summary,
            "description": text, "parameters": parameters, "responses": responses}


def _json_answer(schema: str) -> dict[str, Any]:
    return {"description": "Thành công.",
            "content": {JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _xml_answer(media_type: str, text: str) -> dict[str, Any]:
    return {"description": text, "content": {media_type: {"schema": {"type": "string"}}}}


def _nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def _schemas() -> dict[str, Any]:
    doc_type = {"type": "string", "enum": list(DOC_TYPES)}
    relation_type = {"type": "string", "enum": list(RELATION_TYPES)}
    date = {"type": "string", "pattern": "^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"}
    brief = {
        "type": "object",
        "required": ["id", "title", "doc_type", "number", "issued", "year", "url",
                     "visibility"],
        "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                       "doc_type": doc_type, "number": {"type": "string"}, "issued": date,
                       "year": _nullable("integer"), "url": {"type": "string"},
                       "visibility": {"type": "string", "enum": list(VISIBILITIES)}},
        "additionalProperties": False,
    }
    record_properties = {
        "id": {"type": "string"}, "title": {"type": "string"}, "body": {"type": "string"},
        "doc_type": doc_type, "number": {"type": "string"}, "issued": date,
        "year": _nullable("integer"), "issuer": {"type": "string"},
        "author": {"type": "string"},
        "refs": {"type": "array", "items": {"type": "string"}},
        "url": {"type": "string"},
        "visibility": {"type": "string", "enum": list(VISIBILITIES)},
        "category": {"type": "string"}, "updater": {"type": "string"},
        "relations": {"type": "array", "items": {"$ref": "#/components/schemas/Relation"}},
    }
    facet_value = {
        "type": "object", "required": ["value", "count"],
        "properties": {"value": {"type": ["string", "integer"]},
                       "label": {"type": "string"},
                       "count": {"type": "integer", "minimum": 0}},
        "additionalProperties": False,
    }
    return {
        "Error": {"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
        "Hit": {
            "type": "object",
            "required": ["id", "title", "title_html", "snippet", "doc_type", "number",
                         "issued", "year", "url", "score", "visibility"],
            "properties": {
                "id": {"type": "string"}, "title": {"type": "string"},
                "title_html": {"type": "string", "description": "Tiêu đề đã thoát HTML, "
                               "chỉ có <mark> quanh chỗ khớp."},
                "snippet": {"type": "string", "description": "Đoạn trích đã thoát HTML, "
                            "chỉ có <mark> quanh chỗ khớp."},
                "doc_type": doc_type, "number": {"type": "string"}, "issued": date,
                "year": _nullable("integer"), "url": {"type": "string"},
                "score": {"type": "number"},
                "visibility": {"type": "string", "enum": list(VISIBILITIES)}},
            "additionalProperties": False,
        },
        "FacetValue": facet_value,
        "SearchAnswer": {
            "type": "object",
            "required": ["query", "total", "page", "per_page", "results", "facets",
                         "suggestion", "match"],
            "properties": {
                "query": {"type": "string"}, "total": {"type": "integer", "minimum": 0},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                "facets": {
                    "type": "object",
                    "required": [facet.name for facet in FACETS],
                    "properties": {facet.name: {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/FacetValue"}}
                        for facet in FACETS},
                    "additionalProperties": False},
                "suggestion": {**_nullable("string"), "description": "Câu tìm như chỉ mục "
                               "đoán là người gõ muốn (thêm dấu, sửa lỗi gõ), hoặc null."},
                "match": {"type": "string", "enum": ["all", "any", "most"],
                          "description": "all: có mọi từ; any: không văn bản nào có mọi "
                                         "từ, đây là những văn bản có một số từ; most: câu "
                                         "dài, văn bản có đủ nhiều từ."}},
            "additionalProperties": False,
        },
        "Suggestions": {
            "type": "object", "required": ["query", "suggestions"],
            "properties": {"query": {"type": "string"}, "suggestions": {
                "type": "array", "maxItems": 10, "items": {
                    "type": "object", "required": ["text", "kind"],
                    "properties": {"text": {"type": "string"},
                                   "kind": {"type": "string",
                                            "enum": ["number", "phrase", "title"]}},
                    "additionalProperties": False}}},
            "additionalProperties": False,
        },
        "Relation": {
            "type": "object", "required": ["type", "number"],
            "properties": {"type": relation_type, "number": {"type": "string"}},
            "additionalProperties": False,
        },
        "Record": {"type": "object", "required": list(record_properties),
                   "properties": record_properties, "additionalProperties": False},
        "ExportedRecord": {"type": "object", "required": [*record_properties, "score"],
                           "properties": {**record_properties, "score": {"type": "number"}},
                           "additionalProperties": False},
        "BriefDocument": brief,
        "RelationsAnswer": {
            "type": "object", "required": ["id", "cites", "cited_by", "related"],
            "properties": {
                "id": {"type": "string"},
                "cites": {"type": "array", "items": {
                    "type": "object", "required": ["type", "label", "number", "document"],
                    "properties": {
                        "type": relation_type, "label": {"type": "string"},
                        "number": {"type": "string"},
                        "document": {"oneOf": [{"$ref": "#/components/schemas/BriefDocument"},
                                               {"type": "null"}]}},
                    "additionalProperties": False}},
                "cited_by": {"type": "array", "items": {
                    "type": "object", "required": ["type", "label", "document"],
                    "properties": {"type": relation_type, "label": {"type": "string"},
                                   "document": {"$ref": "#/components/schemas/BriefDocument"}},
                    "additionalProperties": False}},
                "related": {"type": "array", "maxItems": 5,
                            "items": {"$ref": "#/components/schemas/BriefDocument"}}},
            "additionalProperties": False,
        },
        "Health": {
            "type": "object", "required": ["status", "documents", "generation", "index"],
            "properties": {"status": {"type": "string", "enum": ["ok"]},
                           "documents": {"type": "integer", "minimum": 0},
                           "generation": {"type": "integer", "minimum": 0},
                           "index": {"type": "string"}},
        },
    }
