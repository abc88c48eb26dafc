"""reviewdog's Diagnostic Format (rdjson DiagnosticResult), for review comments
on GitLab, Gitea, Bitbucket and GitHub through reviewdog.

rdjson counts columns in UTF-8 bytes; findings count characters. When the
source line is known the column is converted, otherwise it is left as is.
"""

from __future__ import annotations

import json

from planlint.language.span import Span
from planlint.output.formats._common import TOOL_NAME, TOOL_URL
from planlint.output.report import Report
from planlint.rulebook.finding import Finding, Severity

SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def _byte_column(report: Report, path: str, line: int, column: int) -> int:
    text = report.source_lines(path, line)
    if text is None:
        return column
    return len(text[: max(column - 1, 0)].encode("utf-8")) + 1


def location(report: Report, span: Span) -> dict:
    """path plus a range whose end is exclusive, as in Finding."""
    return {
        "path": span.path,
        "range": {
            "start": {"line": span.line, "column": _byte_column(report, span.path, span.line, span.column)},
            "end": {"line": span.end_line, "column": _byte_column(report, span.path, span.end_line, span.end_column)},
        },
    }


def diagnostic(report: Report, f: Finding) -> dict:
    message = f.message + (f"\nhelp: {f.help}" if f.help else "")
    result = {
        "message": message,
        "location": location(report, f.span),
        "severity": SEVERITIES[f.severity],
        "source": {"name": TOOL_NAME, "url": TOOL_URL},
        "code": {"value": f.code},
    }
    if f.related:
        result["related_locations"] = [{"message": r.message, "location": location(report, r.span)} for r in f.related]
    return result


def render(report: Report, *, color: bool = False) -> str:
    """One DiagnosticResult for the whole run; colour is ignored."""
    document = {
        "source": {"name": TOOL_NAME, "url": TOOL_URL},
        "diagnostics": [diagnostic(report, f) for f in report.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
