"""The controlled list of document types, their Vietnamese labels and abbreviations."""

from __future__ import annotations

import re

from index.text import fold_accents

# slug -> label shown to users (full diacritics).
DOC_TYPES: dict[str, str] = {
    "nghi-quyet": "Nghị quyết",
    "ke-hoach": "Kế hoạch",
    "chi-thi": "Chỉ thị",
    "quyet-dinh": "Quyết định",
    "thong-bao": "Thông báo",
    "bao-cao": "Báo cáo",
    "huong-dan": "Hướng dẫn",
    "chuong-trinh": "Chương trình",
    "ket-luan": "Kết luận",
    "quy-che": "Quy chế",
    "quy-dinh": "Quy định",
    "de-an": "Đề án",
    "to-trinh": "Tờ trình",
    "cong-van": "Công văn",
    "nghi-dinh": "Nghị định",
    "thong-tu": "Thông tư",
    "van-ban-hop-nhat": "Văn bản hợp nhất",
    "tin-tuc": "Tin tức",
    "luat": "Luật",
    "bo-luat": "Bộ luật",
    "hien-phap": "Hiến pháp",
}

DEFAULT_DOC_TYPE = "tin-tuc"

# Type abbreviation in a document number (upper case, Đ kept) -> slug.
# Decree 30/2020/NĐ-CP, Appendix III, plus the Party's KL and TT. Keys keep Đ
# because folding would merge HD (Hướng dẫn) with HĐ (Hợp đồng).
ABBREVIATIONS: dict[str, str] = {
    "NQ": "nghi-quyet",
    "KH": "ke-hoach",
    "CT": "chi-thi",
    "QĐ": "quyet-dinh",
    "NĐ": "nghi-dinh",
    "VBHN": "van-ban-hop-nhat",
    "QD": "quyet-dinh",  # QĐ typed without the stroke; nothing else is QD
    "TB": "thong-bao",
    "BC": "bao-cao",
    "HD": "huong-dan",
    "CTR": "chuong-trinh",
    "KL": "ket-luan",
    "QC": "quy-che",
    "QYĐ": "quy-dinh",
    "QĐI": "quy-dinh",
    "ĐA": "de-an",
    "TTR": "to-trinh",
}

# First words of a title (folded, lower case) -> slug.
TITLE_PREFIXES: dict[str, str] = {
    "nghi quyet": "nghi-quyet",
    "ke hoach": "ke-hoach",
    "chi thi": "chi-thi",
    "quyet dinh": "quyet-dinh",
    "thong bao": "thong-bao",
    "bao cao": "bao-cao",
    "huong dan": "huong-dan",
    "chuong trinh": "chuong-trinh",
    "ket luan": "ket-luan",
    "quy che": "quy-che",
    "quy dinh": "quy-dinh",
    "de an": "de-an",
    "to trinh": "to-trinh",
}


def label(slug: str) -> str:
    """Return the Vietnamese label of a document type slug (the slug if unknown)."""
    return DOC_TYPES.get(slug, slug)


def doc_type_slug(value: str) -> str | None:
    """Return the slug for a type given as slug or label ("Văn bản hợp nhất"), else None."""
    if value in DOC_TYPES:
        return value
    slug = re.sub(r"[^a-z0-9]+", "-", fold_accents(value).lower()).strip("-")
    return slug if slug in DOC_TYPES else None
