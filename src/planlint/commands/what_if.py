"""`planlint what-if`: the check as if producers stated other values; nothing on disk changes.

Each `--set NAME=VALUE` is an edit of the plan's text in memory, the one a plan owner would make by
hand: the producer's value is replaced (`produces NAME = VALUE`), a derivation becomes a stated
value (`derive NAME = ...` becomes `produces NAME = VALUE`), and a name nobody produces gets a
producer in a new file beside the plan, `what-if.plan`, holding `team what-if { produces NAME =
VALUE }`. The edited files are then checked like any others, so the findings are the ones `check`
reports on a copy of the plan edited the same way. VALUE is read by the plan's own value reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from planlint.analysis.evaluate import Known
from planlint.analysis.goals import standing
from planlint.analysis.graph import InterlockGraph
from planlint.analysis.impact import formula_text
from planlint.analysis.solve import MetricTree
from planlint.analysis.trace import known_names, reason_words
from planlint.commands.check import make_report
from planlint.commands.common import configuration
from planlint.language import quantity as q
from planlint.language.source import decode
from planlint.language.span import Span
from planlint.language.suggest import closest
from planlint.model.parse import parse_value
from planlint.model.plan import Amount, Derive, Goal
from planlint.model.written import requirement_text, value_text
from planlint.output.terminal import write_stdout
from planlint.output.what_if import GoalMove, Setting, WhatIf, render
from planlint.run.config import Config
from planlint.run.engine import LintResult, lint_sources
from planlint.run.files import Source, Unread, display_path, display_paths, plan_files, read_in_order
from planlint.run.problems import EXIT_FINDINGS, EXIT_OK, UsageError

WHAT_IF_FILE = "what-if.plan"
WHAT_IF_TEAM = "what-if"
FORMATS = ("text", "json")


@dataclass
class WhatIfOptions:
    paths: list[Path]
    settings: list[str] = field(default_factory=list)  # NAME=VALUE
    output_format: str = "text"
    config_path: Path | None = None
    fail_on: str | None = None


def run_what_if(options: WhatIfOptions, cwd: Path | None = None) -> int:
    """Check the plan as if each NAME's producer stated VALUE; 1 when the changed plan still has
    findings at or above --fail-on. Raises UsageError for a setting planlint cannot apply."""
    if options.output_format not in FORMATS:
        raise UsageError(f"unknown what-if format '{options.output_format}' (known: {', '.join(FORMATS)})")
    what_if = build_what_if(options, (cwd or Path.cwd()).resolve())
    write_stdout(render(options.output_format, what_if))
    return EXIT_FINDINGS if what_if.report.failed else EXIT_OK


def build_what_if(options: WhatIfOptions, cwd: Path) -> WhatIf:
    wanted = [_setting(text) for text in options.settings]
    if not wanted:
        raise UsageError("say what to change: --set NAME=VALUE (repeat it for several)")
    names = [name for name, _ in wanted]
    doubled = sorted({name for name in names if names.count(name) > 1})
    if doubled:
        raise UsageError(f"--set gives {', '.join(doubled)} more than one value")
    paths = options.paths or [Path(".")]
    config = configuration(paths, options.config_path, fail_on=options.fail_on, cache=False)
    found = plan_files(paths, config)
    sources: list[tuple[str, Source]] = [(shown, Unread(path)) for path, shown in zip(found, display_paths(found, cwd))]
    read: list[tuple[str, Source]] = list(zip([shown for shown, _ in sources], read_in_order(sources)))
    before = lint_sources(read, config, cwd)
    edited, settings = _edited(read, before.graph, wanted, _new_file(paths, cwd, {shown for shown, _ in read}))
    after = lint_sources(edited, config, cwd)
    return _compared(before, after, settings, names, config)


def _setting(text: str) -> tuple[str, str]:
    """`NAME=VALUE`, with VALUE read as the plan reads a value."""
    name, equals, value = text.partition("=")
    name, value = name.strip(), value.strip()
    if not equals or not name or not value:
        raise UsageError(f"--set {text}: write it as NAME=VALUE, like --set leads.win_rate=20%")
    try:
        parse_value(value)
    except ValueError as err:
        raise UsageError(f"--set {name}={value}: {err}") from None
    return name, value


def _new_file(paths: list[Path], cwd: Path, taken: set[str]) -> str:
    """Where a producer for a name nobody produces goes: `what-if.plan` beside the plan."""
    folder = paths[0] if paths[0].is_dir() else paths[0].parent
    shown, number = display_path(folder / WHAT_IF_FILE, cwd), 1
    while shown in taken:
        number += 1
        shown = display_path(folder / f"what-if-{number}.plan", cwd)
    return shown


# Editing the plan's text ------------------------------------------------------------------------


def _edited(
    sources: list[tuple[str, Source]], graph: InterlockGraph, wanted: list[tuple[str, str]], new_file: str
) -> tuple[list[tuple[str, Source]], list[Setting]]:
    """The sources with each setting written in, and what each replaced."""
    known = known_names(graph)
    edits: dict[str, list[tuple[Span, str]]] = {}
    added: list[str] = []
    settings = []
    for name, value in wanted:
        producer = graph.producer(name)
        if producer is None:
            if name not in known:
                close = closest(name, known)
                hint = f"; did you mean {close}?" if close else ""
                raise UsageError(f"--set {name}: the plan has no assumption or metric named '{name}'{hint}")
            added.append(f"  produces {name} = {value}")
            settings.append(Setting(name, value, WHAT_IF_TEAM, new_file, 1 + len(added), "nobody produced it"))
            continue
        if isinstance(producer, Derive):
            span, text, was = producer.span, f"produces {name} = {value}", f"derived as {formula_text(producer.expr)}"
        elif producer.value is not None:
            span, text, was = producer.value.span, value, value_text(producer.value)
        else:
            span, text, was = _after_name(graph, producer.span, name), f" = {value}", "no value"
        edits.setdefault(span.path, []).append((span, text))
        settings.append(Setting(name, value, producer.team, producer.span.path, producer.span.line, was))
    changed = [(shown, _applied(shown, data, edits[shown]) if shown in edits else data) for shown, data in sources]
    if added:
        text = f"team {WHAT_IF_TEAM} {{\n" + "\n".join(added) + "\n}\n"
        changed.append((new_file, text.encode("utf-8")))
    return changed, settings


def _after_name(graph: InterlockGraph, statement: Span, name: str) -> Span:
    """The empty span just after the name of `produces NAME` (where ` = VALUE` goes)."""
    line = graph.plan.source_line(statement.path, statement.line) or ""
    found = re.compile(rf"produces\s+{re.escape(name)}").match(line, statement.column - 1)
    column = (found.end() if found else statement.end_column - 1) + 1
    return Span(statement.path, statement.line, column, statement.line, column)


def _applied(shown: str, data: Source, edits: list[tuple[Span, str]]) -> bytes:
    """The file's text with each span replaced, last first so that the earlier spans still hold."""
    assert isinstance(data, bytes)  # a file with a producer in it was read and parsed
    text = decode(shown, data)
    assert isinstance(text, str)
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    for span, replacement in sorted(edits, key=lambda edit: (edit[0].line, edit[0].column), reverse=True):
        begin = starts[span.line - 1] + span.column - 1
        end = starts[span.end_line - 1] + span.end_column - 1
        text = text[:begin] + replacement + text[end:]
    return text.encode("utf-8")


# Before and after ----------------------------------------------------------------------------


def _compared(
    before: LintResult, after: LintResult, settings: list[Setting], names: list[str], config: Config
) -> WhatIf:
    was = {f.fingerprint for f in before.findings}
    now = {f.fingerprint for f in after.findings}
    return WhatIf(
        settings,
        _goal_moves(before, after, names, config.tolerance),
        make_report(after, after.findings, config),
        fixed=[f for f in before.findings if f.fingerprint not in now],
        new=[f for f in after.findings if f.fingerprint not in was],
        still_open=[f for f in after.findings if f.fingerprint in was],
    )


def _goal_moves(before: LintResult, after: LintResult, names: list[str], tolerance: Fraction) -> list[GoalMove]:
    """Each goal whose metric depends on a changed name, before and after."""
    later = {(g.team, g.metric, requirement_text(g.requirement)): g for g in after.graph.goals}
    moves = []
    for goal in before.graph.goals:
        tree = MetricTree.of(before.graph, before.evaluator, goal.metric)
        if not any(name in tree.occurrences or name == goal.metric for name in names):
            continue
        target = requirement_text(goal.requirement)
        then = later.get((goal.team, goal.metric, target))
        value_before, status_before = _standing(goal, before, tolerance)
        value_after, status_after = _standing(then, after, tolerance) if then else ("removed", "removed")
        moves.append(GoalMove(goal.metric, goal.team, target, value_before, value_after, status_before, status_after))
    return moves


def _standing(goal: Goal, result: LintResult, tolerance: Fraction) -> tuple[str, str]:
    """The goal's metric in the goal's unit (or why it has none), and how the goal stands."""
    outcome = result.evaluator.value_of(goal.metric)
    target = goal.requirement.value
    if not isinstance(outcome, Known) or not isinstance(target, Amount):
        return reason_words(outcome) or "not a number", "unverifiable"
    shown = q.format_quantity(outcome.quantity, target.quantity.unit)
    if not outcome.quantity.unit.comparable(target.quantity.unit):
        return shown, "not comparable"
    return shown, standing(goal, outcome.quantity, tolerance)
