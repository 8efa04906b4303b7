"""Full-page search latency on the news-rss data: tracuu beside SQLite FTS5 and plain Whoosh.

Run: .venv/bin/python bench/news_rss.py [--source FILE] [--index DIR] [--limit N]
     [--workers N] [--repeat 3] [--concurrency 8] [--requests 2000]
     [--skip fts5 whoosh http] [--queries FILE] [--json FILE]
(defaults to the workspace's shared/data/news-rss.jsonl.gz, 153,825 headlines
and leads of Vietnamese news, and to bench/queries_news.txt). Without --index
it builds a fresh index in a temporary folder through the real ingest and
reports the build: seconds, docs/s, MiB on disk.

Every engine answers the same queries with a full results page: the top 10
(BM25), the total, year and doc_type facet counts over every match, and a
snippet for each of the 10. Each query is run once to warm up, then timed
--repeat times; the report gives p50/p95/p99 in ms for
- tracuu's search function (SearchIndex.search, in this process);
- tracuu over HTTP: `tracuu serve` (gunicorn, 2 workers) on a free local port,
  GET /api/v1/search one request at a time; then --requests requests from
  --concurrency threads (throughput, latency under load, failures) and the
  memory (RSS, PSS) of the gunicorn master and workers after that run;
- SQLite FTS5 (stdlib sqlite3, unicode61 remove_diacritics 2, đ folded by hand)
  built from the same records: ORDER BY rank (bm25) LIMIT 10 with snippet(),
  and one GROUP BY year, doc_type pass for the total and both facets;
- naive Whoosh on the tracuu index: build_query(...).all_words, search (or
  search_page for deep pages) with groupedby year/doc_type, Term filters,
  highlights of the 10 hits, len(results).
A Markdown table (ratios to the search function), phrase against plain query
latency, per-kind p50/p95 and the build, throughput and memory figures go to
stdout; progress to stderr; --json FILE writes every figure.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import highlight, sorting
from whoosh import query as wq

from index.doctypes import DEFAULT_DOC_TYPE, DOC_TYPES
from index.store import open_index
from ingest.pipeline import ingest_paths
from search import SearchIndex, SearchRequest
from search.query import build_query

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = PROJECT.parent / "shared" / "data" / "news-rss.jsonl.gz"
DEFAULT_QUERIES = Path(__file__).resolve().parent / "queries_news.txt"
PER_PAGE = 10
SERVER_WORKERS = 2
ENGINES = ("function", "http", "fts5", "whoosh")
ROW_NAMES = {
    "function": "tracuu search function",
    "http": f"tracuu over HTTP (gunicorn, {SERVER_WORKERS} workers)",
    "fts5": "SQLite FTS5",
    "whoosh": "naive Whoosh",
}
MIB = 1024 * 1024
STARTED = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def folder_mib(path: Path) -> float:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file()) / MIB


# ---------------------------------------------------------------- queries


@dataclass(frozen=True)
class Query:
    """One line of the queries file: text, kind (its group) and filters."""

    text: str
    kind: str
    years: tuple[int, ...] = ()
    types: tuple[str, ...] = ()
    page: int = 1

    @property
    def phrase(self) -> bool:
        return '"' in self.text

    @property
    def label(self) -> str:
        filters = [f"year={year}" for year in self.years] + [f"type={t}" for t in self.types]
        if self.page > 1:
            filters.append(f"page={self.page}")
        return " ".join([repr(self.text), *filters])

    def params(self) -> list[tuple[str, str]]:
        """Return the API's query-string parameters."""
        params = [("q", self.text)]
        params += [("year", str(year)) for year in self.years]
        params += [("type", doc_type) for doc_type in self.types]
        if self.page > 1:
            params.append(("page", str(self.page)))
        return params


def load_queries(path: Path) -> list[Query]:
    """Read the queries file: '# kind: NAME' starts a group, filters follow a TAB."""
    queries: list[Query] = []
    kind = "other"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw:
            continue  # a blank line; the empty query is a line holding a TAB
        if raw.startswith("#"):
            marker = re.fullmatch(r"#\s*kind:\s*(\S+)\s*", raw)
            if marker:
                kind = marker.group(1)
            continue
        text, _, rest = raw.partition("\t")
        years: list[int] = []
        types: list[str] = []
        page = 1
        for item in rest.split():
            name, _, value = item.partition("=")
            if name == "year" and re.fullmatch(r"[0-9]{4}", value):
                years.append(int(value))
            elif name == "type" and value in DOC_TYPES:
                types.append(value)
            elif name == "page" and value.isdigit() and int(value) >= 1:
                page = int(value)
            else:
                raise SystemExit(f"{path}:{number}: bad filter {item!r}")
        queries.append(Query(text.strip(), kind, tuple(years), tuple(types), page))
    if not queries:
        raise SystemExit(f"{path}: no queries")
    return queries


# ---------------------------------------------------------------- timing


@dataclass
class Timing:
    """Latencies in ms by query index, the failures, and what each query found."""

    samples: dict[int, list[float]] = field(default_factory=dict)
    totals: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    first_error: str = ""

    def values(self, keep: Callable[[int], bool] = lambda _: True) -> list[float]:
        return [ms for index, values in self.samples.items() if keep(index) for ms in values]


def time_queries(name: str, action: Callable[[Query], int], queries: list[Query],
                 repeat: int) -> Timing:
    """Run every query once to warm up (recording its total), then time it repeat times."""
    timing = Timing()
    failed: set[int] = set()
    for index, item in enumerate(queries):
        try:
            timing.totals[index] = action(item)
        except Exception as error:  # counted, reported; the run goes on
            failed.add(index)
            timing.errors += 1
            if not timing.first_error:
                timing.first_error = f"{item.label}: {type(error).__name__}: {error}"
    if failed:
        log(f"{name}: {len(failed)} queries failed in the warm-up: {timing.first_error}")
    for run in range(repeat):
        for index, item in enumerate(queries):
            if index in failed:
                continue
            start = time.perf_counter()
            try:
                action(item)
            except Exception as error:
                timing.errors += 1
                if not timing.first_error:
                    timing.first_error = f"{item.label}: {type(error).__name__}: {error}"
                continue
            timing.samples.setdefault(index, []).append((time.perf_counter() - start) * 1000)
        log(f"{name}: pass {run + 1}/{repeat} done, p50 so far "
            f"{_fmt(_pct(timing.values(), 0.5))} ms")
    return timing


def of_kind(queries: list[Query], kind: str) -> Callable[[int], bool]:
    """Return a test of a query index: is that query of this kind."""
    return lambda index: queries[index].kind == kind


def _pct(values: list[float], fraction: float) -> float | None:
    return percentile(values, fraction) if values else None


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ratio(value: float | None, reference: float | None) -> str:
    if value is None or not reference:
        return "n/a"
    ratio = value / reference
    return f"{ratio:.2f}x" if ratio < 1 else f"{ratio:.1f}x"


def summary(values: list[float]) -> dict[str, float | int | None]:
    return {"n": len(values), "p50": _pct(values, 0.5), "p95": _pct(values, 0.95),
            "p99": _pct(values, 0.99), "mean": statistics.fmean(values) if values else None,
            "max": max(values) if values else None}


# ---------------------------------------------------------------- source and build


def read_records(source: Path, limit: int) -> Iterator[dict[str, Any]]:
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8") as lines:
        count = 0
        for line in lines:
            if not line.strip():
                continue
            yield json.loads(line)
            count += 1
            if limit and count >= limit:
                return


def write_sample(source: Path, limit: int, target: Path) -> int:
    count = 0
    with gzip.open(target, "wt", encoding="utf-8", compresslevel=1) as out:
        for record in read_records(source, limit):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def build_tracuu(source: Path, target: Path, workers: int) -> dict[str, Any]:
    start = time.perf_counter()
    report = ingest_paths([source], open_index(target, create=True), workers=workers)
    seconds = time.perf_counter() - start
    if report.failed:
        log(f"build: {len(report.failed)} failures, first: {report.failed[0].source}: "
            f"{report.failed[0].reason}")
    return {"docs": report.added, "failed": len(report.failed), "seconds": seconds,
            "docs_per_s": report.added / seconds if seconds else None,
            "index_mib": folder_mib(target), "workers": workers}


# ---------------------------------------------------------------- SQLite FTS5


def fold_d(text: str) -> str:
    """unicode61 folds accents but not đ, which is a letter of its own."""
    return text.replace("đ", "d").replace("Đ", "D")


def record_year(record: dict[str, Any]) -> int | None:
    year = record.get("year")
    if isinstance(year, int):
        return year
    issued = str(record.get("issued") or "")
    return int(issued[:4]) if re.match(r"[0-9]{4}", issued) else None


def build_fts5(source: Path, limit: int, db_path: Path) -> dict[str, Any]:
    start = time.perf_counter()
    con = sqlite3.connect(db_path)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, year UNINDEXED, "
                    "doc_type UNINDEXED, issued UNINDEXED, "
                    "tokenize='unicode61 remove_diacritics 2')")
        rows = ((fold_d(str(r.get("title") or "")), fold_d(str(r.get("body") or "")),
                 record_year(r), r.get("doc_type") or DEFAULT_DOC_TYPE, r.get("issued") or "")
                for r in read_records(source, limit))
        with con:
            con.executemany("INSERT INTO docs(title, body, year, doc_type, issued) "
                            "VALUES (?, ?, ?, ?, ?)", rows)
        with con:
            con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
        (docs,) = con.execute("SELECT count(*) FROM docs").fetchone()
    finally:
        con.close()
    seconds = time.perf_counter() - start
    return {"docs": docs, "seconds": seconds, "docs_per_s": docs / seconds if seconds else None,
            "db_mib": db_path.stat().st_size / MIB}


_CHUNK = re.compile(r'(?P<neg>-)?"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+)')


def _fts_string(text: str) -> str | None:
    """Return text as an FTS5 string (a phrase of its tokens); None when it has no token."""
    text = fold_d(text).strip()
    if not re.search(r"\w", text):
        return None
    return '"' + text.replace('"', '""') + '"'


def fts5_match(text: str) -> str:
    """Translate a user query: words AND-ed, "phrases" kept, -word NOT; '' for no MATCH."""
    positive: list[str] = []
    negative: list[str] = []
    for chunk in _CHUNK.finditer(text):
        if chunk.group("phrase") is not None:
            negated, part = bool(chunk.group("neg")), chunk.group("phrase")
        else:
            part = chunk.group("bare")
            negated = part.startswith("-") and len(part) > 1
            part = part[1:] if negated else part
        string = _fts_string(part)
        if string is not None:
            (negative if negated else positive).append(string)
    if not positive:  # nothing to match (or only exclusions): every row, as tracuu does
        return ""
    expression = " AND ".join(positive)
    if negative:
        expression = f"({expression}) NOT ({' OR '.join(negative)})"
    return expression


class Fts5Search:
    """A full results page from the FTS5 table, in as few passes as it takes."""

    def __init__(self, db_path: Path) -> None:
        self.con = sqlite3.connect(db_path, check_same_thread=False)

    def close(self) -> None:
        self.con.close()

    def page(self, item: Query) -> int:
        match = fts5_match(item.text)
        where: list[str] = ["docs MATCH ?"] if match else []
        args: list[Any] = [match] if match else []
        year_sql = f"year IN ({', '.join('?' * len(item.years))})" if item.years else ""
        type_sql = f"doc_type IN ({', '.join('?' * len(item.types))})" if item.types else ""
        filters, filter_args = list(where), list(args)
        if year_sql:
            filters.append(year_sql)
            filter_args += list(item.years)
        if type_sql:
            filters.append(type_sql)
            filter_args += list(item.types)
        clause = f"WHERE {' AND '.join(filters)}" if filters else ""
        offset = (item.page - 1) * PER_PAGE
        if match:
            top = ("SELECT rowid, title, snippet(docs, 1, '<mark>', '</mark>', '…', 24), rank "
                   f"FROM docs {clause} ORDER BY rank LIMIT ? OFFSET ?")
        else:  # no query: newest first, the opening of the body
            top = (f"SELECT rowid, title, substr(body, 1, 200), 0 FROM docs {clause} "
                   "ORDER BY issued DESC LIMIT ? OFFSET ?")
        hits = self.con.execute(top, [*filter_args, PER_PAGE, offset]).fetchall()
        # One pass over every match gives the total and both facets, each facet
        # under the other one's filter (as tracuu counts them).
        all_where = f"WHERE {' AND '.join(where)}" if where else ""
        cells = self.con.execute(f"SELECT year, doc_type, count(*) FROM docs {all_where} "
                                 "GROUP BY year, doc_type", args).fetchall()
        total = 0
        years: dict[Any, int] = {}
        types: dict[Any, int] = {}
        for year, doc_type, count in cells:
            year_ok = not item.years or year in item.years
            type_ok = not item.types or doc_type in item.types
            if type_ok:
                years[year] = years.get(year, 0) + count
            if year_ok:
                types[doc_type] = types.get(doc_type, 0) + count
            if year_ok and type_ok:
                total += count
        assert len(hits) <= PER_PAGE
        return total


# ---------------------------------------------------------------- naive Whoosh


class NaiveWhoosh:
    """Whoosh's own search on the tracuu index, the way bench/sample_e2e.py calls it."""

    def __init__(self, index_dir: Path) -> None:
        self.ix = open_index(index_dir)
        self.searcher = self.ix.searcher()
        self.facets = sorting.Facets()
        self.facets.add_field("year")
        self.facets.add_field("doc_type")

    def close(self) -> None:
        self.searcher.close()

    def page(self, item: Query) -> int:
        whoosh_query = build_query(item.text, self.searcher.schema).all_words
        filters = []
        if item.years:
            filters.append(wq.Or([wq.Term("year", year) for year in item.years]))
        if item.types:
            filters.append(wq.Or([wq.Term("doc_type", t) for t in item.types]))
        options: dict[str, Any] = {"groupedby": self.facets}
        if filters:
            options["filter"] = wq.And(filters) if len(filters) > 1 else filters[0]
        if not item.text:
            options.update(sortedby="issued", reverse=True)  # no query: newest first
        if item.page > 1:
            page = self.searcher.search_page(whoosh_query, item.page, pagelen=PER_PAGE,
                                             **options)
            results = page.results
            hits = list(page) if page.total else []
        else:
            results = self.searcher.search(whoosh_query, limit=PER_PAGE, **options)
            hits = list(results)
        results.fragmenter = highlight.ContextFragmenter()
        for hit in hits:
            hit.highlights("content", text=hit["body"])
        results.groups("year")
        results.groups("doc_type")
        return len(results)


# ---------------------------------------------------------------- HTTP


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[float, int]:
    """GET url and read the body; return (ms, HTTP status), status 0 when no answer came."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as error:
        error.read()
        status = error.code
    except OSError:
        status = 0
    return (time.perf_counter() - start) * 1000, status


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def gunicorn_master(pid: int) -> int:
    """`tracuu serve` execs gunicorn (same pid); otherwise gunicorn is its child."""
    if "gunicorn" in _cmdline(pid):
        return pid
    for child in _children(pid):
        if "gunicorn" in _cmdline(child):
            return child
    return pid


def memory_of(pid: int) -> dict[str, float]:
    """Return RSS and PSS (MiB) of one process from /proc/<pid>/smaps_rollup."""
    values = {"rss_mib": 0.0, "pss_mib": 0.0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("Rss", "Pss"):
                values[f"{name.lower()}_mib"] = int(rest.split()[0]) / 1024
    except OSError:
        pass
    return values


def serving_memory(master: int) -> dict[str, Any]:
    processes: list[dict[str, Any]] = [{"role": "master", "pid": master, **memory_of(master)}]
    processes += [{"role": "worker", "pid": child, **memory_of(child)}
                  for child in sorted(_children(master))]
    return {"processes": processes,
            "total_pss_mib": sum(float(p["pss_mib"]) for p in processes),
            "total_rss_mib": sum(float(p["rss_mib"]) for p in processes)}


def run_http(index_dir: Path, queries: list[Query], args: argparse.Namespace,
             work: Path) -> tuple[Timing, dict[str, Any]]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    tracuu = Path(sys.executable).parent / "tracuu"
    # The search is measured, not the public's per-address limit (every request
    # comes from one address here): TRACUU_API_RATE_LIMIT from the caller, else none.
    env = {**os.environ, "TRACUU_WORKERS": str(SERVER_WORKERS),
           "TRACUU_API_RATE_LIMIT": os.environ.get("TRACUU_API_RATE_LIMIT", ""),
           "TRACUU_INSTANCE_DIR": str(work / "instance")}
    server_log = work / "server.log"
    with open(server_log, "wb") as log_file:
        server = subprocess.Popen(
            [str(tracuu), "serve", "--index", str(index_dir), "--bind", f"127.0.0.1:{port}"],
            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=log_file)
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"tracuu serve exited with {server.returncode}: "
                                   + server_log.read_text(errors="replace")[-2000:])
            if fetch(f"{base}/healthz")[1] == 200:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("tracuu serve did not answer /healthz within 120 s")
            time.sleep(0.2)
        master = gunicorn_master(server.pid)
        log(f"http: gunicorn master {master}, workers {_children(master)} on port {port}")
        # Concurrent requests so that every worker opens its searcher before timing.
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(fetch, [f"{base}/healthz"] * 4 * SERVER_WORKERS))
        urls = [f"{base}/api/v1/search?{urllib.parse.urlencode(q.params())}" for q in queries]
        url_of = dict(zip(queries, urls, strict=True))

        def get(item: Query) -> int:
            _, status = fetch(url_of[item])
            if status != 200:
                raise RuntimeError(f"HTTP {status}")
            return status

        timing = time_queries("http", get, queries, args.repeat)

        load_urls = [urls[i % len(urls)] for i in range(args.requests)]
        log(f"http: {args.requests} requests from {args.concurrency} threads")
        with ThreadPoolExecutor(args.concurrency) as pool:
            start = time.perf_counter()
            outcomes = list(pool.map(fetch, load_urls))
            seconds = time.perf_counter() - start
        under_load = [ms for ms, _ in outcomes]
        failures = sum(1 for _, status in outcomes if status != 200)
        throughput = {"requests": len(outcomes), "concurrency": args.concurrency,
                      "seconds": seconds, "req_per_s": len(outcomes) / seconds,
                      "p50": _pct(under_load, 0.5), "p95": _pct(under_load, 0.95),
                      "p99": _pct(under_load, 0.99), "failures": failures,
                      "statuses": sorted({status for _, status in outcomes})}
        memory = serving_memory(master)
        return timing, {"throughput": throughput, "memory": memory, "port": port}
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# ---------------------------------------------------------------- report


def report(queries: list[Query], timings: dict[str, Timing], figures: dict[str, Any]) -> None:
    reference = timings.get("function")
    ref_values = reference.values() if reference else []
    ref50, ref95 = _pct(ref_values, 0.5), _pct(ref_values, 0.95)
    kinds = list(dict.fromkeys(q.kind for q in queries))
    print(f"{len(queries)} queries ({', '.join(kinds)}) x {figures['repeat']} after a "
          "warm-up; full results page: top 10, total, year/doc_type facets, snippets; "
          f"{figures['docs']} documents; {os.cpu_count()} CPUs")
    print()
    print("| engine | p50 ms | p95 ms | p99 ms | p50 vs function | p95 vs function |")
    print("|---|---:|---:|---:|---:|---:|")
    for engine in ENGINES:
        timing = timings.get(engine)
        if timing is None:
            print(f"| {ROW_NAMES[engine]} | skipped | | | | |")
            continue
        values = timing.values()
        p50, p95, p99 = _pct(values, 0.5), _pct(values, 0.95), _pct(values, 0.99)
        errors = f" ({timing.errors} errors)" if timing.errors else ""
        print(f"| {ROW_NAMES[engine]}{errors} | {_fmt(p50)} | {_fmt(p95)} | {_fmt(p99)} | "
              f"{_ratio(p50, ref50)} | {_ratio(p95, ref95)} |")
    print()
    build = figures.get("build")
    if build:
        print(f"- build (tracuu ingest, {build['workers']} workers): {build['docs']} docs in "
              f"{build['seconds']:.1f} s, {_fmt(build['docs_per_s'], 0)} docs/s, index "
              f"{build['index_mib']:.1f} MiB")
    else:
        print(f"- build: skipped (--index {figures['index_dir']}, {figures['docs']} docs, "
              f"{figures['index_mib']:.1f} MiB)")
    fts = figures.get("fts5_build")
    if fts:
        print(f"- FTS5 build: {fts['docs']} docs in {fts['seconds']:.1f} s, "
              f"{_fmt(fts['docs_per_s'], 0)} docs/s, DB {fts['db_mib']:.1f} MiB")
    for engine in ENGINES:
        timing = timings.get(engine)
        if timing is None:
            continue
        phrase = timing.values(lambda i: queries[i].phrase)
        plain = timing.values(lambda i: not queries[i].phrase)
        p50p, p95p, p50n, p95n = (_pct(phrase, 0.5), _pct(phrase, 0.95), _pct(plain, 0.5),
                                  _pct(plain, 0.95))
        print(f"- phrase vs plain, {ROW_NAMES[engine]}: phrase p50 {_fmt(p50p)} / p95 "
              f"{_fmt(p95p)} ms, plain p50 {_fmt(p50n)} / p95 {_fmt(p95n)} ms, ratio p50 "
              f"{_ratio(p50p, p50n)}, p95 {_ratio(p95p, p95n)}")
    http = figures.get("http")
    if http:
        load = http["throughput"]
        print(f"- HTTP throughput at concurrency {load['concurrency']}: "
              f"{load['req_per_s']:.1f} req/s ({load['requests']} requests in "
              f"{load['seconds']:.1f} s), p50 {_fmt(load['p50'])} ms, p95 {_fmt(load['p95'])} "
              f"ms under load, {load['failures']} failed (non-200)")
        memory = http["memory"]
        parts = ", ".join(f"{p['role']} {p['pid']}: RSS {p['rss_mib']:.1f} / PSS "
                          f"{p['pss_mib']:.1f}" for p in memory["processes"])
        print(f"- serving memory after the load: PSS total {memory['total_pss_mib']:.1f} MiB "
              f"(RSS total {memory['total_rss_mib']:.1f} MiB); {parts} MiB")
    totals_line = compare_totals(queries, timings)
    if totals_line:
        print(totals_line)
    for engine, timing in timings.items():
        if timing.errors:
            print(f"- {ROW_NAMES[engine]}: {timing.errors} errors, first: {timing.first_error}")
    print()
    header = " | ".join(f"{ROW_NAMES[e].split(' (')[0]} p50 / p95" for e in ENGINES
                        if e in timings)
    print(f"| kind | queries | {header} |")
    print("|---|---:|" + "---:|" * len(timings))
    for kind in kinds:
        cells = []
        for engine in ENGINES:
            if engine not in timings:
                continue
            values = timings[engine].values(of_kind(queries, kind))
            cells.append(f"{_fmt(_pct(values, 0.5))} / {_fmt(_pct(values, 0.95))}")
        count = sum(1 for q in queries if q.kind == kind)
        print(f"| {kind} | {count} | {' | '.join(cells)} |")


def compare_totals(queries: list[Query], timings: dict[str, Timing]) -> str:
    """Say how often the baselines found as many matches as tracuu, which does more
    work on purpose: more than 3 words need only half of them, and a query that
    no document matches whole falls back to documents with any of its words."""
    ours = timings["function"].totals if "function" in timings else {}
    parts = []
    for engine in ("fts5", "whoosh"):
        if engine not in timings:
            continue
        theirs = timings[engine].totals
        shared = [i for i in ours if i in theirs]
        if not shared:
            continue
        same = sum(1 for i in shared if ours[i] == theirs[i])
        more = sum(1 for i in shared if ours[i] > theirs[i])
        parts.append(f"{ROW_NAMES[engine]} same total on {same}/{len(shared)} queries, "
                     f"tracuu more on {more} (sum {sum(ours[i] for i in shared)} against "
                     f"{sum(theirs[i] for i in shared)})")
    if not parts:
        return ""
    return ("- matches (tracuu relaxes AND beyond 3 words and falls back to any word): "
            + "; ".join(parts))


def to_json(queries: list[Query], timings: dict[str, Timing],
            figures: dict[str, Any]) -> dict[str, Any]:
    engines: dict[str, Any] = {}
    for engine, timing in timings.items():
        kinds = dict.fromkeys(q.kind for q in queries)
        engines[engine] = {
            "name": ROW_NAMES[engine], **summary(timing.values()),
            "errors": timing.errors, "first_error": timing.first_error,
            "phrase": summary(timing.values(lambda i: queries[i].phrase)),
            "plain": summary(timing.values(lambda i: not queries[i].phrase)),
            "by_kind": {kind: summary(timing.values(of_kind(queries, kind))) for kind in kinds},
        }
    per_query = []
    for index, item in enumerate(queries):
        row: dict[str, Any] = {"query": item.text, "kind": item.kind, "years": item.years,
                               "types": item.types, "page": item.page}
        for engine, timing in timings.items():
            samples = timing.samples.get(index, [])
            row[f"{engine}_median_ms"] = statistics.median(samples) if samples else None
            if engine != "http":
                row[f"{engine}_total"] = timing.totals.get(index)
        per_query.append(row)
    return {**figures, "engines": engines, "queries": per_query}


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--index", type=Path, default=None,
                        help="an index built already: skip the build")
    parser.add_argument("--limit", type=int, default=0, help="first N records only")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="ingest processes for the build")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--skip", nargs="+", choices=["fts5", "whoosh", "http"], default=[])
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("--json", type=Path, default=None, help="write every figure here")
    args = parser.parse_args()
    queries = load_queries(args.queries)
    log(f"{len(queries)} queries from {args.queries}")
    work = Path(tempfile.mkdtemp(prefix="tracuu-news-rss-"))
    try:
        source = args.source
        if args.limit and not args.index:  # FTS5 reads --source with --limit itself
            source = work / "sample.jsonl.gz"
            count = write_sample(args.source, args.limit, source)
            log(f"sample: first {count} records of {args.source}")
        figures: dict[str, Any] = {"source": str(args.source), "limit": args.limit,
                                   "repeat": args.repeat, "cpus": os.cpu_count()}
        if args.index:
            index_dir = args.index.resolve()
        else:
            index_dir = work / "index"
            log(f"build: tracuu ingest of {source} with {args.workers} workers")
            figures["build"] = build_tracuu(source, index_dir, args.workers)
            log(f"build: {figures['build']['docs']} docs in "
                f"{figures['build']['seconds']:.1f} s")
        figures["index_dir"] = str(index_dir)
        figures["index_mib"] = folder_mib(index_dir)

        timings: dict[str, Timing] = {}
        search_index = SearchIndex(index_dir)
        try:
            figures["docs"] = search_index.stats()["documents"]

            def tracuu_page(item: Query) -> int:
                result = search_index.search(SearchRequest(
                    query=item.text, years=item.years, types=item.types, page=item.page,
                    per_page=PER_PAGE))
                return int(result.total)

            log("tracuu search function")
            timings["function"] = time_queries("function", tracuu_page, queries, args.repeat)
        finally:
            search_index.close()

        if "whoosh" not in args.skip:
            naive = NaiveWhoosh(index_dir)
            try:
                log("naive Whoosh")
                timings["whoosh"] = time_queries("whoosh", naive.page, queries, args.repeat)
            finally:
                naive.close()

        if "fts5" not in args.skip:
            db_path = work / "fts5.db"
            log("FTS5 build")
            figures["fts5_build"] = build_fts5(args.source, args.limit, db_path)
            if figures["fts5_build"]["docs"] != figures["docs"]:
                log(f"note: FTS5 holds {figures['fts5_build']['docs']} records, the tracuu "
                    f"index {figures['docs']} documents")
            fts = Fts5Search(db_path)
            try:
                log("FTS5 queries")
                timings["fts5"] = time_queries("fts5", fts.page, queries, args.repeat)
            finally:
                fts.close()

        if "http" not in args.skip:
            log("HTTP: starting tracuu serve")
            timings["http"], figures["http"] = run_http(index_dir, queries, args, work)

        report(queries, timings, figures)
        if args.json:
            args.json.write_text(json.dumps(to_json(queries, timings, figures),
                                            ensure_ascii=False, indent=2), encoding="utf-8")
            log(f"wrote {args.json}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
