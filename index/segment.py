"""Vietnamese word segmentation with pyvi: which runs of syllables form one word."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable


@functools.cache
def _pyvi_tokenize() -> Callable[[str], str]:
    # Loaded once per process (about a second: a CRF model). pyvi's source
    # has invalid escape sequences that warn when first compiled.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        from pyvi import ViTokenizer
    tokenize: Callable[[str], str] = ViTokenizer.tokenize
    return tokenize


def compound_spans(syllables: list[str]) -> list[tuple[int, int]]:
    """Return (first syllable, syllable count) of each multi-syllable word.

    Syllables must be single words without spaces or punctuation, in their
    original case (pyvi segments "châu Âu" and "châu âu" differently) and
    with canonical tone placement. A run pyvi cannot align gets no words.
    """
    if len(syllables) < 2:
        return []
    segmented = _pyvi_tokenize()(" ".join(syllables)).split()
    spans: list[tuple[int, int]] = []
    index = 0
    for word in segmented:
        parts = word.split("_")
        if syllables[index:index + len(parts)] != parts:
            return []
        if len(parts) > 1:
            spans.append((index, len(parts)))
        index += len(parts)
    return spans if index == len(syllables) else []
