"""Saved web pages of several CMS shapes: keep only the article, get its metadata right."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from ingest.html import read_html
from ingest.pipeline import read_documents
from tests.conftest import PROJECT, SHARED

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "html"
REAL_ARTICLE = SHARED / "samples" / "husta-chi-bo-2017.txt"


def fixture(name: str) -> dict[str, object]:
    return read_html((FIXTURES / name).read_text(encoding="utf-8"))


def paragraphs(record: dict[str, object]) -> list[str]:
    return str(record["body"]).split("\n\n")


def assert_absent(body: object, furniture: tuple[str, ...]) -> None:
    found = [text for text in furniture if text in str(body)]
    assert not found, f"furniture in body: {found}"


def sample_page(name: str) -> Path:
    found = sorted((PROJECT / "samples").rglob(name))
    if not found:
        pytest.skip(f"sample {name} not present")
    return found[0]


def page(head: str = "", body: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">{head}</head>'
            f"<body>{body}</body></html>")


# The fixtures, one CMS shape each ---------------------------------------------------------


def test_wordpress_page() -> None:
    record = fixture("wordpress.html")
    assert record["title"] == ("Hội thảo ứng dụng công nghệ sinh học trong nuôi trồng thủy sản "
                               "vùng đầm phá")
    assert record["issued"] == "2018-03-05"  # time.published, not og:updated_time or the top bar
    assert record["author"] == "Ngô Thị Lan"
    assert "updater" not in record
    assert record["url"] == ("https://lhhkhkt.example.vn/2018/03/05/"
                             "hoi-thao-cong-nghe-sinh-hoc-thuy-san/")
    assert "visibility" not in record
    assert paragraphs(record) == [
        "Sáng ngày 3/3/2018, Liên hiệp các hội Khoa học và Kỹ thuật tỉnh phối hợp với Hội Nghề "
        "cá tỉnh tổ chức hội thảo khoa học “Ứng dụng công nghệ sinh học trong nuôi trồng thủy "
        "sản vùng đầm phá”. Tham dự có gần 80 đại biểu là nhà khoa học, cán bộ khuyến ngư và hộ "
        "nuôi tôm, cá ở các xã ven đầm.",
        "Các tham luận tập trung vào chế phẩm vi sinh xử lý nước ao nuôi, quy trình nuôi tôm thẻ "
        "chân trắng hai giai đoạn và mô hình nuôi ghép cá dìa với rong câu giúp giảm dịch bệnh, "
        "tăng thu nhập cho người dân.",
        "Đại biểu tham quan mô hình nuôi ghép cá dìa và rong câu tại xã Vinh Hưng",
        "Phát biểu kết luận, PGS.TS Trần Văn Hòa, Phó Chủ tịch Liên hiệp hội, đề nghị các hội "
        "thành viên tiếp tục\nchuyển giao tiến bộ kỹ thuật cho nông dân, đồng thời kiến nghị tỉnh "
        "có cơ chế hỗ trợ chế phẩm sinh học cho hộ nuôi nhỏ.",
        "Mô hình | Diện tích (ha) | Năng suất (tấn/ha)\n"
        "Tôm thẻ chân trắng hai giai đoạn | 12 | 8,5\n"
        "Cá dìa nuôi ghép rong câu | 25 | 1,2",
        "Dịp này, Hội Nghề cá tỉnh cũng phát hành sổ tay hướng dẫn kỹ thuật nuôi thủy sản an "
        "toàn sinh học, cấp miễn phí cho các tổ hợp tác.",
    ]
    assert_absent(record["body"], (
        "Chuyển đến nội dung", "Trang chủ", "Giới thiệu", "Tư vấn – Phản biện", "Menu",
        "Trang thông tin điện tử", "Đăng vào", "Ngô Thị Lan", "05/03/2018", "20/05/2024",
        "Chia sẻ", "Facebook", "Twitter", "Email", "Thích", "Đang tải",
        "Bài viết liên quan", "Tập huấn kỹ thuật nuôi cá lồng", "Phản biện quy hoạch phát triển",
        "Chuyên mục", "Thẻ:", "Đại hội Hội Đông y", "bình luận", "Lê Văn Hậu", "Phan Thị Hoa",
        "cho bà con xã Quảng Công", "rất hữu ích", "Trả lời", "Phản hồi", "Email của bạn",
        "Tìm kiếm", "Bài viết mới", "Hội nghị Ban Chấp hành", "Liên kết",
        "Cổng thông tin điện tử tỉnh", "©", "Thiết kế bởi", "wpemoji", "display: inline"))


def test_joomla_page() -> None:
    record = fixture("joomla.html")
    assert record["title"] == ("Hội nghị tổng kết hoạt động tư vấn, phản biện và giám định xã "
                               "hội năm 2016")
    assert record["issued"] == "2016-10-11"  # dd.published, not the modified date or the body
    assert record["author"] == "Ngô Minh Tuấn"
    assert "updater" not in record
    assert record["url"] == ("https://lhh-quangtri.example.vn/tin-hoat-dong/"
                             "215-hoi-nghi-tong-ket-hoat-dong-tu-van-phan-bien")
    body = record["body"]
    assert isinstance(body, str)
    assert body.startswith("Ngày 10/10/2016, Liên hiệp các hội Khoa học và Kỹ thuật tỉnh tổ "
                           "chức hội nghị tổng kết")
    assert "Thực hiện Quyết định số 14/2014/QĐ-TTg ngày 14/02/2014 của Thủ tướng" in body
    assert "biểu dương 5 tập thể và 8 cá nhân" in body
    assert body.endswith("Nội dung | Năm 2015 | Năm 2016\n"
                         "Đề án, quy hoạch được phản biện | 4 | 6\n"
                         "Hội thảo, tọa đàm góp ý | 7 | 9")
    assert len(paragraphs(record)) == 4
    assert_absent(body, (
        "Trang chủ", "Giới thiệu", "Tin hoạt động", "Văn bản", "Bạn đang ở", "Tìm kiếm",
        "Bật/tắt", "E-mail", "In bài viết", "Thông tin chi tiết", "Viết bởi", "Ngô Minh Tuấn",
        "Danh mục", "Ngày đăng", "Cập nhật lần cuối", "14/10/2016", "Lượt xem", "1234",
        "Trước", "Tiếp", "Khai giảng lớp bồi dưỡng", "Tin cùng chuyên mục",
        "Hội thảo giống lúa chịu mặn", "Tin mới nhất", "Hội Nông học ra mắt",
        "Thống kê truy cập", "Đang trực tuyến", "Về đầu trang", "©", "Giấy phép", "jQuery"))


def test_provincial_portal_page() -> None:
    record = fixture("portal.html")
    assert record["title"] == ("Tập huấn kỹ thuật ghép cải tạo vườn điều cho nông dân huyện "
                               "Sơn Hòa")
    assert record["issued"] == "2016-10-11"  # "Cập nhật: 11/10/2016 08:30"
    assert record["author"] == "Lê Văn Tâm"  # the bold, right-aligned last paragraph
    assert record["updater"] == "Hoàng Thị Mai"
    assert "url" not in record
    assert paragraphs(record) == [
        "Trong hai ngày 6 và 7/10/2016, Hội Làm vườn tỉnh phối hợp với Trạm Khuyến nông huyện "
        "Sơn Hòa tổ chức lớp tập huấn kỹ thuật ghép cải tạo vườn điều già cỗi cho 45 hội viên ở "
        "xã Suối Bạc và xã Sơn Hội.",
        "Học viên thực hành ghép chồi điều tại vườn nhà ông Nguyễn Văn Bảy",
        "Kỹ sư Lê Thị Thu Hà hướng dẫn cách chọn cành ghép từ giống điều PN1 và AB29, kỹ thuật "
        "ghép chồi, chăm sóc sau ghép và phòng trừ bọ xít muỗi. Theo tính toán, vườn điều sau "
        "ghép cải tạo có thể cho năng suất 1,5 – 2 tấn/ha, gấp đôi vườn cũ.\n"
        "Sau khóa học, mỗi học viên được hỗ trợ 50 chồi ghép để áp dụng tại vườn nhà.",
        "Lớp tập huấn nằm trong kế hoạch chuyển giao tiến bộ kỹ thuật năm 2016 của Liên hiệp "
        "hội, thực hiện theo Kế hoạch số 76/KH-UBND ngày 15/5/2016 của UBND tỉnh.",
    ]
    assert_absent(record["body"], (
        "Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Liên hệ", "Chào mừng kỷ niệm",
        "DANH MỤC", "Hoạt động Liên hiệp hội", "Phổ biến kiến thức", "Cập nhật", "08:30",
        "Lê Văn Tâm", "Người cập nhật", "Hoàng Thị Mai", "In bài viết", "Gửi email",
        "Về đầu trang", "Các bài viết khác", "Hội Y học tỉnh khám bệnh", "Gành Đá Dĩa",
        "Hội thi Sáng tạo kỹ thuật", "05/10/2016", "THỐNG KÊ", "Lượt truy cập", "Đang online",
        "Bản quyền", "52 Lê Duẩn", "openWin"))


def test_broken_page_still_yields_title_and_body() -> None:
    record = fixture("broken.html")
    assert record["title"] == "Hội Nông dân tập huấn phòng chống dịch tả lợn châu Phi"
    assert record["issued"] == "2019-05-23"  # "Thứ năm, 23/05/2019 - 14:05"
    assert {"author", "updater", "url"}.isdisjoint(record)
    body = record["body"]
    assert isinstance(body, str)
    assert body.startswith("Ngày 21/5/2019, Hội Nông dân tỉnh phối hợp với Chi cục Chăn nuôi")
    assert "và không giấu dịch, không bán chạy lợn bệnh." in body
    assert "Công văn số 1380/UBND-NN ngày 10/5/2019" in body
    assert body.endswith("Đoạn cuối của bài bị cắt ngang khi lưu trang")
    assert len(paragraphs(record)) == 4
    assert_absent(body, ("Trang chủ", "Tin tức", "Tin mới", "Đại hội Hội Dược học",
                         "Hội thi Sáng tạo", "font-family", "float", "Thứ năm", "14:05",
                         "Kon Tum"))


def test_title_from_head_title_without_the_site_name() -> None:
    record = fixture("title_only.html")
    # The site's name leads here; the page's header and footer repeat it.
    assert record["title"] == "Hội Khuyến học trao 120 suất học bổng cho học sinh nghèo vượt khó"
    assert {"issued", "author", "updater", "url"}.isdisjoint(record)  # body dates are citations
    assert paragraphs(record)[1].startswith("Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016")
    assert len(paragraphs(record)) == 3
    assert_absent(record["body"], ("Trang chủ", "Tin tức", "Văn bản", "Bản quyền", "Bình Định",
                                   "Quy Nhơn"))


def test_title_from_og_title_only() -> None:
    record = fixture("og_title.html")
    assert record["title"] == "Hội Địa chất khuyến cáo nguy cơ sạt lở đất vùng núi mùa mưa bão"
    assert record["issued"] == "2019-09-16"
    assert record["author"] == "TS. Nguyễn Thanh Bình"
    assert record["url"] == ("https://lhh-quangnam.example.vn/tin-tuc/"
                             "hoi-dia-chat-khuyen-cao-sat-lo-117.html")
    assert record["visibility"] == "internal"
    assert "updater" not in record
    assert paragraphs(record)[0].startswith("Trước mùa mưa bão năm 2019, Hội Địa chất tỉnh")
    assert len(paragraphs(record)) == 3
    assert_absent(record["body"], (
        "Chi tiết tin", "Trang chủ", "Tin tức", "Nguyễn Thanh Bình", "Chia sẻ", "Facebook",
        "Zalo", "Lượt xem", "857", "Tags", "Tin liên quan", "Diễn tập ứng phó lũ quét"))


@pytest.mark.parametrize("head, expected", [
    ("<title>Kế hoạch tổ chức hội thảo khoa học - Liên hiệp hội tỉnh</title>",
     "Kế hoạch tổ chức hội thảo khoa học"),
    ("<title>LHH Huế | Phát huy vai trò lãnh đạo của Chi bộ cơ quan Liên hiệp hội</title>",
     "Phát huy vai trò lãnh đạo của Chi bộ cơ quan Liên hiệp hội"),
    ("<title>Hội thảo khoa học - công nghệ năm 2018 – Liên hiệp hội tỉnh</title>"
     '<meta property="og:site_name" content="Liên hiệp hội tỉnh">',
     "Hội thảo khoa học - công nghệ năm 2018"),
    ("<title>Liên hiệp hội tỉnh :: Thông báo kết quả Hội thi Sáng tạo kỹ thuật</title>"
     '<meta property="og:site_name" content="Liên hiệp hội tỉnh">',
     "Thông báo kết quả Hội thi Sáng tạo kỹ thuật"),
    ("<title>Báo cáo tổng kết năm 2016 | lhh.example.vn</title>", "Báo cáo tổng kết năm 2016"),
    ("<title>Chỉ thị về tiết kiệm</title>", "Chỉ thị về tiết kiệm"),
    ('<title>Chi tiết tin</title><meta property="og:title" content="Tin mới của Hội Nông học">',
     "Tin mới của Hội Nông học"),
])
def test_head_title_variants(head: str, expected: str) -> None:
    record = read_html(page(head, "<div><p>Nội dung của bài viết đủ dài để đọc.</p></div>"))
    assert record["title"] == expected


# Dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("stated", [
    "<span>Ngày đăng: 11/10/2016</span>",
    "<span>Cập nhật: 11/10/2016 08:30</span>",
    "<em>Đăng ngày 11-10-2016</em>",
    "<div>Thứ ba, 11/10/2016 - 08:30</div>",
    "<p>ngày 11 tháng 10 năm 2016</p>",
    "<small>11.10.2016</small>",
    "<span class='date'>(11/10/2016)</span>",
    "<div class='post-info'><span class='time'>08:30 | 11/10/2016</span> | Lượt xem: 35</div>",
    '<time datetime="2016-10-11T08:30:00+07:00">Hôm qua</time>',
    '<span itemprop="datePublished" content="2016-10-11">11/10</span>',
])
def test_date_stated_near_the_title(stated: str) -> None:
    body = (f'<div class="detail"><h1>Hội nghị tổng kết năm</h1>{stated}'
            '<div class="content-detail"><p>Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 '
            "của Bộ Chính trị, hội nghị họp ngày 20/10/2016.</p></div></div>")
    record = read_html(page("", body))
    assert record["issued"] == "2016-10-11"
    assert record["title"] == "Hội nghị tổng kết năm"
    assert_absent(record["body"], ("11/10/2016", "Lượt xem", "Hôm qua", "08:30"))


@pytest.mark.parametrize("head, expected", [
    ('<meta property="article:published_time" content="2018-03-05T08:00:00+07:00">'
     '<meta property="og:updated_time" content="2018-04-01T08:00:00+07:00">', "2018-03-05"),
    ('<meta property="og:updated_time" content="2018-04-01T08:00:00+07:00">', "2018-04-01"),
    ('<meta itemprop="datePublished" content="2018-03-05">', "2018-03-05"),
    ('<meta name="pubdate" content="05/03/2018">', "2018-03-05"),  # day before month
])
def test_date_from_meta_tags(head: str, expected: str) -> None:
    record = read_html(page(head, "<h1>Tiêu đề</h1><p>Bài viết ngày 15/5/2016.</p>"))
    assert record["issued"] == expected


def test_dates_only_in_body_paragraphs_or_site_furniture_are_not_taken() -> None:
    body = ('<div id="header"><div class="today">Thứ Hai, 20/05/2024</div>'
            '<ul class="menu"><li><a href="/">Trang chủ</a></li></ul></div>'
            "<h1>Kế hoạch học tập nghị quyết</h1>"
            "<div class='content-detail'><p>Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ "
            "Chính trị và Kế hoạch ngày 11 tháng 10 năm 2016 của Chi bộ.</p>"
            "<p>Hạn báo cáo 30/10/2016.</p></div>"
            '<div id="comments"><time datetime="2016-11-02">02/11/2016</time><p>Hay quá.</p></div>'
            '<div class="sidebar"><span class="date">01/11/2016</span></div>')
    record = read_html(page("", body))
    assert "issued" not in record
    assert "Hay quá" not in record["body"] and "Trang chủ" not in record["body"]


def test_impossible_date_is_not_taken() -> None:
    record = read_html(page("", "<h1>Tiêu đề</h1><span>Ngày đăng: 31/02/2016</span>"
                                "<p>Nội dung bài viết.</p>"))
    assert "issued" not in record


# Author and updater -------------------------------------------------------------------


@pytest.mark.parametrize("last, text, author", [
    ('<p style="text-align: right;"><strong>Thành Chung</strong></p>', "Thành Chung",
     "Thành Chung"),
    ("<p><b>ThS. Lê Văn An</b></p>", "ThS. Lê Văn An", "ThS. Lê Văn An"),
    ('<p align="right">Minh Tâm</p>', "Minh Tâm", "Minh Tâm"),
    ('<div style="font-weight: bold">Ban Biên Tập</div>', "Ban Biên Tập", "Ban Biên Tập"),
    ("<p><strong>Xin trân trọng cảm ơn các đại biểu.</strong></p>",
     "Xin trân trọng cảm ơn các đại biểu.", None),
    ("<p><strong>BÍ THƯ</strong></p>", "BÍ THƯ", None),
    ("<p>Thành Chung</p>", "Thành Chung", None),  # neither bold nor right-aligned
    ("<p><strong>Nguồn: Báo Thừa Thiên Huế</strong></p>", "Nguồn: Báo Thừa Thiên Huế", None),
])
def test_byline_paragraph(last: str, text: str, author: str | None) -> None:
    body = (f"<h1>Tiêu đề bài</h1><div class='content-detail'><p>Đoạn văn thứ nhất của bài.</p>"
            f"{last}<p>&nbsp;</p></div>")
    record = read_html(page("", body))
    assert record.get("author") == author
    expected = "Đoạn văn thứ nhất của bài." if author else f"Đoạn văn thứ nhất của bài.\n\n{text}"
    assert record["body"] == expected


@pytest.mark.parametrize("head, byline, author", [
    ('<meta name="author" content="Nguyễn Hữu Phước">', "", "Nguyễn Hữu Phước"),
    ('<meta name="author" content="Liên hiệp hội tỉnh">'
     '<meta property="og:site_name" content="Liên hiệp hội tỉnh">', "", None),
    ("", '<dd class="createdby" itemprop="author">Viết bởi <span itemprop="name">Super User'
         "</span></dd>", None),
    ("", '<span class="byline">Tác giả: Trần Thị Hạnh</span>', "Trần Thị Hạnh"),
    ("", '<a rel="author" href="/tac-gia/hung">Đỗ Văn Hùng</a>', "Đỗ Văn Hùng"),
    ('<meta name="author" content="Nguyễn Hữu Phước">',
     '<span class="author">Phạm Quang Vinh</span>', "Phạm Quang Vinh"),
])
def test_author_from_page_markup(head: str, byline: str, author: str | None) -> None:
    body = (f"<article><h1>Tiêu đề bài</h1>{byline}<div class='entry-content'>"
            "<p>Đoạn văn của bài viết.</p></div></article>")
    record = read_html(page(head, body))
    assert record.get("author") == author
    assert record["body"] == "Đoạn văn của bài viết."


@pytest.mark.parametrize("line", [
    "<div class='updater'>Người cập nhật: Doãn Quan</div>",
    "<p>Người cập nhật: <b>Doãn Quan</b></p>",
    "<p>Đoạn cuối.<br>Người cập nhật: Doãn Quan</p>",
])
def test_updater_is_returned_and_not_in_the_body(line: str) -> None:
    record = read_html(page("", f"<h1>Tiêu đề</h1><div class='content-detail'>"
                                f"<p>Đoạn văn của bài.</p>{line}</div>"))
    assert record["updater"] == "Doãn Quan"
    assert "cập nhật" not in record["body"] and "Doãn Quan" not in record["body"]


# The association's pages --------------------------------------------------------------


def test_association_sample_page() -> None:
    path = sample_page("2016-10-11-ke-hoach-22-kh-cb-hoc-tap-nghi-quyet.html")
    record = read_html(path.read_text(encoding="utf-8"))
    assert record["title"] == ("Kế hoạch triển khai thực hiện Chỉ thị số 05-CT/TW của Bộ Chính "
                               "trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong "
                               "cách Hồ Chí Minh")
    assert record["issued"] == "2016-10-11"
    assert record["author"] == "Trần Quốc Hưng"
    assert record["updater"] == "Nguyễn Văn Khánh"
    assert "url" not in record and "visibility" not in record
    parts = paragraphs(record)
    assert parts[0] == "Số: 22-KH/CB"
    assert parts[1].startswith("Thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị")
    assert parts[-1].startswith("III. Tổ chức thực hiện:")
    assert len(parts) == 5
    assert_absent(record["body"], (
        "Trang chủ", "Tin tức - Sự kiện", "Ngày đăng", "Trần Quốc Hưng", "Người cập nhật",
        "Nguyễn Văn Khánh", "Các bài viết khác", "Hội Nhiếp ảnh khoa học", "(14/09/2016)",
        "Bản quyền", "14 Nguyễn Trãi"))


def test_every_association_sample_is_read_whole() -> None:
    files = sorted((PROJECT / "samples").rglob("*.html"))
    if not files:
        pytest.skip("samples not present")
    for path in files:
        record = read_html(path.read_text(encoding="utf-8"))
        assert record["issued"] == path.name[:10], path.name
        assert record["author"] and record["updater"], path.name
        assert not str(record["title"]).endswith(" - Liên hiệp các hội Khoa học và Kỹ thuật tỉnh")
        assert not paragraphs(record)[-1].startswith(str(record["author"])), path.name
        assert_absent(record["body"], ("Các bài viết khác", "Người cập nhật", "Ngày đăng",
                                       "Bản quyền", "Trang chủ"))


def real_article_page(lines: list[str]) -> str:
    """Wrap the real article's text the way the association's site shows it."""
    text = [line.strip() for line in lines if line.strip()]
    title, rest = text[0], text[1:]
    end = next(number for number, line in enumerate(rest) if line.startswith("Người cập nhật"))
    *body, byline = rest[:end]
    updater = rest[end]
    paragraphs_html = "\n".join(f"<p>{html.escape(line)}</p>" for line in body)
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<title>{html.escape(title)} - Liên hiệp các hội Khoa học và Kỹ thuật tỉnh</title>
</head><body>
<div id="header"><ul class="menu"><li><a href="/">Trang chủ</a></li>
<li><a href="/tin-tuc">Tin tức - Sự kiện</a></li></ul></div>
<div id="content"><div class="news-detail">
<h1 class="title">{html.escape(title)}</h1>
<div class="content-detail">
{paragraphs_html}
<p style="text-align: right;"><strong>{html.escape(byline)}</strong></p>
<p>&nbsp;</p><p>&nbsp;</p>
<div>{html.escape(updater)}</div>
</div>
<div><strong>Các bài viết khác:</strong><br>
<a href="/tin-tuc/1.html">Hội Nông học ra mắt câu lạc bộ khuyến nông</a> (02/03/2017)<br>
<a href="/tin-tuc/2.html">Hội thảo bảo tồn cây dược liệu bản địa</a> (14/02/2017)<br>
</div></div></div>
<div id="footer"><p>Bản quyền thuộc Liên hiệp hội.</p></div>
</body></html>"""


@pytest.mark.skipif(not REAL_ARTICLE.is_file(), reason="../shared/samples not present")
def test_real_association_article_page() -> None:
    lines = REAL_ARTICLE.read_text(encoding="utf-8").splitlines()
    record = read_html(real_article_page(lines))
    assert record["title"] == lines[0].strip()
    assert record["author"] == "Thành Chung"
    assert record["updater"] == "Doãn Quan"
    assert "issued" not in record  # its dates are citations in the text
    body = record["body"]
    assert isinstance(body, str)
    assert "kế hoạch 22-KH/CB ngày 11/10/2016" in body
    assert "kế hoạch số 11-KH/ĐUK ngày 27/7/2016" in body
    assert body.endswith("Sự lãnh đạo của Cấp ủy, Chi bộ là một nhân tố quyết định kết quả "
                         "của việc thực hiện các nhiệm vụ chính trị của cơ quan.")
    body_lines = [line.strip() for line in lines[1:] if line.strip()]
    assert len(paragraphs(record)) == body_lines.index("Thành Chung")
    assert_absent(body, ("Các bài viết khác", "Người cập nhật", "Doãn Quan", "Thành Chung",
                         "Hội Nông học ra mắt", "Trang chủ", "Bản quyền"))


# Bad pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "", "   \n\t", "<html></html>", "<!-- chỉ có chú thích -->",
    "<html><head><title></title></head><body><script>var a = 1;</script>"
    "<style>p {}</style></body></html>",
    "\x00\x01\x02", "<<<>>>", "<html><body><div><div></div></div>",
    "<div>" * 5000 + "<p>Quá sâu: libxml2 dừng ở 2048 tầng</p>",
])
def test_pages_without_text_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="no article text found"):
        read_html(text)


@pytest.mark.parametrize("text, title, body", [
    ('<?xml version="1.0" encoding="utf-8"?><html><body><h1>Tiêu đề</h1><p>Nội dung</p>'
     "</body></html>", "Tiêu đề", "Nội dung"),
    ("Chỉ là văn bản thuần, không có thẻ nào.", "", "Chỉ là văn bản thuần, không có thẻ nào."),
    ("<h1>Tiêu đề\x00 bài</h1><p>Đoạn \ud800văn</p>", "Tiêu đề bài", "Đoạn ?văn"),
    ("<div>" * 1000 + "<h1>Sâu</h1><p>Rất sâu</p>", "Sâu", "Rất sâu"),
    ("<table><tr><td>Đoạn một<br><br>Đoạn hai<br>dòng hai</td></tr></table>", "",
     "Đoạn một\n\nĐoạn hai\ndòng hai"),
])
def test_odd_pages_are_read(text: str, title: str, body: str) -> None:
    record = read_html(text)
    assert record["title"] == title
    assert record["body"] == body


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.html")))
def test_truncated_fixtures_never_crash(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    for end in range(0, len(text), 97):
        try:
            record = read_html(text[:end])
        except ValueError as error:
            assert "no article text found" in str(error)
        else:
            assert record["title"] or record["body"]


def test_pipeline_reads_every_fixture(tmp_path: Path) -> None:
    for path in FIXTURES.glob("*.html"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "rong.html").write_text("<html><body><script>x()</script></body></html>",
                                        encoding="utf-8")
    documents, report = read_documents([tmp_path])
    assert sorted(document.id for document in documents) == sorted(
        path.stem for path in FIXTURES.glob("*.html"))
    assert [(Path(failure.source).name, failure.reason) for failure in report.failed] == [
        ("rong.html", "no article text found")]
    by_id = {document.id: document for document in documents}
    assert by_id["joomla"].issued == "2016-10-11" and by_id["joomla"].year == 2016
    assert by_id["portal"].author == "Lê Văn Tâm"
    assert by_id["og_title"].visibility == "internal"
