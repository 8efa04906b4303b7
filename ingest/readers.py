"""Source file bytes to records, by file type."""

from __future__ import annotations

import codecs
import gzip
import io
import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ingest.decode import EncodingError, decode_text
from ingest.errors import SourceError
from ingest.html import read_html
from ingest.metadata import issued_in_text
from ingest.plain_text import read_plain_text

PAGE_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
JSON_LINES_SUFFIXES = (".jsonl", ".jsonl.gz")
RECORD_SUFFIXES = (".json", *JSON_LINES_SUFFIXES)
OFFICE_SUFFIXES = (".docx", ".pdf")
SUFFIXES = PAGE_SUFFIXES + TEXT_SUFFIXES + RECORD_SUFFIXES + OFFICE_SUFFIXES

# (where, the raw bytes of a line, or why it cannot be read): what a JSON Lines
# reader hands to parse_json_lines, possibly in another process.
RawLine = tuple[str, bytes | SourceError]
_CHUNK_BYTES = 1 << 20
_WIDE_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE,
              codecs.BOM_UTF16_BE)


def file_type(path: Path) -> str | None:
    """Return the supported suffix of a file name (".jsonl.gz" included), or None."""
    name = path.name.lower()
    return next((suffix for suffix in sorted(SUFFIXES, key=len, reverse=True)
                 if name.endswith(suffix)), None)


def read_records(path: Path, data: bytes) -> Iterator[tuple[str, dict[str, Any] | SourceError]]:
    """Yield (where, record or error) for each document a file holds.

    A file of one document yields one item; a JSON Lines file one per line,
    so that a bad line costs that line only (json_lines and parse_json_lines
    read one as a stream instead, without holding its bytes).
    """
    source = str(path)
    suffix = file_type(path)
    if not data.strip():
        yield source, SourceError(source, "empty file")
        return
    try:
        if suffix in JSON_LINES_SUFFIXES:
            yield from parse_json_lines(_json_lines(
                source, lambda: io.BytesIO(data), suffix == ".jsonl.gz", None))
            return
        if suffix == ".json":
            yield from parse_lines([(source, decode_text(data))], array=True)
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


def parse_json_lines(lines: Iterable[RawLine]
                     ) -> Iterator[tuple[str, dict[str, Any] | SourceError]]:
    """Yield (where, record or error) for raw JSON Lines, decoding each line alone."""
    for where, line in lines:
        if isinstance(line, SourceError):
            yield where, line
            continue
        try:
            text = decode_text(line)
        except EncodingError as error:
            yield where, SourceError(where, str(error))
            continue
        if text.strip():
            yield from parse_lines([(where, text)])


def json_lines(path: Path, max_bytes: int | None) -> Iterator[RawLine]:
    """Yield (where, bytes) for each non-empty line of a JSON Lines file, read as a stream.

    A line over max_bytes gives (where, error) instead, without being held in memory.
    A file that cannot be read gives one error for the file, after any lines read
    before the fault; a gzip file is read to its end first, so that a damaged one
    gives nothing else.
    """
    return _json_lines(str(path), lambda: path.open("rb"), file_type(path) == ".jsonl.gz",
                       max_bytes)


def _json_lines(source: str, open_raw: Callable[[], io.BufferedIOBase], compressed: bool,
                max_bytes: int | None) -> Iterator[RawLine]:
    try:
        if compressed:
            with _opened(open_raw, compressed) as stream:
                while stream.read(_CHUNK_BYTES):
                    pass
        with _opened(open_raw, compressed) as stream:
            yield from _split_lines(source, stream, max_bytes)
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        yield source, SourceError(source, f"not a readable gzip file ({error})")
    except OSError as error:
        yield source, SourceError(source, f"cannot read: {error.strerror or error}")


@contextmanager
def _opened(open_raw: Callable[[], io.BufferedIOBase], compressed: bool
            ) -> Iterator[io.BufferedIOBase]:
    with open_raw() as raw:
        if not compressed:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as stream:
            yield stream


def _split_lines(source: str, stream: io.BufferedIOBase, max_bytes: int | None
                 ) -> Iterator[RawLine]:
    found = False
    limit = -1 if max_bytes is None else max_bytes + 1
    for number, line in enumerate(iter(lambda: stream.readline(limit), b""), start=1):
        where = f"{source}:{number}"
        if number == 1 and (problem := _not_utf8(line)):
            yield source, SourceError(source, problem)
            return
        if max_bytes is not None and len(line) > max_bytes and not line.endswith(b"\n"):
            size = len(line) + _skip_line(stream)
            yield where, SourceError(where, f"record too large ({size:,} bytes; the limit is "
                                     f"{max_bytes:,}, see --max-bytes)")
            found = True
            continue
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        if line.strip():
            yield where, line
            found = True
    if not found:
        yield source, SourceError(source, "empty file")


def _skip_line(stream: io.BufferedIOBase) -> int:
    """Read past the rest of an over-long line; return its length, without the newline."""
    skipped = 0
    while chunk := stream.readline(_CHUNK_BYTES):
        if chunk.endswith(b"\n"):
            return skipped + len(chunk) - 1
        skipped += len(chunk)
    return skipped


def _not_utf8(first_line: bytes) -> str | None:
    """Tell why a JSON Lines file whose first line this is cannot be UTF-8, if it cannot.

    Lines are split at newline bytes, which UTF-16 and UTF-32 text does not keep
    whole; no JSON text holds a NUL byte.
    """
    if first_line.startswith(_WIDE_BOMS):
        return "JSON Lines must be UTF-8 (this file is UTF-16 or UTF-32)"
    if 0 in first_line:
        return "not UTF-8 text: binary data, or UTF-16 or UTF-32 without a byte order mark"
    return None
