"""How one document cites another: the relation types, their Vietnamese labels, and the
relations of a record (``{"type": ..., "number": ...}``)."""

from __future__ import annotations

from dataclasses import dataclass

from index.numbers import number_key
from index.text import fold_accents, to_nfc


@dataclass(frozen=True)
class RelationType:
    """One way of citing, named three ways: alone, for what a document cites so, and for
    the documents that cite it so."""

    slug: str
    label: str
    cites: str  # heading over the documents this one cites so
    cited_by: str  # heading over the documents that cite this one so
    status: str = ""  # what being cited so says of a document's force, if anything


# In the order a document page lists them, the catch-all last.
RELATION_TYPES: dict[str, RelationType] = {kind.slug: kind for kind in (
    RelationType("can-cu", "Căn cứ", "Văn bản này căn cứ", "Văn bản căn cứ văn bản này"),
    RelationType("thuc-hien", "Thực hiện", "Văn bản này thực hiện",
                 "Văn bản thực hiện văn bản này"),
    RelationType("thay-the", "Thay thế", "Văn bản này thay thế", "Văn bản thay thế văn bản này",
                 "Bị thay thế bởi"),
    RelationType("sua-doi", "Sửa đổi, bổ sung", "Văn bản này sửa đổi, bổ sung",
                 "Văn bản sửa đổi, bổ sung văn bản này", "Được sửa đổi, bổ sung bởi"),
    RelationType("dan-chieu", "Dẫn chiếu", "Văn bản này dẫn chiếu",
                 "Văn bản dẫn chiếu văn bản này"),
)}
ANY_CITATION = "dan-chieu"
_BY_NAME = {name: slug for slug, kind in RELATION_TYPES.items()
            for name in (slug, fold_accents(kind.label).lower(), slug.replace("-", " "))}


@dataclass(frozen=True)
class Relation:
    """A document cites the document bearing ``number`` in the way ``type`` names."""

    type: str
    number: str

    def to_record(self) -> dict[str, str]:
        """Return the relation in the record's shape."""
        return {"type": self.type, "number": self.number}


def relation_slug(name: str) -> str | None:
    """Return the relation type a slug or label names (accents and case forgiven)."""
    return _BY_NAME.get(" ".join(fold_accents(to_nfc(name)).lower().split()))


def completed(relations: list[Relation], refs: list[str]) -> tuple[list[Relation], list[str]]:
    """Return relations and refs that agree: every ref has a relation (``dan-chieu``
    where none is stated) and every relation's number is among the refs.

    A number is one number however it is written (index.numbers.number_key); a number
    cited in a stated way is not also listed as ``dan-chieu``.
    """
    all_refs = list(refs)
    keys = {number_key(ref) for ref in refs}
    for relation in relations:
        if number_key(relation.number) not in keys:
            keys.add(number_key(relation.number))
            all_refs.append(relation.number)
    stated = {number_key(relation.number) for relation in relations
              if relation.type != ANY_CITATION}
    kept: dict[tuple[str, str], Relation] = {}
    for relation in relations:
        key = number_key(relation.number)
        if relation.type == ANY_CITATION and key in stated:
            continue
        kept.setdefault((relation.type, key), relation)
    typed = {key for _, key in kept}
    for ref in all_refs:
        if number_key(ref) not in typed:
            typed.add(number_key(ref))
            kept[(ANY_CITATION, number_key(ref))] = Relation(ANY_CITATION, ref)
    order = {number_key(ref): place for place, ref in enumerate(all_refs)}
    ordered = sorted(kept.values(), key=lambda relation: (
        order[number_key(relation.number)], list(RELATION_TYPES).index(relation.type)))
    return ordered, all_refs
