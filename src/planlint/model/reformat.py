"""A plan file in the canonical layout, but only when that provably changes nothing it says.

`language.layout` moves spaces and lines; this module is its safety catch. The
text is parsed before and after, and the new layout is used only when both
models are the same (positions aside), every comment is still there, and every
`# planlint: ignore` still sits on the line of the same statement. Otherwise
the file is left as it stands and the reason is given: a file that does not
parse is never reformatted (its next edit may change how it reads).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from planlint.language.layout import comments, format_plan
from planlint.model.parse import parse_text
from planlint.model.plan import PlanFile


@dataclass(frozen=True)
class Reformatted:
    """The text to write (the original one when nothing may change) and why it was kept, if it was."""

    original: str
    text: str
    refused: str | None = None  # why `text` is the original; None when it may be written
    line: int = 1  # where the reason lies (a syntax error's place)
    column: int = 1

    @property
    def changed(self) -> bool:
        return self.text != self.original


def reformat(path: str, text: str) -> Reformatted:
    """`text` (a decoded plan file) in the canonical layout, when that is safe."""
    before = parse_text(path, text)
    if before.problem is not None:
        span = before.problem.span
        return Reformatted(text, text, before.problem.message, span.line, span.column)
    laid_out = format_plan(text)
    if laid_out == text:
        return Reformatted(text, text)
    after = parse_text(path, laid_out)
    try:
        same = after.problem is None and meaning(before) == meaning(after)
    except RecursionError:  # an expression nested thousands deep: not worth the risk
        same = False
    if not same or comments(text) != comments(laid_out):
        return Reformatted(text, text, "the new layout would change what the file says, so it was left as it is")
    return Reformatted(text, laid_out)


def meaning(plan_file: PlanFile) -> tuple[Any, ...]:
    """What a file says, without where it says it: its blocks and statements as plain values,
    each with the suppressions on its line."""
    said: list[Any] = []
    for block in plan_file.blocks:
        said.append((block.kind, block.name, plan_file.suppressions.get(block.span.line)))
        said.extend(
            (_shape(statement), plan_file.suppressions.get(statement.span.line)) for statement in block.statements
        )
    return tuple(said)


def _shape(value: Any) -> Any:
    """A model object as nested tuples of its fields, spans left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__,) + tuple(
            _shape(getattr(value, item.name)) for item in dataclasses.fields(value) if item.name != "span"
        )
    if isinstance(value, (list, tuple)):
        return tuple(_shape(item) for item in value)
    return value
