"""Lines of a publication's page that belong to the site, not to the article."""

from __future__ import annotations

import re

from index.dates import DATE

# "Người cập nhật: Doãn Quan": who updated the page on the site.
UPDATER = re.compile(r"^\s*Người cập nhật\s*:\s*(?P<name>.+?)\s*$", re.IGNORECASE)

# A whole line that is the heading of a block of the site, not of the article: other articles,
# comments, share buttons ("Các bài viết khác:", "Tin cùng chuyên mục", "Bình luận (3)").
RELATED_TITLE = re.compile(
    r"^\s*(?:"
    r"(?:các\s+)?(?:bài\s+viết|tin\s+bài|tin\s+tức|bài|tin|văn\s+bản)\s+"
    r"(?:khác|liên\s+quan|cùng\s+(?:chuyên\s+mục|danh\s+mục|loại|chủ\s+đề)|đã\s+đưa"
    r"|mới\s+hơn|cũ\s+hơn|mới(?:\s+nhất)?|nổi\s+bật|xem\s+nhiều(?:\s+nhất)?"
    r"|đọc\s+nhiều(?:\s+nhất)?|tiêu\s+điểm)"
    r"|xem\s+thêm|đọc\s+thêm|(?:có\s+thể\s+)?bạn\s+(?:có\s+thể\s+)?quan\s+tâm"
    r"|(?:ý\s+kiến|bình\s+luận)(?:\s+(?:bạn\s+đọc|của\s+bạn))?"
    r"|(?:gửi|viết)\s+(?:bình\s+luận|ý\s+kiến(?:\s+của\s+bạn)?)"
    r"|chia\s+sẻ(?:\s+bài\s+viết)?|thích\s+điều\s+này|related\s+(?:posts?|articles?)"
    r")\s*(?:\(\d+\))?\s*[:：]?\s*$", re.IGNORECASE)

# Labels of a date line: when the article was put on the site, or last changed there.
_PUBLISHED = (r"ngày\s+đăng(?:\s+tin|\s+bài)?|đăng\s+ngày|đăng\s+lúc|đăng\s+vào|"
              r"ngày\s+xuất\s+bản|xuất\s+bản|ngày\s+phát\s+hành|phát\s+hành|ngày\s+gửi|"
              r"gửi\s+lúc|ngày\s+tạo|tạo\s+ngày|thời\s+gian\s+đăng|posted(?:\s+on)?|"
              r"published(?:\s+on)?|ngày|đăng")
_UPDATED = (r"(?:ngày\s+|lần\s+)?cập\s+nhật(?:\s+lần\s+cuối|\s+lúc|\s+ngày|\s+cuối)?|"
            r"sửa\s+đổi(?:\s+lần\s+cuối)?|chỉnh\s+sửa(?:\s+lần\s+cuối)?|"
            r"(?:last\s+)?updated(?:\s+on)?|modified")
UPDATED_LABEL = re.compile(rf"^(?:{_UPDATED})$", re.IGNORECASE)
_WEEKDAY = r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|t[2-7]|cn)"
_TIME = (r"\d{1,2}\s?[:h]\s?\d{2}(?:\s?:\s?\d{2})?(?:\s?(?:am|pm|sa|ch))?"
         r"(?:\s*\(?\s*gmt\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*\)?)?")
# "Ngày đăng: 11/10/2016", "Cập nhật: 11/10/2016 08:30", "Thứ ba, 11/10/2016 - 08:30",
# "ngày 11 tháng 10 năm 2016", "(11.10.2016)": a line that only dates the page.
DATE_LINE = re.compile(
    rf"^[\s(\[]*(?:(?P<label>{_PUBLISHED}|{_UPDATED})\s*[:：]?\s*)?"
    rf"(?P<weekday>{_WEEKDAY}\s*[,\-–]?\s*)?"
    rf"(?:(?:lúc\s+)?{_TIME}\s*[,\-–]?\s*)?(?:ngày\s*)?{DATE}"
    rf"(?:\s*[,\-–]?\s*(?:lúc\s*)?{_TIME})?[\s)\]]*$", re.IGNORECASE)
_TIME_LINE = re.compile(rf"^[\s(]*(?:lúc\s+)?{_TIME}[\s)]*$", re.IGNORECASE)
# "Lượt xem: 1234", "1.234 lượt xem", "Hits: 12".
_VIEWS_LINE = re.compile(
    r"^(?:(?:số\s+)?(?:lượt\s+(?:xem|đọc|truy\s+cập)|đã\s+xem|views?|hits|xem)\s*[:：]?\s*"
    r"[\d.,\s]+(?:\s*lượt)?|[\d.,]+\s*lượt\s+(?:xem|đọc))$", re.IGNORECASE)
# Buttons and links of the site: print, e-mail, share, back to top, previous/next article.
_UI_LINE = re.compile(
    r"^(?:in(?:\s+bài(?:\s+viết|\s+này)?|\s+trang)?|bản\s+in|gửi\s+(?:e-?mail|bài(?:\s+viết)?"
    r"(?:\s+qua\s+e-?mail)?|cho\s+bạn\s+bè)|e-?mail|print|chia\s+sẻ(?:\s+bài\s+viết)?|share|"
    r"tweet|thích|like|facebook|twitter|zalo|linkedin|quay\s+(?:lại|về)|trở\s+(?:về|lại)|"
    r"(?:về|lên)\s+đầu\s+trang|đầu\s+trang|«\s*trước|trước|tiếp\s*»|tiếp|"
    r"(?:bài|tin)\s+(?:trước|sau|tiếp\s+theo)|đang\s+tải\W*|thích\s+điều\s+này|phản\s+hồi|"
    r"trả\s+lời|cỡ\s+chữ|[«»<>]+)\s*[:：]?$", re.IGNORECASE)
# "Tags: ...", "Từ khóa: ...", "Chuyên mục: Tin tức".
_TAGS_LINE = re.compile(
    r"^(?:(?:tags?|thẻ|từ\s+kho[áa]|keywords?)\s*[:：].{0,200}"
    r"|(?:chuyên\s+mục|danh\s+mục)\s*[:：].{0,60})$", re.IGNORECASE)
_SEGMENTS = re.compile(r"\s*[|·•]\s*")


def article_lines(lines: list[str]) -> list[str]:
    """Return lines up to a related-links heading, without the updater line.

    The heading must be the whole line ("Các bài viết khác:"): an article
    may well start with "Tin khác thường …".
    """
    kept: list[str] = []
    for line in lines:
        if RELATED_TITLE.match(line):
            break
        if not UPDATER.match(line):
            kept.append(line)
    return kept


def line_kind(line: str) -> str | None:
    """Name what a line of a page is when it belongs to the site, else None.

    Kinds: "updater", "related" (a related-block heading), "date", "views", "ui" (buttons),
    "tags", "separator". A line of several such parts ("Cập nhật: 11/10/2016 | Lượt xem: 5")
    takes the kind of its first part.
    """
    if UPDATER.match(line):
        return "updater"
    if len(line) > 250:
        return None
    if RELATED_TITLE.match(line):
        return "related"
    segments = [part for part in _SEGMENTS.split(line) if part.strip(" -–—:*_=~.")]
    if not segments:
        return "separator"
    kinds = [_segment_kind(part) for part in segments]
    if all(kinds):
        return kinds[0]
    return None


def _segment_kind(segment: str) -> str | None:
    if DATE_LINE.match(segment) or _TIME_LINE.match(segment):
        return "date"
    if _VIEWS_LINE.match(segment):
        return "views"
    if _UI_LINE.match(segment):
        return "ui"
    if _TAGS_LINE.match(segment):
        return "tags"
    return None
