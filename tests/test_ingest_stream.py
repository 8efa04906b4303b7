"""JSON Lines ingest streams: --max-bytes per record, memory flat whatever the file's size."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

import ingest.pipeline as pipeline
from index.store import Source, open_index
from ingest.errors import SourceError
from ingest.pipeline import (
    DEFAULT_MAX_BYTES,
    IngestReport,
    Job,
    SourceFile,
    ingest_paths,
    iter_documents,
)
from ingest.readers import json_lines, parse_json_lines
from tests.conftest import PROJECT, SHARED

NEWS = SHARED / "data" / "news-rss.jsonl.gz"
NEWS_RECORDS = 153_825


def record(number: int, body: str = "Nội dung ngắn.") -> dict[str, Any]:
    return {"id": f"r{number}", "title": f"Thông báo số {number}", "body": body}


def write_lines(path: Path, records: list[dict[str, Any]]) -> Path:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


@pytest.mark.parametrize("name", ["tin.jsonl", "tin.jsonl.gz"])
def test_a_file_over_max_bytes_goes_in_record_by_record(tmp_path: Path, name: str) -> None:
    # Bodies that do not compress away: the gzip file too is larger than the limit.
    records = [record(n, hashlib.sha256(bytes(n)).hexdigest()) for n in range(300)]
    source = write_lines(tmp_path / name, records)
    assert source.stat().st_size > 2000
    report = ingest_paths([source], open_index(tmp_path / "index", create=True),
                          max_bytes=2000)
    assert report.failed == [] and report.added == report.read == 300


@pytest.mark.parametrize(("name", "workers"), [("tin.jsonl", 1), ("tin.jsonl.gz", 2)])
def test_an_over_long_record_fails_alone_by_its_line(tmp_path: Path, name: str,
                                                     workers: int) -> None:
    records = [record(n) for n in range(500)]
    records[6] = record(6, "Rất dài. " * 400)
    source = write_lines(tmp_path / name, records)
    report = ingest_paths([source], open_index(tmp_path / "index", create=True),
                          max_bytes=2000, workers=workers)
    [failure] = report.failed
    assert failure.source == f"{source}:7"
    assert failure.reason.startswith("record too large (") and "--max-bytes" in failure.reason
    assert report.added == 499 and report.read == 500


def test_the_limit_is_on_the_line_without_its_newline(tmp_path: Path) -> None:
    line = json.dumps(record(1))
    source = tmp_path / "tin.jsonl"
    source.write_text(f"{line}\n{line[:-1]}, \"x\": 1}}\n", encoding="utf-8")
    lines = list(json_lines(source, len(line)))
    assert lines[0] == (f"{source}:1", f"{line}\n".encode())
    assert isinstance(lines[1][1], SourceError)
    assert lines[1][1].reason.startswith(f"record too large ({len(line) + 8:,} bytes")


def test_other_files_are_still_limited_whole(tmp_path: Path) -> None:
    source = tmp_path / "tin.json"
    source.write_text(json.dumps([record(n) for n in range(100)]), encoding="utf-8")
    report = ingest_paths([source], open_index(tmp_path / "index", create=True),
                          max_bytes=2000)
    [failure] = report.failed
    assert failure.reason.startswith("file too large") and "--max-bytes" in failure.reason


def test_lines_are_decoded_one_by_one(tmp_path: Path) -> None:
    source = tmp_path / "tin.jsonl"
    first, second = (json.dumps(record(n), ensure_ascii=False).encode() for n in (1, 2))
    binary = b'{"id": "x", "title": "\x01\x02\x03\x04\x05"}'
    source.write_bytes(b"\xef\xbb\xbf" + first + b"\n\n" + binary + b"\r\n" + second)
    report = IngestReport()
    documents = list(iter_documents([source], report))
    assert [document.id for document in documents] == ["r1", "r2"]
    assert [(f.source, f.reason) for f in report.failed] == [(f"{source}:3",
                                                              "not text: binary data")]


@pytest.mark.parametrize(("content", "reason"), [
    ('{"id": "a", "title": "Tin"}\n'.encode("utf-16"), "JSON Lines must be UTF-8"),
    ('{"id": "a", "title": "Tin"}\n'.encode("utf-16-le"), "not UTF-8 text"),
    (b" \n\n\t\n", "empty file"),
])
def test_a_file_that_is_no_utf8_json_lines_fails_once(tmp_path: Path, content: bytes,
                                                      reason: str) -> None:
    source = tmp_path / "tin.jsonl"
    source.write_bytes(content * 50)
    report = IngestReport()
    assert list(iter_documents([source], report)) == []
    assert [(f.source, f.reason[:len(reason)]) for f in report.failed] == [(str(source), reason)]


def test_a_damaged_gzip_file_gives_nothing_and_keeps_its_old_documents(tmp_path: Path) -> None:
    source = write_lines(tmp_path / "tin.jsonl.gz", [record(n) for n in range(10)])
    ix = open_index(tmp_path / "index", create=True)
    ingest_paths([source], ix)
    data = "".join(json.dumps(record(n, "Sửa.")) + "\n" for n in range(2000)).encode()
    source.write_bytes(gzip.compress(data)[:-100])
    report = ingest_paths([source], ix, prune=True)
    assert [f.reason[:25] for f in report.failed] == ["not a readable gzip file "]
    assert (report.added, report.updated, report.removed) == (0, 0, 0)


def test_an_unchanged_file_is_only_hashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                          ) -> None:
    source = write_lines(tmp_path / "tin.jsonl.gz", [record(n) for n in range(300)])
    ix = open_index(tmp_path / "index", create=True)
    ingest_paths([source], ix)
    with ix.searcher() as searcher:
        fingerprint = searcher.document(id="r0")["source_fingerprint"]
    # The same fingerprint as when files were read whole: upgraded indexes stay current.
    assert fingerprint == hashlib.sha256(source.read_bytes() + b"{}").hexdigest()
    streamed: list[Path] = []
    monkeypatch.setattr(pipeline, "json_lines",
                        lambda path, limit: streamed.append(path) or json_lines(path, limit))
    again = ingest_paths([source], ix)
    assert (again.read, again.unchanged, streamed) == (300, 300, [])


def test_jobs_in_flight_are_bounded(tmp_path: Path) -> None:
    source_file = SourceFile(tmp_path / "tin.jsonl", "tin", {})
    source = Source(str(source_file.path), "fingerprint")
    pulled: list[int] = []

    def jobs() -> Iterator[Job]:
        for n in range(100):
            pulled.append(n)
            line = json.dumps(record(n)).encode()
            yield Job(source_file, source, lines=((f"{source_file.path}:{n + 1}", line),))

    with ThreadPoolExecutor(2) as pool:
        for taken, (job, outcomes) in enumerate(pipeline._in_order(pool, jobs(), 8)):
            assert len(pulled) - taken <= 8
            assert job.lines is not None and job.lines[0][0].endswith(f":{taken + 1}")
            assert [getattr(outcome[1], "id", None) for outcome in outcomes] == [f"r{taken}"]
    assert len(pulled) == 100


# The ingest as `tracuu ingest` runs it, but with the index writer replaced by one that
# only counts what it is given: the memory of reading and parsing, not of Whoosh.
MEASURE = textwrap.dedent("""
    import json, resource, sys, types
    from pathlib import Path
    import ingest.pipeline as pipeline
    from index.store import open_index

    def count(ix, documents, remove=(), processes=1):
        return types.SimpleNamespace(added=[None for _ in documents], updated=[],
                                     unchanged=[], removed=[])

    pipeline.write_documents = count
    small, big, index = (Path(arg) for arg in sys.argv[1:4])
    ix = open_index(index, create=True)
    pipeline.ingest_paths([small], ix, workers=2)  # imports and warms up everything
    peaks = [resource.getrusage(who).ru_maxrss
             for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    report = pipeline.ingest_paths([big], ix, workers=2)
    print(json.dumps({"read": report.read, "failed": len(report.failed), "added": report.added,
                      "growth_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peaks[0],
                      "workers_growth_kib":
                          resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss - peaks[1]}))
""")


# Metadata stated, so that no time goes to inferring it from the text.
STATED = {"number": "12/TB-LHH", "doc_type": "thong-bao", "issued": "2020-05-06",
          "issuer": "Liên hiệp hội", "refs": []}


def test_memory_stays_flat_on_a_large_file(tmp_path: Path) -> None:
    body = "Hội thảo khoa học về chuyển đổi số trong hoạt động tư vấn, phản biện. " * 30
    big = tmp_path / "big.jsonl"
    with big.open("wb") as out:
        number = size = 0
        while size < 100 * 1024 * 1024:
            size += out.write(json.dumps(record(number, body) | STATED,
                                         ensure_ascii=False).encode() + b"\n")
            number += 1
    small = write_lines(tmp_path / "small.jsonl", [record(n, body) for n in range(500)])
    result = subprocess.run([sys.executable, "-c", MEASURE, str(small), str(big),
                             str(tmp_path / "index")], cwd=PROJECT, capture_output=True,
                            text=True, timeout=120, check=True)
    measured = json.loads(result.stdout)
    assert (measured["read"], measured["added"], measured["failed"]) == (number, number, 0)
    file_kib = big.stat().st_size // 1024
    assert measured["growth_kib"] < file_kib // 5, measured
    assert measured["workers_growth_kib"] < file_kib // 5, measured


@pytest.mark.skipif(not NEWS.exists(), reason="../shared/data/news-rss.jsonl.gz not present")
def test_the_news_file_streams_within_the_default_limit() -> None:
    count = 0
    for where, line in json_lines(NEWS, DEFAULT_MAX_BYTES):
        assert isinstance(line, bytes), (where, line)
        count += 1
    assert count == NEWS_RECORDS
    head = (item for _, item in zip(range(5000), json_lines(NEWS, DEFAULT_MAX_BYTES),
                                    strict=False))
    records = [item for _, item in parse_json_lines(head)]
    assert len(records) == 5000 and all(isinstance(item, dict) for item in records)
