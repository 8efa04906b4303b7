"""Source file bytes to records, by file type."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ingest.decode import EncodingError, decode_text
from ingest.errors import SourceError
from ingest.html_page import read_html
from ingest.metadata import issued_in_text
from ingest.plain_text import read_plain_text

PAGE_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
RECORD_SUFFIXES = (".json", ".jsonl", ".jsonl.gz")
OFFICE_SUFFIXES = (".docx", ".pdf")
SUFFIXES = PAGE_SUFFIXES + TEXT_SUFFIXES + RECORD_SUFFIXES + OFFICE_SUFFIXES


def file_type(path: Path) -> str | None:
    """Return the supported suffix of a file name (".jsonl.gz" included), or None."""
    name = path.name.lower()
    return next((suffix for suffix in sorted(SUFFIXES, key=len, reverse=True)
                 if name.endswith(suffix)), None)


def read_records(path: Path, data: bytes) -> Iterator[tuple[str, dict[str, Any] | SourceError]]:
    """Yield (where, record or error) for each document a file holds.

    A file of one document yields one item; a JSON Lines file one per line,
    so that a bad line costs that line only.
    """
    source = str(path)
    suffix = file_type(path)
    if not data.strip():
        yield source, SourceError(source, "empty file")
        return
    try:
        if suffix in RECORD_SUFFIXES:
            yield from _records(source, suffix or "", data)
            return
        if suffix in OFFICE_SUFFIXES:
            from ingest.office import read_docx, read_pdf

            record = read_docx(data) if suffix == ".docx" else read_pdf(data)
            # A file's creation date is a copy's; the date printed in its head is the
            # document's own.
            printed = issued_in_text(record.get("body", ""))
            if printed:
                record["issued"] = printed
        elif suffix in PAGE_SUFFIXES:
            record = read_html(decode_text(data))
        else:
            record = read_plain_text(decode_text(data))
    except (EncodingError, ValueError) as error:
        yield source, SourceError(source, str(error))
        return
    if not (record.get("title") or "").strip() and not (record.get("body") or "").strip():
        yield source, SourceError(source, "no text found")
        return
    yield source, record


def record_lines(path: Path, data: bytes) -> list[tuple[str, str]] | SourceError:
    """Return (where, line) for each non-empty line of a JSON Lines file (gzip or not)."""
    source = str(path)
    if file_type(path) == ".jsonl.gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as error:
            return SourceError(source, f"not a readable gzip file ({error})")
    try:
        text = decode_text(data)
    except EncodingError as error:
        return SourceError(source, str(error))
    return [(f"{source}:{number}", line)
            for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


def parse_lines(lines: list[tuple[str, str]], array: bool = False
                ) -> Iterator[tuple[str, dict[str, Any] | SourceError]]:
    """Yield (where, record or error) for JSON texts; with array, a list holds records."""
    for where, line in lines:
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            yield where, SourceError(where, f"invalid JSON ({error.msg})")
            continue
        items = value if array and isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                yield where, item
            else:
                yield where, SourceError(where, "expected a JSON object (a record)")


def _records(source: str, suffix: str, data: bytes
             ) -> Iterator[tuple[str, dict[str, Any] | SourceError]]:
    if suffix == ".json":
        yield from parse_lines([(source, decode_text(data))], array=True)
        return
    lines = record_lines(Path(source), data)
    if isinstance(lines, SourceError):
        yield source, lines
        return
    yield from parse_lines(lines)
