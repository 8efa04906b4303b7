"""Dates: the forms, the calendar, the years a date of issue may have, and that every reader
and the tokenizer read them by the same rules (index.dates)."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import docx
import pytest

from index.dates import (
    FIRST_YEAR,
    calendar_date,
    dates_in,
    is_issue_date,
    issue_date,
    last_year,
    month_number,
    pdf_date,
    stated_date,
)
from index.tokens import scan, spelled_dates
from ingest.furniture import line_kind
from ingest.metadata import issued_in_text
from ingest.readers import read_records
from ingest.sidecar import read_sidecar
from tests.test_ingest_office import pdf_file, text_page


def first(text: str) -> str:
    """The first calendar date in text, any year, as YYYY-MM-DD ("" without one)."""
    return next((date.isoformat() for date in dates_in(text)), "")


# Forms -------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("11/10/2016", "2016-10-11"),
    ("11.10.2016", "2016-10-11"),
    ("11-10-2016", "2016-10-11"),
    ("1/7/2017", "2017-07-01"),
    ("Ngày 10.9. 2025, Bộ trưởng", "2025-09-10"),  # a space beside a separator
    ("ngày 25 / 12 / 2006", "2006-12-25"),
    ("2016-10-11", "2016-10-11"),
    ("2016-10-11T08:30:00+07:00", "2016-10-11"),  # a timestamp
    ("Huế, ngày 11 tháng 10 năm 2016", "2016-10-11"),
    ("11 tháng 10, 2016", "2016-10-11"),
    ("11 tháng 10 2016", "2016-10-11"),
    ("Tháng Mười 11, 2016", "2016-10-11"),  # WordPress in Vietnamese
    ("ngày 5 tháng Mười Một năm 2016", "2016-11-05"),
    ("ngày 5 tháng mười hai năm 2016", "2016-12-05"),
    ("ngày 30 tháng Tư năm 2016", "2016-04-30"),
    ("ngày 30 tháng bốn năm 2016", "2016-04-30"),
])
def test_every_form_reads_as_the_same_date(text: str, expected: str) -> None:
    assert first(text) == expected
    assert issue_date(text) == expected


@pytest.mark.parametrize("text", [
    "tháng 9-10/2016",  # two separators: a range of months
    "từ tháng 3 - 6.2026",
    "11/10-2016",
    "22/2016/QĐ-UBND",  # a document number
    "11/10/2016/QĐ",  # part of a longer number
    "ngày 23 tháng Chạp năm 2016",  # a month of the lunar calendar
    "ngày 10 tháng Giêng năm 2016",
    "ngày 11 tháng 10\n/2016",
    "11/\n10/2016",  # a line break is no space beside a separator
])
def test_what_is_not_a_date(text: str) -> None:
    assert first(text) == ""


def test_month_numbers_and_names() -> None:
    assert [month_number(name) for name in ("1", "12", "Một", "tư", "Bốn", "bẩy",
                                            "mười  một", "MƯỜI HAI")] == [1, 12, 1, 4, 4, 7,
                                                                          11, 12]
    assert month_number("giêng") == month_number("chạp") == month_number("đầu") == 0


# The calendar --------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "month", "day"), [
    (2016, 2, 31), (2015, 2, 29), (2016, 4, 31), (2016, 13, 1), (2016, 0, 10), (2016, 10, 0),
    (0, 1, 1),
])
def test_impossible_dates(year: int, month: int, day: int) -> None:
    assert calendar_date(year, month, day) is None
    written = f"{day}/{month}/{year:04d}"
    assert first(written) == "" and stated_date(written) == ""
    assert [piece.kind for piece in scan(written)] == ["word", "word", "word"]


def test_a_leap_day_is_a_date() -> None:
    assert calendar_date("2016", "2", "29") == dt.date(2016, 2, 29)
    assert first("29/2/2016") == "2016-02-29"


def test_an_impossible_date_does_not_hide_the_next_one() -> None:
    assert first("31/2/2016 hoặc 1/3/2016") == "2016-03-01"


# Years ---------------------------------------------------------------------------------

def test_the_years_of_a_date_of_issue() -> None:
    assert FIRST_YEAR == 1980
    assert last_year() == dt.date.today().year + 1
    assert not is_issue_date(dt.date(FIRST_YEAR - 1, 12, 31))
    assert is_issue_date(dt.date(FIRST_YEAR, 1, 1))
    assert is_issue_date(dt.date(last_year(), 12, 31))
    assert not is_issue_date(dt.date(last_year() + 1, 1, 1))
    assert issue_date(f"31/12/{FIRST_YEAR - 1}") == ""
    assert issue_date(f"1/1/{FIRST_YEAR}") == f"{FIRST_YEAR}-01-01"
    assert issue_date(f"1/1/{last_year() + 1}") == ""


def test_a_date_of_issue_is_the_first_in_its_years() -> None:
    # "sinh ngày 9/2/1907": a birth, not the date of the text.
    assert issue_date("sinh ngày 9/2/1907, ban hành ngày 11/10/2016") == "2016-10-11"


def test_a_mention_keeps_any_year() -> None:
    # Real dates the corpora mention: the battle of Hattin, a birth, a project's end.
    for text, iso in (("Ngày 4.7.1187", "1187-07-04"), ("sinh ngày 19/5/1890", "1890-05-19"),
                      ("đến 16/9/2037", "2037-09-16")):
        assert first(text) == iso
        assert [piece.text for piece in scan(text) if piece.kind == "date"] == [iso]


def test_stated_dates() -> None:
    assert stated_date(" 11/10/2016 ") == "2016-10-11"
    assert stated_date("2016-10-11") == "2016-10-11"
    assert stated_date("ngày 11 tháng 10 năm 2016") == "2016-10-11"
    assert stated_date("30/4/1975") == "1975-04-30"  # a person may date an old document
    assert stated_date("Huế, ngày 11/10/2016") == ""  # the whole value must be the date
    assert stated_date("2016") == stated_date("") == ""


def test_pdf_dates() -> None:
    assert pdf_date("D:20161011083000+07'00'") == dt.date(2016, 10, 11)
    assert pdf_date("20161011") == dt.date(2016, 10, 11)
    assert pdf_date("D:20160231") is None
    assert pdf_date("D:1601") is None
    assert pdf_date("") is None


# The tokenizer ---------------------------------------------------------------------------

def test_tokenizer_dates() -> None:
    pieces = scan("ngày 11/10/2016, 11- 8-2025 và 22-KH/CB; tháng 9-10/2016")
    assert [(piece.kind, piece.text) for piece in pieces] == [
        ("word", "ngày"), ("date", "2016-10-11"), ("date", "2025-08-11"), ("word", "và"),
        ("number", "22-kh-cb"), ("word", "tháng"), ("word", "9"), ("word", "10"),
        ("word", "2016")]
    spelled = spelled_dates(scan("Ngay 11 thang 10 nam 2016 va ngay 31 thang 2 nam 2016"))
    assert [(index, piece.text) for index, piece in spelled] == [(1, "2016-10-11")]


# Every reader by the same rules ------------------------------------------------------------

def page(date_line: str, meta: str = "") -> bytes:
    return (f"<html><head>{meta}</head><body><article><h1 class='entry-title'>Thông báo kết "
            f"quả hội nghị</h1><p>{date_line}</p><div class='entry-content'><p>Hội nghị tổng "
            f"kết công tác năm đã diễn ra tại hội trường.</p></div></article></body></html>"
            ).encode()


def docx_created(created: dt.datetime) -> bytes:
    document = docx.Document()
    document.add_paragraph("Thông báo kết quả hội nghị")
    document.add_paragraph("Nội dung thông báo.")
    document.core_properties.created = created
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def read(name: str, data: bytes) -> dict[str, object]:
    [(_, record)] = list(read_records(Path(name), data))
    assert isinstance(record, dict), record
    return record


def sidecar_issued(tmp_path: Path, value: str) -> object:
    (tmp_path / "tracuu-metadata.json").write_text(json.dumps({"a.html": {"issued": value}}))
    return read_sidecar(tmp_path)["a.html"]["issued"]


def test_a_date_with_spaces_reads_the_same_in_every_reader(tmp_path: Path) -> None:
    # Before: pages read "11 / 10 / 2016", the tokenizer and the printed head did not.
    written = "11 / 10 / 2016"
    assert read("a.html", page(f"Ngày đăng: {written}"))["issued"] == "2016-10-11"
    assert issued_in_text(f"Huế, ngày {written}\n\nNội dung.") == "2016-10-11"
    assert line_kind(f"Ngày đăng: {written}") == "date"
    assert [piece.text for piece in scan(written)] == ["2016-10-11"]
    assert sidecar_issued(tmp_path, written) == "2016-10-11"


def test_two_separators_are_no_date_in_any_reader(tmp_path: Path) -> None:
    # Before: pages and the printed head read "11-10/2016" as 11 October.
    written = "11-10/2016"
    assert "issued" not in read("a.html", page(f"Ngày đăng: {written}"))
    assert issued_in_text(f"Huế, ngày {written}\n\nNội dung.") == ""
    assert line_kind(f"Ngày đăng: {written}") is None
    assert "date" not in [piece.kind for piece in scan(written)]
    assert sidecar_issued(tmp_path, written) == written  # left for the record's check


def test_a_1975_date_is_no_date_of_issue_in_any_reader(tmp_path: Path) -> None:
    # Before: pages took years from 1900 and the printed head any year; files from 1980.
    meta = '<meta property="article:published_time" content="1975-04-30T08:00:00+07:00">'
    assert "issued" not in read("a.html", page("Hội nghị", meta))
    assert issued_in_text("Huế, ngày 30 tháng 4 năm 1975\n\nNội dung.") == ""
    created = dt.datetime(1975, 4, 30, 8, tzinfo=dt.UTC)
    assert "issued" not in read("a.docx", docx_created(created))
    pdf = pdf_file([text_page("Thong bao ket qua hoi nghi", "Noi dung thong bao.")],
                   {"Title": "Thong bao", "CreationDate": "D:19750430080000Z"})
    assert "issued" not in read("a.pdf", pdf)
    # A mention in the text, and a date a person states, keep their year.
    assert [piece.text for piece in scan("30/4/1975")] == ["1975-04-30"]
    assert sidecar_issued(tmp_path, "30/4/1975") == "1975-04-30"


def test_a_date_in_its_years_reads_the_same_in_every_reader(tmp_path: Path) -> None:
    meta = '<meta property="article:published_time" content="2016-10-11T08:00:00+07:00">'
    assert read("a.html", page("Hội nghị", meta))["issued"] == "2016-10-11"
    assert read("b.html", page("Tháng Mười 11, 2016"))["issued"] == "2016-10-11"
    assert issued_in_text("Huế, ngày 11 tháng 10 năm 2016\n\nNội dung.") == "2016-10-11"
    assert read("a.docx", docx_created(dt.datetime(2016, 10, 11, 8, tzinfo=dt.UTC))
                )["issued"] == "2016-10-11"
    pdf = pdf_file([text_page("Thong bao ket qua hoi nghi", "Noi dung thong bao.")],
                   {"Title": "Thong bao", "CreationDate": "D:20161011080000+07'00'"})
    assert read("a.pdf", pdf)["issued"] == "2016-10-11"
    assert sidecar_issued(tmp_path, "11/10/2016") == "2016-10-11"
