"""One run of planlint as a library call: files in, findings out.

find and read (`files.py`) -> parse -> graph -> rules -> severity, suppression
and per-path ignores -> sorted findings. The CLI is a thin shell over `lint`.

Rules judge subjects (see `rulebook.contract`): each assumption name, goal,
file and the plan as a whole is handed to the enabled rules of its kind.

At organisation scale (10,000 files) the parse dominates, so `lint` keeps the
garbage collector out of it (the model is millions of small objects without
a single reference cycle), and uses the cache (see `cache.py`: outside the
repository, authenticated): when no file, setting or rule changed, the last run's findings
are reported again without parsing.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from planlint.analysis.evaluate import Evaluator
from planlint.analysis.graph import InterlockGraph
from planlint.analysis.interlock import Interlock
from planlint.language.source import decode
from planlint.model.parse import parse_source
from planlint.model.plan import Plan, PlanFile
from planlint.rulebook.contract import Context, Rule
from planlint.rulebook.finding import Finding
from planlint.rulebook.registry import RuleSet, load_rules
from planlint.run.cache import Cache, digest, run_key
from planlint.run.config import DEFAULT, Config
from planlint.run.files import Source, plan_sources, read_in_order, relative_to, resolved


class LintResult:
    """The findings of a run, and the plan, graph and evaluator they came from.

    When the findings come from the cache, the plan is parsed (and the graph
    built) only if someone asks for it.
    """

    def __init__(
        self,
        plan: Plan | None,
        graph: InterlockGraph | None,
        evaluator: Evaluator | None,
        findings: list[Finding],
        rules: list[Rule],
        notes: list[str] | None = None,
        *,
        files_checked: int | None = None,
        later: Callable[[], Plan] | None = None,
        lines: Callable[[str], list[str] | None] | None = None,
    ) -> None:
        self._plan, self._graph, self._evaluator = plan, graph, evaluator
        self.findings = findings
        self.rules = rules
        self.notes = notes if notes is not None else []  # plugin load errors and the like, for stderr
        self._files_checked = files_checked
        self._later = later
        self._lines = lines
        self._files_by_path: dict[str, PlanFile] | None = None

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            self._plan = self._later()  # type: ignore[misc]
        return self._plan

    @property
    def graph(self) -> InterlockGraph:
        if self._graph is None:
            self._graph = InterlockGraph.build(self.plan)
        return self._graph

    @property
    def evaluator(self) -> Evaluator:
        if self._evaluator is None:
            self._evaluator = Evaluator(self.graph)
        return self._evaluator

    @property
    def files_checked(self) -> int:
        return self._files_checked if self._plan is None and self._files_checked is not None else len(self.plan.files)

    def source_line(self, path: str, line: int) -> str | None:
        if self._plan is None and self._lines is not None:
            lines = self._lines(path)
        else:
            if self._files_by_path is None:  # one look-up per finding: index the files once
                self._files_by_path = {}
                for plan_file in self.plan.files:
                    self._files_by_path.setdefault(plan_file.path, plan_file)
            plan_file = self._files_by_path.get(path)
            lines = plan_file.lines if plan_file is not None else None
        return lines[line - 1] if lines is not None and 0 < line <= len(lines) else None


# Parsing many files ------------------------------------------------------------


def parse_sources(
    sources: list[tuple[str, Source]], cache: Cache | None = None, contents: list[str] | None = None
) -> list[PlanFile]:
    """Every file's model, in order: from the cache when kept there, else read and parsed."""
    result: list[PlanFile | None] = []
    todo: list[int] = []  # the files to parse
    for index, (shown, data) in enumerate(sources):
        kept = None
        if isinstance(data, PlanFile):
            kept = data
        elif cache is not None and contents is not None:
            kept = cache.parsed(shown, contents[index])
        result.append(kept)
        if kept is None:
            todo.append(index)
    for index, data in zip(todo, read_in_order([sources[i] for i in todo])):
        result[index] = _parsed(sources, index, cache, contents, data)
    return result  # type: ignore[return-value]


def _parsed(
    sources: list, index: int, cache: Cache | None, contents: list[str] | None, data: bytes | PlanFile
) -> PlanFile:
    shown, _ = sources[index]
    if isinstance(data, PlanFile):
        return data
    parsed, by_grammar = parse_source(shown, data)
    if by_grammar and cache is not None and contents is not None:  # worth keeping: see cache.py
        cache.keep_parsed(shown, contents[index], parsed)
    return parsed


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while the model is built: it has no reference cycles, and the
    collector would walk its millions of objects again and again. Afterwards the model is
    moved out of the collector's way (gc.freeze); it is still freed when no longer used."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


# Rules -----------------------------------------------------------------------------


def run_rules(plan: Plan, config: Config, ruleset: RuleSet, cwd: Path | None = None) -> LintResult:
    """Hand every subject of the plan to each enabled rule that judges its kind; `cwd` is what
    finding paths are relative to (for per-path-ignores)."""
    cwd = cwd or Path.cwd()
    graph = InterlockGraph.build(plan)
    evaluator = Evaluator(graph)
    active = [rule for rule in ruleset.rules if config.severity_for(rule) is not None]
    interlock = Interlock(graph, evaluator, config.tolerance)
    subjects = {"assumption": graph.names(), "goal": graph.goals, "file": plan.files, "plan": [plan]}
    found: list[Finding] = []
    for kind, of_kind in subjects.items():
        judges = [
            (
                rule.judge,
                Context(
                    plan,
                    graph,
                    evaluator,
                    config.tolerance,
                    config.fiscal_year_start,
                    config.options_for(rule),
                    interlock,
                ),
            )
            for rule in active
            if rule.subject == kind
        ]
        if not judges:
            continue
        for subject in of_kind:
            for judge, context in judges:
                found.extend(judge(subject, context))
    findings = _kept(found, plan, config, active, cwd)
    findings.sort(key=Finding.sort_key)
    return LintResult(plan, graph, evaluator, findings, active, list(ruleset.load_errors))


def _kept(found: list[Finding], plan: Plan, config: Config, active: list[Rule], cwd: Path) -> list[Finding]:
    """The findings not silenced on their line or by a per-path ignore, at the configured severity."""
    suppressed = {f.path: f.suppressions for f in plan.files}
    rules = {rule.code: rule for rule in active}
    severities = {rule.code: config.severity_for(rule) for rule in active}
    kept = []
    for finding in found:
        if _silenced(finding, suppressed.get(finding.span.path, {})):
            continue
        rule = rules[finding.code]
        if config.per_path_ignores and config.ignored_at(_config_relative(finding.span.path, cwd, config), rule):
            continue
        severity = severities[finding.code]
        if severity != rule.severity and finding.severity == rule.severity:
            finding = replace(finding, severity=severity)
        kept.append(finding)
    return kept


def _config_relative(path: str, cwd: Path, config: Config) -> str:
    return relative_to(cwd / path, resolved(config.root)) or path


def _silenced(finding: Finding, by_line: dict[int, frozenset[str]]) -> bool:
    rules = by_line.get(finding.span.line)
    if rules is None:
        return False
    return not rules or finding.rule in rules or finding.code in rules


def lint(paths: Iterable[Path], config: Config = DEFAULT, cwd: Path | None = None) -> LintResult:
    """Check every plan file below `paths` as one plan."""
    cwd = (cwd or Path.cwd()).resolve()
    return lint_sources(plan_sources(paths, config, cwd), config, cwd)


def lint_sources(sources: list[tuple[str, Source]], config: Config = DEFAULT, cwd: Path | None = None) -> LintResult:
    """Check plan files as one plan: each is (its path as shown, its bytes or the file to read).
    `check` passes the files below its paths; `review` the blobs of a revision."""
    cwd = (cwd or Path.cwd()).resolve()
    ruleset = load_rules()
    with _collector_paused():
        if not config.cache:
            return run_rules(Plan(parse_sources(sources)), config, ruleset, cwd)
        shown = [name for name, _ in sources]
        read = list(zip(shown, read_in_order(sources)))  # all read first: the cache's key is their digest
        cache = Cache.for_project(resolved(cwd / config.root) or cwd, config.cache_dir)
        contents = [
            digest(data) if isinstance(data, bytes) else "unreadable:" + data.problem.message  # type: ignore
            for _, data in read
        ]
        key = run_key(zip(shown, contents), config, ruleset.rules, cwd)
        found = cache.findings(key)
        if found is not None:
            return _reused(found, read, cache, contents, config, ruleset)
        result = run_rules(Plan(parse_sources(read, cache, contents)), config, ruleset, cwd)
        cache.save_files(set(zip(shown, contents)))
        cache.save_findings(key, result.findings)
        return result


def _reused(
    found: list[Finding], sources: list, cache: Cache, contents: list[str], config: Config, ruleset: RuleSet
) -> LintResult:
    """The last run's findings; the plan is parsed only if asked for."""
    by_path = dict(sources)

    def lines(path: str) -> list[str] | None:
        data = by_path.get(path)
        if isinstance(data, PlanFile):
            return data.lines
        text = decode(path, data) if data is not None else None
        return text.split("\n") if isinstance(text, str) else None

    active = [rule for rule in ruleset.rules if config.severity_for(rule) is not None]
    return LintResult(
        None,
        None,
        None,
        found,
        active,
        list(ruleset.load_errors),
        files_checked=len(sources),
        later=lambda: Plan(parse_sources(sources, cache, contents)),
        lines=lines,
    )
