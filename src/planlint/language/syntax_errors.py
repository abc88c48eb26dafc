"""Syntax errors in plain words: what was expected, where, and a did-you-mean.

A plan owner must never read `Expected one of: RBRACE, _NL`. A table of
labelled bad examples (lark's `match_examples`) names the common mistakes;
everything else is described from the set of tokens the parser expected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from planlint.language.grammar import block_keywords, statement_keywords
from planlint.language.quantity import ISO_CURRENCIES
from planlint.language.source import ParseProblem
from planlint.language.span import Span
from planlint.language.suggest import closest
from planlint.language.values import SCALE_WORDS_APART

STATEMENT_KEYWORDS = statement_keywords()
BLOCK_KEYWORDS = block_keywords()

# What each terminal means to a plan owner.
_WORDS = {
    "RBRACE": "'}'",
    "LBRACE": "'{'",
    "LPAR": "'('",
    "RPAR": "')'",
    "NAME": "a dotted name like leads.volume",
    "IDENT": "a name",
    "UNIT": "a unit like leads",
    "STRING": 'a quoted text like "@acme/sales"',
    "COMPARE": "'>=', '<=' or '='",
    "EQUAL": "'='",
    "IN": "'in'",
    "BY": "'by' and a date",
    "NUMBER": "a number",
    "MONEY": "an amount like $24k",
    "PERCENT": "a percentage like 16%",
    "DATE": "a date like 2027-Q3",
    "PER": "a period like /year",
    "TOLERANCE": "'±'",
    "__ANON_0": "'..'",
    "DOTDOT": "'..'",
    "_NL": "the end of the line",
    "$END": "the end of the file",
    "PLUS": "'+'",
    "MINUS": "'-'",
    "TIMES": "'*'",
    "SLASH": "'/'",
}
for _keyword in STATEMENT_KEYWORDS + BLOCK_KEYWORDS:
    _WORDS[_keyword.upper()] = f"'{_keyword}'"

# Labelled bad examples: the parser state they fail in names the mistake.
_EXAMPLES: dict[str, list[str]] = {
    "a name needs at least one dot, like leads.volume (the area, then the metric)": [
        "team a {\n produces volume = 5\n}",
        "team a {\n consumes volume = 5\n}",
        "team a {\n goal volume >= 5\n}",
        "team a {\n derive volume = a.b\n}",
        "team a {\n consumes volume\n}",
    ],
    "a goal needs a comparison and a target, like: goal sales.revenue >= $20M/year": [
        "team a {\n goal a.b 5\n}",
        "team a {\n goal a.b\n}",
    ],
    "a value is missing after the comparison": [
        "team a {\n consumes a.b >=\n}",
        "team a {\n produces a.b =\n}",
        "team a {\n goal a.b >=\n}",
        "team a {\n derive a.b =\n}",
    ],
    "a block needs a name and '{', like: team sales {": [
        "team {\n}",
        "org {\n}",
        "team a\n}",
    ],
    'an owner is a quoted handle, like: owner "@acme/sales"': [
        "team a {\n owner @acme/sales\n}",
        "team a {\n owner\n}",
    ],
    "'by' needs a date, like 2027-Q3, 2027-07 or 2027-07-15": [
        "team a {\n produces a.b by\n}",
        "team a {\n produces a.b by soon\n}",
    ],
}


def _describe_token(token: Token) -> str:
    if token.type == "$END":
        return "end of the file"
    if token.type == "_NL":
        return "end of the line"
    return f"'{token.value}'"


def _expected_words(expected: set[str]) -> str:
    if expected & {k.upper() for k in STATEMENT_KEYWORDS}:
        words = ["a statement (owner, goal, produces, consumes or derive)"]
        expected = expected - {k.upper() for k in STATEMENT_KEYWORDS}
    else:
        words = []
    if expected & {"TEAM", "ORG"}:
        words.append("a block (team NAME { ... } or org NAME { ... })")
        expected = expected - {"TEAM", "ORG"}
    words += sorted({_WORDS.get(name, name.lower()) for name in expected})
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def _did_you_mean(word: str, expected: set[str]) -> str:
    keywords = [k for k in STATEMENT_KEYWORDS + BLOCK_KEYWORDS if k.upper() in expected]
    return closest(word.lower(), keywords) or ""


def _open_block(err: UnexpectedInput) -> Token | None:
    """The `team`/`org` keyword of the block still open where the parse stopped."""
    stack = _value_stack(err)
    for index in range(len(stack) - 1, -1, -1):
        item = stack[index]
        if isinstance(item, Token) and item.type in ("TEAM", "ORG"):
            name = stack[index + 1] if index + 1 < len(stack) else None
            return Token(
                item.type, f"{item.value} {getattr(name, 'value', '')}".strip(), line=item.line, column=item.column
            )
    return None


def _end_of_text(path: str, text: str) -> Span:
    lines = text.split("\n")
    line = len(lines)
    column = len(lines[-1]) + 1
    return Span(path, line, column, line, column)


# The first word of a line, unless it is the start of a dotted name.
_FIRST_WORD = re.compile(r"[ \t\f]*(?P<word>[A-Za-z_][A-Za-z0-9_]*)(?![.\w])")


def _misspelt_keyword(path: str, text: str, line: int | None) -> ParseProblem | None:
    """Every line starts with a keyword, so a first word near one is a misspelling.

    Lark's keywords match as prefixes (`derives` lexes as `derive` + `s`), so the
    token where the parse stopped may be a fragment; the line's first word is not.
    """
    lines = text.split("\n")
    if line is None or not 1 <= line <= len(lines):
        return None
    match = _FIRST_WORD.match(lines[line - 1])
    if not match or match["word"] in STATEMENT_KEYWORDS + BLOCK_KEYWORDS:
        return None
    word = match["word"]
    suggestion = closest(word.lower(), STATEMENT_KEYWORDS + BLOCK_KEYWORDS)
    if suggestion is None:
        return None
    span = Span(path, line, match.start("word") + 1, line, match.end("word") + 1)
    return _unknown_keyword(span, word, suggestion)


def _unknown_keyword(span: Span, word: str, keyword: str) -> ParseProblem:
    return ParseProblem(span, f"unknown keyword '{word}'", f"write '{keyword}'", suggestion=keyword)


# Near misses of the spellings the language reads -------------------------------------------------
# Each is a pattern on the line where the parse stopped and what it makes of a match: the message,
# the help and the one spelling that replaces the match and parses (tests/test_suggest.py feeds
# every one back to the parser).

_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_SCALE_WORD = "|".join(sorted(SCALE_WORDS_APART, key=len, reverse=True))
NearMiss = tuple[str, str, str]


def _percent_apart(m: re.Match[str]) -> NearMiss:
    written = f"{m['number']}%"
    return (
        f"'{m[0]}' is not a percentage planlint can read",
        "write the % sign right after the number, like '20%'",
        written,
    )


def _comparison(m: re.Match[str]) -> NearMiss | None:
    statement = _FIRST_WORD.match(m.string)
    keyword = statement["word"] if statement else ""
    if keyword == "produces":
        return (f"'{m[0]}' is no way to state a value", "a producer states its value with '='", "=")
    if keyword not in ("goal", "consumes"):
        return None
    meant = {">": ">=", "=>": ">=", "<": "<=", "=<": "<=", "==": "="}[m[0]]
    return (
        f"'{m[0]}' is not a comparison planlint reads",
        "a bound that is exactly met is met: write '>=' (at least), '<=' (at most) or '=' (within the tolerance)",
        meant,
    )


def _range_to(m: re.Match[str]) -> NearMiss:
    return (
        "'to' does not make a range",
        "write a range with '..', like 14% .. 18%",
        "..",
    )


def _scale_apart(m: re.Match[str]) -> NearMiss | None:
    meant = SCALE_WORDS_APART.get(m["word"]) or SCALE_WORDS_APART.get(m["word"].lower())
    if meant is None:  # `MM` matched as `mm`: millimetres, perhaps
        return None
    written = m["number"] + meant
    return (
        f"'{m[0]}' is not a number planlint can read",
        "use k, M or B for thousands, millions or billions, right after the number, like '$20M'",
        written,
    )


def _code_first(m: re.Match[str]) -> NearMiss | None:
    if m["code"].upper() not in ISO_CURRENCIES:
        return None
    written = f"{m['number']} {m['code']}"
    return (
        f"'{m[0]}' is not an amount planlint can read",
        "write the currency after the number, like '24000 USD', or use its symbol, like '$24k'",
        written,
    )


_NEAR_MISSES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], NearMiss | None], str]] = [
    (re.compile(rf"(?<![\w.$€£¥])(?P<number>{_NUMBER}[kMB]?)[ \t]+%(?![\w/%])"), _percent_apart, ""),
    (re.compile(r"(?<![<>=])(?:=>|=<|==|[<>])(?![<>=])"), _comparison, ""),
    (re.compile(rf"(?<=[\d%A-Za-z])[ \t]+(?P<to>to)[ \t]+-?[$€£¥]?{_NUMBER}"), _range_to, "to"),
    (re.compile(rf"(?P<number>[$€£¥]?{_NUMBER})[ \t]+(?P<word>{_SCALE_WORD})(?![\w.])", re.I), _scale_apart, ""),
    (re.compile(rf"(?<![\w.])(?P<code>[A-Za-z]{{3}})[ \t]+(?P<number>{_NUMBER}[kMB]?)(?![\w.%])"), _code_first, ""),
]


def _near_miss(path: str, text: str, line: int, column: int) -> ParseProblem | None:
    """A near miss where the parse stopped (or just before it, with only spaces between), with the
    one spelling that parses."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    source, at = lines[line - 1], column - 1
    for pattern, meaning, part in _NEAR_MISSES:
        for m in pattern.finditer(source):
            found = meaning(m) if m.start() <= at and not source[m.end() : at].strip() else None
            if found is None:
                continue
            message, help, suggestion = found
            start, end = m.span(part) if part else m.span()
            return ParseProblem(Span(path, line, start + 1, line, end + 1), message, help, suggestion=suggestion)
    return None


def _open_expression(path: str, token: Token, err: UnexpectedInput) -> ParseProblem | None:
    """Where an expression went on to a later line (after an operator, inside parentheses) and met
    what cannot continue it: say where it was left open."""
    stack = [item for item in _value_stack(err) if not (isinstance(item, Token) and item.type == "_NL")]
    line, column = token.line, token.column
    if line is None or column is None or not stack:
        return None
    last = stack[-1]
    opened = next((t for t in reversed(stack) if isinstance(t, Token) and t.type == "LPAR"), None)
    if isinstance(last, Token) and last.type in _OPERATORS and _before(last, line):
        why = f"the expression on line {last.line} ends with '{last.value}', so it goes on to line {line}"
        help = f"write the rest of the expression after '{last.value}', or remove the '{last.value}'"
    elif opened is not None and _before(opened, line) and token.type in ("RBRACE", "$END", *_KEYWORD_TYPES):
        why = f"the '(' at line {opened.line}, column {opened.column} is not closed"
        help = "close it with ')' where the expression ends"
    else:
        return None
    span = Span(path, line, column, token.end_line or line, token.end_column or column + 1)
    return ParseProblem(span, f"unexpected {_describe_token(token)}: {why}", help)


def _before(token: Token, line: int) -> bool:
    """Whether the token stands on a line before `line` (a token the lexer made has its line)."""
    return token.line is not None and token.line < line


_OPERATORS = ("PLUS", "MINUS", "TIMES", "SLASH")
_KEYWORD_TYPES = tuple(k.upper() for k in STATEMENT_KEYWORDS + BLOCK_KEYWORDS)


def _value_stack(err: UnexpectedInput) -> list[object]:
    """What the parser had reduced when it stopped: tokens and the transformer's objects."""
    state = getattr(err, "state", None) or getattr(getattr(err, "interactive_parser", None), "parser_state", None)
    return list(getattr(state, "value_stack", None) or [])


def offer_suggestion(problem: ParseProblem, text: str, parser: Lark) -> ParseProblem:
    """The problem with its did-you-mean, when the suggestion is one that parses: put in place of
    what the problem covers, the file reads past it. Else without a suggestion."""
    if not problem.suggestion:
        return problem
    span, lines = problem.span, text.split("\n")
    if span.line != span.end_line or not 1 <= span.line <= len(lines):
        return replace(problem, suggestion="")
    line = lines[span.line - 1]
    lines[span.line - 1] = line[: span.column - 1] + problem.suggestion + line[span.end_column - 1 :]
    end = span.column + len(problem.suggestion)  # where the suggestion ends, on the fixed line
    fixed = "\n".join(lines)
    try:
        parser.parse(fixed)
    except UnexpectedInput as err:
        where = describe_parse_error(span.path, fixed, err, parser).span
        if (where.line, where.column) < (span.line, end):
            return replace(problem, suggestion="")
    except Exception as err:  # the model builder refusing a value: where it stops is in its span
        stopped: Span | None = getattr(err, "span", None)
        if stopped is None or (stopped.line, stopped.column) < (span.line, end):
            return replace(problem, suggestion="")
    return replace(problem, message=f"{problem.message}; did you mean '{problem.suggestion}'?")


def describe_parse_error(path: str, text: str, err: UnexpectedInput, parser: Lark) -> ParseProblem:
    """Turn lark's exception into a located problem a plan owner can act on."""
    if not isinstance(err, UnexpectedEOF) and getattr(getattr(err, "token", None), "type", "") != "$END":
        misspelt = _misspelt_keyword(path, text, err.line if err.line != -1 else None)
        if misspelt is not None:
            return misspelt
        near_miss = _near_miss(path, text, err.line, err.column) if err.line != -1 else None
        if near_miss is not None:
            return near_miss
    if isinstance(err, UnexpectedCharacters):
        position = err.pos_in_stream  # lark sets it on this error; the attribute's type allows None
        char = text[position] if position is not None and position < len(text) else ""
        shown = repr(char)[1:-1] if not char.isprintable() else char
        span = Span(path, err.line, err.column, err.line, err.column + 1)
        expected = _expected_terminals(err)
        message = f"unexpected character '{shown}'"
        if expected:
            message += f"; expected {_expected_words(expected)}"
        return ParseProblem(span, message, "check for a stray character or a missing quote")

    token: Token = err.token if isinstance(err, UnexpectedToken) else Token("$END", "")
    expected = _expected_terminals(err)
    at_end = token.type == "$END"
    span = (
        _end_of_text(path, text)
        if at_end or token.line is None or token.column is None
        else Span(
            path,
            token.line,
            token.column,
            token.end_line or token.line,
            token.end_column or token.column + max(len(token.value), 1),
        )
    )

    left_open = _open_expression(path, token, err)
    if left_open is not None:
        return left_open
    block = _open_block(err)
    if at_end and block is not None:
        return ParseProblem(
            span,
            f"the file ends before '}}' closes {block.value} (opened at line {block.line})",
            f"add '}}' to close {block.value}",
        )

    word = token.value if token.type in ("IDENT", "UNIT", "NAME") else ""
    suggestion = _did_you_mean(word, expected) if word else ""
    if suggestion:
        return _unknown_keyword(span, word, suggestion)

    label = _match_example(err, parser)
    if label:
        return ParseProblem(span, f"unexpected {_describe_token(token)}: {label}")
    message = f"unexpected {_describe_token(token)}; expected {_expected_words(expected)}"
    help = ""
    if block is not None and "RBRACE" in expected:
        help = f"inside {block.value}, each line is one statement: owner, goal, produces, consumes or derive"
    return ParseProblem(span, message, help)


def _expected_terminals(err: UnexpectedInput) -> set[str]:
    """What the parser would have taken where it stopped. Lark's `accepts` tries each terminal, so
    a statement's value is not said to expect an expression's `*` or `)` (states the LALR table
    shares between the two); `expected` is the fallback."""
    fallback = set(getattr(err, "expected", None) or getattr(err, "allowed", None) or ())
    interactive = getattr(err, "interactive_parser", None)
    if interactive is None:
        return fallback
    try:
        return set(interactive.accepts())
    except Exception:  # a value the model builder refuses on the way: the table's own answer
        return fallback


def _match_example(err: UnexpectedInput, parser: Lark) -> str | None:
    try:
        return err.match_examples(parser.parse, _EXAMPLES, use_accepts=True)
    except Exception:  # an example that fails another way must never hide the real error
        return None
