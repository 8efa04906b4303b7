""""Có phải bạn muốn tìm …": accents restored, Telex and VNI read back, one-letter typos
corrected, over what the asker may see (public documents only for the public, live
documents only for everyone); the API's field and the search page's link and switch."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from lxml import html
from werkzeug.test import TestResponse

from index.store import open_index
from ingest.pipeline import ingest_paths
from search import SearchIndex, SearchRequest
from search.keyboard import shape, typed_shapes
from search.spelling import Suggestion

HUYEN, SAC, HOI, NGA, NANG = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"

# --- The documents -------------------------------------------------------------------------

# (id, title, body): the phrases the suggestions are expected to restore stand in several
# documents each, so that the word, pair and triple counts carry them.
PUBLIC: list[tuple[str, str, str]] = [
    ("nq-01", "Nghị quyết đại hội đại biểu lần thứ V",
     "Đại hội thông qua nghị quyết đại hội về phát triển khoa học và công nghệ của tỉnh."),
    ("nq-02", "Học tập nghị quyết đại hội",
     "Các chi bộ tổ chức học tập, quán triệt nghị quyết đại hội đến từng đảng viên."),
    ("nq-03", "Triển khai nghị quyết đại hội nhiệm kỳ mới",
     "Ban chấp hành xây dựng kế hoạch thực hiện nghị quyết đại hội."),
    ("nq-04", "Sơ kết một năm thực hiện nghị quyết",
     "Báo cáo sơ kết việc thực hiện nghị quyết đại hội và kế hoạch năm sau."),
    ("nq-05", "Nghị quyết về bảo vệ môi trường",
     "Nghị quyết đại hội nêu rõ nhiệm vụ bảo vệ môi trường và phát triển bền vững."),
    ("nq-06", "Nghị quyết về chuyển đổi số",
     "Nghị quyết xác định chuyển đổi số là nhiệm vụ trọng tâm của các hội thành viên."),
    ("kh-01", "Kế hoạch tổ chức hội thảo khoa học",
     "Kế hoạch tổ chức hội thảo khoa học và công nghệ tại Hà Nội."),
    ("kh-02", "Kế hoạch bảo vệ môi trường năm 2020",
     "Kế hoạch bảo vệ môi trường gồm trồng cây xanh và thu gom rác thải."),
    ("kh-03", "Kế hoạch học tập chuyên đề",
     "Số: 22-KH/CB. Ban hành ngày 11/10/2016. Kế hoạch học tập chuyên đề của chi bộ."),
    ("kh-04", "Kế hoạch phát triển hội viên",
     "Kế hoạch phát triển hội viên và nâng cao chất lượng hoạt động của hội."),
    ("kh-05", "Kế hoạch tập huấn cán bộ",
     "Kế hoạch tập huấn cán bộ hội về khoa học và công nghệ tại Hà Nội."),
    ("kh-06", "Thực hiện kế hoạch 22-KH/CB",
     "Báo cáo thực hiện Kế hoạch số 22-KH/CB ngày 11/10/2016 của chi bộ."),
    ("kh-07", "Kế hoạch công tác năm",
     "Kế hoạch công tác năm của văn phòng và các ban chuyên môn."),
    ("kh-08", "Kế hoạch kiểm tra giám sát",
     "Kế hoạch kiểm tra việc thực hiện nghị quyết đại hội tại các chi bộ."),
    ("kc-01", "Hội thảo khoa học và công nghệ",
     "Các nhà khoa học trao đổi về khoa học và công nghệ phục vụ nông nghiệp."),
    ("kc-02", "Giải thưởng khoa học và công nghệ",
     "Trao giải thưởng khoa học và công nghệ cho các công trình tiêu biểu."),
    ("kc-03", "Đề tài khoa học và công nghệ cấp tỉnh",
     "Tuyển chọn đề tài khoa học và công nghệ năm 2021."),
    ("kc-04", "Quỹ phát triển khoa học và công nghệ",
     "Quỹ hỗ trợ các dự án khoa học và công nghệ của doanh nghiệp."),
    ("kc-05", "Ứng dụng công nghệ thông tin",
     "Đẩy mạnh ứng dụng công nghệ thông tin trong quản lý hội viên."),
    ("hn-01", "Hội nghị tại Hà Nội",
     "Hội nghị toàn quốc được tổ chức tại Hà Nội với nhiều đại biểu."),
    ("hn-02", "Đoàn công tác thăm Hà Nội",
     "Đoàn công tác của tỉnh làm việc với các viện nghiên cứu tại Hà Nội."),
    ("hn-03", "Triển lãm sáng tạo ở Hà Nội",
     "Triển lãm các sản phẩm sáng tạo kỹ thuật diễn ra ở Hà Nội."),
    ("hn-04", "Hà Nội đón đoàn đại biểu", "Thành phố Hà Nội đón đoàn đại biểu dự đại hội."),
    ("mt-01", "Bảo vệ môi trường nông thôn",
     "Phong trào bảo vệ môi trường nông thôn được các hội hưởng ứng."),
    ("mt-02", "Ngày môi trường thế giới",
     "Hưởng ứng ngày môi trường thế giới, các hội ra quân bảo vệ môi trường."),
    ("mt-03", "Tư vấn bảo vệ môi trường",
     "Liên hiệp hội tư vấn, phản biện các dự án về bảo vệ môi trường."),
    ("mt-04", "Giáo dục bảo vệ môi trường",
     "Tuyên truyền giáo dục học sinh bảo vệ môi trường sống."),
    ("cd-01", "Hội thảo chuyển đổi số", "Hội thảo về chuyển đổi số trong các hội thành viên."),
    ("cd-02", "Chuyển đổi số trong quản lý", "Chuyển đổi số giúp quản lý hội viên hiệu quả hơn."),
    ("tt-01", "Thông báo lịch làm việc", "Thông báo lịch làm việc của thường trực trong tháng."),
    ("tt-02", "Thông báo kết luận hội nghị",
     "Thông báo kết luận của thường trực tại hội nghị sơ kết."),
    ("tt-03", "Giấy mời dự hội nghị",
     "Trân trọng kính mời các đồng chí dự hội nghị tổng kết năm."),
    ("tt-04", "Quyết định thành lập hội đồng",
     "Quyết định thành lập hội đồng khoa học gồm mười một thành viên."),
    ("tt-05", "Quyết định khen thưởng",
     "Quyết định khen thưởng các tập thể có thành tích xuất sắc."),
    ("tt-06", "Báo cáo tổng kết năm",
     "Báo cáo tổng kết công tác năm và phương hướng nhiệm vụ năm tới."),
    ("tt-07", "Hướng dẫn đại hội chi bộ", "Hướng dẫn tổ chức đại hội chi bộ nhiệm kỳ mới."),
    ("tt-08", "Chương trình hành động",
     "Chương trình hành động thực hiện nghị quyết đại hội của hội."),
    ("bt-01", "Bản tin khoa học số 1", "Bản tin khoa học giới thiệu các đề tài mới."),
    ("bt-02", "Bản tin hội viên", "Bản tin hội viên phát hành hằng tháng."),
    ("bh-01", "Ban hành quy chế làm việc",
     "Ban chấp hành ban hành quy chế làm việc của cơ quan."),
    ("tt-09", "Tin hoạt động hội",
     "Các hội thành viên tổ chức nhiều hoạt động sôi nổi chào mừng đại hội."),
]
# "xoẻng" (a rare word) stands in internal documents only.
SECRET = "xoẻng"
INTERNAL: list[tuple[str, str, str]] = [
    ("nb-01", "Biên bản họp kín về xoẻng",
     "Cuộc họp bàn việc xoẻng đất ở khu thí điểm, ghi rõ phương án xoẻng."),
    ("nb-02", "Ghi chú nội bộ về xoẻng", "Tổ công tác theo dõi việc xoẻng tại hiện trường."),
]
# Documents of the deletion tests: the old versions hold "loạnh xoành" (invented words),
# the new version of dl-01 does not, and dl-02 goes.
OLD: list[tuple[str, str, str]] = [
    ("dl-01", "Hội thảo về loạnh xoành", "Các đại biểu bàn về loạnh xoành ở Hà Nội."),
    ("dl-02", "Tài liệu loạnh xoành", "Tài liệu tổng hợp về loạnh xoành và kế hoạch."),
]
NEW: list[tuple[str, str, str]] = [
    ("dl-01", "Hội thảo về rừng ngập mặn", "Các đại biểu bàn về rừng ngập mặn ở Hà Nội."),
]


def records(items: list[tuple[str, str, str]], visibility: str = "public"
            ) -> list[dict[str, str]]:
    return [{"id": doc_id, "title": title, "body": body, "visibility": visibility}
            for doc_id, title, body in items]


def write_records(path: Path, found: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(record, ensure_ascii=False) for record in found),
                    encoding="utf-8")
    return path


def build(folder: Path, name: str, found: list[dict[str, str]]) -> Path:
    """Write records as JSON Lines and ingest them into a new index; return its folder."""
    source = write_records(folder / f"{name}.jsonl", found)
    index = folder / f"{name}-index"
    report = ingest_paths([source], open_index(index, create=True))
    assert not report.failed, report.failed
    return index


def text_of(suggestion: Suggestion | None) -> str | None:
    return None if suggestion is None else suggestion.text


def words_of(suggestion: Suggestion) -> list[tuple[str, bool]]:
    """Return each word of a suggestion with whether it was changed."""
    return [(word, changed) for text, changed in suggestion.parts for word in text.split()]


@dataclass
class Indexes:
    both: Path  # public and internal documents
    public: Path  # the public ones alone, in the same order
    searched: SearchIndex  # over both
    public_only: SearchIndex  # over public


@pytest.fixture(scope="module")
def indexes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Indexes]:
    folder = tmp_path_factory.mktemp("spelling")
    both = build(folder, "both", records(PUBLIC) + records(INTERNAL, "internal"))
    public = build(folder, "public", records(PUBLIC))
    found = Indexes(both, public, SearchIndex(both), SearchIndex(public))
    yield found
    found.searched.close()
    found.public_only.close()


@pytest.fixture()
def index(indexes: Indexes) -> SearchIndex:
    return indexes.searched


def suggested(index: SearchIndex, text: str) -> str | None:
    return text_of(index.suggest(text))


# --- 1. The keyboard -----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "expected"), [
    # The brief's examples.
    ("nghij", ("nghi", NANG)), ("quyeets", ("quyêt", SAC)), ("quye61t", ("quyêt", SAC)),
    ("dduwowngf", ("đương", HUYEN)), ("nghi5", ("nghi", NANG)),
    ("d9u7o7ng2", ("đương", HUYEN)), ("nguo72i", ("ngươi", HUYEN)),
    ("ngu7o72i", ("ngươi", HUYEN)), ("truwowngf", ("trương", HUYEN)),
    # ư ơ ă â ê ô đ, alone and in words.
    ("uw", ("ư", "")), ("w", ("ư", "")), ("tuw", ("tư", "")), ("ow", ("ơ", "")),
    ("thow", ("thơ", "")), ("tho7", ("thơ", "")), ("aw", ("ă", "")), ("a8n", ("ăn", "")),
    ("mawtj", ("măt", NANG)), ("ma8t5", ("măt", NANG)), ("aa", ("â", "")),
    ("caanf", ("cân", HUYEN)), ("ca6n2", ("cân", HUYEN)), ("ee", ("ê", "")),
    ("ddeef", ("đê", HUYEN)), ("oo", ("ô", "")), ("co6ng", ("công", "")),
    ("ddoongf", ("đông", HUYEN)), ("d9o6ng2", ("đông", HUYEN)), ("dd", ("đ", "")),
    ("ddaaus", ("đâu", SAC)), ("nuwowcs", ("nươc", SAC)),
    # Each tone, Telex and VNI.
    ("as", ("a", SAC)), ("a1", ("a", SAC)), ("hoaf", ("hoa", HUYEN)), ("hoa2", ("hoa", HUYEN)),
    ("hoir", ("hoi", HOI)), ("ho3i", ("hoi", HOI)), ("xax", ("xa", NGA)), ("xa4", ("xa", NGA)),
    ("ngoax", ("ngoa", NGA)), ("mooj", ("mô", NANG)), ("mo65", ("mô", NANG)),
    # Case does not matter.
    ("Nghij", ("nghi", NANG)), ("NGHIJ", ("nghi", NANG)),
])
def test_telex_and_vni_are_read_back(typed: str, expected: tuple[str, str]) -> None:
    assert typed_shapes(typed) == [expected]


@pytest.mark.parametrize("typed", ["nghi", "hoack", "quyet", "sach", "ke", "ban", "nghị",
                                   "22kh", "2016", "22-KH/CB", ""])
def test_words_without_a_keyboard_key_are_what_they_are(typed: str) -> None:
    assert typed_shapes(typed) == []


def test_a_shape_is_letters_with_vowel_marks_and_the_tone() -> None:
    assert shape("Nghị") == ("nghi", NANG)
    assert shape("ĐƯỜNG") == ("đương", HUYEN)
    assert shape("Qu\u0065\u0302\u0301t") == ("quêt", SAC)  # NFD typed
    assert shape("hoà") == shape("hòa") == ("hoa", HUYEN)
    assert shape("nghi") == ("nghi", "")
    # A Telex word reads as the shape of the word it was meant to be.
    assert typed_shapes("quyeets") == [shape("quyết")]
    assert typed_shapes("dduwowngf") == [shape("đường")]


# --- 2.-6. Suggestions ---------------------------------------------------------------------


def test_accents_are_restored_and_only_changed_words_are_marked(index: SearchIndex) -> None:
    found = index.suggest("nghi quyet dai hoi")
    assert found is not None and found.text == "nghị quyết đại hội"
    assert words_of(found) == [("nghị", True), ("quyết", True), ("đại", True), ("hội", True)]
    found = index.suggest("ke hoach")
    assert found is not None and found.text == "kế hoạch"
    assert words_of(found) == [("kế", True), ("hoạch", True)]
    found = index.suggest("khoa hoc va cong nghe")
    assert found is not None and found.text == "khoa học và công nghệ"
    assert words_of(found) == [("khoa", False), ("học", True), ("và", True), ("công", True),
                               ("nghệ", True)]
    found = index.suggest("bao ve moi truong")
    assert found is not None and found.text == "bảo vệ môi trường"
    found = index.suggest("ban hanh")  # "ban" is a word as typed
    assert found is not None and words_of(found) == [("ban", False), ("hành", True)]
    assert "".join(text for text, _ in found.parts) == found.text == "ban hành"
    assert suggested(index, "ha noi") == "hà nội"
    assert suggested(index, "ban tin") == "bản tin"


def test_the_words_typed_with_accents_are_kept_and_the_others_completed(
        index: SearchIndex) -> None:
    found = index.suggest("nghị quyết dai hoi")
    assert found is not None and found.text == "nghị quyết đại hội"
    assert words_of(found) == [("nghị", False), ("quyết", False), ("đại", True), ("hội", True)]
    found = index.suggest("nghị quyet")
    assert found is not None and words_of(found) == [("nghị", False), ("quyết", True)]


@pytest.mark.parametrize("typed", ["nghij quyeets", "nghi5 quye61t", "nghij quyet",
                                   "nghi quyeets", "nghij quyeets ddaij hooij"])
def test_telex_and_vni_typed_with_the_keyboard_off(index: SearchIndex, typed: str) -> None:
    expected = "nghị quyết đại hội" if "hooij" in typed else "nghị quyết"
    found = index.suggest(typed)
    assert found is not None and found.text == expected
    assert all(changed for _, changed in words_of(found))


@pytest.mark.parametrize(("typed", "expected"), [
    ("nghi quyt", "nghị quyết"),  # a letter missing
    ("ke hoack", "kế hoạch"),  # a letter wrong
    ("bao ve moi truog", "bảo vệ môi trường"),  # a letter missing
    ("bao ve moi truongg", "bảo vệ môi trường"),  # a letter extra
    ("nghi quyte", "nghị quyết"),  # two letters swapped
    ("nghị quyt", "nghị quyết"),  # a letter missing, accents typed elsewhere
])
def test_one_letter_wrong_missing_extra_or_swapped(index: SearchIndex, typed: str,
                                                   expected: str) -> None:
    assert suggested(index, typed) == expected


@pytest.mark.parametrize("typed", [
    "nghị quyết đại hội", "kế hoạch", "khoa học và công nghệ", "Hà Nội", "bảo vệ môi trường",
    "ban hành", "bản tin",
    # Accents typed: a word typed without them that is a word was meant so.
    "kế hoạch ban", "bản tin ban", "quyết ban",
    # Numbers and dates only.
    "2016", "22-KH/CB", "11/10/2016", "22-KH/CB 11/10/2016", "so:22-KH/CB",
])
def test_a_query_that_reads_right_gives_none(index: SearchIndex, typed: str) -> None:
    assert index.suggest(typed) is None
    assert index.search(SearchRequest(query=typed)).suggestion is None


@pytest.mark.parametrize(("typed", "expected"), [
    ("22-KH/CB nghi quyet", "22-KH/CB nghị quyết"),
    ("nghi quyet 11/10/2016", "nghị quyết 11/10/2016"),
    ("so:22-KH/CB nghi quyet", "so:22-KH/CB nghị quyết"),
    ("nghi quyet -dai", "nghị quyết -dai"),
    ("khoa* hoc", "khoa* học"),
    ("nghi quyet OR ke hoach", "nghị quyết OR kế hoạch"),
    ("22-KH/CB   ke hoach", "22-KH/CB   kế hoạch"),
])
def test_numbers_fields_exclusions_prefixes_and_or_are_kept_as_typed(
        index: SearchIndex, typed: str, expected: str) -> None:
    found = index.suggest(typed)
    assert found is not None and found.text == expected
    kept = [word for word in typed.split() if word in expected.split()]
    assert [word for word, changed in words_of(found) if not changed] == kept


@pytest.mark.parametrize(("typed", "expected"), [
    ("Nghi Quyet", "Nghị Quyết"), ("Ha Noi", "Hà Nội"), ("NGHI QUYET", "NGHỊ QUYẾT"),
    ("Nghi quyet dai hoi", "Nghị quyết đại hội"), ("Ke Hoack", "Kế Hoạch"),
    ("Nghij Quyeets", "Nghị Quyết"),
])
def test_the_case_typed_is_kept(index: SearchIndex, typed: str, expected: str) -> None:
    assert suggested(index, typed) == expected


def test_search_carries_the_suggestion(index: SearchIndex) -> None:
    for typed in ("nghi quyt", "ke hoach", "Ha Noi", "nghij quyeets"):
        found = index.search(SearchRequest(query=typed)).suggestion
        assert found is not None and found == index.suggest(typed), typed
    assert index.search(SearchRequest(query="")).suggestion is None
    assert index.suggest("") is None and index.suggest("   ") is None


# --- 7. Internal documents -----------------------------------------------------------------

# Queries whose readings could take the internal word, or be weighed differently if
# the internal documents counted for the public.
VISIBILITY_QUERIES = [
    "xoeng", "xoeg", "xoengr", "xoeng3", "ke hoach xoeng", "nghi quyet xoengr",
    "xoengr giao", "giao xoengr", "lich xoengr", "xoengr rac", "xoeng3 rac",
    "ban viec", "hop kin", "khu thi diem", "hien truong", "nghi quyet dai hoi",
    "ke hoack", "ha noi", "bien ban hop", "theo doi", "to cong tac",
]


def test_an_internal_word_is_suggested_to_staff_only(index: SearchIndex) -> None:
    for typed in ("xoeng", "xoeg", "xoengr", "xoeng3"):
        assert index.suggest(typed) is None, typed
        assert suggested_to_staff(index, typed) == SECRET, typed
    assert suggested(index, "ke hoach xoeng") == "kế hoạch xoeng"
    assert suggested_to_staff(index, "ke hoach xoeng") == f"kế hoạch {SECRET}"
    for typed in VISIBILITY_QUERIES:
        assert SECRET not in (suggested(index, typed) or ""), typed
    staff = index.search(SearchRequest(query="xoeng", include_internal=True)).suggestion
    assert text_of(staff) == SECRET
    assert index.search(SearchRequest(query="xoeng")).suggestion is None


def suggested_to_staff(index: SearchIndex, text: str) -> str | None:
    return text_of(index.suggest(text, include_internal=True))


def test_the_public_suggestion_is_that_of_an_index_without_internal_documents(
        indexes: Indexes) -> None:
    with_internal = {typed: text_of(indexes.searched.suggest(typed))
                     for typed in VISIBILITY_QUERIES}
    without = {typed: text_of(indexes.public_only.suggest(typed))
               for typed in VISIBILITY_QUERIES}
    assert with_internal == without
    # Staff's suggestions over the public index alone are the public's too; and the
    # internal documents do change staff's, so the comparison can fail.
    assert without == {typed: suggested_to_staff(indexes.public_only, typed)
                       for typed in VISIBILITY_QUERIES}
    assert with_internal != {typed: suggested_to_staff(indexes.searched, typed)
                             for typed in VISIBILITY_QUERIES}


# --- 8. Deleted documents ------------------------------------------------------------------

DELETION_QUERIES = [
    "loanh", "loanh xoanh", "loanhh", "loanhj", "xoanhf", "loa5nh xoa2nh", "loanhj giao",
    "lich loanhj", "xoanhf rac", "ban ve loanh", "rung ngap man", "ngap man", "ha noi",
    "ke hoach", "tai lieu tong hop", "dai bieu ban ve",
]


@pytest.fixture(scope="module")
def updated(tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[SearchIndex, SearchIndex, dict[str, str | None]]]:
    """Return an index whose old documents were replaced and removed, an index built
    fresh from its final records, and the updated index's suggestions before the update."""
    folder = tmp_path_factory.mktemp("deleted")
    source = write_records(folder / "live.jsonl", records(PUBLIC) + records(OLD))
    home = folder / "live-index"
    assert not ingest_paths([source], open_index(home, create=True)).failed
    live = SearchIndex(home)
    before = {typed: text_of(live.suggest(typed)) for typed in DELETION_QUERIES}
    write_records(source, records(PUBLIC) + records(NEW))  # dl-01 changed, dl-02 gone
    report = ingest_paths([source], open_index(home), prune=True)
    assert (report.updated, report.removed, len(report.failed)) == (1, 1, 0)
    fresh = SearchIndex(build(folder, "fresh", records(PUBLIC) + records(NEW)))
    yield live, fresh, before
    live.close()
    fresh.close()


def test_words_of_deleted_documents_are_suggested_no_more(
        updated: tuple[SearchIndex, SearchIndex, dict[str, str | None]]) -> None:
    live, _, before = updated
    # Before the update the old words were suggested, so the test can fail.
    assert before["loanh xoanh"] == "loạnh xoành"
    assert before["loanhj"] == "loạnh"
    assert before["loanhh"] == "loạnh"
    # The replaced and removed versions are still in the generation's first segment,
    # deleted: their counts must be taken out, not merely merged away.
    snapshot = live._current().generation.snapshot
    assert len(snapshot.segments) > 1 and not snapshot.live.all()
    for staff in (False, True):
        for typed in ("loanh", "loanh xoanh", "loanhh", "loanhj", "xoanhf", "loa5nh xoa2nh"):
            assert live.suggest(typed, include_internal=staff) is None, (typed, staff)
        for typed in DELETION_QUERIES:
            found = text_of(live.suggest(typed, include_internal=staff)) or ""
            assert "loạnh" not in found and "xoành" not in found, (typed, staff)
    assert suggested(live, "rung ngap man") == "rừng ngập mặn"


def test_an_updated_index_suggests_as_one_built_from_its_final_records(
        updated: tuple[SearchIndex, SearchIndex, dict[str, str | None]]) -> None:
    live, fresh, before = updated
    for staff in (False, True):
        after = {typed: text_of(live.suggest(typed, include_internal=staff))
                 for typed in DELETION_QUERIES}
        expected = {typed: text_of(fresh.suggest(typed, include_internal=staff))
                    for typed in DELETION_QUERIES}
        assert after == expected, staff
        assert after != before


# --- 9. The API ----------------------------------------------------------------------------


@pytest.fixture()
def staff_app(indexes: Indexes, tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """Return an app on the index with internal documents, and a staff API token."""
    from web import create_app
    from web.accounts import Accounts

    instance = tmp_path / "instance"
    instance.mkdir(mode=0o700)
    token = Accounts(instance).create_token("kiem-tra-goi-y")
    app = create_app({"TESTING": True, "INDEX_DIR": str(indexes.both),
                      "INSTANCE_DIR": str(instance)})
    yield app, token
    app.extensions["tracuu.index"].close()


def api(app: Flask, query: str, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = app.test_client(use_cookies=False).get(
        "/api/v1/search", query_string={"q": query}, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_api_gives_the_suggestion(staff_app: tuple[Flask, str]) -> None:
    app, token = staff_app
    assert api(app, "nghi quyt")["suggestion"] == "nghị quyết"
    assert api(app, "Ha Noi")["suggestion"] == "Hà Nội"
    assert api(app, "22-KH/CB ke hoach")["suggestion"] == "22-KH/CB kế hoạch"
    answer = api(app, "nghị quyết")
    assert "suggestion" in answer and answer["suggestion"] is None
    assert api(app, "")["suggestion"] is None
    # The internal word: to staff only.
    assert api(app, "xoeng")["suggestion"] is None
    assert api(app, "xoeng", token)["suggestion"] == SECRET
    assert api(app, "ke hoach xoeng")["suggestion"] == "kế hoạch xoeng"
    assert api(app, "ke hoach xoeng", token)["suggestion"] == f"kế hoạch {SECRET}"


# --- 10. The search page -------------------------------------------------------------------


def page(app: Flask, **params: str) -> tuple[TestResponse, Any]:
    response = app.test_client(use_cookies=False).get("/", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response, html.fromstring(response.get_data(as_text=True))


def params_of(href: str) -> dict[str, list[str]]:
    parts = urlsplit(href)
    assert parts.path == "/" and not parts.netloc, href
    return parse_qs(parts.query)


def hit_ids(document: Any) -> list[str]:
    return [urlsplit(str(href)).path.removeprefix("/documents/")
            for href in document.xpath('//ol[@class="hits"]/li//h3/a/@href')]


def the_suggestion(document: Any) -> Any:
    found = document.xpath('//p[@class="suggestion"]')
    assert len(found) == 1, html.tostring(document, encoding="unicode")
    return found[0]


@pytest.fixture()
def web_app(indexes: Indexes, make_app: Callable[[Path], Flask]) -> Flask:
    return make_app(indexes.both)


def test_the_page_offers_the_suggestion_with_the_changed_words_bold(
        web_app: Flask, index: SearchIndex) -> None:
    typed = "khoa hoc va cong nghe"
    _, document = page(web_app, q=typed)
    paragraph = the_suggestion(document)
    text = " ".join(paragraph.text_content().split())
    assert text == "Có phải bạn muốn tìm «khoa học và công nghệ»?"
    link = paragraph.xpath("a")
    assert len(link) == 1
    assert params_of(link[0].get("href")) == {"q": ["khoa học và công nghệ"]}
    assert [strong.text_content() for strong in link[0].xpath("strong")] == [
        "học", "và", "công", "nghệ"]
    assert link[0].text == "khoa "  # the unchanged word, not bold
    # Typed this way it matches: its own results are shown, not the suggestion's.
    expected = index.search(SearchRequest(query=typed))
    assert expected.total and hit_ids(document) == [hit.id for hit in expected.hits]
    # Other parameters are kept in the link; the page is not.
    _, document = page(web_app, q="ke hoach", sort="newest", page="1")
    link = the_suggestion(document).xpath("a")[0]
    assert params_of(link.get("href")) == {"q": ["kế hoạch"], "sort": ["newest"]}
    # A query that reads right has no suggestion.
    _, document = page(web_app, q="nghị quyết đại hội")
    assert not document.xpath('//p[@class="suggestion"]')
    assert "Có phải bạn muốn tìm" not in document.text_content()


def test_a_query_matching_nothing_shows_the_suggestions_results(
        web_app: Flask, index: SearchIndex) -> None:
    typed = "nghij quyeets"
    assert index.search(SearchRequest(query=typed)).total == 0
    _, document = page(web_app, q=typed)
    paragraph = the_suggestion(document)
    text = " ".join(paragraph.text_content().split())
    assert "Đang hiển thị kết quả cho «nghị quyết»." in text
    assert text.endswith("Tìm chính xác «nghij quyeets»")
    assert "Có phải bạn muốn tìm" not in text
    shown, exact = paragraph.xpath("a")
    assert params_of(shown.get("href")) == {"q": ["nghị quyết"]}
    assert [strong.text_content() for strong in shown.xpath("strong")] == ["nghị", "quyết"]
    assert params_of(exact.get("href")) == {"q": [typed], "as_typed": ["1"]}
    assert exact.text_content() == "Tìm chính xác «nghij quyeets»"
    corrected = index.search(SearchRequest(query="nghị quyết"))
    assert corrected.total and hit_ids(document) == [hit.id for hit in corrected.hits]
    # Exactly as typed: nothing found, and the suggestion offered as a link.
    _, document = page(web_app, q=typed, as_typed="1")
    assert hit_ids(document) == []
    paragraph = the_suggestion(document)
    assert " ".join(paragraph.text_content().split()) == (
        "Có phải bạn muốn tìm «nghị quyết»?")
    assert params_of(paragraph.xpath("a")[0].get("href")) == {"q": ["nghị quyết"]}


def test_a_query_matching_only_partly_shows_the_suggestions_results(
        web_app: Flask, index: SearchIndex) -> None:
    typed = "nghi quyt"
    as_typed = index.search(SearchRequest(query=typed))
    assert as_typed.total and as_typed.match == "any"
    _, document = page(web_app, q=typed)
    paragraph = the_suggestion(document)
    text = " ".join(paragraph.text_content().split())
    assert "Đang hiển thị kết quả cho «nghị quyết»." in text
    assert text.endswith("Tìm chính xác «nghi quyt»")
    shown, exact = paragraph.xpath("a")
    assert params_of(shown.get("href")) == {"q": ["nghị quyết"]}
    assert params_of(exact.get("href")) == {"q": [typed], "as_typed": ["1"]}
    corrected = index.search(SearchRequest(query="nghị quyết"))
    assert hit_ids(document) == [hit.id for hit in corrected.hits]
    assert hit_ids(document) != [hit.id for hit in as_typed.hits]
    # Exactly as typed: the partial results of the query typed.
    _, document = page(web_app, q=typed, as_typed="1")
    assert hit_ids(document) == [hit.id for hit in as_typed.hits]
    assert "Tìm chính xác" not in document.text_content()
    link = the_suggestion(document).xpath("a")
    assert len(link) == 1 and params_of(link[0].get("href")) == {"q": ["nghị quyết"]}


@pytest.mark.parametrize(("typed", "kept"), [
    ("<script>alert(1)</script> nghi quyet", "<script>alert(1)</script>"),
    ('"><b>x</b> ke hoach', '"><b>x</b>'),
    ("<img src=x onerror=alert(1)> nghij quyeets", "<img src=x onerror=alert(1)>"),
])
def test_the_suggestion_on_the_page_is_escaped(web_app: Flask, typed: str, kept: str) -> None:
    response, document = page(web_app, q=typed)
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "<b>x</b>" not in body and "<img src" not in body
    assert not document.xpath("//script[contains(., 'alert')] | //img[@onerror] | //b[.='x']")
    link = the_suggestion(document).xpath("a")[0]
    # What was typed around the words is shown as text, in the link and in its href.
    assert link.text_content().startswith(kept)
    assert params_of(link.get("href"))["q"][0].startswith(kept + " ")
    assert [strong.text_content() for strong in link.xpath("strong")] in (
        ["nghị", "quyết"], ["kế", "hoạch"])
