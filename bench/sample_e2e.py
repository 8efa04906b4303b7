"""Sample ingest time and query latency, beside plain Whoosh in the same run.

Run: .venv/bin/python bench/sample_e2e.py [--repeat 5] [SOURCE ...]
(defaults to samples/pages/). Prints ingest time, docs/s, and p50/p95 latency of a
full results page through tracuu's search function and over HTTP (gunicorn),
with the ratio to a baseline: Whoosh's own search(limit=10, groupedby=facets)
plus highlights, on the same index.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from whoosh import highlight, sorting

from index.store import open_index
from ingest.pipeline import ingest_paths
from search import SearchIndex, SearchRequest
from search.query import build_query

PROJECT = Path(__file__).resolve().parent.parent
QUERIES = ["nghị quyết", "nghi quyet", "kế hoạch", "ke hoach 2016", "hội thảo khoa học",
           "22-KH/CB", "05-CT/TW", "chuyển đổi số", '"tư vấn phản biện"', "đường",
           "duong", "chi bo", "đại hội", "sáng tạo kỹ thuật", "báo cáo tổng kết", ""]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_ms(action, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeat):
        for query in QUERIES:
            start = time.perf_counter()
            action(query)
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sources", nargs="*", type=Path,
                        default=[PROJECT / "samples" / "pages"])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracuu-bench-"))
    try:
        ingest_times, report = [], None
        for run in range(args.repeat):
            target = work / f"index{run}"
            start = time.perf_counter()
            report = ingest_paths(args.sources, open_index(target, create=True))
            ingest_times.append(time.perf_counter() - start)
        assert report is not None
        index_dir = work / "index0"
        seconds = statistics.median(ingest_times)
        print(f"ingest: {report.added} documents, median {seconds:.3f} s over {args.repeat} "
              f"runs, {report.added / seconds:.0f} docs/s")

        search_index = SearchIndex(index_dir)
        search_index.search(SearchRequest(query="warm up"))
        ours = time_ms(lambda q: search_index.search(SearchRequest(query=q)), args.repeat)

        ix = open_index(index_dir)
        searcher = ix.searcher()
        facets = sorting.Facets()
        facets.add_field("year")
        facets.add_field("doc_type")

        def plain_whoosh(query: str) -> None:
            results = searcher.search(build_query(query, ix.schema).all_words, limit=10,
                                      groupedby=facets)
            results.fragmenter = highlight.ContextFragmenter()
            for hit in results:
                hit.highlights("content", text=hit["body"])
            results.groups("year")
            results.groups("doc_type")

        baseline = time_ms(plain_whoosh, args.repeat)

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "TRACUU_BIND": f"127.0.0.1:{port}",
               "TRACUU_INDEX_DIR": str(index_dir), "TRACUU_WORKERS": "2"}
        server = subprocess.Popen([sys.executable, "-m", "gunicorn"], cwd=PROJECT, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}/api/v1/search?q="
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()
                    break
                except OSError:
                    time.sleep(0.1)
            for _ in range(4):  # both workers open their searcher
                urllib.request.urlopen(base + "warm", timeout=5).read()
            http = time_ms(lambda q: urllib.request.urlopen(
                base + urllib.parse.quote(q), timeout=10).read(), args.repeat)
        finally:
            server.terminate()
            server.wait(timeout=30)

        print(f"{len(QUERIES)} queries x {args.repeat}, full results page "
              "(top 10, total, facets, snippets)")
        print(f"{'':34} {'p50 ms':>8} {'p95 ms':>8} {'p50 ratio':>10}")
        base_p50 = percentile(baseline, 0.5)
        for name, values in [("whoosh search+groupedby (baseline)", baseline),
                             ("tracuu search function", ours), ("tracuu over HTTP", http)]:
            p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
            print(f"{name:34} {p50:8.2f} {p95:8.2f} {p50 / base_p50:9.2f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
