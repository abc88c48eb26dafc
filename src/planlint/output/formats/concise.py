"""One line per finding: for grep, editors' quickfix lists and long runs."""

from __future__ import annotations

from planlint.output.escape import one_line, terminal
from planlint.output.formats._common import summary_line, where
from planlint.output.report import Report
from planlint.output.terminal import SEVERITY_COLORS


def render(report: Report, *, color: bool = False) -> str:
    """`path:line:col: CODE [severity] message` lines, then the summary line."""
    lines = []
    for f in report.findings:
        code = f.code
        if color:
            import click

            code = click.style(code, fg=SEVERITY_COLORS[f.severity.value], bold=True)
        lines.append(f"{terminal(where(f.span))}: {code} [{f.severity.value}] {terminal(one_line(f.message))}")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
