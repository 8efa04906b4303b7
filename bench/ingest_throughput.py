"""Ingest throughput: one process against all cores, and a re-run of an unchanged source.

Run: .venv/bin/python bench/ingest_throughput.py [SOURCE] [--limit N] [--segment on|both]
(defaults to the workspace's shared/data/news-baomoi.jsonl.gz, 35,440 long
articles). Each run builds a fresh index in a temporary folder through the
real ingest (parse, validate, analyse, write); prints seconds, docs/s and
the ratio to one process, then the time to re-ingest the unchanged source.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import tempfile
import time
from pathlib import Path

from index.store import open_index
from ingest.pipeline import ingest_paths

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = PROJECT.parent / "shared" / "data" / "news-baomoi.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--limit", type=int, default=0, help="first N records only")
    parser.add_argument("--workers", type=int, nargs="+",
                        default=sorted({1, os.cpu_count() or 1}))
    parser.add_argument("--segment", choices=("off", "on", "both"), default="off",
                        help="pyvi word segmentation in the index (on: pyvi analysis)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracuu-ingest-"))
    try:
        source = args.source
        if args.limit:
            source = work / "sample.jsonl.gz"
            with gzip.open(args.source, "rt", encoding="utf-8") as lines, \
                    gzip.open(source, "wt", encoding="utf-8") as out:
                for number, line in enumerate(lines):
                    if number >= args.limit:
                        break
                    out.write(line)
        print(f"source: {args.source.name}" + (f", first {args.limit}" if args.limit else ""))
        print(f"{'pyvi':>5} {'workers':>8} {'docs':>7} {'seconds':>8} {'docs/s':>7} {'vs 1':>6}")
        segmenting = {"off": [False], "on": [True], "both": [False, True]}[args.segment]
        for segment in segmenting:
            baseline = 0.0
            for workers in args.workers:
                folder = work / f"index-{workers}-{segment}"
                start = time.perf_counter()
                report = ingest_paths([source], open_index(folder, create=True, segment=segment),
                                      workers=workers)
                seconds = time.perf_counter() - start
                rate = report.added / seconds
                baseline = baseline or rate
                print(f"{'on' if segment else 'off':>5} {workers:8d} {report.added:7d} "
                      f"{seconds:8.1f} {rate:7.0f} {rate / baseline:5.2f}x  "
                      f"(failed {len(report.failed)})", flush=True)
        start = time.perf_counter()
        again = ingest_paths([source], open_index(folder), workers=args.workers[-1])
        seconds_again = time.perf_counter() - start
        print(f"re-ingest unchanged: {seconds_again:.2f} s ({again.unchanged} unchanged, "
              f"{seconds_again / seconds:.1%} of the last full run)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
