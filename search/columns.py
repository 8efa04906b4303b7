"""The per-document values that filters, facets and sorting need, as numpy arrays."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.derived import SegmentArrays


@dataclass(frozen=True)
class Columns:
    """Year, document type, issue date and visibility of every document, by docnum."""

    years: np.ndarray  # int32; 0 where unknown
    doc_types: np.ndarray  # int32 codes into type_names
    type_names: tuple[str, ...]
    issued: np.ndarray  # int32 rank of the issue date; -1 where undated
    public: np.ndarray  # bool
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

        # Each segment codes types and dates by its own sorted names: recode
        # them by the names of the whole generation.
        type_names = sorted({name for segment in segments for name in segment.type_names})
        issued_names = sorted({name for segment in segments for name in segment.issued_names})
        doc_types = [np.searchsorted(type_names, segment.type_names).astype(np.int32)
                     [segment.column("doc_type")] if segment.doc_count else
                     np.zeros(0, np.int32) for segment in segments]
        issued = [np.searchsorted(issued_names, segment.issued_names).astype(np.int32)
                  [segment.column("issued")] if segment.doc_count else
                  np.zeros(0, np.int32) for segment in segments]
        issued_ranks = np.concatenate(issued) if issued else np.zeros(0, np.int32)
        if issued_names and issued_names[0] == "":
            issued_ranks = issued_ranks - 1  # "" sorts first: undated is -1, dated from 0
            issued_names = issued_names[1:]
        return cls(
            years=joined("year", np.int32),
            doc_types=np.concatenate(doc_types) if doc_types else np.zeros(0, np.int32),
            type_names=tuple(type_names),
            issued=issued_ranks.astype(np.int32),
            public=joined("public", bool),
            issued_names=tuple(issued_names),
        )

    def type_codes(self, names: tuple[str, ...]) -> np.ndarray:
        """Return the codes of the document types named (unknown names have none)."""
        return np.asarray([self.type_names.index(name) for name in names
                           if name in self.type_names], dtype=np.int32)

    def count_years(self, docs: np.ndarray) -> Counter[int]:
        """Count the documents of each year."""
        values, counts = np.unique(self.years[docs], return_counts=True)
        return Counter({int(value): int(count) for value, count in zip(values, counts,
                                                                       strict=True)})

    def count_types(self, docs: np.ndarray) -> Counter[str]:
        """Count the documents of each document type."""
        counts = np.bincount(self.doc_types[docs], minlength=len(self.type_names))
        return Counter({self.type_names[code]: int(count)
                        for code, count in enumerate(counts) if count})
