"""The plan language's grammar (`planlint.lark`) and what is derived from it.

This folder is installed as the package `planlint.language.grammar`, so the
grammar is found the same way from a checkout, an editable install and a
wheel. Lark itself is imported only when a file needs the grammar.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lark import Lark

GRAMMAR_FILE = "planlint.lark"
# A keyword is a named terminal that matches one lower-case word: `TEAM: "team"`.
_KEYWORD_TERMINAL = re.compile(r'^([A-Z]+):\s*"([a-z]+)"\s*$', re.M)


@lru_cache(maxsize=1)
def grammar_text() -> str:
    return files(__name__).joinpath(GRAMMAR_FILE).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def keyword_terminals() -> dict[str, str]:
    """Each keyword terminal's name and word, in grammar order: {"TEAM": "team", ...}."""
    return dict(_KEYWORD_TERMINAL.findall(grammar_text()))


def keywords() -> frozenset[str]:
    """The words the grammar reserves (`team`, `consumes`, `by`, ...)."""
    return frozenset(keyword_terminals().values())


@lru_cache(maxsize=1)
def statement_keywords() -> tuple[str, ...]:
    """The words that start a statement (`owner`, `goal`, ...), in grammar order: the first
    terminal of each rule that `_statement` names."""
    text, words = grammar_text(), keyword_terminals()
    rules = re.search(r"^_statement:(.*)$", text, re.M)
    names = [name.strip() for name in rules.group(1).split("|")] if rules else []
    found = (re.search(rf"^{name}:\s*([A-Z]+)", text, re.M) for name in names)
    return tuple(words[m.group(1)] for m in found if m and m.group(1) in words)


@lru_cache(maxsize=1)
def block_keywords() -> tuple[str, ...]:
    """The words that open a block (`team`, `org`): the terminals `block` starts with."""
    rule = re.search(r"^block:\s*\(([A-Z |]+)\)", grammar_text(), re.M)
    terminals = [t.strip() for t in rule.group(1).split("|")] if rule else []
    return tuple(keyword_terminals()[t] for t in terminals)


def lark_parser(transformer: Any) -> Lark:
    """An LALR parser of the grammar that hands each rule's children to `transformer` as it
    reduces (no parse tree is built)."""
    from lark import Lark

    return Lark(
        grammar_text(), parser="lalr", lexer="contextual", transformer=transformer, maybe_placeholders=False, cache=True
    )
