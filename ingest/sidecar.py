"""Sidecar files: per-folder metadata that overrides what ingest reads or infers.

A folder may hold ``tracuu-metadata.json`` (an object from file name to an
object of record fields) or ``tracuu-metadata.csv`` (a ``file`` column and
one column per field). The file name ``*`` applies to every file of the
folder; a file's own entry wins over it. Any record field may be set,
``visibility`` included; ``issued`` may be written in any form index.dates
reads ("11/10/2016", as a spreadsheet saves it). In the CSV, ``refs`` lists
numbers separated by ";", and ``relations`` pairs of a type and a number
("can-cu 05-CT/TW; thay-the 27-CT/ĐU"; the type may be its label, "Căn cứ").
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from index.dates import stated_date
from index.record import FIELDS
from ingest.decode import EncodingError, decode_text

SIDECAR_NAMES = ("tracuu-metadata.json", "tracuu-metadata.csv")
ALL_FILES = "*"


class SidecarError(ValueError):
    """A sidecar file cannot be used; its folder must not be ingested without it."""


def read_sidecar(folder: Path) -> dict[str, dict[str, Any]]:
    """Return file name -> field overrides for a folder (empty without a sidecar)."""
    overrides: dict[str, dict[str, Any]] = {}
    for name in SIDECAR_NAMES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            text = decode_text(path.read_bytes())
        except (OSError, EncodingError) as error:
            raise SidecarError(f"cannot read sidecar: {error}") from None
        entries = _from_json(text) if name.endswith(".json") else _from_csv(text)
        for file_name, fields in entries.items():
            overrides.setdefault(file_name, {}).update(fields)
    return overrides


def overrides_for(sidecar: dict[str, dict[str, Any]], file_name: str) -> dict[str, Any]:
    """Return the fields a sidecar sets for one file."""
    return {**sidecar.get(ALL_FILES, {}), **sidecar.get(file_name, {})}


def _check(file_name: object, fields: object) -> dict[str, Any]:
    if not isinstance(file_name, str) or not isinstance(fields, dict):
        raise SidecarError("expected file names mapped to objects of record fields")
    unknown = sorted(set(fields) - set(FIELDS) - {"id"})
    if unknown:
        raise SidecarError(f"entry {file_name!r}: unknown field {unknown[0]!r}")
    if "id" in fields:
        raise SidecarError(f"entry {file_name!r}: 'id' cannot be overridden")
    # A value that is no date stays: the record's check names it for each file it sets.
    issued = stated_date(fields["issued"]) if isinstance(fields.get("issued"), str) else ""
    return {**fields, "issued": issued} if issued else fields


def _from_json(text: str) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SidecarError(f"invalid JSON in sidecar ({error.msg}, line {error.lineno})") from None
    if not isinstance(data, dict):
        raise SidecarError("expected a JSON object of file names")
    return {name: _check(name, fields) for name, fields in data.items()}


def _from_csv(text: str) -> dict[str, dict[str, Any]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    if rows and "file" not in rows[0]:
        raise SidecarError("the CSV sidecar needs a 'file' column")
    entries: dict[str, dict[str, Any]] = {}
    for row in rows:
        file_name = (row.pop("file") or "").strip()
        fields: dict[str, Any] = {key.strip(): value.strip() for key, value in row.items()
                                  if key and value is not None and value.strip()}
        if "refs" in fields:
            fields["refs"] = [ref.strip() for ref in fields["refs"].split(";") if ref.strip()]
        if "relations" in fields:
            fields["relations"] = _relations_cell(fields["relations"])
        entries[file_name] = _check(file_name, fields)
    return entries


def _relations_cell(cell: str) -> list[dict[str, str]]:
    """Return the relations a CSV cell lists ("can-cu 05-CT/TW; Thay thế 27-CT/ĐU"):
    the number is the last word of each item, the type the words before it."""
    relations = []
    for item in cell.split(";"):
        words = item.split()
        if words:
            relations.append({"type": " ".join(words[:-1]), "number": words[-1]})
    return relations
