"""Every use of Whoosh's private format and methods, behind one door.

tracuu reads postings blocks, pickled positions, length bytes, tables of
contents and deletion sets directly, and hooks the writers' commit. None of
that is Whoosh's public interface, so it is pinned: importing this module
with another Whoosh release fails at once, rather than reading a changed
format wrongly.
"""

from __future__ import annotations

import importlib.metadata
import io
import multiprocessing
import os
import queue
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from pickle import loads
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.formats import Positions
from whoosh.index import TOC
from whoosh.index import EmptyIndexError as EmptyIndexError
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import EmptyReader, MultiReader, SegmentReader, TermNotFound
from whoosh.util.numeric import byte_to_length
from whoosh.writing import SegmentWriter

from index.lifetime import die_with_parent

WHOOSH_DISTRIBUTION = "whoosh-reloaded"
WHOOSH_VERSION = "2.7.5"
INDEX_NAME = "MAIN"

_installed = importlib.metadata.version(WHOOSH_DISTRIBUTION)
if _installed != WHOOSH_VERSION:
    raise ImportError(f"tracuu reads Whoosh's private index format as {WHOOSH_DISTRIBUTION} "
                      f"{WHOOSH_VERSION} writes it; {_installed} is installed")

# Whoosh stores a field's length in a document as one byte; this decodes them all.
_LENGTH_OF_BYTE = np.array([0] + [byte_to_length(code) for code in range(1, 256)],
                           dtype=np.int32)


def latest_generation(path: str) -> int:
    """Return the newest generation whose table of contents is in the folder, or -1."""
    return int(TOC._latest_generation(FileStorage(path), INDEX_NAME))


def read_toc(path: str, generation: int | None = None) -> Any:
    """Read a table of contents (the newest by default): schema, segments, generation.

    Raises EmptyIndexError when the folder holds none. The file is read whole
    first: Whoosh leaves it open when its content cannot be read.
    """
    if generation is None:
        generation = latest_generation(path)
        if generation < 0:
            raise EmptyIndexError(f"no table of contents in {path}")
    name = toc_name(generation)
    data = (Path(path) / name).read_bytes()
    return TOC.read(_OneFile(name, data), INDEX_NAME, gen=generation)


class _OneFile:
    """A storage of one file already read, as TOC.read opens it."""

    def __init__(self, name: str, data: bytes) -> None:
        self._name = name
        self._data = data

    def open_file(self, name: str, **kwargs: Any) -> Any:
        if name != self._name:
            raise FileNotFoundError(name)
        return StructFile(io.BytesIO(self._data), name=name)


def open_reader(path: str, toc: Any) -> Any:
    """Return a Whoosh reader over exactly the segments of one table of contents, with
    every file it reads opened now (what fails to open closes what did)."""
    storage = FileStorage(path)
    opened: list[Any] = []
    try:
        for segment in toc.segments:
            leaf = SegmentReader(storage, toc.schema, segment, generation=toc.generation)
            opened.append(leaf)
            # Whoosh opens a segment's stored fields on first use; open them now,
            # before a later commit can merge the segment away and delete them.
            if leaf.doc_count_all():
                leaf.stored_fields(0)
    except BaseException:
        for leaf in opened:
            leaf.close()
        raise
    if not opened:
        return EmptyReader(toc.schema)
    return opened[0] if len(opened) == 1 else MultiReader(opened, generation=toc.generation)


def open_segment(path: str, schema: Any, segment: Any) -> Any:
    """Return a reader of one segment (written, perhaps not yet in a table of contents)."""
    return SegmentReader(FileStorage(path), schema, segment)


def deleted_docs(segment: Any) -> np.ndarray:
    """Return the segment's deleted document numbers (as its table of contents holds them)."""
    return np.fromiter(segment.deleted_docs(), dtype=np.int64)


def field_lengths(leaf: Any, field: str) -> np.ndarray:
    """Return the length of the field in each document of a segment, as BM25 reads it."""
    count = leaf.doc_count_all()
    codes = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    if codes is None:
        return np.zeros(count, dtype=np.int32)
    raw = np.fromiter((codes[docnum] for docnum in range(count)), dtype=np.uint8, count=count)
    return _LENGTH_OF_BYTE[raw]


def has_column(leaf: Any, field: str) -> bool:
    """Tell whether the segment has the column file of a sortable field."""
    return bool(leaf._perdoc.has_column(field))


def term_postings(leaf: Any, field: str, text: bytes, positions: bool
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """Read a term's postings in a segment: local document numbers (int32, ascending),
    weights (float32) and, if asked and the field has them, position keys
    (local docnum << 32 | position, int64, ascending). None if the term is absent."""
    matcher = _postings_matcher(leaf, field, text)
    if matcher is None or not matcher.is_active():
        return None
    positions = positions and matcher.supports("positions")
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    counts: list[int] = []
    deltas: list[int] = []
    if isinstance(matcher, W3LeafMatcher) and (not positions
                                               or type(matcher.format) is Positions):
        # Whole blocks at a time (a block is up to 128 postings).
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(np.asarray(matcher._ids, dtype=np.int32))
            weights.append(np.asarray(matcher._weights, dtype=np.float32))
            if positions:
                # Positions' value: a 4-byte count, then a pickled list of deltas.
                matcher._read_values()
                for value in matcher._values:
                    codes = loads(value[4:] if value.endswith(b".") else value[4:] + b".")
                    counts.append(len(codes))
                    deltas += codes
            matcher._next_block()
    else:  # any other matcher (inlined postings): the public interface, one at a time
        found: list[int] = []
        weighed: list[float] = []
        while matcher.is_active():
            found.append(matcher.id())
            weighed.append(matcher.weight())
            if positions:
                places = matcher.value_as("positions")
                counts.append(len(places))
                deltas += [place - before for place, before in zip(places, [0, *places],
                                                                   strict=False)]
            matcher.next()
        ids.append(np.asarray(found, dtype=np.int32))
        weights.append(np.asarray(weighed, dtype=np.float32))
    docs = np.concatenate(ids)
    if not positions:
        return docs, np.concatenate(weights), None
    return docs, np.concatenate(weights), position_keys(
        docs, np.asarray(counts, dtype=np.int64), np.asarray(deltas, dtype=np.int64))


def position_keys(docs: np.ndarray, counts: np.ndarray, deltas: np.ndarray) -> np.ndarray:
    """Return docnum << 32 | position for each position, from per-document position deltas."""
    running = np.cumsum(deltas)
    # Restart the running sum at each document's first position.
    starts = np.cumsum(counts) - counts
    positions = running - np.repeat(np.concatenate(([0], running))[starts], counts)
    return (np.repeat(docs.astype(np.int64), counts) << 32) | positions


def _postings_matcher(leaf: Any, field: str, text: bytes) -> Any | None:
    """Return the matcher of every posting of a term in a segment, deleted ones included.

    Not leaf.postings(): it wraps the matcher in a filter of the deleted
    documents, which has already stepped the inner matcher past those that
    come first. Deletions are masked from the table of contents instead, and
    BM25's document frequency counts deleted postings, as Whoosh's does.
    """
    if field not in leaf.schema:
        return None
    try:
        return leaf._terms.matcher(field, text, leaf.schema[field].format)
    except (TermNotFound, KeyError):
        return None


def id_holders(leaf: Any, field: str) -> Iterator[tuple[bytes, np.ndarray]]:
    """Yield each term of a unique field with its local document numbers (deleted ones
    too). A term held by one document (nearly all) is read from its term info alone,
    where Whoosh keeps the lowest document number, without opening its postings."""
    for text, info in leaf.iter_field(field):
        if info.doc_frequency() == 1:
            yield text, np.asarray([info.min_id()], dtype=np.int32)
            continue
        found = term_postings(leaf, field, text, False)
        if found is not None:
            yield text, found[0]


def segment_terms(leaf: Any) -> Iterator[tuple[str, bytes]]:
    """Yield (field, term bytes) of every term of a segment, in order."""
    yield from leaf.all_terms()



def segment_pattern() -> Any:
    """Return the pattern of the names of segment files (group 1: the segment's name)."""
    return TOC._segment_pattern(INDEX_NAME)


def toc_name(generation: int) -> str:
    """Return the file name of a generation's table of contents."""
    return str(TOC._filename(INDEX_NAME, generation))


# Writers. Both call before_toc(segments) once every segment of the commit
# is written and closed, just before the table of contents that lists them:
# what it makes exists before any reader can see the new generation.

WRITER_MEMORY_MB = 512
# How long the commit waits for a writer process's segment between checks
# that the processes are still alive.
_POLL_SECONDS = 1.0
BeforeToc = Callable[[Any, list[Any]], None]


class WriterProcessFailed(RuntimeError):
    """A writer process died before handing back its segment (errno: why it could not
    write, when that was the reason)."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


class SerialWriter(SegmentWriter):
    """Whoosh's writer, calling before_toc(schema, segments) before its commit's TOC."""

    def __init__(self, ix: Any, before_toc: BeforeToc, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        self._before_toc = before_toc

    def _commit_toc(self, segments: list[Any]) -> None:
        self._before_toc(self.schema, segments)
        super()._commit_toc(segments)


class _Task(SubWriterTask):
    """A writer process that is killed when its parent dies."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._parent = os.getpid()
        # Shared memory the child writes: why it could not write, for the parent to say.
        self.errno = multiprocessing.RawValue("i", 0)

    def run(self) -> None:
        die_with_parent(self._parent)
        try:
            super().run()
        except OSError as error:  # a full disk, a read-only folder: the parent says which
            self.errno.value = error.errno or 0
            sys.exit(1)
        except Exception as error:
            print(f"an index writer process failed: {type(error).__name__}: {error}",
                  file=sys.stderr)
            sys.exit(1)


class ParallelWriter(MpWriter):
    """MpWriter (multisegment): several processes analyse and write, one segment each.

    The main process hands batches of documents (plain field values) to
    writer processes; each one analyses its documents and writes a segment
    of its own, and the commit adds those segments to the table of contents
    as one new generation. Until then the previous generation is untouched.
    Two things are tightened over Whoosh: a writer process that dies, or
    sends no segment back, fails the commit (Whoosh would commit without its
    segment and lose its documents quietly); and a writer process dies with
    the main process, kill -9 included, instead of waiting for work forever.
    """

    def __init__(self, ix: Any, procs: int, before_toc: BeforeToc | None = None,
                 **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, multisegment=True, **kwargs)
        self._before_toc = before_toc

    def _new_task(self) -> Any:
        task = _Task(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                     self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task

    def cancel(self) -> None:
        for task in self.tasks:
            if task.is_alive():
                task.terminate()
        for task in self.tasks:
            task.join()
        self.tasks: list[Any] = []
        super().cancel()

    def _commit_toc(self, segments: list[Any]) -> None:
        if self._before_toc is not None:
            self._before_toc(self.schema, segments)
        super()._commit_toc(segments)

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        if self.docbuffer:
            self._enqueue()
        for _ in self.tasks:
            self.jobqueue.put(None)
        segments = self._merge_segments(mergetype, optimize, merge)
        results: list[Any] = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=_POLL_SECONDS))
            except queue.Empty:
                dead = [task for task in self.tasks if not task.is_alive()]
                if len(dead) > len(results) or any(task.exitcode for task in dead):
                    raise _failure(self.tasks) from None
        for task in self.tasks:
            task.join()
        if any(task.exitcode for task in self.tasks):
            raise _failure(self.tasks)
        segments += [segment for _, _, segment in results]
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()


def _failure(tasks: list[Any]) -> WriterProcessFailed:
    codes = ", ".join(str(task.exitcode) for task in tasks)
    errno = next((task.errno.value for task in tasks if task.errno.value), None)
    return WriterProcessFailed(f"an index writer process failed (exit codes: {codes}); "
                               f"nothing was committed", errno)


def abandon(writer: Any) -> None:
    """Cancel a failed write, even when closing its files fails as well."""
    try:
        writer.cancel()
    except OSError:
        # A full disk refuses the segment's last bytes on close too: Whoosh's
        # cancel then stops before letting go of its write lock, which would
        # lock this process out of the index until it exits.
        lock = getattr(writer, "writelock", None)
        if lock is not None:
            lock.release()


def writer(ix: Any, processes: int, before_toc: BeforeToc) -> Any:
    """Return a writer of the index: in this process, or in several."""
    # Memory for each writer's postings before it sorts them in runs on disk
    # (Whoosh's default is 128 MB, which spills and re-reads every posting).
    # Segments stay as separate files: Whoosh reads a compound segment's
    # postings into memory whole, in every process that opens it.
    options = {"limitmb": WRITER_MEMORY_MB, "compound": False}
    if processes > 1:
        return ParallelWriter(ix, processes, before_toc, **options)
    return SerialWriter(ix, before_toc, **options)
