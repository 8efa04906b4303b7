"""Read Word (.docx) and PDF files: their title, text and the metadata the file itself keeps."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.table import Table
from pypdf import PasswordType, PdfReader

from index.dates import is_issue_date, pdf_date
from index.doctypes import TITLE_PREFIXES
from index.text import fold_accents, to_nfc


class NeedsOcr(ValueError):
    """A PDF has pages but no text layer (scanned): it must be OCR-ed, not indexed empty."""


# Metadata values that name a computer account or a program, not a person or a title
# (compared case-insensitively).
_JUNK_VALUES = frozenset({
    "admin", "administrator", "user", "owner", "pc", "microsoft office user",
    "windows user", "python-docx", "unknown", "author", "untitled", "title",
})
# "Microsoft Word - abc.docx", "abc.doc": a PDF printer's file name, not a title.
_FILE_NAME = re.compile(
    r"^microsoft (word|excel|powerpoint) - |\.(docx?|pdf|rtf|odt|txt|xlsx?|pptx?)$",
    re.IGNORECASE)
# A title starts in the first paragraphs; a "BÁO CÁO" heading further down is a section.
_TITLE_SEARCH = 20
# Lines after a "KẾ HOẠCH" line that can still be the rest of its title.
_TITLE_CONTINUATION = 3
_TITLE_LINE_MAX = 300
# Fewer letters than this on all pages: what was extracted is page numbers or stray marks.
_MIN_LETTERS = 20
_VIETNAM = dt.timezone(dt.timedelta(hours=7))
_REASON_MAX = 120
_SPACE = re.compile(r"[^\S\n]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class _Block:
    """A paragraph of a Word file or a line of a PDF, with what marks a title."""

    text: str
    in_table: bool = False
    centered: bool = False
    styled: bool = False  # a Title or Heading style


def read_docx(data: bytes) -> dict[str, Any]:
    """Return the record fields of a Word file: title, body (paragraphs joined by blank lines)."""
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [block for block in _docx_blocks(document, _StyleMarks(document))
                  if block.text]
        properties = document.core_properties
        meta_title, author, created = properties.title, properties.author, properties.created
    # A damaged file makes zipfile, lxml and python-docx raise almost any type (BadZipFile,
    # XMLSyntaxError, KeyError, AttributeError on a missing element ...): it must become a
    # reported failure, and the type name in the reason keeps a bug of ours visible.
    except Exception as error:
        raise ValueError(f"not a readable Word file ({_reason(error)})") from None
    record: dict[str, Any] = {}
    if created and created.tzinfo:
        created = created.astimezone(_VIETNAM)  # Word stores UTC; the day is Vietnam's
    _add_metadata(record, author, created.date() if created else None)
    record["title"], taken = _title_and_taken(meta_title, blocks)
    record["body"] = "\n\n".join(block.text for index, block in enumerate(blocks)
                                 if index not in taken)
    return record


def read_pdf(data: bytes) -> dict[str, Any]:
    """Return the record fields of a PDF with a text layer: title, body."""
    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED
        pages = [] if locked else [page.extract_text() for page in reader.pages]
        info = None if locked else reader.metadata
        meta_title = info.title if info else None
        author = info.author if info else None
        created = info.creation_date_raw if info else None
    except Exception as error:  # as for Word files: PdfReadError, TypeError, KeyError ...
        raise ValueError(f"not a readable PDF ({_reason(error)})") from None
    if locked:
        raise ValueError("not a readable PDF (encrypted with a password)")
    if not pages:
        raise ValueError("not a readable PDF (no pages)")
    body = "\n\n".join(text for text in map(_pdf_page_text, pages) if text)
    if sum(ch.isalpha() for ch in body) < _MIN_LETTERS:
        count = len(pages)
        raise NeedsOcr(f"needs OCR: no text layer ({count} page{'s' if count > 1 else ''})")
    record: dict[str, Any] = {}
    _add_metadata(record, author, pdf_date(str(created)) if created else None)
    record["title"], taken = _title_and_taken(
        meta_title, [_Block(line) for line in body.split("\n") if line])
    if taken:
        # The title's lines open the text (no tables in a PDF): drop them and the blank after.
        body = "\n".join(body.split("\n")[_line_index(body, len(taken)):]).strip("\n")
    record["body"] = body
    return record


def _docx_blocks(container: Any, marks: _StyleMarks, in_table: bool = False
                 ) -> Iterator[_Block]:
    """Yield the paragraphs of a document or table cell in reading order, tables inline."""
    for item in container.iter_inner_content():
        if isinstance(item, Table):
            seen: set[Any] = set()
            for row in item.rows:
                for cell in row.cells:
                    # A merged cell comes back once per grid column and row it spans.
                    if cell._tc in seen:
                        continue
                    seen.add(cell._tc)
                    yield from _docx_blocks(cell, marks, in_table=True)
        else:
            # paragraph.style looks the style up among all styles each time (seconds for a
            # long file): read the style id and look each one up once.
            styled, alignment = marks.of(item._p.style)
            yield _Block(_clean_lines(to_nfc(item.text)), in_table=in_table,
                         centered=(item.alignment or alignment) == WD_ALIGN_PARAGRAPH.CENTER,
                         styled=styled)


class _StyleMarks:
    """What a Word paragraph style says about a title: a Title/Heading name, its alignment."""

    def __init__(self, document: Any) -> None:
        self._document = document
        self._marks: dict[str | None, tuple[bool, Any]] = {}

    def of(self, style_id: str | None) -> tuple[bool, Any]:
        """Return whether the style is a Title or Heading and its alignment (or None)."""
        if style_id not in self._marks:
            style = self._document.part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
            name = (style.name or "").lower() if style is not None else ""
            alignment = None
            while alignment is None and style is not None:  # inherited from the base style
                alignment = style.paragraph_format.alignment
                style = style.base_style
            self._marks[style_id] = (name.startswith(("title", "heading")), alignment)
        return self._marks[style_id]


def _title_and_taken(meta_title: Any, blocks: list[_Block]) -> tuple[str, set[int]]:
    """Return the title and the indexes of the blocks it takes from the start of the body."""
    title = _useful(meta_title)
    # Older Word filled Title with the first line, which is the header table's.
    if title and not _FILE_NAME.search(title) and not any(
            block.in_table and _same(block.text, title) for block in blocks):
        return title, {0} if blocks and _same(blocks[0].text, title) else set()
    title, taken = _title_of(blocks)
    return title, _leading(blocks, taken)


def _title_of(blocks: list[_Block]) -> tuple[str, list[int]]:
    """Return the title the text opens with and the indexes of the blocks it was made of.

    Preferred: the document type line ("KẾ HOẠCH") with the lines that complete it; then
    the first Title/Heading paragraph; then the first paragraph outside a table (the
    header table of an official document is not its title); then the first at all.
    """
    head = blocks[:_TITLE_SEARCH]
    for index, block in enumerate(head):
        first_line = block.text.split("\n", 1)[0]
        if (not block.in_table and (first_line.isupper() or block.styled)
                and _is_doc_type(first_line)):
            return _doc_type_title(blocks, index)
    for candidates in ([i for i, b in enumerate(head) if b.styled and not b.in_table],
                       [i for i, b in enumerate(blocks) if not b.in_table],
                       list(range(len(blocks)))):
        if candidates:
            return _one_line(blocks[candidates[0]].text), candidates[:1]
    return "", []


def _doc_type_title(blocks: list[_Block], start: int) -> tuple[str, list[int]]:
    first = blocks[start]
    # A line break inside the paragraph ("KẾ HOẠCH" Shift+Enter "Học tập ...") goes on too.
    lines = first.text.split("\n")
    bare = len(_words(lines[0])) == 2  # "KẾ HOẠCH" alone: the subject is on the next line
    taken = [start]
    for index in range(start + 1, min(start + 1 + _TITLE_CONTINUATION, len(blocks))):
        text = blocks[index].text
        if (blocks[index].in_table or not any(ch.isalpha() for ch in text)
                or len(text) > _TITLE_LINE_MAX or (text.isupper() and not lines[-1].isupper())):
            break  # a "-----" rule, the text itself, or the issuer's name after the title
        if not ((bare and len(lines) == 1) or (first.centered and blocks[index].centered)
                or (text.isupper() and lines[-1].isupper()) or blocks[index].styled):
            break
        taken.append(index)
        lines.extend(text.split("\n"))
    lines = [_one_line(line) for line in lines]
    if len(lines) > 1 and lines[0].isupper() and not all(line.isupper() for line in lines[1:]):
        # "KẾ HOẠCH" + "Học tập, ..." -> "Kế hoạch học tập, ..."
        lines[0] = lines[0].capitalize()
        word = lines[1].split(" ", 1)[0]
        if word[1:].islower():  # keep "UBND", "HĐND"
            lines[1] = lines[1][0].lower() + lines[1][1:]
    return " ".join(lines), taken


def _is_doc_type(text: str) -> bool:
    return " ".join(_words(text)[:2]) in TITLE_PREFIXES


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold_accents(text).lower())


def _leading(blocks: list[_Block], taken: list[int]) -> set[int]:
    """Return the title blocks that open the running text (only a header table before)."""
    if taken and all(block.in_table for block in blocks[:taken[0]]):
        return set(taken)
    return set()


def _line_index(body: str, count: int) -> int:
    """Return the index in body's lines just after its first count non-empty lines."""
    seen = 0
    for index, line in enumerate(body.split("\n")):
        if line:
            seen += 1
            if seen == count:
                return index + 1
    return len(body.split("\n"))


def _pdf_page_text(text: str) -> str:
    """Return a page's text with one space between words and one blank line between parts."""
    text = _CONTROL.sub(" ", to_nfc(text).replace("\r\n", "\n").replace("\r", "\n"))
    return re.sub(r"\n{3,}", "\n\n", _clean_lines(text, keep_blank=True)).strip("\n")


def _clean_lines(text: str, keep_blank: bool = False) -> str:
    lines = [_SPACE.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line or keep_blank).strip("\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _same(a: str, b: str) -> bool:
    return _one_line(a).casefold() == _one_line(b).casefold()


def _useful(value: Any) -> str:
    """Return a metadata text cleaned, or "" when it is empty or a placeholder."""
    if not isinstance(value, str):
        return ""
    text = _one_line(_CONTROL.sub(" ", to_nfc(value)))
    if not any(ch.isalpha() for ch in text) or text.casefold() in _JUNK_VALUES:
        return ""
    return text


def _add_metadata(record: dict[str, Any], author: Any, created: dt.date | None) -> None:
    author = _useful(author)
    if author:
        record["author"] = author
    # A file's clock before FIRST_YEAR is a broken one's zero (1601, 1904, 1970).
    if created and is_issue_date(created):
        record["issued"] = created.isoformat()


def _reason(error: BaseException) -> str:
    """Return the error's type and the start of its message, short enough for a report."""
    message = str(error).strip().split("\n", 1)[0]
    if len(message) > _REASON_MAX:
        message = message[:_REASON_MAX - 1] + "…"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__
