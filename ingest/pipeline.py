"""Read source files into documents and write them to the index, losing nothing good.

Each file is fingerprinted (its bytes and its sidecar overrides); a file
whose fingerprint the index already holds is not read again. Every file
that cannot be read gives one failure naming it, and the rest goes in.

JSON Lines are streamed: hashed in a first pass, then read line by line into
jobs of a few hundred lines, with only a few jobs per worker in flight, so
that memory does not grow with the file.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from index.doctypes import DEFAULT_DOC_TYPE, doc_type_slug
from index.issuers import canonical_issuer
from index.lifetime import die_with_parent
from index.numbers import number_key
from index.record import Document, RecordError
from index.store import Source, SourceState, prepare, write_documents
from ingest.citations import cited_relations
from ingest.errors import SourceError
from ingest.metadata import (
    cited_numbers,
    infer_doc_type,
    issued_in_text,
    issuer_in_text,
    own_number,
)
from ingest.readers import (
    JSON_LINES_SUFFIXES,
    RECORD_SUFFIXES,
    SUFFIXES,
    RawLine,
    file_type,
    json_lines,
    parse_json_lines,
    read_records,
)
from ingest.sidecar import SIDECAR_NAMES, SidecarError, overrides_for, read_sidecar

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass
class IngestReport:
    """What one ingest run read, wrote and could not take."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    failed: list[SourceError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fail(self, source: str, reason: str) -> None:
        """Count a document that could not be read."""
        self.read += 1
        self.failed.append(SourceError(source, reason))

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "read": self.read, "added": self.added, "updated": self.updated,
            "unchanged": self.unchanged, "removed": self.removed, "failed": len(self.failed),
            "failures": [{"source": error.source, "reason": error.reason}
                         for error in self.failed],
            "warnings": self.warnings,
        }


@dataclass(frozen=True)
class SourceFile:
    """A file to read, the id its document gets, and the sidecar fields for it."""

    path: Path
    file_id: str
    overrides: dict[str, Any]


@dataclass(frozen=True)
class Job:
    """Work for one process: a whole file, or a chunk of a JSON Lines file's lines."""

    source_file: SourceFile
    source: Source
    data: bytes = b""
    lines: tuple[RawLine, ...] | None = None


# (where, document or error, unknown field names, prepared index fields)
Outcome = tuple[str, Document | SourceError, list[str], dict[str, Any] | None]
Run = Callable[[Iterable[Job]], Iterator[tuple[Job, list[Outcome]]]]
LINES_PER_JOB = 200
BYTES_PER_JOB = 1 << 20  # the reader holds a job's lines until its outcomes are taken
JOBS_AHEAD_PER_WORKER = 4


def ingest_paths(paths: list[Path], ix: Any, *, prune: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES, progress: bool = False,
                 workers: int = 1) -> IngestReport:
    """Read every supported file under paths and write the documents in one commit.

    With several ``workers``, reading and parsing run in that many processes,
    and analysis and writing in as many writer processes, each writing a
    segment of the one commit (index.writer). With prune, documents read earlier from
    files under paths that no longer exist (or no longer hold that document)
    are removed.
    """
    report = IngestReport()
    seen: dict[str, str] = {}  # id -> where it was read
    kept: set[str] = set()  # ids of files not read again, or that failed this time
    with ix.searcher() as searcher:
        state = SourceState(searcher)
        known: dict[str, list[str]] = {}  # source path -> ids the index holds from it
        jobs = _jobs(find_sources(paths, report), state, max_bytes, report, kept, known)

        def prepared() -> Iterator[dict[str, Any]]:
            with _mapper(workers) as run, _progress(progress) as count:
                for job, outcomes in run(jobs):
                    count(len(outcomes))
                    for outcome in outcomes:
                        if _take(outcome, seen, report):
                            assert outcome[3] is not None
                            yield outcome[3]
                        elif isinstance(outcome[1], SourceError):
                            kept.update(known[job.source.path])  # keep the old version

        def stale() -> list[str]:
            return _stale(paths, state, seen, kept) if prune else []

        summary = write_documents(ix, prepared(), remove=stale, processes=workers)
    report.added += len(summary.added)
    report.updated += len(summary.updated)
    report.unchanged += len(summary.unchanged)
    report.removed += len(summary.removed)
    return report


def read_documents(paths: list[Path], *, max_bytes: int = DEFAULT_MAX_BYTES
                   ) -> tuple[list[Document], IngestReport]:
    """Read every supported file under paths into documents, without an index."""
    report = IngestReport()
    return list(iter_documents(paths, report, max_bytes=max_bytes)), report


def iter_documents(paths: list[Path], report: IngestReport, *,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Document]:
    """Yield the documents of every supported file under paths, as they are read."""
    seen: dict[str, str] = {}
    for source_file in find_sources(paths, report):
        opened = _open_source(source_file, str(source_file.path.resolve()), max_bytes, report)
        if opened is None:
            continue
        for job in _file_jobs(source_file, *opened, max_bytes):
            for outcome in _read_job(job):
                if _take(outcome, seen, report):
                    assert isinstance(outcome[1], Document)
                    yield outcome[1]


def _jobs(files: Iterator[SourceFile], state: SourceState, max_bytes: int,
          report: IngestReport, kept: set[str], known: dict[str, list[str]]) -> Iterator[Job]:
    """Yield the work for files that changed since the index last read them."""
    for source_file in files:
        path = str(source_file.path.resolve())
        known_fingerprint, known_ids = state.read_from(path)
        known[path] = known_ids
        opened = _open_source(source_file, path, max_bytes, report)
        if opened is None:
            kept.update(known_ids)
            continue
        source, data = opened
        if known_ids and source.fingerprint == known_fingerprint:
            report.read += len(known_ids)
            report.unchanged += len(known_ids)
            kept.update(known_ids)
            continue
        yield from _file_jobs(source_file, source, data, max_bytes)


def _open_source(source_file: SourceFile, path: str, max_bytes: int, report: IngestReport
                 ) -> tuple[Source, bytes | None] | None:
    """Fingerprint a file; return its source and its bytes, None for JSON Lines (streamed).

    A file that cannot be read is reported, and gives None.
    """
    if file_type(source_file.path) in JSON_LINES_SUFFIXES:
        # Only the hash is kept: a second pass streams the lines if the file changed.
        fingerprint = _file_fingerprint(source_file.path, source_file.overrides, report)
        return None if fingerprint is None else (Source(path, fingerprint), None)
    data = _read_bytes(source_file.path, max_bytes, report)
    if data is None:
        return None
    return Source(path, _fingerprint(data, source_file.overrides)), data


def _file_jobs(source_file: SourceFile, source: Source, data: bytes | None,
               max_bytes: int) -> Iterator[Job]:
    """Yield the work for one file: its bytes whole, or its JSON Lines in chunks."""
    if data is not None:
        yield Job(source_file, source, data)
        return
    for lines in _chunks(json_lines(source_file.path, max_bytes)):
        yield Job(source_file, source, lines=lines)


def _chunks(lines: Iterable[RawLine]) -> Iterator[tuple[RawLine, ...]]:
    """Group lines by LINES_PER_JOB, or fewer once they hold BYTES_PER_JOB."""
    chunk: list[RawLine] = []
    size = 0
    for item in lines:
        chunk.append(item)
        size += len(item[1]) if isinstance(item[1], bytes) else 0
        if len(chunk) >= LINES_PER_JOB or size >= BYTES_PER_JOB:
            yield tuple(chunk)
            chunk, size = [], 0
    if chunk:
        yield tuple(chunk)


@contextmanager
def _mapper(workers: int) -> Iterator[Run]:
    """Yield a lazy, ordered map of _read_job over jobs: here, or in worker processes.

    concurrent.futures rather than multiprocessing.Pool: a worker that dies or
    a result that cannot be unpickled raises here instead of hanging forever.
    """
    if workers <= 1:
        yield lambda jobs: ((job, _read_job(job)) for job in jobs)
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        yield lambda jobs: _in_order(pool, jobs, JOBS_AHEAD_PER_WORKER * workers)


def _in_order(pool: Executor, jobs: Iterable[Job], ahead: int
              ) -> Iterator[tuple[Job, list[Outcome]]]:
    """Yield each job with its outcomes, in order, submitting at most ahead jobs early.

    The pool forks its workers at the first submit (with fork), before the
    caller starts any thread of its own.
    """
    pending: deque[tuple[Job, Future[list[Outcome]]]] = deque()
    for job in jobs:
        pending.append((job, pool.submit(_read_job, job)))
        if len(pending) >= ahead:
            done, future = pending.popleft()
            yield done, future.result()
    while pending:
        done, future = pending.popleft()
        yield done, future.result()


@contextmanager
def _progress(shown: bool) -> Iterator[Callable[[int], None]]:
    """Yield a function that counts documents on a progress bar, if shown.

    The bar starts on the first count, once the workers are forked: tqdm
    starts a monitor thread.
    """
    bars: list[tqdm[Any]] = []

    def count(documents: int) -> None:
        if not shown:
            return
        if not bars:
            bars.append(tqdm(unit="doc", file=sys.stderr, leave=False))
        bars[0].update(documents)

    try:
        yield count
    finally:
        for bar in bars:
            bar.close()


def _read_job(job: Job) -> list[Outcome]:
    """Parse, validate and analyse the documents of one job (in a worker process)."""
    if job.lines is not None:
        records = parse_json_lines(job.lines)
    else:
        records = read_records(job.source_file.path, job.data)
    outcomes: list[Outcome] = []
    for where, record in records:
        if isinstance(record, SourceError):
            outcomes.append((where, record, [], None))
            continue
        record = dict(record)
        if file_type(job.source_file.path) not in RECORD_SUFFIXES:
            record["id"] = job.source_file.file_id  # JSON records name their own ids
        record.update(job.source_file.overrides)
        try:
            document, unknown = Document.from_mapping(_complete_metadata(record))
        except RecordError as error:
            outcomes.append((where, SourceError(where, str(error)), [], None))
            continue
        fields = prepare(document, job.source)
        outcomes.append((where, document, unknown, fields))
    return outcomes


def _take(outcome: Outcome, seen: dict[str, str], report: IngestReport) -> bool:
    """Count one outcome; tell whether its document goes in (first of its id)."""
    where, item, unknown, _ = outcome
    report.read += 1
    if isinstance(item, SourceError):
        report.failed.append(item)
        return False
    for name in unknown:
        message = f"unknown field '{name}' ignored"
        if not any(warning.endswith(message) for warning in report.warnings):
            report.warnings.append(f"{where}: {message}")
    if item.id in seen:
        report.failed.append(SourceError(
            where, f"duplicate id {item.id!r} (first read from {seen[item.id]})"))
        return False
    seen[item.id] = where
    return True


def find_sources(paths: list[Path], report: IngestReport) -> Iterator[SourceFile]:
    """Yield the supported files under paths, with their ids and sidecar overrides."""
    for path in paths:
        if path.is_dir():
            yield from _folder_sources(path, report)
        elif path.is_file():
            if file_type(path) is None:
                report.fail(str(path), f"unsupported file type {path.suffix or '(none)'!r}; "
                            f"expected one of {', '.join(SUFFIXES)}")
                continue
            try:
                sidecar = read_sidecar(path.parent)
            except SidecarError as error:
                report.fail(str(path), f"{error} ({path.parent})")
                continue
            yield SourceFile(path, _strip_suffix(path.name), overrides_for(sidecar, path.name))
        else:
            report.fail(str(path), "no such file or folder")


def _folder_sources(root: Path, report: IngestReport) -> Iterator[SourceFile]:
    sidecars: dict[Path, dict[str, dict[str, Any]] | SidecarError] = {}
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root)
        if (any(part.startswith(".") for part in relative.parts) or not file.is_file()
                or file.name in SIDECAR_NAMES or file_type(file) is None):
            continue
        if file.parent not in sidecars:
            try:
                sidecars[file.parent] = read_sidecar(file.parent)
            except SidecarError as error:
                sidecars[file.parent] = error
        sidecar = sidecars[file.parent]
        if isinstance(sidecar, SidecarError):
            # Its overrides may make documents internal: without them, nothing goes in.
            report.fail(str(file), f"{sidecar} ({file.parent})")
            continue
        file_id = (relative.parent / _strip_suffix(file.name)).as_posix()
        yield SourceFile(file, file_id, overrides_for(sidecar, file.name))


def _strip_suffix(name: str) -> str:
    suffix = file_type(Path(name))
    return name[: -len(suffix)] if suffix else name


def _read_bytes(path: Path, max_bytes: int, report: IngestReport) -> bytes | None:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            report.fail(str(path), f"file too large ({size:,} bytes; the limit is "
                        f"{max_bytes:,}, see --max-bytes)")
            return None
        return path.read_bytes()
    except OSError as error:
        report.fail(str(path), f"cannot read: {error.strerror or error}")
        return None


def _file_fingerprint(path: Path, overrides: dict[str, Any], report: IngestReport
                      ) -> str | None:
    """Return _fingerprint of the file's bytes, reading them as a stream."""
    try:
        with path.open("rb") as file:
            digest = hashlib.file_digest(file, "sha256")
    except OSError as error:
        report.fail(str(path), f"cannot read: {error.strerror or error}")
        return None
    return _sealed(digest, overrides)


def _fingerprint(data: bytes, overrides: dict[str, Any]) -> str:
    return _sealed(hashlib.sha256(data), overrides)


def _sealed(digest: Any, overrides: dict[str, Any]) -> str:
    digest.update(json.dumps(overrides, sort_keys=True, ensure_ascii=False).encode())
    return str(digest.hexdigest())


def _stale(paths: list[Path], state: SourceState, documents: dict[str, str],
           kept: set[str]) -> list[str]:
    """Return ids read earlier from under paths that this run neither read nor kept."""
    stale: list[str] = []
    for path in paths:
        for source in state.sources_under(str(path.resolve())):
            _, ids = state.read_from(source)
            stale += [doc_id for doc_id in ids if doc_id not in documents and doc_id not in kept]
    return list(dict.fromkeys(stale))


def _complete_metadata(record: dict[str, Any]) -> dict[str, Any]:
    """Fill the number, type and citations a record does not state, from its text."""
    title = record.get("title") or ""
    body = record.get("body") or ""
    if not isinstance(title, str) or not isinstance(body, str):
        return record  # validation names the bad field
    completed = dict(record)
    if not completed.get("number"):
        completed["number"] = own_number(body)
    if not completed.get("doc_type"):
        completed["doc_type"] = infer_doc_type(completed["number"], title)
    if "relations" not in completed:
        completed["relations"] = _relations(completed, title, body)
    if "refs" not in completed:
        completed["refs"] = cited_numbers(f"{title}\n{body}", completed["number"])
    if not completed.get("issued") and not completed.get("year"):
        completed["issued"] = issued_in_text(body)
    if not completed.get("issuer"):
        completed["issuer"] = issuer_in_text(body, completed["number"])
    elif isinstance(completed["issuer"], str):
        # A record's or sidecar's issuer, by its canonical name (CB, Chi bộ Liên hiệp
        # hội and CHI BỘ CƠ QUAN LIÊN HIỆP HỘI are one).
        completed["issuer"] = canonical_issuer(completed["issuer"])
    return completed


def _relations(record: dict[str, Any], title: str, body: str) -> list[dict[str, str]]:
    """Return how the text cites the numbers it writes (only those among the refs, when
    the record states its refs). A news article reports what documents do, so it cites
    them plainly (``dan-chieu``)."""
    doc_type = record.get("doc_type")
    news = isinstance(doc_type, str) and doc_type_slug(doc_type) == DEFAULT_DOC_TYPE
    found = cited_relations(title, body, record.get("number") or "", official=not news)
    refs = record.get("refs")
    if isinstance(refs, list):
        stated = {number_key(ref) for ref in refs if isinstance(ref, str)}
        found = [relation for relation in found if number_key(relation.number) in stated]
    return [relation.to_record() for relation in found]
