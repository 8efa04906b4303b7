"""The error a source file gives when it cannot be read into documents."""

from __future__ import annotations


class SourceError(Exception):
    """A source (file, or a line of one) could not be turned into a document."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason

    def __reduce__(self) -> tuple[type[SourceError], tuple[str, str]]:
        # Pickled from worker processes: rebuild from both arguments, not the message.
        return (SourceError, (self.source, self.reason))
