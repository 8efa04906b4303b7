"""Index identity: a build is never taken for another, whatever its generation numbers say."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from index import derived, layout
from index.faults import IndexDamaged
from index.record import Document
from index.schema import build_schema
from index.store import open_index, prepare, publish, staged_build, write_documents
from search import SearchIndex, SearchRequest


def _documents(prefix: str, count: int, visibility: str = "public") -> list[dict[str, object]]:
    return [prepare(Document(id=f"{prefix}-{n}", title=f"Nghị quyết {prefix} số {n}",
                             body=f"Nội dung {prefix}.", doc_type="nghi-quyet",
                             issued="2016-10-11", visibility=visibility), None)
            for n in range(count)]


def _everything(index: SearchIndex, staff: bool = False) -> list[str]:
    result = index.search(SearchRequest(query="", per_page=100, include_internal=staff))
    return sorted(hit.id for hit in result.hits)


def test_a_new_index_with_the_same_generation_is_read_afresh(tmp_path: Path) -> None:
    """rm -rf and a new index of internal documents: both at generation 1."""
    home = tmp_path / "index"
    write_documents(open_index(home, create=True), _documents("congkhai", 8))
    index = SearchIndex(home)
    assert len(_everything(index)) == 8
    before = index.stats()
    shutil.rmtree(home)
    write_documents(open_index(home, create=True), _documents("noibo", 3, "internal"))
    after = index.stats()
    assert after["generation"] == before["generation"] and after["index"] != before["index"]
    assert _everything(index) == [] and after["documents"] == 0
    assert _everything(index, staff=True) == [f"noibo-{n}" for n in range(3)]
    assert index.search(SearchRequest(query="congkhai")).total == 0


def test_derived_files_of_another_build_are_not_trusted(tmp_path: Path) -> None:
    """A copied build keeps its segments' names but not its id: its arrays are made again."""
    home = tmp_path / "index"
    write_documents(open_index(home, create=True), _documents("goc", 5))
    original = layout.current_build(home)
    assert original is not None
    copy = layout.Build(home / layout.BUILDS / "copy", "copy")
    shutil.copytree(original.folder, copy.folder)
    (copy.folder / layout.IDENTITY).write_text(json.dumps({"index_id": "copy"}))
    layout.switch_to(home, copy)
    index = SearchIndex(home)
    assert index.stats()["index"] == "copy"
    assert _everything(index) == [f"goc-{n}" for n in range(5)]
    for path in (copy.folder / "derived").iterdir():
        # Written again for this build: it loads as the copy's, and no longer as the original's.
        assert derived.load(path, "copy", path.stem, 5).doc_count == 5
        with pytest.raises(ValueError, match="index_id"):
            derived.load(path, original.index_id, path.stem, 5)


def test_an_index_made_before_builds_is_served_and_updated(tmp_path: Path) -> None:
    """Whoosh's files directly in the folder: served, and ingest writes to it."""
    home = tmp_path / "legacy"
    home.mkdir()
    ix = whoosh_index.create_in(str(home), build_schema())
    writer = ix.writer()
    for fields in _documents("cu", 4):
        writer.add_document(**fields)
    writer.commit()
    assert not (home / "derived").exists()
    index = SearchIndex(home)
    assert _everything(index) == [f"cu-{n}" for n in range(4)]
    assert any((home / "derived").iterdir())  # made from the segment, then mapped
    write_documents(open_index(home), _documents("moi", 2))
    assert len(_everything(index)) == 6
    assert derived.file_for(home, "x").parent == home / "derived"
    # A rebuild moves it into a build; its files go once the server no longer reads them.
    with staged_build(home) as (build, ix):
        write_documents(ix, _documents("xaylai", 3))
        publish(home, build)
        assert (home / "_MAIN_2.toc").exists()  # still read by the index above
    assert _everything(index) == [f"xaylai-{n}" for n in range(3)]
    assert sorted(path.name for path in home.iterdir()) == [layout.POINTER, layout.BUILDS]


def test_a_new_generation_whose_stored_fields_fail_is_not_served(tmp_path: Path) -> None:
    home = tmp_path / "index"
    write_documents(open_index(home, create=True), _documents("truoc", 4))
    index = SearchIndex(home)
    before = _everything(index)
    build = layout.current_build(home)
    assert build is not None
    old = set(build.folder.glob("*._stored.col"))
    write_documents(open_index(home), _documents("sau", 2))
    (new,) = set(build.folder.glob("*._stored.col")) - old
    new.write_bytes(new.read_bytes()[:3])
    assert _everything(index) == before  # the last good generation
    with pytest.raises(IndexDamaged, match="stored fields"):
        SearchIndex(home).stats()  # nothing good to fall back on


def test_a_server_following_one_rebuild_leaves_the_next_one_alone(tmp_path: Path) -> None:
    """The reader's switch removes builds nobody reads; the one being filled is not one."""
    home = tmp_path / "index"
    write_documents(open_index(home, create=True), _documents("a", 2))
    index = SearchIndex(home)
    assert _everything(index) == ["a-0", "a-1"]
    with staged_build(home) as (build, ix):
        write_documents(ix, _documents("b", 1))
        publish(home, build)
    with staged_build(home) as (build, ix):
        assert _everything(index) == ["b-0"]  # follows the first rebuild meanwhile
        write_documents(ix, _documents("c", 1))
        publish(home, build)
    assert _everything(index) == ["c-0"]
    assert [path.name for path in (home / layout.BUILDS).iterdir()] == [build.index_id]
