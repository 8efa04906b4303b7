"""Errors a search request can meet, each with a stable code for the API."""

from __future__ import annotations


class SearchError(Exception):
    """A search or lookup that cannot be answered as asked."""

    code = "search_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidParameter(SearchError):
    """A request parameter has a value outside what it accepts."""

    code = "invalid_parameter"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"Tham số '{parameter}' không hợp lệ: {message}")
        self.parameter = parameter


class DocumentNotFound(SearchError):
    """No document (visible to the asker) has the id."""

    code = "not_found"

    def __init__(self, doc_id: str) -> None:
        super().__init__(f"Không tìm thấy văn bản có mã '{doc_id}'.")
        self.doc_id = doc_id
