"""From the text of a `.plan` file to the model.

The Transformer runs inside the LALR parse (no parse tree is built), so each
callback gets its children already turned into model objects. Lark's
`propagate_positions` does not reach an inline transformer, so spans are
taken from the keyword and value tokens directly.
"""
from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput

from planlint import quantity as q
from planlint._resources import resource_dir
from planlint.model import (
    Amount, Binary, Block, Consumes, Derive, Goal, Literal, Negate, Owner, ParseProblem,
    PlanFile, Produces, Reference, Requirement, Text, When,
)
from planlint.span import Span
from planlint._syntax_errors import PlanSyntaxError, describe_parse_error

KEYWORDS = frozenset({"team", "org", "owner", "goal", "produces", "consumes", "derive", "by", "in"})
ISO_CURRENCIES = frozenset(
    "USD EUR GBP JPY CHF CAD AUD NZD CNY INR SEK NOK DKK PLN BRL MXN SGD HKD ZAR KRW".split()
)
_NUMBER = re.compile(r"^[$€£¥]?(?P<digits>[\d,]+(?:\.\d+)?)(?P<suffix>[A-Za-z]*)$")
_SUPPRESSION = re.compile(r"#\s*planlint:\s*ignore\b(?:\[(?P<rules>[^\]]*)\])?")


def _span_of(path: str, first, last) -> Span:
    """The span from the start of `first` to the end of `last` (tokens or model objects)."""
    a = first.span if hasattr(first, "span") else first
    b = last.span if hasattr(last, "span") else last
    if isinstance(a, Token):
        line, column = a.line, a.column
    else:
        line, column = a.line, a.column
    if isinstance(b, Token):
        end_line, end_column = b.end_line, b.end_column
    else:
        end_line, end_column = b.end_line, b.end_column
    return Span(path, line, column, end_line, end_column)


class _Quantity:
    """A parsed quantity with its span, before it becomes an Amount or a Literal."""

    __slots__ = ("value", "span")

    def __init__(self, value: q.Quantity, span: Span) -> None:
        self.value = value
        self.span = span


class _Deadline:
    __slots__ = ("date", "span")

    def __init__(self, date: q.PlanDate, span: Span) -> None:
        self.date = date
        self.span = span


class PlanBuilder(Transformer):
    """Callbacks named after the grammar's rules; each returns a model object."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)
        self.path = "<plan>"

    def _span(self, first, last=None) -> Span:
        return _span_of(self.path, first, last if last is not None else first)

    def _fail(self, where, message: str, help: str = "") -> PlanSyntaxError:
        return PlanSyntaxError(self._span(where), message, help)

    # Blocks and statements ------------------------------------------------

    def start(self, children: list) -> list[Block]:
        return children

    def block(self, children: list) -> Block:
        keyword, name, *statements, _rbrace = children
        for statement in statements:
            if not isinstance(statement, Owner):
                statement.team = name.value
        return Block(keyword.value, name.value, self._span(keyword, name), statements)

    def owner(self, children: list) -> Owner:
        keyword, handle = children
        return Owner(handle.value[1:-1], self._span(keyword, handle))

    def goal(self, children: list) -> Goal:
        keyword, name, requirement = children
        return Goal(name.value, requirement, self._span(keyword, requirement.value))

    def produces(self, children: list) -> Produces:
        keyword, name, *rest = children
        value = next((c for c in rest if not isinstance(c, _Deadline)), None)
        deadline = next((c for c in rest if isinstance(c, _Deadline)), None)
        return Produces(name.value, value, deadline.date if deadline else None,
                        self._span(keyword, rest[-1] if rest else name))

    def consumes(self, children: list) -> Consumes:
        keyword, name, *rest = children
        requirement = next((c for c in rest if isinstance(c, Requirement)), None)
        deadline = next((c for c in rest if isinstance(c, _Deadline)), None)
        last = deadline or (requirement.value if requirement else name)
        return Consumes(name.value, requirement, deadline.date if deadline else None, self._span(keyword, last))

    def derive(self, children: list) -> Derive:
        keyword, name, expr = children
        return Derive(name.value, expr, self._span(keyword, expr))

    def deadline(self, children: list) -> _Deadline:
        keyword, when = children
        return _Deadline(when.date, self._span(keyword, when))

    def requirement(self, children: list) -> Requirement:
        op, value = children
        return Requirement(op.value, value)

    # Values ---------------------------------------------------------------

    def amount(self, children: list) -> Amount:
        if len(children) == 1:
            return Amount(children[0].value, children[0].span)
        value, _sign, width = children
        try:
            tolerance = q.tolerance_for(value.value, width.value)
        except q.QuantityError as err:
            raise self._fail(width, f"{err}", "write the tolerance in the value's own unit, or as a percentage")
        return Amount(value.value, self._span(value, width), tolerance)

    def range(self, children: list) -> Amount:
        low, high = children
        try:
            both = q.Quantity.between(low.value, high.value)
        except q.QuantityError as err:
            raise self._fail(high, str(err), "write both ends of a range in the same unit")
        return Amount(both, self._span(low, high), is_range=True)

    def text(self, children: list) -> Text:
        return Text(children[0].value[1:-1], self._span(children[0]))

    def date(self, children: list) -> When:
        token = children[0]
        return When(self._plan_date(token), self._span(token))

    def quantity(self, children: list) -> _Quantity:
        first = children[0]
        if first.type == "PERCENT":
            value = q.Quantity.point(self._number(first, first.value[:-1]) / 100, q.PERCENT)
            return _Quantity(value, self._span(first))
        amount = self._number(first, first.value)
        unit = q.money_unit(q.CURRENCY_SYMBOLS[first.value[0]]) if first.type == "MONEY" else q.NUMBER
        for token in children[1:]:
            if token.type == "UNIT":
                unit = self._unit_word(token)
            else:  # PER
                unit = q.per_period(unit, q.PERIOD_ALIASES[token.value[1:].strip().lower()])
        # Rates are stored per year: 500 leads/month is 6000 leads/year.
        if unit.time_power < 0:
            amount /= q.PERIOD_YEARS[unit.period]
        elif unit.time_power > 0:
            amount *= q.PERIOD_YEARS[unit.time_unit]
        return _Quantity(q.Quantity.point(amount, unit), self._span(first, children[-1]))

    def _unit_word(self, token: Token) -> q.Unit:
        word = token.value
        if word in ISO_CURRENCIES:
            return q.money_unit(word)
        if word in KEYWORDS:
            raise self._fail(token, f"'{word}' is a keyword and cannot be a unit",
                             "start the next statement on a new line")
        return q.count_unit(word)

    def _number(self, token: Token, text: str) -> Fraction:
        match = _NUMBER.match(text)
        if not match:
            raise self._fail(token, f"'{token.value}' is not a number planlint can read")
        suffix = match["suffix"]
        if suffix in ("m", "mm"):
            raise self._fail(token, f"'{token.value}' is ambiguous: finance reads m as million, science as milli",
                             f"write '{token.value[:-len(suffix)]}M' for million")
        if suffix not in q.SCALE:
            if len(suffix) > 2 and suffix.isalpha():
                hint = f"put a space between the number and its unit: '{token.value[:-len(suffix)]} {suffix}'"
            else:
                hint = "use k, M or B for thousands, millions or billions, like '24k'"
            raise self._fail(token, f"'{token.value}' is not a number planlint can read", hint)
        return q.parse_number(match["digits"] + suffix)

    def _plan_date(self, token: Token) -> q.PlanDate:
        parts = token.value.split("-")
        year = int(parts[0])
        if parts[1].startswith("Q"):
            return q.PlanDate(year, quarter=int(parts[1][1]))
        month = int(parts[1])
        if not 1 <= month <= 12:
            raise self._fail(token, f"'{token.value}' has no month {month}", "months run from 01 to 12")
        day = int(parts[2]) if len(parts) > 2 else None
        if day is not None and not 1 <= day <= q._month_end(year, month).day:
            raise self._fail(token, f"'{token.value}' is not a day of the calendar")
        return q.PlanDate(year, month=month, day=day)

    # Expressions --------------------------------------------------------

    def binary(self, children: list) -> Binary:
        left, op, right = children
        return Binary(op.value, left, right, self._span(left, right))

    def negate(self, children: list) -> Negate:
        minus, operand = children
        return Negate(operand, self._span(minus, operand))

    def reference(self, children: list) -> Reference:
        return Reference(children[0].value, self._span(children[0]))

    def literal(self, children: list) -> Literal:
        value = children[0]
        return Literal(Amount(value.value, value.span), value.span)


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, PlanBuilder]:
    builder = PlanBuilder()
    grammar = (resource_dir("grammar") / "planlint.lark").read_text(encoding="utf-8")
    parser = Lark(grammar, parser="lalr", lexer="contextual", transformer=builder,
                  maybe_placeholders=False, cache=True)
    return parser, builder


def decode(path: str, data: bytes) -> str | ParseProblem:
    """The file's text (BOM skipped, line endings made `\\n`), or where it is not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        before = data[: err.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return ParseProblem(
            Span(path, line, column, line, column + 1),
            f"the file is not UTF-8 text: byte 0x{data[err.start]:02x} at line {line}, column {column}",
            "save the file as UTF-8 (plain text); planlint reads nothing else",
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def suppressions(lines: list[str]) -> dict[int, frozenset[str]]:
    """`# planlint: ignore[value-mismatch, PL103]` per line; a bare ignore silences all."""
    found: dict[int, frozenset[str]] = {}
    for number, line in enumerate(lines, start=1):
        if "planlint:" not in line:
            continue
        match = _SUPPRESSION.search(_outside_strings(line))
        if match:
            rules = match["rules"]
            found[number] = frozenset(r.strip() for r in rules.split(",") if r.strip()) if rules else frozenset()
    return found


def _outside_strings(line: str) -> str:
    """The line with quoted text blanked, so a `#` inside quotes is no comment."""
    return re.sub(r'"[^"]*"', lambda m: " " * len(m.group()), line)


def parse_text(path: str, text: str) -> PlanFile:
    """Parse one file's text; a syntax problem is recorded on the PlanFile, never raised."""
    lines = text.split("\n")
    plan_file = PlanFile(path, lines=lines, suppressions=suppressions(lines))
    parser, builder = _parser()
    builder.path = path
    try:
        plan_file.blocks = parser.parse(text)
    except PlanSyntaxError as err:
        plan_file.problem = ParseProblem(err.span, err.message, err.help)
    except UnexpectedInput as err:
        plan_file.problem = describe_parse_error(path, text, err, parser)
    return plan_file


def parse_bytes(path: str, data: bytes) -> PlanFile:
    text = decode(path, data)
    if isinstance(text, ParseProblem):
        return PlanFile(path, problem=text)
    return parse_text(path, text)
