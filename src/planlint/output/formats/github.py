"""GitHub Actions workflow commands: each finding becomes an annotation on the
pull request's diff. No JSON, no files: the runner reads them from stdout."""

from __future__ import annotations

from planlint.output.escape import github_message, github_property, terminal, terminal_lines
from planlint.output.formats._common import details, summary_line
from planlint.output.report import Report
from planlint.rulebook.finding import Finding, Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def annotation(f: Finding) -> str:
    """`::error file=...,line=...,title=...::message` for one finding."""
    span = f.span
    props = {"file": span.path, "line": str(span.line)}
    if span.end_line == span.line:
        # GitHub takes columns only for a single-line range.
        props |= {"col": str(span.column), "endLine": str(span.end_line), "endColumn": str(span.end_column)}
    else:
        props["endLine"] = str(span.end_line)
    props["title"] = f"planlint {f.code} ({f.rule})"
    # The runner shows the line in the job's log too, which obeys terminal escapes: shown, not obeyed.
    joined = ",".join(f"{key}={github_property(terminal(value))}" for key, value in props.items())
    message = "\n".join([f.message, *details(f)])
    return f"::{COMMANDS[f.severity]} {joined}::{github_message(terminal_lines(message))}"


def render(report: Report, *, color: bool = False) -> str:
    """One annotation per finding, then the plain summary line for the log."""
    lines = [annotation(f) for f in report.findings]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
