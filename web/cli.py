"""The `tracuu` command line: ingest, rebuild, check, search, serve, user, token."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from index.check import check_index
from index.doctypes import DOC_TYPES
from index.faults import READ_ERRORS, IndexDamaged, IndexFault, IndexLocked, IndexMissing
from index.layout import UNWRITABLE
from index.store import (
    default_index_dir,
    open_index,
    publish,
    staged_build,
    unwritable,
    writing,
)
from ingest.pipeline import DEFAULT_MAX_BYTES, IngestReport, ingest_paths
from search import SearchError, SearchIndex, SearchRequest
from search.facets import DOC_TYPE, FACETS
from web.admin import token, user

index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Index folder (default: $TRACUU_INDEX_DIR, else var/index in the project).")


@click.group()
def main() -> None:
    """tracuu: full-text search over Vietnamese publications."""


main.add_command(user)
main.add_command(token)


def writer_options(command: Callable[..., None]) -> Callable[..., None]:
    """Add the options that ingest and rebuild share."""
    for option in reversed([
        click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path)),
        index_option,
        click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True,
                     help="Seconds to wait for another writer of the index to finish."),
        click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES,
                     show_default=True,
                     help="Skip (and report) any file larger than this; for .jsonl and "
                          ".jsonl.gz, which are read record by record, any record (line) "
                          "larger than this."),
        click.option("--workers", type=click.IntRange(min=1), default=os.cpu_count() or 1,
                     show_default="all cores", help="Processes that read and analyse documents."),
        click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON."),
    ]):
        command = option(command)
    return command


@main.command()
@writer_options
@click.option("--prune", is_flag=True,
              help="Remove documents read earlier from these paths whose source is gone.")
def ingest(paths: tuple[Path, ...], index_dir: Path | None, wait: float, max_bytes: int,
           workers: int, as_json: bool, prune: bool) -> None:
    """Read files and folders into the index.

    Reads .html/.htm pages, .txt/.md text, .docx, .pdf, and .json/.jsonl/.jsonl.gz
    records; folders recursively, with tracuu-metadata.json/.csv sidecars.
    """
    home = index_dir or default_index_dir()
    with index_faults(home), writing(home, wait, "ingest"):
        ix = open_index(home, create=True)
        report = ingest_paths(list(paths), ix, prune=prune, max_bytes=max_bytes,
                              workers=workers, progress=sys.stderr.isatty() and not as_json)
    _print_report(report, as_json)
    sys.exit(1 if report.failed else 0)


@main.command()
@writer_options
def rebuild(paths: tuple[Path, ...], index_dir: Path | None, wait: float, max_bytes: int,
            workers: int, as_json: bool) -> None:
    """Build a complete new index from the sources, then switch to it atomically.

    The served index stays as it is until the new one is complete; a running
    server follows the switch without a restart. When no document could be read
    (every source failed, or the paths hold none), nothing is switched.
    """
    home = index_dir or default_index_dir()
    with index_faults(home), writing(home, wait, "rebuild"), staged_build(home) as (build, ix):
        report = ingest_paths(list(paths), ix, max_bytes=max_bytes, workers=workers,
                              progress=sys.stderr.isatty() and not as_json)
        # A mistyped folder must not replace the served index with an empty one.
        switched = report.added > 0
        if switched:
            publish(home, build)
    _print_report(report, as_json)
    if not switched:
        what = "nothing could be read" if report.failed else "the paths hold no document"
        click.echo(f"error: {what}; the index in {home} is unchanged", err=True)
    sys.exit(1 if report.failed or not switched else 0)


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for failure in report.failed:
        click.echo(f"failed: {failure.source}: {failure.reason}", err=True)
    click.echo(f"read {report.read}, added {report.added}, updated {report.updated}, "
               f"unchanged {report.unchanged}, removed {report.removed}, "
               f"failed {len(report.failed)}")


@main.command()
@index_option
@click.option("--repair", is_flag=True,
              help="Write derived files that are missing or wrong again from their segments.")
@click.option("--wait", type=click.FloatRange(min=0), default=0, show_default=True,
              help="With --repair: seconds to wait for another writer to finish.")
def check(index_dir: Path | None, repair: bool, wait: float) -> None:
    """Verify every segment and derived file of the index; say what to run if one is wrong."""
    home = index_dir or default_index_dir()
    with index_faults(home):
        if repair:
            with writing(home, wait, "check --repair"):
                report = check_index(home, repair=True)
        else:
            report = check_index(home)
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    for name in report.repaired:
        click.echo(f"repaired: {name}")
    if report.problems:
        click.echo(f"error: {report.advice()}", err=True)
        sys.exit(4)
    click.echo(f"ok: build {report.build}, generation {report.generation}, "
               f"{report.segments} segments, {report.documents} documents")


@contextmanager
def index_faults(home: Path) -> Iterator[None]:
    """Turn an index fault into its one line and exit status (3 locked, 4 damaged or
    unwritable); an index that is missing exits 1 with what to run."""
    try:
        yield
    except IndexLocked as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(3)
    except IndexMissing as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(1)
    except IndexFault as error:
        click.echo(f"error: {error.message}", err=True)
        sys.exit(4)
    except OSError as error:
        if error.errno not in UNWRITABLE:
            raise
        click.echo(f"error: {unwritable(home, error).message}", err=True)
        sys.exit(4)
    except READ_ERRORS as error:
        # Raised by Whoosh reading a damaged file of the index (ids, sources).
        what = f"a file cannot be read ({type(error).__name__}: {error})"
        click.echo(f"error: {IndexDamaged(home, what).message}", err=True)
        sys.exit(4)


def facet_options(command: Any) -> Any:
    """Add one repeatable option per facet of the registry (--type, --year, --issuer)."""
    for facet in reversed(FACETS):
        kind = click.Choice(sorted(DOC_TYPES)) if facet is DOC_TYPE else str
        command = click.option(f"--{facet.parameter}", facet.field, multiple=True, type=kind,
                               help=facet.help)(command)
    return command


@main.command()
@click.argument("query")
@facet_options
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default=None)
@click.option("--page", type=int, default=1)
@click.option("--per-page", type=int, default=10)
@click.option("--internal", is_flag=True, help="Include internal (staff-only) documents.")
@click.option("--json", "as_json", is_flag=True, help="Print the API's JSON body.")
@index_option
def search(query: str, sort: str | None, page: int, per_page: int, internal: bool,
           as_json: bool, index_dir: Path | None, **chosen: tuple[str, ...]) -> None:
    """Search the index, as the web page and the API do."""
    try:
        request = SearchRequest(query=query, sort=sort or "", page=page, per_page=per_page,
                                include_internal=internal, **chosen)  # type: ignore[arg-type]
        home = index_dir or default_index_dir()
        with index_faults(home):
            result = SearchIndex(home).search(request)
    except SearchError as error:
        raise click.UsageError(error.message) from None
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{result.total} kết quả")
    first = (result.page - 1) * result.per_page
    for rank, hit in enumerate(result.hits, start=first + 1):
        number = f" [{hit.number}]" if hit.number else ""
        when = hit.issued or hit.year or "-"
        click.echo(f"{rank:>3}. {hit.title}{number} ({hit.doc_type}, {when})  id={hit.id}")


@main.command()
@click.option("--bind", default=None,
              help="HOST:PORT (default: $TRACUU_BIND, else 127.0.0.1:8000).")
@index_option
def serve(bind: str | None, index_dir: Path | None) -> None:
    """Serve the site and the API with gunicorn."""
    env = dict(os.environ)
    if bind:
        env["TRACUU_BIND"] = bind
    if index_dir:
        env["TRACUU_INDEX_DIR"] = str(index_dir.resolve())
    command = [sys.executable, "-m", "gunicorn", "--config", "python:web.gunicorn_settings"]
    os.execve(sys.executable, command, env)
