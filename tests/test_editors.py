"""The TextMate grammar (editors/planlint.tmLanguage.json) and the VS Code extension folder.

No TextMate engine is on PyPI, so `scopes` below is a small one: at each point of
a line the pattern whose match starts first wins (the earlier pattern on a
tie), as in TextMate. Its regular expressions are compiled with Python's `re`,
so a test also keeps them to the constructs that Oniguruma (VS Code, GitHub)
reads the same way. The scenario files are then read with the parser, and every
keyword, name, value kind and comment the parser finds must carry its scope.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from planlint.language.grammar import keywords
from planlint.language.layout import split_comment
from planlint.language.source import decode
from planlint.model.parse import parse_text
from planlint.model.plan import Amount, Consumes, Derive, Goal, Produces, Text, When

ROOT = Path(__file__).resolve().parents[1]
EDITORS = ROOT / "editors"
GRAMMAR = json.loads((EDITORS / "planlint.tmLanguage.json").read_text(encoding="utf-8"))


def _leaves(rule: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The grammar's `match` rules in the order TextMate tries them, includes followed."""
    if "include" in rule:
        yield from _leaves(GRAMMAR["repository"][rule["include"].removeprefix("#")])
    elif "patterns" in rule:
        for inner in rule["patterns"]:
            yield from _leaves(inner)
    else:
        yield rule


RULES = [(re.compile(rule["match"]), rule) for rule in _leaves(GRAMMAR)]


def scopes(line: str) -> list[set[str]]:
    """The scopes of each character of a line."""
    found: list[set[str]] = [set() for _ in line]
    position = 0
    while position < len(line):
        best: tuple[re.Match[str], dict[str, Any]] | None = None
        for pattern, rule in RULES:
            match = pattern.search(line, position)
            if match and match.end() > match.start() and (best is None or match.start() < best[0].start()):
                best = (match, rule)
        if best is None:
            break
        match, rule = best
        if "name" in rule:
            for index in range(match.start(), match.end()):
                found[index].add(rule["name"])
        for group, capture in rule.get("captures", {}).items():
            if match.group(int(group)) is not None:
                for index in range(match.start(int(group)), match.end(int(group))):
                    found[index].add(capture["name"])
        position = match.end()
    return found


def test_every_regex_reads_the_same_in_oniguruma() -> None:
    """Python-only (`(?P<`) and Oniguruma-only (`(?<name>`, possessive, atomic, `\\h`) constructs, and
    classes whose reach differs between the two (`\\d`, `\\w`, `\\s` on Unicode), are kept out."""
    banned = re.compile(r"\(\?P<|\(\?<[A-Za-z]|\(\?>|[*+?}]\+|\\[dwshDWSHAzZG]")
    for pattern, rule in RULES:
        assert not banned.search(pattern.pattern), rule["match"]


def test_every_keyword_of_the_language_has_a_scope() -> None:
    words = {word: scopes(word) for word in keywords()}
    assert {
        word for word, found in words.items() if not any(s.startswith(("keyword.", "storage.type.")) for s in found[0])
    } == set()
    assert scopes("team.size")[0] == {"variable.other.assumption.planlint"}  # a name that starts like a keyword


SCENARIOS = sorted({*(ROOT / "tests" / "scenarios").rglob("*.plan"), *(ROOT / "examples").rglob("*.plan")})


def _of(line_scopes: list[set[str]], start: int, end: int) -> set[str]:
    """The scopes every character from `start` to `end` (0-based, exclusive) has."""
    return set.intersection(*line_scopes[start:end])


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.relative_to(ROOT).as_posix() for p in SCENARIOS])
def test_scenario_files_get_their_scopes(path: Path) -> None:
    text = decode(path.name, path.read_bytes())
    if not isinstance(text, str):
        pytest.skip("not UTF-8: no editor shows it as a plan")
    plan_file = parse_text(path.name, text)
    lines = text.split("\n")
    by_line = [scopes(line) for line in lines]
    for number, line in enumerate(lines):
        code, comment = split_comment(line)
        if comment:
            assert _of(by_line[number], len(code), len(line.rstrip())) >= {"comment.line.number-sign.planlint"} or (
                "planlint:" in comment
            ), line
    for block in plan_file.blocks:
        header = by_line[block.span.line - 1]
        assert "storage.type.block.planlint" in header[block.span.column - 1]
        for statement in block.statements:
            row, line = by_line[statement.span.line - 1], lines[statement.span.line - 1]
            start = statement.span.column - 1
            assert "keyword.other.statement.planlint" in row[start], line
            if isinstance(statement, (Goal, Produces, Consumes, Derive)):
                name = statement.metric if isinstance(statement, Goal) else statement.name
                at = line.index(name, start)
                assert "variable.other.assumption.planlint" in _of(row, at, at + len(name)), line
            for value in _values(statement):
                _check_value(value, by_line, lines)


def _values(statement: object) -> list[Any]:
    if isinstance(statement, Produces):
        return [statement.value] if statement.value is not None else []
    if isinstance(statement, (Goal, Consumes)) and statement.requirement is not None:
        return [statement.requirement.value]
    return []


def _check_value(value: Any, by_line: list[list[set[str]]], lines: list[str]) -> None:
    span = value.span
    row, line = by_line[span.line - 1], lines[span.line - 1]
    written = line[span.column - 1 : span.end_column - 1]
    first = row[span.column - 1 + (1 if written.startswith("-") else 0)]
    if isinstance(value, Text):
        assert "string.quoted.double.planlint" in _of(row, span.column - 1, span.end_column - 1), line
    elif isinstance(value, When):
        assert _of(row, span.column - 1, span.end_column - 1) == {"constant.other.date.planlint"}, line
    elif isinstance(value, Amount):
        unit = value.quantity.unit
        kind = (
            "constant.numeric.money.planlint"
            if unit.currency and re.match(r"-?[$€£¥]", written)
            else "constant.numeric.percent.planlint"
            if unit.percent
            else "constant.numeric.planlint"
        )
        assert kind in first, line
        if unit.label or (unit.currency and not re.match(r"-?[$€£¥]", written)):
            assert any("support.type.unit.planlint" in row[i] for i in range(span.column - 1, span.end_column - 1))
        if unit.period:
            slash = line.index("/", span.column - 1)
            assert "support.constant.period.planlint" in row[slash], line
        if value.is_range:
            dots = line.index("..", span.column - 1)
            assert "keyword.operator.range.planlint" in row[dots], line
        if value.tolerance is not None:
            sign = re.compile(r"±|\+/-").search(line, span.column - 1)
            assert sign and "keyword.operator.tolerance.planlint" in row[sign.start()], line


def test_the_corpus_has_every_value_kind() -> None:
    """The scopes above are checked on each kind: money, percent, count, rate, range, tolerance,
    text, date and a suppression comment all occur in the scenario files."""
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in SCENARIOS)
    for sample in (
        r"\$\d",
        r"\d%",
        r"\d+ leads",
        r"/year",
        r" \.\. ",
        r"±|\+/-",
        r'= "',
        r"by \d{4}-",
        "planlint: ignore",
    ):
        assert re.search(sample, text), sample


def test_a_line_gets_exactly_its_scopes() -> None:
    line = '  consumes leads.volume >= 2,000 leads/year  # "not a string"'
    found = scopes(line)
    assert [(line[i], found[i]) for i in (2, 11, 24, 27, 33, 38, 45)] == [
        ("c", {"keyword.other.statement.planlint"}),
        ("l", {"variable.other.assumption.planlint"}),
        (">", {"keyword.operator.comparison.planlint"}),
        ("2", {"constant.numeric.planlint"}),
        ("l", {"support.type.unit.planlint"}),
        ("/", {"support.constant.period.planlint"}),
        ("#", {"comment.line.number-sign.planlint", "punctuation.definition.comment.planlint"}),
    ]
    assert _of(found, 46, len(line)) == {"comment.line.number-sign.planlint"}


# The VS Code extension ----------------------------------------------------------------------------


def test_the_extension_declares_the_language_grammar_and_server() -> None:
    folder = EDITORS / "vscode"
    package = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    [language] = package["contributes"]["languages"]
    [grammar] = package["contributes"]["grammars"]
    assert (language["id"], language["extensions"], grammar["scopeName"]) == ("planlint", [".plan"], "source.planlint")
    assert (folder / grammar["path"]).resolve() == (EDITORS / "planlint.tmLanguage.json").resolve()
    assert json.loads((folder / language["configuration"]).read_text(encoding="utf-8"))["comments"] == {
        "lineComment": "#"
    }
    client = (folder / package["main"]).read_text(encoding="utf-8")
    assert 'args: ["lsp"]' in client and "vscode-languageclient/node" in client


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_client_is_valid_javascript() -> None:
    run = subprocess.run(["node", "--check", str(EDITORS / "vscode" / "extension.js")], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
