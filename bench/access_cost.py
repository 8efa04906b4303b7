"""What staff access costs a request: the public API limit, a token, a session.

Run: .venv/bin/python bench/access_cost.py --index DIR [--rounds 300] [--queries FILE]

Four apps over the same index answer the bench queries through Flask's test
client, interleaved query by query so that the machine's noise falls on
each alike: the public without the API limit (the baseline), the public
with it (one counter in the instance folder's SQLite file per request),
staff with a token (a digest looked up per request), and staff signed in
(the sign-in looked up per request). Prints p50/p95 per app and the ratios
to the baseline.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import news_rss  # noqa: E402

from web import create_app  # noqa: E402
from web.accounts import Accounts  # noqa: E402

PASSWORD = "mật-khẩu-đủ-dài-để-thử"


def signed_in(app: Any) -> Any:
    """Return a test client signed in through the form."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "no CSRF token on /login"
    answer = client.post("/login", data={"name": "lan", "password": PASSWORD,
                                         "csrf_token": token.group(1)})
    assert answer.status_code == 303, answer.status_code
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--queries", type=Path, default=news_rss.DEFAULT_QUERIES)
    args = parser.parse_args()
    urls = ["/api/v1/search?" + urlencode(query.params())
            for query in news_rss.load_queries(args.queries)]
    with tempfile.TemporaryDirectory() as scratch:
        instance = Path(scratch) / "instance"
        accounts = Accounts(instance)
        accounts.add_user("lan", PASSWORD)
        token = accounts.create_token("bench")
        common = {"INDEX_DIR": str(args.index), "INSTANCE_DIR": str(instance)}
        apps = {"public, no limit": create_app({**common, "API_RATE_LIMIT": ""}),
                "public, limited": create_app({**common,
                                               "API_RATE_LIMIT": "1000000 per minute"}),
                "staff, token": create_app({**common, "API_RATE_LIMIT": ""}),
                "staff, signed in": create_app({**common, "API_RATE_LIMIT": ""})}
        headers = {name: {} for name in apps}
        headers["staff, token"] = {"Authorization": f"Bearer {token}"}
        clients = {name: app.test_client() for name, app in apps.items()}
        clients["staff, signed in"] = signed_in(apps["staff, signed in"])
        times: dict[str, list[float]] = {name: [] for name in apps}
        rng = random.Random(5)
        for name, client in clients.items():  # warm up each app's caches
            for url in urls:
                assert client.get(url, headers=headers[name]).status_code == 200, (name, url)
        for _ in range(args.rounds):
            for url in urls:
                order = list(clients.items())
                rng.shuffle(order)
                for name, client in order:
                    start = time.perf_counter()
                    status = client.get(url, headers=headers[name]).status_code
                    times[name].append((time.perf_counter() - start) * 1000)
                    assert status == 200, (name, url, status)
        base = times["public, no limit"]
        print(f"{len(urls)} queries x {args.rounds} rounds per app (ms)")
        print(f"{'app':<20}{'p50':>9}{'p95':>9}{'p50 ratio':>11}{'p95 ratio':>11}")
        for name, measured in times.items():
            p50, p95 = statistics.median(measured), news_rss.percentile(measured, 0.95)
            print(f"{name:<20}{p50:>9.2f}{p95:>9.2f}"
                  f"{p50 / statistics.median(base):>11.3f}"
                  f"{p95 / news_rss.percentile(base, 0.95):>11.3f}")
        for app in apps.values():
            app.extensions["tracuu.index"].close()


if __name__ == "__main__":
    main()
