"""Where something stands in a plan file: the span every model object keeps."""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """A region of a source file; lines and columns count from 1, end column exclusive.

    A named tuple rather than a frozen dataclass: as immutable, ordered and
    hashable, and built in half the time (the parser makes one or more per
    statement: ~600,000 for a 10,000-team plan).
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"
