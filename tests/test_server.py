"""The real gunicorn, started on a free loopback port, answering over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from tests.conftest import PROJECT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wait_healthy(base: str, process: subprocess.Popen[bytes],
                 log: IO[bytes] | None = None) -> dict[str, Any]:
    """Wait until the server answers /healthz; return its answer (or fail with its log)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            status, body = get(f"{base}/healthz")
            if status == 200:
                return body
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            source = log if log is not None else process.stdout
            if log is not None:
                log.seek(0)
            output = source.read().decode(errors="replace") if source else ""
            pytest.fail(f"gunicorn did not start on {base}:\n{output}")
        time.sleep(0.2)


@dataclass
class Served:
    """A gunicorn master answering at base; its log, once it has stopped."""

    process: subprocess.Popen[bytes]
    base: str
    output: str = ""


@contextmanager
def serving(command: list[str], bind: str, *, cwd: Path, log_path: Path,
            env: dict[str, str] | None = None) -> Iterator[Served]:
    """Start a server command, wait for its /healthz, and stop it at the end.

    The log goes to a file, not a pipe: nobody reads a pipe while the server
    runs, and a long access log would fill it.
    """
    with log_path.open("w+b") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        served = Served(process, f"http://{bind}")
        try:
            wait_healthy(served.base, process, log)
            yield served
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.seek(0)
            served.output = log.read().decode(errors="replace")


@pytest.fixture(params=["gunicorn", "tracuu serve"])
def server(request: pytest.FixtureRequest, index_dir: Path, tmp_path: Path) -> Iterator[str]:
    """Start gunicorn as `make run` does (gunicorn.conf.py) or through `tracuu serve`."""
    bind = f"127.0.0.1:{free_port()}"
    if request.param == "gunicorn":
        env = {**os.environ, "TRACUU_BIND": bind, "TRACUU_INDEX_DIR": str(index_dir)}
        command, cwd = [sys.executable, "-m", "gunicorn"], PROJECT
    else:
        env = {name: value for name, value in os.environ.items()
               if name not in ("TRACUU_BIND", "TRACUU_INDEX_DIR")}
        tracuu = Path(sys.executable).with_name("tracuu")
        command = [str(tracuu), "serve", "--bind", bind, "--index", str(index_dir)]
        cwd = tmp_path  # works from any folder: no gunicorn.conf.py there
    with serving(command, bind, cwd=cwd, log_path=tmp_path / "server.log", env=env) as served:
        yield served.base


def test_gunicorn_serves_the_api(server: str) -> None:
    status, body = get(f"{server}/api/v1/search?q=ke+hoach&year=2016")
    assert status == 200
    assert body["total"] > 0 and all(hit["year"] == 2016 for hit in body["results"])
    status, body = get(f"{server}/api/v1/search?per_page=0")
    assert status == 400 and body["error"]["code"] == "invalid_parameter"
    with urllib.request.urlopen(f"{server}/?q=nghi+quyet", timeout=10) as response:
        page = response.read().decode()
    assert response.status == 200 and "<mark>" in page


def test_preloaded_server_picks_up_a_new_generation(index_dir: Path, tmp_path: Path) -> None:
    """Postings are read before the fork; a later ingest is served without a restart."""
    index = tmp_path / "index"
    shutil.copytree(index_dir, index)
    bind = f"127.0.0.1:{free_port()}"
    tracuu = Path(sys.executable).with_name("tracuu")
    command = [str(tracuu), "serve", "--bind", bind, "--index", str(index)]
    with serving(command, bind, cwd=tmp_path, log_path=tmp_path / "server.log") as served:
        base = served.base
        before = get(f"{base}/healthz")[1]
        query = f"{base}/api/v1/search?q=" + "quasarion"
        status, body = get(query)
        assert status == 200 and body["total"] == 0
        record = {"id": "moi-1", "title": "Kính thiên văn Quasarion", "body": "Bài mới.",
                  "doc_type": "tin-tuc", "issued": "2026-11-27"}
        source = tmp_path / "new.jsonl"
        source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
        subprocess.run([str(tracuu), "ingest", str(source), "--index", str(index)],
                       check=True, capture_output=True)
        # Both workers answer the new generation, and nothing fails meanwhile.
        statuses = [get(query) for _ in range(12)]
        assert all(status == 200 for status, _ in statuses)
        assert all(body["total"] == 1 for _, body in statuses)
        status, health = get(f"{base}/healthz")
        assert health["generation"] > before["generation"]
        assert health["documents"] == before["documents"] + 1
    assert "opened generation" in served.output
