"""Relevance on question sets with TREC qrels, beside a plain syllable BM25.

Run: .venv/bin/python bench/relevance.py [--data ../shared/data/laws] [--sets alqac2022 ...]

For each set, the corpus goes through tracuu's real ingest into a temporary
index (with and without pyvi words), and every question through the real
search function, as written, with every accent stripped, in the other tone
convention, and in NFD. The baseline is built in the same run: one Whoosh
field of lower-cased syllables (title + body), the question's syllables OR-ed,
BM25F. Prints nDCG@10, MRR@10 and Recall@10, and how many top-10 lists are
identical to the as-written ones.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, TEXT, Schema

from index.store import open_index
from index.text import fold_accents, to_nfc
from ingest.pipeline import ingest_paths
from search import SearchIndex, SearchRequest

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = PROJECT.parent / "shared" / "data" / "laws"
K = 10

# The other tone convention: tone on the second vowel of open oa/oe/uy.
_TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_TO_SECOND = {unicodedata.normalize("NFC", a + t) + b: a + unicodedata.normalize("NFC", b + t)
              for a, b in (("o", "a"), ("o", "e"), ("u", "y"), ("O", "A"), ("O", "E"),
                           ("U", "Y"), ("O", "a"), ("O", "e"), ("U", "y"))
              for t in _TONES}
_SECOND = re.compile("(?<![qQ])(?:" + "|".join(_TO_SECOND) + r")(?!\w)")


def other_convention(text: str) -> str:
    """Return text with tones on the second vowel of open oa/oe/uy (hòa -> hoà)."""
    return _SECOND.sub(lambda match: _TO_SECOND[match.group()], text)


VARIANTS: dict[str, Callable[[str], str]] = {
    "as written": lambda text: text,
    "accents stripped": fold_accents,
    "other tone convention": other_convention,
    "NFD": lambda text: unicodedata.normalize("NFD", text),
}


def read_qrels(path: Path) -> dict[str, set[str]]:
    relevant: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, docid, rel = line.split()
            if int(rel) > 0:
                relevant.setdefault(qid, set()).add(docid)
    return relevant


def metrics(ranked: list[str], relevant: set[str]) -> tuple[float, float, float]:
    gains = [1.0 if doc in relevant else 0.0 for doc in ranked[:K]]
    dcg = sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(K, len(relevant))))
    rr = next((1 / (rank + 1) for rank, gain in enumerate(gains) if gain), 0.0)
    recall = sum(gains) / len(relevant)
    return dcg / ideal, rr, recall


def baseline_ranker(corpus: Path, folder: Path) -> Callable[[str], list[str]]:
    """Build the plain syllable BM25 index and return its search function."""
    schema = Schema(id=ID(stored=True, unique=True),
                    text=TEXT(analyzer=RegexTokenizer(r"\w+") | LowercaseFilter()))
    ix = whoosh_index.create_in(str(folder), schema)
    writer = ix.writer()
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            writer.add_document(id=record["id"],
                                text=f"{record.get('title', '')}\n{record.get('body', '')}")
    writer.commit()
    searcher = ix.searcher()
    parser = qparser.QueryParser("text", schema, group=qparser.OrGroup)
    parser.remove_plugin_class(qparser.FieldsPlugin)
    parser.remove_plugin_class(qparser.WildcardPlugin)

    def rank(text: str) -> list[str]:
        words = " ".join(re.findall(r"\w+", text))
        return [hit["id"] for hit in searcher.search(parser.parse(words), limit=K)]

    return rank


def tracuu_ranker(corpus: Path, folder: Path, segment: bool) -> tuple[Callable[[str], list[str]],
                                                                        float]:
    start = time.perf_counter()
    report = ingest_paths([corpus], open_index(folder, create=True, segment=segment))
    seconds = time.perf_counter() - start
    assert not report.failed, report.failed[:3]
    search_index = SearchIndex(folder)

    def rank(text: str) -> list[str]:
        request = SearchRequest(query=to_nfc(text)[:500], per_page=K, include_internal=True)
        return [hit.id for hit in search_index.search(request).hits]

    return rank, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--sets", nargs="+", default=["alqac2022", "alqac2023"])
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--segment", choices=["on", "off", "both"], default="both")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="tracuu-relevance-"))
    modes = {"on": [True], "off": [False], "both": [True, False]}[args.segment]
    try:
        print(f"{'set':10} {'engine':26} {'queries':22} {'nDCG@10':>8} {'MRR@10':>7} "
              f"{'R@10':>6} {'vs base':>8} {'same top10':>11}")
        for name in args.sets:
            corpus = args.data / f"{name}-corpus.jsonl"
            queries = [json.loads(line) for line in
                       (args.data / f"{name}-queries-dev.jsonl").read_text("utf-8").splitlines()
                       if line.strip()]
            qrels = read_qrels(args.data / f"{name}-qrels-dev.txt")
            queries = [q for q in queries if q["id"] in qrels]
            (work / f"{name}-base").mkdir()
            rankers = {"plain syllable BM25": baseline_ranker(corpus, work / f"{name}-base")}
            for segment in modes:
                label = "tracuu" + (" + pyvi words" if segment else " syllables")
                rankers[label], seconds = tracuu_ranker(corpus, work / f"{name}-{segment}",
                                                        segment)
                print(f"# {name}: ingest for '{label}' took {seconds:.1f} s")
            base_ndcg: dict[str, float] = {}
            for engine, rank in rankers.items():
                written: dict[str, list[str]] = {}
                for variant in args.variants:
                    change = VARIANTS[variant]
                    totals, same = [0.0, 0.0, 0.0], 0
                    for question in queries:
                        ranked = rank(change(question["text"]))
                        if variant == "as written":
                            written[question["id"]] = ranked
                        same += ranked == written.get(question["id"])
                        for i, value in enumerate(metrics(ranked, qrels[question["id"]])):
                            totals[i] += value
                    ndcg, mrr, recall = (total / len(queries) for total in totals)
                    if engine == "plain syllable BM25":
                        base_ndcg[variant] = ndcg
                    ratio = ndcg / base_ndcg[variant] if base_ndcg.get(variant) else 0.0
                    print(f"{name:10} {engine:26} {variant:22} {ndcg:8.3f} {mrr:7.3f} "
                          f"{recall:6.3f} {ratio:7.3f}x {same:5d}/{len(queries):<5d}",
                          flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
