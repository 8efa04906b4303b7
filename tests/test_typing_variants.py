"""The typing variants of the "did you mean" set (bench/typing_variants.py), on checked cases."""

from __future__ import annotations

import gzip
import importlib.util
import json
import random
import time
import unicodedata
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import PROJECT, SHARED

NEWS_RSS = SHARED / "data" / "news-rss.jsonl.gz"
TELEX_KEYS = set("aeodwsfrxj")

# Every vowel with every mark and tone: the letters, then Telex, then VNI.
VOWEL_TABLE = """
a á à ả ã ạ | a as af ar ax aj | a a1 a2 a3 a4 a5
ă ắ ằ ẳ ẵ ặ | aw aws awf awr awx awj | a8 a81 a82 a83 a84 a85
â ấ ầ ẩ ẫ ậ | aa aas aaf aar aax aaj | a6 a61 a62 a63 a64 a65
e é è ẻ ẽ ẹ | e es ef er ex ej | e e1 e2 e3 e4 e5
ê ế ề ể ễ ệ | ee ees eef eer eex eej | e6 e61 e62 e63 e64 e65
i í ì ỉ ĩ ị | i is if ir ix ij | i i1 i2 i3 i4 i5
o ó ò ỏ õ ọ | o os of or ox oj | o o1 o2 o3 o4 o5
ô ố ồ ổ ỗ ộ | oo oos oof oor oox ooj | o6 o61 o62 o63 o64 o65
ơ ớ ờ ở ỡ ợ | ow ows owf owr owx owj | o7 o71 o72 o73 o74 o75
u ú ù ủ ũ ụ | u us uf ur ux uj | u u1 u2 u3 u4 u5
ư ứ ừ ử ữ ự | uw uws uwf uwr uwx uwj | u7 u71 u72 u73 u74 u75
y ý ỳ ỷ ỹ ỵ | y ys yf yr yx yj | y y1 y2 y3 y4 y5
"""
VOWELS = [(letter, telex, vni)
          for row in VOWEL_TABLE.strip().splitlines()
          for letter, telex, vni in zip(*(part.split() for part in row.split("|")), strict=True)]

# Words: (text, without accents, Telex, VNI).
WORDS = [
    ("nghị quyết", "nghi quyet", "nghij quyeets", "nghi5 quye61t"),  # the example
    ("kế hoạch", "ke hoach", "kees hoachj", "ke61 hoa5ch"),
    ("đường", "duong", "dduwowngf", "d9u7o72ng"),
    ("Hòa bình", "Hoa binh", "Hoaf binhf", "Ho2a bi2nh"),
    ("hoà", "hoa", "hoaf", "hoa2"),  # the other tone placement: same Telex, VNI as written
    ("thuở", "thuo", "thuowr", "thuo73"),  # u without horn before ơ
    ("quốc", "quoc", "quoocs", "quo61c"),
    ("giữ", "giu", "giuwx", "giu74"),
    ("khuỷu tay", "khuyu tay", "khuyur tay", "khuy3u tay"),
    ("Nguyễn Ánh", "Nguyen Anh", "Nguyeenx Anhs", "Nguye64n A1nh"),
    ("Đắk Lắk", "Dak Lak", "Ddawks Lawks", "D9a81k La81k"),
    ("Thừa Thiên Huế", "Thua Thien Hue", "Thuwaf Thieen Huees", "Thu72a Thie6n Hue61"),
    ("ngoằn ngoèo", "ngoan ngoeo", "ngoawnf ngoeof", "ngoa82n ngoe2o"),
    ("ĐƯỜNG", "DUONG", "DDUWOWNGF", "D9U7O72NG"),  # all caps: keys in capitals too
    ("NGHỊ QUYẾT", "NGHI QUYET", "NGHIJ QUYEETS", "NGHI5 QUYE61T"),
    ("Âu Cơ", "Au Co", "Aau Cow", "A6u Co7"),  # a capital first letter: keys lower-case
    ("Ở đây", "O day", "Owr ddaay", "O73 d9a6y"),
    ("người ươm", "nguoi uom", "nguwowif uwowm", "ngu7o72i u7o7m"),
    ("Tuỳ, tùy.", "Tuy, tuy.", "Tuyf, tuyf.", "Tuy2, tu2y."),  # punctuation passes through
    ("iPhone 16 mới", "iPhone 16 moi", "iPhone 16 mowis", "iPhone 16 mo71i"),
]


@pytest.fixture(scope="module")
def tv() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "typing_variants", PROJECT / "bench" / "typing_variants.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def levenshtein(a: str, b: str) -> int:
    """Return the edit distance of two strings (insert, delete, substitute)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def is_subsequence(short: str, long: str) -> bool:
    """Tell whether short's characters appear in long, in order."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def test_levenshtein_helper() -> None:
    assert [levenshtein(*pair) for pair in [("", ""), ("ab", "ab"), ("ab", "b"), ("ab", "ax"),
                                            ("ab", "aab"), ("kitten", "sitting")]] == [
        0, 0, 1, 1, 1, 3]


def test_vowel_table_covers_every_vowel_mark_and_tone() -> None:
    assert len(VOWELS) == 72
    assert {unicodedata.normalize("NFD", letter)[0] for letter, _, _ in VOWELS} == set("aeiouy")


@pytest.mark.parametrize(("letter", "typed_telex", "typed_vni"), VOWELS)
def test_every_vowel(tv: ModuleType, letter: str, typed_telex: str, typed_vni: str) -> None:
    plain = unicodedata.normalize("NFD", letter)[0]
    assert tv.strip_accents(letter) == plain
    assert tv.telex(letter) == typed_telex
    assert tv.vni(letter) == typed_vni
    # In a syllable the tone key of Telex moves to its end, the VNI digits stay put.
    toned = len(typed_telex) > 1 and typed_telex[-1] in "sfrxj"
    body, tone = (typed_telex[:-1], typed_telex[-1]) if toned else (typed_telex, "")
    assert tv.telex("t" + letter + "n") == "t" + body + "n" + tone
    assert tv.vni("t" + letter + "n") == "t" + typed_vni + "n"
    # Capitals: the keys too only when the whole syllable is in capitals.
    assert tv.telex(letter.upper()) == body[0].upper() + body[1:] + tone
    assert tv.telex(letter.upper() + "N") == body.upper() + "N" + tone.upper()
    assert tv.vni(letter.upper()) == typed_vni.upper()


@pytest.mark.parametrize(("text", "plain", "typed_telex", "typed_vni"), WORDS)
def test_words(tv: ModuleType, text: str, plain: str, typed_telex: str, typed_vni: str) -> None:
    for form in (text, unicodedata.normalize("NFD", text)):  # NFD in, same answers
        assert tv.strip_accents(form) == plain
        assert tv.telex(form) == typed_telex
        assert tv.vni(form) == typed_vni


def test_d_with_stroke(tv: ModuleType) -> None:
    assert [tv.strip_accents(w) for w in ("đ", "Đ", "đê", "ĐÊ")] == ["d", "D", "de", "DE"]
    assert [tv.telex(w) for w in ("đ", "Đ", "đê", "ĐÊ", "Đê")] == ["dd", "Dd", "ddee", "DDEE",
                                                                 "Ddee"]
    assert [tv.vni(w) for w in ("đ", "Đ", "đê", "ĐÊ")] == ["d9", "D9", "d9e6", "D9E6"]


def test_text_without_accents_is_unchanged(tv: ModuleType) -> None:
    for text in ("ke hoach 2025", "COVID-19, Pi Network", "", "  "):
        assert tv.strip_accents(text) == text
        assert tv.telex(text) == text
        assert tv.vni(text) == text


def test_round_trips(tv: ModuleType) -> None:
    texts = [text for text, _, _, _ in WORDS if not any(ch.isdigit() for ch in text)]
    texts += [letter for letter, _, _ in VOWELS]
    for text in texts:
        plain = tv.strip_accents(text)
        typed = tv.telex(text)
        # Telex only inserts its keys into the unaccented text, and is plain ASCII.
        assert typed.isascii() and tv.strip_accents(typed) == typed
        assert is_subsequence(plain, typed)
        added = list(typed)
        for ch in plain:
            added.remove(ch)
        assert set("".join(added).lower()) <= TELEX_KEYS
        # VNI only inserts digits: removing them gives the unaccented text back.
        assert "".join(ch for ch in tv.vni(text) if not ch.isdigit()) == plain
    # One tone key per toned syllable, at its end; one VNI tone digit per syllable.
    for syllable in "nghị quyết đường thuở khuỷu ngoằn".split():
        assert tv.telex(syllable)[-1] in "sfrxj"
        assert sum(ch in "12345" for ch in tv.vni(syllable)) == 1


@pytest.mark.parametrize("text", ["nghi quyet", "ke hoach", "a", "a b", "Hòa bình, nghị quyết",
                                  "ĐƯỜNG", "o vi tri", "x 1 y"])
def test_one_typo_is_one_edit(tv: ModuleType, text: str) -> None:
    kinds = set()
    for seed in range(300):
        typo = tv.one_typo(text, random.Random(seed))
        assert typo != text
        assert levenshtein(typo, text) == 1
        assert len(typo.split()) == len(text.split())  # no one-letter word deleted
        assert tv.one_typo(text, random.Random(seed)) == typo  # deterministic
        kinds.add(len(typo) - len(text))
    assert kinds == ({0, 1} if all(len(w) == 1 for w in text.split()) else {-1, 0, 1})


def test_one_typo_needs_a_word(tv: ModuleType) -> None:
    with pytest.raises(ValueError):
        tv.one_typo("2025 - 19", random.Random(1))


def test_variants(tv: ModuleType) -> None:
    forms = tv.variants("nghị quyết", random.Random(1))
    assert set(forms) == {"accents", "telex", "vni", "typo", "correct"}
    assert forms["accents"] == "nghi quyet"
    assert forms["telex"] == "nghij quyeets"
    assert forms["vni"] == "nghi5 quye61t"
    assert forms["correct"] == "nghị quyết"
    assert forms["typo"].isascii() and levenshtein(forms["typo"], "nghi quyet") == 1
    assert tv.variants("nghị quyết", random.Random(1)) == forms


def test_is_syllable(tv: ModuleType) -> None:
    for word in ("nghị", "quyết", "đường", "khuỷu", "ở", "gì", "đắk", "thuở", "ngoằn"):
        assert tv.is_syllable(word), word
    for word in ("trump", "iphone", "clb", "tp", "covid", "ukraine", "2025", "nghịế", "ǎn",
                 "hóà", "ôtô", ""):
        assert not tv.is_syllable(word), word


def test_syllable_runs(tv: ModuleType) -> None:
    title = ("Chuyện gì xảy ra nếu Ấn Độ, Trung Quốc ngừng mua dầu Nga; 'lung lay' khi giá Pi "
             "lập đáy mới – Nvidia: COVID-19 tăng 6x36")
    assert tv.syllable_runs(title) == [
        ["chuyện", "gì", "xảy", "ra", "nếu", "ấn", "độ"],
        ["trung", "quốc", "ngừng", "mua", "dầu", "nga"],
        ["lung", "lay"], ["khi", "giá", "pi", "lập", "đáy", "mới"], ["tăng"]]
    assert tv.syllable_runs(unicodedata.normalize("NFD", "Nghị Quyết")) == [["nghị", "quyết"]]


TITLES = [
    "Nghị quyết về kế hoạch phát triển kinh tế - xã hội năm 2026",
    "Người chơi trung thành 'lung lay' khi giá Pi lập đáy mới",
    "Chuyện gì xảy ra nếu Ấn Độ, Trung Quốc ngừng mua dầu Nga",
    "Meta cho chuyển khoản trong Messenger tại Việt Nam",
    "Robot nhào lộn, nhảy điệu múa Trung Hoa",
    unicodedata.normalize("NFD", "Thừa Thiên Huế đón khách du lịch"),
    "3 con giáp SỐ HÊN, luôn GẶP MAY và được QUÝ NHÂN GIÚP ĐỠ trong năm 2017",
    "Bộ Xây dựng: Cấm dàn xếp thông thầu",
    "Nâng cấp sân bay Liên Khương Đà Lạt",
    "Tổng thống lâm thời Venezuela sẽ thăm Mỹ",
    "COVID-19 USD 2025",  # nothing to take
    "hoa binh ke hoach",  # no diacritic: nothing to take
]


def write_records(folder: Path) -> list[Path]:
    records = [json.dumps({"id": f"t{i}", "title": title, "body": "nội dung"}, ensure_ascii=False)
               for i, title in enumerate(TITLES)]
    plain = folder / "titles.jsonl"
    plain.write_text("\n".join(records[:6]) + "\n\n", encoding="utf-8")
    packed = folder / "titles.jsonl.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as out:
        out.write("\n".join(records[6:] + [json.dumps({"id": "no-title", "body": "x"})]) + "\n")
    return [plain, packed]


def assert_phrases(tv: ModuleType, phrases: list[str], titles: list[str]) -> None:
    assert len(set(phrases)) == len(phrases)
    for phrase in phrases:
        words = phrase.split(" ")
        assert 2 <= len(words) <= 5, phrase
        assert phrase == unicodedata.normalize("NFC", phrase).lower()
        assert all(word.isalpha() and tv.is_syllable(word) for word in words), phrase
        assert tv.strip_accents(phrase) != phrase
        # Consecutive syllables of one title, with nothing between them.
        assert any(phrase in unicodedata.normalize("NFC", title).lower()
                   and any(run[i:i + len(words)] == words
                           for run in tv.syllable_runs(title) for i in range(len(run)))
                   for title in titles), phrase


def test_sample_phrases(tv: ModuleType, tmp_path: Path) -> None:
    paths = write_records(tmp_path)
    phrases = tv.sample_phrases(paths, 8, random.Random(7))
    assert len(phrases) == 8
    assert_phrases(tv, phrases, TITLES)
    assert tv.sample_phrases(paths, 8, random.Random(7)) == phrases
    assert tv.sample_phrases([str(p) for p in paths], 8, random.Random(7)) == phrases
    several = {tuple(tv.sample_phrases(paths, 8, random.Random(seed))) for seed in range(20)}
    assert len(several) > 1
    short = tv.sample_phrases(paths, 5, random.Random(3), min_syllables=2, max_syllables=2)
    assert all(len(p.split()) == 2 for p in short)
    # Ten titles give a phrase, so ten distinct ones at most.
    assert len(tv.sample_phrases(paths, 10, random.Random(1))) == 10
    with pytest.raises(ValueError):
        tv.sample_phrases(paths, 11, random.Random(1))


def test_sample_phrases_stops_at_its_pool(tv: ModuleType, tmp_path: Path) -> None:
    paths = write_records(tmp_path)
    # A pool of 2 takes the first title with a phrase from each file.
    phrases = tv.sample_phrases(paths, 2, random.Random(1), pool=2)
    assert_phrases(tv, phrases, [TITLES[0], TITLES[6]])


def test_main_writes_the_set(tv: ModuleType, tmp_path: Path) -> None:
    paths = write_records(tmp_path)
    out = tmp_path / "set.jsonl"
    argv = ["--out", str(out), "--count", "6", "--seed", "3", "--source", *map(str, paths)]
    assert tv.main(argv) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 6
    for row in rows:
        assert set(row) == {"phrase", "accents", "telex", "vni", "typo"}
        assert row["accents"] == tv.strip_accents(row["phrase"])
        assert row["telex"] == tv.telex(row["phrase"])
        assert row["vni"] == tv.vni(row["phrase"])
        assert levenshtein(row["typo"], row["accents"]) == 1
    first = out.read_bytes()
    assert tv.main(argv) == 0 and out.read_bytes() == first


@pytest.mark.skipif(not NEWS_RSS.exists(), reason="no ../shared/data/news-rss.jsonl.gz")
def test_news_rss_smoke(tv: ModuleType) -> None:
    started = time.perf_counter()
    phrases = tv.sample_phrases([NEWS_RSS], 20, random.Random(1))
    assert time.perf_counter() - started < 5
    assert len(phrases) == 20
    for phrase in phrases:
        words = phrase.split(" ")
        assert 2 <= len(words) <= 5 and all(tv.is_syllable(w) for w in words), phrase
        assert tv.strip_accents(phrase) != phrase
    assert tv.sample_phrases([NEWS_RSS], 20, random.Random(1)) == phrases
