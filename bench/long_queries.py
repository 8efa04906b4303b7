"""Latency of 2,000-character queries (pasted passages) beside the bench's ordinary ones.

Run: .venv/bin/python bench/long_queries.py --index DIR [--source FILE] [--count 40]
     [--repeat 2]

Passages of up to 2,000 characters are cut from the bodies of the records in
--source (news-rss by default), at word boundaries. Both sets run through the
search function once to warm up, then --repeat times timed, interleaved
query by query: the passages and bench/queries_news.txt. Prints p50/p95 of
each and the passages' ratio to the ordinary queries.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import news_rss  # noqa: E402
import score_cache  # noqa: E402

from search import SearchIndex, SearchRequest  # noqa: E402
from search.request import MAX_QUERY_LENGTH  # noqa: E402


def passages(source: Path, count: int) -> list[str]:
    """Return count passages of at most MAX_QUERY_LENGTH characters from the records."""
    found: list[str] = []
    words: list[str] = []
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            words += (record.get("body") or record.get("title") or "").split()
            text = " ".join(words)
            if len(text) > MAX_QUERY_LENGTH:
                found.append(text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0])
                words = []
                if len(found) == count:
                    break
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--source", type=Path, default=news_rss.DEFAULT_SOURCE)
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    long = [SearchRequest(query=text) for text in passages(args.source, args.count)]
    ordinary = score_cache.requests(news_rss.DEFAULT_QUERIES)
    index = SearchIndex(args.index)
    try:
        for request in [*long, *ordinary]:
            index.search(request)
        times: dict[str, list[float]] = {"2,000-character passages": [], "bench queries": []}
        for _ in range(args.repeat):
            for number in range(max(len(long), len(ordinary))):
                for name, asked in (("2,000-character passages", long),
                                    ("bench queries", ordinary)):
                    if number < len(asked):
                        start = time.perf_counter()
                        index.search(asked[number])
                        times[name].append((time.perf_counter() - start) * 1000)
    finally:
        index.close()
    base = times["bench queries"]
    print(f"{'queries':<28}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p50 ratio':>11}{'p95 ratio':>11}")
    for name, measured in times.items():
        p50, p95 = news_rss.percentile(measured, 0.5), news_rss.percentile(measured, 0.95)
        print(f"{name:<28}{len(measured):>6}{p50:>9.2f}{p95:>9.2f}"
              f"{p50 / news_rss.percentile(base, 0.5):>11.2f}"
              f"{p95 / news_rss.percentile(base, 0.95):>11.2f}")


if __name__ == "__main__":
    main()
