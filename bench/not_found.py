"""Does a 404 tell an internal id from a missing one? Time both, and a public id's 200.

Run: .venv/bin/python bench/not_found.py [--index DIR | --documents 20000] [--rounds 3000]

With --index, an existing index that holds internal documents is used;
otherwise one is built in a temporary folder from generated documents, a
tenth of them internal. The app answers through Flask's test client (the
app's own time, without the network's noise), the three kinds of request
interleaved so that the machine's noise falls on each alike:
GET /api/v1/documents/<id> and GET /documents/<id> for an internal id, a
missing id and a public id. Prints the median and p95 of each, and the
ratios of internal to missing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.record import Document  # noqa: E402
from index.store import open_index, prepare, write_documents  # noqa: E402
from search import SearchIndex, SearchRequest  # noqa: E402
from web import create_app  # noqa: E402

WORDS = ("nghị quyết kế hoạch chỉ thị báo cáo hội thảo khoa học công nghệ chi bộ đảng viên "
         "liên hiệp hội trí thức sáng tạo thanh niên đổi mới phản biện tư vấn giám định").split()


def build(folder: Path, count: int) -> None:
    """Write count generated documents, every tenth one internal."""
    rng = random.Random(7)
    documents = []
    for number in range(count):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 400)))
        documents.append(prepare(Document(
            id=f"vb-{number:06d}", title=" ".join(rng.choice(WORDS) for _ in range(8)),
            body=body, doc_type="nghi-quyet", issued=f"{2010 + number % 15}-05-01",
            visibility="internal" if number % 10 == 0 else "public"), None))
    write_documents(open_index(folder, create=True), documents)


def ids(index_dir: Path, count: int) -> tuple[list[str], list[str]]:
    """Return up to count internal and count public ids of the index."""
    index = SearchIndex(index_dir)
    try:
        staff = index.search(SearchRequest(per_page=100, page=1, include_internal=True,
                                           sort="newest"))
        internal, public = [], []
        page = 1
        while (len(internal) < count or len(public) < count) and staff.hits:
            for hit in staff.hits:
                (internal if hit.visibility == "internal" else public).append(hit.id)
            page += 1
            if page > 1000:
                break
            staff = index.search(SearchRequest(per_page=100, page=page,
                                               include_internal=True, sort="newest"))
        return internal[:count], public[:count]
    finally:
        index.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--documents", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        index_dir = args.index
        if index_dir is None:
            index_dir = Path(scratch) / "index"
            started = time.perf_counter()
            build(index_dir, args.documents)
            print(f"built {args.documents} documents in {time.perf_counter() - started:.0f} s")
        internal, public = ids(index_dir, 200)
        if not internal:
            sys.exit("the index has no internal documents")
        app = create_app({"INDEX_DIR": str(index_dir), "API_RATE_LIMIT": "",
                          "INSTANCE_DIR": str(Path(scratch) / "instance")})
        client = app.test_client()
        rng = random.Random(11)
        kinds = {"internal": internal, "missing": [f"khong-co-{n:06d}" for n in range(200)],
                 "public": public}
        for prefix in ("/api/v1/documents/", "/documents/"):
            times: dict[str, list[float]] = {kind: [] for kind in kinds}
            for warm in range(200):
                for chosen in kinds.values():
                    client.get(prefix + chosen[warm % len(chosen)])
            for _ in range(args.rounds):
                order = list(kinds.items())
                rng.shuffle(order)
                for kind, chosen in order:
                    url = prefix + rng.choice(chosen)
                    start = time.perf_counter()
                    status = client.get(url).status_code
                    times[kind].append((time.perf_counter() - start) * 1000)
                    expected = 200 if kind == "public" else 404
                    assert status == expected, (url, status)
            print(f"\n{prefix}<id>, {args.rounds} requests of each kind (ms)")
            print(f"{'kind':<10}{'median':>10}{'p95':>10}")
            for kind, measured in times.items():
                p95 = sorted(measured)[int(len(measured) * 0.95)]
                print(f"{kind:<10}{statistics.median(measured):>10.3f}{p95:>10.3f}")
            ratio = statistics.median(times["internal"]) / statistics.median(times["missing"])
            print(f"internal / missing, median: {ratio:.3f}")
        app.extensions["tracuu.index"].close()


if __name__ == "__main__":
    main()
