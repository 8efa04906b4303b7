"""How a text cites the documents whose numbers it writes (index.relations).

Each number is read in its clause (a sentence, or the part of one between
semicolons):

- a clause that opens with "Căn cứ" cites every number in it as a basis
  (``can-cu``), the names of the documents included ("Nghị định số
  154/2020/NĐ-CP sửa đổi, bổ sung ..." in a "Căn cứ" clause amends nothing);
  a clause that follows it in the same sentence without a verb of its own
  continues it ("Căn cứ Luật A; Nghị định B; ...");
- otherwise the last verb before the number names the relation, when a
  document is named within a few words after it: "thực hiện / triển khai /
  thi hành" (``thuc-hien``), "thay thế" (``thay-the``), "sửa đổi, bổ sung"
  (``sua-doi``), "căn cứ" (``can-cu``). The verb covers the numbers that follow
  it in its clause ("Thực hiện Quyết định số 14/2014/QĐ-TTg ... và Chương
  trình số 02/CTr-LHH");
- a passive verb ("đã được sửa đổi, bổ sung theo Luật số ...") or a verb that is
  part of a cited document's name ("Luật số 37/2009/QH12 sửa đổi ...") says how
  other documents relate, not this one: the numbers after it are cited plainly;
- "X hết hiệu lực kể từ ngày ... này có hiệu lực" means this document replaces X;
- a clause that opens with "Thực hiện / Triển khai" gives ``thuc-hien`` to the
  numbers no verb names;
- every other number is a plain citation (``dan-chieu``).
"""

from __future__ import annotations

import bisect
import re
from functools import cache

from index.numbers import NUMBER_PATTERN
from index.relations import ANY_CITATION, Relation
from index.text import fold_accents, to_nfc

# The verbs, written without accents (the text is folded letter for letter first).
_VERBS = re.compile(r"(?<!\w)(?P<verb>can cu|(?:trien khai )?thuc hien|trien khai|thi hanh"
                    r"|thay the|sua doi(?:,? bo sung)?)(?!\w)")
_TYPE_OF_VERB = {"can cu": "can-cu", "thay the": "thay-the", "sua doi": "sua-doi"}
# What names a document, right after a verb: "Chỉ thị", "các văn bản", "Điều 3 của Luật".
_DOCUMENT_WORDS = (
    r"(?:bo luat|luat|phap lenh|hien phap|nghi dinh|nghi quyet|quyet dinh|chi thi|thong tu"
    r"|ke hoach|huong dan|chuong trinh|thong bao|bao cao|cong van|quy dinh|quy che|dieu le"
    r"|ket luan|van ban|de an|to trinh|thong tri|quy trinh)(?!\w)")
# At most six words between a verb and the document it names ("sửa đổi, bổ sung khoản
# 1 Điều 9 của Luật").
_NAMED_AFTER_VERB = re.compile(rf"\s*(?:[^\s;]+\s+){{0,6}}?{_DOCUMENT_WORDS}")
# "đã được sửa đổi", "bị thay thế": how other documents relate, not this one; "chưa
# thực hiện", "không thực hiện": no relation either.
_PASSIVE_BEFORE = re.compile(r"(?<!\w)(?:duoc|bi|chua|khong)\s+(?:\w+\s+)?$")
# "theo" or "tại" between a verb and a number: "thực hiện chế độ báo cáo theo Hướng
# dẫn số ..." implements something else, by the document cited ("ban hành kèm theo"
# is part of a name).
_BY_ANOTHER = re.compile(r"(?<!\w)(?<!kèm )(?:theo|tại)(?!\w)", re.IGNORECASE)  # as written
# "Luật sửa đổi ...", "Nghị định số 154/2020/NĐ-CP ngày 31/12/2020 sửa đổi ...": the
# verb is part of the name of a cited document.
_NAME_BEFORE = re.compile(rf"(?:{_DOCUMENT_WORDS}|\d[\w/-]*[/-][\w/-]*\w(?:\s+ngay\s+[\d/]+)?)"
                          r"\s*,?\s*$")
# How far (in characters) a verb reaches from the document it names to its number, and
# from one number to the next ("Thực hiện Quyết định số ... và Chương trình số ...").
_REACH = 250
# "Luật ... số 64/2010/QH12 hết hiệu lực kể từ ngày Luật này có hiệu lực" (also for the
# numbers of a list before "hết hiệu lực").
_REPLACED_AFTER = re.compile(r"[^;]{0,200}?(?<!\w)het hieu luc(?!\w)[^;]*\bnay co hieu luc")
# A clause's first words: "Căn cứ", "1. Thực hiện", "- Tiếp tục triển khai thực hiện"
# (not "Thực hiện theo quy định của Luật ...").
_LEADS = re.compile(r"(?:[-+•*]\s*|\d{1,2}[.)]\s*|[a-z][)]\s*)*(?:tiep tuc\s+)?"
                    r"(?:(?P<basis>can cu)|(?:day manh\s+)?(?:trien khai\s+)?"
                    r"(?:thuc hien|trien khai|thi hanh))(?!\w)(?!\s+theo(?!\w))")
_STOPS = re.compile(r"[.!?]\s+|\n")


def cited_relations(title: str, body: str, own: str, *, official: bool = True
                    ) -> list[Relation]:
    """Return how title and body cite each document number they write (not the
    document's own), in order of appearance: a number cited several ways once per
    way, and plainly only when in no other way. A text that is not an official
    document (``official=False``: a news article) cites every number plainly."""
    found: list[Relation] = []
    for text, is_title in ((to_nfc(title), True), (to_nfc(body), False)):
        found += _relations_in(text, own, is_title)
    if not official:
        found = [Relation(ANY_CITATION, relation.number) for relation in found]
    typed = {relation.number for relation in found if relation.type != ANY_CITATION}
    kept = [relation for relation in found
            if relation.type != ANY_CITATION or relation.number not in typed]
    return list(dict.fromkeys(kept))


def _relations_in(text: str, own: str, is_title: bool) -> list[Relation]:
    numbers = [match for match in NUMBER_PATTERN.finditer(text)
               if _written(match) != own]
    if not numbers:
        return []
    folded = _folded(text)
    relations = []
    for start, end in _sentences(text, numbers):
        lead = ""
        for clause_start, clause_end in _clauses(text, start, end):
            inside = [match for match in numbers if clause_start <= match.start() < clause_end]
            # A clause without first words of its own goes on as the one before it
            # ("Căn cứ Luật A; Nghị định B"), unless it has verbs of its own.
            own_lead = _lead(folded, clause_start)
            if own_lead or _VERBS.search(folded, clause_start, clause_end):
                lead = own_lead or ("can-cu" if lead == "can-cu" else "")
            for match in inside:
                kind = _kind(text, folded, match, clause_start, clause_end, lead, is_title)
                relations.append(Relation(kind, _written(match)))
    return relations


def _written(match: re.Match[str]) -> str:
    return match.group("number").replace("Ð", "Đ")


def _kind(text: str, folded: str, number: re.Match[str], start: int, end: int, lead: str,
          is_title: bool) -> str:
    """Return how a number of the clause [start, end) is cited."""
    if lead == "can-cu":
        return "can-cu"
    if _REPLACED_AFTER.match(folded, number.end(), end):
        return "thay-the"
    verbs = list(_VERBS.finditer(folded, start, number.start()))
    by_verb = _by_verb(text, folded, verbs[-1], number, is_title) if verbs else ""
    return by_verb or lead or ANY_CITATION


def _by_verb(text: str, folded: str, verb: re.Match[str], number: re.Match[str],
             is_title: bool) -> str:
    """Return the relation a verb before a number gives it ("" for none)."""
    head = folded[max(0, verb.start() - 60):verb.start()]
    if _PASSIVE_BEFORE.search(head):
        return ANY_CITATION
    kind = next((kind for word, kind in _TYPE_OF_VERB.items() if verb["verb"].startswith(word)),
                "thuc-hien")
    if kind in ("thay-the", "sua-doi") and not is_title and _NAME_BEFORE.search(head):
        return ANY_CITATION
    named = _NAMED_AFTER_VERB.match(folded, verb.end())
    if named is None or named.end() > number.start():
        return ""
    if _BY_ANOTHER.search(text, verb.end(), number.start()):
        return ""
    # The verb reaches its first number, then each next one that follows closely.
    reach = named.end()
    for other in NUMBER_PATTERN.finditer(text, reach, number.start()):
        if other.start() - reach > _REACH:
            return ""
        reach = other.end()
    return kind if number.start() - reach <= _REACH else ""


def _lead(folded: str, start: int) -> str:
    """Return the relation a clause's first words give the numbers no verb names."""
    head = folded[start:start + 80]
    match = _LEADS.match(head, len(head) - len(head.lstrip()))
    if match is None:
        return ""
    return "can-cu" if match["basis"] else "thuc-hien"


def _sentences(text: str, numbers: list[re.Match[str]]) -> list[tuple[int, int]]:
    """Return the (start, end) of each sentence holding a number.

    A sentence ends at a line break (not after ";" or ",", which go on with a list) or
    at ". " before a capital letter or a digit.
    """
    ends = [0]
    for stop in _STOPS.finditer(text):
        if stop.group() == "\n":
            last = stop.start() - 1
            while last >= 0 and text[last] in " \t":
                last -= 1
            if last >= 0 and text[last] in ";,":
                continue
        elif stop.end() < len(text) and not (text[stop.end()].isupper()
                                             or text[stop.end()].isdigit()):
            continue
        ends.append(stop.end())
    ends.append(len(text))
    spans: list[tuple[int, int]] = []
    for number in numbers:
        place = bisect.bisect_right(ends, number.start()) - 1
        span = (ends[place], ends[place + 1] if place + 1 < len(ends) else len(text))
        if not spans or spans[-1] != span:
            spans.append(span)
    return spans


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the parts of a sentence between semicolons."""
    cuts = [start, *(place + 1 for place in range(start, end) if text[place] == ";"), end + 1]
    return [(cuts[i], cuts[i + 1] - 1) for i in range(len(cuts) - 1)]


@cache
def _letter_table() -> dict[int, str]:
    """Return a translation of each accented Latin letter to its plain lower-case
    letter, one character for one, so offsets in the folded text are the text's."""
    table: dict[int, str] = {}
    for code in range(0xC0, 0x2000):
        plain = fold_accents(chr(code)).lower()
        if len(plain) == 1 and plain != chr(code):
            table[code] = plain
    return table


def _folded(text: str) -> str:
    folded = text.translate(_letter_table())
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in folded)
