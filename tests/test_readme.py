"""The README's rule table and format list are generated from the registry and the format
modules, so they cannot fall behind the code (`pytest --snapshot-update` rewrites them)."""

from __future__ import annotations

import importlib
import re

import pytest

from conftest import ROOT
from planlint.output.formats import _MODULES
from planlint.rulebook.registry import builtin_rules

README = ROOT / "README.md"


def rule_table() -> str:
    rows = ["| code | name | severity | finds |", "| --- | --- | --- | --- |"]
    for rule in sorted(builtin_rules(), key=lambda r: r.code):
        default = rule.severity.value + ("" if rule.enabled_by_default else ", off by default")
        rows.append(f"| {rule.code} | {rule.name} | {default} | {rule.summary()} |")
    return "\n".join(rows)


def format_table() -> str:
    rows = ["| format | what it is |", "| --- | --- |"]
    for name, module in _MODULES.items():
        doc = importlib.import_module(f"planlint.output.formats.{module}").__doc__ or ""
        summary = " ".join(doc.split("\n\n")[0].split()).split(". ")[0].rstrip(".") + "."
        rows.append(f"| `{name}` | {summary} |")
    return "\n".join(rows)


BLOCKS = {"rules": rule_table, "formats": format_table}
_BLOCK = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(\n<!-- end generated -->)", re.S)


def test_readme_tables_are_current(request: pytest.FixtureRequest) -> None:
    text = README.read_text(encoding="utf-8")
    current = _BLOCK.sub(lambda m: m[1] + BLOCKS[m[2]]() + m[4], text)
    assert {m[2] for m in _BLOCK.finditer(text)} == set(BLOCKS)
    if request.config.getoption("--snapshot-update"):
        README.write_text(current, encoding="utf-8")
        return
    assert text == current, "README tables are stale: run pytest --snapshot-update"
