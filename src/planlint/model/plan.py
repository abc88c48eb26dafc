"""The plan as data: teams, their statements, values and expressions.

Built by the Transformer in `parse.py`; read by the graph and the rules. Every
object keeps its `Span`, so a finding can always point at what the user wrote.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from planlint.language.quantity import PlanDate, Quantity, Tolerance
from planlint.language.records import record
from planlint.language.source import ParseProblem
from planlint.language.span import Span

# Values -----------------------------------------------------------------


@record
class Amount:
    """A number, money, percent, count or rate; a range when lo < hi; maybe a tolerance."""

    quantity: Quantity
    span: Span
    tolerance: Tolerance | None = None
    is_range: bool = False


@dataclass(frozen=True, slots=True)
class Text:
    """A definition in words: `"SQL: score >= 60"`."""

    text: str
    span: Span

    @property
    def meaning(self) -> str:
        """What the words say, for comparing: spaces around them dropped, and Unicode NFC-normalised
        ("Café" typed on a Mac and on Windows is one text)."""
        return unicodedata.normalize("NFC", self.text.strip())


@dataclass(frozen=True, slots=True)
class When:
    """A date used as a value: `= 2027-07-15`."""

    date: PlanDate
    span: Span


Value = Amount | Text | When


def value_meaning(value: Value | None) -> tuple[object, ...]:
    """What a stated value means, not how it is written: `$24k` and `24000 USD`,
    `1000 leads/quarter` and `4000 leads/year` mean the same."""
    if isinstance(value, Amount):
        tolerance = (value.tolerance.amount, value.tolerance.relative) if value.tolerance else None
        quantity = value.quantity
        return ("amount", quantity.lo, quantity.hi, quantity.unit.meaning(), tolerance)
    if isinstance(value, Text):
        return ("text", value.meaning)
    if isinstance(value, When):
        return ("date", value.date.last_day())
    return ("none",)


# Expressions ----------------------------------------------------------------
# eq=False: expressions can be thousands of levels deep, and a generated
# __eq__ would recurse through all of them.


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    name: str
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Literal:
    amount: Amount
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Binary:
    op: str  # + - * /
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True, eq=False)
class Negate:
    operand: Expr
    span: Span


Expr = Reference | Literal | Binary | Negate


def references(expr: Expr) -> list[Reference]:
    """Every name an expression refers to, left to right (iterative: no depth limit)."""
    found: list[Reference] = []
    stack: list[Expr] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Reference):
            found.append(node)
        elif isinstance(node, Binary):
            stack.append(node.right)
            stack.append(node.left)
        elif isinstance(node, Negate):
            stack.append(node.operand)
    return found


def post_order(expr: Expr) -> Iterator[Expr]:
    """Every node of an expression, each after its operands (left first), without recursion: a
    caller keeps a stack of results, pushing one per name or number and popping one per `Negate`
    and two per `Binary`."""
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, operands_done = stack.pop()
        if operands_done or isinstance(node, (Reference, Literal)):
            yield node
        elif isinstance(node, Binary):
            stack += [(node, True), (node.right, False), (node.left, False)]
        else:
            stack += [(node, True), (node.operand, False)]


# Statements -------------------------------------------------------------


@record
class Requirement:
    """What a consumer or a goal asks of a value: `>= 2000 leads/year`, `= $50k`, `in a .. b`."""

    op: str  # ">=", "<=", "=", "in"
    value: Value


@dataclass(frozen=True, slots=True)
class Owner:
    handle: str
    span: Span


@dataclass(slots=True)
class Goal:
    metric: str
    requirement: Requirement
    span: Span
    team: str = ""


@dataclass(slots=True)
class Produces:
    name: str
    value: Value | None
    by: PlanDate | None
    span: Span
    team: str = ""


@dataclass(slots=True)
class Consumes:
    name: str
    requirement: Requirement | None
    by: PlanDate | None
    span: Span
    team: str = ""


@dataclass(slots=True)
class Derive:
    name: str
    expr: Expr
    span: Span
    team: str = ""


Statement = Owner | Goal | Produces | Consumes | Derive
S = TypeVar("S", bound=Statement)
# Goal, Produces, Consumes and Derive are mutable only so that the parser can
# stamp the owning team on them once the block around them is complete.


@dataclass(slots=True)
class Block:
    """A `team NAME { ... }` or `org NAME { ... }` block."""

    kind: str  # "team" or "org"
    name: str
    span: Span  # the header: `team sales {`
    statements: list[Statement] = field(default_factory=list)

    @property
    def owners(self) -> list[str]:
        return [s.handle for s in self.statements if isinstance(s, Owner)]

    @property
    def is_org(self) -> bool:
        return self.kind == "org"

    def of_type(self, kind: type[S]) -> list[S]:
        return [s for s in self.statements if isinstance(s, kind)]


@dataclass(slots=True)
class PlanFile:
    """One `.plan` file: its blocks, or the problem that stopped its parse."""

    path: str
    blocks: list[Block] = field(default_factory=list)
    problem: ParseProblem | None = None
    # line -> rule names/codes silenced there; an empty set silences every rule.
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Plan:
    """Every file of a plan repository, read as one whole (paths sorted)."""

    files: list[PlanFile] = field(default_factory=list)
    _lines: dict[str, list[str]] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def blocks(self) -> list[Block]:
        return [block for f in self.files for block in f.blocks]

    def source_line(self, path: str, line: int) -> str | None:
        """The text of line `line` (1-based) of the file at `path`, as written; None if there is none."""
        if self._lines is None:  # one look-up per question: index the files once
            self._lines = {}
            for plan_file in self.files:
                self._lines.setdefault(plan_file.path, plan_file.lines)
        lines = self._lines.get(path)
        return lines[line - 1] if lines is not None and 0 < line <= len(lines) else None

    def source_text(self, span: Span) -> str:
        """The text a span covers, as written; an expression continued over several lines is given
        on one, its line breaks and comments made single spaces ("" where the file has no such lines)."""
        lines = [self.source_line(span.path, number) for number in range(span.line, span.end_line + 1)]
        if not lines or None in lines:
            return ""
        if len(lines) == 1:
            return lines[0][span.column - 1 : span.end_column - 1]  # type: ignore[index]
        lines[0], lines[-1] = lines[0][span.column - 1 :], lines[-1][: span.end_column - 1]  # type: ignore[index]
        return " ".join(part for line in lines if (part := line.split("#", 1)[0].strip()))  # type: ignore[union-attr]
