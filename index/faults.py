"""What can be wrong with an index folder, each said in one line with what to do."""

from __future__ import annotations

import pickle
import struct
import zlib
from pathlib import Path

# What Whoosh raises while reading a damaged file: a truncated or garbled
# posting block, stored-fields record, column or table of contents.
READ_ERRORS = (struct.error, EOFError, pickle.UnpicklingError, zlib.error, IndexError,
               KeyError, ValueError, OSError)


def home_of(path: Path) -> Path:
    """Return the index folder (what --index names) that holds path, a build or itself."""
    # A build is HOME/builds/<id>, beside HOME/CURRENT (index.layout, which imports
    # this module); an index folder that merely sits in a folder named builds is not one.
    home = path.parent.parent
    if path.parent.name == "builds" and (home / "CURRENT").is_file():
        return home
    return path


class IndexFault(Exception):
    """An index that cannot be used as asked; the message says why and what to run."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IndexMissing(IndexFault, FileNotFoundError):
    """No index has been built in the folder."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no tracuu index in {path}: build one with 'tracuu ingest PATH'")
        self.path = path


class IndexDamaged(IndexFault):
    """A file of the index is missing, truncated or does not match what refers to it."""

    def __init__(self, path: Path, what: str) -> None:
        home = home_of(path)
        super().__init__(f"the index in {home} is damaged: {what}; run 'tracuu check "
                         f"--index {home}', then rebuild it with 'tracuu rebuild PATH... "
                         f"--index {home}'")
        self.path = path
        self.what = what


class IndexUnwritable(IndexFault):
    """The index folder cannot be written: read-only, or the disk is full."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"cannot write the index in {home_of(path)}: {why}; the previous index "
                         f"is unchanged")
        self.path = path
        self.why = why


class IndexLocked(IndexFault):
    """Another writer holds the index."""

    def __init__(self, path: Path, holder: str) -> None:
        super().__init__(f"another writer holds the index in {home_of(path)} ({holder}); "
                         f"wait for it to finish, or give --wait SECONDS")
        self.path = path
        self.holder = holder
