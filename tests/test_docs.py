"""The documentation cannot drift from the product: every example in docs/language.md is read
by the parser (and linted, where the page says what planlint finds), its tables match the
grammar and the rules, and README's sample output is what `planlint check` prints for
README's own plan. PLANLINT_UPDATE_README=1 rewrites that output after a deliberate change
to the messages."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from planlint.cli import main
from planlint.language.grammar import keywords
from planlint.model.parse import parse_text
from planlint.rulebook.registry import load_rules
from planlint.run.config import DEFAULT
from planlint.run.engine import lint_sources

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = ROOT / "docs" / "language.md"
README = ROOT / "README.md"
_FENCE = re.compile(r"^```(?P<info>plan[^\n]*)\n(?P<body>.*?)^```$", re.M | re.S)


def examples(path: Path) -> list[tuple[str, str, str]]:
    """(id, info string, text) of every ```plan and ```plan-error block of a Markdown file."""
    text = path.read_text(encoding="utf-8")
    return [
        (f"{path.name}:{text[: m.start()].count(chr(10)) + 1}", m.group("info").strip(), m.group("body"))
        for m in _FENCE.finditer(text)
    ]


LANGUAGE_EXAMPLES = examples(LANGUAGE)


def test_the_reference_has_examples_of_both_kinds() -> None:
    kinds = [info.split()[0] for _, info, _ in LANGUAGE_EXAMPLES]
    assert kinds.count("plan") >= 20 and kinds.count("plan-error") >= 6
    assert set(kinds) == {"plan", "plan-error"}


@pytest.mark.parametrize(("where", "info", "text"), LANGUAGE_EXAMPLES, ids=[w for w, _, _ in LANGUAGE_EXAMPLES])
def test_every_example_parses_or_is_refused_as_marked(where: str, info: str, text: str) -> None:
    problem = parse_text("example.plan", text).problem
    if info.startswith("plan-error"):
        assert problem is not None, f"{where} is marked plan-error but parses"
    else:
        assert problem is None, f"{where}: {problem.message if problem else ''}"


FINDING_EXAMPLES = [(w, i, t) for w, i, t in LANGUAGE_EXAMPLES if "expect=" in i]


@pytest.mark.parametrize(("where", "info", "text"), FINDING_EXAMPLES, ids=[w for w, _, _ in FINDING_EXAMPLES])
def test_examples_find_what_the_page_says(where: str, info: str, text: str) -> None:
    expected = info.split("expect=", 1)[1].split(",")
    result = lint_sources([("example.plan", text.encode("utf-8"))], DEFAULT.with_overrides(cache=False))
    found = sorted({finding.rule for finding in result.findings})
    assert found == ([] if expected == ["none"] else sorted(expected)), where


def _table_rows(section: str) -> list[list[str]]:
    text = LANGUAGE.read_text(encoding="utf-8")
    body = text[text.index(f"## {section}\n") :]
    body = body[: body.index("\n## ", 1)]
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in body.splitlines()
        if line.startswith("| ") and not line.startswith("| ---")
    ][1:]


def test_every_value_in_the_values_table_parses() -> None:
    values = [v for row in _table_rows("Values") for v in re.findall(r"`([^`]+)`", row[1])]
    assert len(values) >= 30
    refused = [v for v in values if parse_text("v.plan", f"team t {{\n  produces t.v = {v}\n}}\n").problem]
    assert refused == []


def test_every_requirement_in_the_requirements_table_parses() -> None:
    written = [re.findall(r"`([^`]+)`", row[0])[0] for row in _table_rows("Requirements")]
    assert len(written) == 8
    refused = [w for w in written if parse_text("r.plan", f"team t {{\n  consumes t.v {w}\n}}\n").problem]
    assert refused == []


def test_the_reserved_words_are_the_grammar_s() -> None:
    text = LANGUAGE.read_text(encoding="utf-8")
    listed = text[text.index("It cannot be one of the") :]
    listed = listed[: listed.index(".\n")]
    assert set(re.findall(r"`(\w+)`", listed)) == keywords()


def test_the_rule_table_is_the_rulebook_s() -> None:
    rows = {(row[0], row[1], row[3]) for row in _table_rows("What planlint checks")}
    builtin = {(r.code, r.name, r.severity.value) for r in load_rules().rules if r.origin == "planlint"}
    assert rows == builtin


def test_readme_links_the_reference() -> None:
    assert "[docs/language.md](docs/language.md)" in README.read_text(encoding="utf-8")


def test_readme_sample_output_is_what_check_prints_for_its_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = README.read_text(encoding="utf-8")
    plans = [body for _, info, body in examples(README) if info == "plan"]
    assert len(plans) == 2
    for body in plans:
        name = re.match(r"# (\S+\.plan)", body)
        assert name, body
        (tmp_path / name.group(1)).write_text(body, encoding="utf-8")
    for variable in ("NO_COLOR", "FORCE_COLOR", "GITHUB_ACTIONS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--no-cache", "--no-color", "."])
    assert result.exit_code == 1
    block = re.search(r"```console\n\$ planlint check \.\n(.*?)```", text, re.S)
    assert block is not None
    if os.environ.get("PLANLINT_UPDATE_README") == "1":
        README.write_text(text.replace(block.group(1), result.stdout), encoding="utf-8")
    else:
        assert block.group(1) == result.stdout
    assert "2.08× what marketing produces ($24k)" in result.stdout and "76.8% of the $20M/year goal" in result.stdout
