"""kill -9 at random moments, the commit included: the index keeps the last commit.

Each round runs a real ``tracuu ingest --prune`` (workers 1 and 2 in turn)
or ``tracuu rebuild`` and kills it after a random delay; see
tests/kill_rounds.py for what is checked after every kill. The seed is in
every failure's message; ``KILL_SOAK_SEED=N`` runs the rounds of seed N.
bench/kill_soak.py runs the same rounds 200 times.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from tests.kill_rounds import Round, Soak

SEED = int(os.environ.get("KILL_SOAK_SEED", "8"))
# Kills actually sent (a draw past the end of its run finds the command done), within
# a bound on the rounds.
KILLS = 20
MAX_ROUNDS = 30
DOCS_PER_ROUND = 80


def test_every_kill_leaves_the_last_commit_and_the_next_ingest_completes(
        tmp_path: Path) -> None:
    soak = Soak(tmp_path, SEED, DOCS_PER_ROUND)
    try:
        first = soak.start()
        if first:
            pytest.fail("\n".join(first), pytrace=False)
        # Every round runs, so that a failure shows which of the checks it is alone in.
        rounds: list[Round] = []
        while len(rounds) < MAX_ROUNDS and killed(rounds) < KILLS:
            rounds.append(soak.round(len(rounds)))
    finally:
        soak.close()
    failed = [done for done in rounds if done.problems]
    if failed:
        causes = Counter(cause for done in failed for cause in dict.fromkeys(done.causes))
        pytest.fail(f"seed {SEED}: {len(failed)} of {len(rounds)} rounds failed "
                    f"({', '.join(f'{count}x {cause}' for cause, count in causes.items())}); "
                    f"the first:\n" + "\n".join(failed[0].problems), pytrace=False)
    # Kills are drawn over the whole run: most land before its commit.
    landed = [done.landed for done in rounds]
    assert killed(rounds) >= KILLS and "before" in landed, (SEED, landed)


def killed(rounds: list[Round]) -> int:
    """Count the rounds whose command was running when its kill came."""
    return sum(1 for done in rounds if done.landed != "exited")
