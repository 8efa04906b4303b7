"""Shared fixtures: a real index built from the samples in a temporary folder, app, client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from index.record import Document
from index.store import open_index
from ingest.pipeline import IngestReport, ingest_paths, read_documents
from search import SearchIndex

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT / "samples" / "pages"
SHARED = PROJECT.parent / "shared"


@pytest.fixture(scope="session")
def sample_documents() -> list[Document]:
    """Return the sample publications as records, read without any index."""
    documents, report = read_documents([SAMPLES])
    assert not report.failed, report.failed
    return documents


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, IngestReport]:
    """Build a real index from the samples, once per test session."""
    path = tmp_path_factory.mktemp("index")
    report = ingest_paths([SAMPLES], open_index(path, create=True))
    return path, report


@pytest.fixture()
def index_dir(sample_index: tuple[Path, IngestReport]) -> Path:
    return sample_index[0]


@pytest.fixture()
def searcher(index_dir: Path) -> Iterator[SearchIndex]:
    search_index = SearchIndex(index_dir)
    yield search_index
    search_index.close()


@pytest.fixture()
def app(index_dir: Path) -> Flask:
    from web import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(index_dir)})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()
