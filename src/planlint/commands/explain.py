"""`planlint explain`: a rule's documentation, an assumption's story, or a line's findings.

Three subjects, one entry point (`run_explain`):

- a rule code or name (`PL102`, `value-mismatch`), or `--all` for the table of rules;
- an assumption or metric (`sales.revenue`): who produces it, who relies on it and
  whether that fits, how it is derived with the numbers at each step, how its
  goals stand and what each input would need to be to close a gap;
- `PATH:LINE`: the findings on that line, then their subjects explained as above.

Each explanation is built once as plain data (`_explain_data`), printed as JSON or
drawn as a terminal tree (`_explain_render`). Only a rule's documentation is
needed for the first form, so the parser and the engine are imported lazily.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from planlint.language.suggest import closest_few
from planlint.output import explain as render
from planlint.output.terminal import write_stdout
from planlint.rulebook.contract import Rule
from planlint.rulebook.documentation import doc_sections
from planlint.rulebook.registry import load_rules

if TYPE_CHECKING:
    from planlint.output.explain import LineExplanation, NameExplanation
    from planlint.run.config import Config
    from planlint.run.engine import LintResult

_PATH_LINE = re.compile(r"^(?P<path>.+):(?P<line>[0-9]+)$")


def run_explain(
    subject: str | None,
    paths: list[Path],
    show_all: bool,
    output_format: str,
    color: bool,
    spread: str | None = None,
) -> int:
    """Print the explanation of `subject` (or of every rule with `show_all`); the exit code.
    `spread` is how far the sensitivity table moves an input stated as one value (`10%`).

    Raises `planlint.run.problems.UsageError` for a subject planlint does not know.
    Explaining is never a failure of the plan: the exit code is 0.
    """
    as_json = output_format == "json"
    painter = render.Painter(color=color and not as_json, unicode=_stdout_is_unicode())
    ruleset = load_rules()
    for note in ruleset.load_errors:
        print(f"planlint: warning: {note}", file=sys.stderr)
    if show_all:
        if subject is not None:
            raise _usage("give either a rule, an assumption or PATH:LINE, or --all, not both")
        rows = [rule_summary(rule) for rule in ruleset.rules]
        _emit({"rules": rows} if as_json else render.rule_table(rows, painter), as_json)
        return 0
    if not subject or not subject.strip():
        raise _usage(
            "say what to explain: a rule (PL102 or value-mismatch), an assumption "
            "(sales.revenue), a line of a plan (sales.plan:6), or --all for every rule"
        )
    subject = subject.strip()
    rule = ruleset.find(subject)
    if rule is not None:
        doc = rule_document(rule)
        _emit(doc if as_json else render.rule_document(doc, painter), as_json)
        return 0
    located = _PATH_LINE.match(subject)
    if located:
        where = Path(located.group("path")), int(located.group("line"))
        return _explain_line(*where, paths, as_json, painter, _spread(spread))
    return _explain_name(subject, paths, as_json, painter, _spread(spread))


def _spread(text: str | None) -> Fraction:
    """`--spread 10%` as a fraction (the default when not given); a usage error unless above 0% and
    below 100%."""
    from planlint.analysis.trace import SPREAD

    if text is None:
        return SPREAD
    try:
        value = Fraction(Decimal(text.strip().removesuffix("%"))) / 100
    except (ArithmeticError, ValueError):
        value = Fraction(-1)
    if not 0 < value < 1:
        raise _usage(f"--spread {text}: give a percentage above 0% and below 100%, like 10%")
    return value


# Rules ------------------------------------------------------------------------


def rule_summary(rule: Rule[Any]) -> dict[str, Any]:
    """One row of `explain --all`."""
    return {
        "code": rule.code,
        "name": rule.name,
        "summary": rule.summary(),
        "severity": rule.severity.value,
        "groups": list(rule.groups),
        "origin": rule.origin,
        "enabled_by_default": bool(rule.enabled_by_default),
    }


def rule_document(rule: Rule[Any]) -> dict[str, Any]:
    """A rule's documentation: its metadata, its sections and the whole Markdown text."""
    documentation = rule.documentation()
    return {**rule_summary(rule), "sections": doc_sections(documentation), "documentation": documentation}


# Assumptions and lines --------------------------------------------------------


def _lint(paths: list[Path]) -> tuple[LintResult, Config]:
    """Lint the plan at `paths` with its configuration (imports the parser: only here)."""
    from planlint.commands.common import configuration
    from planlint.run.engine import lint

    config = configuration(paths)
    return lint(paths, config), config


def _explain_name(name: str, paths: list[Path], as_json: bool, painter: render.Painter, spread: Fraction) -> int:
    from planlint.analysis.trace import known_names

    if "." not in name:  # not a rule, and never an assumption: only the suggestions need the plan
        try:
            known = known_names(_lint(paths)[0].graph)
        except ValueError:  # a broken configuration must not hide the mistake in the subject
            known = set()
        raise _unknown(name, known, paths)
    result, config = _lint(paths)
    known = known_names(result.graph)
    if name not in known:
        raise _unknown(name, known, paths)
    explanation = _explained(name, result, config, spread)
    _emit(explanation.to_json() if as_json else render.assumption(explanation, painter), as_json)
    return 0


def _explain_line(
    path: Path, line: int, paths: list[Path], as_json: bool, painter: render.Painter, spread: Fraction
) -> int:
    if not path.is_file():
        raise _usage(f"there is no file {path.as_posix()} to explain line {line} of")
    result, config = _lint(paths)
    explanation = line_explanation(path, line, result, config, spread)
    if explanation is None:
        raise _usage(
            f"{path.as_posix()} is not part of the plan in {_folders(paths)}; name the plan's folder "
            f"after it: planlint explain {path.as_posix()}:{line} FOLDER"
        )
    _emit(explanation.to_json() if as_json else render.line(explanation, painter), as_json)
    return 0


def line_explanation(
    path: Path, line: int, result: LintResult, config: Config, spread: Fraction | None = None
) -> LineExplanation | None:
    """The findings on a line, and the names they (and the line's statements) are about.

    None when `path` is not one of the plan's files.
    """
    from planlint.analysis.trace import known_names
    from planlint.model.plan import Goal, Owner
    from planlint.output.explain import LineExplanation

    target = path.resolve()
    plan_file = next((f for f in result.plan.files if (Path.cwd() / f.path).resolve() == target), None)
    if plan_file is None:
        return None
    # A statement continued over several lines (a derive) is on each of them.
    findings = [f for f in result.findings if f.span.path == plan_file.path and f.span.line <= line <= f.span.end_line]
    names = [f.subject for f in findings]
    for block in plan_file.blocks:
        for statement in block.statements:
            if statement.span.line <= line <= statement.span.end_line and not isinstance(statement, Owner):
                names.append(statement.metric if isinstance(statement, Goal) else statement.name)
    known = known_names(result.graph)
    subjects = [n for n in dict.fromkeys(names) if n in known]
    return LineExplanation(plan_file.path, line, findings, [_explained(n, result, config, spread) for n in subjects])


def _explained(name: str, result: LintResult, config: Config, spread: Fraction | None = None) -> NameExplanation:
    from planlint.analysis.trace import SPREAD, explain_assumption
    from planlint.output.explain import NameExplanation

    graph, evaluator = result.graph, result.evaluator
    story = explain_assumption(
        name, graph, evaluator, config.tolerance, config.fiscal_year_start, spread=spread or SPREAD
    )
    return NameExplanation(story, [f for f in result.findings if f.subject == name])


# Errors -----------------------------------------------------------------------


def _usage(message: str) -> ValueError:
    from planlint.run.problems import UsageError

    return UsageError(message)


def _unknown(subject: str, assumption_names: set[str], paths: list[Path]) -> ValueError:
    """An unknown subject, with a did-you-mean over rule codes and names and the plan's names."""
    rules = load_rules().rules
    candidates = {
        **{r.code.lower(): r.code for r in rules},
        **{r.name: r.name for r in rules},
        **{n.lower(): n for n in assumption_names},
    }
    close = closest_few(subject.lower(), candidates)
    if "." in subject:
        message = f"the plan in {_folders(paths)} has no assumption or metric named '{subject}'"
    else:
        message = f"'{subject}' is neither a rule nor an assumption of the plan in {_folders(paths)}"
    if close:
        return _usage(message + "; did you mean " + render.either([candidates[c] for c in close]) + "?")
    return _usage(message + "; `planlint explain --all` lists the rules")


def _folders(paths: list[Path]) -> str:
    shown = [p.as_posix() for p in paths]
    return "the current folder" if shown == ["."] else ", ".join(shown)


# Output -----------------------------------------------------------------------


def _stdout_is_unicode(stream: TextIO | None = None) -> bool:
    """Box-drawing characters only where the output can carry them (else ASCII)."""
    encoding = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False


def _emit(content: Any, as_json: bool) -> None:
    stream = sys.stdout
    if as_json:
        text = json.dumps(content, indent=2, ensure_ascii=not _stdout_is_unicode(stream)) + "\n"
    else:
        text = content if content.endswith("\n") else content + "\n"
    write_stdout(text)  # `€` on an ASCII pipe: `?`
