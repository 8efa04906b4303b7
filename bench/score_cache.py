"""The search function's latency by the size of the per-process cache of BM25 scores.

Run: .venv/bin/python bench/score_cache.py --index DIR [--sizes 64 128 256] [--rounds 3]
     [--repeat 5] [--queries bench/queries_news.txt]

Scores are computed per index generation as queries first need a term
(search.postings), and kept in a cache bounded by bytes. For each size, in
turn and for several rounds (so that the machine's noise falls on every
size alike), a fresh SearchIndex answers every query once to warm up, then
--repeat times timed. Prints p50/p95 per size and round, their means, the
ratio of each size's means to the first size's, and how full the cache got.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import news_rss  # noqa: E402

import search.postings as postings  # noqa: E402
from search import SearchIndex, SearchRequest  # noqa: E402


def requests(path: Path) -> list[SearchRequest]:
    """Return the bench queries as search requests."""
    found = []
    for query in news_rss.load_queries(path):
        params: dict[str, list[str]] = {}
        for name, value in query.params():
            params.setdefault(name, []).append(value)
        found.append(SearchRequest.from_params(params))
    return found


def timed(index_dir: Path, asked: list[SearchRequest], repeat: int) -> tuple[float, float, int]:
    """Return p50 and p95 (ms) of the requests on a fresh index, and the cache's bytes."""
    index = SearchIndex(index_dir)
    try:
        for request in asked:
            index.search(request)
        times = []
        for _ in range(repeat):
            for request in asked:
                start = time.perf_counter()
                index.search(request)
                times.append((time.perf_counter() - start) * 1000)
        return (news_rss.percentile(times, 0.5), news_rss.percentile(times, 0.95),
                index.snapshot().cached_bytes())
    finally:
        index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[64, 128, 256],
                        help="cache sizes in MiB; ratios are against the first")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--queries", type=Path,
                        default=Path(__file__).resolve().parent / "queries_news.txt")
    args = parser.parse_args()
    asked = requests(args.queries)
    results: dict[int, list[tuple[float, float, int]]] = {size: [] for size in args.sizes}
    print(f"{len(asked)} queries, load average {os.getloadavg()[0]:.2f} at the start")
    for round_number in range(args.rounds):
        for size in args.sizes:
            postings.SCORE_CACHE_BYTES = size * 2**20
            results[size].append(timed(args.index, asked, args.repeat))
            p50, p95, cached = results[size][-1]
            print(f"round {round_number + 1}, {size} MiB: p50 {p50:.2f} / p95 {p95:.2f} ms, "
                  f"cache {cached / 2**20:.0f} MiB", flush=True)
    first = args.sizes[0]
    means = {size: (statistics.mean(r[0] for r in runs), statistics.mean(r[1] for r in runs))
             for size, runs in results.items()}
    print(f"\n| cache | p50 ms | p95 ms | vs {first} MiB |\n|---:|---:|---:|---|")
    for size, (p50, p95) in means.items():
        print(f"| {size} MiB | {p50:.2f} | {p95:.2f} | "
              f"{p50 / means[first][0]:.2f}x, {p95 / means[first][1]:.2f}x |")
    print(f"\nload average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
