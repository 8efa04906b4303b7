"""The reference in docs/ keeps up with the code: every setting with its default, every
command and option, every path and parameter of the OpenAPI description, every relation
and document type, and links that lead somewhere."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest

from tests.conftest import PROJECT

DOCS = PROJECT / "docs"
README = PROJECT / "README.md"
PAGES = ("README.md", "api.md", "records.md", "cli.md", "settings.md", "operations.md")
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _prose(text: str) -> Iterator[str]:
    """Yield the lines of a Markdown text that are outside fenced code blocks."""
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def _headings(text: str) -> list[tuple[int, str]]:
    """Return (level, text) of every heading outside code blocks."""
    return [(len(found.group(1)), found.group(2)) for line in _prose(text)
            if (found := _HEADING.match(line))]


def _section(text: str, heading: str) -> str:
    """Return the lines under the heading whose text is `heading`, up to the next heading
    of the same or a higher level."""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        found = _HEADING.match(line)
        if found and found.group(2) == heading:
            level = len(found.group(1))
            end = next((place for place in range(start + 1, len(lines))
                        if (other := _HEADING.match(lines[place]))
                        and len(other.group(1)) <= level), len(lines))
            return "\n".join(lines[start + 1:end])
    raise AssertionError(f"no heading {heading!r}")


def _anchor(heading: str) -> str:
    """Return the anchor GitHub gives a heading: lower case, without punctuation, spaces
    made hyphens."""
    words = re.sub(r"[^\w\- ]", "", heading.replace("`", "").strip().lower())
    return words.replace(" ", "-")


def render_default(value: Any) -> str:
    """Return a setting's default as docs/settings.md writes it (as the code does)."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def test_the_index_lists_every_page() -> None:
    index = _text("README.md")
    missing = [name for name in PAGES[1:] if f"]({name})" not in index]
    assert not missing, f"docs/README.md does not link {missing}"
    on_disk = sorted(path.name for path in DOCS.glob("*.md"))
    assert on_disk == sorted(PAGES), "a page of docs/ is missing from PAGES or the disk"


def test_settings_page_lists_every_setting_with_its_default() -> None:
    from web.settings import SETTINGS

    page = _text("settings.md")
    missing = [setting.name for setting in SETTINGS
               if f"| `TRACUU_{setting.name}` | `{render_default(setting.default)}` |"
               not in page]
    assert not missing, f"add these settings (with their defaults) to docs/settings.md: {missing}"
    listed = set(re.findall(r"^\| `TRACUU_([A-Z_]+)` \|", page, re.MULTILINE))
    unknown = listed - {setting.name for setting in SETTINGS}
    assert not unknown, f"docs/settings.md lists settings the code does not have: {unknown}"


def _commands(group: click.Group, prefix: str) -> Iterator[tuple[str, click.Command]]:
    """Yield every command and subcommand of a click group, by its full name."""
    for name, command in sorted(group.commands.items()):
        full = f"{prefix} {name}"
        yield full, command
        if isinstance(command, click.Group):
            yield from _commands(command, full)


def test_cli_page_names_every_command_and_option() -> None:
    from web.cli import main

    page = _text("cli.md")
    commands = list(_commands(main, "tracuu"))
    assert len(commands) >= 14  # ingest ... token revoke: the walk found the group's tree
    for full, command in commands:
        assert f"`{full}" in page, f"docs/cli.md does not name `{full}`"
        top = " ".join(full.split()[:2])
        section = _section(page, f"`{top}`")
        for param in command.params:
            if isinstance(param, click.Option):
                for option in param.opts:
                    if option.startswith("--"):
                        assert option in section, \
                            f"docs/cli.md, section {top!r}, does not name {option} of {full}"
            elif isinstance(param, click.Argument):
                assert param.human_readable_name.upper() in section, \
                    f"docs/cli.md, section {top!r}, does not name the argument of {full}"


def test_cli_page_explains_every_exit_status() -> None:
    statuses = _section(_text("cli.md"), "Exit statuses")
    for status in range(5):
        assert f"\n| {status} |" in statuses, f"docs/cli.md does not explain exit status {status}"


@pytest.fixture()
def openapi(tmp_path: Path) -> Iterator[dict[str, Any]]:
    from web import create_app
    from web.openapi import description

    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index")})
    try:
        with app.test_request_context():
            yield description()
    finally:
        app.extensions["tracuu.index"].close()


def test_api_page_covers_every_path_and_parameter(openapi: dict[str, Any]) -> None:
    page = _text("api.md")
    headings = {text for _, text in _headings(page)}
    paths = openapi["paths"]
    assert "/api/v1/search" in paths and len(paths) >= 10
    for path, operations in paths.items():
        assert f"`{path}`" in headings, f"docs/api.md has no section `{path}`"
        section = _section(page, f"`{path}`")
        for operation in operations.values():
            for parameter in operation["parameters"]:
                assert f"`{parameter['name']}`" in section, \
                    f"docs/api.md, section {path}, does not name the parameter " \
                    f"{parameter['name']!r}"
            for status in operation["responses"]:
                if status.startswith(("4", "5")) and status not in ("401", "414", "429", "503"):
                    assert status in section, \
                        f"docs/api.md, section {path}, does not name the error {status}"


def test_api_page_names_the_error_codes() -> None:
    from search.errors import DocumentNotFound, InvalidParameter
    from web.access import INVALID_TOKEN

    page = _text("api.md")
    for code in (InvalidParameter.code, DocumentNotFound.code, INVALID_TOKEN["error"]["code"],
                 "too_many_requests", "uri_too_long", "index_missing", "index_unavailable"):
        assert f"`{code}`" in page, f"docs/api.md does not name the error code {code}"


def test_records_page_names_every_field_relation_and_type() -> None:
    from index.doctypes import DOC_TYPES
    from index.record import FIELDS
    from index.relations import RELATION_TYPES

    page = _text("records.md")
    fields = _section(page, "Fields")
    missing = [name for name in FIELDS if f"| `{name}` |" not in fields]
    assert not missing, f"docs/records.md does not describe the fields {missing}"
    for slug, kind in RELATION_TYPES.items():
        assert f"| `{slug}` | {kind.label} |" in page, \
            f"docs/records.md does not give the relation {slug} ({kind.label})"
    types = _section(page, "Document types")
    for slug, label in DOC_TYPES.items():
        assert f"| `{slug}` | {label} |" in types, \
            f"docs/records.md does not give the document type {slug} ({label})"


def _links() -> Iterator[tuple[Path, str]]:
    for source in [README, *sorted(DOCS.glob("*.md"))]:
        for line in _prose(source.read_text(encoding="utf-8")):
            for target in _LINK.findall(line):
                if not re.match(r"[a-z][a-z0-9+.-]*:", target):
                    yield source, target


def test_relative_links_lead_to_files_and_headings() -> None:
    links = list(_links())
    assert any(source == README for source, _ in links), "README.md links nothing"
    for source, target in links:
        name, _, anchor = target.partition("#")
        file = (source.parent / name).resolve() if name else source
        where = f"{source.relative_to(PROJECT)}: {target}"
        assert file.exists(), f"{where} leads to no file"
        if anchor and file.suffix == ".md":
            anchors = {_anchor(text) for _, text in
                       _headings(file.read_text(encoding="utf-8"))}
            assert anchor in anchors, f"{where} leads to no heading of {file.name}"


def test_readme_sends_readers_to_docs_not_the_workspace() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "../shared" not in readme
    for name in PAGES:
        assert f"(docs/{name})" in readme, f"README.md does not link docs/{name}"
