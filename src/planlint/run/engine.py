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
import functools
import gc
import importlib
import pickle
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from planlint.analysis.evaluate import Evaluator, Outcome
from planlint.analysis.graph import GraphInProgress, InterlockGraph
from planlint.analysis.interlock import Interlock
from planlint.language.source import decode, suppressions
from planlint.model.plan import Derive, Goal, Plan, PlanFile, Produces
from planlint.rulebook.contract import Context, Rule
from planlint.rulebook.finding import Finding, in_report_order, names_rule
from planlint.rulebook.registry import RuleSet, load_rules
from planlint.run.cache import Cache, dump_model, judging_key, run_key
from planlint.run.config import DEFAULT, Config
from planlint.run.files import (
    Source,
    Unchanged,
    Unread,
    loaded,
    plan_sources,
    read_in_order,
    read_source,
    relative_to,
    resolved,
)
from planlint.run.incremental import (
    LoadingGraph,
    LoadingPlan,
    PlanState,
    SubjectId,
    apply_edit,
    outcome_of,
    stored_value,
)
from planlint.run.index import FileFacts
from planlint.run.processes import Share, judged_in_two, kept_in_background, recognise_in_child, wait_for_keeper
from planlint.run.store import Store
from planlint.run.unchanged import content_key, read_changed

if TYPE_CHECKING:
    from planlint.language.reader import BlockRecord

# The reader (its patterns take ~14 ms to build) is imported only when a file is parsed: a run that
# the cache answers never needs it. `parse_source` and `recognise` are looked up in model.parse then.
_NOT_RECOGNISED: Any = object()  # a file's records not worked out yet

STATE_FILE = "state.sqlite"  # what incremental checking keeps, in the cache folder


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
        rules: list[Rule[Any]],
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
        # How the findings were arrived at: "whole" (every subject judged), "incremental" (`judged`
        # subjects judged again) or "reused" (nothing changed); benchmarks report it.
        self.how = "whole"
        self.judged = 0
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
            found = self._files_by_path.get(path)
            lines = found.lines if found is not None else None
        return lines[line - 1] if lines is not None and 0 < line <= len(lines) else None


# Parsing many files ------------------------------------------------------------


def parse_sources(
    sources: Sequence[tuple[str, Source]],
    cache: Cache | None = None,
    contents: list[str] | None = None,
    graph: GraphInProgress | None = None,
) -> list[PlanFile]:
    """Every file's model, in order: from the cache when kept there, else read and parsed. Each
    is added to `graph` as soon as it and every file before it are there (while a second process
    still reads: building the graph then costs this process what that one would wait anyway)."""
    result: list[PlanFile | None] = []
    added = 0  # the files handed to `graph`

    def add_ready() -> None:
        nonlocal added
        if graph is not None:
            while added < len(result) and (ready := result[added]) is not None:
                graph.add(ready)
                added += 1

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
    if todo:  # the reader's patterns compiled here, before a second process would compile them too
        importlib.import_module("planlint.model.parse")
    start, child = recognise_in_child([sources[i] for i in todo], _read_and_recognise)
    try:
        own = todo[:start]
        for index, data in zip(own, read_in_order([sources[i] for i in own])):
            result[index] = _parsed(sources, index, cache, contents, data)
            add_ready()
            if child is not None:
                child.receive()
        answers = child.answers() if child is not None else iter(())
        for index in todo[start:]:  # what the child did not send (it failed) is done here
            answer = next(answers, None)
            sent, records = answer if answer is not None else (None, _NOT_RECOGNISED)
            result[index] = _parsed(sources, index, cache, contents, sent, records)
            add_ready()
    finally:
        if child is not None:
            child.close()
    return result  # type: ignore[return-value]


def _read_and_recognise(
    sources: list[tuple[str, Source]],
) -> Iterator[tuple[bytes | None, list[BlockRecord] | None] | None]:
    """In the child (see `run/processes.py`), for each source: (the bytes it read, or None when the
    parent has them; `recognise`'s records), or None for a file it cannot read, which the parent
    then reads and reports."""
    from planlint.model.parse import recognise

    for (_, source), data in zip(sources, read_in_order(sources)):
        if not isinstance(data, bytes):
            yield None
        else:
            yield (data if data is not source else None), recognise(data)


def _parsed(
    sources: Sequence[tuple[str, Source]],
    index: int,
    cache: Cache | None,
    contents: list[str] | None,
    data: bytes | PlanFile | None,
    records: list[BlockRecord] | None = _NOT_RECOGNISED,
) -> PlanFile:
    shown, source = sources[index]
    if data is None:
        data = read_source(source.path, shown) if isinstance(source, Unread) else source
    if isinstance(data, PlanFile):
        return data
    assert isinstance(data, bytes)
    from planlint.model import parse

    parsed, by_grammar = parse.parse_source(shown, data, parse.UNREAD if records is _NOT_RECOGNISED else records)
    if by_grammar and cache is not None and contents is not None:  # worth keeping: see cache.py
        cache.keep_parsed(shown, contents[index], parsed)
    return parsed


@contextlib.contextmanager
def _collector_paused(freeze: bool) -> Iterator[None]:
    """No garbage collection while the model is built: it has no reference cycles, and the
    collector would walk its millions of objects again and again. With `freeze`, what is alive
    afterwards is moved out of the collector's way (gc.freeze): still freed when no longer used,
    but never walked again, and never collected if it is cyclic garbage. So only a process that
    ends soon freezes, or one that collects before each check (the language server); a long run
    of checks in one process (a fuzzing campaign, the tests) would keep all its garbage."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


# Rules -----------------------------------------------------------------------------


def run_rules(
    plan: Plan, config: Config, ruleset: RuleSet, cwd: Path | None = None, graph: InterlockGraph | None = None
) -> LintResult:
    """Hand every subject of the plan to each enabled rule that judges its kind; `cwd` is what
    finding paths are relative to (for per-path-ignores); `graph`, the plan's when already built."""
    return _judged_whole(plan, config, ruleset, cwd or Path.cwd(), graph)[0]


def _judged_whole(
    plan: Plan, config: Config, ruleset: RuleSet, cwd: Path, graph: InterlockGraph | None = None
) -> tuple[LintResult, dict[SubjectId, list[Finding]]]:
    """The result of judging every subject of the plan, and the findings of each subject."""
    graph = graph if graph is not None else InterlockGraph.build(plan)
    evaluator = Evaluator(graph)
    evaluator.evaluate_all()  # once, before a second process judges: it then reads these values
    active = active_rules(config, ruleset)
    subjects: Subjects = {"assumption": graph.names(), "goal": graph.goals, "file": plan.files, "plan": [plan]}
    raw = judge(subjects, plan, graph, evaluator, config, active)
    suppressed = {f.path: f.suppressions for f in plan.files}
    findings = settled(raw, lambda path: suppressed.get(path, {}), config, active, cwd)
    result = LintResult(plan, graph, evaluator, findings, active, list(ruleset.load_errors))
    result.judged = sum(len(of_kind) for of_kind in subjects.values())
    return result, raw


def active_rules(config: Config, ruleset: RuleSet) -> list[Rule[Any]]:
    return [rule for rule in ruleset.rules if config.severity_for(rule) is not None]


def goal_id(goal: Goal) -> SubjectId:
    return ("g", goal.span.path, goal.span.line, goal.span.column)


Subjects = dict[str, Sequence[Any]]  # by kind: names, goals, files, the plan
# A subject's id, by its kind: made only for the subjects with findings.
_ID_OF: dict[str, Callable[[Any], SubjectId]] = {
    "assumption": lambda name: ("a", name),
    "goal": goal_id,
    "file": lambda plan_file: ("f", plan_file.path),
    "plan": lambda _: ("p",),
}


def judge(
    subjects: Subjects,
    plan: Plan,
    graph: InterlockGraph,
    evaluator: Evaluator,
    config: Config,
    active: list[Rule[Any]],
) -> dict[SubjectId, list[Finding]]:
    """Each subject's findings, by subject id (subjects without findings are left out)."""
    interlock = Interlock(graph, evaluator, config.tolerance)
    per_kind: list[
        tuple[Sequence[Any], Callable[[Any], SubjectId], list[tuple[Callable[..., Iterable[Finding]], Context]]]
    ] = []
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
        if judges:
            per_kind.append((of_kind, _ID_OF[kind], judges))

    def judged(share: Share) -> dict[SubjectId, list[Finding]]:
        found: dict[SubjectId, list[Finding]] = {}
        width = len(share)
        for of_kind, id_of, judges in per_kind:
            for index, subject in enumerate(of_kind):
                if share[index % width]:
                    # One comprehension, not list.extend per rule: measured 30% cheaper for the rules
                    # that find nothing (0.084 s against 0.120 s for 100,000 subjects and 8 rules).
                    findings = [finding for rule_judge, context in judges for finding in rule_judge(subject, context)]
                    if findings:
                        found[id_of(subject)] = findings
        return found

    # Rules never see this: on a large plan a second process judges about half the subjects. Its
    # answer comes from our own fork through a private pipe, not from a file the repository could
    # hold: loaded as it is, without the cache's checks (`load_model`: 0.035 s -> 0.024 s at 10,000 teams).
    return judged_in_two(len(subjects.get("assumption", ())), judged, dump_model, pickle.loads)


def settled(
    raw: dict[SubjectId, list[Finding]],
    suppressions_of: Callable[[str], dict[int, frozenset[str]]],
    config: Config,
    active: list[Rule[Any]],
    cwd: Path,
) -> list[Finding]:
    """The findings not silenced on their line or by a per-path ignore, at the configured severity,
    in report order."""
    rules = {rule.code: rule for rule in active}
    # A configured level applies to every finding of the rule, whatever level the rule computed for it.
    overrides = {rule.code: config.severity_for(rule) for rule in active if rule.code in config.severity}
    kept = []
    for findings in raw.values():
        for finding in findings:
            if _silenced(finding, suppressions_of(finding.span.path)):
                continue
            rule = rules[finding.code]
            if config.per_path_ignores and config.ignored_at(_config_relative(finding.span.path, cwd, config), rule):
                continue
            severity = overrides.get(finding.code)
            if severity is not None and severity != finding.severity:
                finding = replace(finding, severity=severity)
            kept.append(finding)
    return in_report_order(kept)


def _config_relative(path: str, cwd: Path, config: Config) -> str:
    return relative_to(cwd / path, resolved(config.root)) or path


def _silenced(finding: Finding, by_line: dict[int, frozenset[str]]) -> bool:
    rules = by_line.get(finding.span.line)
    if rules is None:
        return False
    return not rules or any(names_rule(key, finding.code, finding.rule) for key in rules)


def lint(
    paths: Iterable[Path], config: Config = DEFAULT, cwd: Path | None = None, one_shot: bool = False
) -> LintResult:
    """Check every plan file below `paths` as one plan (`one_shot`: see `lint_sources`)."""
    cwd = (cwd or Path.cwd()).resolve()
    return lint_sources(plan_sources(paths, config, cwd), config, cwd, one_shot)


def lint_sources(
    sources: list[tuple[str, Source]], config: Config = DEFAULT, cwd: Path | None = None, one_shot: bool = False
) -> LintResult:
    """Check plan files as one plan: each is (its path as shown, its bytes or the file to read).
    `check` passes the files below its paths; `review` the blobs of a revision.

    With the cache: when nothing changed, the last run's findings; when some files changed, only
    the subjects an edit reaches are judged again (see `run/incremental.py`). `one_shot`: the
    process ends once it has printed (a command): the model is frozen out of the collector's way,
    and a whole run of a large plan leaves the incremental state to a child that outlives this
    process (the next run waits for it if it needs it)."""
    cwd = (cwd or Path.cwd()).resolve()
    ruleset = load_rules()
    with _collector_paused(freeze=one_shot):
        if not config.cache:
            plan, graph = _plan_and_graph(sources)
            return run_rules(plan, config, ruleset, cwd, graph)
        cache = Cache.for_project(resolved(cwd / config.root) or cwd, config.cache_dir)
        looked = read_changed(sources, cache)  # all looked at first: the cache's key is their digest
        read, contents = looked.sources, looked.digests
        key = run_key(zip((name for name, _ in sources), contents), config, ruleset.rules, cwd)
        found = cache.findings(key)
        active = active_rules(config, ruleset)
        kept = _state_place(cache, config, active) if found is None else None
        if found is None and kept is not None:
            found = _found_in_state(kept, key, read, config, active, cwd)
        if found is not None:
            result = _reused(found, read, cache, contents, config, ruleset)
            result.how = "reused"
        else:
            result = _judged(read, contents, key, cache, kept, config, ruleset, cwd, one_shot)
        looked.save(cache)
        return result


def _plan_and_graph(
    sources: Sequence[tuple[str, Source]], cache: Cache | None = None, contents: list[str] | None = None
) -> tuple[Plan, InterlockGraph]:
    """The whole plan and its graph, built as the files are read."""
    graph = GraphInProgress()
    plan = Plan(parse_sources(sources, cache, contents, graph))
    return plan, graph.finished(plan)


def _state_place(cache: Cache, config: Config, active: list[Rule[Any]]) -> tuple[Path, str] | None:
    """Where incremental checking keeps its state, and the state's key; None when there is no
    cache to keep it in, or a PlanRule is active (it reads everything: nothing to judge again)."""
    if any(rule.subject == "plan" for rule in active):
        return None
    return cache.private_path(STATE_FILE, judging_key(config, active))


def _found_in_state(
    kept: tuple[Path, str], key: str, read: list[tuple[str, Source]], config: Config, active: list[Rule[Any]], cwd: Path
) -> list[Finding] | None:
    """The findings of an incremental run that had exactly this key (nothing changed since)."""
    wait_for_keeper(_lock_of(kept[0]))  # a whole run's child may still be writing the state
    raw = _unchanged_since_state(*kept, key)
    return settled(raw, _suppressions_in(dict(read)), config, active, cwd) if raw is not None else None


def _judged(
    read: list[tuple[str, Source]],
    contents: list[str],
    key: str,
    cache: Cache,
    kept: tuple[Path, str] | None,
    config: Config,
    ruleset: RuleSet,
    cwd: Path,
    one_shot: bool,
) -> LintResult:
    """Judge again what changed since the state was kept, or, with no state, the whole plan."""
    state = PlanState.open(*kept) if kept is not None else None
    if state is None:
        plan, graph = _plan_and_graph(read, cache, contents)
        result, raw = _judged_whole(plan, config, ruleset, cwd, graph)
        # A whole run's findings are what the next run reuses when nothing changes.
        save = functools.partial(cache.save_findings, key, result.findings)
        if kept is None:
            save()
        else:  # and its state, what the next run judges an edit against: by a child, after the findings
            digests = dict(zip((name for name, _ in read), contents))
            keep = functools.partial(_keep_whole, kept, key, result, raw, digests)
            if not (one_shot and kept_in_background(_one_then_other(save, keep), _lock_of(kept[0]), len(plan.files))):
                save()
                keep()
    else:  # an incremental run keeps its findings in the state only (writing them whole costs more)
        result = _judged_again(state, read, contents, _parser_of(read, cache, contents), config, ruleset, cwd)
        state.save(run=key)
        state.close()
    cache.save_files(set(zip((name for name, _ in read), contents)))
    return result


def _one_then_other(first: Callable[[], None], then: Callable[[], None]) -> Callable[[], None]:
    def both() -> None:
        first()
        then()

    return both


def _lock_of(state: Path) -> Path:
    """The lock a child writing the state holds (see `processes.kept_in_background`)."""
    return state.with_name(state.name + ".lock")


def _keep_whole(
    kept: tuple[Path, str], run: str, result: LintResult, raw: dict[SubjectId, list[Finding]], digests: dict[str, str]
) -> None:
    state = _state_of_whole(*kept, result, raw, digests)
    if state is not None:
        state.save(run=run)
        state.close()


def _unchanged_since_state(path: Path, judging: str, run: str) -> dict[SubjectId, list[Finding]] | None:
    """The raw findings kept in the state when its last run had exactly the key `run` (nothing
    changed since an incremental run); None otherwise."""
    store = Store.open(path, judging)
    if store is None:
        return None
    try:
        return store.findings() if store.meta("run") == run else None
    except (ValueError, TypeError, EOFError, sqlite3.Error):
        return None
    finally:
        store.close()


def _state_of_whole(
    path: Path | str, key: str, result: LintResult, raw: dict[SubjectId, list[Finding]], digests: dict[str, str]
) -> PlanState | None:
    """Keep what the next run needs of a whole run; the state, open (None when it cannot be kept:
    a cache that cannot be written is no cache)."""
    graph, evaluator = result.graph, result.evaluator
    files = {plan_file.path: FileFacts.of(plan_file, digests[plan_file.path]) for plan_file in result.plan.files}
    values = {}
    for name, outcome in evaluator.computed().items():
        stored = stored_value(outcome) if isinstance(graph.producer(name), Derive) else None
        if stored is not None:
            values[name] = stored
    feeding = {goal.metric: graph.feeds_shared_goals(goal.metric) for goal in graph.team_goals()}
    try:
        return PlanState.create(path, key, files, graph.cyclic_names(), graph.shared_metrics(), feeding, values, raw)
    except (OSError, sqlite3.Error):
        return None


def _judged_again(
    state: PlanState,
    read: Sequence[tuple[str, Source]],
    contents: list[str],
    parse: Callable[[str], PlanFile],
    config: Config,
    ruleset: RuleSet,
    cwd: Path,
) -> LintResult:
    """Judge again what changed files reach; every other subject keeps its findings. `parse(path)`
    gives a file's model (once per file and run)."""
    data_of, digest_of = dict(read), dict(zip((name for name, _ in read), contents))
    index = state.index
    changed = [path for path, value in digest_of.items() if index.digests.get(path) != value]
    removed = [path for path in index.digests if path not in digest_of]

    old_goals = {goal for path in [*changed, *removed] if path in index for goal, _ in index.facts(path).goals(path)}
    reach = apply_edit(state, {path: FileFacts.of(parse(path), digest_of[path]) for path in changed}, removed)
    for name in reach.values | reach.assumptions:
        state.forget(("a", name))
    for goal in reach.goals | old_goals:
        state.forget(("g", *goal))
    for path in reach.files | set(changed) | set(removed):
        state.forget(("f", path))
    plan = LoadingPlan(data_of)
    graph = LoadingGraph(plan, index, state.declarations, parse, state)
    seeded: set[str] = set()

    def known(name: str) -> Outcome | None:
        stored = state.value(name) if name not in reach.values else None
        if stored is None:
            return None
        seeded.add(name)
        return outcome_of(stored)

    evaluator = Evaluator(graph, known)
    subjects: Subjects = {
        "assumption": sorted(reach.assumptions),
        "goal": [at for key in sorted(reach.goals) if (at := graph.goal_at(key)) is not None],
        "file": [graph.load(path) for path in sorted(reach.files) if path in index],
    }
    active = active_rules(config, ruleset)
    state.judged(judge(subjects, plan, graph, evaluator, config, active))
    for name in reach.values:
        state.set_value(name, None)
    # A whole run keeps the derived values; this one keeps the stated ones it had to read as well,
    # so that the next edit nearby finds them without parsing their files again.
    for name, outcome in evaluator.computed().items():
        if name not in seeded and isinstance(graph.producer(name), (Derive, Produces)):
            stored = stored_value(outcome)
            if stored is not None:
                state.set_value(name, stored)
    findings = settled(state.findings, _suppressions_in(data_of), config, active, cwd)
    result = _reused(findings, read, None, contents, config, ruleset, lambda: Plan([parse(path) for path, _ in read]))
    result.how, result.judged = "incremental", sum(len(of_kind) for of_kind in subjects.values())
    return result


def _parser_of(read: Sequence[tuple[str, Source]], cache: Cache, contents: list[str]) -> Callable[[str], PlanFile]:
    """A file's model by its path as shown: from the cache when kept there, parsed once per run."""
    parsed: dict[str, PlanFile] = {}
    position = {name: i for i, (name, _) in enumerate(read)}

    def parse(path: str) -> PlanFile:
        if path not in parsed:
            data = read[position[path]][1]
            parsed[path] = _parsed(read, position[path], cache, contents, None if isinstance(data, Unread) else data)
        return parsed[path]

    return parse


def _suppressions_in(data_of: dict[str, Source]) -> Callable[[str], dict[int, frozenset[str]]]:
    """Each file's `# planlint: ignore` lines, read from its text when first asked for (a file
    known unchanged is read only if it holds a `planlint:` comment)."""
    found: dict[str, dict[int, frozenset[str]]] = {}

    def of(path: str) -> dict[int, frozenset[str]]:
        if path not in found:
            data = data_of.get(path)
            if isinstance(data, Unchanged) and not data.marked:
                found[path] = {}
                return found[path]
            data = loaded(path, data)
            if isinstance(data, PlanFile):
                found[path] = data.suppressions
            elif data is not None and b"planlint:" in data:
                text = decode(path, data)
                found[path] = suppressions(text.split("\n")) if isinstance(text, str) else {}
            else:
                found[path] = {}
        return found[path]

    return of


def _reused(
    found: list[Finding],
    sources: Sequence[tuple[str, Source]],
    cache: Cache | None,
    contents: list[str],
    config: Config,
    ruleset: RuleSet,
    later: Callable[[], Plan] | None = None,
) -> LintResult:
    """The last run's findings; the plan is parsed only if asked for (by `later`, else from the cache)."""
    by_path = dict(sources)

    def lines(path: str) -> list[str] | None:
        data = loaded(path, by_path.get(path))
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
        later=later or (lambda: Plan(parse_sources(sources, cache, contents))),
        lines=lines,
    )


class Session:
    """A plan checked again and again in one process, as the language server does after each edit:
    the incremental state held in memory, and each file parsed once per content."""

    def __init__(self) -> None:
        self._state: PlanState | None = None
        self._parsed: dict[tuple[str, str], PlanFile] = {}

    def check(self, sources: list[tuple[str, Source]], config: Config, cwd: Path) -> LintResult:
        """The findings of the plan `sources` make (as `lint_sources`, without the disk cache)."""
        cwd = cwd.resolve()
        ruleset = load_rules()
        active = active_rules(config, ruleset)
        key = judging_key(config, active)
        with _collector_paused(freeze=True):  # the language server collects before each check
            read = [(shown, data) for (shown, _), data in zip(sources, read_in_order(sources))]
            contents = [content_key(data) for _, data in read]
            parsed = {shown: self._parsed.get((shown, c)) for (shown, _), c in zip(read, contents)}

            def parse(path: str) -> PlanFile:
                from planlint.model.parse import parse_source

                found = parsed.get(path)
                if found is None:
                    data = dict(read)[path]
                    found = parsed[path] = data if isinstance(data, PlanFile) else parse_source(path, data)[0]
                return found

            state = self._state
            if state is None or state.store.meta("key") != key or any(r.subject == "plan" for r in active):
                if state is not None:
                    state.close()
                plan = Plan([parse(shown) for shown, _ in read])
                result, raw = _judged_whole(plan, config, ruleset, cwd)
                self._state = _state_of_whole(":memory:", key, result, raw, dict(zip((n for n, _ in read), contents)))
            else:
                result = _judged_again(state, read, contents, parse, config, ruleset, cwd)
                state.save()
            self._parsed = {(shown, c): found for (shown, _), c in zip(read, contents) if (found := parsed.get(shown))}
        return result
