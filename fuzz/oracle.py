"""Lint a plan in-process and check what must hold for any input whatsoever.

Whatever the bytes: no exception, every format renders, every finding sits
inside its file (line 1 .. line count + 1, column within the line), at most
one syntax-error per file (a parse stops at its first error), a damaged
file never changes what planlint reads from the other files, and the fast
line reader builds exactly the model the grammar builds.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

from planlint.commands.check import make_report
from planlint.model.parse import parse_bytes
from planlint.model.plan import Plan, PlanFile
from planlint.output.formats import FORMATS, render
from planlint.rulebook.registry import load_rules
from planlint.run.config import DEFAULT
from planlint.run.engine import LintResult, run_rules

Files = dict[str, bytes]
FLOAT_ARTEFACTS = re.compile(r"\b(inf|infinity|nan)\b", re.IGNORECASE)


def lint_files(files: Files) -> tuple[LintResult, dict[str, str]]:
    """Parse, check and render in every format; paths are the keys of `files`."""
    plan = Plan([parse_bytes(path, files[path]) for path in sorted(files)])
    result = run_rules(plan, DEFAULT, load_rules(), Path("."))
    report = make_report(result, result.findings, DEFAULT)
    return result, {name: render(name, report) for name in FORMATS}


def text_lines(data: bytes) -> list[str]:
    """The file's lines as planlint numbers them (BOM skipped, any line ending)."""
    data = data.removeprefix(b"\xef\xbb\xbf").replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return data.decode("utf-8", errors="replace").split("\n")


def check_result(files: Files, result: LintResult, outputs: dict[str, str]) -> None:
    """Assert what holds for every input; raises AssertionError naming what broke."""
    lines = {path: text_lines(data) for path, data in files.items()}
    syntax_errors: dict[str, int] = {}
    for finding in result.findings:
        span = finding.span
        assert span.path in files, f"finding on an unknown file: {finding}"
        file_lines = lines[span.path]
        assert 1 <= span.line <= len(file_lines) + 1, f"line outside the file: {finding}"
        if span.line <= len(file_lines):
            assert 1 <= span.column <= len(file_lines[span.line - 1]) + 1, f"column outside the line: {finding}"
        assert (span.end_line, span.end_column) >= (span.line, span.column), f"span ends before it starts: {finding}"
        assert re.fullmatch(r"PL\d+", finding.code) and finding.message.strip(), f"malformed finding: {finding}"
        if finding.rule == "syntax-error":
            syntax_errors[span.path] = syntax_errors.get(span.path, 0) + 1
    assert all(n == 1 for n in syntax_errors.values()), f"several syntax errors in one file: {syntax_errors}"
    json.loads(outputs["json"])
    json.loads(outputs["sarif"])


def check_valid(files: Files, result: LintResult, outputs: dict[str, str]) -> None:
    """A valid plan: everything above, no syntax-error, and no float artefact in any output."""
    check_result(files, result, outputs)
    problems = [f for f in result.findings if f.rule == "syntax-error"]
    assert not problems, f"a valid plan was refused: {problems[0].span}: {problems[0].message}"
    for name, text in outputs.items():
        match = FLOAT_ARTEFACTS.search(text)
        assert match is None, f"{name} output prints {match.group()!r}"


def check_others_untouched(original: Files, damaged: str, result: LintResult) -> None:
    """The files that were not damaged read exactly as they do on their own."""
    for plan_file in result.plan.files:
        if plan_file.path != damaged:
            alone = parse_bytes(plan_file.path, original[plan_file.path])
            assert _shape(plan_file) == _shape(alone), f"{plan_file.path} read differently next to {damaged}"


def check_readers_agree(files: Files) -> None:
    """The line reader and the grammar build the same model (or the line reader gives way)."""
    for path, data in files.items():
        fast, grammar = parse_bytes(path, data), parse_bytes(path, data, fast=False)
        assert flatten(fast) == flatten(grammar), f"{path}: the two readers disagree"


def flatten(value: object) -> list:
    """A model object as a flat list of its parts, pre-order: no recursion, so any depth is fine."""
    out: list = []
    stack = [value]
    while stack:
        item = stack.pop()
        if dataclasses.is_dataclass(item) and not isinstance(item, type):
            names = [f.name for f in dataclasses.fields(item)]
            out.append(type(item).__name__)
            stack.extend(getattr(item, name) for name in reversed(names))
        elif isinstance(item, (list, tuple)):
            out.append(("seq", len(item)))
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            out.append(("map", len(item)))
            stack.extend(reversed(sorted(item.items(), key=repr)))
        else:
            out.append(item)
    return out


def _shape(plan_file: PlanFile) -> tuple:
    return (plan_file.problem, [(b.kind, b.name, len(b.statements)) for b in plan_file.blocks])
