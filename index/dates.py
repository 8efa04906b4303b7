"""Dates as Vietnamese documents and pages write them: the one set of rules.

Every reader (pages, Word and PDF files, sidecars, the date printed at the
head of a document, the date lines of a page) and the tokenizer read dates
here.

Forms:

- d/m/yyyy: the day, a separator (``/``, ``.`` or ``-``), the month, the same
  separator again, a four-digit year; a space may stand beside a separator
  ("10.9. 2025", "25 / 12 / 2006"). Two different separators make a range of
  months, not a date ("tháng 9-10/2016", "tháng 3 - 6.2026"). A date is not
  part of a longer word or number ("11/10/2016/QĐ").
- yyyy-mm-dd (ISO), also at the start of a timestamp ("2016-10-11T08:30").
- spelled out: "ngày 11 tháng 10 năm 2016"; sites also print "11 tháng 10,
  2016" and "Tháng Mười 11, 2016". The month is a number or its name
  ("tháng Mười", "tháng Mười Một"). Giêng and Chạp name months of the lunar
  calendar ("23 tháng Chạp"), so they are not read as the Gregorian 1 and 12.
- a PDF date: "D:20161011083000+07'00'".

The calendar: a day it does not have (31/2/2016, 29/2/2015) is no date.

Years: a date in running text is a mention and keeps any four-digit year:
the corpora mention real dates from 4.7.1187 (Hattin) to 16/9/2037 (a
project's end), and the tokenizer indexes what is written. A date that a
reader takes as a document's date of issue must lie from FIRST_YEAR to the
year after this one:

- every document in the corpora states a date from 2010 to 2026 (laws
  2010-2022, news 2025-2026, the samples 2013-2018), while a date read from a
  text before 1980 was, in every case in them, a mention taken for the date:
  19 news articles would be dated by a birth or a battle (9/2/1907, 30 tháng
  9 năm 1862);
- a Word or PDF file is not older than personal computers: earlier dates in
  its metadata are the zeros of broken clocks (1601, 1904, 1970); no web page
  is older than the web;
- later than next year is a typo ("1/12/2106" for 2016);
- a document issued earlier gets its date from a sidecar or its record,
  which take any date the calendar has (stated_date).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from index.text import to_nfc

FIRST_YEAR = 1980

MONTH_NAMES = {"một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
               "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12}
_SPACE = re.compile(r"\s+")
_MONTH = "|".join([r"\d{1,2}"] + [name.replace(" ", r"\s+") for name in
                                  sorted(MONTH_NAMES, key=len, reverse=True)])
_GAP = r"[^\S\n]?"  # a space beside a separator, never a line break

# Each form names its groups apart, so that DATE can hold them all.
NUMERIC = (rf"(?<![\w/.-])(?P<day>\d{{1,2}}){_GAP}(?P<sep>[/.-]){_GAP}(?P<month>\d{{1,2}})"
           rf"{_GAP}(?P=sep){_GAP}(?P<year>\d{{4}})(?![\w/-])")
_ISO = r"(?<!\d)(?P<iso_year>\d{4})-(?P<iso_month>\d{1,2})-(?P<iso_day>\d{1,2})(?!\d)"
_SPELLED = (rf"(?<!\d)(?P<spelled_day>\d{{1,2}})\s+tháng\s+(?P<spelled_month>{_MONTH})"
            r"\s*(?:,\s*|\s+năm\s+|\s+)(?P<spelled_year>\d{4})(?!\d)")
_MONTH_FIRST = (rf"tháng\s+(?P<first_month>{_MONTH})\s+(?P<first_day>\d{{1,2}})\s*,\s*"
                r"(?P<first_year>\d{4})(?!\d)")
# Any form: embed it once in a pattern compiled with re.IGNORECASE ("Tháng Mười").
DATE = f"(?:{NUMERIC}|{_ISO}|{_SPELLED}|{_MONTH_FIRST})"

_DATE = re.compile(DATE, re.IGNORECASE)
_STATED = re.compile(rf"(?:ngày\s+)?{DATE}", re.IGNORECASE)
_PREFIXES = ("", "iso_", "spelled_", "first_")
_PDF_DATE = re.compile(r"^(?:D:)?(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})")


def month_number(text: str) -> int:
    """Return the month a number or a month's name gives ("10", "Mười"), else 0."""
    if text.isdigit():
        return int(text)
    return MONTH_NAMES.get(_SPACE.sub(" ", text.casefold()), 0)


def calendar_date(year: int | str, month: int | str, day: int | str) -> dt.date | None:
    """Return the date if the calendar has it (not 31/2), else None."""
    try:
        month_value = month if isinstance(month, int) else month_number(month)
        return dt.date(int(year), month_value, int(day))
    except ValueError:
        return None


def last_year() -> int:
    """Return the last year a date of issue may have: the year after this one."""
    return dt.date.today().year + 1


def is_issue_date(date: dt.date) -> bool:
    """Tell whether a date read from a document can be its date of issue."""
    return FIRST_YEAR <= date.year <= last_year()


def matched_date(match: re.Match[str]) -> dt.date | None:
    """Return the calendar date of a match of DATE (or NUMERIC), else None."""
    groups = match.groupdict()
    for prefix in _PREFIXES:
        if groups.get(f"{prefix}year"):
            return calendar_date(groups[f"{prefix}year"], groups[f"{prefix}month"],
                                 groups[f"{prefix}day"])
    return None


def dates_in(text: str) -> Iterator[dt.date]:
    """Yield the calendar dates written in text, in order."""
    for match in _DATE.finditer(to_nfc(text)):
        date = matched_date(match)
        if date is not None:
            yield date


def issue_date(text: str) -> str:
    """Return the first date in text that can be a date of issue (YYYY-MM-DD), or ""."""
    return next((date.isoformat() for date in dates_in(text) if is_issue_date(date)), "")


def stated_date(value: str) -> str:
    """Return value read as one date in any form (YYYY-MM-DD), or "".

    For dates a person states (a sidecar): any year the calendar has.
    """
    match = _STATED.fullmatch(to_nfc(value).strip())
    date = matched_date(match) if match else None
    return date.isoformat() if date else ""


def pdf_date(value: str) -> dt.date | None:
    """Return the calendar date of a PDF date string ("D:20161011083000+07'00'"), or None."""
    match = _PDF_DATE.match(value.strip())
    return calendar_date(match["year"], match["month"], match["day"]) if match else None
