"""Incremental ingest: fingerprints, updates, pruning, sidecars, limits, interrupted runs."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import ingest.pipeline as pipeline
from index.store import open_index
from ingest.pipeline import IngestReport, ingest_paths
from search import SearchIndex, SearchRequest


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def counts(report: IngestReport) -> tuple[int, int, int, int, int]:
    return (report.added, report.updated, report.unchanged, report.removed, len(report.failed))


def ids(folder: Path, **request: object) -> list[str]:
    result = SearchIndex(folder).search(SearchRequest(per_page=100, **request))  # type: ignore[arg-type]
    return sorted(hit.id for hit in result.hits)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    write(root / "a.txt", "Thông báo một\nNội dung một.")
    write(root / "sub" / "b.md", "# Kế hoạch hai\n\nNội dung hai.")
    write(root / "records.jsonl", json.dumps({"id": "r1", "title": "Bản ghi một"},
                                             ensure_ascii=False))
    return root


def test_unchanged_tree_is_not_read_again(tree: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    ix = open_index(tmp_path / "index", create=True)
    assert counts(ingest_paths([tree], ix)) == (3, 0, 0, 0, 0)
    generation = ix.latest_generation()
    reads: list[Path] = []
    original = pipeline.read_records
    monkeypatch.setattr(pipeline, "read_records",
                        lambda path, data: reads.append(path) or original(path, data))
    again = ingest_paths([tree], ix)
    assert counts(again) == (0, 0, 3, 0, 0) and again.read == 3
    assert reads == [] and ix.latest_generation() == generation
    write(tree / "a.txt", "Thông báo một\nNội dung đã sửa.")
    changed = ingest_paths([tree], ix)
    assert counts(changed) == (0, 1, 2, 0, 0)
    assert reads == [tree / "a.txt"]


def test_prune_removes_documents_whose_source_is_gone(tree: Path, tmp_path: Path) -> None:
    ix = open_index(tmp_path / "index", create=True)
    other = write(tmp_path / "other" / "c.txt", "Tin ở thư mục khác\nNội dung.")
    ingest_paths([tree, other], ix)
    (tree / "sub" / "b.md").unlink()
    write(tree / "records.jsonl", json.dumps({"id": "r2", "title": "Bản ghi hai"},
                                             ensure_ascii=False))
    kept = ingest_paths([tree], ix)  # without --prune nothing goes
    assert kept.removed == 0
    assert ids(tmp_path / "index") == ["a", "c", "r1", "r2", "sub/b"]
    pruned = ingest_paths([tree], ix, prune=True)
    assert counts(pruned) == (0, 0, 2, 2, 0)
    assert ids(tmp_path / "index") == ["a", "c", "r2"]  # c: not under the pruned path


def test_a_file_that_turns_bad_keeps_its_old_document(tree: Path, tmp_path: Path) -> None:
    ix = open_index(tmp_path / "index", create=True)
    ingest_paths([tree], ix)
    (tree / "a.txt").write_bytes(b"\x00\x01\x02binary" * 10)
    report = ingest_paths([tree], ix, prune=True)
    assert [Path(f.source).name for f in report.failed] == ["a.txt"]
    assert report.removed == 0 and "a" in ids(tmp_path / "index")


def test_sidecars_override_fields(tmp_path: Path) -> None:
    root = tmp_path / "src"
    write(root / "public.txt", "Tin công khai\nNội dung.")
    write(root / "secret.txt", "Biên bản họp chi ủy\nNội dung nội bộ.")
    write(root / "tracuu-metadata.json", json.dumps({
        "*": {"category": "Văn bản chi bộ"},
        "secret.txt": {"visibility": "internal", "doc_type": "bao-cao", "issued": "2017-03-04"},
    }, ensure_ascii=False))
    write(root / "csv" / "x.txt", "Thông báo\nNội dung.")
    write(root / "csv" / "tracuu-metadata.csv",
          "file,number,refs,issuer\nx.txt,07-TB/CB,22-KH/CB;05-CT/TW,Chi bộ\n")
    report = ingest_paths([root], open_index(tmp_path / "index", create=True))
    assert counts(report) == (3, 0, 0, 0, 0)
    index = SearchIndex(tmp_path / "index")
    secret = index.document("secret", include_internal=True)
    assert (secret.visibility, secret.doc_type, secret.year) == ("internal", "bao-cao", 2017)
    assert secret.category == "Văn bản chi bộ"
    with pytest.raises(Exception, match="secret"):
        index.document("secret")
    x = index.document("csv/x")
    assert (x.number, x.refs, x.issuer, x.doc_type) == ("07-TB/CB", ("22-KH/CB", "05-CT/TW"),
                                                         "Chi bộ", "thong-bao")


def test_a_bad_sidecar_keeps_its_folder_out(tmp_path: Path) -> None:
    root = tmp_path / "src"
    write(root / "ok" / "a.txt", "Tin\nNội dung.")
    write(root / "bad" / "b.txt", "Biên bản\nNội dung có thể là nội bộ.")
    write(root / "bad" / "tracuu-metadata.json", '{"b.txt": {"visibility": "internal"')
    report = ingest_paths([root], open_index(tmp_path / "index", create=True))
    assert report.added == 1
    [failure] = report.failed
    assert failure.source == str(root / "bad" / "b.txt")
    assert "invalid JSON in sidecar" in failure.reason


def test_empty_huge_and_gzip_files(tmp_path: Path) -> None:
    root = tmp_path / "src"
    write(root / "empty.txt", "")
    write(root / "huge.txt", "Tiêu đề\n" + "chữ " * 5000)
    records = [{"id": f"g{n}", "title": f"Tin số {n}"} for n in range(3)]
    (root / "export.jsonl.gz").write_bytes(gzip.compress(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode()))
    (root / "broken.jsonl.gz").write_bytes(gzip.compress(b'{"id": "x"}\n')[:-6])
    report = ingest_paths([root], open_index(tmp_path / "index", create=True), max_bytes=10_000)
    reasons = {Path(f.source.split(":")[0]).name: f.reason for f in report.failed}
    assert reasons["empty.txt"] == "empty file"
    assert reasons["huge.txt"].startswith("file too large")
    assert reasons["broken.jsonl.gz"].startswith("not a readable gzip file")
    assert ids(tmp_path / "index") == ["g0", "g1", "g2"]


@pytest.mark.parametrize("workers", [1, 2])
def test_killed_ingest_leaves_the_previous_index_readable(tmp_path: Path, workers: int) -> None:
    index_dir = tmp_path / "index"
    first = tmp_path / "first.jsonl"
    first.write_text("\n".join(json.dumps({"id": f"a{n}", "title": f"Tin {n}"})
                               for n in range(20)), encoding="utf-8")
    ingest_paths([first], open_index(index_dir, create=True))
    big = tmp_path / "big.jsonl"
    with big.open("w", encoding="utf-8") as out:
        for n in range(30000):
            out.write(json.dumps({"id": f"b{n}", "title": f"Kế hoạch {n}",
                                  "body": "Nội dung dài hơn một chút. " * 20}) + "\n")
    code = ("import sys; from pathlib import Path; from index.store import open_index; "
            "from ingest.pipeline import ingest_paths; "
            "ingest_paths([Path(sys.argv[1])], open_index(Path(sys.argv[2])), "
            "workers=int(sys.argv[3]))")
    before = set(index_dir.rglob("*"))
    process = subprocess.Popen([sys.executable, "-c", code, str(big), str(index_dir),
                                str(workers)])
    deadline = time.monotonic() + 60
    # Kill it once it has started writing new segment files, before it commits.
    while time.monotonic() < deadline and process.poll() is None:
        if any(path.suffix in (".seg", ".trm", ".pst", ".col", ".doclist")
               and path not in before for path in index_dir.rglob("*")):
            break
        time.sleep(0.05)
    # Readers and writers start as the work reaches them: wait (bounded) for all.
    expected = 2 * workers if workers > 1 else 0
    deadline = time.monotonic() + 10
    helpers = descendants(process.pid)
    while len(helpers) < expected and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        helpers = descendants(process.pid)
    assert process.poll() is None, "the ingest finished before it could be killed"
    assert len(helpers) >= expected  # readers and writers
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    # No reader or writer process outlives the ingest.
    deadline = time.monotonic() + 10
    while [pid for pid in helpers if alive(pid)] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [pid for pid in helpers if alive(pid)] == []
    assert ids(index_dir) == sorted(f"a{n}" for n in range(20))
    again = ingest_paths([first], open_index(index_dir))  # the lock died with the process
    assert counts(again) == (0, 0, 20, 0, 0)


def descendants(pid: int) -> list[int]:
    """Return the processes below pid (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")  # a zombie has exited; only its parent's wait is due


def test_workers_build_the_same_index(tmp_path: Path) -> None:
    from tests.conftest import SAMPLES

    records = tmp_path / "records.jsonl"
    records.write_text("\n".join(json.dumps({"id": f"r{n}", "title": f"Nghị quyết số {n}",
                                             "body": "Hội thảo khoa học. " * n})
                                 for n in range(450)), encoding="utf-8")
    answers = []
    for workers in (1, 2):
        folder = tmp_path / f"index{workers}"
        report = ingest_paths([SAMPLES, records], open_index(folder, create=True),
                              workers=workers)
        assert report.failed == [] and report.added == report.read
        index = SearchIndex(folder)
        answers.append([(hit.id, round(hit.score, 6), hit.snippet)
                        for text in ("nghi quyet", "hội thảo khoa học", "22-KH/CB")
                        for hit in index.search(SearchRequest(query=text, per_page=50)).hits])
    assert answers[0] == answers[1] and len(answers[0]) > 50


def test_failures_cross_process_boundaries() -> None:
    import pickle

    from ingest.errors import SourceError

    error = pickle.loads(pickle.dumps(SourceError("a.jsonl:2", "invalid JSON")))
    assert (error.source, error.reason, str(error)) == ("a.jsonl:2", "invalid JSON",
                                                        "a.jsonl:2: invalid JSON")
