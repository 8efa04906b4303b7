"""The search request: what was asked, validated once for the web, the API and the CLI."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from index.doctypes import DOC_TYPES
from index.text import to_nfc
from search.errors import InvalidParameter

SORTS = ("relevance", "newest", "oldest")
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_QUERY_LENGTH = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REPEATABLE = {"type", "year"}
PARAMETERS = ("q", "type", "year", "year_from", "year_to", "sort", "page", "per_page")


@dataclass(frozen=True)
class SearchRequest:
    """One search: query text, filters, order and page."""

    query: str = ""
    types: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    sort: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    include_internal: bool = False

    def __post_init__(self) -> None:
        query = _CONTROL.sub(" ", to_nfc(self.query)).strip()
        object.__setattr__(self, "query", query)
        if len(query) > MAX_QUERY_LENGTH:
            raise InvalidParameter("q", f"dài quá {MAX_QUERY_LENGTH} ký tự")
        for doc_type in self.types:
            if doc_type not in DOC_TYPES:
                raise InvalidParameter("type", f"không có loại văn bản '{doc_type}'")
        if self.sort and self.sort not in SORTS:
            raise InvalidParameter("sort", f"chỉ nhận {', '.join(SORTS)}")
        if not self.sort:
            object.__setattr__(self, "sort", "relevance" if query else "newest")
        if not 1 <= self.page <= MAX_PAGE:
            raise InvalidParameter("page", f"phải từ 1 đến {MAX_PAGE}")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InvalidParameter("per_page", f"phải từ 1 đến {MAX_PER_PAGE}")
        if (self.year_from is not None and self.year_to is not None
                and self.year_from > self.year_to):
            raise InvalidParameter("year_from", "năm bắt đầu lớn hơn năm kết thúc (year_to)")

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]], *,
                    include_internal: bool = False, max_per_page: int = MAX_PER_PAGE,
                    max_page: int = MAX_PAGE) -> SearchRequest:
        """Build a request from query-string parameters (each name to its list of values);
        a server may bound per_page and page more tightly than the search does."""
        values: dict[str, list[str]] = {}
        for name in PARAMETERS:
            given = [value.strip() for value in params.get(name, ()) if value.strip()]
            if len(given) > 1 and name not in _REPEATABLE:
                raise InvalidParameter(name, "chỉ được cho một lần")
            values[name] = given
        request = cls(
            query=values["q"][0] if values["q"] else "",
            types=tuple(dict.fromkeys(values["type"])),
            years=tuple(dict.fromkeys(_year(value, "year") for value in values["year"])),
            year_from=_optional(values["year_from"], "year_from", _year),
            year_to=_optional(values["year_to"], "year_to", _year),
            sort=values["sort"][0] if values["sort"] else "",
            page=_integer(values["page"][0], "page") if values["page"] else 1,
            per_page=(_integer(values["per_page"][0], "per_page") if values["per_page"]
                      else DEFAULT_PER_PAGE),
            include_internal=include_internal,
        )
        if request.per_page > max_per_page:
            raise InvalidParameter("per_page", f"phải từ 1 đến {max_per_page}")
        if request.page > max_page:
            raise InvalidParameter("page", f"phải từ 1 đến {max_page}")
        return request


def _integer(value: str, name: str) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise InvalidParameter(name, f"'{value}' không phải số nguyên dương")
    return int(value)


def _year(value: str, name: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", value):
        raise InvalidParameter(name, f"'{value}' không phải năm có bốn chữ số")
    return int(value)


def _optional(values: list[str], name: str, parse: Callable[[str, str], int]) -> int | None:
    return parse(values[0], name) if values else None
