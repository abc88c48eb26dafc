"""Every built-in rule's fixture cases, run through the library API.

One YAML file per rule, `tests/fixtures/rules/<rule-name>.yml`, holds named
cases (sqlfluff style)::

    cases:
      ratio_message:
        description: what the case pins down (optional)
        files:                        # file name -> plan text; bytes as !!binary or {bytes_hex: ...}
          marketing.plan: |
            team marketing { ... }
        config:                       # optional: tolerance, fiscal-year-start, select, extend-select,
          tolerance: "5%"             #   ignore, fail-on (a planlint.toml in `files` is read too)
        expect:                       # every finding, no more: [] for a case that must pass
          - rule: value-mismatch      # name or code
            file: sales.plan
            line: 6
            severity: error           # optional, like column, message_matches (a regex, searched),
            message_matches: "2\\.08×"  #   message_excludes, help_matches and related (["file:line"])

The comparison is exhaustive: a finding no expectation matches fails the case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from planlint.rulebook.finding import Finding
from planlint.rulebook.registry import builtin_rules, load_rules
from planlint.run.config import load_config
from planlint.run.engine import lint

FIXTURES = Path(__file__).parent / "fixtures" / "rules"
CASE_KEYS = {"description", "files", "config", "expect"}
EXPECT_KEYS = {
    "rule",
    "file",
    "line",
    "column",
    "severity",
    "message_matches",
    "message_excludes",
    "help_matches",
    "related",
}
CONFIG_KEYS = {"tolerance", "fiscal-year-start", "select", "extend-select", "ignore", "fail-on"}
BUILTIN = {rule.name: rule.code for rule in builtin_rules()}


class _StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice (a second case would silently replace the first)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    doubled = {k for k in keys if keys.count(k) > 1}
    if doubled:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate keys {sorted(doubled)}", node.start_mark)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


@dataclass
class Case:
    rule: str
    name: str
    files: dict[str, Any]
    config: dict[str, Any] = field(default_factory=dict)
    expect: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fails(self) -> bool:
        """A fail case expects a finding of its own rule; a pass case expects none."""
        return any(e["rule"] in (self.rule, BUILTIN.get(self.rule)) for e in self.expect)


def load_cases(path: Path) -> list[Case]:
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    cases = []
    for name, spec in document["cases"].items():
        assert set(spec) <= CASE_KEYS, f"{path.name}:{name}: unknown keys {set(spec) - CASE_KEYS}"
        for expected in spec["expect"]:
            assert set(expected) <= EXPECT_KEYS, f"{path.name}:{name}: unknown keys {set(expected) - EXPECT_KEYS}"
        assert set(spec.get("config") or {}) <= CONFIG_KEYS, f"{path.name}:{name}: unknown config keys"
        cases.append(Case(path.stem, name, spec["files"], spec.get("config") or {}, spec["expect"]))
    return cases


ALL_CASES = [case for path in sorted(FIXTURES.glob("*.yml")) for case in load_cases(path)]


def _file_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, dict):
        return bytes.fromhex(value["bytes_hex"])
    return value.encode("utf-8")


def run_case(case: Case, folder: Path) -> list[Finding]:
    for name, value in case.files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_file_bytes(value))  # bytes as written: no newline translation
    rules = load_rules().rules
    toml = folder / "planlint.toml"
    config = load_config(toml if toml.exists() else None, rules)
    config = config.with_overrides(**{key.replace("-", "_"): value for key, value in case.config.items()})
    result = lint([folder], config, cwd=folder)
    return [f for f in result.findings if f.rule in BUILTIN]  # an installed plugin's findings are not ours


def matches(expected: dict[str, Any], finding: Finding) -> bool:
    checks = [
        expected["rule"] in (finding.rule, finding.code),
        expected.get("file", finding.span.path) == finding.span.path,
        expected.get("line", finding.span.line) == finding.span.line,
        expected.get("column", finding.span.column) == finding.span.column,
        expected.get("severity", finding.severity.value) == finding.severity.value,
        re.search(expected.get("message_matches", ""), finding.message) is not None,
        re.search(expected.get("help_matches", ""), finding.help) is not None,
        "message_excludes" not in expected or re.search(expected["message_excludes"], finding.message) is None,
        "related" not in expected
        or sorted(expected["related"]) == sorted(f"{r.span.path}:{r.span.line}" for r in finding.related),
    ]
    return all(checks)


def _shown(finding: Finding) -> str:
    related = "".join(f"\n      related {r.span.path}:{r.span.line}" for r in finding.related)
    return (
        f"{finding.rule} {finding.span.path}:{finding.span.line}:{finding.span.column} "
        f"{finding.severity.value}: {finding.message}\n      help: {finding.help}{related}"
    )


@pytest.mark.parametrize("case", ALL_CASES, ids=[f"{c.rule}:{c.name}" for c in ALL_CASES])
def test_rule_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # paths in findings and the config's root are relative to the plan
    actual = run_case(case, tmp_path)
    unmatched = list(actual)
    missing = []
    for expected in case.expect:
        hit = next((f for f in unmatched if matches(expected, f)), None)
        if hit is None:
            missing.append(expected)
        else:
            unmatched.remove(hit)
    report = "\n".join(
        [f"missing: {m}" for m in missing]
        + [f"unexpected: {_shown(f)}" for f in unmatched]
        + ["all findings:"]
        + [f"  {_shown(f)}" for f in actual]
    )
    assert not missing and not unmatched, report


def test_every_builtin_rule_has_a_fixture() -> None:
    fixtures = {path.stem for path in FIXTURES.glob("*.yml")}
    assert set(BUILTIN) - fixtures == set(), "rules without a fixture file"
    assert fixtures - set(BUILTIN) == set(), "fixture files named after no built-in rule"


@pytest.mark.parametrize("rule", sorted(BUILTIN))
def test_fixture_has_enough_cases(rule: str) -> None:
    cases = [case for case in ALL_CASES if case.rule == rule]
    failing = [case.name for case in cases if case.fails]
    passing = [case.name for case in cases if not case.fails]
    assert len(failing) >= 3, f"{rule}: fail cases {failing}"
    assert len(passing) >= 2, f"{rule}: pass cases {passing}"


def test_fixture_expectations_are_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runner itself: a wrong expectation must not match (else every case would pass)."""
    monkeypatch.chdir(tmp_path)
    case = Case(
        "value-mismatch",
        "self_check",
        {
            "m.plan": "team m {\n  produces a.b = $24k\n}\n",
            "s.plan": "team s {\n  consumes a.b = $50k\n}\n",
        },
    )
    (finding,) = run_case(case, tmp_path)
    assert matches({"rule": "value-mismatch", "file": "s.plan", "line": 2, "related": ["m.plan:2"]}, finding)
    for wrong in (
        {"rule": "unit-mismatch"},
        {"file": "m.plan"},
        {"line": 3},
        {"severity": "warning"},
        {"message_matches": "3×"},
        {"message_excludes": "2\\.08"},
        {"related": []},
    ):
        assert not matches({"rule": "PL102", **wrong}, finding), wrong
