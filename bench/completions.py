"""How fast completions come, and how often they hold what was being typed.

Run: .venv/bin/python bench/completions.py --index FOLDER [--count 500] [--seed 1]
     [--source PATH ...]

Takes the phrases of bench/typing_variants.py (2-5 syllables from real
titles) and cuts each inside its last word, as someone still typing it:
once as written and once without accents ("nghị quy", "nghi quy"). Asks the
index's completions (what the public may see) for each, and for the
beginnings of the index's own document numbers. Prints the time per request
(p50, p95, max) and the share of cut phrases whose completions hold the
phrase itself (accents as written), with accents typed and without.
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import typing_variants  # noqa: E402
from suggestions import phrase_arguments, same  # noqa: E402

from search.engine import SearchIndex  # noqa: E402


def cut(phrase: str, rng: random.Random) -> str:
    """Return the phrase cut inside its last word (at least one letter of it kept)."""
    words = phrase.split()
    last = words[-1]
    keep = rng.randint(1, max(1, len(last) - 1))
    return " ".join([*words[:-1], last[:keep]])


def main(argv: Sequence[str] | None = None) -> int:
    args = phrase_arguments(__doc__ or "").parse_args(argv)
    rng = random.Random(args.seed)
    phrases = typing_variants.sample_phrases(args.source, args.count, rng)
    index = SearchIndex(args.index)
    started = time.perf_counter()
    documents = index.stats()["documents"]
    index.complete("kh")
    print(f"index: {documents} public documents, opened in "
          f"{time.perf_counter() - started:.1f} s")
    times: list[float] = []
    held = {"as written": 0, "without accents": 0}
    for phrase in phrases:
        typed = cut(phrase, rng)
        for form, text in (("as written", typed),
                           ("without accents", typing_variants.strip_accents(typed))):
            began = time.perf_counter()
            completions = index.complete(text)
            times.append(time.perf_counter() - began)
            held[form] += any(same(completion.text, phrase) for completion in completions)
    for text in ("1", "22", "05-", "30/", "12/20", "01/QĐ", "QĐ"):
        began = time.perf_counter()
        index.complete(text)
        times.append(time.perf_counter() - began)
    ms = np.array(times) * 1000
    print(f"time per completion over {len(ms)}: p50 {np.percentile(ms, 50):.2f} ms, "
          f"p95 {np.percentile(ms, 95):.2f} ms, max {ms.max():.2f} ms")
    for form, count in held.items():
        print(f"the phrase among the completions, typed {form}: {count}/{len(phrases)} "
              f"{count / len(phrases):.1%}")
    index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
