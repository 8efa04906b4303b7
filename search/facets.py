"""Facets: the values of a column counted over the matches, in the order users see."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from index.doctypes import label as doc_type_label
from search.result import FacetValue


@dataclass(frozen=True)
class Facet:
    """A facet over one column: its name, the label users see, and how many values to show."""

    name: str
    label: str
    size: int
    order: str  # "value_desc" (years, newest first) or "count_desc"
    labeler: Callable[[str], str] | None = None

    def values(self, counted: Mapping[Any, int], selected: Iterable[str | int]
               ) -> list[FacetValue]:
        """Return the facet values with their counts, selected values always included."""
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
                       label=self.labeler(str(value)) if self.labeler else "",
                       selected=value in chosen)
            for value, count in kept
        ]


YEAR = Facet(name="year", label="Năm", size=30, order="value_desc")
DOC_TYPE = Facet(name="doc_type", label="Loại văn bản", size=30, order="count_desc",
                 labeler=doc_type_label)
