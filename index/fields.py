"""The text field class of tracuu's schema.

Whoosh pickles each field's class into the index's table of contents, so
this class keeps its name and module for every index built with it. It
once took postings analysed in another process; analysis now happens in
the writer processes themselves (index.writer), and it is plain TEXT.
"""

from __future__ import annotations

from whoosh.fields import TEXT


class AnalyzedText(TEXT):
    """TEXT, under the name indexes already hold."""
