"""Where things are, in the editor's terms.

planlint's spans count lines and columns from 1, in characters; the Language
Server Protocol counts from 0, in the code units the client chose at start-up:
UTF-16 unless it asked for UTF-8 or UTF-32 (an emoji in a comment counts 2, 4
or 1). Every position that crosses the wire goes through here.
"""

from __future__ import annotations

import re

from lsprotocol import types

from planlint.commands.lsp.workspace import Snapshot
from planlint.language.span import Span


def _utf16_units(char: str) -> int:
    return 2 if ord(char) > 0xFFFF else 1


def _utf8_units(char: str) -> int:
    return len(char.encode("utf-8", errors="surrogatepass"))


_UNITS = {"utf-8": _utf8_units, "utf-16": _utf16_units, "utf-32": lambda char: 1}
_units = _utf16_units
_encoding = "utf-16"


def use_encoding(encoding: object) -> None:
    """Count columns as the client does ("utf-8", "utf-16" or "utf-32", or lsprotocol's
    PositionEncodingKind of one), from now on."""
    global _units, _encoding
    name = str(getattr(encoding, "value", encoding))
    _encoding = name if name in _UNITS else "utf-16"
    _units = _UNITS[_encoding]


def encoding() -> str:
    """The position encoding agreed with the client: "utf-16" unless it chose "utf-8" or "utf-32"."""
    return _encoding


def client_column(line: str, column: int) -> int:
    """The client's offset of the 0-based character `column` of `line` (UTF-16 unless told otherwise)."""
    return sum(_units(char) for char in line[:column])


def char_column(line: str, units: int) -> int:
    """The 0-based character index of the client's offset `units` in `line` (clamped to the line)."""
    count = 0
    for index, char in enumerate(line):
        if count >= units:
            return index
        count += _units(char)
    return len(line)


def _position(lines: list[str], line: int, column: int) -> types.Position:
    """The LSP position of a 1-based (line, column) of the file with `lines`."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return types.Position(max(line - 1, 0), client_column(text, max(column - 1, 0)))


def span_range(snapshot: Snapshot, span: Span) -> types.Range:
    plan_file = snapshot.file(span.path)
    lines = plan_file.lines if plan_file is not None else []
    return types.Range(_position(lines, span.line, span.column), _position(lines, span.end_line, span.end_column))


def location(snapshot: Snapshot, span: Span) -> types.Location:
    return types.Location(snapshot.path_of(span.path).as_uri(), span_range(snapshot, span))


def whole_text(text: str) -> types.Range:
    """From the start of a document to its end."""
    lines = re.split(r"\r\n|\r|\n", text)  # the protocol's line ends
    return types.Range(types.Position(0, 0), types.Position(len(lines) - 1, client_column(lines[-1], len(lines[-1]))))
