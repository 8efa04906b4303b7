"""Accent folding, NFC and document numbers."""

import unicodedata

import pytest

from index.numbers import doc_type_of_number, find_numbers, number_key
from index.text import fold_accents, to_nfc


@pytest.mark.parametrize(("text", "folded"), [
    ("Nghị quyết", "Nghi quyet"),
    ("Đảng đường", "Dang duong"),
    ("ÐẢNG", "DANG"),  # U+00D0, the look-alike of Đ
    ("Thừa Thiên Huế", "Thua Thien Hue"),
    ("hòa hoà khỏe khoẻ", "hoa hoa khoe khoe"),
])
def test_fold_accents(text: str, folded: str) -> None:
    assert fold_accents(text) == folded
    assert fold_accents(unicodedata.normalize("NFD", text)) == folded


def test_nfd_bo_does_not_fold_to_letters() -> None:
    # Whoosh's accent_map turns decomposed "bộ" into "bol̂"; ours must not.
    assert fold_accents(unicodedata.normalize("NFD", "bộ")) == "bo"
    assert to_nfc(unicodedata.normalize("NFD", "bộ")) == "bộ"


@pytest.mark.parametrize("typed", ["22-KH/CB", "22/KH-CB", "22 kh cb", "Số 22-KH/CB",
                                   "số: 22-kh/cb", "22-KH / CB"])
def test_number_key_forgives_typing(typed: str) -> None:
    assert number_key(typed) == "22-kh-cb"


def test_number_key_folds_d_stroke() -> None:
    assert number_key("11-KH/ĐUK") == number_key("11-kh/duk") == "11-kh-duk"


def test_find_numbers_ignores_dates_and_year_ranges() -> None:
    text = ("Thực hiện Kế hoạch số 22-KH/CB ngày 11/10/2016 và Chỉ thị số 05-CT/TW, "
            "Quyết định 05/QĐ-UBND, Nghị định 30/2020/NĐ-CP, nhiệm kỳ 2013-2018.")
    assert find_numbers(text) == ["22-KH/CB", "05-CT/TW", "05/QĐ-UBND", "30/2020/NĐ-CP"]


@pytest.mark.parametrize(("number", "doc_type"), [
    ("22-KH/CB", "ke-hoach"), ("05-CT/TW", "chi-thi"), ("05/QĐ-UBND", "quyet-dinh"),
    ("15-NQ/ĐU", "nghi-quyet"), ("08/HD-LHH", "huong-dan"), ("3/CTr-LHH", "chuong-trinh"),
    ("30/2020/NĐ-CP", "nghi-dinh"), ("01/VBHN-VPQH", "van-ban-hop-nhat"), ("61/2020/QH14", None),
])
def test_doc_type_of_number(number: str, doc_type: str | None) -> None:
    assert doc_type_of_number(number) == doc_type
