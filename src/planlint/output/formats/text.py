"""The human format: ruff-like, with the source line and a caret underline.

Plan owners read this in a terminal or a CI log, so each finding shows the line
it is about and what to do (the help line), and the summary says it in words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from planlint.output.formats._common import fixable_line, summary_line, where
from planlint.output.report import Report
from planlint.rulebook.finding import Finding, Severity

TAB_WIDTH = 4
_COLORS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}

Style = Callable[..., str]


def _plain(text: str, **_: object) -> str:
    return text


_ASCII = frozenset(map(chr, range(128)))


def _cell_width(ch: str, column: int) -> int:
    """Terminal cells `ch` takes when drawn at display column `column` (0-based)."""
    if ch == "\t":
        return TAB_WIDTH - column % TAB_WIDTH
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _display(line: str) -> tuple[str, list[int]]:
    """The line as drawn (tabs expanded, controls made harmless) and the display
    column where each character starts, plus one entry for the end of the line."""
    out: list[str] = []
    starts: list[int] = []
    # The common case: one cell a character (`±` and `€` included), no tab or control to replace.
    if line.isprintable() and (line.isascii() or all(_cell_width(ch, 0) == 1 for ch in set(line) - _ASCII)):
        return line, list(range(len(line) + 1))
    column = 0
    for ch in line:
        starts.append(column)
        width = _cell_width(ch, column)
        if ch == "\t":
            out.append(" " * width)
        elif unicodedata.category(ch) == "Cc":  # no terminal escapes from a plan file
            out.append("\N{REPLACEMENT CHARACTER}")
        else:
            out.append(ch)
        column += width
    starts.append(column)
    return "".join(out), starts


def snippet(finding: Finding, source: str | None, style: Style = _plain) -> list[str]:
    """The gutter, the source line and the caret line under the finding's span."""
    if source is None:
        return []
    span = finding.span
    drawn, starts = _display(source.rstrip("\r\n"))
    last = len(starts) - 1  # index of the end-of-line position
    begin = min(max(span.column - 1, 0), last)
    end = min(max(span.end_column - 1, 0), last) if span.end_line == span.line else last
    left = starts[begin]
    width = max(starts[end] - left, 1)
    carets = style("^" * width, fg=_COLORS[finding.severity], bold=True)
    number = str(span.line)
    pad = " " * len(number)
    return [f"{pad} |", f"{number} | {drawn}".rstrip(), f"{pad} | {' ' * left}{carets}"]


def render_finding(finding: Finding, report: Report, style: Style = _plain) -> str:
    """One finding: header, snippet, help, related locations."""
    code = style(finding.code, fg=_COLORS[finding.severity], bold=True)
    first, *rest = finding.message.splitlines() or [""]
    lines = [f"{style(where(finding.span), bold=True)}: {code} {first}"]
    lines += [f"  {line}" for line in rest]
    lines += snippet(finding, report.source_lines(finding.span.path, finding.span.line), style)
    if finding.help:
        lines.append(f"  = {style('help', bold=True)}: {finding.help}")
    lines += [f"  --> {where(r.span)}: {r.message}" for r in finding.related]
    return "\n".join(lines)


def render(report: Report, *, color: bool = False) -> str:
    """The whole report; colour only when the caller says the terminal wants it."""
    style: Style = _plain
    if color:
        import click  # only a colour terminal needs it

        style = click.style
    blocks = [render_finding(f, report, style) for f in report.findings]
    blocks.append(style(summary_line(report), bold=True) if color else summary_line(report))
    fixable = fixable_line(report)
    return "\n\n".join(blocks) + "\n" + (fixable + "\n" if fixable else "")
