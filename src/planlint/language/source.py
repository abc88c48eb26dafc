"""A plan file's text: decoded from bytes, split into lines, and the comments
that silence findings. A file that cannot be read becomes a `ParseProblem`,
never an exception: it is reported as a syntax error and the rest of the
plan is still checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planlint.language.span import Span

_SUPPRESSION = re.compile(r"#\s*planlint:\s*ignore\b(?:\[(?P<rules>[^\]]*)\])?")


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """Why a file could not be read as a plan; becomes a syntax-error finding."""

    span: Span
    message: str
    help: str = ""
    rule: str = "syntax-error"
    suggestion: str = ""  # did-you-mean: the one spelling that replaces the span and parses


def decode(path: str, data: bytes) -> str | ParseProblem:
    """The file's text (BOM skipped, line endings made `\\n`), or where it is not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        # Columns count characters, as everywhere else: the bytes before the bad one are valid UTF-8.
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        return ParseProblem(
            Span(path, line, column, line, column + 1),
            f"the file is not UTF-8 text: byte 0x{data[err.start]:02x} at line {line}, column {column}",
            "save the file as UTF-8 (plain text); planlint reads nothing else",
        )
    if "\r" in text:  # most files end their lines with \n alone: no copy to make
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A fast scan for each odd break (none at all for one the text's characters cannot hold): several
    # times cheaper than one search for the regular expression's class (0.5 µs against 3.5 µs a 1 kB file).
    if not any(char in text for char in ODD_LINE_BREAKS):
        return text
    odd = _ODD_BREAK.search(text)
    assert odd is not None
    return _odd_break(path, text, odd.start())


# Characters that some readers take for a line break and others do not (Python's splitlines, editors,
# GitHub): a plan holding one would have different line numbers in different tools, so none is read.
ODD_LINE_BREAKS = {
    "\x0b": "a vertical tab",
    "\x0c": "a form feed",
    "\x1c": "a file separator",
    "\x1d": "a group separator",
    "\x1e": "a record separator",
    "\x85": "a next-line character",
    "\u2028": "a line separator",
    "\u2029": "a paragraph separator",
}
_ODD_BREAK = re.compile(f"[{''.join(ODD_LINE_BREAKS)}]")


def _odd_break(path: str, text: str, at: int) -> ParseProblem:
    line_start = text.rfind("\n", 0, at) + 1
    line, column = text.count("\n", 0, at) + 1, at - line_start + 1
    return ParseProblem(
        Span(path, line, column, line, column + 1),
        f"line {line} holds {ODD_LINE_BREAKS[text[at]]} (U+{ord(text[at]):04X}) at column {column}, which some "
        "tools take for a line break and others do not",
        "replace it with a newline or a space, so that every tool counts the same lines",
    )


def suppressions(lines: list[str]) -> dict[int, frozenset[str]]:
    """`# planlint: ignore[value-mismatch, PL103]` per line; a bare ignore silences all."""
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(lines, start=1):
        if "planlint:" not in line:
            continue
        match = _SUPPRESSION.search(_outside_strings(line))
        if match:
            rules = match["rules"] or ""
            found[number] = frozenset(r.strip() for r in rules.split(",") if r.strip())
    return found


def _outside_strings(line: str) -> str:
    """The line with quoted text blanked, so a `#` inside quotes is no comment."""
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group()), line)
