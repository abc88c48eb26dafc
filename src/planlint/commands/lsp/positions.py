"""Where things are, in the editor's terms.

planlint's spans count lines and columns from 1, in characters; the Language
Server Protocol counts from 0, in UTF-16 code units (an emoji in a comment
counts two). Every position that crosses the wire goes through here.
"""

from __future__ import annotations

import re

from lsprotocol import types

from planlint.commands.lsp.workspace import Snapshot
from planlint.language.span import Span


def utf16_column(line: str, column: int) -> int:
    """The UTF-16 offset of the 0-based character `column` of `line`."""
    prefix = line[:column]
    return column + sum(1 for char in prefix if ord(char) > 0xFFFF)


def char_column(line: str, units: int) -> int:
    """The 0-based character index of the UTF-16 offset `units` of `line` (clamped to the line)."""
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    return len(line)


def _position(lines: list[str], line: int, column: int) -> types.Position:
    """The LSP position of a 1-based (line, column) of the file with `lines`."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return types.Position(max(line - 1, 0), utf16_column(text, max(column - 1, 0)))


def span_range(snapshot: Snapshot, span: Span) -> types.Range:
    plan_file = snapshot.file(span.path)
    lines = plan_file.lines if plan_file is not None else []
    return types.Range(_position(lines, span.line, span.column), _position(lines, span.end_line, span.end_column))


def location(snapshot: Snapshot, span: Span) -> types.Location:
    return types.Location(snapshot.path_of(span.path).as_uri(), span_range(snapshot, span))


def whole_text(text: str) -> types.Range:
    """From the start of a document to its end."""
    lines = re.split(r"\r\n|\r|\n", text)  # the protocol's line ends
    return types.Range(types.Position(0, 0), types.Position(len(lines) - 1, utf16_column(lines[-1], len(lines[-1]))))
