"""User query text to a Whoosh query over the text fields and document numbers."""

from __future__ import annotations

import re
from typing import Any

from whoosh import qparser, query

from index.numbers import number_key
from index.schema import TEXT_FIELDS

# A query that reads as a document number: digits, then one to four short
# letter/digit parts ("22-KH/CB", "22 kh cb", "Số 05/QĐ-UBND").
_NUMBER_LIKE = re.compile(r"[0-9]{1,4}(?:-[0-9a-z]{1,12}){1,4}")
NUMBER_BOOST = 50.0
CITATION_BOOST = 5.0


def build_query(text: str, schema: Any) -> Any:
    """Return the query for text, or Every() for an empty text.

    All words must match (AND), in any text field; quotes make a phrase.
    A query that reads as a document number also looks up that number, so
    the document that carries it comes first and the ones citing it next.
    """
    if not text.strip():
        return query.Every()
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=TEXT_FIELDS,
                                      group=qparser.AndGroup)
    # "Số: 22-KH/CB" must not read as a field named "Số"; users never need
    # field syntax, and it would reach fields the public must not query.
    parser.remove_plugin_class(qparser.FieldsPlugin)
    text_query = parser.parse(text)
    key = number_key(text)
    if not _NUMBER_LIKE.fullmatch(key):
        return text_query
    return query.Or([
        query.Term("number_key", key, boost=NUMBER_BOOST),
        query.Term("ref_keys", key, boost=CITATION_BOOST),
        text_query,
    ])


def terms_for_field(user_query: Any, fieldname: str) -> set[str]:
    """Return the indexed words of a query that belong to one field (for highlighting)."""
    return {text.decode("utf-8") if isinstance(text, bytes) else text
            for name, text in user_query.iter_all_terms() if name == fieldname}
