"""A storage for the `limits` library in one SQLite file, shared by every worker.

Flask-Limiter keeps its counters in memory by default: each gunicorn worker
would then count on its own, and an address could try N workers times as
many passwords. This storage keeps fixed-window counters in a file of the
instance folder (WAL, no fsync: a counter lost in a crash costs nothing),
so every worker of one machine shares them. Several machines need a shared
server instead (TRACUU_RATELIMIT_STORAGE_URI=redis://...).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from limits.storage import Storage

from web.private_sqlite import PrivateSQLite

SCHEME = "tracuu+sqlite"
# Expired counters are removed every so many increments, not on each one.
_SWEEP_EVERY = 512
_SCHEMA = ("CREATE TABLE IF NOT EXISTS counters "
           "(key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)")


def _setup(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute(_SCHEMA)


def storage_uri(path: Path) -> str:
    """Return the storage URI of a counters file."""
    return f"{SCHEME}://{path.resolve()}"


class SQLiteStorage(Storage):
    """Fixed-window counters in SQLite (the strategy tracuu uses)."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False,
                 **options: float | str | bool) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        if not uri:
            raise ValueError(f"{SCHEME} needs a file: {SCHEME}:///path/limits.sqlite3")
        self.path = Path(unquote(urlsplit(uri).path))
        self._database = PrivateSQLite(self.path, _setup, autocommit=True)
        self._increments = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        return self._database.connection()

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        self._increments += 1
        if self._increments % _SWEEP_EVERY == 0:
            self._db().execute("DELETE FROM counters WHERE expires <= ?", (now,))
        row = self._db().execute(
            "INSERT INTO counters VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
            "count = CASE WHEN expires <= ? THEN excluded.count ELSE count + excluded.count END, "
            "expires = CASE WHEN expires <= ? THEN excluded.expires ELSE expires END "
            "RETURNING count", (key, amount, now + expiry, now, now)).fetchone()
        return int(row[0])

    def get(self, key: str) -> int:
        row = self._db().execute("SELECT count FROM counters WHERE key = ? AND expires > ?",
                                 (key, time.time())).fetchone()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._db().execute("SELECT expires FROM counters WHERE key = ? AND expires > ?",
                                 (key, time.time())).fetchone()
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        try:
            self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._db().execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        self._db().execute("DELETE FROM counters WHERE key = ?", (key,))
