"""The human format: ruff-like, with the source line and a caret underline.

Plan owners read this in a terminal or a CI log, so each finding shows the line
it is about and what to do (the help line), and the summary says it in words.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from planlint.output.escape import one_line, terminal, terminal_lines
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


def _display(line: str) -> tuple[str, list[int] | None]:
    """The line as drawn (tabs expanded, controls made harmless) and the display
    column where each character starts, plus one entry for the end of the line;
    None where each character takes one cell (its column is its index)."""
    out: list[str] = []
    starts: list[int] = []
    # The common case: one cell a character (`±` and `€` included), no tab or control to replace. Below
    # U+0300 (the first combining mark; the first wide character is U+1100) every printable one is.
    if line.isprintable() and (
        line.isascii() or max(line) < "\u0300" or all(_cell_width(ch, 0) == 1 for ch in set(line) - _ASCII)
    ):
        return line, None
    column = 0
    for ch in line:
        starts.append(column)
        width = _cell_width(ch, column)
        if ch == "\t":
            out.append(" " * width)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):  # no escapes or reordering from a plan file
            out.append("\N{REPLACEMENT CHARACTER}")
        else:
            out.append(ch)
        column += width
    starts.append(column)
    return "".join(out), starts


SNIPPET_CHARS = 200  # of a longer line, the part around the finding is shown


def _window(line: str, begin: int) -> tuple[str, int]:
    """The part of a long line around position `begin`, cut ends marked `…`, and how far it moved."""
    if len(line) <= SNIPPET_CHARS:
        return line, 0
    start = max(0, min(begin - SNIPPET_CHARS // 4, len(line) - SNIPPET_CHARS))
    stop = start + SNIPPET_CHARS
    prefix = "…" if start else ""
    return prefix + line[start:stop] + ("…" if stop < len(line) else ""), start - len(prefix)


SNIPPET_LINES = 6  # of a span over more lines, the first ones are shown and the rest marked `…`


def snippet(finding: Finding, source_lines: Callable[[str, int], str | None], style: Style = _plain) -> list[str]:
    """The gutter, and for each line of the finding's span (a derive continued over several lines:
    each of them) the source line (the part around the finding, when long) and the carets under it.
    `source_lines(path, number)` is a file's line (`Report.source_lines`)."""
    span = finding.span
    last = min(span.end_line, span.line + SNIPPET_LINES - 1)
    pad = " " * len(str(last))
    drawn_lines = [f"{pad} |"]
    colour = _COLORS[finding.severity]
    for number in range(span.line, last + 1):
        source = source_lines(span.path, number)
        if source is None:
            break
        text = source.rstrip("\r\n")
        begin = span.column - 1 if number == span.line else len(text) - len(text.lstrip())
        end = span.end_column - 1 if number == span.end_line else len(text)
        drawn_lines += _underlined(text, number, begin, end, pad, style, colour)
    if len(drawn_lines) == 1:
        return []
    if last < span.end_line:
        drawn_lines.append(f"{pad} | …")
    return drawn_lines


def _underlined(text: str, number: int, begin: int, end: int, pad: str, style: Style, colour: str) -> list[str]:
    """One source line (its window around `begin`, when long) and carets from `begin` to `end`."""
    line, shift = _window(text, begin)
    drawn, starts = _display(line)
    last = len(line)  # index of the end-of-line position
    first, stop = min(max(begin - shift, 0), last), min(max(end - shift, 0), last)
    left, right = (first, stop) if starts is None else (starts[first], starts[stop])
    carets = style("^" * max(right - left, 1), fg=colour, bold=True)
    return [f"{number:>{len(pad)}} | {drawn}".rstrip(), f"{pad} | {' ' * left}{carets}"]


def render_finding(finding: Finding, report: Report, style: Style = _plain) -> str:
    """One finding: header, snippet, help, related locations; plan text shown, never obeyed (`terminal`)."""
    code = style(finding.code, fg=_COLORS[finding.severity], bold=True)
    first, *rest = terminal_lines(finding.message).split("\n")
    lines = [f"{style(terminal(where(finding.span)), bold=True)}: {code} {first}"]
    lines += [f"  {line}" for line in rest if line.strip()]
    lines += snippet(finding, report.source_lines, style)
    if finding.help:
        lines.append(f"  = {style('help', bold=True)}: {terminal(one_line(finding.help))}")
    lines += [f"  --> {terminal(where(r.span))}: {terminal(one_line(r.message))}" for r in finding.related]
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
