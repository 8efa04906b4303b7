"""Every setting of the app, with its default and what it does: the one list to read.

Each is read from the environment as TRACUU_<NAME> (Flask parses a value that
looks like JSON, so TRACUU_SESSION_HOURS=0.5 is a number), then from the
mapping a test passes to create_app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.store import default_index_dir
from search.request import MAX_PAGE, MAX_PER_PAGE
from web.errors import MAX_URL_BYTES

PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    """One setting: its name (TRACUU_ + name in the environment), default and help."""

    name: str
    default: Any
    help: str


SETTINGS = (
    Setting("INDEX_DIR", None, "Index folder (default: var/index in the project)."),
    Setting("INSTANCE_DIR", None, "Folder of the accounts, tokens, secret key and rate-limit "
            "counters (default: var/instance in the project)."),
    Setting("SECRET_KEY", None, "Key that signs sessions and forms (default: made once in "
            "the instance folder, so that every worker and restart shares it)."),
    Setting("SESSION_HOURS", 8, "How long a sign-in lasts, in hours, however active."),
    Setting("SECURE_COOKIES", False, "Mark the session cookie Secure on every answer (it is "
            "anyway on a request that came over HTTPS)."),
    Setting("PROXY_FIX", 0, "Number of reverse proxies in front of the server whose "
            "X-Forwarded-For/-Proto/-Host/-Prefix headers are trusted (0: none)."),
    Setting("API_RATE_LIMIT", "600 per minute", "Public API requests per client address "
            "(staff are not limited); empty for no limit."),
    Setting("CACHE_SECONDS", 60, "How long any cache may keep a public answer (Cache-Control "
            "max-age); every answer also has an ETag tied to the index generation."),
    Setting("CORS_ORIGINS", "*", "Origins (comma-separated) whose pages may read GET answers "
            "under /api/; * for any, for public answers only: staff answers only go to "
            "origins named here."),
    Setting("EXPORT_LIMIT", 10_000, "Most documents one CSV or JSON Lines export gives "
            "(/api/v1/search.csv, .jsonl; its limit parameter may ask fewer)."),
    Setting("EXPORT_RATE_LIMIT", "30 per hour", "Public exports per client address, counted "
            "besides API_RATE_LIMIT (staff are not limited); empty for no limit."),
    Setting("LOGIN_ACCOUNT_LIMIT", "5 per 15 minutes", "Failed sign-ins per account."),
    Setting("LOGIN_ADDRESS_LIMIT", "20 per 15 minutes", "Failed sign-ins per client address."),
    Setting("RATELIMIT_STORAGE_URI", "", "Where rate-limit counters are kept (e.g. "
            "redis://host:6379; default: a SQLite file in the instance folder, shared by "
            "the workers of one machine)."),
    Setting("MAX_PER_PAGE", MAX_PER_PAGE, f"Largest per_page (at most {MAX_PER_PAGE})."),
    Setting("MAX_PAGE", MAX_PAGE, f"Deepest page a search can ask for (at most {MAX_PAGE})."),
    Setting("MAX_URL_BYTES", MAX_URL_BYTES, "Longest path and query string, in bytes as "
            f"sent (answered 414 beyond; at most {MAX_URL_BYTES}, which the server reads)."),
    Setting("MAX_CONTENT_LENGTH", 16 * 1024, "Largest request body, in bytes (a sign-in "
            "form; answered 413 beyond)."),
    Setting("PRELOAD", False, "Open the index before gunicorn forks its workers (set by "
            "gunicorn.conf.py)."),
    Setting("BIND", "127.0.0.1:8000", "Address the server listens on (gunicorn)."),
    Setting("WORKERS", 2, "Worker processes of the server (gunicorn)."),
    Setting("TIMEOUT", 120, "Seconds a worker may spend on one request before gunicorn "
            "restarts it: an export streams for as long as its client reads (gunicorn)."),
)


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def coerced(config: dict[str, Any]) -> dict[str, Any]:
    """Return the settings whose default is a truth value, read as one: Flask parses
    TRACUU_X=true as JSON, but keeps "False" or "off" as text, which is true in Python."""
    values = {}
    for setting in SETTINGS:
        value = config.get(setting.name)
        if isinstance(setting.default, bool) and isinstance(value, str):
            word = value.strip().lower()
            if word not in _TRUE + _FALSE:
                raise ValueError(f"TRACUU_{setting.name}: expected true or false (1 or 0), "
                                 f"got {value!r}")
            values[setting.name] = word in _TRUE
    return values


def default(name: str) -> Any:
    """Return one setting's default."""
    for setting in SETTINGS:
        if setting.name == name:
            return setting.default
    raise KeyError(name)


def defaults() -> dict[str, Any]:
    """Return every setting's default, the folders resolved."""
    values = {setting.name: setting.default for setting in SETTINGS}
    values["INDEX_DIR"] = str(default_index_dir())
    values["INSTANCE_DIR"] = str(PROJECT / "var" / "instance")
    return values
