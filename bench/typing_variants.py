"""How users mistype Vietnamese: no accents, Telex or VNI with the keyboard off, one typo.

Run: .venv/bin/python bench/typing_variants.py --out FILE [--count 500] [--seed 1]
     [--source PATH ...] [--pool N]

Builds a "did you mean" evaluation set from real titles: phrases of 2-5
consecutive Vietnamese syllables (at least one with a diacritic), each with
the forms a user would type instead of it. One JSON object per line:
{"phrase", "accents", "telex", "vni", "typo"}. Every function is pure and
deterministic; the randomness comes from the random.Random passed in, so a
later bench can import this module (sys.path.insert(0, <bench folder>)) and
rebuild the same set from the same seed.

Conventions decided here (the keyboards allow several):
- Telex: each mark key right after its own vowel ("ươ" -> "uwow", "đ" -> "dd"),
  the one tone key at the end of the syllable. Telex is placement-free, so
  "hòa" and "hoà" both give "hoaf".
- VNI: mark digit then tone digit right after the vowel that carries them
  ("quyết" -> "quye61t"); the tone follows the text's own placement
  ("hòa" -> "ho2a", "hoà" -> "hoa2").
- The typo is one wrong, missing or extra letter (a-z) in the unaccented
  phrase, as in the issue's "nghi quyt" and "ke hoack".
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import random
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.text import fold_accents  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCES = (PROJECT.parent / "shared" / "data" / "news-rss.jsonl.gz",)

# Combining marks of NFD Vietnamese: tone -> (Telex key, VNI digit).
_TONES = {"\u0301": ("s", "1"), "\u0300": ("f", "2"), "\u0309": ("r", "3"),
          "\u0303": ("x", "4"), "\u0323": ("j", "5")}
# Vowel marks -> (bases that may carry them, VNI digit). The Telex key is the
# base letter again for the circumflex, "w" for breve and horn.
_MARKS = {"\u0302": ("aeo", "6"), "\u031b": ("ou", "7"), "\u0306": ("a", "8")}
_VOWELS = "aeiouy"
_STROKE = {"đ": "d", "Đ": "D"}
_ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# A Vietnamese syllable, folded: initial consonant, 1-3 vowels, final consonant.
# Loose on purpose (it is a filter of foreign words and acronyms, not a speller).
_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[ckmnpt])?")


def _parts(ch: str) -> tuple[str, str, str] | None:
    """Split one NFC letter into base, vowel mark and tone (None if not Vietnamese)."""
    if ch in _STROKE:
        return _STROKE[ch], "stroke", ""
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    if not ("a" <= base.lower() <= "z"):
        return None
    mark = tone = ""
    for combining in marks:
        if combining in _TONES and not tone and base.lower() in _VOWELS:
            tone = combining
        elif combining in _MARKS and not mark and base.lower() in _MARKS[combining][0]:
            mark = combining
        else:
            return None
    return base, mark, tone


def strip_accents(text: str) -> str:
    """Return the text without Vietnamese diacritics, đ as d, case kept."""
    return fold_accents(text)


def _telex_syllable(run: str) -> str:
    """Return one run of letters as typed on Telex with the keyboard off."""
    upper = len(run) > 1 and run.isupper()  # keys in capitals only in an all-caps word

    def key(letter: str) -> str:
        return letter.upper() if upper else letter

    typed: list[str] = []
    tone_keys: list[str] = []
    for ch in run:
        parts = _parts(ch)
        if parts is None:
            typed.append(ch)
            continue
        base, mark, tone = parts
        typed.append(base)
        if mark == "stroke":
            typed.append(key("d"))
        elif mark == "\u0302":
            typed.append(key(base.lower()))
        elif mark:
            typed.append(key("w"))
        if tone:
            tone_keys.append(key(_TONES[tone][0]))
    return "".join(typed + tone_keys)


def telex(text: str) -> str:
    """Return the text as typed on a Telex keyboard that was switched off."""
    return _LETTER_RUN.sub(lambda m: _telex_syllable(m.group()),
                           unicodedata.normalize("NFC", text))


def vni(text: str) -> str:
    """Return the text as typed on a VNI keyboard that was switched off."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        parts = _parts(ch) if ch.isalpha() else None
        if parts is None:
            out.append(ch)
            continue
        base, mark, tone = parts
        out.append(base)
        if mark == "stroke":
            out.append("9")
        elif mark:
            out.append(_MARKS[mark][1])
        if tone:
            out.append(_TONES[tone][1])
    return "".join(out)


def one_typo(text: str, rng: random.Random) -> str:
    """Return the text with one wrong, missing or extra letter in one of its words.

    The word, the kind and the place come from rng; a word of one letter is never
    deleted, and the result always differs from the text (Levenshtein distance 1).
    The new letter is one of a-z, in capitals when the letter it replaces (or the
    one before it, or after it at the start of the word) is a capital.
    """
    words = [match.span() for match in _LETTER_RUN.finditer(text)]
    if not words:
        raise ValueError(f"no word to mistype in {text!r}")
    start, end = rng.choice(words)
    word = text[start:end]
    kind = rng.choice(("wrong", "missing", "extra") if len(word) > 1 else ("wrong", "extra"))
    if kind == "missing":
        at = rng.randrange(len(word))
        typo = word[:at] + word[at + 1:]
    elif kind == "wrong":
        at = rng.randrange(len(word))
        old = word[at]
        letter = rng.choice([c for c in _ASCII_LETTERS if c != strip_accents(old).lower()])
        typo = word[:at] + (letter.upper() if old.isupper() else letter) + word[at + 1:]
    else:
        at = rng.randrange(len(word) + 1)
        letter = rng.choice(_ASCII_LETTERS)
        neighbour = word[at - 1] if at else word[0]
        typo = word[:at] + (letter.upper() if neighbour.isupper() else letter) + word[at:]
    return text[:start] + typo + text[end:]


@functools.lru_cache(maxsize=100_000)
def is_syllable(word: str) -> bool:
    """Tell whether a lower-case word is one Vietnamese syllable (letters, one tone at most)."""
    if not word.isalpha():
        return False
    tones = 0
    for ch in word:
        parts = _parts(ch)
        if parts is None:
            return False
        tones += bool(parts[2])
    return tones <= 1 and _SYLLABLE.fullmatch(strip_accents(word)) is not None


def syllable_runs(title: str) -> list[list[str]]:
    """Return the runs of consecutive Vietnamese syllables of a title, lower-cased, NFC.

    A run ends at punctuation (also attached: "Độ," ends one, "'lung" starts one)
    and at any word that is not a Vietnamese syllable (digits, acronyms, foreign).
    """
    runs: list[list[str]] = []
    run: list[str] = []
    for token in unicodedata.normalize("NFC", title).lower().split():
        first, last = 0, len(token)
        while first < last and not token[first].isalnum():
            first += 1
        while last > first and not token[last - 1].isalnum():
            last -= 1
        core = token[first:last]
        syllable = is_syllable(core)
        if first or not syllable:
            runs.append(run)
            run = []
        if syllable:
            run.append(core)
        if last < len(token):
            runs.append(run)
            run = []
    runs.append(run)
    return [run for run in runs if run]


def _pick_phrase(title: str, rng: random.Random, shortest: int, longest: int) -> str | None:
    """Return one phrase of the title, its length then its place chosen by rng."""
    by_length: dict[int, list[str]] = {}
    for run in syllable_runs(title):
        marked = [strip_accents(word) != word for word in run]
        for length in range(shortest, min(longest, len(run)) + 1):
            for start in range(len(run) - length + 1):
                if any(marked[start:start + length]):
                    by_length.setdefault(length, []).append(" ".join(run[start:start + length]))
    if not by_length:
        return None
    return rng.choice(by_length[rng.choice(sorted(by_length))])


def _open_text(path: Path) -> IO[str]:
    """Open a JSON Lines file, gzip-compressed when its name ends in .gz."""
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def sample_phrases(paths: Iterable[str | Path], count: int, rng: random.Random,
                   min_syllables: int = 2, max_syllables: int = 5, *,
                   pool: int | None = None) -> list[str]:
    """Return count distinct phrases of consecutive syllables from the records' titles.

    Each title with a run of at least min_syllables Vietnamese syllables gives one
    candidate (length uniform among those it offers, then place), which carries at
    least one diacritic; files are read in order, streaming, each until it gave its
    share of pool candidates (10 * count by default; 0 reads everything), and
    count of the candidates are drawn with rng. So the phrases come from the first
    titles of each file unless pool says otherwise.
    """
    sources = [Path(path) for path in paths]
    if not sources or count < 1 or not 1 <= min_syllables <= max_syllables:
        raise ValueError("need a source, count >= 1 and 1 <= min_syllables <= max_syllables")
    wanted = 10 * count if pool is None else pool
    share = -(-wanted // len(sources)) if wanted else None
    candidates: list[str] = []
    seen: set[str] = set()
    for source in sources:
        taken = 0
        with _open_text(source) as lines:
            for line in lines:
                if share is not None and taken >= share:
                    break
                if not line.strip():
                    continue
                title = json.loads(line).get("title")
                if not isinstance(title, str):
                    continue
                phrase = _pick_phrase(title, rng, min_syllables, max_syllables)
                if phrase is None or phrase in seen:
                    continue
                seen.add(phrase)
                candidates.append(phrase)
                taken += 1
    if len(candidates) < count:
        raise ValueError(f"only {len(candidates)} distinct phrases in the titles, {count} asked")
    return rng.sample(candidates, count)


def variants(phrase: str, rng: random.Random) -> dict[str, str]:
    """Return the phrase as typed without accents, in Telex, in VNI and with a typo.

    The typo goes into the unaccented phrase (the issue's "nghi quyt", "ke hoack"):
    a user who mistypes a letter rarely typed the accents either.
    """
    plain = strip_accents(phrase)
    return {"accents": plain, "telex": telex(phrase), "vni": vni(phrase),
            "typo": one_typo(plain, rng), "correct": phrase}


def main(argv: Sequence[str] | None = None) -> int:
    """Write an evaluation set of mistyped phrases to a JSON Lines file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="JSON Lines file to write")
    parser.add_argument("--count", type=int, default=500, help="phrases (default 500)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--source", type=Path, nargs="+", default=list(DEFAULT_SOURCES),
                        help="JSON Lines files with titles (.jsonl or .jsonl.gz)")
    parser.add_argument("--pool", type=int, default=None,
                        help="candidates to collect before drawing (default 10 * count; "
                             "0 reads every title)")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    phrases = sample_phrases(args.source, args.count, rng, pool=args.pool)
    with args.out.open("w", encoding="utf-8") as out:
        for phrase in phrases:
            forms = variants(phrase, rng)
            row = {"phrase": phrase, "accents": forms["accents"], "telex": forms["telex"],
                   "vni": forms["vni"], "typo": forms["typo"]}
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(phrases)} phrases -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
