"""From the text of a `.plan` file to the model.

Two readers give the same model. Most files are read line by line by
`_fast_parse` (regular expressions for the common statement shapes), which
hands any file it does not fully recognise to the Lark grammar; the grammar
stays the one definition of what a plan may say, and reports every syntax
error. Lark is imported only when a file needs it.

With Lark, the Transformer runs inside the LALR parse (no parse tree is
built), so each callback gets its children already turned into model objects.
Lark's `propagate_positions` does not reach an inline transformer, so spans
are taken from the keyword and value tokens directly.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from planlint.language import quantity as q
from planlint.language.grammar import lark_parser
from planlint.language.limits import LIMITS
from planlint.language.reader import BlockRecord, read_records
from planlint.language.source import ParseProblem, decode, suppressions
from planlint.language.span import Span
from planlint.language.values import (
    QuantityTerms,
    ValueRefused,
    negated,
    quantity_of,
    quantity_terms,
    range_terms,
    read_date,
)
from planlint.model.build import build_blocks, read_statement
from planlint.model.plan import (
    Amount,
    Binary,
    Block,
    Consumes,
    Derive,
    Expr,
    Goal,
    Literal,
    Negate,
    Owner,
    PlanFile,
    Produces,
    Reference,
    Requirement,
    Statement,
    Text,
    When,
)

if TYPE_CHECKING:
    from lark import Lark

__all__ = ["PlanSyntaxError", "parse_bytes", "parse_source", "parse_text", "parse_value"]

# What Lark hands a callback: the rule's tokens and the objects its sub-rules' callbacks returned,
# in the grammar's order. Their types follow from the grammar, which mypy cannot read.
Children: TypeAlias = list[Any]


@dataclass
class PlanSyntaxError(Exception):
    """Raised by the model builder for a value it cannot accept (`$5m`, `24kk`)."""

    span: Span
    message: str
    help: str = ""
    suggestion: str = ""  # the one spelling that replaces the span and parses, if there is one


def _span_of(path: str, first: Any, last: Any) -> Span:
    """The span from the start of `first` to the end of `last` (Lark's tokens or model objects)."""
    a = first.span if hasattr(first, "span") else first
    b = last.span if hasattr(last, "span") else last
    return Span(path, a.line, a.column, b.end_line, b.end_column)


class _Quantity:
    """A parsed quantity with its span and its `quantity_terms`, before it becomes an Amount or a Literal."""

    __slots__ = ("span", "terms", "value")

    def __init__(self, terms: QuantityTerms, span: Span) -> None:
        self.terms = terms
        self.value = quantity_of(*terms)
        self.span = span


class _Deadline:
    __slots__ = ("date", "span")

    def __init__(self, date: q.PlanDate, span: Span) -> None:
        self.date = date
        self.span = span


class PlanBuilder:
    """Lark's inline transformer: callbacks named after the grammar's rules, each returning a model object."""

    def __init__(self) -> None:
        self.path = "<plan>"
        self.operators = 0  # in the derivation being read: bounded by LIMITS.derive_terms

    def _span(self, first: Any, last: Any = None) -> Span:
        return _span_of(self.path, first, last if last is not None else first)

    def _fail(self, where: Any, message: str, help: str = "", suggestion: str = "") -> PlanSyntaxError:
        return PlanSyntaxError(self._span(where), message, help, suggestion)

    # Blocks and statements ------------------------------------------------

    def start(self, children: Children) -> list[Block]:
        return children

    def block(self, children: Children) -> Block:
        keyword, name, *statements, _rbrace = children
        for statement in statements:
            if not isinstance(statement, Owner):
                statement.team = name.value
        return Block(keyword.value, name.value, self._span(keyword, name), statements)

    def owner(self, children: Children) -> Owner:
        keyword, handle = children
        return Owner(handle.value[1:-1], self._span(keyword, handle))

    def goal(self, children: Children) -> Goal:
        keyword, name, requirement = children
        return Goal(name.value, requirement, self._span(keyword, requirement.value))

    def produces(self, children: Children) -> Produces:
        keyword, name, *rest = children
        value = next((c for c in rest if not isinstance(c, _Deadline)), None)
        deadline = next((c for c in rest if isinstance(c, _Deadline)), None)
        return Produces(
            name.value, value, deadline.date if deadline else None, self._span(keyword, rest[-1] if rest else name)
        )

    def consumes(self, children: Children) -> Consumes:
        keyword, name, *rest = children
        requirement = next((c for c in rest if isinstance(c, Requirement)), None)
        deadline = next((c for c in rest if isinstance(c, _Deadline)), None)
        last = deadline or (requirement.value if requirement else name)
        return Consumes(name.value, requirement, deadline.date if deadline else None, self._span(keyword, last))

    def derive(self, children: Children) -> Derive:
        keyword, name, expr = children
        self.operators = 0
        return Derive(name.value, expr, self._span(keyword, expr))

    def deadline(self, children: Children) -> _Deadline:
        keyword, when = children
        return _Deadline(when.date, self._span(keyword, when))

    def requirement(self, children: Children) -> Requirement:
        op, value = children
        return Requirement(op.value, value)

    # Values ---------------------------------------------------------------

    def amount(self, children: Children) -> Amount:
        if len(children) == 1:
            return Amount(children[0].value, children[0].span)
        value, _sign, width = children
        try:
            tolerance = q.tolerance_for(value.value, width.value)
        except q.QuantityError as err:
            raise self._fail(
                width, f"{err}", "write the tolerance in the value's own unit, or as a percentage"
            ) from None
        return Amount(value.value, self._span(value, width), tolerance)

    def range(self, children: Children) -> Amount:
        low, high = children
        try:
            low_terms, high_terms = range_terms(low.terms, high.terms)
            both = q.Quantity.between(quantity_of(*low_terms), quantity_of(*high_terms))
        except q.QuantityError as err:
            raise self._fail(high, str(err), "write both ends of a range in the same unit") from None
        return Amount(both, self._span(low, high), is_range=True)

    def text(self, children: Children) -> Text:
        return Text(children[0].value[1:-1], self._span(children[0]))

    def date(self, children: Children) -> When:
        token = children[0]
        try:
            return When(read_date(token.value), self._span(token))
        except ValueRefused as err:
            raise self._fail(token, err.message, err.help) from None

    def quantity(self, children: Children) -> _Quantity:
        first = children[0]
        unit = per = None
        for token in children[1:]:
            if token.type == "UNIT":
                unit = token
            else:  # PER
                per = token
        try:
            terms = quantity_terms(first.type, first.value, unit.value if unit else None, per.value if per else None)
        except ValueRefused as err:
            where = {"unit": unit, "quantity": self._span(first, unit or first)}.get(err.part, first)
            raise self._fail(where, err.message, err.help, err.suggestion) from None
        return _Quantity(terms, self._span(first, children[-1]))

    def negative(self, children: Children) -> _Quantity:
        minus, value = children
        return _Quantity(negated(value.terms), self._span(minus, value))

    # Expressions --------------------------------------------------------

    def binary(self, children: Children) -> Binary:
        left, op, right = children
        self.operators += 1
        if self.operators > LIMITS.derive_terms:  # stops the parse here: a million terms take minutes
            raise self._fail(
                op,
                f"this derivation has more than {LIMITS.derive_terms:,} operators, more than planlint reads in one",
                "split it into several derived metrics, each a part of the sum",
            )
        return Binary(op.value, left, right, self._span(left, right))

    def negate(self, children: Children) -> Negate:
        minus, operand = children
        return Negate(operand, self._span(minus, operand))

    def group(self, children: Children) -> Expr:
        """A parenthesised expression: its span takes in the parentheses."""
        inner: Expr
        left, inner, right = children
        return replace(inner, span=self._span(left, right))

    def reference(self, children: Children) -> Reference:
        return Reference(children[0].value, self._span(children[0]))

    def literal(self, children: Children) -> Literal:
        value = children[0]
        return Literal(Amount(value.value, value.span), value.span)


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, PlanBuilder]:
    builder = PlanBuilder()
    parser = lark_parser(builder)
    return parser, builder


def parse_text(path: str, text: str, *, fast: bool = True) -> PlanFile:
    """Parse one file's text; a syntax problem is recorded on the PlanFile, never raised.

    `fast=False` reads it with the grammar alone (the tests compare both readers).
    """
    return _parse_text(path, text, fast)[0]


# `records` not given: the line reader has not looked at the file yet.
UNREAD: Any = object()


def _parse_text(path: str, text: str, fast: bool, records: list[BlockRecord] | None = UNREAD) -> tuple[PlanFile, bool]:
    lines = text.split("\n")
    # Most files have no suppression: one scan of the text, and no line looked at.
    plan_file = PlanFile(path, lines=lines, suppressions=suppressions(lines) if "planlint:" in text else {})
    if not fast:
        records = None
    elif records is UNREAD:
        records = read_records(lines)
    blocks = build_blocks(path, records) if records is not None else None
    if blocks is not None:
        plan_file.blocks = blocks
        return plan_file, False
    from lark.exceptions import UnexpectedInput

    from planlint.language.syntax_errors import describe_parse_error, offer_suggestion

    parser, builder = _parser()
    builder.path = path
    builder.operators = 0
    try:
        plan_file.blocks = cast(list[Block], parser.parse(text))  # what the transformer's `start` returns
    except PlanSyntaxError as err:
        plan_file.problem = ParseProblem(err.span, err.message, err.help, suggestion=err.suggestion)
    except UnexpectedInput as err:
        plan_file.problem = describe_parse_error(path, text, err, parser)
    if plan_file.problem is not None and plan_file.problem.suggestion:
        plan_file.problem = offer_suggestion(plan_file.problem, text, parser)
    return plan_file, True


def parse_bytes(path: str, data: bytes, *, fast: bool = True) -> PlanFile:
    text = decode(path, data)
    if isinstance(text, ParseProblem):
        return PlanFile(path, problem=text)
    return _parse_text(path, text, fast)[0]


def parse_source(path: str, data: bytes, records: list[BlockRecord] | None = UNREAD) -> tuple[PlanFile, bool]:
    """`parse_bytes`, and whether the grammar had to read the file (what is worth caching).

    `records` are what `recognise` made of the same bytes, maybe in another process."""
    text = decode(path, data)
    if isinstance(text, ParseProblem):
        return PlanFile(path, problem=text), False
    return _parse_text(path, text, True, records)


def recognise(data: bytes) -> list[BlockRecord] | None:
    """The line reader's first step on a file's bytes (`language.reader.read_records`): plain data
    that `parse_source` turns into the model; None when the grammar must read the file."""
    text = decode("", data)
    return read_records(text.split("\n")) if isinstance(text, str) else None


_VALUE_PLAN = "team value {{\n  produces value.value = {}\n}}\n"


def parse_statement(path: str, statement: str) -> Statement | None:
    """One statement as a block of team `t` holds it, read as a file's line is: by the line reader,
    else by the grammar (whole, in its block); None where it does not parse."""
    read = read_statement(path, f"  {statement}", "t")
    if read is not None:
        return read
    plan_file = parse_text(path, f"team t {{\n  {statement}\n}}\n")
    if plan_file.problem is not None or len(plan_file.blocks) != 1 or len(plan_file.blocks[0].statements) != 1:
        return None
    return plan_file.blocks[0].statements[0]


def parse_value(text: str) -> Amount | Text | When:
    """A value as a plan writes it (`$31.25k`, `14% .. 18%`, `"SQL: score >= 60"`, `2027-Q3`), read by
    the plan's own readers as the value of a `produces` line; ValueError, with the reader's message,
    for anything else."""
    plan_file = parse_text("<value>", _VALUE_PLAN.format(text)) if "\n" not in text and "\r" not in text else None
    if plan_file is not None and plan_file.problem is not None:
        raise ValueError(plan_file.problem.message)
    statements = plan_file.blocks[0].statements if plan_file is not None and len(plan_file.blocks) == 1 else []
    value = statements[0].value if len(statements) == 1 and isinstance(statements[0], Produces) else None
    if value is None or value.span.end_column - value.span.column != len(text.strip()):  # no comment after it
        raise ValueError(f"'{text}' is not one value")
    return value
