"""The facets, as one registry: each is declared once, and the engine, the API, the page
and the command line iterate FACETS.

A facet counts the values of one column over the matches (the matches that
pass the other facets' filters, so that a user who picked 2016 still sees what
2015 would add), and filters by the values a request chose for it.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from index.doctypes import DOC_TYPES
from index.doctypes import label as doc_type_label
from index.issuers import canonical_issuer
from index.text import fold_accents
from search.errors import InvalidParameter
from search.result import FacetValue


@dataclass(frozen=True)
class Facet:
    """One facet: where its values live, how users name and see them, how many show."""

    name: str  # its key in an answer's facets
    parameter: str  # the query-string parameter (repeatable) and CLI option that filter by it
    field: str  # the SearchRequest attribute holding the values chosen
    column: str  # the column of search.columns.Columns it counts and filters
    label: str  # its heading, in Vietnamese
    size: int  # values shown (the chosen ones always are)
    order: str  # "value_desc" (years, newest first) or "count_desc"
    parse: Callable[[str], Any]  # a parameter's text to a value; ValueError names what is wrong
    labeler: Callable[[str], str] | None = None  # a value's label, where it has one
    help: str = ""  # for the command line
    # The JSON Schema of one value of its parameter (for the API's OpenAPI description).
    schema: Mapping[str, Any] = dataclasses.field(default_factory=lambda: {"type": "string"})

    def parsed(self, text: str) -> Any:
        """Return the value a parameter's text names, or raise InvalidParameter."""
        try:
            return self.parse(text)
        except ValueError as error:
            raise InvalidParameter(self.parameter, str(error)) from None

    def values(self, counted: Mapping[Any, int], selected: Iterable[str | int],
               label_of: Callable[[Any], str] | None = None) -> list[FacetValue]:
        """Return the facet values with their counts, selected values always included;
        labels from the facet's labeler, else from label_of (the index's own names)."""
        counts = Counter({value: count for value, count in counted.items()
                          if value not in ("", 0, None)})
        chosen = set(selected)
        for value in chosen:
            counts.setdefault(value, 0)
        if self.order == "value_desc":
            ordered = sorted(counts.items(), key=lambda item: item[0], reverse=True)
        else:
            ordered = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        kept = ordered[: self.size]
        kept += [item for item in ordered[self.size:] if item[0] in chosen]
        return [
            FacetValue(value=value, count=count,
                       label=(self.labeler(str(value)) if self.labeler
                              else label_of(value) if label_of else ""),
                       selected=value in chosen)
            for value, count in kept
        ]


def _year(text: str) -> int:
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        raise ValueError(f"'{text}' không phải năm có bốn chữ số")
    return int(text)


def _doc_type(text: str) -> str:
    if text not in DOC_TYPES:
        raise ValueError(f"không có loại văn bản '{text}'")
    return text


def issuer_slug(name: str) -> str:
    """Return the value that names an issuer in URLs: its words without accents, joined
    by hyphens ("Chi bộ Liên hiệp hội" -> "chi-bo-lien-hiep-hoi")."""
    words = "".join(ch if ch.isalnum() else " " for ch in fold_accents(name).lower()).split()
    return "-".join(words)


def _issuer(text: str) -> str:
    slug = issuer_slug(canonical_issuer(text))
    if not slug:
        raise ValueError(f"'{text}' không phải tên cơ quan ban hành")
    return slug


YEAR = Facet(name="year", parameter="year", field="years", column="year", label="Năm",
             size=30, order="value_desc", parse=_year, help="Only this year (repeatable).",
             schema={"type": "string", "pattern": "^[0-9]{4}$", "examples": ["2016"]})
DOC_TYPE = Facet(name="doc_type", parameter="type", field="types", column="doc_type",
                 label="Loại văn bản", size=30, order="count_desc", parse=_doc_type,
                 labeler=doc_type_label, help="Only this document type (repeatable).",
                 schema={"type": "string", "enum": list(DOC_TYPES)})
ISSUER = Facet(name="issuer", parameter="issuer", field="issuers", column="issuer",
               label="Cơ quan ban hành", size=20, order="count_desc", parse=_issuer,
               help="Only this issuer: its name, an alias or code (CB), or its slug "
                    "(repeatable).")
# In the order the page shows them (an answer's facets keep this order too).
FACETS = (DOC_TYPE, YEAR, ISSUER)
