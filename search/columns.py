"""The per-document values that filters, facets and sorting need, as numpy arrays."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Columns:
    """Year, document type, issue date and visibility of every document, by docnum."""

    years: np.ndarray  # int32; 0 where unknown
    doc_types: np.ndarray  # int32 codes into type_names
    type_names: tuple[str, ...]
    issued: np.ndarray  # int32 rank of the issue date; -1 where undated
    public: np.ndarray  # bool

    @classmethod
    def read(cls, reader: Any) -> Columns:
        """Read the columns of every document once per index generation."""
        def column(name: str) -> list[Any]:
            # Segment by segment: Whoosh's multi-segment column reader skips
            # segments where no document had a value, shifting every docnum after.
            values: list[Any] = []
            for leaf, offset in reader.leaf_readers():
                assert offset == len(values)
                values += list(leaf.column_reader(name))
            return values

        years = np.asarray(column("year"), dtype=np.int64)
        # A missing year reads as 0, or as -2**31 from a segment with no year
        # at all (Whoosh translates the column's raw default).
        years[(years < 1000) | (years > 9999)] = 0
        type_names, type_codes = np.unique(np.asarray(column("doc_type"), dtype=object),
                                           return_inverse=True)
        issued_names, issued_codes = np.unique(np.asarray(column("issued"), dtype=object),
                                               return_inverse=True)
        issued = issued_codes.astype(np.int32)
        if len(issued_names) and issued_names[0] == "":
            issued -= 1  # "" sorts first: undated becomes -1, the dated ranks from 0
        visibility = np.asarray(column("visibility"), dtype=object)
        return cls(
            years=years.astype(np.int32),
            doc_types=type_codes.astype(np.int32),
            type_names=tuple(str(name) for name in type_names),
            issued=issued,
            public=visibility == "public",
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
