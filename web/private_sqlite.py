"""SQLite files of the instance folder: private to their owner, one connection per thread.

The accounts and the rate-limit counters are each one SQLite file in the
instance folder (mode 0700; files 0600, made so before SQLite opens them).
Each thread of each process keeps its own connection (a forked worker opens
its own), opened again when the file is no longer the one it was opened on
(replaced by a restore from a backup, say).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path


class PrivateSQLite:
    """One SQLite file, connected per thread; setup runs on each new connection."""

    def __init__(self, path: Path, setup: Callable[[sqlite3.Connection], object], *,
                 autocommit: bool = False) -> None:
        self.path = path
        self._setup = setup
        self._autocommit = autocommit
        self._local = threading.local()

    def connection(self) -> sqlite3.Connection:
        """Return this thread's connection to the file (made, private, if it is not there)."""
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            found = os.stat(self.path)
        identity = (os.getpid(), found.st_dev, found.st_ino)
        known = getattr(self._local, "connection", None)
        if known is not None and known[0] == identity:
            connection: sqlite3.Connection = known[1]
            return connection
        if known is not None and known[0][0] == os.getpid():
            known[1].close()
        connection = sqlite3.connect(self.path, timeout=10, check_same_thread=False,
                                     isolation_level=None if self._autocommit else "DEFERRED")
        self._setup(connection)
        self._local.connection = (identity, connection)
        return connection
