"""Where the index lives, how it is opened and how documents are written to it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from index.record import Document
from index.schema import SEGMENT_WORDS, build_schema, to_fields

INDEX_DIR_ENV = "TRACUU_INDEX_DIR"


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


@dataclass
class WriteSummary:
    """Which document ids a write added, replaced, or found unchanged."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def write_documents(ix: Any, documents: Iterable[Document]) -> WriteSummary:
    """Add or replace documents by id in one commit; leave unchanged ones alone.

    Whoosh writes the new segment first and switches the table of contents
    last, so an interrupted write leaves the previous generation readable.
    """
    summary = WriteSummary()
    writer = ix.writer()
    try:
        with ix.searcher() as searcher:
            for document in documents:
                fields = to_fields(document)
                existing = searcher.document(id=document.id)
                if existing is None:
                    summary.added.append(document.id)
                elif existing.get("content_hash") == fields["content_hash"]:
                    summary.unchanged.append(document.id)
                    continue
                else:
                    summary.updated.append(document.id)
                writer.update_document(**fields)
    except BaseException:
        writer.cancel()
        raise
    if summary.added or summary.updated:
        writer.commit()
    else:
        writer.cancel()
    return summary
