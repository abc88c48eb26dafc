"""Fixes: the edits behind a finding's help line, as data every sink can offer.

A finding may carry fixes. Each has a title (what accepting it means, in the
plan owner's words), an applicability, and text edits that may span files:

- `safe`: the meaning of the plan is unchanged (a misspelt keyword spelt right);
  `planlint check --fix` applies it.
- `unsafe`: it changes a plan commitment (a consumer's assumed value, a
  producer's value); applied only with `--unsafe-fixes`.
- A fix with an `alternative_group` is one of several ways out (each value that
  alone would close a goal's gap): a person chooses, `--fix` never applies it.

Lines and columns count as a `Span`'s do: from 1, in characters, the end
exclusive, on the file's text with its line endings read as one `\\n`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from planlint.language.span import Span

SAFE = "safe"
UNSAFE = "unsafe"
APPLICABILITIES = (SAFE, UNSAFE)


@dataclass(frozen=True, slots=True, order=True)
class Edit:
    """Replace the text from (start_line, start_column) to (end_line, end_column) of `path` by `new_text`."""

    path: str
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    new_text: str

    @classmethod
    def replacing(cls, span: Span, new_text: str) -> Edit:
        return cls(span.path, span.line, span.column, span.end_line, span.end_column, new_text)

    @property
    def span(self) -> Span:
        """The text the edit replaces."""
        return Span(self.path, self.start_line, self.start_column, self.end_line, self.end_column)

    @property
    def start(self) -> tuple[int, int]:
        return self.start_line, self.start_column

    @property
    def end(self) -> tuple[int, int]:
        return self.end_line, self.end_column

    def overlaps(self, other: Edit) -> bool:
        """Whether the two edits touch the same text (two insertions at one place do): applying
        both at once could not keep what each means."""
        if self.path != other.path:
            return False
        if self.start == other.start:
            return True
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.start_line,
            "column": self.start_column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "new_text": self.new_text,
        }


@dataclass(frozen=True, slots=True, order=True)
class Fix:
    """One way to resolve a finding: its title, whether it keeps the plan's meaning, and its edits."""

    title: str
    applicability: str  # SAFE or UNSAFE
    edits: tuple[Edit, ...]
    alternative_group: str = ""  # fixes sharing a group are alternatives: a person picks one

    def __post_init__(self) -> None:
        if self.applicability not in APPLICABILITIES:
            raise ValueError(f"a fix is safe or unsafe, not {self.applicability!r}")
        if not self.edits:
            raise ValueError("a fix needs at least one edit")

    @property
    def is_alternative(self) -> bool:
        return bool(self.alternative_group)

    def applies(self, unsafe: bool) -> bool:
        """Whether `--fix` applies it (with `--unsafe-fixes` when `unsafe`)."""
        return not self.alternative_group and (self.applicability == SAFE or unsafe)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(edit.path for edit in self.edits))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "applicability": self.applicability,
            "alternative_group": self.alternative_group or None,
            "edits": [edit.to_dict() for edit in self.edits],
        }


def safe_fix(title: str, *edits: Edit) -> Fix:
    return Fix(title, SAFE, edits)


def unsafe_fix(title: str, *edits: Edit, alternative_group: str = "") -> Fix:
    return Fix(title, UNSAFE, edits, alternative_group)


# Making edits in a text ---------------------------------------------------------

# Line endings as `language.source.decode` reads them: edits count lines the same way.
_LINE_END = re.compile(r"\r\n|\r|\n")


class EditOutOfRange(ValueError):
    """An edit whose lines or columns the text does not have (the file changed since it was read)."""


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """`text` with `edits` made (none may overlap another), everything else kept as it is:
    comments, spacing and each line's own ending. A new line inside an edit's text takes the
    ending the file's first line has."""
    ordered = sorted(edits, key=lambda edit: (edit.start, edit.end))
    for first, second in itertools.pairwise(ordered):
        if first.overlaps(second):
            raise ValueError(f"edits overlap at line {second.start_line}: apply them one after the other")
    starts, lengths = _line_offsets(text)
    ending = _first_ending(text)
    pieces, done = [], 0
    for edit in ordered:
        begin = _offset(starts, lengths, edit.start_line, edit.start_column)
        end = _offset(starts, lengths, edit.end_line, edit.end_column)
        if end < begin:
            raise EditOutOfRange(f"an edit ends before it starts, at line {edit.start_line}")
        pieces += [text[done:begin], edit.new_text.replace("\n", ending)]
        done = end
    pieces.append(text[done:])
    return "".join(pieces)


def _line_offsets(text: str) -> tuple[list[int], list[int]]:
    """Where each line starts, and how long it is without its ending."""
    starts, lengths, position = [], [], 0
    for ending in _LINE_END.finditer(text):
        starts.append(position)
        lengths.append(ending.start() - position)
        position = ending.end()
    starts.append(position)
    lengths.append(len(text) - position)
    return starts, lengths


def _offset(starts: Sequence[int], lengths: Sequence[int], line: int, column: int) -> int:
    if not 1 <= line <= len(starts) or not 1 <= column <= lengths[line - 1] + 1:
        raise EditOutOfRange(f"line {line}, column {column} is not in the file")
    return starts[line - 1] + column - 1


def _first_ending(text: str) -> str:
    found = _LINE_END.search(text)
    return found.group() if found else "\n"
