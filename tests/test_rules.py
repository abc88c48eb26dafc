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
            message_matches: "2\\.08×"  #   message_excludes, help_matches, related (["file:line"]),
            teams: [marketing, sales] #   subject (the name it is about) and teams (sorted)
            fixes:                    # optional: exactly the finding's fixes, in order ([]: none)
              - title: "sales plans on what marketing delivers: $24k"
                applicability: unsafe # safe or unsafe
                alternative: false    # optional (default false): one of several ways, never applied by --fix
                writes:               # each line the fix changes, as it then reads in full
                  sales.plan:6: "  consumes leads.avg_deal_value = $24k"

The comparison is exhaustive: a finding no expectation matches fails the case.
Every fix of every finding is also applied alone, and must remove its finding
and leave the files it edits readable (`test_every_fix_resolves_its_finding`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from planlint.rulebook.finding import Finding
from planlint.rulebook.fixes import Fix, apply_edits
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
    "fixes",
    "subject",
    "teams",
}
FIX_KEYS = {"title", "applicability", "alternative", "writes"}
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
            for fix in expected.get("fixes", []):
                assert set(fix) <= FIX_KEYS, f"{path.name}:{name}: unknown fix keys {set(fix) - FIX_KEYS}"
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
    return lint_case(case, folder)


def lint_case(case: Case, folder: Path) -> list[Finding]:
    """The case's findings from the files in `folder` as they are."""
    rules = load_rules().rules
    toml = folder / "planlint.toml"
    config = load_config(toml if toml.exists() else None, rules)
    config = config.with_overrides(**{key.replace("-", "_"): value for key, value in case.config.items()})
    result = lint([folder], config, cwd=folder)
    return [f for f in result.findings if f.rule in BUILTIN]  # an installed plugin's findings are not ours


def _texts(case: Case) -> dict[str, str]:
    return {name: _file_bytes(value).decode("utf-8", "replace") for name, value in case.files.items()}


def fixed_lines(fix: Fix, texts: dict[str, str]) -> dict[str, str]:
    """`{"file:line": text}` for every line the fix changes, applied alone to the case's files."""
    written = {}
    for path in fix.paths:
        before = texts[path].split("\n")
        after = apply_edits(texts[path], [edit for edit in fix.edits if edit.path == path]).split("\n")
        lines = {edit.start_line for edit in fix.edits if edit.path == path}
        written.update(
            {f"{path}:{line}": after[line - 1] for line in sorted(lines) if after[line - 1] != before[line - 1]}
        )
    return written


def fixes_match(expected: list[dict[str, Any]], finding: Finding, texts: dict[str, str]) -> bool:
    actual = [
        {
            "title": fix.title,
            "applicability": fix.applicability,
            "alternative": fix.is_alternative,
            "writes": fixed_lines(fix, texts),
        }
        for fix in finding.fixes
    ]
    return actual == [{"alternative": False, **fix} for fix in expected]


def matches(expected: dict[str, Any], finding: Finding, texts: dict[str, str] | None = None) -> bool:
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
        "fixes" not in expected or fixes_match(expected["fixes"], finding, texts or {}),
        # What the finding is about, and the teams it concerns (the review's affected owners).
        "subject" not in expected or expected["subject"] == finding.subject,
        "teams" not in expected or list(expected["teams"]) == list(finding.teams),
    ]
    return all(checks)


def _shown(finding: Finding, texts: dict[str, str] | None = None) -> str:
    related = "".join(f"\n      related {r.span.path}:{r.span.line}" for r in finding.related)
    fixes = "".join(
        f"\n      fix ({fix.applicability}{', alternative' if fix.is_alternative else ''}) {fix.title!r}: "
        f"{fixed_lines(fix, texts) if texts is not None else fix.edits}"
        for fix in finding.fixes
    )
    return (
        f"{finding.rule} {finding.span.path}:{finding.span.line}:{finding.span.column} "
        f"{finding.severity.value}: {finding.message}\n      help: {finding.help}{related}{fixes}"
    )


@pytest.mark.parametrize("case", ALL_CASES, ids=[f"{c.rule}:{c.name}" for c in ALL_CASES])
def test_rule_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # paths in findings and the config's root are relative to the plan
    actual = run_case(case, tmp_path)
    texts = _texts(case)
    unmatched = list(actual)
    missing = []
    for expected in case.expect:
        hit = next((f for f in unmatched if matches(expected, f, texts)), None)
        if hit is None:
            missing.append(expected)
        else:
            unmatched.remove(hit)
    report = "\n".join(
        [f"missing: {m}" for m in missing]
        + [f"unexpected: {_shown(f, texts)}" for f in unmatched]
        + ["all findings:"]
        + [f"  {_shown(f, texts)}" for f in actual]
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


FIXED_CASES = [case for case in ALL_CASES if case.fails]


@pytest.mark.parametrize("case", FIXED_CASES, ids=[f"{c.rule}:{c.name}" for c in FIXED_CASES])
def test_every_fix_resolves_its_finding(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each fix, applied alone, removes its finding and leaves every file it edits readable (a syntax
    error's fix: readable further than before)."""
    monkeypatch.chdir(tmp_path)
    texts = _texts(case)
    for finding in run_case(case, tmp_path):
        for fix in finding.fixes:
            for path in fix.paths:
                (tmp_path / path).write_text(apply_edits(texts[path], [e for e in fix.edits if e.path == path]))
            after = lint_case(case, tmp_path)
            for path in fix.paths:  # back as it was, for the next fix
                (tmp_path / path).write_bytes(_file_bytes(case.files[path]))
            left = {f.fingerprint for f in after if f.rule != "syntax-error"}
            assert finding.fingerprint not in left, f"{fix.title!r} leaves {_shown(finding)}"
            for path in fix.paths:
                stop = next((f.span for f in after if f.rule == "syntax-error" and f.span.path == path), None)
                assert stop is None or (stop.line, stop.column) > (finding.span.line, finding.span.column), (
                    f"{fix.title!r} leaves {path} unreadable at {stop}"
                )
