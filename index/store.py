"""Where the index lives, how it is opened and how documents are written to it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from index import derived, layout, whoosh_private
from index.faults import IndexDamaged, IndexLocked, IndexMissing, IndexUnwritable
from index.layout import Build
from index.lifetime import die_with_parent
from index.record import Document
from index.schema import POSITION_FIELDS, SEARCHED_FIELDS, SEGMENT_WORDS, build_schema, to_fields

INDEX_DIR_ENV = "TRACUU_INDEX_DIR"

__all__ = ["IndexMissing", "default_index_dir", "open_index", "write_documents"]


def default_index_dir() -> Path:
    """Return TRACUU_INDEX_DIR, else the folder var/index of the project."""
    configured = os.environ.get(INDEX_DIR_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "var" / "index"


def open_index(path: Path, *, create: bool = False, segment: bool = SEGMENT_WORDS) -> Any:
    """Open the Whoosh index served from path; with create, make an empty one if none is.

    ``segment`` chooses, for a new index only, whether it holds pyvi's words.
    """
    build = layout.current_build(path)
    if build is None:
        if not create:
            raise IndexMissing(path)
        build = create_build(path, segment)
        layout.switch_to(path, build)
    return _open(build)


def create_build(home: Path, segment: bool = SEGMENT_WORDS) -> Build:
    """Make a new, empty build in home, not yet served (see layout.switch_to)."""
    try:
        build = layout.new_build(home)
        whoosh_index.create_in(str(build.folder), build_schema(segment))
    except OSError as error:
        raise unwritable(home, error) from None
    return build


@contextmanager
def writing(home: Path, wait: float = 0.0, command: str = "ingest") -> Iterator[None]:
    """Be the index's one writer: hold its lock (waiting up to ``wait`` seconds), after
    removing what killed writers left (unread old builds, orphan files)."""
    with layout.writer_lock(home, wait, command):
        layout.remove_temporaries(home)
        layout.remove_unread_builds(home)
        build = layout.current_build(home)
        if build is not None and build.folder.is_dir():
            remove_orphans(build.folder)
        yield


@contextmanager
def staged_build(home: Path, segment: bool = SEGMENT_WORDS) -> Iterator[tuple[Build, Any]]:
    """Yield a new, empty build beside the served one and its Whoosh index; unless
    publish() switched to it by the end of the block, it is removed."""
    build = create_build(home, segment)
    # Held as a reader's: a server that follows an earlier switch meanwhile
    # removes the builds nobody reads, and this one is not current yet.
    holding = layout.ReadersLock(build)
    try:
        yield build, _open(build)
    finally:
        holding.release()
        if layout.current_build(home) != build:
            shutil.rmtree(build.folder, ignore_errors=True)


def publish(home: Path, build: Build) -> None:
    """Serve build from now on (atomically), and remove the builds nobody reads."""
    try:
        layout.switch_to(home, build)
    except OSError as error:
        raise unwritable(home, error) from None
    layout.remove_unread_builds(home)


def _open(build: Build) -> Any:
    try:
        return whoosh_index.open_dir(str(build.folder))
    except whoosh_index.EmptyIndexError:
        raise IndexDamaged(build.folder, "it has no table of contents (_MAIN_*.toc)") from None
    except Exception as error:  # a truncated TOC raises many kinds
        raise IndexDamaged(build.folder, f"its table of contents cannot be read "
                           f"({type(error).__name__}: {error})") from None


def unwritable(path: Path, error: OSError) -> IndexUnwritable:
    """Return the fault for an error that stopped a write to the index in path."""
    return IndexUnwritable(path, layout.UNWRITABLE.get(error.errno or 0,
                                                        error.strerror or str(error)))


@dataclass(frozen=True)
class Source:
    """The file a document was read from, and a fingerprint of what was read."""

    path: str
    fingerprint: str


@dataclass
class WriteSummary:
    """Which document ids a write added, replaced, found unchanged or removed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def prepare(document: Document, source: Source | None) -> dict[str, Any]:
    """Return the field values that index a document and record its source."""
    fields = to_fields(document)
    if source is not None:
        fields["source"] = source.path
        fields["source_fingerprint"] = source.fingerprint
    return fields


def write_documents(ix: Any, documents: Iterable[dict[str, Any]],
                    remove: Iterable[str] | Callable[[], Iterable[str]] = (),
                    processes: int = 1) -> WriteSummary:
    """Add or replace prepared documents by id and remove others, in one commit.

    ``remove`` may be a function, called once every document is written. A
    document whose fields are unchanged is left alone (a new fingerprint of
    its source is still recorded). Whoosh writes new segments first and
    switches the table of contents last, so an interrupted write, even a
    killed process, leaves the previous generation complete and readable;
    each new segment's derived arrays are written before that switch.

    With several ``processes``, documents are analysed and written in that
    many processes, each writing a segment (index.whoosh_private.ParallelWriter).
    A write the disk or the folder refuses raises IndexUnwritable, after
    removing what it had written.
    """
    build = layout.build_of(Path(ix.storage.folder))
    summary = WriteSummary()
    try:
        writer = whoosh_private.writer(ix, processes, _Deriver(build, processes))
    except whoosh_index.LockError:
        raise IndexLocked(build.folder, "Whoosh's write lock is held") from None
    except OSError as error:
        raise unwritable(build.folder, error) from None
    changed = False
    try:
        # An index made before a field existed (issuer_name, say) goes on without it.
        known = set(ix.schema.names())
        with ix.searcher() as searcher:
            for fields in documents:
                fields = {name: value for name, value in fields.items() if name in known}
                doc_id = fields["id"]
                existing = searcher.document(id=doc_id)
                if existing is None:
                    summary.added.append(doc_id)
                elif existing.get("content_hash") != fields["content_hash"]:
                    summary.updated.append(doc_id)
                else:
                    summary.unchanged.append(doc_id)
                    if existing.get("source_fingerprint") == fields.get("source_fingerprint"):
                        continue
                if existing is None:
                    writer.add_document(**fields)  # no older version to delete
                else:
                    writer.update_document(**fields)
                changed = True
            for doc_id in remove() if callable(remove) else remove:
                if searcher.document_number(id=doc_id) is not None:
                    writer.delete_by_term("id", doc_id)
                    summary.removed.append(doc_id)
                    changed = True
        if changed:
            writer.commit()
        else:
            writer.cancel()
    except BaseException as error:
        if not writer.is_closed:
            whoosh_private.abandon(writer)
        remove_orphans(build.folder)
        if isinstance(error, OSError) and error.errno in layout.UNWRITABLE:
            raise unwritable(build.folder, error) from None
        if isinstance(error, whoosh_private.WriterProcessFailed):
            why = layout.UNWRITABLE.get(error.errno or 0, str(error))
            raise IndexUnwritable(build.folder, why) from None
        raise
    remove_orphans(build.folder)
    return summary


class _Deriver:
    """Before a commit's table of contents: the derived arrays of its new segments."""

    def __init__(self, build: Build, processes: int) -> None:
        self.build = build
        self.processes = processes

    def __call__(self, schema: Any, segments: list[Any]) -> None:
        missing = [segment for segment in segments
                   if not derived.file_for(self.build.folder, segment.segment_id()).exists()]
        jobs = [(self.build, schema, segment) for segment in missing]
        if len(jobs) < 2 or self.processes < 2:
            for job in jobs:
                _derive(job)
            return
        with ProcessPoolExecutor(min(self.processes, len(jobs)), mp_context=get_context("fork"),
                                 initializer=die_with_parent, initargs=(os.getpid(),)) as pool:
            list(pool.map(_derive, jobs))


def _derive(job: tuple[Build, Any, Any]) -> None:
    build, schema, segment = job
    header, arrays = derived.made(build.folder, schema, segment, SEARCHED_FIELDS,
                                  POSITION_FIELDS)
    derived.write(derived.file_for(build.folder, segment.segment_id()), build.index_id,
                  header, arrays)


def remove_orphans(folder: Path) -> list[str]:
    """Remove what no table of contents refers to: the files of segments that are not in
    the newest one, temporary files and folders of writes that were killed or failed,
    and derived files of segments that are gone. Return the names removed."""
    try:
        toc = whoosh_private.read_toc(str(folder))
    except Exception:  # no readable TOC: nothing can be told apart from orphans
        return []
    live = {segment.segment_id() for segment in toc.segments}  # its files' names begin so
    newest = whoosh_private.toc_name(toc.generation)
    pattern = whoosh_private.segment_pattern()
    removed: list[str] = []
    entries = [*folder.iterdir(), *((folder / "derived").iterdir()
                                    if (folder / "derived").is_dir() else ())]
    for entry in entries:
        name = entry.name
        matched = pattern.match(name)
        orphan = (
            (entry.parent == folder and matched is not None and matched.group(1) not in live)
            or name.endswith(".tmp") or ".toc." in name
            # An older TOC, left by a writer killed between its commit and the clean-up.
            or (name.endswith(".toc") and name.startswith("_") and name != newest)
            or (entry.suffix == derived.SUFFIX and entry.stem not in live)
        )
        if not orphan:
            continue
        try:
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(name)
        except OSError:
            continue  # read-only, or gone already: the next writer tries again
    return removed


class SourceState:
    """What the index knows of the sources its documents came from."""

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher

    def read_from(self, path: str) -> tuple[str, list[str]]:
        """Return the fingerprint recorded for a source and the ids read from it."""
        fingerprints, ids = set(), []
        for docnum in self._searcher.document_numbers(source=path):
            stored = self._searcher.stored_fields(docnum)
            fingerprints.add(stored.get("source_fingerprint", ""))
            ids.append(stored["id"])
        fingerprint = fingerprints.pop() if len(fingerprints) == 1 else ""
        return fingerprint, ids

    def sources_under(self, root: str) -> list[str]:
        """Return every recorded source at root or below it."""
        prefix = root.rstrip("/") + "/"
        return [path for path in (term.decode("utf-8") if isinstance(term, bytes) else term
                                  for term in self._searcher.lexicon("source"))
                if path == root or path.startswith(prefix)]
