"""Where the index lives, how it is opened and how documents are written to it."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from index.record import Document
from index.schema import SEGMENT_WORDS, build_schema, to_fields
from index.writer import ParallelWriter

INDEX_DIR_ENV = "TRACUU_INDEX_DIR"
# Memory for each writer's postings before it sorts them in runs on disk
# (Whoosh's default is 128 MB, which spills and re-reads every posting).
# Segments stay as separate files: Whoosh reads a compound segment's
# postings into memory whole, in every process that opens it.
WRITER_MEMORY_MB = 512


class IndexMissing(FileNotFoundError):
    """No index has been built in the folder."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"no tracuu index in {path}: build one with 'tracuu ingest PATH'")
        self.path = path


def default_index_dir() -> Path:
    """Return TRACUU_INDEX_DIR, else the folder var/index of the project."""
    configured = os.environ.get(INDEX_DIR_ENV)
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "var" / "index"


def open_index(path: Path, *, create: bool = False, segment: bool = SEGMENT_WORDS) -> Any:
    """Open the Whoosh index in path; with create, make an empty one if none is there.

    ``segment`` chooses, for a new index only, whether it holds pyvi's words.
    """
    if path.is_dir() and whoosh_index.exists_in(str(path)):
        return whoosh_index.open_dir(str(path))
    if not create:
        raise IndexMissing(path)
    path.mkdir(parents=True, exist_ok=True)
    return whoosh_index.create_in(str(path), build_schema(segment))


@dataclass(frozen=True)
class Source:
    """The file a document was read from, and a fingerprint of what was read."""

    path: str
    fingerprint: str


@dataclass
class WriteSummary:
    """Which document ids a write added, replaced, found unchanged or removed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def prepare(document: Document, source: Source | None) -> dict[str, Any]:
    """Return the field values that index a document and record its source."""
    fields = to_fields(document)
    if source is not None:
        fields["source"] = source.path
        fields["source_fingerprint"] = source.fingerprint
    return fields


def write_documents(ix: Any, documents: Iterable[dict[str, Any]],
                    remove: Iterable[str] | Callable[[], Iterable[str]] = (),
                    processes: int = 1) -> WriteSummary:
    """Add or replace prepared documents by id and remove others, in one commit.

    ``remove`` may be a function, called once every document is written. A
    document whose fields are unchanged is left alone (a new fingerprint of
    its source is still recorded). Whoosh writes new segments first and
    switches the table of contents last, so an interrupted write, even a
    killed process, leaves the previous generation complete and readable.

    With several ``processes``, documents are analysed and written in that
    many processes, each writing a segment (index.writer).
    """
    summary = WriteSummary()
    options = {"limitmb": WRITER_MEMORY_MB, "compound": False}
    writer = ParallelWriter(ix, processes, **options) if processes > 1 \
        else ix.writer(**options)
    changed = False
    try:
        with ix.searcher() as searcher:
            for fields in documents:
                doc_id = fields["id"]
                existing = searcher.document(id=doc_id)
                if existing is None:
                    summary.added.append(doc_id)
                elif existing.get("content_hash") != fields["content_hash"]:
                    summary.updated.append(doc_id)
                else:
                    summary.unchanged.append(doc_id)
                    if existing.get("source_fingerprint") == fields.get("source_fingerprint"):
                        continue
                if existing is None:
                    writer.add_document(**fields)  # no older version to delete
                else:
                    writer.update_document(**fields)
                changed = True
            for doc_id in remove() if callable(remove) else remove:
                if searcher.document_number(id=doc_id) is not None:
                    writer.delete_by_term("id", doc_id)
                    summary.removed.append(doc_id)
                    changed = True
    except BaseException:
        writer.cancel()
        raise
    if changed:
        writer.commit()
    else:
        writer.cancel()
    return summary


class SourceState:
    """What the index knows of the sources its documents came from."""

    def __init__(self, searcher: Any) -> None:
        self._searcher = searcher

    def read_from(self, path: str) -> tuple[str, list[str]]:
        """Return the fingerprint recorded for a source and the ids read from it."""
        fingerprints, ids = set(), []
        for docnum in self._searcher.document_numbers(source=path):
            stored = self._searcher.stored_fields(docnum)
            fingerprints.add(stored.get("source_fingerprint", ""))
            ids.append(stored["id"])
        fingerprint = fingerprints.pop() if len(fingerprints) == 1 else ""
        return fingerprint, ids

    def sources_under(self, root: str) -> list[str]:
        """Return every recorded source at root or below it."""
        prefix = root.rstrip("/") + "/"
        return [path for path in (term.decode("utf-8") if isinstance(term, bytes) else term
                                  for term in self._searcher.lexicon("source"))
                if path == root or path.startswith(prefix)]
