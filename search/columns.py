"""The per-document values that filters, facets and sorting need, as numpy arrays."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.derived import SegmentArrays
from search.facets import issuer_slug


@dataclass(frozen=True)
class Coded:
    """A facet's column: each document's code, and the value and label each code stands
    for (the value as a facet answers it: a year, a type slug, an issuer slug)."""

    codes: np.ndarray  # int32 by docnum
    values: tuple[Any, ...]
    labels: tuple[str, ...]

    def count(self, docs: np.ndarray) -> Counter[Any]:
        """Count the documents of each value."""
        counts = np.bincount(self.codes[docs], minlength=len(self.values))
        return Counter({self.values[code]: int(count)
                        for code, count in enumerate(counts.tolist()) if count})

    def within(self, docs: np.ndarray, chosen: Iterable[Any]) -> np.ndarray:
        """Return which documents have one of the chosen values (all, if none is)."""
        wanted = set(chosen)
        if not wanted:
            return np.ones(len(docs), dtype=bool)
        codes = [code for code, value in enumerate(self.values) if value in wanted]
        return np.isin(self.codes[docs], np.asarray(codes, dtype=np.int32))

    def label_of(self, value: Any) -> str:
        """Return a value's label ("" if it has none here)."""
        try:
            return self.labels[self.values.index(value)]
        except ValueError:
            return ""


@dataclass(frozen=True)
class Columns:
    """Year, document type, issuer, issue date and visibility of every document, by
    docnum."""

    years: np.ndarray  # int32; 0 where unknown
    issued: np.ndarray  # int32 rank of the issue date; -1 where undated
    public: np.ndarray  # bool
    facets: dict[str, Coded]  # by search.facets' column names
    issued_names: tuple[str, ...] = ()  # the dates (YYYY-MM-DD) by rank

    def issued_on(self, dates: tuple[str, ...]) -> np.ndarray:
        """Return which documents were issued on one of the dates (bool by docnum)."""
        ranks = [self.issued_names.index(date) for date in dates if date in self.issued_names]
        return np.isin(self.issued, np.asarray(ranks, dtype=np.int32))

    @classmethod
    def of(cls, segments: list[SegmentArrays]) -> Columns:
        """Join the segments' columns, once per index generation."""
        def joined(name: str, dtype: Any) -> np.ndarray:
            parts = [segment.column(name) for segment in segments]
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

        years = joined("year", np.int32)
        distinct_years = np.unique(years)
        year_column = Coded(np.searchsorted(distinct_years, years).astype(np.int32),
                            tuple(int(year) for year in distinct_years),
                            ("",) * len(distinct_years))
        # Each segment codes its columns by its own sorted names: recode them by the
        # values of the whole generation.
        type_codes, type_names = _recoded(segments, "doc_type", str)
        issuer_codes, issuer_names = _recoded(segments, "issuer", issuer_slug)
        issued_codes, issued_names = _recoded(segments, "issued", str)
        if issued_names and issued_names[0] == "":
            issued_codes = issued_codes - 1  # "" sorts first: undated is -1, dated from 0
            issued_names = issued_names[1:]
        return cls(
            years=years,
            issued=issued_codes.astype(np.int32),
            public=joined("public", bool),
            facets={
                "year": year_column,
                "doc_type": Coded(type_codes, tuple(type_names), ("",) * len(type_names)),
                "issuer": Coded(issuer_codes, tuple(slug for slug, _ in issuer_names),
                                tuple(name for _, name in issuer_names)),
            },
            issued_names=tuple(issued_names),
        )


def _recoded(segments: list[SegmentArrays], column: str, value_of: Callable[[str], Any]
             ) -> tuple[np.ndarray, list[Any]]:
    """Return every document's code into the generation's sorted values of a coded
    column, and those values; where a value stands for several names (issuer slugs),
    each value is (value, the first name)."""
    names = sorted({name for segment in segments for name in segment.column_names[column]})
    if value_of is str:
        values: list[Any] = names
        of_name = np.arange(len(names), dtype=np.int32)
    else:
        by_value: dict[Any, str] = {}
        for name in names:
            by_value.setdefault(value_of(name), name)
        ordered = sorted(by_value)
        code_of = {value: code for code, value in enumerate(ordered)}
        of_name = np.asarray([code_of[value_of(name)] for name in names], dtype=np.int32)
        values = [(value, by_value[value]) for value in ordered]
    codes = [of_name[np.searchsorted(names, segment.column_names[column]).astype(np.int32)]
             [segment.column(column)] if segment.doc_count else np.zeros(0, np.int32)
             for segment in segments]
    return (np.concatenate(codes).astype(np.int32) if codes else np.zeros(0, np.int32)), values
