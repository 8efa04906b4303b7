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
from pathlib import Path

import pytest

from tests.conftest import PROJECT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wait_healthy(base: str, process: subprocess.Popen) -> dict:  # type: ignore[type-arg]
    """Wait until the server answers /healthz; return its answer."""
    deadline = time.monotonic() + 30
    while True:
        try:
            status, body = get(f"{base}/healthz")
            if status == 200:
                return body
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"gunicorn did not start on {base}:\n{output}")
        time.sleep(0.2)


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
    process = subprocess.Popen(command, cwd=cwd, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://{bind}"
    try:
        wait_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()


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
    log = (tmp_path / "server.log").open("w+b")
    process = subprocess.Popen([str(tracuu), "serve", "--bind", bind, "--index", str(index)],
                               cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://{bind}"
    try:
        before = wait_healthy(base, process)
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
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.seek(0)
        output = log.read().decode()
        log.close()
    assert "opened generation" in output
