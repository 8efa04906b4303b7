"""What the streamed answers (exports, sitemaps) share."""

from __future__ import annotations

import io
from typing import overload


@overload
def drained(buffer: io.StringIO) -> str: ...
@overload
def drained(buffer: io.BytesIO) -> bytes: ...
def drained(buffer: io.StringIO | io.BytesIO) -> str | bytes:
    """Return what an in-memory buffer holds, and empty it: a streamed answer writes a
    batch into it, then sends the batch."""
    data = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return data
