"""One error type for the web, and one handler: JSON for the API, a page for browsers."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from index.store import IndexMissing
from search import DocumentNotFound, InvalidParameter, SearchError

log = logging.getLogger(__name__)

_HTTP_MESSAGES = {
    404: ("not_found", "Không tìm thấy trang này."),
    405: ("method_not_allowed", "Phương thức này không được hỗ trợ."),
}


class WebError(Exception):
    """An answer other than 200, with a stable code and a Vietnamese message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

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
            return cls(503, "index_missing", "Chỉ mục tìm kiếm chưa được xây dựng.")
        if isinstance(error, HTTPException):
            status = error.code or 500
            code, message = _HTTP_MESSAGES.get(
                status, ("bad_request" if status < 500 else "server_error",
                         "Yêu cầu không hợp lệ." if status < 500 else "Lỗi máy chủ."))
            return cls(status, code, message)
        log.exception("unhandled error", exc_info=error)
        return cls(500, "server_error", "Lỗi máy chủ. Vui lòng thử lại sau.")


def wants_json() -> bool:
    """Tell whether the request is for the API (or healthz), which answers JSON."""
    return request.path.startswith("/api/") or request.path == "/healthz"


def register(app: Flask) -> None:
    """Install the handler for every exception."""

    @app.errorhandler(Exception)
    def handle(error: Exception) -> ResponseReturnValue:
        web_error = WebError.from_exception(error)
        if wants_json():
            body = {"error": {"code": web_error.code, "message": web_error.message}}
            return jsonify(body), web_error.status
        return render_template("error.html", error=web_error), web_error.status
