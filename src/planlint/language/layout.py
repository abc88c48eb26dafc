"""The one canonical layout of a plan file: what `planlint fmt` and the editor's "format" write.

A printer of the plan text, not of the model: every comment, blank-line group
and spelling stays as written, and only the space between tokens changes:

- blocks open at the left margin (`team sales {`), their statements indent by
  two spaces, and a `}` stands on its own line; one blank line between blocks;
- one space between tokens, and around `=`, `>=`, `<=`, `±`, `+/-` and `..`;
- in a `derive`, one space around `+ - * /`, none after a sign (`-x`) or inside
  parentheses; a derive broken after an operator or inside parentheses goes on
  indented by four more spaces;
- a period is glued to its unit (`leads/year`, `$20M/year`);
- runs of blank lines become one; none at the start or end of the file, right
  after a block's `{` or right before its `}`;
- trailing comments sit two spaces after the code, and those of one paragraph
  (adjacent lines, no blank line between) start in one column.

The result is idempotent. `format_plan` never fails: on text that does not parse
it still returns a layout, and `model.reformat` decides whether it may be used
(only when the model before and after is the same).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from planlint.language.grammar import block_keywords

INDENT = "  "
CONTINUATION_INDENT = "    "  # more than the statement's own indent
COMMENT_GAP = 2  # spaces between code and a trailing comment

_SPACE = re.compile(r"[ \t\f]+")  # what the grammar ignores: nothing else is a space in code
_STRING = re.compile(r'"[^"\r\n]*"?')
# Operators that take one space either side outside a derive's expression.
_SPACED_OPERATOR = re.compile(r"(>=|<=|\+/-|±|\.\.|=|\{|\})")
_PERIOD = r"(?:year|quarter|month|week|day)s?(?![A-Za-z0-9_]|\.[A-Za-z_])"
_GLUED_PERIOD = re.compile(rf"[ \t\f]*/[ \t\f]*({_PERIOD})")
_OPERAND_ENDS = ("word", "per", "close")  # after these, `-` subtracts; elsewhere it is a sign
_EXPRESSION_TOKEN = re.compile(
    rf"[ \t\f]*(?:(?P<per>/[ \t\f]*{_PERIOD})|(?P<op>[-+*/])|(?P<open>\()|(?P<close>\))|(?P<word>[^ \t\f()+\-*/]+))"
)


@dataclass
class _Line:
    """One line of the output before its comment is placed: indent level, code and trailing comment."""

    depth: int
    code: str
    comment: str = ""
    continued: bool = False  # a derive's continuation line

    @property
    def blank(self) -> bool:
        return not self.code and not self.comment

    def indent(self) -> str:
        return INDENT * self.depth + (CONTINUATION_INDENT if self.continued else "")


def split_comment(line: str) -> tuple[str, str]:
    """The line's code and its comment (from `#` outside quotes to the end; "" for none)."""
    inside = False
    for index, char in enumerate(line):
        if char == '"':
            inside = not inside
        elif char == "#" and not inside:
            return line[:index], line[index:].rstrip()
    return line, ""


def comments(text: str) -> list[str]:
    """Every comment of a plan text, in order, as written (trailing spaces aside)."""
    found = (split_comment(line)[1] for line in _lines(text))
    return [comment for comment in found if comment]


def format_plan(text: str) -> str:
    """`text` in the canonical layout (lines end with `\\n`, the last one too, unless it is empty)."""
    lines = _laid_out(_lines(text))
    _drop_extra_blanks(lines)
    return "".join(_written(line) + "\n" for line in _aligned(lines))


def _lines(text: str) -> list[str]:
    """The lines as the parser counts them: `str.splitlines` would also break at \\f, \\x1e, U+2028..."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


# Lines and their pieces ---------------------------------------------------------------------------


def _laid_out(source: list[str]) -> list[_Line]:
    """Each statement, header and `}` on its own line at its depth; blank lines kept for now."""
    lines: list[_Line] = []
    depth = 0
    expression: _Expression | None = None  # set while a derive goes on past its line
    for raw in source:
        code, comment = split_comment(raw)
        if expression is not None and code.strip() and "{" not in code and "}" not in code:
            laid = _Line(depth, expression.continue_with(code), comment, continued=True)
            lines.append(laid)
            expression = expression if expression.open else None
            continue
        pieces = _pieces(code)
        expression = None if pieces else expression
        if not pieces:
            lines.append(_Line(depth, "", comment))
            continue
        for index, piece in enumerate(pieces):
            if piece == "}":
                depth = max(depth - 1, 0)
            laid = _Line(depth, piece)
            if piece.endswith("{"):
                depth += 1
            elif piece.split(" ", 1)[0] == "derive":
                expression = _Expression.of_derive(piece)
                laid.code = expression.head + expression.text if expression is not None else piece
                expression = expression if expression is not None and expression.open else None
            lines.append(laid)
            if index == len(pieces) - 1:
                laid.comment = comment
    return lines


def _pieces(code: str) -> list[str]:
    """The code of one line in canonical spacing, cut after each `{` and around each `}`."""
    tokens = _tokens(code)
    pieces: list[list[str]] = [[]]
    for token in tokens:
        if token == "}" and pieces[-1]:
            pieces.append([])
        pieces[-1].append(token)
        if token in ("{", "}"):
            pieces.append([])
    return [" ".join(piece) for piece in pieces if piece]


def _tokens(code: str) -> list[str]:
    """Code outside a derive's expression: quoted text as it stands, the rest split at spaces
    and around the spaced operators, periods glued to their units."""
    tokens: list[str] = []
    position = 0
    for string in _STRING.finditer(code):
        tokens += _plain_tokens(code[position : string.start()])
        tokens.append(string.group())
        position = string.end()
    tokens += _plain_tokens(code[position:])
    return tokens


def _plain_tokens(part: str) -> list[str]:
    part = _GLUED_PERIOD.sub(r"/\1", part)
    part = _SPACED_OPERATOR.sub(r" \1 ", part)
    return [token for token in _SPACE.split(part) if token]


def _written(line: _Line) -> str:
    if line.blank:
        return ""
    if not line.code:
        return line.indent() + line.comment
    return line.indent() + line.code + (" " * COMMENT_GAP + line.comment if line.comment else "")


# Derive expressions ----------------------------------------------------------------------------


class _Expression:
    """A derive's right-hand side, spaced token by token; it may go on over several lines."""

    def __init__(self, head: str) -> None:
        self.head = head  # `derive x.y = `
        self.text = ""
        self.depth = 0  # open parentheses
        self.previous = "start"  # the last token's kind

    @classmethod
    def of_derive(cls, piece: str) -> _Expression | None:
        """The expression of a `derive NAME = ...` piece (already spaced as plain tokens)."""
        head, equals, rest = piece.partition(" = ")
        if not equals:
            return None
        expression = cls(head + " = ")
        expression.text = expression._spaced(rest)
        return expression

    @property
    def open(self) -> bool:
        """Whether the expression goes on on the next line: inside parentheses or after an operator."""
        return bool(self.text) and (self.depth > 0 or self.previous in ("op", "sign"))

    def continue_with(self, code: str) -> str:
        return self._spaced(code)

    def _spaced(self, code: str) -> str:
        out: list[str] = []
        position = 0
        code = code.rstrip(" \t\f")
        while position < len(code):
            match = _EXPRESSION_TOKEN.match(code, position)
            if match is None or match.end() == position:  # cannot happen: every character is some token
                out.append(code[position:].strip())
                break
            position = match.end()
            out.append(self._token(match))
        return "".join(out).strip()

    def _token(self, match: re.Match[str]) -> str:
        kind = match.lastgroup or "word"
        token = _SPACE.sub("", match.group(kind))
        previous = self.previous
        if kind == "op" and token == "-" and previous not in _OPERAND_ENDS:
            kind = "sign"
        elif kind == "open":
            self.depth += 1
        elif kind == "close":
            self.depth = max(self.depth - 1, 0)
        self.previous = kind
        glued = kind in ("per", "close") or previous in ("start", "open", "sign")
        return token if glued else " " + token


# Blank lines and comment columns -------------------------------------------------------------------


def _drop_extra_blanks(lines: list[_Line]) -> None:
    """One blank line at most in a row, none at the ends or just inside a block, and exactly one
    between a block's `}` and what follows it at the top level."""
    kept: list[_Line] = []
    for line in lines:
        if line.blank:
            if kept and not kept[-1].blank and not kept[-1].code.endswith("{"):
                kept.append(line)
            continue
        if line.code == "}" and kept and kept[-1].blank:
            kept.pop()
        if line.depth == 0 and not line.continued and kept and kept[-1].code == "}" and _opens_or_notes(line):
            kept.append(_Line(0, ""))
        kept.append(line)
    while kept and kept[-1].blank:
        kept.pop()
    lines[:] = kept


def _opens_or_notes(line: _Line) -> bool:
    """A block's header or a comment at the top level: what follows a block after a blank line."""
    first = line.code.split(" ", 1)[0]
    return not line.code or first in block_keywords()


def _aligned(lines: list[_Line]) -> list[_Line]:
    """Trailing comments in one paragraph (lines with no blank line or block edge between them)
    start in one column: two spaces after the longest code that carries one."""
    group: list[_Line] = []
    for line in [*lines, _Line(0, "")]:
        if line.code and line.comment:
            group.append(line)
        if line.blank or line.code.endswith("{") or line.code == "}":
            _align(group)
            group = []
    return lines


def _align(group: list[_Line]) -> None:
    width = max((len(member.indent() + member.code) for member in group), default=0)
    for member in group:
        member.code += " " * (width - len(member.indent() + member.code))
