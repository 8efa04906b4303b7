"""What reading typed citations costs ingest, and what it finds.

Run: .venv/bin/python bench/relations.py [CORPUS.jsonl[.gz] ...]

For each record of the corpora (default: the laws and news-rss of ../shared/data),
times ingest.citations.cited_relations (each number's relation) beside
index.numbers.find_numbers (the numbers alone, which ingest ran before), as an
official document (the laws) and as what its doc_type says (news cite plainly).
Prints the relations found by type, and both times with their ratio.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.doctypes import DEFAULT_DOC_TYPE  # noqa: E402
from index.numbers import find_numbers  # noqa: E402
from ingest.citations import cited_relations  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
DEFAULT = (DATA / "laws" / "alqac2022-corpus.jsonl", DATA / "laws" / "alqac2023-corpus.jsonl",
           DATA / "news-rss.jsonl.gz")


def records(path: Path) -> Iterator[dict[str, object]]:
    opened = gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else \
        path.open(encoding="utf-8")
    with opened as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path, default=list(DEFAULT))
    args = parser.parse_args(argv)
    for path in args.corpora:
        if not path.exists():
            print(f"{path}: not found, skipped")
            continue
        found: Counter[str] = Counter()
        typed_as_official: Counter[str] = Counter()
        documents = citing = 0
        relations_s = numbers_s = 0.0
        for record in records(path):
            title, body = str(record.get("title") or ""), str(record.get("body") or "")
            own = str(record.get("number") or "")
            news = record.get("doc_type") == DEFAULT_DOC_TYPE
            documents += 1
            began = time.perf_counter()
            find_numbers(f"{title}\n{body}")
            numbers_s += time.perf_counter() - began
            began = time.perf_counter()
            relations = cited_relations(title, body, own, official=not news)
            relations_s += time.perf_counter() - began
            citing += bool(relations)
            found.update(relation.type for relation in relations)
            if news:
                typed_as_official.update(relation.type for relation in
                                         cited_relations(title, body, own))
        print(f"{path.name}: {documents} records, {citing} cite a number; relations "
              f"{dict(found.most_common())}")
        if typed_as_official:
            print(f"  read as if official documents: {dict(typed_as_official.most_common())}")
        print(f"  cited_relations {relations_s:.2f} s, find_numbers {numbers_s:.2f} s "
              f"(x{relations_s / max(numbers_s, 1e-9):.2f}), "
              f"{1e6 * relations_s / max(documents, 1):.1f} µs a record")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
