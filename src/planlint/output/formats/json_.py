"""planlint's own machine format: stable keys, documented by a shipped JSON Schema
(planlint/schemas/output.schema.json). The module is `json_` so it never shadows
the standard library's `json`."""

from __future__ import annotations

from planlint.output import json_text
from planlint.output.report import Report

VERSION = 1  # bump on any incompatible change to the shape below


def render(report: Report, *, color: bool = False) -> str:
    """`{"version": 1, "findings": [...], "summary": {...}}`; colour is ignored."""
    document = {
        "version": VERSION,
        "findings": [finding.to_dict() for finding in report.findings],
        "summary": report.summary(),
    }
    return json_text.dumps(document) + "\n"
