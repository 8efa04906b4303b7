"""The generations design against its targets: start time, latency after ingests, memory.

Run: .venv/bin/python bench/generations.py [--source FILE] [--index DIR] [--repeat 3]
     [--ingests 5] [--docs 200] [--starts 3] [--json FILE]
(defaults to the workspace's shared/data/news-rss.jsonl.gz, 153,825 documents, and
to bench/queries_news.txt). Without --index it builds the index in a temporary
folder with `tracuu ingest SOURCE` (default options) and reports the build
(--keep-index DIR keeps a copy of it, as built); --index DIR is copied
(`cp -a`) to a temporary folder first, never written to.
With `tracuu serve` (gunicorn, 2 workers) on a free 127.0.0.1 port it measures
- the start: from spawning `tracuu serve` to the first 200 of /healthz, --starts
  times (target: within 3 s), and the "opened generation" line the server logs;
- latency over HTTP, one request at a time, each query once to warm up, then
  --repeat times (as bench/news_rss.py does), before and after one incremental
  `tracuu ingest` of --docs new documents (target: p50 and p95 within 1.5x);
- memory: PSS of the master and workers after each of --ingests ingests, each
  followed by one pass of the queries, once every worker maps the new segments
  (target: 1 GiB), with each process's mapped derived files.
The new documents are records of the source under new ids ("bench-..."), their
titles changed. Every timed phase notes os.getloadavg() at its start and end;
one that saw a load over --max-load is run again, up to --retries times, once
the load is below it (or --quiet-wait seconds have passed). A Markdown table
goes to stdout, progress to stderr, every figure to --json FILE. Ratios are to
the baseline of the same run; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import news_rss  # noqa: E402  (bench/ is not a package)
from news_rss import MIB, Query, log  # noqa: E402

from index import layout, whoosh_private  # noqa: E402

TRACUU = Path(sys.executable).parent / "tracuu"
SERVER_WORKERS = news_rss.SERVER_WORKERS
START_TARGET_S = 3.0
LATENCY_TARGET = 1.5
PSS_TARGET_MIB = 1024.0
OPENED = re.compile(r"opened generation (\d+): (\d+) documents, (\d+) MiB mapped")
# Every how many records of the source one is taken for the new documents.
_STRIDE = 97


# ---------------------------------------------------------------- load average


def load_average() -> float:
    return os.getloadavg()[0]


def wait_for_quiet(max_load: float, seconds: float) -> float:
    """Wait (bounded) until the 1-minute load average is below max_load; return it."""
    deadline = time.monotonic() + seconds
    load = load_average()
    if load > max_load:
        log(f"load average {load:.2f} > {max_load}: waiting up to {seconds:.0f} s")
    while load > max_load and time.monotonic() < deadline:
        time.sleep(5)
        load = load_average()
    return load


def timed_phase(name: str, action: Callable[[], Any], args: argparse.Namespace,
                judge_end: bool = True, first_wait: float | None = None) -> dict[str, Any]:
    """Run action, noting the load average at its start and end; run it again (up to
    args.retries times, after waiting for a quieter machine) when the load was high
    at the start, or at the end unless judge_end is false (a phase that loads the
    machine itself, like bench/load.py's, makes its own load at the end). Before
    the first attempt it waits up to first_wait seconds (default: args.quiet_wait / 5).

    Returns the last attempt ({"result", "load_start", "load_end", "seconds"}) with
    the loads of every attempt under "attempts".
    """
    attempts: list[dict[str, float]] = []
    while True:
        # Before a rerun, and (briefly, by default) before the first attempt too.
        first = args.quiet_wait / 5 if first_wait is None else first_wait
        wait_for_quiet(args.max_load, args.quiet_wait if attempts else first)
        start_load = load_average()
        start = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - start
        end_load = load_average()
        attempts.append({"load_start": start_load, "load_end": end_load, "seconds": seconds})
        log(f"{name}: load average {start_load:.2f} at the start, {end_load:.2f} at the end")
        judged = max(start_load, end_load) if judge_end else start_load
        if judged <= args.max_load or len(attempts) > args.retries:
            return {"result": result, "load_start": start_load, "load_end": end_load,
                    "seconds": seconds, "attempts": attempts}
        log(f"{name}: load was over {args.max_load}, running it again")


# ---------------------------------------------------------------- index folders


def copy_index(source: Path, target: Path) -> None:
    """Copy an index with `cp -a` (ids, times and links kept); source is only read."""
    subprocess.run(["cp", "-a", str(source), str(target)], check=True)


def reusable(index_dir: Path) -> bool:
    """Say whether `tracuu check` passes on index_dir."""
    return check_index(index_dir)["status"] == 0


def check_index(index_dir: Path) -> dict[str, Any]:
    """Run `tracuu check`: its status, and the segments and documents it names."""
    done = subprocess.run([str(TRACUU), "check", "--index", str(index_dir)],
                          capture_output=True, text=True, cwd=news_rss.PROJECT)
    found = re.search(r"generation (\d+), (\d+) segments, (\d+) documents", done.stdout)
    figures: dict[str, Any] = {"status": done.returncode,
                               "output": (done.stdout + done.stderr).strip()[-500:]}
    if found:
        figures.update(generation=int(found.group(1)), segments=int(found.group(2)),
                       documents=int(found.group(3)))
    return figures


def generation_of(index_dir: Path) -> dict[str, int]:
    """Return the current build's newest generation, its segments and documents (the TOC)."""
    build = layout.current_build(index_dir)
    if build is None:
        return {}
    toc = whoosh_private.read_toc(str(build.folder))
    return {"generation": int(toc.generation), "segments": len(toc.segments),
            "documents": sum(int(segment.doc_count()) for segment in toc.segments)}


def sizes(index_dir: Path) -> dict[str, float]:
    """Return the index's MiB on disk: all of it, and the derived arrays alone."""
    derived = sum(path.stat().st_size for path in derived_files(index_dir)) / MIB
    total = news_rss.folder_mib(index_dir)
    return {"total_mib": total, "derived_mib": derived, "whoosh_mib": total - derived}


def derived_files(index_dir: Path) -> set[Path]:
    return {path.resolve() for path in index_dir.glob("builds/*/derived/*") if path.is_file()}


def ingest(paths: list[Path], index_dir: Path) -> dict[str, Any]:
    """Run `tracuu ingest PATHS --index DIR --json` (default options); time it."""
    start = time.perf_counter()
    done = subprocess.run([str(TRACUU), "ingest", *map(str, paths), "--index", str(index_dir),
                           "--json"], capture_output=True, text=True, cwd=news_rss.PROJECT)
    seconds = time.perf_counter() - start
    try:
        summary = json.loads(done.stdout)
    except ValueError:
        summary = {}
    if done.returncode != 0:
        log(f"ingest exited {done.returncode}: {done.stderr.strip()[-500:]}")
    return {"status": done.returncode, "seconds": seconds, "summary": {
        name: summary.get(name) for name in ("read", "added", "updated", "unchanged",
                                             "removed", "failed")}}


def fresh_documents(source: Path, count: int, rounds: int, tag: str) -> list[list[dict]]:
    """Return `rounds` lists of `count` new records: records of the source (one in
    every _STRIDE) under ids the index does not hold, their titles changed."""
    needed = count * rounds
    taken: list[dict[str, Any]] = []
    for number, record in enumerate(news_rss.read_records(source, 0)):
        if number % _STRIDE == 0:
            taken.append(record)
            if len(taken) >= needed:
                break
    if len(taken) < needed:
        raise SystemExit(f"{source}: {len(taken)} records for {needed} new documents")
    batches: list[list[dict[str, Any]]] = []
    for round_number in range(rounds):
        batch = []
        for n, record in enumerate(taken[round_number * count:(round_number + 1) * count]):
            new = {key: value for key, value in record.items() if key != "url"}
            new["id"] = f"bench-{tag}-{round_number + 1}-{n:03d}"
            new["title"] = f"{record.get('title', '')} (cập nhật lần {round_number + 1})"
            batch.append(new)
        batches.append(batch)
    return batches


def write_jsonl(records: list[dict[str, Any]], path: Path) -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


# ---------------------------------------------------------------- the server


class Server:
    """`tracuu serve --index DIR --bind 127.0.0.1:PORT` with 2 workers, its log in a file."""

    def __init__(self, index_dir: Path, log_path: Path) -> None:
        self.index_dir = index_dir
        self.log_path = log_path
        self.port = news_rss.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.spawned = 0.0
        self.master = 0

    def start(self) -> None:
        env = {**os.environ, "TRACUU_WORKERS": str(SERVER_WORKERS)}
        with open(self.log_path, "wb") as log_file:
            self.spawned = time.perf_counter()
            self.process = subprocess.Popen(
                [str(TRACUU), "serve", "--index", str(self.index_dir),
                 "--bind", f"127.0.0.1:{self.port}"],
                cwd=news_rss.PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=log_file)

    def wait_ready(self, timeout: float = 120.0) -> float:
        """Poll /healthz every 10 ms; return the seconds from the spawn to its first 200."""
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"tracuu serve exited with {self.process.returncode}: "
                                   + self.log()[-2000:])
            if news_rss.fetch(f"{self.base}/healthz")[1] == 200:
                ready = time.perf_counter() - self.spawned
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"tracuu serve did not answer /healthz within {timeout} s")
            time.sleep(0.01)
        self.master = news_rss.gunicorn_master(self.process.pid)
        return ready

    def workers(self) -> list[int]:
        return sorted(news_rss._children(self.master))

    def wait_workers(self, timeout: float = 60.0) -> list[int]:
        """Wait (bounded) until the master has forked every worker: the first 200 of
        /healthz can come from the first worker while the master forks the next."""
        deadline = time.monotonic() + timeout
        while len(self.workers()) < SERVER_WORKERS and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.workers()

    def processes(self) -> list[tuple[str, int]]:
        return [("master", self.master)] + [("worker", pid) for pid in self.workers()]

    def warm(self, concurrency: int = 8, bursts: int = 20) -> bool:
        """Send bursts of concurrent /healthz (at most `bursts`) until every worker has
        opened the index (holds its readers' lock open); say whether they all have."""
        for _ in range(bursts):
            with ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(news_rss.fetch, [f"{self.base}/healthz"] * 4 * SERVER_WORKERS))
            if all(_holds_readers_lock(pid) for pid in self.workers()):
                return True
        return False

    def url(self, item: Query) -> str:
        return f"{self.base}/api/v1/search?{urllib.parse.urlencode(item.params())}"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def opened(self) -> list[dict[str, int]]:
        """Return the "opened generation N: M documents, X MiB mapped" lines of the log."""
        return [{"generation": int(g), "documents": int(d), "mapped_mib": int(m)}
                for g, d, m in OPENED.findall(self.log())]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _holds_readers_lock(pid: int) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}").endswith(f"/{layout.READERS_LOCK}")
                   for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def mapped_files(pid: int, under: Path) -> dict[str, Any]:
    """Return the derived files under a folder that a process maps: MiB, count, and those
    deleted since (still held by the process)."""
    prefix = str(under.resolve())
    live: set[str] = set()
    deleted: set[str] = set()
    try:
        lines = Path(f"/proc/{pid}/maps").read_text().splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split(maxsplit=5)
        if len(parts) < 6 or not parts[5].startswith(prefix) or "/derived/" not in parts[5]:
            continue
        name = parts[5]
        if name.endswith(" (deleted)"):
            deleted.add(name[: -len(" (deleted)")])
        else:
            live.add(name)
    mib = 0.0
    for name in live:
        try:
            mib += os.stat(name).st_size / MIB
        except OSError:
            pass
    return {"files": len(live), "mib": mib, "deleted_files": len(deleted)}


def workers_map(server: Server, files: set[Path]) -> bool:
    """Say whether every worker maps every one of files."""
    wanted = {str(path) for path in files if path.exists()}
    for pid in server.workers():
        try:
            maps = Path(f"/proc/{pid}/maps").read_text()
        except OSError:
            return False
        if any(name not in maps for name in wanted):
            return False
    return True


def wait_found(server: Server, doc_id: str, timeout: float = 120.0) -> float:
    """Poll /api/v1/documents/<id> until it answers 200; return the seconds it took."""
    url = f"{server.base}/api/v1/documents/{urllib.parse.quote(doc_id)}"
    start = time.perf_counter()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if news_rss.fetch(url)[1] == 200:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise RuntimeError(f"{doc_id} not found by the server within {timeout} s")


def query_runner(server: Server, queries: list[Query],
                 seen: list[float] | None = None) -> Callable[[Query], int]:
    """Return a GET of a query's API URL that raises unless 200; seen gets every ms."""
    urls = {item: server.url(item) for item in queries}

    def get(item: Query) -> int:
        ms, status = news_rss.fetch(urls[item])
        if seen is not None:
            seen.append(ms)
        if status != 200:
            raise RuntimeError(f"HTTP {status}")
        return status

    return get


def timed_queries(server: Server, queries: list[Query], repeat: int,
                  name: str = "http") -> dict[str, Any]:
    """Time the queries as news_rss.time_queries does; keep the warm-up pass's figures."""
    seen: list[float] = []
    timing = news_rss.time_queries(name, query_runner(server, queries, seen), queries, repeat)
    return {**latency(timing), "warm_up": news_rss.summary(seen[:len(queries)])}


def latency(timing: news_rss.Timing) -> dict[str, Any]:
    return {**news_rss.summary(timing.values()), "errors": timing.errors,
            "first_error": timing.first_error}


# ---------------------------------------------------------------- the run


def measure_starts(index_dir: Path, work: Path, args: argparse.Namespace) -> list[dict]:
    starts = []
    for number in range(1, args.starts + 1):
        server = Server(index_dir, work / f"start-{number}.log")

        def start_once(server: Server = server) -> float:
            server.start()
            try:
                return server.wait_ready()
            finally:
                server.stop()

        phase = timed_phase(f"start {number}", start_once, args)
        starts.append({"seconds": phase["result"], "load_start": phase["load_start"],
                       "load_end": phase["load_end"], "attempts": phase["attempts"],
                       "opened": server.opened()})
        log(f"start {number}: first /healthz 200 after {phase['result']:.2f} s; "
            f"{server.opened()}")
    return starts


def run(index_dir: Path, work: Path, queries: list[Query], args: argparse.Namespace,
        figures: dict[str, Any]) -> None:
    figures["check_before"] = check_index(index_dir)
    figures["sizes_before"] = sizes(index_dir)
    figures["starts"] = measure_starts(index_dir, work, args)

    batches = fresh_documents(args.source, args.docs, args.ingests, f"{os.getpid()}")
    with Server(index_dir, work / "server.log") as server:
        server.wait_ready()
        server.wait_workers()
        figures["every_worker_opened"] = server.warm()
        log(f"server: master {server.master}, workers {server.workers()} on {server.port}")

        def timed() -> dict[str, Any]:
            return timed_queries(server, queries, args.repeat)

        baseline = timed_phase("before the ingests", timed, args)
        figures["before"] = {**baseline["result"], "load_start": baseline["load_start"],
                             "load_end": baseline["load_end"], "attempts": baseline["attempts"]}
        figures["memory_before"] = memory(server, index_dir)
        rounds: list[dict[str, Any]] = []
        for number, batch in enumerate(batches, start=1):
            path = write_jsonl(batch, work / f"new-{number}.jsonl")
            existing = derived_files(index_dir)
            load_start = load_average()
            done = ingest([path], index_dir)
            found = wait_found(server, batch[0]["id"])
            step: dict[str, Any] = {"ingest": number, **done, "found_after_s": found,
                                    "load_start": load_start, "load_end": load_average()}
            log(f"ingest {number}: {done['summary']} in {done['seconds']:.1f} s "
                f"(exit {done['status']}), found by the server {found:.2f} s later")
            if number == 1:
                after = timed_phase("after ingest 1", timed, args)
                figures["after"] = {**after["result"], "load_start": after["load_start"],
                                    "load_end": after["load_end"], "attempts": after["attempts"]}
            else:
                once = timed_queries(server, queries, 0, f"after ingest {number}")
                step["query_errors"] = once["errors"]
                step["warm_up"] = once["warm_up"]
            new_files = derived_files(index_dir) - existing
            step["new_derived_files"] = len(new_files)
            step["every_worker_maps_them"] = ensure_mapped(server, new_files)
            step["check"] = generation_of(index_dir)
            step["memory"] = memory(server, index_dir)
            step["sizes"] = sizes(index_dir)
            log(f"ingest {number}: PSS master+workers "
                f"{step['memory']['total_pss_mib']:.1f} MiB, "
                f"{step['check'].get('segments')} segments")
            rounds.append(step)
        figures["ingests"] = rounds
        figures["check_after"] = check_index(index_dir)
        log(f"after the ingests: {figures['check_after']['output']}")
        figures["server_opened"] = server.opened()
        figures["server_log_tail"] = server.log()[-3000:]


def ensure_mapped(server: Server, files: set[Path], rounds: int = 20) -> bool:
    """Send bursts of concurrent /healthz (bounded) until every worker maps files."""
    for _ in range(rounds):
        if workers_map(server, files):
            return True
        server.warm(bursts=1)
    return workers_map(server, files)


def memory(server: Server, index_dir: Path) -> dict[str, Any]:
    """PSS and RSS of master and workers, with the derived files each maps."""
    figures = news_rss.serving_memory(server.master)
    for process in figures["processes"]:
        process["derived"] = mapped_files(int(process["pid"]), index_dir)
        try:
            process["fds"] = len(os.listdir(f"/proc/{process['pid']}/fd"))
        except OSError:
            process["fds"] = None
    return figures


# ---------------------------------------------------------------- report


def _f(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _loads(item: dict[str, Any]) -> str:
    text = f"{item['load_start']:.2f} / {item['load_end']:.2f}"
    if len(item.get("attempts", [])) > 1:
        text += f" ({len(item['attempts'])} attempts)"
    return text


def _met(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(figures: dict[str, Any]) -> None:
    print(f"{figures['documents']} documents, {SERVER_WORKERS} workers, {figures['cpus']} CPUs, "
          f"{figures['queries']} queries; load average at the start "
          f"{figures['load_start']:.2f}, at the end {figures['load_end']:.2f}")
    print()
    print("| figure | value | target | load avg start / end |")
    print("|---|---|---|---|")
    starts = figures["starts"]
    worst = max(start["seconds"] for start in starts)
    for number, start in enumerate(starts, start=1):
        print(f"| start {number}: spawn to first /healthz 200 | {start['seconds']:.2f} s | "
              f"<= {START_TARGET_S:.0f} s | {_loads(start)} |")
    print(f"| start, max of {len(starts)} | {worst:.2f} s | {_met(worst <= START_TARGET_S)} | |")
    before, after = figures["before"], figures["after"]
    for name, item in (("before the ingest", before), ("after ingest 1", after)):
        errors = f", {item['errors']} errors" if item["errors"] else ""
        print(f"| HTTP {name}: p50 / p95 / p99 ms | {_f(item['p50'])} / {_f(item['p95'])} / "
              f"{_f(item['p99'])} ({item['n']} requests{errors}) | | {_loads(item)} |")
    for name, item in (("before the ingest", before), ("after ingest 1", after)):
        warm = item["warm_up"]
        print(f"| HTTP {name}, its warm-up pass: p50 / p95 / max ms | {_f(warm['p50'])} / "
              f"{_f(warm['p95'])} / {_f(warm['max'])} | | |")
    for key in ("p50", "p95"):
        ratio = after[key] / before[key] if before[key] else None
        ok = ratio is not None and ratio <= LATENCY_TARGET
        print(f"| {key} after / before | {_f(ratio)}x | <= {LATENCY_TARGET}x: {_met(ok)} | |")
    for step in figures["ingests"]:
        mem = step["memory"]
        parts = ", ".join(f"{p['role']} {p['pss_mib']:.0f}" for p in mem["processes"])
        ok = mem["total_pss_mib"] <= PSS_TARGET_MIB
        print(f"| PSS master+workers after ingest {step['ingest']} | "
              f"{mem['total_pss_mib']:.1f} MiB ({parts}; RSS {mem['total_rss_mib']:.0f}) | "
              f"<= 1024 MiB: {_met(ok)} | {step['load_start']:.2f} / {step['load_end']:.2f} |")
    print()
    build = figures.get("build")
    if build:
        print(f"- build: `tracuu ingest` of {figures['source']} (default options): "
              f"{build['summary']['added']} documents in {build['seconds']:.1f} s, "
              f"{build['docs_per_s']:.0f} docs/s, exit {build['status']}; load average "
              f"{build['load_start']:.2f} / {build['load_end']:.2f}")
    else:
        print(f"- build: not measured (copy of --index {figures['index_source']})")
    size = figures["sizes_before"]
    print(f"- index on disk: {size['total_mib']:.1f} MiB, of which derived/ "
          f"{size['derived_mib']:.1f} MiB (Whoosh {size['whoosh_mib']:.1f} MiB); "
          f"{figures['check_before'].get('segments')} segments")
    opened = [item for start in starts for item in start["opened"]]
    if opened:
        print("- the server logs at each start: " + "; ".join(
            f"opened generation {o['generation']}: {o['documents']} documents, "
            f"{o['mapped_mib']} MiB mapped" for o in opened))
    print(f"- memory before the ingests: PSS {figures['memory_before']['total_pss_mib']:.1f} MiB"
          " (" + ", ".join(f"{p['role']} {p['pss_mib']:.0f} / RSS {p['rss_mib']:.0f}, derived "
                           f"{p['derived']['mib']:.0f} MiB mapped"
                           for p in figures["memory_before"]["processes"]) + ")")
    print()
    print("| ingest | added | seconds | found by the server after | segments | index MiB "
          "(derived) | mapped derived MiB: master / workers (deleted files held) | PSS MiB |")
    print("|---:|---:|---:|---:|---:|---|---|---:|")
    for step in figures["ingests"]:
        procs = step["memory"]["processes"]
        mapped = " / ".join(f"{p['derived']['mib']:.0f} ({p['derived']['deleted_files']})"
                            for p in procs)
        print(f"| {step['ingest']} | {step['summary']['added']} | {step['seconds']:.1f} | "
              f"{step['found_after_s']:.2f} s | {step['check'].get('segments')} | "
              f"{step['sizes']['total_mib']:.0f} ({step['sizes']['derived_mib']:.0f}) | "
              f"{mapped} | {step['memory']['total_pss_mib']:.1f} |")
    late = [step["ingest"] for step in figures["ingests"] if not step["every_worker_maps_them"]]
    if late:
        print(f"- after ingests {late} some worker did not map every new derived file")


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=news_rss.DEFAULT_SOURCE)
    parser.add_argument("--index", type=Path, default=None,
                        help="an index built already (copied, never written to)")
    parser.add_argument("--keep-index", type=Path, default=None,
                        help="copy the index built (before any ingest) to this new folder")
    parser.add_argument("--queries", type=Path, default=news_rss.DEFAULT_QUERIES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ingests", type=int, default=5)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--max-load", type=float, default=2.5)
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument("--quiet-wait", type=float, default=300.0,
                        help="seconds to wait for the load to fall before a rerun")
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    args = parser.parse_args()
    queries = news_rss.load_queries(args.queries)
    figures: dict[str, Any] = {"source": str(args.source), "cpus": os.cpu_count(),
                               "queries": len(queries), "repeat": args.repeat,
                               "load_start": load_average()}
    with tempfile.TemporaryDirectory(prefix="tracuu-generations-") as folder:
        work = Path(folder)
        index_dir = work / "index"
        if args.index:
            if not reusable(args.index):
                raise SystemExit(f"{args.index}: `tracuu check` fails; not reused")
            log(f"copying {args.index} to {index_dir}")
            copy_index(args.index, index_dir)
            figures["index_source"] = str(args.index)
        else:
            log(f"build: tracuu ingest {args.source} --index {index_dir}")
            wait_for_quiet(args.max_load, args.quiet_wait)
            load_start = load_average()
            build = ingest([args.source], index_dir)
            build.update(load_start=load_start, load_end=load_average(),
                         docs_per_s=(build["summary"]["added"] or 0) / build["seconds"])
            figures["build"] = build
            log(f"build: {build['summary']} in {build['seconds']:.1f} s")
            if args.keep_index:
                log(f"copying the new index to {args.keep_index} (--keep-index)")
                copy_index(index_dir, args.keep_index)
        run(index_dir, work, queries, args, figures)
        figures["documents"] = figures["check_before"].get("documents")
        figures["load_end"] = load_average()
    report(figures)
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=2),
                             encoding="utf-8")
        log(f"wrote {args.json}")


if __name__ == "__main__":
    main()
