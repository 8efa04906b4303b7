"""Whether an export's memory stays flat as it grows: CSV and JSON Lines, streamed.

Run: .venv/bin/python bench/exports.py --index FOLDER [--limits 100 1000 10000 all]

For each format and number of rows, a fresh process opens the index, asks the app
for /api/v1/search.csv or .jsonl (every document, newest first) and reads the answer
as a client would, a chunk at a time. It prints the most memory Python allocated at
once while answering (tracemalloc's peak, numpy's arrays included) and the resident
memory's peak above what the process held before the request (VmRSS after each
chunk, the heap trimmed first), the bytes sent and the time. The baseline, in the
same run, is the same answer gathered into one bytes object, as an export that is
not streamed would hold it.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def child(index: str, suffix: str, limit: int, gather: bool) -> dict[str, float]:
    """Ask one export in this process; return its figures."""
    sys.path.insert(0, str(ROOT))
    os.environ.update({"TRACUU_API_RATE_LIMIT": "", "TRACUU_EXPORT_RATE_LIMIT": ""})
    from web import create_app

    app = create_app({"INDEX_DIR": index, "TESTING": True, "EXPORT_LIMIT": max(limit, 1),
                      "INSTANCE_DIR": os.environ["BENCH_INSTANCE"]})
    client = app.test_client()
    client.get("/api/v1/search?q=ke+hoach").close()  # opens the generation
    ctypes.CDLL(None).malloc_trim(0)  # what opening freed leaves the resident set
    before = rss_kib()
    peak = before
    tracemalloc.start()
    began = time.perf_counter()
    response = client.get(f"/api/v1/search.{suffix}?limit={limit}", buffered=False)
    sent = 0
    held = []
    for chunk in response.response:
        data = chunk if isinstance(chunk, bytes) else chunk.encode()
        sent += len(data)
        if gather:
            held.append(data)
        peak = max(peak, rss_kib())
    if gather:
        whole = b"".join(held)
        peak = max(peak, rss_kib())
        del whole
    response.close()
    seconds = time.perf_counter() - began
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"rss_kib": peak - before, "traced_kib": traced / 1024, "bytes": sent,
            "seconds": seconds, "total": int(response.headers["X-Total-Count"])}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="a tracuu index folder")
    parser.add_argument("--limits", nargs="+", default=["100", "1000", "10000", "all"])
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--gather", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        suffix, limit, _ = args.child
        print(json.dumps(child(args.index, suffix, int(limit), args.gather)))
        return 0
    instance = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-exports-{os.getpid()}"
    instance.mkdir(exist_ok=True)
    env = {**os.environ, "BENCH_INSTANCE": str(instance)}
    for suffix in ("csv", "jsonl"):
        for limit_text in args.limits:
            limit = 1_000_000 if limit_text == "all" else int(limit_text)
            figures = {}
            for gather in (False, True):
                command = [sys.executable, __file__, "--index", args.index,
                           "--child", suffix, str(limit), "x"]
                if gather:
                    command.append("--gather")
                done = subprocess.run(command, env=env, capture_output=True, text=True,
                                      check=True)
                figures[gather] = json.loads(done.stdout.strip().splitlines()[-1])
            streamed, gathered = figures[False], figures[True]
            rows = min(limit, int(streamed["total"]))
            print(f"{suffix:5} {rows:>7} rows {streamed['bytes'] / 2**20:7.1f} MiB in "
                  f"{streamed['seconds']:5.1f} s: allocated at most "
                  f"{streamed['traced_kib'] / 1024:6.1f} MiB streamed, "
                  f"{gathered['traced_kib'] / 1024:6.1f} MiB gathered "
                  f"(x{streamed['traced_kib'] / max(gathered['traced_kib'], 1):.3f}); "
                  f"resident +{streamed['rss_kib'] / 1024:.1f} MiB streamed, "
                  f"+{gathered['rss_kib'] / 1024:.1f} MiB gathered")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
