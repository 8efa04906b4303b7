"""Serving through new generations, rebuilds, a HUP and a killed worker, with the real gunicorn."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.test_server import Served, free_port, get, serving

TRACUU = Path(sys.executable).with_name("tracuu")
# Letters for the word that marks each batch of documents ("lô" a, b, c, ...).
_BATCH_LETTERS = "abcdefgh"


def batch_word(batch: int) -> str:
    """Return the word that only the documents of one batch hold."""
    return "dotx" + _BATCH_LETTERS[batch] * 3


def write_batch(folder: Path, batch: int, count: int, visibility: str = "public") -> Path:
    """Write a JSON Lines file of count documents marked with the batch's word."""
    word = batch_word(batch)
    path = folder / f"batch-{batch}-{visibility}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            record = {"id": f"{visibility}-{batch}-{number}",
                      "title": f"Thông báo {word} số {number}",
                      "body": f"Nội dung {word} của văn bản {number}, lô {batch}.",
                      "doc_type": "thong-bao", "issued": f"20{10 + batch}-0{1 + number % 9}-15",
                      "visibility": visibility}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def tracuu(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run the tracuu command; fail the test with its output if it fails."""
    done = subprocess.run([str(TRACUU), *map(str, args)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def children(pid: int) -> set[int]:
    """Return the pids of a process's children (gunicorn's workers)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The parent pid is the second field after the command name in parentheses.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


class Workers:
    """The workers of a served gunicorn master, replaced by a HUP or a kill."""

    def __init__(self, served: Served) -> None:
        self.served = served

    def workers(self) -> set[int]:
        return children(self.served.process.pid)

    def replace_workers(self, send: Any, every: bool = True) -> None:
        """Do send() (a HUP, a kill), then wait until two workers run again, none (or,
        without every, not all) of them those that ran before."""
        before = self.workers()
        send()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            now = self.workers()
            if len(now) == 2 and (not now & before if every else now != before):
                return
            time.sleep(0.05)
        pytest.fail(f"workers were not replaced: {before} -> {self.workers()}")

    def hup(self) -> None:
        os.kill(self.served.process.pid, signal.SIGHUP)

    @property
    def base(self) -> str:
        return self.served.base


@pytest.fixture()
def serve(tmp_path: Path) -> Iterator[Any]:
    """Start `tracuu serve` on an index folder; stop it, its log free of tracebacks."""
    with ExitStack() as stack:
        started: list[Served] = []

        def start(index: Path) -> Workers:
            bind = f"127.0.0.1:{free_port()}"
            command = [str(TRACUU), "serve", "--bind", bind, "--index", str(index)]
            started.append(stack.enter_context(serving(
                command, bind, cwd=tmp_path, log_path=tmp_path / f"server-{len(started)}.log")))
            return Workers(started[-1])

        yield start
    for served in started:
        assert "Traceback" not in served.output, served.output


def search(base: str, query: str = "", **params: str) -> tuple[int, dict[str, Any]]:
    return get(f"{base}/api/v1/search?" + urllib.parse.urlencode({"q": query, **params}))


def test_a_rebuilt_index_and_a_hup_never_serve_the_old_arrays(tmp_path: Path, serve: Any
                                                              ) -> None:
    """rm -rf, a new index of internal documents with the same generation number, a HUP:
    the public sees none of them, and nothing answers 500."""
    index = tmp_path / "ix"
    tracuu("ingest", write_batch(tmp_path, 0, 40), "--index", index)
    server = serve(index)
    assert search(server.base)[1]["total"] == 40
    shutil.rmtree(index)
    tracuu("ingest", write_batch(tmp_path, 1, 10, "internal"), "--index", index)
    server.replace_workers(server.hup)
    for _ in range(30):
        status, body = search(server.base)
        assert (status, body["total"], body["results"]) == (200, 0, [])
        status, body = search(server.base, batch_word(1))
        assert (status, body["total"]) == (200, 0)
        status, health = get(f"{server.base}/healthz")
        assert (status, health["documents"]) == (200, 0)


def test_no_index_answers_503_until_one_is_built(tmp_path: Path, serve: Any) -> None:
    index = tmp_path / "ix"
    tracuu("ingest", write_batch(tmp_path, 0, 5), "--index", index)
    server = serve(index)
    shutil.rmtree(index)
    for path in ("/api/v1/search?q=x", "/healthz", "/api/v1/documents/public-0-1"):
        status, body = get(server.base + path)
        assert status == 503 and body["error"]["code"] == "index_missing", (path, body)
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(server.base + "/?q=x", timeout=10)
    page = answer.value.read().decode()
    assert answer.value.code == 503 and answer.value.headers["Retry-After"] == "30"
    assert "Tạm thời chưa tìm kiếm được" in page and "thử lại sau" in page
    tracuu("ingest", write_batch(tmp_path, 2, 3), "--index", index)
    status, body = search(server.base)
    assert (status, body["total"]) == (200, 3)


@dataclass
class Client:
    """A bounded client loop checking every answer for failures and mixed generations."""

    base: str
    words: list[str]
    answers: int = 0
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    paused: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        deadline = time.monotonic() + 120
        while not self.stop.is_set() and time.monotonic() < deadline:
            if self.paused.is_set():
                time.sleep(0.01)
                continue
            for word in ["", *self.words]:
                self._check(word)

    def _check(self, word: str) -> None:
        try:
            status, body = search(self.base, word, per_page="50")
        except OSError as error:
            self.failures.append(f"{word!r}: {error}")
            return
        self.answers += 1
        if status != 200:
            self.failures.append(f"{word!r}: {status} {body}")
            return
        # One generation per answer: the facets count what the total counts, and every
        # hit holds the word its postings say it holds.
        if sum(value["count"] for value in body["facets"]["year"]) != body["total"]:
            self.failures.append(f"{word!r}: facets disagree with total {body['total']}")
        if word and any(word not in hit["title"] for hit in body["results"]):
            self.failures.append(f"{word!r}: a hit without the word: {body['results']}")
        if body["total"] % 20:
            self.failures.append(f"{word!r}: {body['total']} is no whole number of batches")


def _visible_within(base: str, word: str, count: int) -> float:
    """Return how long after now the search for word answers count documents."""
    started = time.monotonic()
    while time.monotonic() - started < 10:
        status, body = search(base, word)
        if status == 200 and body["total"] == count:
            return time.monotonic() - started
        time.sleep(0.02)
    pytest.fail(f"{word} never answered {count} documents")


def test_serving_through_ingests_a_rebuild_a_hup_and_a_killed_worker(tmp_path: Path,
                                                                     serve: Any) -> None:
    index = tmp_path / "ix"
    batches = [write_batch(tmp_path, batch, 20) for batch in range(6)]
    tracuu("ingest", batches[0], "--index", index)
    server = serve(index)
    client = Client(server.base, [batch_word(batch) for batch in range(6)])
    thread = threading.Thread(target=client.run)
    thread.start()
    try:
        delays = []
        for batch in (1, 2):  # incremental ingests
            tracuu("ingest", batches[batch], "--index", index, "--workers", "1")
            delays.append(_visible_within(server.base, batch_word(batch), 20))
        tracuu("rebuild", *batches[:4], "--index", index)
        delays.append(_visible_within(server.base, batch_word(3), 20))
        server.replace_workers(server.hup)
        tracuu("ingest", batches[4], "--index", index)
        delays.append(_visible_within(server.base, batch_word(4), 20))

        def kill_one() -> None:
            client.paused.set()  # a request inside the killed worker is lost with it
            time.sleep(0.05)
            os.kill(min(server.workers()), signal.SIGKILL)
            client.paused.clear()

        server.replace_workers(kill_one, every=False)
        tracuu("ingest", batches[5], "--index", index)
        delays.append(_visible_within(server.base, batch_word(5), 20))
        time.sleep(0.5)
    finally:
        client.stop.set()
        thread.join(timeout=60)
    assert client.failures == []
    assert client.answers > 100
    assert max(delays) < 1.0, delays
    status, body = search(server.base)
    assert (status, body["total"]) == (200, 120)
    # The build replaced by the rebuild is gone once no worker reads it.
    assert len(list((index / "builds").iterdir())) == 1
