"""Decoding source files: UTF-8/16/32, Windows-1258, TCVN3, VNI; binary and Western text."""

from __future__ import annotations

import codecs
import random
import unicodedata

import pytest

from ingest.decode import (
    BINARY,
    UNKNOWN,
    DecodedText,
    EncodingError,
    decode_bytes,
    decode_text,
    is_vietnamese_syllable,
)
from ingest.legacy_charsets import (
    TCVN3_LETTERS,
    TCVN3_TO_UNICODE,
    VNI_LETTERS,
    VNI_MARKS,
    decode_tcvn3,
    decode_vni,
)

S1 = "Nghị quyết của Đảng về khoa học và công nghệ"
S2 = ("Người Việt Nam yêu nước, đoàn kết; những kỹ sư trẻ tuổi ở Hà Nội hiểu rõ sự "
      "việc.")
S3 = ("Chúng tôi mừng rỡ: lữ khách ăn mặc đẹp, nằm nghỉ bên bờ suối, uống rượu và ngắm "
      "trăng.")
UPPER = "NGHỊ QUYẾT CỦA ĐẢNG VỀ KHOA HỌC"

# Real bytes of the sentences above in each 8-bit encoding.
CP1258_S1 = (b"Nghi\xf2 quy\xea\xect cu\xd2a \xd0a\xd2ng v\xea\xcc khoa ho\xf2c v\xe0 "
             b"c\xf4ng ngh\xea\xf2")
CP1258_S2 = (b"Ng\xfd\xf5\xcci Vi\xea\xf2t Nam y\xeau n\xfd\xf5\xecc, \xf0o\xe0n k\xea\xect; "
             b"nh\xfd\xdeng ky\xde s\xfd tre\xd2 tu\xf4\xd2i \xf5\xd2 H\xe0 N\xf4\xf2i "
             b"hi\xea\xd2u ro\xde s\xfd\xf2 vi\xea\xf2c.")
CP1258_UPPER = b"NGHI\xf2 QUY\xca\xecT CU\xd2A \xd0A\xd2NG V\xca\xcc KHOA HO\xf2C"
TCVN3_S1 = b"Ngh\xde quy\xd5t c\xf1a \xa7\xb6ng v\xd2 khoa h\xe4c v\xb5 c\xabng ngh\xd6"
TCVN3_S2 = (b"Ng\xad\xeai Vi\xd6t Nam y\xaau n\xad\xedc, \xaeo\xb5n k\xd5t; nh\xf7ng k\xfc "
            b"s\xad tr\xce tu\xe6i \xeb H\xb5 N\xe9i hi\xd3u r\xe2 s\xf9 vi\xd6c.")
TCVN3_S3 = (b"Ch\xf3ng t\xabi m\xf5ng r\xec: l\xf7 kh\xb8ch \xa8n m\xc6c \xae\xd1p, n\xbbm "
            b"ngh\xd8 b\xaan b\xea su\xe8i, u\xe8ng r\xad\xeeu v\xb5 ng\xbem tr\xa8ng.")
TCVN3_UPPER = b"NGH\xde QUY\xd5T C\xf1A \xa7\xb6NG V\xd2 KHOA H\xe4C"
VNI_S1 = (b"Ngh\xf2 quye\xe1t cu\xfba \xd1a\xfbng ve\xe0 khoa ho\xefc va\xf8 co\xe2ng "
          b"nghe\xe4")
VNI_S2 = (b"Ng\xf6\xf4\xf8i Vie\xe4t Nam ye\xe2u n\xf6\xf4\xf9c, \xf1oa\xf8n ke\xe1t; "
          b"nh\xf6\xf5ng ky\xf5 s\xf6 tre\xfb tuo\xe5i \xf4\xfb Ha\xf8 No\xe4i hie\xe5u "
          b"ro\xf5 s\xf6\xef vie\xe4c.")
VNI_S3 = (b"Chu\xf9ng to\xe2i m\xf6\xf8ng r\xf4\xf5: l\xf6\xf5 kha\xf9ch a\xean ma\xebc "
          b"\xf1e\xefp, na\xe8m ngh\xe6 be\xe2n b\xf4\xf8 suo\xe1i, uo\xe1ng r\xf6\xf4\xefu "
          b"va\xf8 nga\xe9m tra\xeang.")
VNI_UPPER = b"NGH\xd2 QUYE\xc1T CU\xdbA \xd1A\xdbNG VE\xc0 KHOA HO\xcfC"

FRENCH = ("Le café de la gare est très agréable; nous étions déjà là-bas à l'été, où "
          "l'élève français a mangé une crêpe.")

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _encode_tcvn3(text: str) -> bytes:
    """Inverse of the TCVN3 table; capital toned letters take the lowercase code."""
    inverse = {letter: code for code, letter in TCVN3_LETTERS.items()}
    return bytes(ord(ch) if ch.isascii() else inverse.get(ch) or inverse[ch.lower()]
                 for ch in text)


def _encode_vni(text: str) -> bytes:
    inverse = {letter: sequence for sequence, letter in VNI_LETTERS.items()}
    return b"".join(inverse[ch] if ch in inverse else ch.encode("ascii") for ch in text)


def _encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese keyboards write it: precomposed where the code page has
    the letter, otherwise the letter without tone followed by a combining tone."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
            tone = "".join(c for c in parts if c in _TONES)
            out.append(base.encode("cp1258") + tone.encode("cp1258"))
    return b"".join(out)


def _decoded(data: bytes) -> DecodedText:
    decoded = decode_bytes(data)
    assert unicodedata.is_normalized("NFC", decoded.text)
    assert decode_text(data) == decoded.text
    return decoded


# --- Unicode -----------------------------------------------------------------------

def test_empty_bytes_are_empty_utf8() -> None:
    assert _decoded(b"") == DecodedText("", "utf-8")


def test_ascii_and_utf8() -> None:
    assert _decoded(b"Hello, world\n") == DecodedText("Hello, world\n", "utf-8")
    assert _decoded(S2.encode("utf-8")) == DecodedText(S2, "utf-8")


def test_utf8_nfd_comes_out_nfc() -> None:
    nfd = unicodedata.normalize("NFD", S1)
    assert nfd != S1
    assert _decoded(nfd.encode("utf-8")) == DecodedText(S1, "utf-8")


def test_utf8_with_bom() -> None:
    assert _decoded(codecs.BOM_UTF8 + S1.encode("utf-8")) == DecodedText(S1, "utf-8-sig")
    assert _decoded(S1.encode("utf-8-sig")).text == S1


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    data = bom + (S2 + "\r\n").encode(codec)
    assert _decoded(data) == DecodedText(S2 + "\r\n", "utf-16")


def test_utf16_with_bom_real_bytes() -> None:
    assert _decoded(b"\xff\xfeN\x00g\x00h\x00\xcb\x1e") == DecodedText("Nghị", "utf-16")
    assert _decoded(b"\xfe\xff\x00N\x00g\x00h\x1e\xcb") == DecodedText("Nghị", "utf-16")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec: str) -> None:
    text = S1 + "\n" + S3 + "\n"
    assert _decoded(text.encode(codec)) == DecodedText(text, codec)


def test_utf16_le_without_bom_real_bytes() -> None:
    data = b"N\x00g\x00h\x00\xcb\x1e \x00q\x00u\x00y\x00\xbf\x1et\x00"
    assert _decoded(data) == DecodedText("Nghị quyết", "utf-16-le")


def test_utf16_nfd_comes_out_nfc() -> None:
    data = unicodedata.normalize("NFD", S2).encode("utf-16")
    assert _decoded(data) == DecodedText(S2, "utf-16")


def test_utf32_with_bom() -> None:
    assert _decoded(S1.encode("utf-32")) == DecodedText(S1, "utf-32")


@pytest.mark.parametrize("data", [
    codecs.BOM_UTF8 + b"caf\xe9",
    codecs.BOM_UTF16_LE + b"N\x00\x00\xd8",  # lone surrogate
    codecs.BOM_UTF16_LE + b"N\x00g",         # odd length
])
def test_broken_data_after_bom_is_rejected(data: bytes) -> None:
    with pytest.raises(EncodingError, match="after the byte order mark"):
        decode_bytes(data)


# --- Windows-1258 ------------------------------------------------------------------

def test_windows_1258_sentence() -> None:
    assert _decoded(CP1258_S1) == DecodedText(S1, "windows-1258")
    assert _decoded(CP1258_S2) == DecodedText(S2, "windows-1258")
    assert _decoded(CP1258_UPPER) == DecodedText(UPPER, "windows-1258")


def test_windows_1258_with_precomposed_letters_only() -> None:
    # The letters Windows-1252 also has: the same bytes in both code pages.
    text = "Tôi là sinh viên, tôi yêu môn toán và môn văn."
    assert _decoded(_encode_cp1258(text)) == DecodedText(text, "windows-1258")


def test_symbols_every_reading_agrees_on() -> None:
    assert _decoded(b"\x93Xin ch\xe0o\x94 \x96 b\xe1o c\xe1o") == DecodedText(
        "“Xin chào” – báo cáo", "windows-1258")


# --- TCVN3 -------------------------------------------------------------------------

def test_tcvn3_table_facts() -> None:
    facts = {0xDE: "ị", 0xFE: "ỵ", 0xD5: "ế", 0xAE: "đ", 0xA7: "Đ", 0xAC: "ơ", 0xAD: "ư",
             0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xB8: "á", 0xB5: "à", 0xA5: "Ơ",
             0xA6: "Ư", 0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô"}
    for code, letter in facts.items():
        assert TCVN3_LETTERS[code] == letter, hex(code)
    # 67 lowercase letters with marks, đ, and the seven uppercase-only codes.
    assert len(TCVN3_LETTERS) == 74
    assert len(set(TCVN3_LETTERS.values())) == 74
    assert TCVN3_TO_UNICODE[0x93] == "“" and TCVN3_TO_UNICODE[0x94] == "”"


def test_tcvn3_mojibake_example() -> None:
    # "Nghị quyết" in TCVN3 shows as "NghÞ quyÕt" when read as Windows-1252.
    assert b"Ngh\xde quy\xd5t".decode("cp1252") == "NghÞ quyÕt"
    assert decode_tcvn3(b"Ngh\xde quy\xd5t") == "Nghị quyết"


@pytest.mark.parametrize(("data", "text"), [
    (TCVN3_S1, S1), (TCVN3_S2, S2), (TCVN3_S3, S3), (TCVN3_UPPER, UPPER),
])
def test_tcvn3_sentences(data: bytes, text: str) -> None:
    assert _decoded(data) == DecodedText(text, "tcvn3")


def test_tcvn3_capital_toned_letters() -> None:
    # Toned letters have lowercase codes only; words otherwise in capitals are capitals.
    assert decode_tcvn3(b"VI\xd6T NAM, Vi\xd6t Nam, H\xb5 N\xe9i, UBND H\xb5 N\xe9i") == (
        "VIỆT NAM, Việt Nam, Hà Nội, UBND Hà Nội")
    # A word with a single capital ("VÒ": "Về" or "VỀ") follows its neighbours on its line.
    assert decode_tcvn3(b"QUY\xd5T \xa7\xdeNH\nV\xd2 VI\xd6C T\xc6NG\nV\xd2 vi\xd6c") == (
        "QUYẾT ĐỊNH\nVỀ VIỆC TẶNG\nVề việc")


def test_tcvn3_every_letter_decodes() -> None:
    for code, letter in TCVN3_LETTERS.items():
        assert decode_tcvn3(bytes([code])) == letter


# --- VNI -----------------------------------------------------------------------------

def test_vni_table_facts() -> None:
    assert VNI_LETTERS[b"e\xe1"] == "ế"    # ê with sắc: one byte for both marks
    assert VNI_LETTERS[b"e\xe2"] == "ê"
    assert VNI_LETTERS[b"a\xea"] == "ă"
    assert VNI_LETTERS[b"\xf4"] == "ơ" and VNI_LETTERS[b"\xf4\xf9"] == "ớ"
    assert VNI_LETTERS[b"\xf6"] == "ư" and VNI_LETTERS[b"\xd6\xd8"] == "Ừ"
    assert VNI_LETTERS[b"\xf1"] == "đ" and VNI_LETTERS[b"\xd1"] == "Đ"
    assert VNI_LETTERS[b"\xf2"] == "ị" and VNI_LETTERS[b"\xee"] == "ỵ"
    assert VNI_LETTERS[b"E\xc1"] == "Ế"
    # Every Vietnamese letter that is not ASCII, in both cases: 67 * 2.
    assert len(VNI_LETTERS) == 134 and len(set(VNI_LETTERS.values())) == 134


def test_vni_marks_agree_with_the_letters() -> None:
    for sequence, letter in VNI_LETTERS.items():
        if len(sequence) == 2:
            base = decode_vni(sequence[:1])
            assert base is not None
            assert unicodedata.normalize("NFC", base + VNI_MARKS[sequence[1]]) == letter
    # A mark byte after a letter that cannot take it is a mark, not a letter.
    assert decode_vni(b"vi\xean") == "vi\u0306n"


def test_vni_every_letter_decodes() -> None:
    for sequence, letter in VNI_LETTERS.items():
        assert decode_vni(sequence) == letter
        assert decode_vni(b"x" + sequence + b"x") == "x" + letter + "x"


@pytest.mark.parametrize(("data", "text"), [
    (VNI_S1, S1), (VNI_S2, S2), (VNI_S3, S3), (VNI_UPPER, UPPER),
])
def test_vni_sentences(data: bytes, text: str) -> None:
    assert _decoded(data) == DecodedText(text, "vni")


# --- round trips through the inverse tables ----------------------------------------------

ROUND_TRIP = [
    S1, S2, S3,
    "Hội nghị tổng kết công tác năm của Liên hiệp các hội Khoa học và Kỹ thuật tỉnh.",
    "Quyết định phê duyệt đề án bảo tồn đa dạng sinh học ở vùng ven biển miền Trung.",
    "Những người thợ giỏi xưa kia dựng nhà gỗ, đắp đường, nấu rượu, dệt vải, làm "
    "giấy dó.",
]


@pytest.mark.parametrize("text", ROUND_TRIP)
def test_round_trips(text: str) -> None:
    assert _decoded(_encode_cp1258(text)) == DecodedText(text, "windows-1258")
    assert _decoded(_encode_tcvn3(text)) == DecodedText(text, "tcvn3")
    assert _decoded(_encode_vni(text)) == DecodedText(text, "vni")
    assert _decoded(text.encode("utf-16-le")) == DecodedText(text, "utf-16-le")


def test_literal_bytes_match_the_inverse_tables() -> None:
    assert _encode_cp1258(S1) == CP1258_S1 and _encode_cp1258(S2) == CP1258_S2
    assert _encode_tcvn3(S1) == TCVN3_S1 and _encode_tcvn3(S3) == TCVN3_S3
    assert _encode_vni(S1) == VNI_S1 and _encode_vni(S3) == VNI_S3


def test_a_long_file() -> None:
    text = (S2 + "\n") * 5000
    assert _decoded(_encode_vni(text)) == DecodedText(text, "vni")


# --- rejected input --------------------------------------------------------------------

def test_binary_data_is_rejected() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(7).randbytes(2000)
    with pytest.raises(EncodingError) as info:
        decode_bytes(png)
    assert str(info.value) == BINARY


@pytest.mark.parametrize("data", [
    bytes(b for b in random.Random(3).randbytes(3000) if b),  # no NUL, many controls
    b"Nghi\xf2 quy\xea\xect\x01\x02\x03\x04",
    "Nghị quyết\x00của Đảng".encode(),
    b"abc\x00",
])
def test_control_bytes_mean_binary(data: bytes) -> None:
    with pytest.raises(EncodingError, match="^not text: binary data$"):
        decode_bytes(data)


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_western_text_is_rejected(codec: str) -> None:
    with pytest.raises(EncodingError) as info:
        decode_bytes(FRENCH.encode(codec))
    assert str(info.value) == UNKNOWN


def test_french_word_alone_is_rejected() -> None:
    with pytest.raises(EncodingError):
        decode_bytes("Un café, s'il vous plaît.".encode("cp1252"))


def test_too_little_text_to_tell_is_rejected() -> None:
    # "Tôi" in Windows-1258, "Tơi" in VNI, "Tụi" in TCVN3: all three are syllables.
    with pytest.raises(EncodingError, match="^ambiguous encoding: "):
        decode_bytes(b"T\xf4i")


def test_unknown_8bit_bytes_are_rejected() -> None:
    data = bytes(random.Random(5).choice(range(0xA0, 0x100)) for _ in range(400))
    with pytest.raises(EncodingError):
        decode_bytes(data)


@pytest.mark.parametrize("data", [
    b"\xff\xfe\x00\xd8", b"\xef\xbb\xbf\xff", b"\x80\x81\x8d\x8f\x90\x9d", b"\xc3(",
    b"\x00" * 10, bytes(range(256)),
])
def test_no_unicode_decode_error_escapes(data: bytes) -> None:
    with pytest.raises(EncodingError) as info:
        decode_text(data)
    assert isinstance(info.value, ValueError)
    assert not isinstance(info.value, UnicodeError)


# --- the syllable test ---------------------------------------------------------------

@pytest.mark.parametrize("word", [
    "nghị", "quyết", "Đảng", "người", "khuyến", "NGUYỄN", "gì", "giữa", "thuở", "xoong",
    "rượu", "khoẻ", "hoặc", "a", "ý", "yêu", "cho", "tin",
])
def test_vietnamese_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)
    assert is_vietnamese_syllable(unicodedata.normalize("NFD", word))


@pytest.mark.parametrize("word", [
    "café", "très", "déjà", "quyƠt", "cat", "càt", "caùc", "hoủc", "Nghþ", "and", "fait",
    "ngườii", "quyờỡt",
])
def test_not_vietnamese_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)
