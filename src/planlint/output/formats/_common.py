"""Small helpers shared by the formats: wording and locations, standard library only."""

from __future__ import annotations

from planlint.language.span import Span
from planlint.language.wording import plural
from planlint.output.report import Report
from planlint.rulebook.finding import Finding, Severity

TOOL_NAME = "planlint"
TOOL_URL = "https://github.com/planlint/planlint"

# Ordered as the summary line lists them.
_NOUNS = ((Severity.ERROR, "error"), (Severity.WARNING, "warning"), (Severity.INFO, "info"))


def join_words(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def summary_line(report: Report) -> str:
    """'Found 2 errors and 1 warning in 5 files.' or 'All checked: 5 files, no findings.'"""
    files = plural(report.files_checked, "file")
    if not report.findings:
        return f"All checked: {files}, no findings."
    counts = report.counts()
    parts = [plural(counts[sev], noun) for sev, noun in _NOUNS if counts[sev]]
    return f"Found {join_words(parts)} in {files}."


def where(span: Span) -> str:
    """'path:line:col', the form editors and terminals turn into links."""
    return f"{span.path}:{span.line}:{span.column}"


def details(finding: Finding) -> list[str]:
    """The help line and the related locations, as lines to append to a message."""
    lines = [f"help: {finding.help}"] if finding.help else []
    lines += [f"{where(r.span)}: {r.message}" for r in finding.related]
    return lines


def fixable_line(report: Report) -> str:
    """`2 findings fixable with planlint check --fix (1 more with --unsafe-fixes).`, or "" when none."""
    safe = sum(1 for f in report.findings if f.fixable())
    unsafe = sum(1 for f in report.findings if f.fixable(unsafe=True)) - safe
    if not safe and not unsafe:
        return ""
    more = f" ({unsafe} more with --unsafe-fixes)" if safe and unsafe else ""
    if not safe:
        return f"{plural(unsafe, 'finding')} fixable with planlint check --fix --unsafe-fixes."
    return f"{plural(safe, 'finding')} fixable with planlint check --fix{more}."
