"""One run of planlint as a library call: files in, findings out.

discover -> read -> parse -> graph -> rules -> severity, suppression and
per-path ignores -> sorted findings. The CLI is a thin shell over `lint`.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from planlint.config import ALWAYS_EXCLUDED, DEFAULT, Config
from planlint.evaluate import Evaluator
from planlint.finding import Finding, Severity
from planlint.graph import InterlockGraph
from planlint.model import ParseProblem, Plan, PlanFile
from planlint.parse import parse_bytes
from planlint.registry import RuleSet, load_rules
from planlint.rule import Context, Rule
from planlint.span import Span

PLAN_SUFFIX = ".plan"


@dataclass
class LintResult:
    plan: Plan
    graph: InterlockGraph
    evaluator: Evaluator
    findings: list[Finding]
    rules: list[Rule]
    notes: list[str] = field(default_factory=list)  # plugin load errors and the like, for stderr

    @property
    def files_checked(self) -> int:
        return len(self.plan.files)

    def source_line(self, path: str, line: int) -> str | None:
        for plan_file in self.plan.files:
            if plan_file.path == path:
                return plan_file.lines[line - 1] if 0 < line <= len(plan_file.lines) else None
        return None


def display_path(path: Path, cwd: Path) -> str:
    """Relative to the working directory when below it, posix, as users expect in messages."""
    try:
        return path.resolve().relative_to(cwd).as_posix() if path.is_absolute() else path.as_posix()
    except ValueError:
        return path.as_posix()


def discover(paths: Iterable[Path], config: Config = DEFAULT) -> list[Path]:
    """Every `*.plan` file below the paths, sorted; excluded folders and symlink loops skipped."""
    found: set[Path] = set()
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in ALWAYS_EXCLUDED)
                for name in files:
                    if name.endswith(PLAN_SUFFIX):
                        found.add(Path(root) / name)
        else:
            found.add(path)
    plans = []
    for path in found:
        relative = _relative_to(path, config.root)
        if relative is None or config.includes(relative) or path in paths:
            plans.append(path)
    return sorted(plans, key=lambda p: p.as_posix())


def _relative_to(path: Path, root: Path) -> str | None:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def read_plan_file(path: Path, shown: str) -> PlanFile:
    try:
        if path.is_dir():
            return PlanFile(shown, problem=ParseProblem(Span(shown, 1, 1, 1, 1),
                                                        "this is a folder, not a plan file"))
        data = path.read_bytes()
    except OSError as err:
        reason = err.strerror or str(err)
        return PlanFile(shown, problem=ParseProblem(Span(shown, 1, 1, 1, 1), f"the file cannot be read: {reason}",
                                                    "check that the file exists and that you may read it"))
    return parse_bytes(shown, data)


def build_plan(files: list[Path], cwd: Path, parse: Callable[[Path, str], PlanFile] = read_plan_file) -> Plan:
    return Plan([parse(path, display_path(path, cwd)) for path in files])


def run_rules(plan: Plan, config: Config, ruleset: RuleSet, cwd: Path | None = None) -> LintResult:
    """Run every enabled rule; `cwd` is what finding paths are relative to (for per-path-ignores)."""
    cwd = cwd or Path.cwd()
    graph = InterlockGraph.build(plan)
    evaluator = Evaluator(graph)
    active = [rule for rule in ruleset.rules if config.severity_for(rule) is not None]
    suppressed = {f.path: f.suppressions for f in plan.files}
    findings: list[Finding] = []
    for rule in active:
        context = Context(plan, graph, evaluator, config.tolerance, config.fiscal_year_start,
                          config.options_for(rule))
        severity = config.severity_for(rule)
        override = severity if severity != rule.severity else None
        for finding in rule.check(context):
            if _silenced(finding, suppressed.get(finding.span.path, {})):
                continue
            if config.per_path_ignores and config.ignored_at(_config_relative(finding.span.path, cwd, config), rule):
                continue
            if override is not None and finding.severity == rule.severity:
                finding = _with_severity(finding, override)
            findings.append(finding)
    findings.sort(key=Finding.sort_key)
    return LintResult(plan, graph, evaluator, findings, active, list(ruleset.load_errors))


def _config_relative(path: str, cwd: Path, config: Config) -> str:
    return _relative_to(cwd / path, config.root) or path


def _silenced(finding: Finding, by_line: dict[int, frozenset[str]]) -> bool:
    rules = by_line.get(finding.span.line)
    if rules is None:
        return False
    return not rules or finding.rule in rules or finding.code in rules


def _with_severity(finding: Finding, severity: Severity) -> Finding:
    from dataclasses import replace

    return replace(finding, severity=severity)


def lint(paths: Iterable[Path], config: Config = DEFAULT, cwd: Path | None = None) -> LintResult:
    """Check every plan file below `paths` as one plan."""
    cwd = (cwd or Path.cwd()).resolve()
    paths = list(paths)
    plan = build_plan(discover(paths, config), cwd)
    return run_rules(plan, config, load_rules(), cwd)
