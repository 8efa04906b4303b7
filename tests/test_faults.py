"""Faults of the index: one writer at a time, damaged files, a full disk, a read-only folder.

Each fault is said in one line, never with a traceback, and exits 3 (another
writer holds the index) or 4 (damaged or cannot be written). The real
`tracuu` runs in a subprocess wherever that matters.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from whoosh.filedb.filestore import FileStorage

from index import derived, layout, whoosh_private
from index.check import check_index
from index.faults import IndexDamaged
from index.store import open_index
from ingest.pipeline import ingest_paths
from search import SearchIndex, SearchRequest
from tests.conftest import INSTANCE_SETTINGS, SAMPLES
from tests.test_server import free_port, get, wait_healthy

TRACUU = Path(sys.executable).with_name("tracuu")
QUERY = "ke hoach"
# Fault lines besides the one error line: what check found, which inputs failed.
DETAIL_PREFIXES = ("problem: ", "failed: ", "warning: ")


@dataclass
class Run:
    """What a finished `tracuu` said and how long it took."""

    status: int
    stdout: str
    stderr: str
    seconds: float

    def error(self) -> str:
        """Return the one error line (asserting it is the only one, and no traceback)."""
        output = self.stdout + self.stderr
        assert "Traceback" not in output, output
        lines = self.stderr.splitlines()
        errors = [line for line in lines if line.startswith("error: ")]
        assert len(errors) == 1, output
        others = [line for line in lines if line not in errors]
        assert all(line.startswith(DETAIL_PREFIXES) for line in others), output
        return errors[0]


def _environment() -> dict[str, str]:
    # The tests' own instance folder and API limit (conftest) are kept.
    return {name: value for name, value in os.environ.items()
            if not name.startswith("TRACUU_") or name in INSTANCE_SETTINGS}


def start(*args: str | Path, preexec_fn: Callable[[], None] | None = None
          ) -> subprocess.Popen[str]:
    """Start `tracuu args...` (use finish() for what it says)."""
    return subprocess.Popen([str(TRACUU), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_environment(),
                            preexec_fn=preexec_fn)


def finish(process: subprocess.Popen[str], started: float) -> Run:
    """Wait for a started `tracuu` and return what it said."""
    stdout, stderr = process.communicate(timeout=120)
    return Run(process.returncode, stdout, stderr, time.monotonic() - started)


def tracuu(*args: str | Path, preexec_fn: Callable[[], None] | None = None) -> Run:
    """Run `tracuu args...` to its end."""
    started = time.monotonic()
    return finish(start(*args, preexec_fn=preexec_fn), started)


def together(*commands: tuple[str | Path, ...]) -> list[Run]:
    """Run several `tracuu` commands at once (they only read); return each one's Run."""
    started = time.monotonic()
    processes = [start(*command) for command in commands]
    return [finish(process, started) for process in processes]


def records(count: int, prefix: str) -> Iterator[dict[str, str]]:
    """Yield records of some 300 words each, the same ones on every run."""
    words = ("nghị quyết kế hoạch chỉ thị báo cáo hội thảo khoa học kỹ thuật sáng tạo "
             "thanh niên phản biện giám định xã hội đường giao thông nông thôn").split()
    chosen = random.Random(prefix)
    for number in range(count):
        yield {"id": f"{prefix}-{number}",
               "title": " ".join(chosen.choices(words, k=8)) + f" {prefix}{number}",
               "body": " ".join(chosen.choices(words, k=300)) + f" w{chosen.randrange(10**6)}",
               "doc_type": "tin-tuc", "issued": f"20{10 + number % 10}-01-0{1 + number % 9}"}


def write_records(path: Path, count: int, prefix: str) -> Path:
    """Write count records to a JSON Lines file at path; return path."""
    with path.open("w", encoding="utf-8") as out:
        for record in records(count, prefix):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def listing(root: Path) -> dict[str, str]:
    """Return every folder and file under root, files with a digest of their bytes.

    writer.lock is left out: it names the last writer, whatever that writer did.
    """
    found = {}
    for path in sorted(root.rglob("*")):
        if path.name == layout.WRITER_LOCK:
            continue
        key = path.relative_to(root).as_posix()
        found[key] = "folder" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def served(home: Path) -> tuple[Path, Any]:
    """Return the served build's folder and its newest table of contents."""
    build = layout.current_build(home)
    assert build is not None
    return build.folder, whoosh_private.read_toc(str(build.folder))


def segment_file(home: Path, suffix: str) -> Path:
    """Return the file of the served index's one segment that ends with suffix."""
    folder, toc = served(home)
    (segment,) = toc.segments
    return folder / f"{segment.segment_id()}{suffix}"


def derived_file(home: Path) -> Path:
    """Return the derived file of the served index's one segment."""
    folder, toc = served(home)
    (segment,) = toc.segments
    return derived.file_for(folder, segment.segment_id())


def truncate(path: Path, size: int | None = None) -> None:
    """Cut a file to size bytes (half of it by default)."""
    os.truncate(path, path.stat().st_size // 2 if size is None else size)


def flip(path: Path, offset: int) -> None:
    """Flip one bit of the byte at offset (negative: from the end)."""
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x10
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the samples' index once for the module (copy it before damaging it)."""
    home = tmp_path_factory.mktemp("faults") / "index"
    report = ingest_paths([SAMPLES], open_index(home, create=True), workers=1)
    assert report.added == 47 and not report.failed
    return home


@pytest.fixture(scope="module")
def baseline(built: Path) -> str:
    """Return what `tracuu search QUERY --json` prints over the intact index."""
    run = tracuu("search", QUERY, "--json", "--index", built)
    assert run.status == 0 and json.loads(run.stdout)["total"] > 10, run
    return run.stdout


@pytest.fixture(scope="module")
def answers(built: Path) -> dict[str, Any]:
    """Return what SearchIndex answers over the intact index, as JSON."""
    index = SearchIndex(built)
    try:
        return index.search(SearchRequest(query=QUERY)).to_json()
    finally:
        index.close()


@pytest.fixture(scope="module")
def bigger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return 300 records whose index is about twice the samples' (some 3 MB)."""
    return write_records(tmp_path_factory.mktemp("records") / "bigger.jsonl", 300, "lon")


@pytest.fixture()
def home(built: Path, tmp_path: Path) -> Path:
    """Return a copy of the samples' index, to damage."""
    copy = tmp_path / "index"
    shutil.copytree(built, copy)
    return copy


# One writer at a time.

HOLDER = """
import sys, time
from pathlib import Path
from index.layout import writer_lock
with writer_lock(Path(sys.argv[1]), command="ingest"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


@contextmanager
def lock_holder(home: Path, seconds: float = 120) -> Iterator[subprocess.Popen[str]]:
    """Run a process that holds the writer lock for seconds; yield it once it holds it."""
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(home), str(seconds)],
                               stdout=subprocess.PIPE, text=True, env=_environment())
    try:
        assert process.stdout is not None and process.stdout.readline() == "held\n"
        yield process
    finally:
        process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.parametrize("command", [("ingest", SAMPLES), ("rebuild", SAMPLES),
                                     ("check", "--repair")], ids=lambda c: c[0])
def test_a_second_writer_waits_then_names_the_holder(home: Path,
                                                     command: tuple[str, Path | str]) -> None:
    before = listing(home)
    with layout.writer_lock(home):
        run = tracuu(*command, "--index", home, "--wait", "0.5")
    assert run.status == 3, run
    line = run.error()
    assert f"pid {os.getpid()}" in line and "'tracuu ingest'" in line
    assert f"started {time.strftime('%Y-%m-%d')}" in line
    assert str(home) in line and "--wait SECONDS" in line
    # It waited for the lock, then gave up: about half a second, plus starting Python.
    assert 0.5 <= run.seconds < 5, run.seconds
    assert listing(home) == before


def test_a_writer_waits_for_the_lock_to_be_released(home: Path) -> None:
    with lock_holder(home, seconds=1.5) as holder:
        run = tracuu("ingest", SAMPLES, "--index", home, "--wait", "30", "--workers", "1")
        assert holder.wait() == 0
    assert run.status == 0 and "unchanged 47" in run.stdout, run


def test_a_lock_left_by_a_killed_writer_is_taken_over(home: Path) -> None:
    with lock_holder(home) as holder:
        run = tracuu("ingest", SAMPLES, "--index", home)
        assert run.status == 3 and f"pid {holder.pid}," in run.error(), run
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert json.loads((home / layout.WRITER_LOCK).read_text())["pid"] == holder.pid
        # No waiting: the kernel dropped the dead writer's lock.
        run = tracuu("ingest", SAMPLES, "--index", home, "--wait", "0", "--workers", "1")
    assert run.status == 0 and "unchanged 47" in run.stdout, run


def test_the_next_writer_removes_what_a_killed_run_left(home: Path) -> None:
    before = listing(home)
    folder, toc = served(home)
    (segment,) = toc.segments
    leftovers = [
        folder / "MAIN_xxxxxxxxxxxxxxxx.trm",  # a segment no table of contents lists
        folder / "MAIN_xxxxxxxxxxxxxxxx._stored.col",
        folder / "MAIN.tmp" / "a1b2c3.doclist",  # Whoosh's temporary folder
        folder / f"_MAIN_{toc.generation + 1}.toc.1764620000.25",  # a TOC being written
        folder / f"_MAIN_{toc.generation - 1}.toc",  # killed between a commit and its clean-up
        folder / "derived" / "MAIN_zzzzzzzzzzzzzzzz.arrays",  # of a segment that is gone
        folder / "derived" / f"{segment.segment_id()}.arrays.4242.tmp",
        folder / f".{layout.IDENTITY}.4242.tmp",
        home / layout.BUILDS / uuid.uuid4().hex / "_MAIN_1.toc",  # a rebuild never served
        home / f".{layout.POINTER}.4242.tmp",  # a pointer being replaced
    ]
    for path in leftovers:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"left by a killed writer")
    run = tracuu("ingest", SAMPLES, "--index", home, "--workers", "1")
    assert run.status == 0 and "unchanged 47" in run.stdout, run
    assert listing(home) == before


@pytest.mark.parametrize("workers", [1, 2])
def test_an_ingest_killed_mid_write_leaves_the_index_and_no_orphan(
        home: Path, bigger: Path, baseline: str, workers: int) -> None:
    before = listing(home)
    folder, toc = served(home)
    known = set(os.listdir(folder))
    started = time.monotonic()
    process = start("ingest", bigger, "--index", home, "--workers", str(workers))
    try:
        while not any(name.startswith("MAIN_") for name in set(os.listdir(folder)) - known):
            assert process.poll() is None, finish(process, started)
            assert time.monotonic() - started < 60
            time.sleep(0.005)
    finally:
        process.send_signal(signal.SIGKILL)
        run = finish(process, started)
    assert run.status == -signal.SIGKILL
    assert set(os.listdir(folder)) - known, "the kill left nothing to clean up"
    assert served(home)[1].generation == toc.generation
    assert tracuu("search", QUERY, "--json", "--index", home).stdout == baseline
    # The writer's helpers die with it; allow them a moment to let go of the lock.
    run = tracuu("ingest", SAMPLES, "--index", home, "--wait", "10", "--workers", "1")
    assert run.status == 0 and "unchanged 47" in run.stdout, run
    assert listing(home) == before


# Damaged files: `tracuu search` and `tracuu check` each say so in one line, exit 4.

@dataclass(frozen=True)
class Damage:
    """A way to damage the samples' index, and what search and check must say."""

    name: str
    damage: Callable[[Path], None]
    search_status: int  # 0: search answers as before, from the derived files
    search_says: tuple[str, ...]
    check_says: tuple[str, ...]


def _toc(home: Path) -> Path:
    folder, toc = served(home)
    return folder / f"_MAIN_{toc.generation}.toc"


def _both(*damages: Callable[[Path], None]) -> Callable[[Path], None]:
    def damage(home: Path) -> None:
        for one in damages:
            one(home)
    return damage


def _delete(suffix: str) -> Callable[[Path], None]:
    return lambda home: segment_file(home, suffix).unlink()


def _cut(suffix: str) -> Callable[[Path], None]:
    return lambda home: truncate(segment_file(home, suffix))


def _no_derived(home: Path) -> None:
    derived_file(home).unlink()


def _no_build(home: Path) -> None:
    shutil.rmtree(served(home)[0])


SEGMENT = "segment MAIN_"
DAMAGES = [
    Damage("truncated TOC", lambda home: truncate(_toc(home)), 4,
           ("table of contents",), ("table of contents",)),
    Damage("deleted TOC", lambda home: _toc(home).unlink(), 4,
           ("table of contents",), ("table of contents",)),
    Damage("truncated .trm", _cut(".trm"), 4, (), (SEGMENT,)),
    Damage("deleted .trm", _delete(".trm"), 4, (".trm",), (SEGMENT, ".trm")),
    # Search answers from the derived file; the postings are only read to remake it.
    Damage("truncated .pst", _cut(".pst"), 0, (), (SEGMENT,)),
    Damage("truncated .pst, no derived file", _both(_cut(".pst"), _no_derived), 4,
           (SEGMENT,), (SEGMENT,)),
    Damage("deleted .pst", _delete(".pst"), 4, (".pst",), (SEGMENT, ".pst")),
    Damage("truncated _stored.col", _cut("._stored.col"), 4, ("stored fields",), (SEGMENT,)),
    Damage("deleted _stored.col", _delete("._stored.col"), 4, ("stored fields",), (SEGMENT,)),
    Damage("deleted visibility.col and derived file",
           _both(_delete(".visibility.col"), _no_derived), 4,
           ("no visibility column",), (SEGMENT, "no visibility column")),
    # The derived file, made while the column was there, still says who may see what.
    Damage("deleted visibility.col", _delete(".visibility.col"), 0, (),
           (SEGMENT, "no visibility column")),
    Damage("deleted build", _no_build, 4, (), ("CURRENT names build",)),
]


@pytest.mark.parametrize("case", DAMAGES, ids=lambda case: case.name)
def test_a_damaged_index_is_said_in_one_line(home: Path, baseline: str, case: Damage) -> None:
    case.damage(home)
    search, check = together(("search", QUERY, "--json", "--index", home),
                             ("check", "--index", home))
    if case.search_status == 0:
        assert search.status == 0 and search.stdout == baseline, search
    else:
        assert search.status == 4, search
        line = search.error()
        assert "is damaged" in line and f"'tracuu check --index {home}'" in line
        assert f"'tracuu rebuild PATH... --index {home}'" in line
        assert all(words in line for words in case.search_says), line
    assert check.status == 4, check
    assert check.error() == f"error: rebuild the index from its sources: tracuu rebuild " \
                            f"PATH... --index {home}"
    problems = [text for text in check.stderr.splitlines() if text.startswith("problem: ")]
    assert problems and all(any(words in problem for problem in problems)
                            for words in case.check_says), check.stderr


def test_a_missing_visibility_column_is_refused_not_read_as_hidden(home: Path) -> None:
    _both(_delete(".visibility.col"), _no_derived)(home)
    index = SearchIndex(home)
    try:
        for request in (SearchRequest(query=QUERY), SearchRequest(query="")):
            with pytest.raises(IndexDamaged, match="no visibility column"):
                index.search(request)
        with pytest.raises(IndexDamaged, match="no visibility column"):
            index.stats()
    finally:
        index.close()


# Derived files: never trusted when damaged; made again from the Whoosh segment.

def test_no_flipped_byte_of_a_derived_file_is_trusted(tmp_path: Path) -> None:
    # One small document: a derived file of a few kB, every byte of it flipped in turn.
    source = write_records(tmp_path / "one.jsonl", 1, "mot")
    home = tmp_path / "index"
    assert ingest_paths([source], open_index(home, create=True), workers=1).added == 1
    path = derived_file(home)
    build = layout.current_build(home)
    assert build is not None
    (segment,) = served(home)[1].segments
    arguments = (build.index_id, segment.segment_id(), segment.doc_count_all())
    intact = path.read_bytes()
    assert len(intact) < 64 * 1024
    descriptor = os.open(path, os.O_WRONLY)
    try:
        for offset, byte in enumerate(intact):
            os.pwrite(descriptor, bytes([byte ^ 0x10]), offset)
            with pytest.raises(ValueError):
                derived.load(path, *arguments)
            os.pwrite(descriptor, bytes([byte]), offset)
    finally:
        os.close(descriptor)
    derived.load(path, *arguments)


def _field_total_digit(path: Path) -> int:
    """Return the offset of a digit of the content field's total in the header."""
    marker = b'"content": '
    offset = path.read_bytes().index(marker) + len(marker)
    return offset + 1


DERIVED_DAMAGES: dict[str, Callable[[Path], None]] = {
    "a flipped byte in the header": lambda path: flip(path, _field_total_digit(path)),
    "a flipped byte in the arrays": lambda path: flip(path, path.stat().st_size // 2),
    "one byte short": lambda path: truncate(path, path.stat().st_size - 1),
    "deleted": lambda path: path.unlink(),
}


@pytest.mark.parametrize("damage", DERIVED_DAMAGES.values(), ids=DERIVED_DAMAGES.keys())
def test_a_damaged_derived_file_is_remade(home: Path, answers: dict[str, Any],
                                          damage: Callable[[Path], None]) -> None:
    path = derived_file(home)
    damage(path)
    report = check_index(home)
    assert len(report.problems) == 1 and path.name in report.problems[0]
    assert not report.damaged and "tracuu check --repair" in report.advice()
    index = SearchIndex(home)
    try:
        assert index.search(SearchRequest(query=QUERY)).to_json() == answers
    finally:
        index.close()
    assert check_index(home).problems == []  # the search wrote it again
    damage(path)
    report = check_index(home, repair=True)
    assert report.problems == [] and report.repaired == [path.name]
    assert check_index(home).problems == []


def test_check_names_a_damaged_derived_file_and_repair_rewrites_it(home: Path,
                                                                   baseline: str) -> None:
    path = derived_file(home)
    flip(path, _field_total_digit(path))
    check = tracuu("check", "--index", home)
    assert check.status == 4
    assert check.error() == f"error: make the derived files again: tracuu check --repair " \
                            f"--index {home}"
    assert f"problem: derived file {path.name} cannot be used" in check.stderr
    search = tracuu("search", QUERY, "--json", "--index", home)
    assert search.status == 0 and search.stdout == baseline
    flip(path, _field_total_digit(path))  # the search wrote it again: damage it again
    repair = tracuu("check", "--repair", "--index", home)
    assert repair.status == 0 and f"repaired: {path.name}" in repair.stdout, repair
    check = tracuu("check", "--index", home)
    assert check.status == 0 and check.stdout.startswith("ok: "), check


# A full disk: the run's files are removed, the previous index is intact.

@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of size on folder (skip when this system refuses); unmount after."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(folder)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def _size_on_disk(root: Path) -> int:
    return sum(-(-path.stat().st_size // 4096) * 4096 for path in root.rglob("*")
               if path.is_file())


def test_a_full_disk_removes_the_partial_files(built: Path, bigger: Path, baseline: str,
                                               tmp_path: Path) -> None:
    # Room for the samples' index and 1 MiB more: not for the bigger ingest's 3 MB.
    size = _size_on_disk(built) + 1024 * 1024
    with tmpfs(tmp_path / "disk", f"{size // 1024}k") as disk:
        home = disk / "index"
        shutil.copytree(built, home)
        before = listing(disk)
        run = tracuu("ingest", bigger, "--index", home, "--workers", "1")
        assert run.status == 4, run
        assert run.error() == f"error: cannot write the index in {home}: the disk is full; " \
                              f"the previous index is unchanged"
        assert listing(disk) == before
        assert tracuu("search", QUERY, "--json", "--index", home).stdout == baseline


def _file_size_limit(limit: int) -> Callable[[], None]:
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        # Without the signal, a write past the limit fails with EFBIG instead of killing.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    return limited


# The bigger records' largest files: some 435 kB per job file of 100 documents
# (parallel writers), 735 kB of postings per 300 documents, derived files of
# 1.2 MB per 200 documents. At 850 kB a derived file is refused, whichever
# writer process got which documents; at 200 kB the first job file is.
@pytest.mark.parametrize(("workers", "limit"), [(1, 850_000), (2, 850_000), (2, 200_000)])
def test_a_file_size_limit_removes_the_partial_files(home: Path, bigger: Path, baseline: str,
                                                     workers: int, limit: int) -> None:
    before = listing(home)
    run = tracuu("ingest", bigger, "--index", home, "--workers", str(workers),
                 preexec_fn=_file_size_limit(limit))
    assert run.status == 4, run
    assert run.error() == f"error: cannot write the index in {home}: the file size limit " \
                          f"is reached; the previous index is unchanged"
    assert listing(home) == before
    assert tracuu("search", QUERY, "--json", "--index", home).stdout == baseline


def test_a_writer_process_refused_a_write_says_why(home: Path, tmp_path: Path) -> None:
    # 500 documents: 5 job files of 435 kB, and one of the two writer processes
    # gets at least 3 of them, so 735 kB of postings, past the limit of 560 kB.
    source = write_records(tmp_path / "many.jsonl", 500, "nhieu")
    before = listing(home)
    run = tracuu("ingest", source, "--index", home, "--workers", "2",
                 preexec_fn=_file_size_limit(560_000))
    assert run.status == 4 and listing(home) == before, run
    assert run.error() == f"error: cannot write the index in {home}: the file size limit " \
                          f"is reached; the previous index is unchanged"


# A read-only folder: search and serve work, writers say it is read-only.

def test_a_read_only_index_is_searched_and_served(built: Path, baseline: str,
                                                  answers: dict[str, Any],
                                                  tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "16m") as disk:
        home = disk / "index"
        shutil.copytree(built, home)
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        assert os.statvfs(home).f_flag & os.ST_RDONLY
        search, check, ingest, rebuild, repair = together(
            ("search", QUERY, "--json", "--index", home), ("check", "--index", home),
            ("ingest", SAMPLES, "--index", home), ("rebuild", SAMPLES, "--index", home),
            ("check", "--repair", "--index", home))
        assert search.status == 0 and search.stdout == baseline, search
        assert check.status == 0 and check.stdout.startswith("ok: "), check
        for writer in (ingest, rebuild, repair):
            assert writer.status == 4, writer
            assert writer.error() == f"error: cannot write the index in {home}: the folder " \
                                     f"is read-only; the previous index is unchanged"
        index = SearchIndex(home)
        try:
            assert index.search(SearchRequest(query=QUERY)).to_json() == answers
            assert index.stats()["documents"] == 44  # the public ones
        finally:
            index.close()
        bind = f"127.0.0.1:{free_port()}"
        log = (tmp_path / "server.log").open("w+b")
        server = subprocess.Popen([str(TRACUU), "serve", "--bind", bind, "--index", str(home)],
                                  cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT,
                                  env=_environment())
        try:
            wait_healthy(f"http://{bind}", server)
            status, body = get(f"http://{bind}/api/v1/search?q=ke+hoach")
            assert status == 200
            assert [hit["id"] for hit in body["results"]] == \
                [hit["id"] for hit in answers["results"]]
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


# The last good generation is served while a newer one cannot be opened.

def test_a_newer_generation_that_fails_to_open_is_not_served(
        home: Path, tmp_path: Path, answers: dict[str, Any]) -> None:
    # The same build, one document more, in another folder: its segment is copied
    # in later, under a good table of contents.
    other = tmp_path / "other"
    shutil.copytree(home, other)
    record = {"id": "moi-1", "title": "Kính thiên văn Quasarion", "body": "Bài mới."}
    source = tmp_path / "new.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert ingest_paths([source], open_index(other), workers=1).added == 1
    folder, toc = served(home)
    other_folder, other_toc = served(other)
    index = SearchIndex(home)
    try:
        assert index.search(SearchRequest(query=QUERY)).to_json() == answers
        generation, documents = index.stats()["generation"], index.stats()["documents"]
        assert generation == toc.generation
        # A table of contents cut short: Whoosh reads the newest, and fails.
        good = (other_folder / f"_MAIN_{other_toc.generation}.toc").read_bytes()
        (folder / f"_MAIN_{generation + 1}.toc").write_bytes(good[:len(good) // 2])
        for _ in range(2):
            assert index.search(SearchRequest(query=QUERY)).to_json() == answers
            assert index.stats()["generation"] == generation
        with pytest.raises(IndexDamaged, match="table of contents"):
            SearchIndex(home).stats()  # nothing good to fall back on
        # Generation N + 2: the new segment's files, then a table of contents that lists it.
        new = {segment.segment_id() for segment in other_toc.segments} - \
            {segment.segment_id() for segment in toc.segments}
        for path in other_folder.iterdir():
            if path.name.split(".")[0] in new:
                shutil.copy2(path, folder / path.name)
        for segment_id in new:
            shutil.copy2(derived.file_for(other_folder, segment_id),
                         derived.file_for(folder, segment_id))
        other_toc.generation = generation + 2
        other_toc.write(FileStorage(str(folder)), whoosh_private.INDEX_NAME)
        assert index.stats()["generation"] == generation + 2
        assert index.stats()["documents"] == documents + 1
        assert index.search(SearchRequest(query="quasarion")).total == 1
        gc.collect()
    finally:
        index.close()


# An ingest of nothing makes a valid empty index.

@pytest.mark.parametrize("source", ["empty folder", "only a bad line"])
def test_an_ingest_of_nothing_makes_an_empty_index(tmp_path: Path, source: str) -> None:
    if source == "empty folder":
        path, status = tmp_path / "nothing", 0
        path.mkdir()
    else:
        path, status = tmp_path / "bad.jsonl", 1
        path.write_text('{"id": "x", "title": \n', encoding="utf-8")
    home = tmp_path / "index"
    run = tracuu("ingest", path, "--index", home)
    assert run.status == status and "Traceback" not in run.stderr, run
    assert "added 0" in run.stdout
    assert len([line for line in run.stderr.splitlines() if line.startswith("failed: ")]) \
        == status
    search, check = together(("search", "x", "--index", home), ("check", "--index", home))
    assert search.status == 0 and search.stdout.startswith("0 kết quả"), search
    assert check.status == 0 and "0 segments, 0 documents" in check.stdout, check
    index = SearchIndex(home)
    try:
        assert index.stats()["documents"] == 0
        assert index.search(SearchRequest(query="x")).total == 0
    finally:
        index.close()
