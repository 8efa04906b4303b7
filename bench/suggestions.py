"""How often "Có phải bạn muốn tìm …" restores a mistyped phrase, and how fast.

Run: .venv/bin/python bench/suggestions.py --index FOLDER [--count 500] [--seed 1]
     [--source PATH ...] [--pyvi]

Builds the evaluation set of bench/typing_variants.py (phrases of 2-5
syllables from real titles, each typed without accents, in Telex and VNI with
the keyboard off, and with one letter wrong, missing or extra) and asks the
index's speller (what the public may see) for each. A phrase counts as
restored when the suggestion, or the query itself where there is none,
equals the phrase (case and tone placement aside); a phrase typed correctly
counts as left alone when no suggestion is made. With --pyvi, pyvi's
ViUtils.add_accents is measured on the accent-free forms as well, alone and as
the fallback where the speller makes no suggestion.

Prints one line per form (restored / total, share) and the time per
suggestion (p50, p95, max) over every query asked.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import typing_variants  # noqa: E402

from index.text import canonical_tones, to_nfc  # noqa: E402
from search.engine import SearchIndex  # noqa: E402

FORMS = ("accents", "telex", "vni", "typo", "correct")
TARGETS = {"accents": 0.90, "telex": 0.85, "vni": 0.85, "typo": 0.60, "correct": 0.98}


def same(first: str, second: str) -> bool:
    """Tell whether two phrases are the same, case and tone placement aside."""
    def normal(text: str) -> str:
        return " ".join(canonical_tones(to_nfc(text).lower()).split())
    return normal(first) == normal(second)


def phrase_arguments(description: str) -> argparse.ArgumentParser:
    """Return a parser of the index and of the phrase set's arguments (count, seed,
    sources), which bench/completions.py shares."""
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="a tracuu index folder")
    parser.add_argument("--count", type=int, default=500, help="phrases (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--source", type=Path, nargs="+",
                        default=list(typing_variants.DEFAULT_SOURCES),
                        help="JSON Lines files with titles (.jsonl or .jsonl.gz)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = phrase_arguments(__doc__ or "")
    parser.add_argument("--pyvi", action="store_true",
                        help="also measure pyvi's ViUtils.add_accents")
    parser.add_argument("--show", type=int, default=0,
                        help="print this many failures per form")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    phrases = typing_variants.sample_phrases(args.source, args.count, rng)
    rows = [typing_variants.variants(phrase, rng) for phrase in phrases]
    index = SearchIndex(args.index)
    started = time.perf_counter()
    documents = index.stats()["documents"]
    index.suggest("khởi động")  # opens the generation and its vocabulary
    print(f"index: {documents} public documents, opened in "
          f"{time.perf_counter() - started:.1f} s")
    times: list[float] = []
    restored = dict.fromkeys(FORMS, 0)
    failures: dict[str, list[str]] = {form: [] for form in FORMS}
    for row in rows:
        for form in FORMS:
            typed = row[form]
            began = time.perf_counter()
            suggestion = index.suggest(typed)
            times.append(time.perf_counter() - began)
            if form == "correct":
                right = suggestion is None
            else:
                right = same(suggestion.text if suggestion else typed, row["correct"])
            restored[form] += right
            if not right:
                failures[form].append(f"{typed!r} -> "
                                      f"{suggestion.text if suggestion else None!r} "
                                      f"(meant {row['correct']!r})")
    total = len(rows)
    for form in FORMS:
        share = restored[form] / total
        verdict = "met" if share >= TARGETS[form] else "missed"
        print(f"{form:8} {restored[form]:4}/{total} {share:6.1%}  "
              f"target {TARGETS[form]:.0%}: {verdict}")
        for line in failures[form][:args.show]:
            print("    ", line)
    ms = np.array(times) * 1000
    print(f"time per suggestion over {len(ms)}: p50 {np.percentile(ms, 50):.2f} ms, "
          f"p95 {np.percentile(ms, 95):.2f} ms, max {ms.max():.2f} ms")
    if args.pyvi:
        from pyvi import ViUtils
        alone = fallback = crashed = 0
        spent: list[float] = []
        for row in rows:
            began = time.perf_counter()
            try:
                accented = ViUtils.add_accents(row["accents"])
            except KeyError:  # pyvi's model can predict a mark its table lacks
                accented, crashed = row["accents"], crashed + 1
            spent.append(time.perf_counter() - began)
            alone += same(accented, row["correct"])
            suggestion = index.suggest(row["accents"])
            fallback += same(suggestion.text if suggestion else accented, row["correct"])
        pyvi_ms = np.array(spent) * 1000
        print(f"pyvi add_accents alone: {alone}/{total} {alone / total:.1%} "
              f"({crashed} raised KeyError; p50 {np.percentile(pyvi_ms, 50):.2f} ms, "
              f"p95 {np.percentile(pyvi_ms, 95):.2f} ms); as the fallback where no "
              f"suggestion is made: {fallback}/{total} {fallback / total:.1%}")
    index.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
