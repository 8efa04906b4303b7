"""Where an index lives: its builds, the pointer to the one served, and the writer lock.

An index folder (``--index DIR``) holds::

    CURRENT            the name of the build that is served, replaced by rename
    builds/<id>/       one complete Whoosh index each, named by a random id
    writer.lock        held (flock) by the one process that writes; names it

A build's id is made when the build is created and never reused, so a
rebuilt index can never be taken for the one it replaces, even where the
generation numbers and segment names would agree. ``tracuu rebuild`` fills
a new build, then points CURRENT at it; a build that is no longer current
is removed once no process holds its readers' lock.

An index made before this layout (Whoosh's files directly in DIR) is still
served, as a build whose id is kept in DIR/tracuu.json.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO

from index import whoosh_private
from index.faults import IndexLocked, IndexUnwritable

POINTER = "CURRENT"
BUILDS = "builds"
IDENTITY = "tracuu.json"
WRITER_LOCK = "writer.lock"
READERS_LOCK = "readers.lock"
# How often a writer waiting for the lock tries again.
_LOCK_POLL_SECONDS = 0.1
# The errors that mean the folder cannot be written at all.
UNWRITABLE = {errno.EROFS: "the folder is read-only", errno.EACCES: "permission denied",
              errno.EPERM: "permission denied", errno.ENOSPC: "the disk is full",
              errno.EDQUOT: "the disk quota is exceeded", errno.EFBIG: "the file size limit "
              "is reached"}


@dataclass(frozen=True)
class Build:
    """One complete index: the Whoosh folder and the id that no other build shares."""

    folder: Path
    index_id: str


def current_build(home: Path) -> Build | None:
    """Return the build that is served from home, or None when there is none."""
    try:
        name = (home / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        if home.is_dir() and whoosh_private.latest_generation(str(home)) >= 0:
            return Build(home, _legacy_id(home))
        return None
    except NotADirectoryError:
        return None
    return Build(home / BUILDS / name, name)


def _legacy_id(home: Path) -> str:
    """Return the id of an index made before builds existed (kept in home/tracuu.json)."""
    identity = home / IDENTITY
    try:
        return str(json.loads(identity.read_text(encoding="utf-8"))["index_id"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    index_id = f"legacy-{uuid.uuid4().hex}"
    try:
        _write_atomically(identity, json.dumps({"index_id": index_id}) + "\n")
    except OSError:
        # Read-only: the folder itself stands for this index while it is served.
        stat = home.stat()
        return f"legacy-{stat.st_dev}-{stat.st_ino}-{stat.st_ctime_ns}"
    return index_id


def new_build(home: Path) -> Build:
    """Make the folder of a new build, with a fresh id (not yet served)."""
    index_id = uuid.uuid4().hex
    folder = home / BUILDS / index_id
    folder.mkdir(parents=True)
    _write_atomically(folder / IDENTITY, json.dumps({"index_id": index_id}) + "\n")
    return Build(folder, index_id)


def build_of(folder: Path) -> Build:
    """Return the build whose Whoosh index is in folder."""
    if folder.parent.name == BUILDS:
        return Build(folder, folder.name)
    return Build(folder, _legacy_id(folder))


def switch_to(home: Path, build: Build) -> None:
    """Serve build from now on: replace the pointer by rename (atomic)."""
    _write_atomically(home / POINTER, build.index_id + "\n")


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class ReadersLock:
    """A shared lock on a build, held by every process that serves from it."""

    def __init__(self, build: Build) -> None:
        self.build = build
        self._file: IO[bytes] | None = None
        try:
            self._file = (build.folder / READERS_LOCK).open("ab")
        except OSError:
            try:  # a read-only build: lock the file if it is there, else nothing to hold
                self._file = (build.folder / READERS_LOCK).open("rb")
            except OSError:
                return
        fcntl.flock(self._file, fcntl.LOCK_SH)

    def release(self) -> None:
        """Stop holding the build (another process of the same fork may still hold it)."""
        if self._file is not None:
            self._file.close()
            self._file = None


def remove_unread_builds(home: Path) -> list[Path]:
    """Remove every build that is not current and that no process reads; return them.

    An index made before builds existed (Whoosh's files in home itself) goes
    the same way once a build has replaced it.
    """
    builds = home / BUILDS
    current = current_build(home)
    removed = []
    for folder in sorted(builds.iterdir()) if builds.is_dir() else []:
        if current is not None and folder == current.folder:
            continue
        if _unread(folder, partial(shutil.rmtree, folder)):
            removed.append(folder)
    if current is not None and current.folder != home and \
            whoosh_private.latest_generation(str(home)) >= 0:
        if _unread(home, lambda: _remove_legacy_files(home)):
            removed.append(home)
    return removed


def _unread(folder: Path, remove: Callable[[], None]) -> bool:
    """Call remove() if no process holds the folder's readers' lock; tell whether it ran."""
    try:
        with (folder / READERS_LOCK).open("ab") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            remove()
            return True
    except BlockingIOError:
        return False  # still served somewhere: its last reader, or the next writer, removes it
    except OSError:
        return False  # gone already, or read-only


def _remove_legacy_files(home: Path) -> None:
    """Remove what an index made before builds keeps in home: Whoosh's files
    (tables of contents, segments, lock, temporary folder) and tracuu's."""
    whoosh_prefixes = tuple(prefix.format(whoosh_private.INDEX_NAME)
                            for prefix in ("_{}_", "{}_", "{}."))
    for entry in home.iterdir():
        name = entry.name
        if name.startswith(whoosh_prefixes) or name in (IDENTITY, READERS_LOCK, "derived"):
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()


def remove_temporaries(home: Path) -> list[Path]:
    """Remove the half-written pointer and identity files of writers that were killed;
    return them. Only the holder of the writer lock may: another writer's are live."""
    removed = []
    for name in (POINTER, IDENTITY):
        for path in home.glob(f".{name}.*.tmp"):
            try:
                path.unlink()
                removed.append(path)
            except OSError:
                continue  # read-only, or gone already: the next writer tries again
    return removed


@contextmanager
def writer_lock(home: Path, wait: float = 0.0, command: str = "ingest") -> Iterator[None]:
    """Hold the index's writer lock; wait up to ``wait`` seconds for another writer.

    The kernel drops an flock when its holder dies, kill -9 included, so a
    lock left by a dead writer is simply taken over. Raises IndexLocked
    naming the writer that holds it (pid, command, start time), and
    IndexUnwritable when the folder cannot be written.
    """
    try:
        home.mkdir(parents=True, exist_ok=True)
        lock = (home / WRITER_LOCK).open("a+", encoding="utf-8")
    except OSError as error:
        raise IndexUnwritable(home, UNWRITABLE.get(error.errno or 0, str(error))) from None
    with lock:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    lock.seek(0)
                    raise IndexLocked(home, _holder(lock.read())) from None
                time.sleep(_LOCK_POLL_SECONDS)
        try:
            lock.seek(0)
            lock.truncate()
            lock.write(json.dumps({"pid": os.getpid(), "command": command,
                                   "started": time.strftime("%Y-%m-%d %H:%M:%S")}) + "\n")
            lock.flush()
        except OSError as error:
            raise IndexUnwritable(home, UNWRITABLE.get(error.errno or 0, str(error))) from None
        yield


def _holder(text: str) -> str:
    try:
        holder = json.loads(text)
        return (f"'tracuu {holder['command']}', pid {holder['pid']}, "
                f"started {holder['started']}")
    except (ValueError, KeyError, TypeError):
        return "a writer that did not say who it is"
