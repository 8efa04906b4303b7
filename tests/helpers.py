"""Counting straight from records, to check what the index answers; building an index of
records."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from index.record import Document
from index.text import fold_accents


def public(documents: list[Document]) -> list[Document]:
    """Return the documents the public may see."""
    return [document for document in documents if document.visibility == "public"]


def containing(documents: list[Document], *words: str) -> list[Document]:
    """Return the documents whose title or body holds every word, accents ignored."""
    def words_of(document: Document) -> set[str]:
        text = fold_accents(f"{document.title} {document.body} {document.number} "
                            f"{document.issuer} {document.author}").lower()
        return set("".join(ch if ch.isalnum() else " " for ch in text).split())

    wanted = [fold_accents(word).lower() for word in words]
    return [document for document in documents
            if all(word in words_of(document) for word in wanted)]


def facet_counts(documents: list[Document]) -> tuple[Counter[int], Counter[str]]:
    """Return (documents per year, documents per type)."""
    years = Counter(document.year for document in documents if document.year)
    types = Counter(document.doc_type for document in documents)
    return years, types


def index_of(folder: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as JSON Lines in folder, ingest them into a new index there (every
    record must go in); return the index's folder."""
    from index.store import open_index
    from ingest.pipeline import ingest_paths

    source = folder / "records.jsonl"
    source.write_text("\n".join(json.dumps(record, ensure_ascii=False) for record in records),
                      encoding="utf-8")
    report = ingest_paths([source], open_index(folder / "index", create=True))
    assert not report.failed, report.failed
    return folder / "index"


@contextmanager
def app_on(folder: Path, **config: Any) -> Iterator[Flask]:
    """Yield an app serving the index in folder, its instance folder beside it (config
    may say otherwise), and close its index after."""
    from web import create_app

    app = create_app({"INDEX_DIR": str(folder), "TESTING": True,
                      "INSTANCE_DIR": str(folder.parent / "instance"), **config})
    try:
        yield app
    finally:
        app.extensions["tracuu.index"].close()


def staff_headers(app: Flask, name: str) -> dict[str, str]:
    """Return the headers that send a new API token of the app's instance (staff)."""
    from web.accounts import Accounts

    token = Accounts(Path(app.config["INSTANCE_DIR"])).create_token(name)
    return {"Authorization": f"Bearer {token}"}
