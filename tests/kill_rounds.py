"""Ingests and rebuilds killed at random moments, and what must hold after each kill.

One round changes the sources (a new JSON Lines batch, a few titles changed
and lines dropped in an older one, the oldest file deleted), starts a real
``tracuu ingest --prune`` or ``tracuu rebuild``, and kills it with SIGKILL
after a delay drawn over the whole length of an unkilled run of that kind,
so that kills land in the start-up, the writing, the derived arrays, the
renames and after the end. Then: no process of that run survives; a fresh
reader and one opened at the start both hold exactly the state before the
round or the state after it; the same command, not killed, exits 0 with the
state after; ``tracuu check`` passes and nothing is left on disk that the
index does not name.

Used by tests/test_kill.py (a few dozen rounds) and bench/kill_soak.py (200).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from index import whoosh_private
from search import SearchIndex, SearchRequest
from web.cli import main

TRACUU = Path(sys.executable).with_name("tracuu")
Pairs = tuple[tuple[str, str], ...]
# The one command, not killed, must be done by then (a few seconds on 2 cores).
RUN_TIMEOUT_SECONDS = 300
# How long the processes of a killed run may take to die with it (PR_SET_PDEATHSIG).
SURVIVOR_GRACE_SECONDS = 10
# Kills are drawn over this many times the length of an unkilled run: some after its end.
KILL_SPAN = 1.1
# The length of an unkilled run is the median of the last few (the machine's load varies).
SPAN_RUNS = 5
# Files in the home folder and in a build that the index does not list in a TOC.
HOME_ENTRIES = {"CURRENT", "builds", "writer.lock"}
BUILD_ENTRIES = {"tracuu.json", "readers.lock", "MAIN_WRITELOCK", "derived"}
_TYPES = ("thong-bao", "ke-hoach", "nghi-quyet", "tin-tuc", "bao-cao", "quyet-dinh")
_SUBJECTS = ("hội thảo khoa học", "chuyển đổi số", "tư vấn phản biện", "đại hội chi bộ",
             "sáng tạo kỹ thuật", "phổ biến kiến thức", "môi trường đô thị", "nước sạch nông thôn")
_SENTENCES = ("Liên hiệp hội triển khai kế hoạch năm.", "Các hội thành viên báo cáo kết quả.",
              "Nội dung gồm ba phần chính.", "Đề nghị các đơn vị thực hiện nghiêm túc.",
              "Hội nghị diễn ra tại Hà Nội.", "Kinh phí do ngân sách tỉnh bảo đảm.")


@dataclass(frozen=True)
class Kind:
    """Which command a round runs, with how many worker processes."""

    command: str  # "ingest" or "rebuild"
    workers: int

    def __str__(self) -> str:
        return f"{self.command} --workers {self.workers}"

    def arguments(self, sources: Path, home: Path) -> list[str]:
        """Return the command line of this kind over the sources."""
        prune = ["--prune"] if self.command == "ingest" else []
        return [str(TRACUU), self.command, str(sources), "--index", str(home),
                "--workers", str(self.workers), *prune]


def kind_of(number: int) -> Kind:
    """Return round number's kind: workers 1 and 2 in turn, every fifth round a rebuild."""
    return Kind("rebuild" if number % 5 == 4 else "ingest", 1 + number % 2)


class Corpus:
    """The JSON Lines files of the sources, and the (id, title) pairs they hold."""

    def __init__(self, folder: Path, rng: random.Random, docs: int, keep: int = 3) -> None:
        self.folder = folder
        self.rng = rng
        self.docs = docs
        self.keep = keep
        self.files: dict[str, list[dict[str, str]]] = {}
        self.batches = 0
        folder.mkdir(parents=True, exist_ok=True)

    def grow(self) -> None:
        """Add a batch of new documents, change and drop a few of an older batch's, and
        delete the oldest batch so that ``keep`` are there."""
        number = self.batches
        self.batches += 1
        while len(self.files) >= self.keep:
            oldest = min(self.files)
            del self.files[oldest]
            (self.folder / oldest).unlink()
        older = sorted(self.files)
        self._write(f"batch-{number:04d}.jsonl",
                    [self._record(number, index) for index in range(self.docs)])
        if older:
            name = self.rng.choice(older)
            records = self.files[name]
            for record in self.rng.sample(records, min(len(records), self.rng.randint(1, 5))):
                record["title"] = f"{record['title'].split(' (')[0]} (sửa ở đợt {number})"
            for record in self.rng.sample(records, min(len(records) - 1,
                                                       self.rng.randint(1, 3))):
                records.remove(record)
            self._write(name, records)

    def pairs(self) -> Pairs:
        """Return the (id, title) pairs the sources hold, sorted."""
        return tuple(sorted((record["id"], record["title"])
                            for records in self.files.values() for record in records))

    def _record(self, number: int, index: int) -> dict[str, str]:
        rng = self.rng
        return {
            "id": f"k{number}-{index}", "doc_type": rng.choice(_TYPES),
            "title": f"Văn bản {index} của đợt {number} về {rng.choice(_SUBJECTS)}",
            "body": " ".join(rng.choices(_SENTENCES, k=rng.randint(1, 4))),
            "issued": f"{rng.randint(2012, 2025)}-{rng.randint(1, 12):02d}-"
                      f"{rng.randint(1, 28):02d}",
            "visibility": "internal" if rng.random() < 0.1 else "public",
        }

    def _write(self, name: str, records: list[dict[str, str]]) -> None:
        self.files[name] = records
        temporary = self.folder / f".{name}.part"  # not a source: ingest skips dot files
        temporary.write_text("".join(json.dumps(record, ensure_ascii=False) + "\n"
                                     for record in records), encoding="utf-8")
        temporary.replace(self.folder / name)


def listing(index: SearchIndex) -> Pairs:
    """Return every (id, title) pair the index serves, staff view, sorted (duplicates kept)."""
    pairs: list[tuple[str, str]] = []
    page = 1
    while True:
        result = index.search(SearchRequest(query="", per_page=100, page=page,
                                            include_internal=True))
        pairs += [(hit.id, hit.title) for hit in result.hits]
        if page * 100 >= result.total:
            return tuple(sorted(pairs))
        page += 1


def served(home: Path) -> Pairs:
    """Return what a reader opened now serves from home."""
    index = SearchIndex(home)
    try:
        return listing(index)
    finally:
        index.close()


def group_members(group: int) -> list[int]:
    """Return the live processes of a process group (Linux /proc; zombies have exited)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def stray_files(folder: Path) -> list[str]:
    """Return what is in a build folder that its newest TOC does not name (nor tracuu's own
    files: its id, the readers' lock, Whoosh's write lock, derived files of live segments)."""
    try:
        toc = whoosh_private.read_toc(str(folder))
    except Exception as error:  # no TOC, or a damaged one: Whoosh raises many kinds
        return [f"no readable TOC ({type(error).__name__})"]
    live = {str(segment.segment_id()) for segment in toc.segments}
    named = BUILD_ENTRIES | {f"_MAIN_{toc.generation}.toc"}
    stray = [entry.name for entry in folder.iterdir()
             if entry.name not in named
             and not (entry.is_file() and entry.name.split(".")[0] in live)]
    derived = folder / "derived"
    if derived.is_dir():
        stray += [f"derived/{entry.name}" for entry in derived.iterdir()
                  if entry.name not in {f"{segment}.arrays" for segment in live}]
    return sorted(stray)


def leftovers(home: Path) -> list[str]:
    """Name the kinds of things a killed writer left on disk (before the next one cleans)."""
    found = {f"in the index folder: {_leftover_kind(entry.name)}"
             for entry in home.iterdir() if entry.name not in HOME_ENTRIES}
    try:
        current = (home / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return sorted(found | {"no CURRENT"})
    builds = home / "builds"
    for folder in sorted(builds.iterdir()) if builds.is_dir() else []:
        if folder.name != current:
            found.add("another build")
        for name in stray_files(folder):
            found.add(_leftover_kind(name))
    return sorted(found)


def _leftover_kind(name: str) -> str:
    if name.startswith("derived/"):
        return "derived file of an uncommitted segment"
    if ".toc." in name:
        return "TOC being written"
    if name.startswith("_MAIN_") and name.endswith(".toc"):
        return "TOC of an older generation"
    if name.endswith(".tmp"):
        return "temporary files"
    if name.startswith("MAIN_"):
        return "segment files not in the TOC"
    return name


def describe(got: Pairs, before: Pairs, after: Pairs) -> str:
    """Say how a served state differs from the state before and the state after a round."""
    def versus(name: str, expected: Pairs) -> str:
        extra = sorted(Counter(got) - Counter(expected))
        missing = sorted(Counter(expected) - Counter(got))
        return (f"against {name}: {len(extra)} extra (e.g. {extra[:3]}), "
                f"{len(missing)} missing (e.g. {missing[:3]})")
    return f"{len(got)} pairs; {versus('before', before)}; {versus('after', after)}"


@dataclass
class Round:
    """What one round did and found."""

    number: int
    kind: Kind
    delay: float  # seconds after the start when the kill was sent (or due)
    span: float  # the length of an unkilled run of this kind, as last measured
    landed: str = ""  # before, after (killed after the commit), exited (before the kill), mixed
    left: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    causes: list[str] = field(default_factory=list)  # each problem's first words, no numbers
    seconds: float = 0.0


@dataclass
class Run:
    """One finished command: its exit status, output and length."""

    status: int
    output: str
    seconds: float
    survivors: list[int]


class Soak:
    """An index killed round after round, with the sources and the readers that check it.

    ``docs`` new documents per round; a round's kill is drawn from ``rng``
    (seeded) as a fraction of the measured length of its kind, so the
    seed fixes every change and every fraction, and the clock the rest.
    """

    def __init__(self, work: Path, seed: int, docs: int, home: Path | None = None,
                 log: Callable[[str], None] | None = None) -> None:
        self.work = work
        self.seed = seed
        self.rng = random.Random(seed)
        self.corpus = Corpus(work / "sources", self.rng, docs)
        self.home = home if home is not None else work / "index"
        self.log = log
        self.spans: dict[Kind, list[float]] = {}  # lengths of unkilled runs, newest last
        self.first_span = 0.0
        self.state: Pairs = ()
        self.reader: SearchIndex | None = None

    def start(self) -> list[str]:
        """Index the first batches (not killed) and open the long-lived reader; return the
        problems found."""
        for _ in range(self.corpus.keep):
            self.corpus.grow()
        run = self._run(Kind("ingest", 1), kill_after=None)
        self.first_span = run.seconds
        self.state = self.corpus.pairs()
        problems = self._finished(run, "the first ingest")
        self.reader = SearchIndex(self.home)
        problems += self._agree(self.state, "after the first ingest")
        return problems

    def round(self, number: int) -> Round:
        """Run one round: change the sources, run the command and kill it, check it all."""
        started = time.monotonic()
        kind = kind_of(number)
        fraction = self.rng.uniform(0, KILL_SPAN)  # drawn every round: the seed fixes it
        before = self.state
        self.corpus.grow()
        after = self.corpus.pairs()
        # Until a kind has run unkilled, the first ingest's length stands for its own.
        span = statistics.median(self.spans.get(kind, [self.first_span])[-SPAN_RUNS:])
        done = Round(number, kind, fraction * span, span)
        self._kill(done, before, after)
        again = self._run(kind, kill_after=None)
        done.problems += self._finished(again, f"the next {kind}")
        if again.status == 0 and (done.landed == "before" or kind.command == "rebuild"):
            # It did the whole work again: a length of an unkilled run.
            self.spans.setdefault(kind, []).append(again.seconds)
        self._settled(done, before, after)
        done.seconds = time.monotonic() - started
        if done.problems:
            done.causes = [re.sub(r"\d+", "N", problem.split(":")[0])
                           for problem in done.problems]
            where = (f"seed {self.seed}, round {number} ({kind}, killed at "
                     f"{done.delay:.3f} s of {done.span:.3f} s, landed {done.landed or '?'}, "
                     f"left {done.left})")
            done.problems = [f"{where}: {problem}" for problem in done.problems]
        if self.log is not None:
            self.log(f"round {number:3d}  {str(kind):19s} kill at {done.delay:6.3f} of "
                     f"{done.span:6.3f} s  {done.landed:8s} {len(self.state):5d} docs "
                     f"{done.seconds:5.1f} s  {'; '.join(done.left)}")
        return done

    def _kill(self, done: Round, before: Pairs, after: Pairs) -> None:
        """Run the round's command, kill it, and check what is served right after."""
        problems = done.problems
        run = self._run(done.kind, kill_after=done.delay)
        if run.survivors:
            problems.append(f"processes {run.survivors} of the killed {done.kind} outlived it "
                            f"by {SURVIVOR_GRACE_SECONDS} s")
        done.left = leftovers(self.home)
        try:
            got = served(self.home)
        except Exception:
            problems.append(f"a fresh reader fails after the kill: {_last_lines()}")
            return
        if got == before:
            done.landed = "before"
        elif got == after:
            done.landed = "after" if run.status == -signal.SIGKILL else "exited"
        else:
            done.landed = "mixed"
            problems.append(f"after the kill the index holds neither state: "
                            f"{describe(got, before, after)}")
        if run.status == 0 and got != after:
            problems.append(f"the {done.kind} exited 0 but its changes are not served")
        elif run.status not in (0, -signal.SIGKILL):
            problems.append(f"the {done.kind} exits {run.status} before the kill: "
                            f"{run.output.strip()[-2000:]}")
        problems += self._agree(got, "after the kill")

    def _settled(self, done: Round, before: Pairs, after: Pairs) -> None:
        """Check the index once the command has run unkilled: the state after the round is
        served, tracuu check passes, and nothing is left that the index does not name."""
        problems = done.problems
        try:
            self.state = served(self.home)
            if self.state != after:
                problems.append(f"after the next {done.kind}: "
                                f"{describe(self.state, before, after)}")
        except Exception:
            problems.append(f"a fresh reader fails after the next {done.kind}: "
                            f"{_last_lines()}")
            self.state = after
        # The long-lived reader moves to a new build here, removing the old one it held.
        problems += self._agree(self.state, f"after the next {done.kind}")
        # The command itself, in this process: a second interpreter would take longer.
        check = CliRunner().invoke(main, ["check", "--index", str(self.home)])
        if check.exit_code != 0:
            detail = check.output.strip()
            if check.exception is not None and not isinstance(check.exception, SystemExit):
                detail += f" ({type(check.exception).__name__}: {check.exception})"
            problems.append(f"tracuu check exits {check.exit_code}: {detail}")
        problems += self._orphans()

    def close(self) -> None:
        """Close the long-lived reader."""
        if self.reader is not None:
            self.reader.close()
            self.reader = None

    def _run(self, kind: Kind, kill_after: float | None) -> Run:
        """Run the command of kind; with kill_after, SIGKILL it that many seconds in."""
        log = self.work / "run.log"
        started = time.monotonic()
        # A file, not a pipe: a survivor holding a pipe would hang the reading of it.
        with log.open("w") as output:
            # Its own group: every process it forks can be found after the kill.
            process = subprocess.Popen(kind.arguments(self.corpus.folder, self.home),
                                       stdout=output, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        try:
            process.wait(timeout=RUN_TIMEOUT_SECONDS if kill_after is None else kill_after)
        except subprocess.TimeoutExpired:
            # Only the command itself: its helpers must die with it on their own.
            process.send_signal(signal.SIGKILL)
            process.wait()
        seconds = time.monotonic() - started
        deadline = time.monotonic() + SURVIVOR_GRACE_SECONDS
        while (survivors := group_members(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.02)
        for pid in survivors:  # they were started by this run: end them for the next one
            _kill(pid)
        return Run(process.returncode, log.read_text(), seconds, survivors)

    def _finished(self, run: Run, what: str) -> list[str]:
        if run.status == 0:
            return []
        return [f"{what} exits {run.status}: {run.output.strip()[-2000:]}"]

    def _agree(self, expected: Pairs, when: str) -> list[str]:
        """Check that the long-lived reader serves expected."""
        assert self.reader is not None
        try:
            got = listing(self.reader)
        except Exception:
            return [f"the long-lived reader fails {when}: {_last_lines()}"]
        if got != expected:
            return [f"the long-lived reader differs from a fresh one {when}: "
                    f"{describe(got, expected, expected)}"]
        return []

    def _orphans(self) -> list[str]:
        problems = []
        home_extra = sorted(entry.name for entry in self.home.iterdir()
                            if entry.name not in HOME_ENTRIES)
        if home_extra:
            problems.append(f"left in the index folder: {home_extra}")
        current = (self.home / "CURRENT").read_text(encoding="utf-8").strip()
        builds = sorted(folder.name for folder in (self.home / "builds").iterdir())
        if builds != [current]:
            problems.append(f"builds/ holds {builds}, not only the current {current}")
        stray = stray_files(self.home / "builds" / current)
        if stray:
            problems.append(f"the current build holds files its TOC does not name: {stray}")
        return problems


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _last_lines() -> str:
    return " | ".join(traceback.format_exc().strip().splitlines()[-3:])
