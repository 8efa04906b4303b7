"""A Whoosh text field that also takes text analysed ahead of time (in another process).

Analysis (tokenising, folding, canonical tones) is most of the cost of
indexing and Whoosh does it inside the single writer. Analysing in worker
processes and handing the writer the finished postings spreads it over
every core. The class lives here for good: Whoosh pickles it into indexes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from whoosh.fields import TEXT


@dataclass(frozen=True)
class Analyzed:
    """A field value already turned into postings: (term bytes, frequency, weight, value)."""

    postings: tuple[tuple[bytes, int, float, bytes], ...]


class AnalyzedText(TEXT):
    """TEXT that indexes an Analyzed value as it is, and text as usual."""

    def index(self, value: Any, **kwargs: Any) -> Iterator[tuple[bytes, int, float, bytes]]:
        if isinstance(value, Analyzed):
            return iter(value.postings)
        return iter(super().index(value, **kwargs))

    def analyzed(self, text: str) -> Analyzed:
        """Return the postings of text for this field, to be indexed later."""
        return Analyzed(tuple(super().index(text)))
