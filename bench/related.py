"""How long a document page's neighbours take: related documents, citations both ways.

Run: .venv/bin/python bench/related.py --index FOLDER [--documents 500] [--seed 1]
     [--citing]

Picks documents of the index at random (public ones) and times, for each,
SearchIndex.neighbours (what it cites that the index holds, what cites it and
how, and up to 5 related documents by its rarest words), as the document page
asks it. With --citing, picks among the documents that cite a number or bear
one that is cited (the pages with relations to list) instead. Prints p50, p95
and max in ms, and how many related documents and relations were found.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search.engine import SearchIndex  # noqa: E402


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, help="a tracuu index folder")
    parser.add_argument("--documents", type=int, default=500, help="documents (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--citing", action="store_true",
                        help="only documents that cite a number or are cited")
    args = parser.parse_args(argv)
    index = SearchIndex(args.index)
    started = time.perf_counter()
    total = index.stats()["documents"]
    state = index._current()  # the bench picks ids from the stored fields directly
    public = np.flatnonzero(state.generation.visible[False])
    if args.citing:
        public = np.intersect1d(public, _in_citations(state.searcher))
    picked = random.Random(args.seed).sample(public.tolist(), min(args.documents, len(public)))
    ids = [state.searcher.stored_fields(int(docnum))["id"] for docnum in picked]
    index.neighbours(ids[0])  # warms the generation's per-term counts
    print(f"index: {total} public documents, opened and warmed in "
          f"{time.perf_counter() - started:.1f} s")
    times, found, relations = [], [], 0
    for doc_id in ids:
        began = time.perf_counter()
        around = index.neighbours(doc_id)
        times.append(time.perf_counter() - began)
        found.append(len(around.related))
        relations += len(around.cites) + len(around.cited_by)
    ms = np.array(times) * 1000
    print(f"neighbours of {len(ids)} documents: p50 {np.percentile(ms, 50):.2f} ms, "
          f"p95 {np.percentile(ms, 95):.2f} ms, max {ms.max():.2f} ms; related found: "
          f"{np.mean(found):.2f} on average, 5 for {sum(n == 5 for n in found)}; "
          f"relations listed: {relations}")
    index.close()
    return 0


def _in_citations(searcher: Any) -> np.ndarray:
    """Return the docnums of the documents citing a number, and of those bearing one
    that some document cites."""
    reader = searcher.reader()
    cited = {term for term in reader.lexicon("ref_keys")}
    docs = set()
    for field, terms in (("ref_keys", cited), ("number_key", cited)):
        for term in terms:
            if field == "ref_keys" or reader.doc_frequency(field, term):
                docs.update(reader.postings(field, term).all_ids())
    return np.array(sorted(docs), dtype=np.int64)


if __name__ == "__main__":
    sys.exit(main())
