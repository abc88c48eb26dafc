"""GitLab Code Quality report (`artifacts:reports:codequality`): the subset of the
Code Climate issue format that GitLab reads, shown in the merge request widget.

GitLab matches issues between pipelines by fingerprint and shows only one issue
per fingerprint, so fingerprints here are unique within a report: the first
finding keeps planlint's fingerprint, a repeat gets one derived from it and its
occurrence number (still independent of line numbers).
"""

from __future__ import annotations

import hashlib

from planlint.output import json_text
from planlint.output.escape import one_line
from planlint.output.report import Report
from planlint.rulebook.finding import Finding, Severity

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "info"}


def unique_fingerprints(findings: list[Finding]) -> list[str]:
    """One fingerprint per finding, no two equal, stable across unrelated edits."""
    seen: dict[str, int] = {}
    used: set[str] = set()
    result = []
    for f in findings:
        base = f.fingerprint
        n = seen.get(base, 0)
        fingerprint = base
        while fingerprint in used:
            n += 1
            fingerprint = hashlib.sha256(f"{base}\x1f{n}".encode()).hexdigest()[:32]
        seen[base] = n
        used.add(fingerprint)
        result.append(fingerprint)
    return result


def _description(f: Finding) -> str:
    """One line: the widget lists issues, it does not wrap them."""
    return one_line(f"{f.code} {f.message}" + (f" (help: {f.help})" if f.help else ""))


def render(report: Report, *, color: bool = False) -> str:
    """A JSON list of issues; colour is ignored."""
    issues = [
        {
            "description": _description(f),
            "check_name": f.rule,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[f.severity],
            "location": {"path": f.span.path, "lines": {"begin": f.span.line, "end": f.span.end_line}},
        }
        for f, fingerprint in zip(report.findings, unique_fingerprints(report.findings))
    ]
    return json_text.dumps(issues) + "\n"
