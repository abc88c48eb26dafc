"""A line reader for the common shapes of plan statements: what Lark would read, without Lark.

Lark's LALR parser costs ~30 µs a line in Python, too slow for an
organisation's plan. Plan files are one statement per line, so this module
matches each line against a regular expression per statement kind and builds
the model objects the grammar's Transformer would, with the same spans and
the same value readers (`_values`).

It only accepts what it is sure of. The token patterns are the grammar's own
terminals, each matched atomically and tried in the order Lark's contextual
lexer tries them, so a line it accepts is tokenised exactly as Lark would. Any
line it does not recognise, and any value it cannot read, makes it give up the
whole file (`read_blocks` returns None), and the grammar reads it instead and
reports the syntax error. A derive continued on the next line (after an
operator, inside parentheses) is such a line: its next line starts with no
keyword, or its expression ends early. tests/test_fast_parse.py holds both
readers equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal, TypeAlias, cast

from planlint.language import quantity as q
from planlint.language.values import QuantityTerms, ValueRefused, negated, quantity_terms, range_terms

# The grammar's terminals (grammar/planlint.lark), as regular expression text.
_WS = r"[ \t\f]"
_NAME = r"(?>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)"
_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_DATE = r"\d{4}-(?:Q[1-4]|\d{2}(?:-\d{2})?)(?![\w-])"
_PER = r"(?>(?:/[ \t]*|per[ \t]+)(?:year|quarter|month|week|day|yr|qtr|mo|wk)s?(?!\w|\.[A-Za-z_]))"
_STRING = r'"[^"\r\n]*"'
_END = rf"{_WS}*(?:\#.*)?$"  # spaces and a comment close every line
# After a number, the word `by` is the keyword and `per year` a period (PER comes first, as in Lark);
# any other word is a unit.
_NOT_BY = r"(?!by(?![A-Za-z_])|per[ \t]+(?:year|quarter|month|week|day|yr|qtr|mo|wk)s?(?!\w|\.[A-Za-z_]))"


def _quantity_pattern(p: str, dates: bool, signed: bool = True) -> str:
    """A quantity, after a minus where a value may be negative: PERCENT wins over NUMBER (and DATE,
    where one may stand, over both), as in Lark.

    The digits are matched once, atomically: whether `%` follows them is the same question
    Lark's PERCENT asks, without its backtracking.
    """
    no_date = r"(?!\d{4}-)" if dates else ""  # a DATE's start: never a NUMBER Lark would accept
    sign = rf"(?:(?P<{p}neg>-){_WS}*)?" if signed else rf"(?P<{p}neg>(?!))?"
    return (
        rf"{sign}(?:(?P<{p}money>(?>[$€£¥]{_DIGITS}[A-Za-z]*))(?:{_WS}*(?P<{p}mper>{_PER}))?"
        rf"|{no_date}(?P<{p}num>(?>{_DIGITS})(?:(?P<{p}pct>%)|(?>[A-Za-z]*)))"
        rf"(?({p}pct)|(?:{_WS}*{_NOT_BY}(?P<{p}unit>(?>[A-Za-z_]+)))?(?:{_WS}*(?P<{p}per>{_PER}))?))"
    )


def _value_pattern(p: str) -> str:
    """A date, a text, or an amount: a point, a point with a tolerance, or a range."""
    return (
        rf"(?:(?P<{p}date>(?>{_DATE}))|(?P<{p}text>{_STRING})|{_quantity_pattern(p + 'a', True)}"
        rf"(?:{_WS}*(?P<{p}tol>±|\+/-|\+-){_WS}*{_quantity_pattern(p + 'b', False, signed=False)}"
        rf"|{_WS}*(?P<{p}dots>\.\.){_WS}*{_quantity_pattern(p + 'c', False)})?)"
    )


_RANGE = rf"{_quantity_pattern('ra', False)}{_WS}*\.\.{_WS}*{_quantity_pattern('rb', False)}"
_REQUIREMENT = rf"(?:{_WS}*(?P<op>>=|<=|=){_WS}*{_value_pattern('v')}|{_WS}+(?P<in>in){_WS}+{_RANGE})"
_DEADLINE = rf"(?:{_WS}+by{_WS}+(?P<by>(?>{_DATE})))"
_LINES = {
    "consumes": re.compile(rf"{_WS}*(?P<kw>consumes){_WS}+(?P<name>{_NAME}){_REQUIREMENT}?{_DEADLINE}?{_END}"),
    "produces": re.compile(
        rf"{_WS}*(?P<kw>produces){_WS}+(?P<name>{_NAME})"
        rf"(?:{_WS}*(?P<eq>=){_WS}*{_value_pattern('v')})?{_DEADLINE}?{_END}"
    ),
    "goal": re.compile(rf"{_WS}*(?P<kw>goal){_WS}+(?P<name>{_NAME}){_REQUIREMENT}{_END}"),
    "owner": re.compile(rf"{_WS}*(?P<kw>owner){_WS}+(?P<handle>{_STRING}){_END}"),
    "derive": re.compile(rf"{_WS}*(?P<kw>derive){_WS}+(?P<name>{_NAME}){_WS}*=(?P<expr>.*)$"),
    "team": re.compile(rf"{_WS}*(?P<kw>team|org){_WS}+(?P<name>(?>[A-Za-z_][A-Za-z0-9_\-]*)){_WS}*\{{{_END}"),
}
_LINES["org"] = _LINES["team"]
_FIRST_WORD = re.compile(rf"{_WS}*(?:(?P<word>[a-z]+)|(?P<close>\}})|(?P<other>[^ \t\f#]))?")
_CLOSE = re.compile(rf"{_WS}*\}}{_END}")
_BLANK = re.compile(_END)


class GiveUp(Exception):
    """This file is not for the line reader: let the grammar read it."""


# Reading happens in two steps: recognising each line into plain data (str, int and tuples), here,
# then building the model objects from it (`model.build`). The records, by kind:
ValueRecord: TypeAlias = (
    tuple[Literal["amount"], QuantityTerms, int, int, QuantityTerms | None]  # quantity, start, end, tolerance
    | tuple[Literal["range"], QuantityTerms, QuantityTerms, int, int]  # low, high, start, end
    | tuple[Literal["date", "text"], str, int, int]  # the date or text as written, start, end
)
RequirementRecord: TypeAlias = tuple[str, ValueRecord]  # the operator (>=, <=, = or in) and its value
# Statement records: (kind, name or handle, line, start of the keyword, ..., end of the statement).
OwnerRecord: TypeAlias = tuple[Literal["owner"], str, int, int, int]
GoalRecord: TypeAlias = tuple[Literal["goal"], str, int, int, RequirementRecord, int]
# A consumes or a produces: its requirement or value, its deadline (a date as written), its end.
ConsumesRecord: TypeAlias = tuple[Literal["consumes"], str, int, int, RequirementRecord | None, str | None, int]
ProducesRecord: TypeAlias = tuple[Literal["produces"], str, int, int, ValueRecord | None, str | None, int]
DeriveRecord: TypeAlias = tuple[Literal["derive"], str, int, int, str, int]  # the expression's text and offset
StatementRecord: TypeAlias = OwnerRecord | GoalRecord | ConsumesRecord | ProducesRecord | DeriveRecord
# A block: its keyword (team or org), name, line, start of the keyword, end of the name, statements.
BlockRecord: TypeAlias = tuple[str, str, int, int, int, list[StatementRecord]]

# Every part of the pattern is optional, so it matches any line: bound once, typed as never None.
_first_word = cast(Callable[[str], re.Match[str]], _FIRST_WORD.match)


def read_records(lines: list[str]) -> list[BlockRecord] | None:
    """Step one: each block as (kind, name, line, start, end, statement records), or None to leave
    the file to Lark. Offsets are 0-based columns; see `_Builder` for the records."""
    try:
        return _recognise(lines)
    except (GiveUp, ValueRefused, q.QuantityError):
        return None


def _recognise(lines: list[str]) -> list[BlockRecord]:
    blocks: list[BlockRecord] = []
    block: BlockRecord | None = None
    statements: list[StatementRecord] = []
    for number, line in enumerate(lines, start=1):
        first = _first_word(line)
        word = first["word"]
        if word is not None:
            pattern = _LINES.get(word)
            match = pattern.match(line) if pattern is not None else None
            if match is None:
                raise GiveUp
            if word == "team" or word == "org":
                if block is not None:
                    raise GiveUp
                statements = []
                block = (match["kw"], match["name"], number, match.start("kw"), match.end("name"), statements)
            elif block is None:
                raise GiveUp
            else:
                statements.append(_STATEMENTS[word](match, number))
        elif first["close"] is not None:
            if block is None or not _CLOSE.match(line):
                raise GiveUp
            blocks.append(block)
            block = None
        elif first["other"] is not None or not _BLANK.match(line):
            raise GiveUp
    if block is not None:  # the file ends inside a block: the grammar says where
        raise GiveUp
    return blocks


def read_statement_record(line: str) -> StatementRecord | None:
    """One statement line, as `read_records` recognises it inside a block (at line 1); None to leave
    it to the grammar. Reads back the lines planlint writes in its fixes."""
    word = _first_word(line)["word"]
    pattern = _LINES.get(word) if word is not None and word not in ("team", "org") else None
    match = pattern.match(line) if pattern is not None else None
    if match is None:
        return None
    try:
        return _STATEMENTS[match["kw"]](match, 1)
    except (GiveUp, ValueRefused, q.QuantityError):
        return None


def _owner(m: re.Match[str], line: int) -> OwnerRecord:
    return "owner", m["handle"][1:-1], line, m.start("kw"), m.end("handle")


def _goal(m: re.Match[str], line: int) -> GoalRecord:
    requirement, end = _requirement(m)
    return "goal", m["name"], line, m.start("kw"), requirement, end


def _consumes(m: re.Match[str], line: int) -> ConsumesRecord:
    requirement, end = _requirement(m) if m["op"] or m["in"] else (None, m.end("name"))
    by = m["by"]
    return "consumes", m["name"], line, m.start("kw"), requirement, by, m.end("by") if by is not None else end


def _produces(m: re.Match[str], line: int) -> ProducesRecord:
    value, end = _value(m) if m["eq"] else (None, m.end("name"))
    by = m["by"]
    return "produces", m["name"], line, m.start("kw"), value, by, m.end("by") if by is not None else end


def _derive(m: re.Match[str], line: int) -> DeriveRecord:
    return "derive", m["name"], line, m.start("kw"), m["expr"], m.start("expr")


_STATEMENTS: dict[str, Callable[[re.Match[str], int], StatementRecord]] = {
    "owner": _owner,
    "goal": _goal,
    "consumes": _consumes,
    "produces": _produces,
    "derive": _derive,
}


def _requirement(m: re.Match[str]) -> tuple[RequirementRecord, int]:
    """(op, value record) and where the value ends."""
    if m["in"] is not None:
        (low, start, _), (high, _, end) = _quantity(m, _RA), _quantity(m, _RB)
        low, high = range_terms(low, high)
        return ("in", ("range", low, high, start, end)), end
    value, end = _value(m)
    return (m["op"], value), end


def _value(m: re.Match[str]) -> tuple[ValueRecord, int]:
    """A value record and where it ends: ("amount", quantity, start, end, tolerance quantity or None),
    ("range", low, high, start, end), ("date", text, start, end) or ("text", text, start, end)."""
    date, text = m.group("vdate", "vtext")
    if date is not None:
        return ("date", date, m.start("vdate"), m.end("vdate")), m.end("vdate")
    if text is not None:
        return ("text", text[1:-1], m.start("vtext"), m.end("vtext")), m.end("vtext")
    value, start, end = _quantity(m, _VA)
    if m["vtol"] is not None:
        tolerance, _, width_end = _quantity(m, _VB)
        return ("amount", value, start, width_end, tolerance), width_end
    if m["vdots"] is not None:
        high, _, high_end = _quantity(m, _VC)
        low, high = range_terms(value, high)
        return ("range", low, high, start, high_end), high_end
    return ("amount", value, start, end, None), end


def _quantity(m: re.Match[str], groups: tuple[str, ...]) -> tuple[QuantityTerms, int, int]:
    """The quantity matched by `_quantity_pattern(p)` (only a part of the pattern that matched) as
    `quantity_of`'s arguments (`quantity_terms` of its kind, number, unit word and period), with its
    start (at its minus, if any) and end offsets. One function: this runs for every value."""
    money_group, money_per_group, num_group, _, unit_group, per_group, minus_group = groups
    money, money_per, number, pct, word, period, minus = m.group(*groups)
    if number is None:
        terms = quantity_terms("MONEY", money, None, money_per)
        start, end = m.start(money_group), m.end(money_per_group if money_per is not None else money_group)
    elif pct is not None:
        terms = quantity_terms("PERCENT", number, None, None)
        start, end = m.span(num_group)
    else:
        terms = quantity_terms("NUMBER", number, word, period)
        start = m.start(num_group)
        end = m.end(per_group if period is not None else unit_group if word is not None else num_group)
    if minus is None:
        return terms, start, end
    return negated(terms), m.start(minus_group), end


_VA, _VB, _VC, _RA, _RB = (
    tuple(p + name for name in ("money", "mper", "num", "pct", "unit", "per", "neg"))
    for p in ("va", "vb", "vc", "ra", "rb")
)


# Expressions ------------------------------------------------------------------

# Where an operand may start: PERCENT, then NAME, then the rest (Lark's order).
OPERAND = re.compile(
    rf"{_WS}*(?:(?P<pct>{_DIGITS}%)|(?P<name>{_NAME})|(?P<money>(?>[$€£¥]{_DIGITS}[A-Za-z]*))"
    rf"|(?P<num>(?>{_DIGITS}[A-Za-z]*))|(?P<minus>-)|(?P<lpar>\())"
)
UNIT_WORD = re.compile(rf"{_WS}*{_NOT_BY}(?P<unit>(?>[A-Za-z_]+))")
PERIOD = re.compile(rf"{_WS}*(?P<per>{_PER})")
# After an operand: a tolerance or `..` would be Lark's next token, and no expression's.
OPERATOR = re.compile(rf"{_WS}*(?:(?P<other>±|\+/-|\+-|\.\.)|(?P<op>[-+*/])|(?P<rpar>\))|(?P<end>\#.*$|$))")
MAX_EXPRESSION_DEPTH = 200  # deeper nesting is left to the grammar, which has no recursion limit
