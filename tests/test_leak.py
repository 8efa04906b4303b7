"""Internal documents leak nowhere: every public answer is that of an index without them.

One index holds public documents and internal ones (with words, numbers, a
year, types, an issuer and an author found in no public document, citations
of public documents' numbers, and the common words the public ones use, so
that BM25's statistics would move if they counted); a second index holds the
public ones alone, written in the same order. Every GET rule of the app's URL
map is asked the same requests of both, and the answers must be the same
bytes, apart from the build's identity and CSRF tokens. A rule this file has
no requests for fails it. With a staff token, every internal document is found.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

import pytest
from flask import Flask
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from index.numbers import find_numbers
from index.record import Document
from index.store import open_index, prepare, write_documents
from index.text import fold_accents
from ingest.citations import cited_relations
from search import SearchIndex, SearchRequest

# --- The documents -------------------------------------------------------------------------

# (id, doc_type, number, issued or year, title, body)
_PUBLIC: list[tuple[str, str, str, str, str, str]] = [
    ("cong-khai/ke-hoach-22", "ke-hoach", "22-KH/CB", "2016-10-11",
     "Kế hoạch tổ chức Hội thi sáng tạo kỹ thuật tỉnh lần thứ V",
     "Thực hiện Chỉ thị số 05-CT/TW của Bộ Chính trị, Liên hiệp các hội Khoa học và Kỹ "
     "thuật tỉnh xây dựng kế hoạch tổ chức Hội thi sáng tạo kỹ thuật.\n\nHội thi nhằm "
     "khuyến khích phong trào lao động sáng tạo trong cán bộ, thanh niên và người lao động."),
    ("cong-khai/chi-thi-05", "chi-thi", "05-CT/TW", "2016-05-15",
     "Chỉ thị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
     "Các cấp ủy, tổ chức đảng, chính quyền, đoàn thể tổ chức học tập, quán triệt "
     "chỉ thị này.\n\nMỗi cán bộ, đảng viên xây dựng kế hoạch làm theo của bản thân."),
    ("cong-khai/nghi-quyet-15", "nghi-quyet", "15-NQ/LHH", "2015-03-20",
     "Nghị quyết Đại hội đại biểu Liên hiệp hội nhiệm kỳ 2015-2020",
     "Đại hội đại biểu Liên hiệp các hội Khoa học và Kỹ thuật tỉnh quyết nghị các chỉ tiêu "
     "nhiệm kỳ.\n\nPhát triển hội viên, nâng cao chất lượng tư vấn, phản biện và giám định "
     "xã hội; đẩy mạnh chuyển đổi số trong hoạt động của hội."),
    ("cong-khai/bao-cao-31", "bao-cao", "31-BC/LHH", "2017-12-05",
     "Báo cáo tổng kết công tác năm 2017",
     "Thực hiện Nghị quyết số 15-NQ/LHH, năm 2017 Liên hiệp hội đã tổ chức 12 hội thảo "
     "khoa học, 3 đợt tập huấn.\n\nHội thi sáng tạo kỹ thuật được tổ chức theo Kế hoạch số "
     "22-KH/CB, thu hút 87 giải pháp dự thi."),
    ("cong-khai/huong-dan-05", "huong-dan", "05/HD-LHH", "2018-02-01",
     "Hướng dẫn tuyển chọn đề tài khoa học và công nghệ",
     "Căn cứ Kế hoạch số 22-KH/CB, Liên hiệp hội hướng dẫn các hội thành viên đề xuất đề "
     "tài khoa học và công nghệ.\n\nHồ sơ gửi về Văn phòng trước ngày 30 tháng 4."),
    ("cong-khai/quyet-dinh-112", "quyet-dinh", "112/QĐ-LHH", "2019-07-01",
     "Quyết định thành lập Hội đồng khoa học Liên hiệp hội",
     "Thành lập Hội đồng khoa học gồm 11 thành viên.\n\nHội đồng tư vấn cho Thường trực về "
     "các đề tài khoa học, công nghệ và hoạt động phản biện xã hội."),
    ("cong-khai/thong-bao-40", "thong-bao", "40-TB/LHH", "2020-04-10",
     "Thông báo kết luận của Thường trực về chuyển đổi số",
     "Thường trực Liên hiệp hội kết luận: đẩy mạnh chuyển đổi số, ứng dụng công nghệ thông "
     "tin trong quản lý hội viên.\n\nCác hội thành viên xây dựng kế hoạch chuyển đổi số."),
    ("cong-khai/tin-hoi-thao-cds", "tin-tuc", "", "2019-09-09",
     "Hội thảo chuyển đổi số trong các hội thành viên",
     "Ngày 9 tháng 9 năm 2019, Liên hiệp hội tổ chức hội thảo về chuyển đổi số.\n\nCác đại "
     "biểu thảo luận \"chuyển đổi số\" trong quản lý khoa học và công nghệ."),
    ("cong-khai/chuong-trinh-03", "chuong-trinh", "03-CTr/LHH", "2016-01-15",
     "Chương trình hành động thực hiện Nghị quyết số 15-NQ/LHH",
     "Chương trình hành động cụ thể hóa Nghị quyết số 15-NQ/LHH của Đại hội.\n\nTập trung "
     "phát triển đội ngũ trí thức khoa học và công nghệ, thanh niên sáng tạo."),
    ("cong-khai/ke-hoach-18", "ke-hoach", "18-KH/LHH", "2018-06-06",
     "Kế hoạch phản biện xã hội năm 2018",
     "Liên hiệp hội tổ chức tư vấn, phản biện các đề án của tỉnh.\n\nKế hoạch được xây dựng "
     "căn cứ Quyết định số 112/QĐ-LHH và Nghị quyết số 15-NQ/LHH."),
    ("cong-khai/quyet-dinh-27", "quyet-dinh", "27/QĐ-UBND", "2014-11-03",
     "Quyết định phê duyệt Đề án phát triển khoa học và công nghệ",
     "Ủy ban nhân dân tỉnh phê duyệt đề án giai đoạn 2014-2020.\n\nGiao Liên hiệp hội chủ "
     "trì tư vấn, phản biện các nội dung khoa học của đề án."),
    ("cong-khai/nghi-quyet-09", "nghi-quyet", "09-NQ/TU", "2014-06-30",
     "Nghị quyết về phát triển đội ngũ trí thức",
     "Tỉnh ủy ban hành nghị quyết về xây dựng đội ngũ trí thức khoa học và công nghệ.\n\n"
     "Quy chế làm việc nội bộ của các hội được rà soát, sửa đổi."),
    ("cong-khai/bao-cao-thanh-nien", "bao-cao", "", "2020",
     "Báo cáo kết quả Hội thi sáng tạo thanh thiếu niên nhi đồng",
     "Hội thi sáng tạo thanh thiếu niên nhi đồng năm 2020 thu hút 240 mô hình.\n\nBan tổ "
     "chức trao 30 giải, trong đó có 5 giải nhất."),
    ("cong-khai/tin-khong-ngay", "tin-tuc", "", "",
     "Giới thiệu Liên hiệp các hội Khoa học và Kỹ thuật tỉnh",
     "Liên hiệp hội là tổ chức chính trị - xã hội của trí thức khoa học và công nghệ.\n\n"
     "Hiện có 25 hội thành viên với hơn 9.000 hội viên."),
    ("cong-khai/thong-bao-lich", "thong-bao", "", "2017-03-01",
     "Thông báo lịch tiếp công dân năm 2017",
     "Văn phòng Liên hiệp hội thông báo lịch tiếp công dân vào thứ Năm hằng tuần."),
    ("cong-khai/chi-thi-duong", "chi-thi", "", "2015-08-20",
     "Chỉ thị về trồng cây dương liễu ven đường",
     "Các hội thành viên vận động trồng cây dương liễu ven đường giao thông nông thôn.\n\n"
     "Đường liễu là hình ảnh quen thuộc của quê hương."),
]
# Generated news, so that common words have many documents and lengths differ.
_TOPICS = (
    ("Hội thảo khoa học về", "hội thảo khoa học", "nông nghiệp công nghệ cao"),
    ("Tập huấn", "tập huấn chuyển đổi số", "cán bộ hội"),
    ("Kết quả", "hội thi sáng tạo kỹ thuật", "thanh niên"),
    ("Tư vấn, phản biện", "phản biện xã hội", "dự án giao thông"),
    ("Kế hoạch hoạt động", "kế hoạch hoạt động", "đoàn thanh niên"),
    ("Tổng kết", "khoa học và công nghệ", "y tế cộng đồng"),
)
_NEWS_TYPES = ("tin-tuc", "tin-tuc", "thong-bao", "bao-cao")


def _news() -> list[tuple[str, str, str, str, str, str]]:
    """Return generated public news items over 2014-2020, of several lengths."""
    items = []
    for n in range(20):
        head, phrase, subject = _TOPICS[n % len(_TOPICS)]
        year = 2014 + n % 7
        body = " ".join([f"Liên hiệp hội tổ chức {phrase} về {subject}."] * (1 + n % 4))
        body += f"\n\nCó {40 + n} đại biểu tham dự; hội viên đóng góp {n + 2} ý kiến."
        items.append((f"cong-khai/tin-{n:02d}", _NEWS_TYPES[n % len(_NEWS_TYPES)], "",
                      f"{year}-{1 + n % 12:02d}-{1 + n % 28:02d}" if n % 5 else str(year),
                      f"{head} {subject} năm {year}", body))
    return items


# Words of the internal documents that no public one has (one per document).
_UNIQUE = ("xiêmkhoa", "mơrinh", "blôngla", "hrưngtơ", "kathuông", "phlôirơ", "zeppra",
           "tơrungkê", "vơlắcnô", "drangkiu")
# Their issuer and author: words of no public document either.
_ISSUER = "Ban Quỳnhphlơ"
_AUTHOR = "Krôngpơ Mđrang"
# (id, doc_type, number, issued or year, title, body): the unique word goes into the title
# and body; the internal-only types are to-trinh and de-an, the internal-only years 2011
# and 2013; the rest share the public ones' types, years and common words.
_INTERNAL: list[tuple[str, str, str, str, str, str]] = [
    ("noi-bo/to-trinh-07", "to-trinh", "07-TTr/LHH", "2011-03-11",
     "Tờ trình kinh phí dự án {u}",
     "Căn cứ Kế hoạch số 22-KH/CB, Văn phòng trình kinh phí tổ chức Hội thi sáng tạo kỹ "
     "thuật và chuyển đổi số.\n\nKế hoạch kế hoạch kế hoạch: dự án {u} cần 120 triệu đồng."),
    ("noi-bo/de-an-13", "de-an", "13-ĐA/LHH", "2011-08-02",
     "Đề án {u} về khoa học và công nghệ",
     "Căn cứ Chỉ thị số 05-CT/TW và Nghị quyết số 15-NQ/LHH, xây dựng đề án {u}.\n\n"
     "Khoa học và công nghệ, chuyển đổi số, hội viên, thanh niên, sáng tạo, hội thảo."),
    ("noi-bo/ke-hoach-88", "ke-hoach", "88-KH/VP", "2016-10-20",
     "Kế hoạch nội bộ triển khai {u}",
     "Thực hiện Kế hoạch số 22-KH/CB, Văn phòng triển khai {u} trong Hội thi sáng tạo kỹ "
     "thuật.\n\nPhân công cán bộ theo dõi kế hoạch, tổng hợp báo cáo hằng tháng."),
    ("noi-bo/bao-cao-99", "bao-cao", "99-BC/VP", "2017-12-20",
     "Báo cáo {u} về công tác năm 2017",
     "Bổ sung Báo cáo số 31-BC/LHH: những nội dung {u} chưa công bố.\n\nHội thảo khoa học, "
     "tập huấn, phản biện xã hội, hội viên, kế hoạch năm sau."),
    ("noi-bo/nghi-quyet-77", "nghi-quyet", "77-NQ/ĐU", "2015-04-01",
     "Nghị quyết của Đảng ủy về {u}",
     "Quán triệt Nghị quyết số 15-NQ/LHH, Đảng ủy quyết nghị về {u}.\n\nĐại hội đại biểu, "
     "nhiệm kỳ 2015-2020, chuyển đổi số trong hoạt động của hội."),
    ("noi-bo/tin-khong-ngay", "tin-tuc", "", "",
     "Ghi chép {u}",
     "Ghi chép nội bộ {u} về hội thảo chuyển đổi số trong các hội thành viên."),
    ("noi-bo/quyet-dinh-901", "quyet-dinh", "901/QĐ-VP", "2019-07-15",
     "Quyết định {u} về Hội đồng khoa học",
     "Sửa đổi Quyết định số 112/QĐ-LHH về Hội đồng khoa học: bổ sung {u}.\n\nHội đồng tư "
     "vấn về đề tài khoa học, công nghệ, phản biện xã hội."),
    ("noi-bo/thong-bao-66", "thong-bao", "66-TB/VP", "2020-04-20",
     "Thông báo {u} về chuyển đổi số",
     "Thực hiện Thông báo số 40-TB/LHH, Văn phòng thông báo {u}.\n\nChuyển đổi số, chuyển "
     "đổi số, chuyển đổi số trong quản lý hội viên và kế hoạch chuyển đổi số."),
    ("noi-bo/chi-thi-44", "chi-thi", "44-CT/VP", "2013",
     "Chỉ thị {u} của Văn phòng",
     "Căn cứ Chỉ thị số 05-CT/TW, Văn phòng chỉ thị về {u}.\n\nCán bộ, đảng viên xây dựng "
     "kế hoạch làm theo; thanh niên sáng tạo."),
    ("noi-bo/huong-dan-12", "huong-dan", "12/HD-VP", "2018-02-10",
     "Hướng dẫn {u} tuyển chọn đề tài",
     "Căn cứ Hướng dẫn số 05/HD-LHH và Kế hoạch số 18-KH/LHH, Văn phòng hướng dẫn {u}.\n\n"
     + "Đề tài khoa học và công nghệ, hội viên, hội thảo, tập huấn, kế hoạch. " * 6),
]
assert len(_INTERNAL) == len(_UNIQUE)
INTERNAL_TYPES = ("to-trinh", "de-an")
INTERNAL_YEARS = (2011, 2013)
MISSING_IDS = ("noi-bo/khong-co-00", "cong-khai/khong-co")


def _document(spec: tuple[str, str, str, str, str, str], visibility: str,
              unique: str = "") -> Document:
    """Return the record of one spec, its citations read from its text as ingest does."""
    doc_id, doc_type, number, date, title, body = spec
    title, body = title.format(u=unique), body.format(u=unique)
    refs = tuple(ref for ref in find_numbers(f"{title}\n\n{body}") if ref != number)
    relations = tuple(cited_relations(title, body, number))
    issued, year = (date, int(date[:4])) if len(date) == 10 else ("", int(date) if date else None)
    extra = {"issuer": _ISSUER, "author": _AUTHOR} if visibility == "internal" else {
        "issuer": "Liên hiệp các hội Khoa học và Kỹ thuật tỉnh"}
    return Document(id=doc_id, title=title, body=body, doc_type=doc_type, number=number,
                    issued=issued, year=year, refs=refs, relations=relations,
                    visibility=visibility, url=f"https://lienhiephoi.example.vn/{doc_id}", **extra)


@dataclass(frozen=True)
class Corpus:
    """The documents of both indexes, and their apps."""

    public: list[Document]
    internal: list[Document]
    unique: dict[str, str]  # internal id -> its word found in no public document
    with_internal: Flask
    without_internal: Flask
    instance: Path  # the first app's accounts and tokens

    @property
    def ids(self) -> list[str]:
        return [doc.id for doc in self.public + self.internal]


def _all_documents() -> tuple[list[Document], list[Document], dict[str, str]]:
    """Return the public and internal records, and the internal ones' unique words."""
    public = [_document(spec, "public") for spec in _PUBLIC + _news()]
    internal = [_document(spec, "internal", word) for spec, word in zip(_INTERNAL, _UNIQUE,
                                                                         strict=True)]
    return public, internal, {doc.id: word for doc, word in zip(internal, _UNIQUE,
                                                                strict=True)}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    """Build the index with internal documents and the one without, and an app on each."""
    from web import create_app

    public, internal, unique = _all_documents()
    # Internal documents between public ones: the public ones' order (and so their
    # document numbers' order, which breaks ties) is the same in both indexes.
    step = len(public) // len(internal)
    mixed: list[Document] = []
    for n, doc in enumerate(public):
        mixed.append(doc)
        if n % step == 0 and n // step < len(internal):
            mixed.append(internal[n // step])
    assert len(mixed) == len(public) + len(internal)
    root = tmp_path_factory.mktemp("leak")
    apps = []
    for name, documents in (("a", mixed), ("b", public)):
        write_documents(open_index(root / f"index-{name}", create=True),
                        [prepare(doc, None) for doc in documents])
        apps.append(create_app({"TESTING": True, "INDEX_DIR": str(root / f"index-{name}"),
                                "INSTANCE_DIR": str(root / f"instance-{name}"),
                                "API_RATE_LIMIT": ""}))
    yield Corpus(public, internal, unique, apps[0], apps[1], root / "instance-a")
    for app in apps:
        app.extensions["tracuu.index"].close()


# --- The requests ---------------------------------------------------------------------------

# Public numbers that internal documents cite: "cited by" answers would grow if they leaked.
CITED = ("22-KH/CB", "05-CT/TW", "15-NQ/LHH", "31-BC/LHH", "112/QĐ-LHH", "40-TB/LHH",
         "05/HD-LHH", "18-KH/LHH")
# Words both kinds of documents use: their BM25 statistics would move if internal ones counted.
COMMON = ("kế hoạch", "ke hoach", "hội", "khoa học và công nghệ", "chuyển đổi số",
          '"chuyển đổi số"', "sáng tạo", "thanh niên", "hội thảo", "hội viên", "phản biện",
          "nội bộ", "noi bo", "văn phòng", "đề án", "tờ trình", "Đảng ủy")


def _number_forms(number: str) -> list[str]:
    """Return a number as users type it: as written, spaced, slashes swapped, with "Số"."""
    spaced = " ".join(re.findall(r"[^\W_]+", number)).lower()
    swapped = number.replace("/", "#").replace("-", "/").replace("#", "-").lower()
    return [number, spaced, swapped, f"Số {number}", f"so:{number}"]


def _queries(corpus: Corpus) -> list[str]:
    """Return every query text the search rules are asked, the empty one first."""
    queries = [""]
    for doc in corpus.internal:
        word = corpus.unique[doc.id]
        folded = _fold(word)
        queries += [word, folded, word.upper(), folded[:-1] + "x", f"{folded[:4]}*",
                    f"{word} kế hoạch", f"kế hoạch -{word}", f'"{doc.title}"',
                    f"tieude:{word}"]
        if doc.number:
            queries += _number_forms(doc.number)
        if doc.issued:
            year, month, day = doc.issued.split("-")
            queries += [f"{day}/{month}/{year}",
                        f"ngày {int(day)} tháng {int(month)} năm {year}"]
    for number in CITED:
        queries += _number_forms(number)[:4]
    queries += list(COMMON)
    queries += [
        "Quỳnhphlơ", "quynhphlo", "coquan:quynhphlo", "Krôngpơ", "mdrang", "2011", "2013",
        "nam:2011", "nam:2010..2013", "loai:to-trinh", "loai:de-an", "loai:ke-hoach",
        "visibility:internal", "internal", "xiêmkhoa OR kế hoạch", "xiemkhoa morinh",
        f"{_UNIQUE[0]} {_UNIQUE[1]} {_UNIQUE[2]} {_UNIQUE[3]}",
        "kế hoạch triển khai chuyển đổi số trong các hội thành viên năm 2016",
        "dự án cần bao nhiêu kinh phí để tổ chức hội thi sáng tạo kỹ thuật",
        "hội thi sáng tạo kỹ thuật", "đường", "duong", "khoa*", "kinh phí", "Văn phòng",
    ]
    return list(dict.fromkeys(queries))


def _fold(text: str) -> str:
    """Return text without accents, đ as d (what users type without a Vietnamese keyboard)."""
    return fold_accents(text)


# Filters, orders and pages asked with the queries of _FILTERED_QUERIES.
_VARIANTS: tuple[dict[str, str | list[str]], ...] = (
    {"sort": "relevance"}, {"sort": "newest"}, {"sort": "oldest"},
    {"page": "2", "per_page": "5"}, {"page": "3", "per_page": "3", "sort": "oldest"},
    {"per_page": "1"}, {"per_page": "100"}, {"page": "1000"},
    {"type": "to-trinh"}, {"type": "de-an"}, {"type": "ke-hoach"},
    {"type": ["ke-hoach", "to-trinh"]}, {"year": "2011"}, {"year": "2013"},
    {"year": "2016"}, {"year": ["2011", "2016"]}, {"year_from": "2010", "year_to": "2013"},
    {"year_from": "2016"}, {"year_to": "2015"}, {"year_from": "2011", "year_to": "2011"},
    {"year_from": "2014", "year_to": "2020", "sort": "newest", "per_page": "7"},
    {"type": "quyet-dinh", "year": "2019"},
)


def _filtered_queries(corpus: Corpus) -> list[str]:
    """Return the queries asked with every filter, order and page variant."""
    return ["", "kế hoạch", "hội", "chuyển đổi số", "khoa học", "22-KH/CB", "15-NQ/LHH",
            _UNIQUE[0], corpus.internal[2].number]


def _url(path: str, params: dict[str, str | list[str]]) -> str:
    return path + ("?" + urlencode(params, doseq=True) if params else "")


def _search_urls(path: str) -> Callable[[Corpus], list[str]]:
    """Return the URL maker of a rule that answers a search's parameters."""

    def urls(corpus: Corpus) -> list[str]:
        made = [_url(path, {"q": query} if query else {}) for query in _queries(corpus)]
        for query in _filtered_queries(corpus):
            made += [_url(path, {**({"q": query} if query else {}), **variant})
                     for variant in _VARIANTS]
        # Bad parameters: their 400 must not depend on the documents either.
        made += [_url(path, {"type": "khong-co"}), _url(path, {"year": "20x1"}),
                 _url(path, {"year_from": "2013", "year_to": "2011"}),
                 _url(path, {"page": "0"}), _url(path, {"per_page": "101"})]
        return list(dict.fromkeys(made))

    return urls


def _document_urls(path: str) -> Callable[[Corpus], list[str]]:
    """Return the URL maker of a rule that answers one document by id."""

    def urls(corpus: Corpus) -> list[str]:
        # An internal id also as a lookup that forgave case, a trailing slash or an
        # escaped slash would find it.
        variants = [variant for doc in corpus.internal
                    for variant in (doc.id.upper(), doc.id + "/", quote(doc.id, safe=""))]
        return [path.replace("<path:doc_id>", quote(doc_id, safe="/%"))
                for doc_id in (*corpus.ids, *MISSING_IDS, *variants)]

    return urls


def _suggest_urls(corpus: Corpus) -> list[str]:
    """Return completions asked for: beginnings of internal and shared words and numbers."""
    texts = ["", "k", "ke", "kế ho", "chuyển đ", "22-KH", "22", "0", "07-", "tờ", "to tr"]
    for doc in corpus.internal:
        word = corpus.unique[doc.id]
        texts += [word[:3], _fold(word)[:4], word, doc.title[:12]]
        if doc.number:
            texts += [doc.number[:4], doc.number]
    # The OpenSearch suggestions array too, and a format it does not know.
    return list(dict.fromkeys([
        *(_url("/api/v1/suggest", {"q": text}) for text in texts),
        *(_url("/api/v1/suggest", {"q": text, "format": "opensearch"}) for text in texts),
        _url("/api/v1/suggest", {"q": "ke", "format": "xml"})]))


def _fixed(*urls: str) -> Callable[[Corpus], list[str]]:
    """Return the URL maker of a rule asked only these URLs."""
    return lambda corpus: list(urls)


# Every GET rule of the app, and the requests asked of it. A rule not listed
# fails test_every_rule_has_requests: whoever adds a route says here what to
# ask it, so that no answer escapes the comparison. Rules of the contract that
# are not written yet are listed already, so they are compared once they are.
REQUESTS: dict[str, Callable[[Corpus], list[str]]] = {
    "/": _search_urls("/"),
    "/api/v1/search": _search_urls("/api/v1/search"),
    "/api/v1/search.csv": _search_urls("/api/v1/search.csv"),
    "/api/v1/search.jsonl": _search_urls("/api/v1/search.jsonl"),
    "/documents/<path:doc_id>": _document_urls("/documents/<path:doc_id>"),
    "/api/v1/documents/<path:doc_id>": _document_urls("/api/v1/documents/<path:doc_id>"),
    "/api/v1/suggest": _suggest_urls,
    "/api/v1/relations/<path:doc_id>": _document_urls("/api/v1/relations/<path:doc_id>"),
    "/api/v1/openapi.json": _fixed("/api/v1/openapi.json"),
    "/healthz": _fixed("/healthz"),
    "/login": _fixed("/login", "/login?next=/documents/noi-bo/to-trinh-07"),
    "/logout": _fixed("/logout"),
    "/feed.atom": _search_urls("/feed.atom"),
    "/opensearch.xml": _fixed("/opensearch.xml"),
    "/sitemap.xml": _fixed("/sitemap.xml"),
    "/sitemap-<int:number>.xml": _fixed("/sitemap-1.xml", "/sitemap-2.xml", "/sitemap-0.xml"),
    "/api": _fixed("/api"),
    "/static/vendor/swagger-ui/<name>": _fixed("/static/vendor/swagger-ui/swagger-ui.css",
                                               "/static/vendor/swagger-ui/nope.js"),
}


def _get_rules(app: Flask) -> list[Rule]:
    """Return the app's GET rules but static files, in a stable order."""
    rules = [rule for rule in app.url_map.iter_rules()
             if "GET" in (rule.methods or ()) and rule.endpoint != "static"]
    return sorted(rules, key=lambda rule: rule.rule)


def _requests(corpus: Corpus) -> dict[str, list[str]]:
    """Return each GET rule's URLs, checked to reach that rule (not another one)."""
    adapter = corpus.with_internal.url_map.bind("localhost")
    made = {}
    for rule in _get_rules(corpus.with_internal):
        urls = REQUESTS[rule.rule](corpus)
        for url in urls:
            endpoint, _ = adapter.match(unquote(urlsplit(url).path), method="GET")
            assert endpoint == rule.endpoint, f"{url} reaches {endpoint}, not {rule.rule}"
        made[rule.rule] = urls
    return made


# --- The comparison -------------------------------------------------------------------------

# What may differ between two indexes of the same public documents: which build
# answers, and a form's CSRF token. Nothing else.
_BUILD = re.compile(rb'("(?:index|generation)":\s*)("[^"]*"|\d+)')
_CSRF = (re.compile(rb'(name="csrf_token"[^>]*?value=")[^"]*(")'),
         re.compile(rb'(value=")[^"]*("[^>]*?name="csrf_token")'))


@dataclass(frozen=True)
class Answer:
    """What a response says: status, type, where it redirects, and its body."""

    status: int
    content_type: str
    location: str
    body: bytes


def _answer(app: Flask, url: str, headers: dict[str, str] | None = None) -> Answer:
    """Ask the app one GET, without cookies, and return the answer normalised."""
    response: TestResponse = app.test_client(use_cookies=False).get(url, headers=headers)
    body = response.get_data()
    response.close()  # a file or a streamed export is released now
    if urlsplit(url).path == "/healthz":
        body = _BUILD.sub(rb"\1<build>", body)
    if response.mimetype == "text/html":
        for pattern in _CSRF:
            body = pattern.sub(rb"\1<csrf>\2", body)
    return Answer(response.status_code, response.content_type,
                  response.headers.get("Location", ""), body)


def _lines(answer: Answer) -> list[str]:
    """Return an answer as lines to diff: JSON indented, other text as it is."""
    head = [f"{answer.status} {answer.content_type} {answer.location}".rstrip()]
    text = answer.body.decode("utf-8", "replace")
    if answer.content_type.startswith("application/json"):
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False, indent=1)
        except ValueError:
            pass
    return head + text.splitlines()


def _diff(url: str, left: Answer, right: Answer, lines: int = 24) -> str:
    """Return a short unified diff of two answers to url."""
    diff = list(difflib.unified_diff(_lines(right), _lines(left), "without internal",
                                     "with internal", n=1, lineterm=""))
    if not diff:  # a difference the indented JSON hides (a float's digits, spacing)
        diff = list(difflib.unified_diff([repr(right.body)], [repr(left.body)], lineterm=""))
    shown = [line[:160] for line in diff[:lines]]
    if len(diff) > lines:
        shown.append(f"... {len(diff) - lines} more lines")
    return f"GET {url}\n" + "\n".join(shown)


def _assert_rules_known(corpus: Corpus) -> None:
    """Assert that REQUESTS has every GET rule of both apps."""
    missing = sorted(rule.rule for rule in _get_rules(corpus.with_internal)
                     if rule.rule not in REQUESTS)
    assert not missing, (f"GET rules without requests: {missing}; add them to REQUESTS in "
                         "tests/test_leak.py with URLs that reach their answers")
    assert ({rule.rule for rule in _get_rules(corpus.with_internal)}
            == {rule.rule for rule in _get_rules(corpus.without_internal)})


def test_every_rule_has_requests(corpus: Corpus) -> None:
    """Know what to ask every GET rule, so that a new route cannot escape the comparison."""
    _assert_rules_known(corpus)


def test_the_internal_documents_would_show_if_visibility_were_ignored(corpus: Corpus) -> None:
    """Find each internal document as staff in the first index, so the comparison can fail."""
    index: SearchIndex = corpus.with_internal.extensions["tracuu.index"]

    def found(query: str, **filters: Any) -> tuple[set[str], set[str]]:
        staff = index.search(SearchRequest(query=query, per_page=100, include_internal=True,
                                           **filters))
        public = index.search(SearchRequest(query=query, per_page=100, **filters))
        return {hit.id for hit in staff.hits}, {hit.id for hit in public.hits}

    internal_ids = {doc.id for doc in corpus.internal}
    for doc in corpus.internal:
        staff, public = found(corpus.unique[doc.id])
        assert doc.id in staff and not public, doc.id
        if doc.number:
            assert doc.id in found(doc.number)[0], doc.number
    for word in ("Quỳnhphlơ", "Krôngpơ"):  # the internal issuer's and author's words
        staff, public = found(word)
        assert staff and not public, word
    for number in CITED:
        staff, public = found(number)
        assert staff & internal_ids and not public & internal_ids, number
    for query in COMMON:
        assert found(query)[0] & internal_ids, query
    for doc_type in INTERNAL_TYPES:
        staff, public = found("", types=(doc_type,))
        assert staff and not public, doc_type
    for year in INTERNAL_YEARS:
        staff, public = found("", years=(year,))
        assert staff and not public, year
    assert len(found("")[0]) == len(corpus.ids)


def test_every_public_answer_is_that_of_an_index_without_internal_documents(
        corpus: Corpus) -> None:
    """Answer every request of every GET rule with the bytes the public-only index gives."""
    _assert_rules_known(corpus)
    differ: list[tuple[str, str]] = []
    asked = 0
    for rule, urls in _requests(corpus).items():
        for url in urls:
            asked += 1
            left = _answer(corpus.with_internal, url)
            right = _answer(corpus.without_internal, url)
            if left != right:
                differ.append((rule, _diff(url, left, right)))
    by_rule: dict[str, int] = {}
    for rule, _ in differ:
        by_rule[rule] = by_rule.get(rule, 0) + 1
    if differ:
        shown = "\n\n".join(diff for _, diff in differ[:8])
        pytest.fail(f"{len(differ)} of {asked} answers differ from those of the index without "
                    f"internal documents (by rule: {by_rule}):\n\n{shown}", pytrace=False)


def test_an_internal_id_answers_like_a_missing_one(corpus: Corpus) -> None:
    """Answer an internal document's id as a missing id, byte for byte but the id echoed."""
    for rule in ("/documents/<path:doc_id>", "/api/v1/documents/<path:doc_id>",
                 "/api/v1/relations/<path:doc_id>"):
        missing = MISSING_IDS[0]
        url = rule.replace("<path:doc_id>", missing)
        expected = _answer(corpus.with_internal, url)
        assert expected.status == 404, url
        expected_body = expected.body.replace(missing.encode(), b"<id>")
        for doc in corpus.internal:
            url = rule.replace("<path:doc_id>", quote(doc.id, safe="/"))
            got = _answer(corpus.with_internal, url)
            assert got.body.replace(doc.id.encode(), b"<id>") == expected_body, url
            assert (got.status, got.content_type) == (expected.status, expected.content_type)


# --- Staff ----------------------------------------------------------------------------------


def _staff_token(corpus: Corpus) -> str:
    """Return a new API token of a staff account of the first app."""
    from web.accounts import Accounts

    token: str = Accounts(corpus.instance).create_token("kiem-tra-ro-ri")
    return token


def test_a_token_finds_every_internal_document(corpus: Corpus) -> None:
    """Find every internal document with a staff token: searched, by id, and its page."""
    token = _staff_token(corpus)
    client = corpus.with_internal.test_client(use_cookies=False)
    headers = {"Authorization": f"Bearer {token}"}
    for doc in corpus.internal:
        word = corpus.unique[doc.id]
        response = client.get(_url("/api/v1/search", {"q": word}), headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert doc.id in [hit["id"] for hit in response.get_json()["results"]], word
        response = client.get(f"/api/v1/documents/{quote(doc.id, safe='/')}", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        record = response.get_json()
        assert (record["id"], record["visibility"]) == (doc.id, "internal")
        response = client.get(f"/documents/{quote(doc.id, safe='/')}", headers=headers)
        assert response.status_code == 200, doc.id
        assert "Nội bộ" in response.get_data(as_text=True), doc.id
    response = client.get("/api/v1/search?per_page=100", headers=headers)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["total"] == len(corpus.ids)
    assert {hit["id"] for hit in answer["results"]} == set(corpus.ids)
    # A token one character off is no token.
    near = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = client.get("/api/v1/search?q=xiemkhoa", headers={"Authorization": f"Bearer {near}"})
    assert response.status_code == 401


def test_a_wrong_token_answers_401(corpus: Corpus) -> None:
    """Answer a wrong token with 401 and the JSON error shape, never with documents."""
    client = corpus.with_internal.test_client(use_cookies=False)
    public, internal = corpus.public[0], corpus.internal[0]
    urls = [_url("/api/v1/search", {"q": "kế hoạch"}),
            _url("/api/v1/search", {"q": corpus.unique[internal.id]}), "/api/v1/search",
            f"/api/v1/documents/{public.id}", f"/api/v1/documents/{internal.id}",
            "/", _url("/", {"q": "kế hoạch"}), f"/documents/{public.id}"]
    titles = [doc.title for doc in corpus.public + corpus.internal]
    for token in ("khong-phai-token", "tracuu_" + "x" * 43, ""):
        for url in urls:
            response = client.get(url, headers={"Authorization": f"Bearer {token}"})
            body = response.get_data(as_text=True)
            assert response.status_code == 401, f"{url} with token {token!r}: {body[:200]}"
            if url.startswith("/api/"):
                assert response.mimetype == "application/json", url
                error = response.get_json()["error"]
                assert isinstance(error["code"], str) and error["code"], url
                assert isinstance(error["message"], str) and error["message"], url
            leaked = [title for title in titles if title in body]
            assert not leaked, f"{url} with a wrong token shows {leaked[:3]}"
