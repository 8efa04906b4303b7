"""One error type for the web, and one handler: JSON for the API, a page for browsers."""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from index.faults import IndexFault, IndexMissing
from search import DocumentNotFound, InvalidParameter, SearchError
from web.accounts import AccountsUnavailable

log = logging.getLogger(__name__)

# The default bound on the path and query string the app reads, in bytes as
# sent (setting MAX_URL_BYTES). gunicorn reads a request line of any length
# (its only bounded settings stop at 8190 bytes), so the bound is here: a
# 2,000-character Vietnamese query is up to 18 KB percent-encoded, and even a
# 5,000-character one still gets the search's own 400 rather than this 414.
MAX_URL_BYTES = 64 * 1024
# Seconds a client is asked to wait while no index can be served (a rebuild
# under way, or a damaged index being rebuilt).
RETRY_AFTER = "30"

_HTTP_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    401: ("unauthorized", "Cần đăng nhập."),
    403: ("forbidden", "Yêu cầu bị từ chối."),
    404: ("not_found", "Không tìm thấy trang này."),
    405: ("method_not_allowed", "Phương thức này không được hỗ trợ."),
    413: ("request_too_large", "Nội dung gửi lên quá lớn."),
    414: ("uri_too_long", "Địa chỉ yêu cầu quá dài."),
    417: ("expectation_failed", "Không đáp ứng được tiêu đề Expect của yêu cầu."),
    429: ("too_many_requests", "Quá nhiều yêu cầu trong thời gian ngắn. Vui lòng thử lại "
          "sau ít phút."),
    431: ("headers_too_large", "Phần tiêu đề (header) của yêu cầu quá lớn hoặc quá nhiều."),
    501: ("not_implemented", "Máy chủ không hỗ trợ cách gửi yêu cầu này."),
}


class WebError(Exception):
    """An answer other than 200, with a stable code and a Vietnamese message."""

    def __init__(self, status: int, code: str, message: str,
                 headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or []

    @classmethod
    def for_status(cls, status: int) -> WebError:
        """Return the error for a bare HTTP status, with its Vietnamese message."""
        if status in _HTTP_MESSAGES:
            return cls(status, *_HTTP_MESSAGES[status])
        if status < 500:
            return cls(status, "bad_request", "Yêu cầu không hợp lệ.")
        return cls(status, "server_error", "Lỗi máy chủ. Vui lòng thử lại sau.")

    @classmethod
    def from_exception(cls, error: Exception) -> WebError:
        """Return the web error that answers any exception raised by a view."""
        if isinstance(error, WebError):
            return error
        if isinstance(error, InvalidParameter):
            return cls(400, error.code, error.message)
        if isinstance(error, DocumentNotFound):
            return cls(404, error.code, error.message)
        if isinstance(error, SearchError):
            return cls(400, error.code, error.message)
        if isinstance(error, IndexMissing):
            return cls(503, "index_missing", "Chỉ mục tìm kiếm chưa được xây dựng. "
                       "Vui lòng thử lại sau ít phút.", [("Retry-After", RETRY_AFTER)])
        if isinstance(error, IndexFault):
            log.error("index not served: %s", error)
            return cls(503, "index_unavailable", "Chỉ mục tìm kiếm tạm thời không phục vụ "
                       "được. Vui lòng thử lại sau ít phút.", [("Retry-After", RETRY_AFTER)])
        if isinstance(error, AccountsUnavailable):
            log.error("%s", error)
            return cls(503, "accounts_unavailable", "Tạm thời không kiểm tra được tài khoản "
                       "và mã truy cập. Vui lòng thử lại sau ít phút.",
                       [("Retry-After", RETRY_AFTER)])
        if isinstance(error, CSRFError):
            return cls(400, "csrf_failed", "Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ. "
                       "Hãy tải lại trang rồi gửi lại.")
        if isinstance(error, HTTPException):
            web_error = cls.for_status(error.code or 500)
            if isinstance(error, MethodNotAllowed) and error.valid_methods:
                usable = [method for method in error.valid_methods
                          if method not in ("HEAD", "OPTIONS")] or error.valid_methods
                web_error.message = (f"Phương thức {request.method} không được hỗ trợ ở địa "
                                     f"chỉ này; hãy dùng {', '.join(usable)}.")
            # werkzeug's own headers (Allow on a 405) belong to the answer; its
            # Content-Type does not: the body is ours.
            web_error.headers = [(name, value) for name, value in error.get_headers()
                                 if name.lower() != "content-type"]
            return web_error
        log.exception("unhandled error", exc_info=error)
        return cls(500, "server_error", "Lỗi máy chủ. Vui lòng thử lại sau.")

    def body(self) -> dict[str, dict[str, str]]:
        """Return the JSON body every API error has."""
        return {"error": {"code": self.code, "message": self.message}}


def raw_json_answer(status: int) -> bytes:
    """Return a whole HTTP/1.1 answer for a request the server could not parse."""
    body = json.dumps(WebError.for_status(status).body(), ensure_ascii=False,
                      separators=(",", ":")).encode()
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Error"
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


def wants_json() -> bool:
    """Tell whether the request is for the API (or healthz), which answers JSON."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def _url_bytes() -> int:
    """Return the length of the request's path and query string as sent (percent-encoded)."""
    raw_uri = request.environ.get("RAW_URI")
    if raw_uri is not None:
        return len(raw_uri)
    return len(request.environ.get("PATH_INFO", "")) + len(request.query_string) + 1


def register(app: Flask) -> None:
    """Install the handler for every exception, and the bound on the URL's length."""

    @app.before_request
    def bound_url() -> None:
        """Refuse a URL longer than the app reads, before any view parses it."""
        bound = int(app.config["MAX_URL_BYTES"])
        if _url_bytes() > bound:
            raise WebError(414, "uri_too_long", f"Địa chỉ yêu cầu quá dài (tối đa "
                           f"{bound:,} byte).".replace(",", "."))

    @app.errorhandler(Exception)
    def handle(error: Exception) -> ResponseReturnValue:
        return answer(WebError.from_exception(error))


def answer(web_error: WebError) -> ResponseReturnValue:
    """Answer an error: its JSON body to the API, its page to a browser."""
    if wants_json():
        return jsonify(web_error.body()), web_error.status, web_error.headers
    return (render_template("error.html", error=web_error), web_error.status,
            web_error.headers)
