"""reviewdog's Diagnostic Format (rdjson DiagnosticResult), for review comments
on GitLab, Gitea, Bitbucket and GitHub through reviewdog.

rdjson counts columns in UTF-8 bytes; findings count characters. When the
source line is known the column is converted, otherwise it is left as is.
"""

from __future__ import annotations

from typing import Any

from planlint.language.span import Span
from planlint.output import json_text
from planlint.output.formats._common import TOOL_NAME, TOOL_URL
from planlint.output.report import Report
from planlint.rulebook.finding import Finding, Severity
from planlint.rulebook.fixes import Edit

SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def _byte_column(report: Report, path: str, line: int, column: int) -> int:
    text = report.source_lines(path, line)
    if text is None:
        return column
    return len(text[: max(column - 1, 0)].encode("utf-8")) + 1


def location(report: Report, span: Span) -> dict[str, Any]:
    """path plus a range whose end is exclusive, as in Finding."""
    return {"path": span.path, "range": _range(report, span)}


def _range(report: Report, span: Span) -> dict[str, dict[str, int]]:
    return {
        "start": {"line": span.line, "column": _byte_column(report, span.path, span.line, span.column)},
        "end": {"line": span.end_line, "column": _byte_column(report, span.path, span.end_line, span.end_column)},
    }


def suggestions(report: Report, f: Finding) -> list[dict[str, Any]]:
    """The edits of the fixes reviewdog can offer as a suggested change on the finding's lines:
    a suggestion has no file of its own, so a fix qualifies when all its edits are on those lines.
    Alternatives are left out (accepting all of them would be wrong); `--fix --unsafe-fixes`
    applies the same edits."""
    found = []
    for fix in f.fixes:
        if fix.is_alternative or not all(_on_lines(edit, f.span) for edit in fix.edits):
            continue
        found += [{"range": _range(report, edit.span), "text": edit.new_text} for edit in fix.edits]
    return found


def _on_lines(edit: Edit, span: Span) -> bool:
    return edit.path == span.path and span.line <= edit.start_line and edit.end_line <= span.end_line


def diagnostic(report: Report, f: Finding) -> dict[str, Any]:
    message = f.message + (f"\nhelp: {f.help}" if f.help else "")
    result: dict[str, Any] = {
        "message": message,
        "location": location(report, f.span),
        "severity": SEVERITIES[f.severity],
        "source": {"name": TOOL_NAME, "url": TOOL_URL},
        "code": {"value": f.code},
    }
    offered = suggestions(report, f)
    if offered:
        result["suggestions"] = offered
    if f.related:
        result["related_locations"] = [{"message": r.message, "location": location(report, r.span)} for r in f.related]
    return result


def render(report: Report, *, color: bool = False) -> str:
    """One DiagnosticResult for the whole run; colour is ignored."""
    document = {
        "source": {"name": TOOL_NAME, "url": TOOL_URL},
        "diagnostics": [diagnostic(report, f) for f in report.findings],
    }
    return json_text.dumps(document) + "\n"
