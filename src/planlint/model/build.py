"""The model of a file from what the line reader recognised (`language.reader`).

Reading happens in two steps: the reader recognises each line into plain
data (strings, numbers and tuples), then this module builds the model
objects from it, with the same spans and values the grammar's Transformer
gives (tests/test_fast_parse.py holds both readers equal). A derive's
right-hand side is tokenised with the reader's patterns and parsed here.
"""

from __future__ import annotations

import typing
from dataclasses import replace
from typing import TypeAlias

from planlint.language import quantity as q
from planlint.language.limits import LIMITS
from planlint.language.reader import (
    MAX_EXPRESSION_DEPTH,
    OPERAND,
    OPERATOR,
    PERIOD,
    UNIT_WORD,
    BlockRecord,
    GiveUp,
    RequirementRecord,
    StatementRecord,
    ValueRecord,
    read_records,
    read_statement_record,
)
from planlint.language.span import Span
from planlint.language.values import ValueRefused, quantity_of, read_date, read_quantity, tolerance_of
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
    Produces,
    Reference,
    Requirement,
    Statement,
    Text,
    Value,
    When,
)

_new_span = tuple.__new__  # Span(...) without its Python-level __new__: one per statement and value


def build_blocks(path: str, records: list[BlockRecord]) -> list[Block] | None:
    """Step two: the model objects of `read_records`' data, or None to leave the file to Lark."""
    try:
        return _Builder(path).blocks(records)
    except (GiveUp, ValueRefused, q.QuantityError, RecursionError):
        return None


def read_blocks(path: str, lines: list[str]) -> list[Block] | None:
    """The file's blocks as the grammar's Transformer builds them, or None to leave it to Lark."""
    records = read_records(lines)
    return build_blocks(path, records) if records is not None else None


def read_statement(path: str, line: str, team: str) -> Statement | None:
    """One statement line of `team`'s block as the line reader reads it (`read_statement_record`),
    or None to leave it to the grammar."""
    record = read_statement_record(line)
    if record is None:
        return None
    try:
        return _Builder(path)._statement(record, team)
    except (GiveUp, ValueRefused, q.QuantityError, RecursionError):
        return None


class _Builder:
    """Builds one file's model from its records, as Lark's Transformer would."""

    def __init__(self, path: str) -> None:
        self.path = path

    def blocks(self, records: list[BlockRecord]) -> list[Block]:
        blocks = []
        for kind, name, line, start, end, statements in records:
            block = Block(kind, name, self._span(line, start, end))
            block.statements = [self._statement(record, name) for record in statements]
            blocks.append(block)
        return blocks

    def _span(self, line: int, start: int, end: int) -> Span:
        return _new_span(Span, (self.path, line, start + 1, line, end + 1))

    def _statement(self, record: StatementRecord, team: str) -> Statement:
        if record[0] == "consumes":
            _, name, line, start, requirement, by, end = record
            return Consumes(
                name,
                self._requirement(line, requirement) if requirement is not None else None,
                read_date(by) if by is not None else None,
                self._span(line, start, end),
                team,
            )
        if record[0] == "produces":
            _, name, line, start, value, by, end = record
            return Produces(
                name,
                self._value(line, value) if value is not None else None,
                read_date(by) if by is not None else None,
                self._span(line, start, end),
                team,
            )
        if record[0] == "goal":
            _, name, line, start, requirement, end = record
            return Goal(name, self._requirement(line, requirement), self._span(line, start, end), team)
        if record[0] == "owner":
            _, handle, line, start, end = record
            return Owner(handle, self._span(line, start, end))
        _, name, line, start, text, offset = record
        expr = _Expression(self, line, text, offset).parse()
        return Derive(name, expr, self._span(line, start, expr.span.end_column - 1), team)

    def _requirement(self, line: int, record: RequirementRecord) -> Requirement:
        return Requirement(record[0], self._value(line, record[1]))

    def _value(self, line: int, record: ValueRecord) -> Value:
        if record[0] == "amount":
            _, quantity, start, end, tolerance = record
            value = quantity_of(*quantity)
            return Amount(
                value, self._span(line, start, end), tolerance_of(value, tolerance) if tolerance is not None else None
            )
        if record[0] == "range":
            _, low, high, start, end = record
            return Amount(
                q.Quantity.between(quantity_of(*low), quantity_of(*high)), self._span(line, start, end), is_range=True
            )
        if record[0] == "date":
            return When(read_date(record[1]), self._span(line, record[2], record[3]))
        return Text(record[1], self._span(line, record[2], record[3]))


# A derive's tokens: (kind, value, start, end), offsets 0-based in the line; the kind says what the value is.
_Token: TypeAlias = (
    tuple[typing.Literal["name", "op", "rpar"], str, int, int]  # a metric's name, an operator, ")"
    | tuple[typing.Literal["quantity"], q.Quantity, int, int]
    | tuple[typing.Literal["minus", "lpar", "end"], None, int, int]
)


class _Expression:
    """Tokenises a derive's right-hand side as Lark's contextual lexer would, then parses it."""

    def __init__(self, reader: _Builder, line: int, text: str, offset: int) -> None:
        self.reader, self.line = reader, line
        self.tokens = self._tokens(text, offset)
        self.index = 0

    def _tokens(self, text: str, offset: int) -> list[_Token]:
        tokens: list[_Token] = []
        position, operand_next, operators = 0, True, 0
        while True:
            if operand_next:
                m = OPERAND.match(text, position)
                if m is None:
                    raise GiveUp
                # The pattern is alternatives of named groups, so the one that matched has a name.
                kind: str = m.lastgroup  # type: ignore[assignment]
                start, position = m.start(kind), m.end()
                if kind == "name":
                    tokens.append(("name", m["name"], start + offset, position + offset))
                    operand_next = False
                elif kind == "minus":
                    tokens.append(("minus", None, start + offset, position + offset))
                elif kind == "lpar":
                    tokens.append(("lpar", None, start + offset, position + offset))
                else:
                    value, position = self._quantity(kind, m[kind], text, position)
                    tokens.append(("quantity", value, start + offset, position + offset))
                    operand_next = False
            else:
                m = OPERATOR.match(text, position)
                if m is None or m["other"] is not None:
                    raise GiveUp
                if m["end"] is not None:
                    tokens.append(("end", None, 0, 0))
                    return tokens
                operator: typing.Literal["rpar", "op"] = "rpar" if m["rpar"] else "op"
                if operator == "op":
                    operators += 1
                    if operators > LIMITS.derive_terms:  # the grammar reads it, and says so
                        raise GiveUp
                tokens.append((operator, m[operator], m.start(operator) + offset, m.end() + offset))
                position, operand_next = m.end(), operator == "op"

    @staticmethod
    def _quantity(kind: str, number: str, text: str, position: int) -> tuple[q.Quantity, int]:
        unit = per = None
        if kind == "num":
            m = UNIT_WORD.match(text, position)
            if m:
                unit, position = m["unit"], m.end()
        if kind != "pct":
            m = PERIOD.match(text, position)
            if m:
                per, position = m["per"], m.end()
        return read_quantity({"pct": "PERCENT", "money": "MONEY", "num": "NUMBER"}[kind], number, unit, per), position

    def _span(self, start: int, end: int) -> Span:
        return self.reader._span(self.line, start, end)

    def parse(self) -> Expr:
        expr = self._sum(0)
        if self.tokens[self.index][0] != "end":
            raise GiveUp
        return expr

    def _sum(self, depth: int) -> Expr:
        left = self._product(depth)
        token = self.tokens[self.index]
        while token[0] == "op" and token[1] in ("+", "-"):
            self.index += 1
            right = self._product(depth)
            left = Binary(token[1], left, right, self._joined(left, right))
            token = self.tokens[self.index]
        return left

    def _product(self, depth: int) -> Expr:
        left = self._factor(depth)
        token = self.tokens[self.index]
        while token[0] == "op" and token[1] in ("*", "/"):
            self.index += 1
            right = self._factor(depth)
            left = Binary(token[1], left, right, self._joined(left, right))
            token = self.tokens[self.index]
        return left

    def _factor(self, depth: int) -> Expr:
        if depth > MAX_EXPRESSION_DEPTH:
            raise GiveUp
        token = self.tokens[self.index]
        start, end = token[2], token[3]
        self.index += 1
        if token[0] == "minus":
            operand = self._factor(depth + 1)
            return Negate(operand, self._span(start, operand.span.end_column - 1))
        if token[0] == "name":
            return Reference(token[1], self._span(start, end))
        if token[0] == "quantity":
            span = self._span(start, end)
            return Literal(Amount(token[1], span), span)
        if token[0] == "lpar":
            inner = self._sum(depth + 1)
            closing = self.tokens[self.index]
            if closing[0] != "rpar":
                raise GiveUp
            self.index += 1
            return replace(inner, span=self._span(start, closing[3]))  # the group's span takes in its parentheses
        raise GiveUp

    def _joined(self, left: Expr, right: Expr) -> Span:
        return Span(self.reader.path, self.line, left.span.column, self.line, right.span.end_column)
