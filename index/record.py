"""The document record: what ingest produces, the index stores and the API returns."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from index.doctypes import DEFAULT_DOC_TYPE, DOC_TYPES, doc_type_slug
from index.relations import RELATION_TYPES, Relation, completed, relation_slug
from index.text import to_nfc

FIELDS = (
    "id", "title", "body", "doc_type", "number", "issued", "year", "issuer",
    "author", "refs", "url", "visibility", "category", "updater", "relations",
)
VISIBILITIES = ("public", "internal")
# An id is a URL path (/documents/<id>): at most this many characters keep the
# URL, percent-encoded, well inside what the web app reads.
MAX_ID_LENGTH = 1000
_STRING_FIELDS = ("id", "title", "body", "doc_type", "number", "issuer", "author", "url",
                  "visibility", "category", "updater")


class RecordError(ValueError):
    """A record field has a value the index cannot take."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"field '{field_name}': {message}")
        self.field_name = field_name


@dataclass(frozen=True)
class Document:
    """One publication, with every text in NFC."""

    id: str
    title: str = ""
    body: str = ""
    doc_type: str = DEFAULT_DOC_TYPE
    number: str = ""
    issued: str = ""
    year: int | None = None
    issuer: str = ""
    author: str = ""
    refs: tuple[str, ...] = field(default_factory=tuple)
    url: str = ""
    visibility: str = "public"
    category: str = ""
    updater: str = ""  # who last updated the page on the source site ("Người cập nhật")
    # How the text cites each of refs (index.relations); every ref has one at least.
    relations: tuple[Relation, ...] = field(default_factory=tuple)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> tuple[Document, list[str]]:
        """Validate a record in the contract's field names.

        Returns the document and the names of the fields that were ignored.
        Raises RecordError naming the first bad field.
        """
        unknown = sorted(str(name) for name in data if name not in FIELDS)
        values: dict[str, Any] = {}
        for name in _STRING_FIELDS:
            value = data.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise RecordError(name, f"expected a string, got {type(value).__name__}")
            values[name] = to_nfc(value).strip() if name != "body" else to_nfc(value)
        if not values.get("id"):
            raise RecordError("id", "missing or empty")
        _check_id(values["id"])
        if not values.get("title") and not values.get("body", "").strip():
            raise RecordError("title", "a record needs a title or a body")
        doc_type = doc_type_slug(values.get("doc_type") or DEFAULT_DOC_TYPE)
        if doc_type is None:
            raise RecordError("doc_type", f"unknown type {values['doc_type']!r}; expected one "
                              f"of {', '.join(DOC_TYPES)} (or their labels)")
        values["doc_type"] = doc_type
        visibility = values.get("visibility") or "public"
        if visibility not in VISIBILITIES:
            raise RecordError("visibility", f"expected 'public' or 'internal', got {visibility!r}")
        values["visibility"] = visibility
        values["issued"], values["year"] = _issued_and_year(data.get("issued"), data.get("year"))
        relations, refs = completed(_relations(data.get("relations")),
                                    list(_refs(data.get("refs"))))
        values["refs"], values["relations"] = tuple(refs), tuple(relations)
        return cls(**values), unknown

    def to_record(self) -> dict[str, Any]:
        """Return the record as JSON-ready data in the contract's field names."""
        record = asdict(self)
        record["refs"] = list(self.refs)
        record["relations"] = [relation.to_record() for relation in self.relations]
        return record

    def content_hash(self) -> str:
        """Return a hash of every field, to tell an unchanged document from a new version."""
        blob = json.dumps(self.to_record(), ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _check_id(doc_id: str) -> None:
    """Raise RecordError unless doc_id reaches its document as /documents/<id>.

    Browsers and proxies resolve `.` and `..` segments and merge empty ones,
    the router does not match a path with a newline, and a longer id would
    make a URL past what the app reads: such an id leads to another page or none.
    """
    if len(doc_id) > MAX_ID_LENGTH:
        raise RecordError("id", f"longer than {MAX_ID_LENGTH} characters")
    bad = next((ch for ch in doc_id if unicodedata.category(ch) in ("Cc", "Cs")), None)
    if bad is not None:
        raise RecordError("id", f"control or surrogate character U+{ord(bad):04X} "
                          f"in {doc_id!r}")
    segments = doc_id.split("/")
    if "" in segments:
        raise RecordError("id", f"empty path segment (a leading, trailing or double '/') "
                          f"in {doc_id!r}")
    if any(segment in (".", "..") for segment in segments):
        raise RecordError("id", f"'.' or '..' path segment in {doc_id!r}")


def _issued_and_year(issued: Any, year: Any) -> tuple[str, int | None]:
    if issued not in (None, ""):
        if not isinstance(issued, str):
            raise RecordError("issued", "expected a date as a string YYYY-MM-DD")
        try:
            date = dt.date.fromisoformat(issued.strip())
        except ValueError:
            raise RecordError("issued", f"expected a date YYYY-MM-DD, got {issued!r}") from None
        return date.isoformat(), date.year
    if year in (None, ""):
        return "", None
    if isinstance(year, bool) or not isinstance(year, int | str):
        raise RecordError("year", f"expected a year, got {year!r}")
    try:
        number = int(year)
    except ValueError:
        raise RecordError("year", f"expected a year, got {year!r}") from None
    if not 1000 <= number <= 9999:
        raise RecordError("year", f"expected a four-digit year, got {year!r}")
    return "", number


def _refs(refs: Any) -> tuple[str, ...]:
    if refs in (None, ""):
        return ()
    if isinstance(refs, str):
        refs = [refs]
    if not isinstance(refs, list) or not all(isinstance(ref, str) for ref in refs):
        raise RecordError("refs", "expected a list of document numbers")
    return tuple(dict.fromkeys(to_nfc(ref).strip() for ref in refs if ref.strip()))


def _relations(relations: Any) -> list[Relation]:
    if relations in (None, ""):
        return []
    if not isinstance(relations, list):
        raise RecordError("relations", 'expected a list of {"type": ..., "number": ...}')
    found = []
    for place, relation in enumerate(relations, start=1):
        if not isinstance(relation, Mapping):
            raise RecordError("relations", f"item {place}: expected an object with a type "
                              f"and a number, got {relation!r}")
        kind, number = relation.get("type"), relation.get("number")
        if not isinstance(number, str) or not number.strip():
            raise RecordError("relations", f"item {place}: 'number' must be a document number")
        slug = relation_slug(kind) if isinstance(kind, str) else None
        if slug is None:
            raise RecordError("relations", f"item {place}: unknown type {kind!r}; expected one "
                              f"of {', '.join(RELATION_TYPES)}")
        found.append(Relation(slug, to_nfc(number).strip()))
    return found
