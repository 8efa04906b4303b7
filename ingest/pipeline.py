"""Read source files into documents and write them to the index, losing nothing good."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.record import Document, RecordError
from index.store import write_documents
from ingest.decode import EncodingError, decode_text
from ingest.errors import SourceError
from ingest.html_page import read_html
from ingest.metadata import cited_numbers, infer_doc_type, own_number
from ingest.plain_text import read_plain_text

PAGE_SUFFIXES = {".html", ".htm"}
TEXT_SUFFIXES = {".txt"}
RECORD_SUFFIXES = {".json", ".jsonl"}
SUFFIXES = PAGE_SUFFIXES | TEXT_SUFFIXES | RECORD_SUFFIXES


@dataclass
class IngestReport:
    """What one ingest run read, wrote and could not take."""

    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: list[SourceError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {
            "read": self.read, "added": self.added, "updated": self.updated,
            "unchanged": self.unchanged, "failed": len(self.failed),
            "failures": [{"source": error.source, "reason": error.reason}
                         for error in self.failed],
            "warnings": self.warnings,
        }


def ingest_paths(paths: list[Path], ix: Any) -> IngestReport:
    """Read every supported file under paths and write the documents in one commit."""
    documents, report = read_documents(paths)
    summary = write_documents(ix, documents)
    report.added = len(summary.added)
    report.updated = len(summary.updated)
    report.unchanged = len(summary.unchanged)
    return report


def read_documents(paths: list[Path]) -> tuple[list[Document], IngestReport]:
    """Read every supported file under paths into documents; report what failed."""
    report = IngestReport()
    documents: dict[str, tuple[Document, str]] = {}
    ignored_fields: set[str] = set()
    for source, record in _records(paths, report):
        report.read += 1
        try:
            document, unknown = Document.from_mapping(_complete_metadata(record))
        except RecordError as error:
            report.failed.append(SourceError(source, str(error)))
            continue
        for name in unknown:
            if name not in ignored_fields:
                ignored_fields.add(name)
                report.warnings.append(f"{source}: unknown field '{name}' ignored")
        if document.id in documents:
            first = documents[document.id][1]
            report.failed.append(
                SourceError(source, f"duplicate id {document.id!r} (first read from {first})"))
            continue
        documents[document.id] = (document, source)
    return [document for document, _ in documents.values()], report


def _records(paths: list[Path], report: IngestReport) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in paths:
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if file.is_file() and file.suffix.lower() in SUFFIXES:
                    yield from _read_file(file, relative.with_suffix("").as_posix(), report)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                report.read += 1
                report.failed.append(SourceError(
                    str(path), f"unsupported file type {path.suffix or '(none)'!r}; "
                    f"expected one of {', '.join(sorted(SUFFIXES))}"))
                continue
            yield from _read_file(path, path.stem, report)
        else:
            report.read += 1
            report.failed.append(SourceError(str(path), "no such file or folder"))


def _read_file(path: Path, file_id: str, report: IngestReport
               ) -> Iterator[tuple[str, dict[str, Any]]]:
    source = str(path)
    try:
        text = decode_text(path.read_bytes())
    except OSError as error:
        report.read += 1
        report.failed.append(SourceError(source, f"cannot read: {error.strerror or error}"))
        return
    except EncodingError as error:
        report.read += 1
        report.failed.append(SourceError(source, str(error)))
        return
    suffix = path.suffix.lower()
    if suffix in RECORD_SUFFIXES:
        yield from _read_records(text, source, suffix, report)
        return
    try:
        record = read_html(text) if suffix in PAGE_SUFFIXES else read_plain_text(text)
    except ValueError as error:
        report.read += 1
        report.failed.append(SourceError(source, str(error)))
        return
    record["id"] = file_id
    yield source, record


def _read_records(text: str, source: str, suffix: str, report: IngestReport
                  ) -> Iterator[tuple[str, dict[str, Any]]]:
    if suffix == ".jsonl":
        lines = [(f"{source}:{number}", line)
                 for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    else:
        lines = [(source, text)]
    for where, line in lines:
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            report.read += 1
            report.failed.append(SourceError(where, f"invalid JSON ({error.msg})"))
            continue
        items = data if suffix == ".json" and isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict):
                yield where, item
            else:
                report.read += 1
                report.failed.append(SourceError(where, "expected a JSON object (a record)"))


def _complete_metadata(record: dict[str, Any]) -> dict[str, Any]:
    """Fill the number, type and citations a record does not state, from its text."""
    title = record.get("title") or ""
    body = record.get("body") or ""
    if not isinstance(title, str) or not isinstance(body, str):
        return record  # validation names the bad field
    completed = dict(record)
    if not completed.get("number"):
        completed["number"] = own_number(body)
    if not completed.get("doc_type"):
        completed["doc_type"] = infer_doc_type(completed["number"], title)
    if "refs" not in completed:
        completed["refs"] = cited_numbers(f"{title}\n{body}", completed["number"])
    return completed
