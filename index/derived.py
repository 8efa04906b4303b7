"""Each segment's postings, field lengths and columns, as one checksummed file to map.

Whoosh's own files are read one posting (and one pickled position list) at a
time. For the query path, every segment also gets a derived file, written
when the segment is committed: the terms of the searched fields with their
document numbers, weights and positions, every document's field lengths
(as BM25 reads them, and exact, so that statistics can be summed over any
set of documents), the columns that filters and facets read, and the word
and word-pair counts that spelling suggestions weigh (index.ngrams). Every process maps the file
read-only, so the page cache holds the one copy all of them share, and a
new segment's arrays exist as soon as it is committed.

A derived file names the index, segment and document count it was made
from, and carries its own size and a CRC-32 of every byte after the first
few (the header, which holds BM25's field totals and the facets' names, as
well as the arrays). One that is missing, truncated, names anything else or
fails its checksum is never trusted: it is made again from the Whoosh
segment.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index import ngrams, whoosh_private
from index.faults import IndexDamaged

FORMAT = 6
MAGIC = b"TRACUUD6"
SUFFIX = ".arrays"
_ALIGN = 64
# The magic and the CRC-32 of every byte after them, from the sizes on.
_SEAL = struct.Struct("<8sI")
# The header's length and the whole file's.
_SIZES = struct.Struct("<QQ")
_PREFIX = _SEAL.size + _SIZES.size


# The columns kept as codes into sorted names, by the Whoosh column read.
CODED_COLUMNS = {"doc_type": "doc_type", "issued": "issued", "issuer": "issuer_name"}
# The arrays of word, pair and triple counts (index.ngrams).
NGRAM_TABLES = ("ng1", "ng2", "ng3")
# The stored, unique field that names a document.
ID_FIELD = "id"


def key_of(field: str, text: bytes) -> bytes:
    """Return the lookup key of a term: its field, a NUL, and the term's bytes."""
    return field.encode() + b"\0" + text


def _hash(key: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")


@dataclass(frozen=True)
class SegmentArrays:
    """One segment's derived arrays, read-only (mapped from the file, or made in memory)."""

    segment_id: str
    doc_count: int
    field_totals: dict[str, int]  # Whoosh's sum of each field's lengths
    column_names: dict[str, tuple[str, ...]]  # what each coded column's codes stand for
    arrays: dict[str, np.ndarray]
    nbytes: int

    def _find(self, key: bytes) -> int | None:
        hashes = self.arrays["hashes"]
        wanted = np.uint64(_hash(key))
        index = int(np.searchsorted(hashes, wanted))
        starts, blob = self.arrays["key_starts"], self.arrays["key_blob"]
        while index < len(hashes) and hashes[index] == wanted:
            if blob[starts[index]:starts[index + 1]].tobytes() == key:
                return index
            index += 1
        return None

    def find_many(self, keys: list[bytes]) -> np.ndarray:
        """Return the index of each key's term (-1 where the segment lacks it), searched
        all at once."""
        hashes = self.arrays["hashes"]
        wanted = np.fromiter((_hash(key) for key in keys), dtype=np.uint64, count=len(keys))
        places = np.searchsorted(hashes, wanted)
        found = np.full(len(keys), -1, dtype=np.int64)
        starts, blob = self.arrays["key_starts"], self.arrays["key_blob"]
        for number, (key, place) in enumerate(zip(keys, places.tolist(), strict=True)):
            while place < len(hashes) and hashes[place] == wanted[number]:
                if blob[starts[place]:starts[place + 1]].tobytes() == key:
                    found[number] = place
                    break
                place += 1
        return found

    def postings_of(self, index: int) -> np.ndarray:
        """Return the local document numbers of the term at index (from find_many)."""
        start, end = self.arrays["starts"][index:index + 2]
        return self.arrays["ids"][start:end]

    def term(self, key: bytes) -> tuple[np.ndarray, np.ndarray] | None:
        """Return the term's local document numbers and weights, or None."""
        index = self._find(key)
        if index is None:
            return None
        start, end = self.arrays["starts"][index:index + 2]
        return self.arrays["ids"][start:end], self.arrays["weights"][start:end]

    def positions(self, key: bytes) -> np.ndarray | None:
        """Return the term's position keys (local docnum << 32 | position), or None."""
        index = self._find(key)
        if index is None:
            return None
        start, end = self.arrays["pstarts"][index:index + 2]
        return self.arrays["pkeys"][start:end] if end > start else None

    def lengths(self, field: str) -> np.ndarray:
        """Return the field's length in each document (int32), as BM25 reads it."""
        found = self.arrays.get("len:" + field)
        return found if found is not None else np.zeros(self.doc_count, dtype=np.int32)

    def holders(self, doc_id: str) -> np.ndarray:
        """Return the local document numbers (deleted ones too) whose id hashes as doc_id's
        does: a sorted search, the same work whether or not the id is there."""
        hashes = self.arrays["id_hashes"]
        wanted = np.uint64(_hash(key_of(ID_FIELD, doc_id.encode())))
        start = int(np.searchsorted(hashes, wanted, side="left"))
        end = int(np.searchsorted(hashes, wanted, side="right"))
        return self.arrays["id_docs"][start:end]

    def exact_lengths(self, field: str) -> np.ndarray | None:
        """Return the field's exact length in each document (uint32), or None if unscored."""
        return self.arrays.get("tokens:" + field)

    def ngram_counts(self) -> tuple[ngrams.Counts, ...]:
        """Return the segment's word, pair and triple counts, deleted documents included."""
        return tuple(ngrams.Counts(self.arrays[f"{name}:keys"],
                                   self.arrays[f"{name}:every"].astype(np.int64),
                                   self.arrays[f"{name}:public"].astype(np.int64))
                     for name in NGRAM_TABLES)

    def ngram_counts_of(self, chosen: np.ndarray) -> tuple[ngrams.Counts, ...]:
        """Return the word, pair and triple counts of the documents chosen marks (by
        local docnum), made again from the postings."""
        return ngrams.tables(self.arrays, self.arrays["ng:terms"], chosen)

    def field_words(self, field: str = ngrams.FIELD) -> tuple[list[str], np.ndarray]:
        """Return the terms of a field (the one ngram_counts counts by default), and each
        one's key."""
        starts, blob = self.arrays["key_starts"], self.arrays["key_blob"].tobytes()
        skip = len(field) + 1
        terms = (self.arrays["ng:terms"] if field == ngrams.FIELD
                 else ngrams.field_terms(starts, self.arrays["key_blob"], field))
        words = [blob[starts[index] + skip:starts[index + 1]].decode()
                 for index in terms.tolist()]
        return words, self.arrays["hashes"][terms]

    def term_counts(self, field: str, masks: list[np.ndarray]
                    ) -> tuple[list[str], list[np.ndarray]]:
        """Return a field's terms and, for each mask (bool by local docnum), how many of
        the documents it marks hold each term."""
        words, _ = self.field_words(field)
        terms = ngrams.field_terms(self.arrays["key_starts"], self.arrays["key_blob"], field)
        starts = self.arrays["starts"]
        lengths = (starts[terms + 1] - starts[terms]).astype(np.int64)
        docs = ngrams.gathered(self.arrays["ids"], starts[terms], lengths)
        owner = np.repeat(np.arange(len(terms)), lengths)
        return words, [np.bincount(owner, mask[docs], len(terms)).astype(np.int64)
                       for mask in masks]

    def column(self, name: str) -> np.ndarray:
        """Return a column: years, type codes, issued codes (-1 undated), public flags."""
        return self.arrays["col:" + name]


def derive(leaf: Any, fields: Iterable[str], position_fields: Iterable[str]
           ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read a Whoosh segment into the derived arrays; return (header, arrays)."""
    wanted, positional = set(fields), set(position_fields)
    keys: list[bytes] = []
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    pkeys: list[np.ndarray] = []
    id_hashes: list[int] = []
    id_docs: list[np.ndarray] = []
    for text, holders in whoosh_private.id_holders(leaf, ID_FIELD):
        id_hashes.extend([_hash(key_of(ID_FIELD, text))] * len(holders))
        id_docs.append(holders)
    for field, text in whoosh_private.segment_terms(leaf):
        if field not in wanted:
            continue
        found = whoosh_private.term_postings(leaf, field, text, field in positional)
        if found is None:
            continue
        keys.append(key_of(field, text))
        ids.append(found[0])
        weights.append(found[1])
        pkeys.append(found[2] if found[2] is not None else np.zeros(0, dtype=np.int64))
    hashes = np.fromiter((_hash(key) for key in keys), dtype=np.uint64, count=len(keys))
    order = sorted(range(len(keys)), key=lambda index: (int(hashes[index]), keys[index]))
    arrays: dict[str, np.ndarray] = {
        "hashes": hashes[order] if keys else np.zeros(0, dtype=np.uint64),
        "key_starts": _starts(len(keys[index]) for index in order),
        "key_blob": np.frombuffer(b"".join(keys[index] for index in order), dtype=np.uint8),
        "starts": _starts(len(ids[index]) for index in order),
        "ids": _joined([ids[index] for index in order], np.int32),
        "weights": _joined([weights[index] for index in order], np.float32),
        "pstarts": _starts(len(pkeys[index]) for index in order),
        "pkeys": _joined([pkeys[index] for index in order], np.int64),
    }
    for field in sorted(wanted):
        arrays["len:" + field] = whoosh_private.field_lengths(leaf, field)
    arrays.update(_exact_lengths(leaf, wanted, keys, ids, weights))
    by_hash = np.argsort(np.asarray(id_hashes, dtype=np.uint64), kind="stable")
    arrays["id_hashes"] = np.asarray(id_hashes, dtype=np.uint64)[by_hash]
    arrays["id_docs"] = _joined(id_docs, np.int32)[by_hash]
    column_names = _read_columns(leaf, arrays)
    arrays.update(_ngram_arrays(arrays))
    header = {
        "format": FORMAT,
        "whoosh": whoosh_private.WHOOSH_VERSION,
        "segment_id": leaf.segment().segment_id(),
        "doc_count": leaf.doc_count_all(),
        "fields": sorted(wanted),
        "position_fields": sorted(positional),
        "field_totals": {field: int(leaf.field_length(field)) for field in sorted(wanted)},
        "column_names": column_names,
    }
    return header, arrays


def _exact_lengths(leaf: Any, fields: set[str], keys: list[bytes], ids: list[np.ndarray],
                   weights: list[np.ndarray]) -> dict[str, np.ndarray]:
    """Return each scored field's exact length in every document, as "tokens:<field>".

    Whoosh keeps a document's length only rounded to one byte, and the
    segment's exact total; a field's length is the sum of its terms'
    frequencies, which the postings hold, so it is summed from them.
    """
    found = {}
    doc_count = leaf.doc_count_all()
    for field in sorted(fields):
        if field not in leaf.schema or not leaf.schema[field].scorable:
            continue
        prefix = field.encode() + b"\0"
        chosen = [index for index, key in enumerate(keys) if key.startswith(prefix)]
        lengths = np.zeros(doc_count, dtype=np.float64)
        if chosen:
            lengths = np.bincount(np.concatenate([ids[index] for index in chosen]),
                                  np.concatenate([weights[index] for index in chosen]),
                                  minlength=doc_count)
        found["tokens:" + field] = np.rint(lengths).astype(np.uint32)
    return found


def _ngram_arrays(arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Return the segment's word and pair counts (index.ngrams), and which terms they
    are of (to count a generation's deleted documents out again)."""
    terms = ngrams.field_terms(arrays["key_starts"], arrays["key_blob"])
    found = {"ng:terms": terms}
    for name, counts in zip(NGRAM_TABLES, ngrams.tables(arrays, terms, None), strict=True):
        found[f"{name}:keys"] = counts.keys
        found[f"{name}:every"] = counts.every.astype(np.uint32)
        found[f"{name}:public"] = counts.public.astype(np.uint32)
    return found


def _starts(lengths: Iterable[int]) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(np.fromiter(lengths, dtype=np.int64))))


def _joined(parts: list[np.ndarray], dtype: Any) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype)


def _read_columns(leaf: Any, arrays: dict[str, np.ndarray]) -> dict[str, list[str]]:
    """Add the columns to arrays; return the names that each coded column's codes
    stand for."""
    count = leaf.doc_count_all()
    if count and not whoosh_private.has_column(leaf, "visibility"):
        # Read as defaults, every document would be "not public": refuse instead.
        raise ValueError(f"segment {leaf.segment().segment_id()} has no visibility column")
    years = np.asarray(list(leaf.column_reader("year")), dtype=np.int64)
    # A missing year reads as 0, or as -2**31 from a segment with no year at
    # all (Whoosh translates the column's raw default).
    years[(years < 1000) | (years > 9999)] = 0
    arrays["col:year"] = years.astype(np.int32)
    names: dict[str, list[str]] = {}
    for column, field in CODED_COLUMNS.items():
        # An index made before a column existed reads "" for every document.
        values = (list(leaf.column_reader(field)) if whoosh_private.has_column(leaf, field)
                  else [""] * count)
        found, codes = np.unique(np.asarray(values, dtype=object).astype(str),
                                 return_inverse=True)
        arrays["col:" + column] = codes.astype(np.int32).reshape(count)
        names[column] = [str(name) for name in found]
    visibility = np.asarray(list(leaf.column_reader("visibility")), dtype=object)
    arrays["col:public"] = (visibility == "public").astype(np.bool_).reshape(count)
    return names


def write(path: Path, index_id: str, header: dict[str, Any],
          arrays: dict[str, np.ndarray]) -> None:
    """Write a derived file atomically (a temporary file renamed into place)."""
    layout: dict[str, Any] = {}
    offset = 0
    for name, array in arrays.items():
        layout[name] = {"dtype": array.dtype.str, "shape": list(array.shape),
                        "offset": offset, "nbytes": int(array.nbytes)}
        offset = _aligned(offset + array.nbytes)
    full = {**header, "index_id": index_id, "arrays": layout}
    encoded = json.dumps(full, ensure_ascii=False).encode()
    data_start = _aligned(_PREFIX + len(encoded))
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    path.parent.mkdir(exist_ok=True)
    try:
        with temporary.open("wb") as out:
            out.write(bytes(_SEAL.size))  # the checksum, once known
            crc = _written(out, _SIZES.pack(len(encoded), data_start + offset), 0)
            crc = _written(out, encoded, crc)
            crc = _written(out, bytes(data_start - _PREFIX - len(encoded)), crc)
            for array in arrays.values():
                data = np.ascontiguousarray(array).data
                crc = _written(out, data, crc)
                crc = _written(out, bytes(_aligned(data.nbytes) - data.nbytes), crc)
            out.seek(0)
            out.write(_SEAL.pack(MAGIC, crc))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _written(out: Any, data: Any, crc: int) -> int:
    """Write data; return the running CRC-32 with it."""
    out.write(data)
    return zlib.crc32(data, crc)


def _aligned(offset: int) -> int:
    return -(-offset // _ALIGN) * _ALIGN


def load(path: Path, index_id: str, segment_id: str, doc_count: int) -> SegmentArrays:
    """Map a derived file and check it; raise ValueError if it cannot be trusted."""
    with path.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size < _PREFIX:
            raise ValueError(f"{path.name} is truncated")
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    magic, crc = _SEAL.unpack_from(mapped)
    header_size, written = _SIZES.unpack_from(mapped, _SEAL.size)
    if magic != MAGIC:
        raise ValueError(f"{path.name} is not a tracuu derived file of format {FORMAT}")
    if zlib.crc32(memoryview(mapped)[_SEAL.size:]) != crc:
        raise ValueError(f"{path.name} is truncated" if size < written else
                         f"{path.name} fails its checksum")
    try:
        header = json.loads(bytes(mapped[_PREFIX:_PREFIX + header_size]))
    except ValueError:
        raise ValueError(f"{path.name} has an unreadable header") from None
    expected = {"format": FORMAT, "whoosh": whoosh_private.WHOOSH_VERSION,
                "index_id": index_id, "segment_id": segment_id, "doc_count": doc_count}
    for name, value in expected.items():
        if header.get(name) != value:
            raise ValueError(f"{path.name} was made for {name} {header.get(name)!r}, "
                             f"not {value!r}")
    data_start = _aligned(_PREFIX + header_size)
    arrays: dict[str, np.ndarray] = {}
    for name, spec in header["arrays"].items():
        array = np.frombuffer(mapped, dtype=np.dtype(spec["dtype"]),
                              count=int(np.prod(spec["shape"])),
                              offset=data_start + spec["offset"])
        arrays[name] = array.reshape(spec["shape"])
    return _arrays(header, arrays, size)


def in_memory(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> SegmentArrays:
    """Return derived arrays that were made but could not be written (a read-only index)."""
    for array in arrays.values():
        array.flags.writeable = False
    return _arrays(header, arrays, sum(array.nbytes for array in arrays.values()))


def _arrays(header: dict[str, Any], arrays: dict[str, np.ndarray], size: int) -> SegmentArrays:
    return SegmentArrays(
        segment_id=header["segment_id"], doc_count=header["doc_count"],
        field_totals=dict(header["field_totals"]),
        column_names={column: tuple(names) for column, names in header["column_names"].items()},
        arrays=arrays, nbytes=size)


def file_for(folder: Path, segment_id: str) -> Path:
    """Return where the derived file of a segment lives."""
    return folder / "derived" / f"{segment_id}{SUFFIX}"


def made(folder: Path, schema: Any, segment: Any, fields: Iterable[str],
         position_fields: Iterable[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read a segment of the Whoosh index in folder into derived arrays: (header, arrays)."""
    leaf = whoosh_private.open_segment(str(folder), schema, segment)
    try:
        return derive(leaf, fields, position_fields)
    finally:
        leaf.close()


def ensure(folder: Path, index_id: str, schema: Any, segment: Any,
           fields: Iterable[str], position_fields: Iterable[str]) -> SegmentArrays:
    """Return a segment's derived arrays: mapped from its file if that can be trusted,
    else made from the Whoosh segment (and written, when the folder can be)."""
    path = file_for(folder, segment.segment_id())
    try:
        return load(path, index_id, segment.segment_id(), segment.doc_count_all())
    except (OSError, ValueError, KeyError, TypeError):
        pass  # missing or not to be trusted: made again below
    try:
        header, arrays = made(folder, schema, segment, fields, position_fields)
    except Exception as error:  # Whoosh raises many kinds on a damaged segment
        raise IndexDamaged(folder, f"segment {segment.segment_id()} cannot be read "
                           f"({type(error).__name__}: {error})") from error
    try:
        write(path, index_id, header, arrays)
        return load(path, index_id, segment.segment_id(), segment.doc_count_all())
    except OSError:
        pass  # read-only or full: serve from memory, the next writer makes the file
    return in_memory(header, arrays)
