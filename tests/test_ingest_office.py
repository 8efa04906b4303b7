"""Word and PDF files: titles, bodies and file metadata; scanned, damaged and locked files."""

from __future__ import annotations

import datetime as dt
import io
import random
import unicodedata
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from pypdf import PdfReader, PdfWriter

from ingest.metadata import own_number
from ingest.office import NeedsOcr, read_docx, read_pdf

SUBJECT = ("Học tập, quán triệt Nghị quyết Hội nghị lần thứ tư Ban Chấp hành Trung ương "
           "Đảng khóa XII")
FIRST = "Thực hiện Kế hoạch số 04-KH/TU ngày 05 tháng 10 năm 2016 của Tỉnh ủy."
SECOND = "Các chi bộ tổ chức học tập đầy đủ, nghiêm túc."


def official_docx(path: Path, title: str = "", author: str = "Nguyễn Văn Minh") -> bytes:
    """Write a Word file laid out like a Party document: header table, type line, subject."""
    document = docx.Document()
    header = document.add_table(rows=3, cols=2)
    header.cell(0, 0).text = "ĐẢNG BỘ TỈNH THỪA THIÊN HUẾ\nCHI BỘ CƠ QUAN"
    header.cell(0, 1).text = "ĐẢNG CỘNG SẢN VIỆT NAM"
    header.cell(1, 0).text = "Số: 22-KH/CB"
    header.cell(1, 1).text = "Huế, ngày 11 tháng 10 năm 2016"
    # One cell across both columns: its text must come out once.
    header.cell(2, 0).merge(header.cell(2, 1)).text = "Lưu hành nội bộ"
    for text in ("KẾ HOẠCH", SUBJECT, "-----"):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
    # Decomposed accents and a run of spaces, as converters leave them.
    document.add_paragraph("  " + unicodedata.normalize("NFD", FIRST).replace(" ", "   ", 1))
    document.add_paragraph("")
    document.add_paragraph(SECOND).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    properties = document.core_properties
    properties.author = author
    properties.title = title
    # 01:30 on 11 October in Huế; Word keeps it in UTC, the day before.
    properties.created = dt.datetime(2016, 10, 10, 18, 30, tzinfo=dt.UTC)
    document.save(str(path))
    return path.read_bytes()


def test_docx_official_document_title_body_and_metadata(tmp_path: Path) -> None:
    record = read_docx(official_docx(tmp_path / "kh22.docx"))
    assert record["title"] == ("Kế hoạch học tập, quán triệt Nghị quyết Hội nghị lần thứ tư "
                               "Ban Chấp hành Trung ương Đảng khóa XII")
    assert record["body"].split("\n\n") == [
        "ĐẢNG BỘ TỈNH THỪA THIÊN HUẾ\nCHI BỘ CƠ QUAN", "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số: 22-KH/CB", "Huế, ngày 11 tháng 10 năm 2016", "Lưu hành nội bộ",
        "-----", FIRST, SECOND]
    assert unicodedata.is_normalized("NFC", record["body"])
    assert own_number(record["body"]) == "22-KH/CB"
    assert record["author"] == "Nguyễn Văn Minh"
    assert record["issued"] == "2016-10-11"


def test_docx_title_from_properties_unless_it_is_the_header(tmp_path: Path) -> None:
    stated = read_docx(official_docx(tmp_path / "a.docx", title="Kế hoạch học tập Nghị quyết"))
    assert stated["title"] == "Kế hoạch học tập Nghị quyết"
    assert "KẾ HOẠCH" in stated["body"].split("\n\n")  # the title was not taken from it
    # Older Word copied the first line, the header table's, into Title.
    copied = read_docx(official_docx(tmp_path / "b.docx", title="ĐẢNG CỘNG SẢN VIỆT NAM"))
    assert copied["title"].startswith("Kế hoạch học tập")


@pytest.mark.parametrize("author", ["Admin", "USER", "Microsoft Office User", " ", "python-docx"])
def test_docx_placeholder_author_is_skipped(tmp_path: Path, author: str) -> None:
    record = read_docx(official_docx(tmp_path / "a.docx", title="Untitled", author=author))
    assert "author" not in record
    assert record["title"].startswith("Kế hoạch học tập")


def docx_of(tmp_path: Path, *paragraphs: tuple[str, str | None]) -> bytes:
    """Write a Word file of (text, style) paragraphs, with no core title."""
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    path = tmp_path / "doc.docx"
    document.save(str(path))
    return path.read_bytes()


@pytest.mark.parametrize(("paragraphs", "title"), [
    # A subject in capitals stays in capitals (acronyms and names survive).
    ([("BÁO CÁO", None), ("KẾT QUẢ CÔNG TÁC NĂM 2016 CỦA LHH", None)],
     "BÁO CÁO KẾT QUẢ CÔNG TÁC NĂM 2016 CỦA LHH"),
    ([("QUYẾT ĐỊNH", "Title"), ("Về việc thành lập Ban tổ chức hội thảo", None)],
     "Quyết định về việc thành lập Ban tổ chức hội thảo"),
    ([("THÔNG BÁO", None), ("UBND tỉnh đồng ý chủ trương", None)],
     "Thông báo UBND tỉnh đồng ý chủ trương"),
    # "QUYẾT ĐỊNH" Shift+Enter "Về việc ...": one paragraph with a line break.
    ([("QUYẾT ĐỊNH\nVề việc khen thưởng", None), ("QUYẾT ĐỊNH:", None)],
     "Quyết định về việc khen thưởng"),
    # The whole title on one line: nothing after it belongs to it.
    ([("NGHỊ QUYẾT ĐẠI HỘI CHI BỘ NHIỆM KỲ 2020-2025", None), ("Đại hội quyết nghị:", None)],
     "NGHỊ QUYẾT ĐẠI HỘI CHI BỘ NHIỆM KỲ 2020-2025"),
])
def test_docx_document_type_titles(tmp_path: Path, paragraphs: list[tuple[str, str | None]],
                                   title: str) -> None:
    record = read_docx(docx_of(tmp_path, *paragraphs, ("Nội dung của văn bản.", None)))
    assert record["title"] == title
    assert record["body"].endswith("Nội dung của văn bản.")
    assert not record["body"].startswith(paragraphs[0][0])  # not repeated


def test_docx_title_from_heading_or_first_paragraph(tmp_path: Path) -> None:
    headed = read_docx(docx_of(tmp_path, ("Lời mở đầu của tập san.", None),
                               ("Hội thảo khoa học năm 2018", "Heading 1"),
                               ("Nội dung hội thảo.", None)))
    assert headed["title"] == "Hội thảo khoa học năm 2018"
    # The heading is inside the text, not at its start: it stays there.
    assert headed["body"].split("\n\n") == [
        "Lời mở đầu của tập san.", "Hội thảo khoa học năm 2018", "Nội dung hội thảo."]
    plain = read_docx(docx_of(tmp_path, ("", None), ("Tin hoạt động tháng 3", None),
                              ("Trong tháng, Liên hiệp hội tổ chức hai hội thảo.", None)))
    assert plain["title"] == "Tin hoạt động tháng 3"
    assert plain["body"] == "Trong tháng, Liên hiệp hội tổ chức hai hội thảo."


def test_docx_nested_table_text_in_reading_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Danh sách đại biểu")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Ô thứ nhất"
    inner = table.cell(0, 1).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "Bảng lồng"
    document.add_paragraph("Đoạn sau bảng")
    path = tmp_path / "t.docx"
    document.save(str(path))
    record = read_docx(path.read_bytes())
    assert record["title"] == "Danh sách đại biểu"
    assert record["body"] == "Ô thứ nhất\n\nBảng lồng\n\nĐoạn sau bảng"


@pytest.mark.parametrize("data", [
    b"", b"not a word file at all", bytes(random.Random(7).randrange(256) for _ in range(2000)),
])
def test_docx_unreadable_bytes(data: bytes) -> None:
    with pytest.raises(ValueError, match=r"^not a readable Word file \("):
        read_docx(data)


def test_docx_damaged_file_raises_only_value_error(tmp_path: Path) -> None:
    good = official_docx(tmp_path / "a.docx")
    with pytest.raises(ValueError, match="not a readable Word file"):
        read_docx(good[: len(good) // 2])
    rng = random.Random(3)
    for _ in range(40):
        data = bytearray(good)
        for _ in range(5):
            data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            read_docx(bytes(data))
        except ValueError as error:
            assert str(error).startswith("not a readable Word file")


# --- PDF: files written by hand, with the standard Helvetica font (no font file needed).

def pdf_file(pages: list[bytes], info: dict[str, str] | None = None,
             to_unicode: bytes | None = None) -> bytes:
    """Return a PDF of the given page content streams, with a correct cross-reference table."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree (written last)
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    if to_unicode is not None:
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(to_unicode), to_unicode))
        font = font[:-2] + b"/ToUnicode %d 0 R >>" % len(objects)
    objects.append(font)
    font_id = len(objects)
    kids = []
    for content in pages:
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                       b"<< /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                       % (font_id, len(objects)))
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    trailer = b"/Root 1 0 R"
    if info:
        objects.append(b"<< %s >>" % b" ".join(
            b"/%s (%s)" % (key.encode(), value.encode("cp1252")) for key, value in info.items()))
        trailer += b" /Info %d 0 R" % len(objects)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer, xref)
    return bytes(out)


def text_page(*lines: str) -> bytes:
    """Return a content stream that shows lines of WinAnsi text, one under another."""
    shown = [b"(%s) Tj T*" % line.encode("cp1252").replace(b"\\", b"\\\\")
             .replace(b"(", b"\\(").replace(b")", b"\\)") for line in lines]
    return b"BT /F1 12 Tf 16 TL 72 770 Td\n" + b"\n".join(shown) + b"\nET"


TWO_PAGES = [text_page("Ke hoach so 22-KH/CB", "Hoc tap   va quan triet Nghi quyet"),
             text_page("Trang hai: to chuc thuc hien.")]
INFO = {"Title": "Microsoft Word - kh22.docx", "Author": "Nguyen Van Minh",
        "CreationDate": "D:20161011083000+07'00'"}


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "kh22.pdf"
    path.write_bytes(pdf_file(TWO_PAGES, INFO))
    record = read_pdf(path.read_bytes())
    assert record["title"] == "Ke hoach so 22-KH/CB"  # not the printer's file name
    assert record["body"] == ("Hoc tap va quan triet Nghi quyet\n\n"
                              "Trang hai: to chuc thuc hien.")
    assert record["author"] == "Nguyen Van Minh"
    assert record["issued"] == "2016-10-11"


def test_pdf_title_from_document_info_and_junk_author(tmp_path: Path) -> None:
    info = {"Title": "Ke hoach hoc tap Nghi quyet", "Author": "Administrator",
            "CreationDate": "D:1601"}
    record = read_pdf(pdf_file(TWO_PAGES, info))
    assert record["title"] == "Ke hoach hoc tap Nghi quyet"
    assert record["body"].startswith("Ke hoach so 22-KH/CB\nHoc tap va quan triet")
    assert "author" not in record and "issued" not in record


def test_pdf_without_text_layer_needs_ocr() -> None:
    scanned = pdf_file([b"0 0 0 RG 72 72 200 100 re S", b"BT /F1 12 Tf 72 770 Td (12) Tj ET"])
    with pytest.raises(NeedsOcr, match=r"^needs OCR: no text layer \(2 pages\)$"):
        read_pdf(scanned)


def test_pdf_without_pages() -> None:
    with pytest.raises(ValueError, match=r"no pages"):
        read_pdf(pdf_file([]))


@pytest.mark.parametrize("data", [
    pdf_file(TWO_PAGES)[: len(pdf_file(TWO_PAGES)) // 2], b"", b"%PDF-1.4\n%%EOF\n",
    bytes(random.Random(5).randrange(256) for _ in range(3000)),
])
def test_pdf_unreadable_bytes(data: bytes) -> None:
    with pytest.raises(ValueError, match=r"^not a readable PDF \(") as caught:
        read_pdf(data)
    assert not isinstance(caught.value, NeedsOcr)


def test_pdf_damaged_file_raises_only_value_error() -> None:
    good = pdf_file(TWO_PAGES, INFO)
    rng = random.Random(4)
    for _ in range(60):
        data = bytearray(good)
        start = rng.randrange(len(data))
        data[start:start + rng.randrange(1, 30)] = bytes(rng.randrange(256) for _ in range(5))
        try:
            read_pdf(bytes(data))
        except ValueError as error:
            assert str(error).startswith(("not a readable PDF", "needs OCR"))


def encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    # RC4 needs no extra package (AES would need cryptography).
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_encrypted_with_a_password() -> None:
    with pytest.raises(ValueError, match=r"^not a readable PDF \(encrypted with a password\)$"):
        read_pdf(encrypted(pdf_file(TWO_PAGES), "secret"))


def test_pdf_encrypted_with_owner_password_only_is_read() -> None:
    record = read_pdf(encrypted(pdf_file(TWO_PAGES), ""))
    assert record["title"] == "Ke hoach so 22-KH/CB"
    assert "Trang hai" in record["body"]


def vietnamese_pdf(lines: list[str]) -> bytes:
    """Return a PDF of Vietnamese lines: a ToUnicode map gives each character a 1-byte code.

    The text is written decomposed (base letter + marks), as some converters write it.
    """
    decomposed = [unicodedata.normalize("NFD", line) for line in lines]
    characters = sorted(set("".join(decomposed)))
    code = {character: number for number, character in enumerate(characters, start=1)}
    entries = b"".join(b"<%02X> <%s>\n" % (code[ch], ch.encode("utf-16-be").hex().encode())
                       for ch in characters)
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"/CMapName /Vietnamese def /CMapType 2 def\n"
            b"1 begincodespacerange <01> <FF> endcodespacerange\n"
            b"%d beginbfchar\n%sendbfchar\n" % (len(characters), entries)
            + b"endcmap CMapName currentdict /CMap defineresource pop end end")
    shown = [b"<%s> Tj T*" % bytes(code[ch] for ch in line).hex().encode() for line in decomposed]
    content = b"BT /F1 12 Tf 16 TL 72 770 Td\n" + b"\n".join(shown) + b"\nET"
    return pdf_file([content], to_unicode=cmap)


def test_pdf_vietnamese_text_official_document() -> None:
    data = vietnamese_pdf(["ĐẢNG BỘ TỈNH THỪA THIÊN HUẾ", "Số: 22-KH/CB", "KẾ HOẠCH",
                           "Học tập, quán triệt Nghị quyết Hội nghị Trung ương 4",
                           "Các chi bộ tổ chức học tập đầy đủ."])
    if "KẾ" not in unicodedata.normalize("NFC", PdfReader(io.BytesIO(data)).pages[0]
                                         .extract_text()):
        pytest.skip("this pypdf does not map text through a simple font's ToUnicode")
    record = read_pdf(data)
    assert record["title"] == "Kế hoạch học tập, quán triệt Nghị quyết Hội nghị Trung ương 4"
    assert unicodedata.is_normalized("NFC", record["body"])
    # The header lines come first, so the title lines stay in the text.
    assert record["body"].split("\n")[:3] == ["ĐẢNG BỘ TỈNH THỪA THIÊN HUẾ", "Số: 22-KH/CB",
                                              "KẾ HOẠCH"]
    assert own_number(record["body"]) == "22-KH/CB"


def test_pipeline_indexes_word_and_reports_scanned_pdf(tmp_path: Path) -> None:
    from index.store import open_index
    from ingest.pipeline import ingest_paths
    from search import SearchIndex, SearchRequest

    folder = tmp_path / "van-ban"
    folder.mkdir()
    official_docx(folder / "ke-hoach.docx")
    (folder / "scan.pdf").write_bytes(pdf_file([b"0 0 0 RG 72 72 200 100 re S"]))
    (folder / "so-tay.pdf").write_bytes(pdf_file(TWO_PAGES))
    report = ingest_paths([folder], open_index(tmp_path / "index", create=True))
    assert report.added == 2
    [failure] = report.failed
    assert failure.source == str(folder / "scan.pdf")
    assert failure.reason == "needs OCR: no text layer (1 page)"
    document = SearchIndex(tmp_path / "index").document("ke-hoach")
    assert (document.number, document.doc_type, document.issuer) == (
        "22-KH/CB", "ke-hoach", "Chi bộ cơ quan Liên hiệp hội")  # by index/issuers.json
    assert document.issued == "2016-10-11"  # printed in the head, not the file's date
    hits = SearchIndex(tmp_path / "index").search(SearchRequest(query="hoc tap nghi quyet"))
    assert "ke-hoach" in [hit.id for hit in hits.hits]
