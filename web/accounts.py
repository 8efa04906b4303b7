"""Staff accounts and API tokens: one SQLite file in the instance folder.

Passwords are kept as Werkzeug scrypt hashes; tokens and session ids as
SHA-256 digests (each is 32 random bytes, so a fast digest is enough); none
is ever stored as given. The folder (mode 0700) and its files (0600) are
made on first use. A sign-in is a row here, which the session cookie names:
signing out, a new password or a removed account deletes the rows, so a
copy of the cookie kept from before signs nobody in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import sqlite3
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from web.private_sqlite import PrivateSQLite

DATABASE = "accounts.sqlite3"
SECRET_KEY_FILE = "secret_key"
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
TOKEN_PREFIX = "tracuu_"
_NAME = re.compile(r"[\w.@-]{1,64}")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    started REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL
);
"""
# Checked when a name is unknown, so that signing in as nobody takes as long
# as signing in with a wrong password.
_UNKNOWN_USER_HASH = generate_password_hash(secrets.token_hex(16), method="scrypt")


class AccountError(ValueError):
    """A request about accounts or tokens that cannot be done; the message says why."""


class AccountsUnavailable(AccountError):
    """The accounts file cannot be opened or read (permissions, a damaged file)."""


@dataclass(frozen=True)
class User:
    """A staff account, as sessions know it."""

    name: str
    created: str


@dataclass(frozen=True)
class Token:
    """An API token, by its name; the token itself is never kept."""

    name: str
    created: str


def normalize_name(name: str) -> str:
    """Return an account or token name as stored (NFC, case-folded); refuse a bad one."""
    folded = unicodedata.normalize("NFC", name.strip()).casefold()
    if not _NAME.fullmatch(folded):
        raise AccountError(f"the name {name!r} must be 1 to 64 letters, digits, '.', '_', "
                           "'-' or '@'")
    return folded


def check_password(password: str) -> None:
    """Refuse a password that is too weak or too long to be one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password is too short: it needs at least "
                           f"{MIN_PASSWORD_LENGTH} characters (got {len(password)})")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"the password is longer than {MAX_PASSWORD_LENGTH} characters")
    if password.strip() != password or not password.isprintable():
        raise AccountError("the password must not start or end with spaces, nor hold "
                           "control characters")


class Accounts:
    """The accounts and tokens of one instance folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / DATABASE
        self._database = PrivateSQLite(self.path, lambda db: db.executescript(_SCHEMA))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            connection = self._database.connection()
            with connection:  # one transaction, committed or rolled back
                yield connection
        except sqlite3.IntegrityError:
            raise
        except (OSError, sqlite3.Error) as error:
            raise AccountsUnavailable(f"the accounts file {self.path} cannot be used "
                                      f"({type(error).__name__}: {error})") from error

    # Accounts

    def add_user(self, name: str, password: str) -> User:
        """Add an account; refuse a name that exists or a weak password."""
        name = normalize_name(name)
        check_password(password)
        user = User(name, _now())
        with self._connect() as db:
            try:
                db.execute("INSERT INTO users VALUES (?, ?, ?)",
                           (name, generate_password_hash(password, method="scrypt"),
                            user.created))
            except sqlite3.IntegrityError:
                raise AccountError(f"the account {name!r} exists already") from None
        return user

    def set_password(self, name: str, password: str) -> None:
        """Change an account's password, which ends its sessions."""
        name = normalize_name(name)
        check_password(password)
        with self._connect() as db:
            changed = db.execute("UPDATE users SET password_hash = ? WHERE name = ?",
                                 (generate_password_hash(password, method="scrypt"), name))
            if not changed.rowcount:
                raise AccountError(f"there is no account {name!r}")
            db.execute("DELETE FROM sessions WHERE name = ?", (name,))

    def remove_user(self, name: str) -> None:
        """Remove an account, which ends its sessions."""
        name = normalize_name(name)
        with self._connect() as db:
            if not db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise AccountError(f"there is no account {name!r}")
            db.execute("DELETE FROM sessions WHERE name = ?", (name,))

    def users(self) -> list[User]:
        """Return every account, by name."""
        with self._connect() as db:
            rows = db.execute("SELECT name, created FROM users ORDER BY name")
            return [User(*row) for row in rows]

    def user(self, name: str) -> User | None:
        """Return the account of this name, or None."""
        try:
            name = normalize_name(name)
        except AccountError:
            return None
        with self._connect() as db:
            row = db.execute("SELECT name, created FROM users WHERE name = ?",
                             (name,)).fetchone()
        return User(*row) if row else None

    def verify(self, name: str, password: str) -> User | None:
        """Return the account if the password is its own, else None (in the same time
        whether or not the account exists)."""
        try:
            name = normalize_name(name)
        except AccountError:
            name = ""
        with self._connect() as db:
            row = db.execute("SELECT name, created, password_hash FROM users "
                             "WHERE name = ?", (name,)).fetchone()
        if row is None or len(password) > MAX_PASSWORD_LENGTH:
            check_password_hash(_UNKNOWN_USER_HASH, password[:MAX_PASSWORD_LENGTH])
            return None
        return User(*row[:2]) if check_password_hash(row[2], password) else None

    # Sessions

    def start_session(self, name: str, lifetime: float) -> str:
        """Record a sign-in; return its id, which the session cookie carries."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE started < ?", (now - lifetime,))
            db.execute("INSERT INTO sessions VALUES (?, ?, ?)",
                       (_digest(session_id), normalize_name(name), now))
        return session_id

    def session_user(self, session_id: str, lifetime: float) -> User | None:
        """Return the account a sign-in is for, if it is recorded, its account exists and
        it started less than lifetime seconds ago; else None."""
        if len(session_id) > 200:
            return None
        with self._connect() as db:
            row = db.execute("SELECT users.name, users.created FROM sessions JOIN users "
                             "ON users.name = sessions.name WHERE digest = ? AND started >= ?",
                             (_digest(session_id), time.time() - lifetime)).fetchone()
        return User(*row) if row else None

    def end_session(self, session_id: str) -> None:
        """Forget a sign-in (signing out)."""
        with self._connect() as db:
            db.execute("DELETE FROM sessions WHERE digest = ?", (_digest(session_id),))

    # Tokens

    def create_token(self, name: str) -> str:
        """Make a token for a program; return it (the only time it is seen)."""
        name = normalize_name(name)
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._connect() as db:
            try:
                db.execute("INSERT INTO tokens VALUES (?, ?, ?)", (name, _digest(token), _now()))
            except sqlite3.IntegrityError:
                raise AccountError(f"a token named {name!r} exists already: revoke it "
                                   "first, or choose another name") from None
        return token

    def revoke_token(self, name: str) -> None:
        """Revoke a token: every request that carries it is refused from now on."""
        name = normalize_name(name)
        with self._connect() as db:
            if not db.execute("DELETE FROM tokens WHERE name = ?", (name,)).rowcount:
                raise AccountError(f"there is no token named {name!r}")

    def tokens(self) -> list[Token]:
        """Return every token's name and date, by name."""
        with self._connect() as db:
            return [Token(*row) for row in
                    db.execute("SELECT name, created FROM tokens ORDER BY name")]

    def token(self, token: str) -> Token | None:
        """Return the token's record if it is one of ours and not revoked, else None."""
        if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        with self._connect() as db:
            row = db.execute("SELECT name, created FROM tokens WHERE digest = ?",
                             (_digest(token),)).fetchone()
        return Token(*row) if row else None


def secret_key(folder: Path) -> str:
    """Return the instance's secret key for signing sessions, made on first use; every
    worker and every restart reads the same one."""
    path = folder / SECRET_KEY_FILE
    try:
        _private_folder(folder)
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_hex(32))
        for _ in range(100):
            key = path.read_text().strip()
            if key:
                return key
            # Another process made the file and is writing it.
            os.sched_yield()
    except OSError as error:
        raise AccountError(f"the instance folder {folder} cannot be used ({error.strerror}): "
                           "set TRACUU_INSTANCE_DIR to a folder this user may write, or "
                           "TRACUU_SECRET_KEY") from None
    raise AccountError(f"{path} is empty: remove it and start again")


def _private_folder(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
