"""kill -9 soak: ingests and rebuilds killed at random moments, round after round.

Run: .venv/bin/python bench/kill_soak.py [--rounds 200] [--seed N] [--index DIR] [--docs N]

Each round is the one tests/test_kill.py runs (tests/kill_rounds.py): the
sources change (a new batch of --docs documents, a few titles changed and
lines dropped in an older batch, the oldest batch deleted), then a real
`tracuu ingest --prune` (--workers 1 and 2 in turn; every fifth round
`tracuu rebuild`) is killed with SIGKILL after a delay drawn from 0 to 1.1
times an unkilled run of its kind. After each kill no process of the run
may survive, a fresh reader and one opened at the start must both serve
exactly the state before or after the round, the same command unkilled must
exit 0 with the state after, `tracuu check` must pass and nothing the index
does not name may be left. Prints a line per round, then a summary; exits 1
if any round failed. The index is left in --index DIR when given (it must
be new or empty), else in a temporary folder removed at the end unless a
round failed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
# The round logic lives with the test that runs it; only `tests` is taken from here.
sys.path.append(str(PROJECT))

from tests.kill_rounds import Round, Soak  # noqa: E402

# What the disk showed right after a kill that landed before the commit, in that order.
PHASES = {
    "derived file of an uncommitted segment": "in the derive + TOC rename window "
                                              "(derived files of segments no TOC lists)",
    "TOC being written": "while the TOC was written",
    "segment files not in the TOC": "while segments were written",
    "another build": "in a rebuild (its new build not switched to)",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the changes and of the kills' moments (default: random)")
    parser.add_argument("--index", type=Path, default=None,
                        help="index folder to use (new or empty; default: a temporary one)")
    parser.add_argument("--docs", type=int, default=200, help="new documents per round")
    args = parser.parse_args()
    if args.index is not None and args.index.exists() and any(args.index.iterdir()):
        parser.error(f"{args.index} is not empty: the soak checks every document it holds")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    work = Path(tempfile.mkdtemp(prefix="tracuu-kill-soak-"))
    print(f"seed {seed}, {args.rounds} rounds of {args.docs} new documents, in {work}",
          flush=True)
    started = time.monotonic()
    soak = Soak(work, seed, args.docs, home=args.index,
                log=lambda line: print(line, flush=True))
    rounds: list[Round] = []
    try:
        first = soak.start()
        for problem in first:
            print(f"problem: {problem}", flush=True)
        for number in range(args.rounds):
            rounds.append(soak.round(number))
            for problem in rounds[-1].problems:
                print(f"problem: {problem}", flush=True)
    finally:
        soak.close()
    seconds = time.monotonic() - started
    failed = [done for done in rounds if done.problems]
    summarize(rounds, seconds, seed, bool(first))
    if failed or first:
        print(f"kept for inspection: {work}")
        sys.exit(1)
    shutil.rmtree(work)


def summarize(rounds: list[Round], seconds: float, seed: int, first_failed: bool) -> None:
    """Print where the kills landed and what failed."""
    landed = Counter(done.landed or "unknown" for done in rounds)
    kinds = Counter(str(done.kind) for done in rounds)
    print()
    print(f"rounds: {len(rounds)} ({', '.join(f'{kind}: {n}' for kind, n in kinds.items())}), "
          f"seed {seed}, {seconds:.0f} s ({seconds / max(len(rounds), 1):.1f} s a round)")
    before = [done for done in rounds if done.landed == "before"]
    print(f"kills that landed before the commit: {len(before)} (the state before the round "
          f"was served)")
    print(f"  before it wrote anything: {sum(1 for done in before if not done.left)}")
    for leftover, phase in PHASES.items():
        count = sum(1 for done in before if leftover in done.left)
        print(f"  {phase}: {count}")
    print(f"kills that landed after the commit: {landed['after']} (the state after was served)")
    print(f"runs that ended before their kill was due: {landed['exited']}")
    print(f"kills that left neither state (mixed): {landed['mixed']}")
    failed = [done for done in rounds if done.problems]
    print(f"failures: {len(failed)} rounds" + (", and the first ingest" if first_failed else ""))
    causes = Counter(cause for done in failed for cause in dict.fromkeys(done.causes))
    for cause, count in causes.most_common():
        print(f"  {count} rounds: {cause}")


if __name__ == "__main__":
    main()
