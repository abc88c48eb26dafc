"""The model of a file from what the line reader recognised (`language.reader`).

Reading happens in two steps: the reader recognises each line into plain
data (strings, numbers and tuples), then this module builds the model
objects from it, with the same spans and values the grammar's Transformer
gives (tests/test_fast_parse.py holds both readers equal). A derive's
right-hand side is tokenised with the reader's patterns and parsed here.
"""

from __future__ import annotations

from dataclasses import replace

from planlint.language import quantity as q
from planlint.language.limits import LIMITS
from planlint.language.reader import (
    MAX_EXPRESSION_DEPTH,
    OPERAND,
    OPERATOR,
    PERIOD,
    UNIT_WORD,
    GiveUp,
    read_records,
)
from planlint.language.span import Span
from planlint.language.values import ValueRefused, quantity_of, read_date, read_quantity, tolerance_of
from planlint.model.plan import (
    Amount,
    Binary,
    Block,
    Consumes,
    Derive,
    Goal,
    Literal,
    Negate,
    Owner,
    Produces,
    Reference,
    Requirement,
    Text,
    When,
)

_new_span = tuple.__new__  # Span(...) without its Python-level __new__: one per statement and value


def build_blocks(path: str, records: list) -> list[Block] | None:
    """Step two: the model objects of `read_records`' data, or None to leave the file to Lark."""
    try:
        return _Builder(path).blocks(records)
    except (GiveUp, ValueRefused, q.QuantityError, RecursionError):
        return None


def read_blocks(path: str, lines: list[str]) -> list | None:
    """The file's blocks as the grammar's Transformer builds them, or None to leave it to Lark."""
    records = read_records(lines)
    return build_blocks(path, records) if records is not None else None


class _Builder:
    """Builds one file's model from its records, as Lark's Transformer would."""

    def __init__(self, path: str) -> None:
        self.path = path

    def blocks(self, records: list) -> list[Block]:
        blocks = []
        for kind, name, line, start, end, statements in records:
            block = Block(kind, name, self._span(line, start, end))
            block.statements = [self._statement(record, name) for record in statements]
            blocks.append(block)
        return blocks

    def _span(self, line: int, start: int, end: int) -> Span:
        return _new_span(Span, (self.path, line, start + 1, line, end + 1))

    def _statement(self, record: tuple, team: str):
        kind = record[0]
        if kind == "consumes":
            _, name, line, start, requirement, by, end = record
            return Consumes(
                name,
                self._requirement(line, requirement) if requirement is not None else None,
                read_date(by) if by is not None else None,
                self._span(line, start, end),
                team,
            )
        if kind == "produces":
            _, name, line, start, value, by, end = record
            return Produces(
                name,
                self._value(line, value) if value is not None else None,
                read_date(by) if by is not None else None,
                self._span(line, start, end),
                team,
            )
        if kind == "goal":
            _, name, line, start, requirement, end = record
            return Goal(name, self._requirement(line, requirement), self._span(line, start, end), team)
        if kind == "owner":
            _, handle, line, start, end = record
            return Owner(handle, self._span(line, start, end))
        _, name, line, start, text, offset = record
        expr = _Expression(self, line, text, offset).parse()
        return Derive(name, expr, self._span(line, start, expr.span.end_column - 1), team)

    def _requirement(self, line: int, record: tuple) -> Requirement:
        return Requirement(record[0], self._value(line, record[1]))

    def _value(self, line: int, record: tuple):
        kind = record[0]
        if kind == "amount":
            _, quantity, start, end, tolerance = record
            value = quantity_of(*quantity)
            return Amount(
                value, self._span(line, start, end), tolerance_of(value, tolerance) if tolerance is not None else None
            )
        if kind == "range":
            _, low, high, start, end = record
            return Amount(
                q.Quantity.between(quantity_of(*low), quantity_of(*high)), self._span(line, start, end), is_range=True
            )
        if kind == "date":
            return When(read_date(record[1]), self._span(line, record[2], record[3]))
        return Text(record[1], self._span(line, record[2], record[3]))


class _Expression:
    """Tokenises a derive's right-hand side as Lark's contextual lexer would, then parses it."""

    def __init__(self, reader: _Builder, line: int, text: str, offset: int) -> None:
        self.reader, self.line = reader, line
        self.tokens = self._tokens(text, offset)
        self.index = 0

    def _tokens(self, text: str, offset: int) -> list[tuple]:
        tokens: list[tuple] = []
        position, operand_next, operators = 0, True, 0
        while True:
            if operand_next:
                m = OPERAND.match(text, position)
                if m is None:
                    raise GiveUp
                kind = m.lastgroup
                start, position = m.start(kind), m.end()
                if kind == "name":
                    tokens.append(("name", m["name"], start + offset, position + offset))
                    operand_next = False
                elif kind in ("minus", "lpar"):
                    tokens.append((kind, None, start + offset, position + offset))
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
                kind = "rpar" if m["rpar"] else "op"
                if kind == "op":
                    operators += 1
                    if operators > LIMITS.derive_terms:  # the grammar reads it, and says so
                        raise GiveUp
                tokens.append((kind, m[kind], m.start(kind) + offset, m.end() + offset))
                position, operand_next = m.end(), kind == "op"

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

    def parse(self):
        expr = self._sum(0)
        if self.tokens[self.index][0] != "end":
            raise GiveUp
        return expr

    def _sum(self, depth: int):
        left = self._product(depth)
        while self.tokens[self.index][1] in ("+", "-") and self.tokens[self.index][0] == "op":
            op = self.tokens[self.index][1]
            self.index += 1
            right = self._product(depth)
            left = Binary(op, left, right, self._joined(left, right))
        return left

    def _product(self, depth: int):
        left = self._factor(depth)
        while self.tokens[self.index][1] in ("*", "/") and self.tokens[self.index][0] == "op":
            op = self.tokens[self.index][1]
            self.index += 1
            right = self._factor(depth)
            left = Binary(op, left, right, self._joined(left, right))
        return left

    def _factor(self, depth: int):
        if depth > MAX_EXPRESSION_DEPTH:
            raise GiveUp
        kind, value, start, end = self.tokens[self.index]
        self.index += 1
        if kind == "minus":
            operand = self._factor(depth + 1)
            return Negate(operand, self._span(start, operand.span.end_column - 1))
        if kind == "name":
            return Reference(value, self._span(start, end))
        if kind == "quantity":
            span = self._span(start, end)
            return Literal(Amount(value, span), span)
        if kind == "lpar":
            inner = self._sum(depth + 1)
            closing = self.tokens[self.index]
            if closing[0] != "rpar":
                raise GiveUp
            self.index += 1
            return replace(inner, span=self._span(start, closing[3]))  # the group's span takes in its parentheses
        raise GiveUp

    def _joined(self, left, right) -> Span:
        return Span(self.reader.path, self.line, left.span.column, self.line, right.span.end_column)
