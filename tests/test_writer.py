"""The parallel writer: one segment per process, and no commit without all of them."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from index.record import Document
from index.schema import to_fields
from index.store import open_index, write_documents
from index.whoosh_private import ParallelWriter, WriterProcessFailed
from search import SearchIndex, SearchRequest


def _documents(count: int, prefix: str) -> list[dict[str, object]]:
    return [to_fields(Document(id=f"{prefix}{n}", title=f"Kế hoạch số {n}",
                               body="Hội thảo khoa học về chuyển đổi số. " * 3))
            for n in range(count)]


def test_each_process_writes_a_segment_of_one_generation(tmp_path: Path) -> None:
    ix = open_index(tmp_path / "index", create=True)
    summary = write_documents(ix, _documents(450, "a"), processes=2)
    assert len(summary.added) == 450
    assert ix.latest_generation() == 1  # one commit after the empty index
    with ix.searcher() as searcher:
        assert len(searcher.reader().leaf_readers()) == 2
    result = SearchIndex(tmp_path / "index").search(SearchRequest(query="ke hoach", per_page=1))
    assert result.total == 450


def test_a_dead_writer_process_commits_nothing(tmp_path: Path) -> None:
    ix = open_index(tmp_path / "index", create=True)
    write_documents(ix, _documents(10, "old"))
    generation = ix.latest_generation()
    writer = ParallelWriter(ix, 2, limitmb=64)
    for fields in _documents(350, "new"):
        writer.add_document(**fields)
    assert len(writer.tasks) == 2
    os.kill(writer.tasks[0].pid, signal.SIGKILL)
    with pytest.raises(WriterProcessFailed, match="nothing was committed"):
        writer.commit()
    writer.cancel()
    assert ix.latest_generation() == generation
    index = SearchIndex(tmp_path / "index")
    assert index.stats()["documents"] == 10
    # The lock is free again, and the next write goes through.
    write_documents(open_index(tmp_path / "index"), _documents(5, "next"), processes=2)
    assert SearchIndex(tmp_path / "index").stats()["documents"] == 15


def test_parallel_writes_replace_and_remove(tmp_path: Path) -> None:
    """Updates delete the old version in the existing segments; removals go through."""
    ix = open_index(tmp_path / "index", create=True)
    write_documents(ix, _documents(300, "a"), processes=2)
    changed = [to_fields(Document(id=f"a{n}", title=f"Chỉ thị số {n}", body="Nội dung mới."))
               for n in range(150)]
    summary = write_documents(ix, changed, remove=[f"a{n}" for n in range(290, 300)],
                              processes=2)
    assert (len(summary.updated), len(summary.removed)) == (150, 10)
    index = SearchIndex(tmp_path / "index")
    assert index.stats()["documents"] == 290
    assert index.search(SearchRequest(query="chi thi", per_page=1)).total == 150
    assert index.search(SearchRequest(query="ke hoach", per_page=1)).total == 140
