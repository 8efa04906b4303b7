"""Hostile load on `tracuu serve` while an incremental ingest runs; then fds and memory.

Run: .venv/bin/python bench/load.py [--index DIR] [--source FILE] [--seconds 60]
     [--concurrency 16] [--requests 10000] [--cap 200000] [--ingest-at 10]
     [--docs 200] [--json FILE]
(defaults to the workspace's shared/data/news-rss.jsonl.gz, 153,825 documents, and
to bench/queries_news.txt). --index DIR is copied (`cp -a`) to a temporary
folder and served from there; without it the index is built there first with
`tracuu ingest SOURCE`. Two phases against `tracuu serve` (gunicorn, 2 workers)
on a free 127.0.0.1 port, each from --concurrency client threads looping over
the search URLs of the queries file, /healthz and /api/v1/documents/<id> of ten
documents of the source:
- under ingest: for --seconds (and at most --cap requests); --ingest-at seconds
  in, one `tracuu ingest` of --docs new documents (records of the source under
  new ids) runs, and the run notes when the server finds them;
- steady: exactly --requests requests, no ingest.
Every request's latency and status is kept: requests/s, p50/p95/p99, errors
(a status other than 200, or no answer: target 0). Every --sample-every
requests the open file descriptors (/proc/PID/fd) and PSS/RSS of the master
and each worker are read. Each phase notes os.getloadavg() at its start and
end (the end is high by design: the clients and workers fill both cores);
one that started with a load over --max-load is run again (up to --retries
times) once the machine is quieter. A Markdown report goes to stdout,
progress to stderr, every figure and sample to --json FILE; nothing is asserted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generations  # noqa: E402  (bench/ is not a package)
import news_rss  # noqa: E402
from news_rss import log  # noqa: E402

DOCUMENT_URLS = 10
# What a server log line that tells of trouble holds.
LOG_MARKS = ("[ERROR]", "[CRITICAL]", "Traceback", "TIMEOUT", "still serving", "not opened")
# Flat: descriptors within FLAT_FDS of each other, PSS within FLAT_PSS of the first
# sample after the phase's first requests.
FLAT_PSS = 0.05
FLAT_FDS = 1


# ---------------------------------------------------------------- sampling


def sample(server: generations.Server, done: int, started: float) -> dict[str, Any]:
    """Read each serving process's open descriptors, PSS and RSS."""
    processes = []
    for role, pid in server.processes():
        try:
            fds: int | None = len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            fds = None
        processes.append({"role": role, "pid": pid, "fds": fds, **news_rss.memory_of(pid)})
    return {"requests": done, "t": time.perf_counter() - started,
            "load": os.getloadavg()[0], "processes": processes,
            "total_pss_mib": sum(p["pss_mib"] for p in processes),
            "total_rss_mib": sum(p["rss_mib"] for p in processes),
            "fds": [p["fds"] for p in processes], "pids": [p["pid"] for p in processes]}


class Sampler(threading.Thread):
    """Take a sample at the start, every `every` completed requests, and at the end."""

    def __init__(self, server: generations.Server, every: int, counter: Counter) -> None:
        super().__init__(daemon=True)
        self.server, self.every, self.counter = server, every, counter
        self.samples: list[dict[str, Any]] = []
        self.stop = threading.Event()
        self.started = time.perf_counter()

    def run(self) -> None:
        self.samples.append(sample(self.server, 0, self.started))
        mark = self.every
        while not self.stop.is_set():
            done = self.counter.completed
            if done >= mark:
                self.samples.append(sample(self.server, done, self.started))
                mark += self.every
            else:
                self.stop.wait(0.01)

    def finish(self) -> list[dict[str, Any]]:
        self.stop.set()
        self.join()
        done = self.counter.completed
        if self.samples[-1]["requests"] != done:
            self.samples.append(sample(self.server, done, self.started))
        return self.samples


class Counter:
    """Hands out request numbers up to a cap, and counts the answered ones."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.completed = 0
        self._next = itertools.count()
        self._lock = threading.Lock()

    def take(self) -> int | None:
        with self._lock:
            number = next(self._next)
        return number if number < self.cap else None

    def done(self) -> None:
        with self._lock:
            self.completed += 1


# ---------------------------------------------------------------- load


def drive(server: generations.Server, urls: list[tuple[str, str]], concurrency: int,
          seconds: float, cap: int, every: int, during: Any = None) -> dict[str, Any]:
    """Send requests from `concurrency` threads until `seconds` pass or `cap` are sent.

    during, if given, is called in a thread of its own with the run's start time.
    Returns the records (start offset s, ms, status, kind), the samples and the
    seconds the run took.
    """
    counter = Counter(cap)
    sampler = Sampler(server, every, counter)
    records: list[list[tuple[float, float, int, str]]] = [[] for _ in range(concurrency)]
    started = time.perf_counter()
    deadline = started + seconds

    def client(mine: list[tuple[float, float, int, str]]) -> None:
        while time.perf_counter() < deadline:
            number = counter.take()
            if number is None:
                return
            url, kind = urls[number % len(urls)]
            offset = time.perf_counter() - started
            ms, status = news_rss.fetch(url)
            mine.append((offset, ms, status, kind))
            counter.done()

    sampler.start()
    threads = [threading.Thread(target=client, args=(records[n],), daemon=True)
               for n in range(concurrency)]
    side = None
    if during is not None:
        side = threading.Thread(target=during, args=(started,), daemon=True)
        side.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    samples = sampler.finish()
    if side is not None:
        side.join(timeout=300)  # the ingest and its check are bounded themselves
    merged = sorted(itertools.chain.from_iterable(records))
    return {"records": merged, "samples": samples, "seconds": elapsed}


def url_list(server: generations.Server, queries: list[news_rss.Query],
             doc_ids: list[str]) -> list[tuple[str, str]]:
    urls = [(server.url(item), "search") for item in queries]
    urls.append((f"{server.base}/healthz", "healthz"))
    urls += [(f"{server.base}/api/v1/documents/{urllib.parse.quote(doc_id)}", "document")
             for doc_id in doc_ids]
    random.Random(0).shuffle(urls)
    return urls


def document_ids(source: Path, count: int) -> list[str]:
    ids = []
    for number, record in enumerate(news_rss.read_records(source, 0)):
        if number % 1000 == 0:
            ids.append(str(record["id"]))
            if len(ids) >= count:
                break
    return ids


# ---------------------------------------------------------------- figures


def figures_of(run: dict[str, Any], window: tuple[float, float] | None = None
               ) -> dict[str, Any]:
    """Throughput, latency, errors and the fds and memory samples of one run."""
    records = run["records"]
    ms = [item[1] for item in records]
    errors = [item for item in records if item[2] != 200]
    statuses: dict[str, int] = {}
    for item in records:
        statuses[str(item[2])] = statuses.get(str(item[2]), 0) + 1
    kinds = sorted({item[3] for item in records})
    result: dict[str, Any] = {
        "requests": len(records), "seconds": run["seconds"],
        "req_per_s": len(records) / run["seconds"] if run["seconds"] else None,
        **news_rss.summary(ms), "errors": len(errors), "statuses": statuses,
        "first_errors": [{"t": e[0], "status": e[2], "kind": e[3]} for e in errors[:10]],
        "by_kind": {kind: news_rss.summary([i[1] for i in records if i[3] == kind])
                    for kind in kinds},
        "samples": run["samples"], "flat": flatness(run["samples"]),
    }
    if window is not None:
        start, end = window
        inside = [i[1] for i in records if start <= i[0] <= end]
        outside = [i[1] for i in records if not start <= i[0] <= end]
        result["during_ingest"] = news_rss.summary(inside)
        result["outside_ingest"] = news_rss.summary(outside)
    return result


def flatness(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """First, last and max of the fds (per process) and of PSS/RSS (totals)."""
    first, last = samples[0], samples[-1]
    roles = [p["role"] for p in first["processes"]]
    fds = []
    for index, role in enumerate(roles):
        values = [s["fds"][index] for s in samples
                  if len(s["fds"]) > index and s["fds"][index] is not None]
        fds.append({"role": role, "pid": first["pids"][index],
                    "first": values[0] if values else None,
                    "last": values[-1] if values else None,
                    "min": min(values) if values else None,
                    "max": max(values) if values else None})
    pss = [s["total_pss_mib"] for s in samples]
    rss = [s["total_rss_mib"] for s in samples]
    same_pids = all(s["pids"] == first["pids"] for s in samples)
    # A worker holds one more descriptor while it answers a request (its socket).
    fds_flat = all(item["max"] is not None and item["max"] - item["min"] <= FLAT_FDS
                   for item in fds)
    # The first sample is taken before any request of the phase: memory is judged
    # from the second on (the first 1,000 requests warm the caches).
    settled = pss[1:] or pss
    pss_flat = max(settled) - settled[0] <= FLAT_PSS * settled[0]
    return {"fds": fds, "pss_first": first["total_pss_mib"], "pss_last": last["total_pss_mib"],
            "pss_max": max(pss), "rss_first": first["total_rss_mib"],
            "rss_last": last["total_rss_mib"], "rss_max": max(rss),
            "pss_settled_first": settled[0], "same_pids": same_pids,
            "fds_flat": fds_flat, "pss_flat": pss_flat, "samples": len(samples)}


# ---------------------------------------------------------------- phases


def under_ingest(server: generations.Server, urls: list[tuple[str, str]],
                 index_dir: Path, batch: list[dict[str, Any]], work: Path,
                 args: argparse.Namespace) -> dict[str, Any]:
    path = generations.write_jsonl(batch, work / f"load-{batch[0]['id']}.jsonl")
    side: dict[str, Any] = {}

    def ingest_later(started: float) -> None:
        time.sleep(max(0.0, args.ingest_at - (time.perf_counter() - started)))
        side["start"] = time.perf_counter() - started
        side.update(generations.ingest([path], index_dir))
        side["end"] = time.perf_counter() - started
        try:
            side["found_after_s"] = generations.wait_found(server, batch[0]["id"])
        except RuntimeError as error:
            side["found_after_s"] = None
            side["error"] = str(error)
        side["found_at"] = time.perf_counter() - started

    run = drive(server, urls, args.concurrency, args.seconds, args.cap, args.sample_every,
                during=ingest_later)
    window = (side.get("start", 0.0), side.get("found_at", side.get("end", 0.0)))
    return {**figures_of(run, window), "ingest": side}


def steady(server: generations.Server, urls: list[tuple[str, str]],
           args: argparse.Namespace) -> dict[str, Any]:
    run = drive(server, urls, args.concurrency, args.steady_timeout, args.requests,
                args.sample_every)
    return figures_of(run)


# ---------------------------------------------------------------- report


def _f(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def report(figures: dict[str, Any]) -> None:
    print(f"{figures['documents']} documents, {generations.SERVER_WORKERS} workers, "
          f"{figures['cpus']} CPUs, concurrency {figures['concurrency']}, "
          f"{figures['urls']} URLs ({figures['queries']} searches, /healthz, "
          f"{DOCUMENT_URLS} documents); load average at the start {figures['load_start']:.2f},"
          f" at the end {figures['load_end']:.2f}")
    print()
    print("| phase | requests | seconds | req/s | p50 ms | p95 ms | p99 ms | max ms | errors "
          "| load avg start / end |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, key in (("under ingest", "under_ingest"), ("steady, no ingest", "steady")):
        phase = figures[key]
        attempts = len(phase["attempts"])
        loads = f"{phase['load_start']:.2f} / {phase['load_end']:.2f}"
        if attempts > 1:
            loads += f" ({attempts} attempts)"
        print(f"| {name} | {phase['requests']} | {phase['seconds']:.1f} | "
              f"{_f(phase['req_per_s'])} | {_f(phase['p50'])} | {_f(phase['p95'])} | "
              f"{_f(phase['p99'])} | {_f(phase['max'])} | {phase['errors']} | {loads} |")
    print()
    hostile = figures["under_ingest"]
    side = hostile["ingest"]
    if side:
        found = side.get("found_after_s")
        print(f"- the ingest of {side['summary'].get('added')} documents ran from "
              f"{side['start']:.1f} s to {side['end']:.1f} s of the run "
              f"({side['seconds']:.1f} s, exit {side['status']}); the server found them "
              f"{_f(found, 2)} s later")
        during, outside = hostile["during_ingest"], hostile["outside_ingest"]
        print(f"- latency while it ran (to found): p50 {_f(during['p50'])} / p99 "
              f"{_f(during['p99'])} ms over {during['n']} requests; the rest of the run: "
              f"p50 {_f(outside['p50'])} / p99 {_f(outside['p99'])} ms over "
              f"{outside['n']}")
    for name, key in (("under ingest", "under_ingest"), ("steady", "steady")):
        phase = figures[key]
        kinds = ", ".join(f"{kind} p50 {_f(s['p50'])} / p99 {_f(s['p99'])} ms ({s['n']})"
                          for kind, s in phase["by_kind"].items())
        print(f"- {name}, by kind: {kinds}; statuses {phase['statuses']}")
        if phase["errors"]:
            print(f"- {name}, first errors: {phase['first_errors']}")
    print()
    print("| phase | samples | fds first / last / max (master, workers) | PSS MiB first / "
          "last / max | RSS MiB first / last / max | flat |")
    print("|---|---:|---|---|---|---|")
    for name, key in (("under ingest", "under_ingest"), ("steady", "steady")):
        flat = figures[key]["flat"]
        fds = ", ".join(f"{f['first']} / {f['last']} / {f['max']}" for f in flat["fds"])
        verdict = []
        verdict.append(f"fds flat (within {FLAT_FDS})" if flat["fds_flat"]
                       else "fds **changed**")
        verdict.append("PSS flat" if flat["pss_flat"] else "PSS **grew**")
        if not flat["same_pids"]:
            verdict.append("a worker **was replaced**")
        print(f"| {name} | {flat['samples']} | {fds} | {flat['pss_first']:.1f} / "
              f"{flat['pss_last']:.1f} / {flat['pss_max']:.1f} | {flat['rss_first']:.0f} / "
              f"{flat['rss_last']:.0f} / {flat['rss_max']:.0f} | {', '.join(verdict)} |")
    print()
    print("Steady phase, every sample:")
    print()
    print("| requests | s | fds (master, workers) | PSS MiB | RSS MiB | load |")
    print("|---:|---:|---|---:|---:|---:|")
    for item in figures["steady"]["samples"]:
        print(f"| {item['requests']} | {item['t']:.1f} | {', '.join(map(str, item['fds']))} | "
              f"{item['total_pss_mib']:.1f} | {item['total_rss_mib']:.0f} | "
              f"{item['load']:.2f} |")


# ---------------------------------------------------------------- main


def phase(name: str, action: Any, args: argparse.Namespace) -> dict[str, Any]:
    # The load a previous phase made takes about two minutes to fall below 2.5.
    done = generations.timed_phase(name, action, args, judge_end=False,
                                   first_wait=args.quiet_wait)
    return {**done["result"], "load_start": done["load_start"], "load_end": done["load_end"],
            "attempts": done["attempts"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=None,
                        help="an index built already (copied, never written to)")
    parser.add_argument("--source", type=Path, default=news_rss.DEFAULT_SOURCE)
    parser.add_argument("--queries", type=Path, default=news_rss.DEFAULT_QUERIES)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--requests", type=int, default=10000,
                        help="requests of the steady phase")
    parser.add_argument("--cap", type=int, default=200000,
                        help="at most this many requests under ingest")
    parser.add_argument("--steady-timeout", type=float, default=900.0,
                        help="the steady phase stops after this many seconds regardless")
    parser.add_argument("--ingest-at", type=float, default=10.0)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--sample-every", type=int, default=1000)
    parser.add_argument("--max-load", type=float, default=2.5)
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--quiet-wait", type=float, default=300.0)
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    args = parser.parse_args()
    queries = news_rss.load_queries(args.queries)
    figures: dict[str, Any] = {"source": str(args.source), "cpus": os.cpu_count(),
                               "concurrency": args.concurrency, "queries": len(queries),
                               "load_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory(prefix="tracuu-load-") as folder:
        work = Path(folder)
        index_dir = work / "index"
        if args.index:
            if not generations.reusable(args.index):
                raise SystemExit(f"{args.index}: `tracuu check` fails; not reused")
            log(f"copying {args.index} to {index_dir}")
            generations.copy_index(args.index, index_dir)
        else:
            log(f"build: tracuu ingest {args.source} --index {index_dir}")
            figures["build"] = generations.ingest([args.source], index_dir)
        figures["documents"] = generations.generation_of(index_dir).get("documents")
        batches = iter(generations.fresh_documents(args.source, args.docs, args.retries + 1,
                                                   f"load{os.getpid()}"))
        doc_ids = document_ids(args.source, DOCUMENT_URLS)
        with generations.Server(index_dir, work / "server.log") as server:
            figures["ready_s"] = server.wait_ready()
            server.wait_workers()
            figures["every_worker_opened"] = server.warm()
            log(f"server: master {server.master}, workers {server.workers()} on {server.port}")
            urls = url_list(server, queries, doc_ids)
            figures["urls"] = len(urls)
            figures["under_ingest"] = phase(
                "under ingest", lambda: under_ingest(server, urls, index_dir, next(batches),
                                                     work, args), args)
            log(f"under ingest: {figures['under_ingest']['requests']} requests, "
                f"{figures['under_ingest']['errors']} errors")
            figures["steady"] = phase("steady", lambda: steady(server, urls, args), args)
            log(f"steady: {figures['steady']['requests']} requests, "
                f"{figures['steady']['errors']} errors")
            figures["server_log_errors"] = [
                line for line in server.log().splitlines()
                if any(mark in line for mark in LOG_MARKS)][-20:]
        figures["check_after"] = generations.check_index(index_dir)
        figures["load_end"] = os.getloadavg()[0]
    report(figures)
    if figures["server_log_errors"]:
        print()
        print("Server log lines telling of trouble (last 20):")
        for line in figures["server_log_errors"]:
            print(f"    {line[:300]}")
    print(f"\n- `tracuu check` after the run: {figures['check_after']['output']}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2),
                             encoding="utf-8")
        log(f"wrote {args.json}")


if __name__ == "__main__":
    main()
