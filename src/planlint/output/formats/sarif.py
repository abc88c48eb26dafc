"""SARIF 2.1.0, for GitHub code scanning and other static-analysis dashboards.

Every enabled rule is listed with its documentation so a dashboard can explain
a result without planlint installed; partialFingerprints carry planlint's own
line-independent fingerprint so results survive edits elsewhere in the plan.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from planlint.language.span import Span
from planlint.output import json_text
from planlint.output.escape import sarif_text
from planlint.output.formats._common import TOOL_NAME, TOOL_URL
from planlint.output.report import Report
from planlint.rulebook.finding import Finding, RuleInfo, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "planlintFingerprint/v1"


def artifact_location(path: str) -> dict[str, str]:
    """A relative path becomes a URI relative to %SRCROOT%; an absolute one a file: URI."""
    pure = PurePath(path)  # on Windows, as_posix() turns backslashes into slashes
    if pure.is_absolute():
        return {"uri": pure.as_uri()}
    return {"uri": quote(pure.as_posix()), "uriBaseId": "%SRCROOT%"}


def physical_location(span: Span) -> dict[str, Any]:
    """Finding and SARIF columns both count from 1 with an exclusive end."""
    return {"artifactLocation": artifact_location(span.path), "region": _region(span)}


def _region(span: Span) -> dict[str, int]:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column}


def fixes(f: Finding) -> list[dict[str, Any]]:
    """SARIF fix objects: one artifact change per file, its replacements in the run's columns.
    Alternatives are left out: a SARIF consumer may apply every fix it is given, and `--fix
    --unsafe-fixes` applies exactly these."""
    found = []
    for fix in f.fixes:
        if fix.is_alternative:
            continue
        changes = [
            {
                "artifactLocation": artifact_location(path),
                "replacements": [
                    {"deletedRegion": _region(edit.span), "insertedContent": {"text": edit.new_text}}
                    for edit in fix.edits
                    if edit.path == path
                ],
            }
            for path in fix.paths
        ]
        found.append(
            {
                "description": {"text": fix.title},
                "artifactChanges": changes,
                "properties": {"applicability": fix.applicability},
            }
        )
    return found


def _rule_table(report: Report) -> list[RuleInfo]:
    """report.rules by code, plus a stub for any finding whose rule is not listed,
    so every result's ruleIndex points at a real entry."""
    rules = dict(report.rules)
    for f in report.findings:
        if f.code not in rules:
            rules[f.code] = RuleInfo(f.code, f.rule, f.rule, "", f.severity)
    return [rules[code] for code in sorted(rules)]


def _rule(info: RuleInfo) -> dict[str, Any]:
    doc = info.documentation or info.summary
    return {
        "id": info.code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[info.default_severity]},
        "properties": {"origin": info.origin},
    }


def _result(f: Finding, index: int) -> dict[str, Any]:
    text = sarif_text(f.message + (f"\nhelp: {f.help}" if f.help else ""))
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": LEVELS[f.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical_location(f.span)}],
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
    }
    offered = fixes(f)
    if offered:
        result["fixes"] = offered
    if f.related:
        result["relatedLocations"] = [
            {"id": i, "physicalLocation": physical_location(r.span), "message": {"text": sarif_text(r.message)}}
            for i, r in enumerate(f.related, start=1)
        ]
    if f.guidance is not None:  # what the help says, as data: a goal's closing values and drivers
        result["properties"] = f.guidance.to_dict()
    return result


def render(report: Report, *, color: bool = False) -> str:
    """One run, one driver; colour is ignored."""
    rules = _rule_table(report)
    index = {info.code: i for i, info in enumerate(rules)}
    run = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": report.tool_version,
                "informationUri": TOOL_URL,
                "rules": [_rule(info) for info in rules],
            }
        },
        # Finding columns count characters (code points), not SARIF's default UTF-16 units.
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.code]) for f in report.findings],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json_text.dumps(document) + "\n"
