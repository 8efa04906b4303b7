"""The search request: what was asked, validated once for the web, the API and the CLI."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from index.text import to_nfc
from search.errors import InvalidParameter
from search.facets import FACETS

SORTS = ("relevance", "newest", "oldest")
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_QUERY_LENGTH = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Every facet's parameter may be given again (the values are OR-ed).
_REPEATABLE = {facet.parameter for facet in FACETS}
PARAMETERS = ("q", *(facet.parameter for facet in FACETS), "year_from", "year_to", "sort",
              "page", "per_page")


@dataclass(frozen=True)
class SearchRequest:
    """One search: query text, filters, order and page."""

    query: str = ""
    types: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    issuers: tuple[str, ...] = ()  # slugs (names are made slugs)
    year_from: int | None = None
    year_to: int | None = None
    sort: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    include_internal: bool = False

    def __post_init__(self) -> None:
        # Counted as sent (as the API's description says), before anything is removed.
        if len(self.query) > MAX_QUERY_LENGTH:
            raise InvalidParameter("q", f"dài quá {MAX_QUERY_LENGTH} ký tự")
        query = _CONTROL.sub(" ", to_nfc(self.query)).strip()
        object.__setattr__(self, "query", query)
        for facet in FACETS:
            values = tuple(dict.fromkeys(facet.parsed(str(value))
                                         for value in getattr(self, facet.field)))
            object.__setattr__(self, facet.field, values)
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

    def chosen(self, field: str) -> tuple[Any, ...]:
        """Return the values chosen for a facet (by its SearchRequest field)."""
        values: tuple[Any, ...] = getattr(self, field)
        return values

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
        chosen = {facet.field: tuple(facet.parsed(value) for value in values[facet.parameter])
                  for facet in FACETS}
        request = cls(
            query=values["q"][0] if values["q"] else "",
            **chosen,
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
