"""Shared fixtures: a real index built from the samples in a temporary folder, app, client."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
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
INSTANCE_SETTINGS = ("TRACUU_INSTANCE_DIR", "TRACUU_API_RATE_LIMIT", "TRACUU_EXPORT_RATE_LIMIT")


@pytest.fixture(scope="session", autouse=True)
def test_instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep every app and server of the tests out of the project's var/instance, and
    their public API unlimited unless a test sets a limit (every request of the tests
    comes from 127.0.0.1)."""
    folder = tmp_path_factory.mktemp("instance")
    saved = {name: os.environ.get(name) for name in INSTANCE_SETTINGS}
    os.environ.update({"TRACUU_INSTANCE_DIR": str(folder), "TRACUU_API_RATE_LIMIT": "",
                       "TRACUU_EXPORT_RATE_LIMIT": ""})
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


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
def make_app() -> Iterator[Callable[[Path], Flask]]:
    """Return a function that creates the app on an index folder; close their files after.

    Flask apps hold reference cycles: one dropped at the end of a test is
    collected whenever the collector runs, and its index's files would then
    be closed (and reported as unclosed) in some later test.
    """
    from web import create_app

    made: list[Flask] = []

    def make(index: Path) -> Flask:
        made.append(create_app({"TESTING": True, "INDEX_DIR": str(index)}))
        return made[-1]

    yield make
    for app in made:
        app.extensions["tracuu.index"].close()


@pytest.fixture()
def app(index_dir: Path, make_app: Callable[[Path], Flask]) -> Flask:
    return make_app(index_dir)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()
